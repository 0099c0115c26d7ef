"""An OpenAI chat-completions server on 127.0.0.1 that streams scripted replies (Server-Sent Events), so that
an `openai` agent calls a tool, and so asks for permission, without a real model.

The first request of a conversation (no tool result in it yet) asks for the first offered tool with
`{"city": "Paris"}`, streamed in pieces; once a tool result is in the conversation it answers
"It is sunny." (or, if the tool's result says it was refused, "No weather.").
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeModel:
    def __init__(self):
        self.requests: list[dict] = []
        model = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                model.requests.append(body)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                for chunk in model.script(body):
                    self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "FakeModel":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def script(body: dict):
        def chunk(delta=None, finish=None):
            return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": body.get("model"),
                    "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}]}

        tool_results = [m for m in body.get("messages", []) if m.get("role") == "tool"]
        tools = body.get("tools") or []
        if not tool_results and tools:
            name = tools[0]["function"]["name"]
            yield chunk({"role": "assistant", "tool_calls": [
                {"index": 0, "id": "call_1", "type": "function", "function": {"name": name, "arguments": ""}}]})
            yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\": "}}]})
            yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]})
            yield chunk(finish="tool_calls")
            return
        answer = "It is sunny." if tool_results and "sunny" in str(tool_results[-1].get("content")) else "No weather."
        yield chunk({"role": "assistant", "content": answer})
        yield chunk(finish="stop")


def weather_config(base_url: str, python: str, permission: str = "ask") -> dict:
    """A config with the agent `forecaster`, whose model calls the tool `weather` (permission `permission`)."""
    return {
        "tools": {
            "weather": {
                "description": "Current weather of a city",
                "command": [python, "-c", "import sys; print('sunny in ' + sys.argv[1])", "{{city}}"],
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                "permission": permission,
                "timeoutMs": 10000,
                "askTimeoutMs": 10000,
            }
        },
        "agents": {
            "forecaster": {"provider": {"type": "openai", "baseURL": base_url, "model": "tool-caller",
                                        "tools": ["weather"], "toolChoice": "weather", "retries": 0,
                                        "timeoutSeconds": 10, "maxTurns": 3}}
        },
    }
