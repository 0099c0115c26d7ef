"""An echo-style ACP agent written with the official Python SDK (agent-client-protocol): it streams the
prompt's text back one word at a time, one agent_message_chunk per word, as AgentWire's echo agent
produces tokens. agentwire-bench runs the same ACP prompt through it and through agentwire, for comparison.
"""

import asyncio
import re
import uuid

from acp import PROTOCOL_VERSION, run_agent, text_block, update_agent_message
from acp.schema import InitializeResponse, NewSessionResponse, PromptResponse


class EchoAgent:
    def on_connect(self, conn):
        self.conn = conn

    async def initialize(self, protocol_version, client_capabilities=None, client_info=None, **kwargs):
        return InitializeResponse(protocol_version=PROTOCOL_VERSION)

    async def new_session(self, cwd, additional_directories=None, mcp_servers=None, **kwargs):
        return NewSessionResponse(session_id=uuid.uuid4().hex)

    async def prompt(self, session_id, prompt, **kwargs):
        text = "".join(block.text for block in prompt if getattr(block, "text", None) is not None)
        # Words with the whitespace after them, so the chunks join to the input exactly.
        for word in re.findall(r"\S+\s*", text):
            await self.conn.session_update(session_id=session_id, update=update_agent_message(text_block(word)))
        return PromptResponse(stop_reason="end_turn")

    async def cancel(self, session_id, **kwargs):
        return None


asyncio.run(run_agent(EchoAgent()))
