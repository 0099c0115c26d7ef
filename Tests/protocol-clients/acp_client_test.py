"""Drives the real agentwire binary as an ACP agent with the official Python SDK (agent-client-protocol).

Usage: python acp_client_test.py AGENTWIRE_BINARY STORE_PATH
Each check prints one line; the exit status is 1 if any failed.
"""

import asyncio
import os
import sys

from importlib.metadata import version
from acp import PROTOCOL_VERSION, Client, spawn_agent_process, text_block
from acp.exceptions import RequestError
from acp.helpers import embedded_blob_resource, resource_block
from acp.schema import (
    AgentMessageChunk,
    AgentPlanUpdate,
    AgentThoughtChunk,
    CurrentModeUpdate,
    RequestPermissionResponse,
    ToolCallProgress,
    ToolCallStart,
    UsageUpdate,
    UserMessageChunk,
)

BINARY, STORE = sys.argv[1], sys.argv[2]
TIMEOUT = 60
failures = []


def check(name, condition, detail=""):
    detail = str(detail)
    detail = detail if len(detail) <= 400 else detail[:400] + "…"
    print(("ok    " if condition else "FAIL  ") + name + ("" if condition else f": {detail}"), flush=True)
    if not condition:
        failures.append(name)


class Recorder(Client):
    """Keeps every update in arrival order. The SDK runs each message in its own task, so the update is
    recorded before anything awaits."""

    def __init__(self):
        self.updates = []

    async def session_update(self, session_id, update, **kwargs):
        self.updates.append((session_id, update))

    async def request_permission(self, options, session_id, tool_call, **kwargs):
        return RequestPermissionResponse(outcome={"outcome": "selected", "optionId": options[0].option_id})

    def of(self, session_id, kind=None):
        return [u for s, u in self.updates if s == session_id and (kind is None or isinstance(u, kind))]


def spawn(recorder):
    # The SDK pipes the agent's stderr and never reads it: inherit it instead, or a chatty agent blocks.
    return spawn_agent_process(
        recorder, BINARY, "--store", STORE, "--log-level", "info", transport_kwargs={"stderr": None}
    )


async def first_process():
    recorder = Recorder()
    async with spawn(recorder) as (conn, _process):
        init = await asyncio.wait_for(conn.initialize(protocol_version=PROTOCOL_VERSION), TIMEOUT)
        check("initialize answers protocol version 1", init.protocol_version == 1, init.protocol_version)
        sessions = init.agent_capabilities.session_capabilities
        check(
            "initialize advertises loadSession, list, close, resume, fork and delete",
            init.agent_capabilities.load_session
            and all(
                getattr(sessions, name) is not None for name in ("list", "close", "resume", "fork", "delete")
            ),
            init.agent_capabilities,
        )
        check("no authentication needed", init.auth_methods == [], init.auth_methods)

        session = await asyncio.wait_for(conn.new_session(cwd=os.getcwd(), mcp_servers=[]), TIMEOUT)
        sid = session.session_id
        option = session.config_options[0]
        check("session/new offers the agent option, echo by default", option.current_value == "echo", option)
        modes = session.modes
        check(
            "session/new offers the agents and workflows as modes, echo current",
            modes is not None
            and modes.current_mode_id == "echo"
            and {"echo", "echo-thinking", "workflow:pipeline"} <= {mode.id for mode in modes.available_modes},
            modes,
        )

        # A prompt whose updates arrive complete and in order.
        words = " ".join(f"word{i}" for i in range(3000))
        response = await asyncio.wait_for(conn.prompt(session_id=sid, prompt=[text_block(words)]), TIMEOUT)
        chunks = recorder.of(sid, AgentMessageChunk)
        text = "".join(chunk.content.text for chunk in chunks)
        check("prompt ends the turn", response.stop_reason == "end_turn", response.stop_reason)
        check("the chunks join to the output, in order", text == words, f"{len(text)} vs {len(words)} chars")
        check("tokens are coalesced into chunks", 1 <= len(chunks) < 3000, len(chunks))
        usage = recorder.of(sid, UsageUpdate)
        check(
            "usage_update follows the turn, of echo's context window",
            len(usage) == 1 and usage[0].used == 6000 and usage[0].size == 8192,
            usage,
        )

        # A binary resource reaches the agent as a reference naming it.
        before = len(recorder.of(sid))
        blob = resource_block(embedded_blob_resource("file:///logo.png", "iVBORw0KGgo=", mime_type="image/png"))
        await asyncio.wait_for(conn.prompt(session_id=sid, prompt=[blob]), TIMEOUT)
        text = "".join(u.content.text for u in recorder.of(sid)[before:] if isinstance(u, AgentMessageChunk))
        check("a blob resource is a reference with its type and size", "(image/png, 8 bytes)" in text, text)

        # Reasoning arrives as thought chunks, with the mode chosen the pre-config-options way.
        await conn.set_session_mode(session_id=sid, mode_id="echo-thinking")
        before = len(recorder.of(sid))
        await asyncio.wait_for(conn.prompt(session_id=sid, prompt=[text_block("think first")]), TIMEOUT)
        thoughts = [u for u in recorder.of(sid)[before:] if isinstance(u, AgentThoughtChunk)]
        check("reasoning arrives as agent_thought_chunk", len(thoughts) >= 1, recorder.of(sid)[before:])

        # A workflow prompt shows a plan and tool calls.
        options = await conn.set_config_option(config_id="agent", session_id=sid, value="workflow:pipeline")
        check(
            "set_config_option selects a workflow",
            options.config_options[0].current_value == "workflow:pipeline",
            options,
        )
        await asyncio.sleep(0.1)
        mode_updates = recorder.of(sid, CurrentModeUpdate)
        check(
            "the config option and the mode stay in step (current_mode_update)",
            [u.current_mode_id for u in mode_updates] == ["workflow:pipeline"],
            mode_updates,
        )
        try:
            await conn.set_session_mode(session_id=sid, mode_id="nobody")
            check("an unknown mode is -32602", False, "it succeeded")
        except RequestError as error:
            check("an unknown mode is -32602", error.code == -32602, error.code)
        before = len(recorder.of(sid))
        response = await asyncio.wait_for(conn.prompt(session_id=sid, prompt=[text_block("ship it")]), TIMEOUT)
        turn = recorder.of(sid)[before:]
        plans = [u for u in turn if isinstance(u, AgentPlanUpdate)]
        starts = [u for u in turn if isinstance(u, ToolCallStart)]
        ends = [u for u in turn if isinstance(u, ToolCallProgress)]
        message = "".join(u.content.text for u in turn if isinstance(u, AgentMessageChunk))
        check("workflow prompt ends the turn", response.stop_reason == "end_turn", response.stop_reason)
        check("workflow steps become a plan", len(plans) >= 2, plans)
        check(
            "the last plan lists every step, completed",
            plans and len(plans[-1].entries) == 2 and all(e.status == "completed" for e in plans[-1].entries),
            plans[-1] if plans else None,
        )
        check(
            "each step is a tool_call of kind think, then completed",
            len(starts) == 2
            and all(s.kind == "think" and s.status == "in_progress" for s in starts)
            and [e.status for e in ends] == ["completed", "completed"]
            and [e.tool_call_id for e in ends] == [s.tool_call_id for s in starts],
            (starts, ends),
        )
        check("the workflow output is the message", message == "reviewed: ship it", message)

        # Cancel mid-stream: the prompt answers cancelled, never an error.
        await conn.set_config_option(config_id="agent", session_id=sid, value="echo-slow")
        before = len(recorder.of(sid))
        slow = " ".join(f"w{i}" for i in range(200))
        prompt = asyncio.create_task(conn.prompt(session_id=sid, prompt=[text_block(slow)]))
        while len(recorder.of(sid, AgentMessageChunk)) == len([u for u in recorder.of(sid)[:before] if isinstance(u, AgentMessageChunk)]):
            await asyncio.sleep(0.02)
        await conn.cancel(session_id=sid)
        response = await asyncio.wait_for(prompt, TIMEOUT)
        partial = "".join(u.content.text for u in recorder.of(sid)[before:] if isinstance(u, AgentMessageChunk))
        check("cancel answers stopReason cancelled", response.stop_reason == "cancelled", response.stop_reason)
        check("cancel stops the stream early", 0 < len(partial) < len(slow) and slow.startswith(partial), partial)

        # Unknown extension requests get -32601; unknown notifications are ignored.
        try:
            await conn.ext_method("example.com/nothing", {})
            check("unknown _ request is -32601", False, "it succeeded")
        except RequestError as error:
            check("unknown _ request is -32601", error.code == -32601, error.code)
        await conn.ext_notification("example.com/nothing", {})

        listed = await conn.list_sessions()
        check("session/list shows the session", any(s.session_id == sid and s.title for s in listed.sessions), listed)
        other = await conn.new_session(cwd="/tmp", mcp_servers=[])
        listed = await conn.list_sessions(cwd="/tmp")
        check("session/list filters by cwd", [s.session_id for s in listed.sessions] == [other.session_id], listed)
        await conn.close_session(session_id=other.session_id)
        listed = await conn.list_sessions(cwd="/tmp")
        check("session/close forgets the session", listed.sessions == [], listed)
        return sid, words


async def second_process(sid, words):
    recorder = Recorder()
    async with spawn(recorder) as (conn, _process):
        await asyncio.wait_for(conn.initialize(protocol_version=PROTOCOL_VERSION), TIMEOUT)
        loaded = await asyncio.wait_for(conn.load_session(cwd=os.getcwd(), session_id=sid, mcp_servers=[]), TIMEOUT)
        check("session/load offers the modes", loaded.modes is not None and len(loaded.modes.available_modes) > 4,
              loaded.modes)
        replay = recorder.of(sid)
        users = [u.content.text for u in replay if isinstance(u, UserMessageChunk)]
        agents = [u.content.text for u in replay if isinstance(u, AgentMessageChunk)]
        check("session/load replays every turn before answering", len(users) == 5 and len(agents) == 5, replay)
        check("the replay starts with the first turn", users[:1] == [words] and agents[:1] == [words], users[:1])
        try:
            await conn.load_session(cwd=os.getcwd(), session_id="ses_missing", mcp_servers=[])
            check("loading an unknown session fails", False, "it succeeded")
        except RequestError as error:
            check("loading an unknown session fails", error.code == -32002, error.code)
        # The loaded session goes on where it was.
        await conn.set_config_option(config_id="agent", session_id=sid, value="echo")
        response = await asyncio.wait_for(conn.prompt(session_id=sid, prompt=[text_block("again")]), TIMEOUT)
        check("a loaded session takes prompts", response.stop_reason == "end_turn", response.stop_reason)


def said(recorder, session_id, before=0):
    """The text of the session's agent_message_chunks from update `before` on."""
    return "".join(u.content.text for u in recorder.of(session_id)[before:] if isinstance(u, AgentMessageChunk))


async def delete_session(conn, session_id):
    """`session/delete`: the SDK's client has no method for it yet, so the request goes out as is."""
    return await asyncio.wait_for(conn._conn.send_request("session/delete", {"sessionId": session_id}), TIMEOUT)


async def third_process(sid, words):
    """session/resume in a new process: no history is replayed, and the next prompt sees all of it; then a
    fork, independent of the session, and its deletion."""
    recorder = Recorder()
    async with spawn(recorder) as (conn, _process):
        await asyncio.wait_for(conn.initialize(protocol_version=PROTOCOL_VERSION), TIMEOUT)
        resumed = await asyncio.wait_for(
            conn.resume_session(cwd=os.getcwd(), session_id=sid, mcp_servers=[]), TIMEOUT
        )
        check(
            "session/resume offers the modes and the agent option",
            resumed.modes is not None and resumed.config_options and resumed.config_options[0].id == "agent",
            resumed,
        )
        await asyncio.sleep(0.2)
        check("session/resume replays nothing", recorder.of(sid) == [], recorder.of(sid))
        await conn.set_config_option(config_id="agent", session_id=sid, value="echo-history")
        response = await asyncio.wait_for(conn.prompt(session_id=sid, prompt=[text_block("resumed")]), TIMEOUT)
        text = said(recorder, sid)
        check("a resumed session takes prompts", response.stop_reason == "end_turn", response.stop_reason)
        check(
            "the prompt after session/resume sees every earlier turn",
            text.startswith(words) and text.endswith("\nagain\nresumed"),
            text[-200:],
        )
        try:
            await conn.resume_session(cwd=os.getcwd(), session_id="ses_missing", mcp_servers=[])
            check("resuming an unknown session fails", False, "it succeeded")
        except RequestError as error:
            check("resuming an unknown session fails", error.code == -32002, error.code)

        forked = await asyncio.wait_for(conn.fork_session(cwd="/tmp", session_id=sid, mcp_servers=[]), TIMEOUT)
        fid = forked.session_id
        await asyncio.sleep(0.2)
        check("session/fork answers a new session, replaying nothing", fid != sid and recorder.of(fid) == [],
              (fid, recorder.of(fid)))
        check(
            "the fork runs what the session runs",
            forked.config_options and forked.config_options[0].current_value == "echo-history",
            forked.config_options,
        )
        await asyncio.wait_for(conn.prompt(session_id=fid, prompt=[text_block("forked")]), TIMEOUT)
        check("the fork has every turn", said(recorder, fid).endswith("\nagain\nresumed\nforked"),
              said(recorder, fid)[-200:])
        before = len(recorder.of(sid))
        await asyncio.wait_for(conn.prompt(session_id=sid, prompt=[text_block("original")]), TIMEOUT)
        check("the session does not see the fork's turns", said(recorder, sid, before).endswith("\nresumed\noriginal"),
              said(recorder, sid, before)[-200:])

        answer = await delete_session(conn, fid)
        check("session/delete answers {}", answer == {}, answer)
        listed = await conn.list_sessions(cwd="/tmp")
        check("session/delete forgets the session here", listed.sessions == [], listed)
        try:
            await conn.resume_session(cwd=os.getcwd(), session_id=fid, mcp_servers=[])
            check("a deleted session cannot be resumed", False, "it succeeded")
        except RequestError as error:
            check("a deleted session cannot be resumed", error.code == -32002, error.code)


async def main():
    print(f"ACP client tests: agent-client-protocol {version('agent-client-protocol')}", flush=True)
    sid, words = await first_process()
    await second_process(sid, words)
    await third_process(sid, words)


asyncio.run(main())
sys.exit(1 if failures else 0)
