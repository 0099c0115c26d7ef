"""Shared pieces of the conformance tests: check lines, a scripted OpenAI-compatible model server on
loopback (so agents call tools and ask for permission without a real model), reading captured frames in
either framing, and the frame tap that records what a client and a server say to each other.
"""

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
FRAME_TAP = os.path.join(HERE, "frame_tap.py")


class Checks:
    """One line per check, `ok` or `FAIL`; the exit status is 1 if any failed."""

    def __init__(self):
        self.passed = 0
        self.failures = []
        self.notes = []
        self.lock = threading.Lock()

    def check(self, name, condition, detail=""):
        detail = excerpt(detail, 600)
        with self.lock:
            print(("ok    " if condition else "FAIL  ") + name + ("" if condition else f": {detail}"), flush=True)
            if condition:
                self.passed += 1
            else:
                self.failures.append(name)
        return bool(condition)

    def note(self, text):
        with self.lock:
            print("note  " + text, flush=True)
            self.notes.append(text)

    def finish(self):
        if self.notes:
            print(f"{len(self.notes)} notes (the note lines above)", flush=True)
        print(f"{self.passed} passed, {len(self.failures)} failed", flush=True)
        return 1 if self.failures else 0


def excerpt(value, limit=300):
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


# MARK: Captured frames


def split_frames(data):
    """The JSON messages in a captured byte stream, in order: newline-delimited or `Content-Length`
    framed (detected per message, as the server does for its input). Unparseable pieces are returned as
    `(None, raw_text)` so a test can fail on them."""
    frames = []
    position = 0
    while position < len(data):
        while position < len(data) and data[position:position + 1] in (b"\n", b"\r", b" ", b"\t"):
            position += 1
        if position >= len(data):
            break
        if data[position:position + 1] == b"C":
            head_end = data.find(b"\r\n\r\n", position)
            if head_end < 0:
                frames.append((None, data[position:].decode("utf-8", "replace")))
                break
            length = None
            for line in data[position:head_end].split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            body = data[head_end + 4:head_end + 4 + (length or 0)]
            position = head_end + 4 + (length or 0)
        else:
            end = data.find(b"\n", position)
            end = len(data) if end < 0 else end
            body = data[position:end]
            position = end + 1
        try:
            frames.append((json.loads(body), body.decode("utf-8", "replace")))
        except ValueError:
            frames.append((None, body.decode("utf-8", "replace")))
    return frames


def tap_command(log_prefix, argv):
    """`argv` run behind the frame tap: what goes in is kept in LOG_PREFIX.in, what comes out in
    LOG_PREFIX.out."""
    return [sys.executable, FRAME_TAP, log_prefix, "--", *argv]


def read_tap(log_prefix):
    """(client frames, server frames) a tap recorded."""
    def read(path):
        try:
            with open(path, "rb") as file:
                return split_frames(file.read())
        except FileNotFoundError:
            return []
    return read(log_prefix + ".in"), read(log_prefix + ".out")


# MARK: A scripted model server


class FakeModelServer:
    """An OpenAI chat-completions server on 127.0.0.1 that streams scripted replies as Server-Sent Events.

    The requested `model` picks the script:
    - `tool-caller`: the first request (no tool result yet) asks for the first offered tool with
      `{"city": "Paris"}`, streamed in pieces; once a tool result is in the conversation it reasons
      (`reasoning_content`), answers with text and reports usage.
    - `http-500`: answers HTTP 500 with a JSON error body.
    - anything else: streams "hello from the model".
    """

    def __init__(self):
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                server.requests.append(body)
                model = body.get("model")
                if model == "http-500":
                    payload = json.dumps({"error": {"message": "the model fell over"}}).encode()
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                for chunk in server.script(body):
                    self.wfile.write(b"data: " + chunk.encode() + b"\n\n")
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    @staticmethod
    def script(body):
        def chunk(delta=None, finish=None, usage=None):
            event = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": body.get("model"),
                     "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}]}
            if usage is not None:
                event["choices"] = []
                event["usage"] = usage
            return json.dumps(event)

        if body.get("model") == "tool-caller":
            answered = any(message.get("role") == "tool" for message in body.get("messages", []))
            tools = body.get("tools") or []
            if not answered and tools:
                name = tools[0]["function"]["name"]
                yield chunk({"role": "assistant", "tool_calls": [
                    {"index": 0, "id": "call_1", "type": "function", "function": {"name": name, "arguments": ""}}]})
                yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\": "}}]})
                yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]})
                yield chunk(finish="tool_calls")
                return
            yield chunk({"role": "assistant", "reasoning_content": "The tool answered; say what it said."})
            yield chunk({"content": "It is "})
            yield chunk({"content": "sunny."})
            yield chunk(finish="stop")
            yield chunk(usage={"prompt_tokens": 21, "completion_tokens": 2, "total_tokens": 23})
            return
        for word in ("hello ", "from ", "the ", "model"):
            yield chunk({"content": word})
        yield chunk(finish="stop")


def tool_config(python, permission="ask"):
    """A tool that reports the weather of `city` by printing it."""
    return {
        "description": "Current weather of a city",
        "command": [python, "-c", "import sys; print('sunny in ' + sys.argv[1])", "{{city}}"],
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "permission": permission,
        "timeoutMs": 10000,
    }
