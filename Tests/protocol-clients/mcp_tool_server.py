"""An MCP tool server used as a test fixture for AgentWire's MCP client.

Built on the official Python MCP SDK (`mcp` 2.x, low-level `Server` API), so the
client under test talks to the reference implementation of the protocol.

Usage:
    python mcp_tool_server.py [--http] [--mode MODE] [--linger]

--linger: once stdin ends (or stdio serving stops), keep the process running with
SIGTERM ignored, as a badly behaved server would: only SIGKILL (or the death signal
its parent arranged) ends it.

Transports:
    (default)  stdio: newline-delimited JSON-RPC on stdin/stdout.
    --http     Streamable HTTP on 127.0.0.1, on a free port, endpoint path /mcp,
               stateful (Mcp-Session-Id), SSE responses (the SDK's defaults).
               Once listening it prints exactly one line to stdout, flushed:
                   URL http://127.0.0.1:PORT/mcp

Modes (--mode):
    normal        (default) serve the tools below.
    garbage       stdio only (ignored with --http): a few lines of non-JSON garbage
                  on stdout before serving, and one more garbage line right before
                  each tools/call answer. Garbage is written whole lines at a time,
                  never inside a JSON-RPC frame.
    silent        never answers anything. stdio: reads stdin until EOF, then exits 0.
                  --http: prints the URL line, accepts connections, reads requests
                  and never responds.
    list-changed  advertises tools.listChanged; when the first tools/call has
                  returned its result, registers the tool `late` (returns
                  "late tool") and sends notifications/tools/list_changed on the
                  connection's standalone channel (stdout on stdio; the GET SSE
                  stream on HTTP: dropped if the client has none open).

Tools:
    add {a, b}          text "<sum>" and structuredContent {"sum": <sum>} (outputSchema declared)
    echo {text}         text equal to `text`
    slow {seconds}      marker `slow-started`; a progress notification every 100 ms
                        (progress 1..N, total N = round(seconds*10)) when the request
                        carried _meta.progressToken; returns "slept <seconds>".
                        Cancelled by notifications/cancelled: marker `slow-cancelled`
                        (and no response, as the protocol requires). Interrupted any
                        other way (connection closed, shutdown): marker `slow-interrupted`.
    crash {}            marker `crash-started`, then os._exit(3) mid-call
    fail {}             isError result, text "the tool failed on purpose"
    huge {bytes}        text of `bytes` 'x' characters
    whoami {}           text: the server's PID
    stderr {text}       writes `text` and a newline to stderr (flushed), returns "ok"

Errors: an unknown tool is a JSON-RPC error -32602 ("Unknown tool: NAME"); arguments
that do not match the tool's inputSchema give an isError result whose text starts
with "Invalid arguments for tool NAME:". Numbers in results are printed as integers
when integral ("3", "slept 1"), whether they arrived as 1 or 1.0.

Environment:
    MCP_FIXTURE_DIR     if set, marker files are written there: `pid` at start-up,
                        then the event markers above. Every marker contains the
                        server's PID and is written to a temporary file that is then
                        renamed into place, so a marker that exists is complete.

Protocol versions: the initialize handshake accepts 2024-11-05, 2025-03-26, 2025-06-18
and 2025-11-25 (anything else is answered with 2025-11-25); the SDK also serves the
2026-07-28 per-request-envelope era (server/discover) when the first request opens it.

Logging (SDK, uvicorn, Python warnings) goes to stderr only: stdout is the protocol.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import jsonschema
import mcp.types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import NotificationOptions, Server
from mcp.server.session import ServerSession
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError

HOST = "127.0.0.1"
PATH = "/mcp"
MODES = ("normal", "garbage", "silent", "list-changed")
STARTUP_GARBAGE = (
    "mcp_tool_server: starting up (this line is not JSON-RPC)",
    "{this is not json",
    "Content-Length: 42",
)

logger = logging.getLogger("mcp_tool_server")


# --- markers -------------------------------------------------------------------------------


def write_marker(name: str) -> None:
    """Write marker `name` (containing our PID) into $MCP_FIXTURE_DIR, if that is set."""
    directory = os.environ.get("MCP_FIXTURE_DIR")
    if not directory:
        return
    path = os.path.join(directory, name)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(f"{os.getpid()}\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


# --- stdout for garbage mode ------------------------------------------------------------------


class LockedLineWriter:
    """The stdout the SDK's stdio transport writes frames to, shared with the garbage lines.

    `stdio_server` writes each frame as one `write(json + "\\n")` followed by `flush()`;
    serializing whole lines under one lock means garbage can never tear a frame.
    """

    def __init__(self, fd: int) -> None:
        self._file = os.fdopen(os.dup(fd), "wb", buffering=0)
        self._lock = threading.Lock()

    def _write_now(self, text: str) -> None:
        data = text.encode("utf-8")
        with self._lock:
            view = memoryview(data)
            while view:
                written = self._file.write(view)
                view = view[written:]

    async def write(self, text: str) -> None:
        await anyio.to_thread.run_sync(self._write_now, text)

    async def flush(self) -> None:
        """Unbuffered: every write is already on the pipe."""

    def write_line_sync(self, line: str) -> None:
        self._write_now(line + "\n")


# --- the server ------------------------------------------------------------------------------


def number(value: float) -> int | float:
    """1.0 -> 1, so results read "3" and "slept 1" whichever way the client encoded a number."""
    return int(value) if float(value).is_integer() else value


def object_schema(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    schema["required"] = list(properties) if required is None else required
    return schema


BASE_TOOLS = [
    types.Tool(
        name="add",
        description="Add two numbers; the sum is both the text and structuredContent.sum.",
        input_schema=object_schema(
            {"a": {"type": "number", "description": "first addend"}, "b": {"type": "number", "description": "second addend"}}
        ),
        output_schema=object_schema({"sum": {"type": "number"}}),
    ),
    types.Tool(
        name="echo",
        description="Return the text unchanged.",
        input_schema=object_schema({"text": {"type": "string"}}),
    ),
    types.Tool(
        name="slow",
        description="Sleep for `seconds`, reporting progress every 100 ms; cancellable.",
        input_schema=object_schema({"seconds": {"type": "number", "minimum": 0}}),
    ),
    types.Tool(
        name="crash",
        description="Exit the server process (status 3) in the middle of the call.",
        input_schema=object_schema({}),
    ),
    types.Tool(
        name="fail",
        description="Return a tool error (isError: true).",
        input_schema=object_schema({}),
    ),
    types.Tool(
        name="huge",
        description="Return a text of `bytes` 'x' characters.",
        input_schema=object_schema({"bytes": {"type": "integer", "minimum": 0}}),
    ),
    types.Tool(
        name="whoami",
        description="Return the server's process id.",
        input_schema=object_schema({}),
    ),
    types.Tool(
        name="stderr",
        description="Write the text to the server's stderr and return ok.",
        input_schema=object_schema({"text": {"type": "string"}}),
    ),
]
LATE_TOOL = types.Tool(
    name="late",
    description="Registered after the first tools/call (list-changed mode).",
    input_schema=object_schema({}),
)


def text_result(text: str, *, is_error: bool = False, structured: dict[str, Any] | None = None) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], is_error=is_error, structured_content=structured
    )


class ToolServer:
    """The fixture's tools and the mode-dependent behaviour around them."""

    def __init__(self, mode: str, garbage: LockedLineWriter | None) -> None:
        self.mode = mode
        self.garbage = garbage
        self.tools: dict[str, types.Tool] = {tool.name: tool for tool in BASE_TOOLS}
        self.calls_answered = 0
        self.server: Server[dict[str, Any]] = FixtureServer(
            "agentwire-mcp-tool-fixture",
            version="1.0.0",
            lifespan=self._lifespan,
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
            notification_options=NotificationOptions(tools_changed=mode == "list-changed"),
        )

    @asynccontextmanager
    async def _lifespan(self, _server: Server[Any]) -> AsyncIterator[dict[str, Any]]:
        # A task group that outlives single requests, for work scheduled after a response.
        async with anyio.create_task_group() as task_group:
            yield {"task_group": task_group}
            task_group.cancel_scope.cancel()

    async def _list_tools(
        self, ctx: ServerRequestContext[dict[str, Any]], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=list(self.tools.values()))

    async def _call_tool(
        self, ctx: ServerRequestContext[dict[str, Any]], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        tool = self.tools.get(params.name)
        if tool is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {params.name}", data=params.name)
        arguments = params.arguments or {}
        try:
            jsonschema.validate(arguments, tool.input_schema)
        except jsonschema.ValidationError as error:
            result = text_result(f"Invalid arguments for tool {params.name}: {error.message}", is_error=True)
        else:
            result = await getattr(self, "tool_" + params.name)(ctx, **arguments)
        self.calls_answered += 1
        if self.mode == "list-changed" and self.calls_answered == 1:
            ctx.lifespan_context["task_group"].start_soon(self._announce_late_tool, ctx.session)
        if self.garbage is not None:
            await self.garbage.write(f"garbage before the answer to tools/call {params.name} (not JSON-RPC)\n")
        return result

    async def _announce_late_tool(self, session: ServerSession) -> None:
        # Give the dispatcher time to write the first call's response before the notification.
        await anyio.sleep(0.1)
        self.tools[LATE_TOOL.name] = LATE_TOOL
        await session.send_tool_list_changed()

    # Each tool_<name> gets arguments already validated against its inputSchema.

    async def tool_add(self, ctx: ServerRequestContext[Any], a: float, b: float) -> types.CallToolResult:
        total = number(a + b)
        return text_result(str(total), structured={"sum": total})

    async def tool_echo(self, ctx: ServerRequestContext[Any], text: str) -> types.CallToolResult:
        return text_result(text)

    async def tool_slow(self, ctx: ServerRequestContext[Any], seconds: float) -> types.CallToolResult:
        write_marker("slow-started")
        ticks = round(seconds * 10)
        try:
            for tick in range(1, ticks + 1):
                await anyio.sleep(0.1)
                await ctx.session.report_progress(tick, ticks)  # a no-op without a progressToken
        except anyio.get_cancelled_exc_class():
            write_marker("slow-cancelled" if cancel_requested(ctx) else "slow-interrupted")
            raise
        return text_result(f"slept {number(seconds)}")

    async def tool_crash(self, ctx: ServerRequestContext[Any]) -> types.CallToolResult:
        write_marker("crash-started")
        sys.stderr.flush()
        os._exit(3)

    async def tool_fail(self, ctx: ServerRequestContext[Any]) -> types.CallToolResult:
        return text_result("the tool failed on purpose", is_error=True)

    async def tool_huge(self, ctx: ServerRequestContext[Any], bytes: int) -> types.CallToolResult:
        return text_result("x" * bytes)

    async def tool_whoami(self, ctx: ServerRequestContext[Any]) -> types.CallToolResult:
        return text_result(str(os.getpid()))

    async def tool_stderr(self, ctx: ServerRequestContext[Any], text: str) -> types.CallToolResult:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
        return text_result("ok")

    async def tool_late(self, ctx: ServerRequestContext[Any]) -> types.CallToolResult:
        return text_result("late tool")


def cancel_requested(ctx: ServerRequestContext[Any]) -> bool:
    """Whether the client sent notifications/cancelled for this request.

    The low-level context does not expose the request's dispatch context, which records
    exactly that (`cancel_requested`, set by the SDK's JSON-RPC dispatcher before it
    cancels the handler). It is reached through the session's request channel; should
    a future SDK move it, every cancellation counts as a requested one.
    """
    channel = getattr(ctx.session, "_request_outbound", None)
    event = getattr(channel, "cancel_requested", None)
    return event.is_set() if event is not None else True


class FixtureServer(Server[dict[str, Any]]):
    """A low-level `Server` whose advertised capabilities follow the fixture's mode.

    The streamable HTTP session manager builds the initialize result from
    `create_initialization_options()` with no arguments, so the notification options
    (tools.listChanged) have to be the default rather than passed in at run time.
    """

    def __init__(self, *args: Any, notification_options: NotificationOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._notification_options = notification_options

    def create_initialization_options(self, notification_options=None, experimental_capabilities=None, extensions=None):
        return super().create_initialization_options(
            notification_options or self._notification_options, experimental_capabilities, extensions
        )


# --- transports -------------------------------------------------------------------------------


def print_url(port: int) -> None:
    sys.stdout.write(f"URL http://{HOST}:{port}{PATH}\n")
    sys.stdout.flush()


def bind_free_port() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    sock.listen(128)
    return sock


async def serve_stdio(mode: str) -> None:
    garbage = LockedLineWriter(sys.stdout.fileno()) if mode == "garbage" else None
    tools = ToolServer(mode, garbage)
    if garbage is None:
        # The SDK claims fd 1 (pointing it at stderr while it serves) so stray prints miss the wire.
        streams = stdio_server()
    else:
        for line in STARTUP_GARBAGE:
            garbage.write_line_sync(line)
        # An explicit stdout: the frames and the garbage share one writer (fd 1 is not diverted).
        streams = stdio_server(stdout=garbage)  # type: ignore[arg-type]
    async with streams as (read_stream, write_stream):
        await tools.server.run(read_stream, write_stream, tools.server.create_initialization_options())


async def serve_http(mode: str) -> None:
    import uvicorn

    tools = ToolServer(mode, None)
    app = tools.server.streamable_http_app(streamable_http_path=PATH, host=HOST)
    sock = bind_free_port()
    # log_config=None and no access log: uvicorn's default config logs requests to stdout.
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    serving = asyncio.ensure_future(server.serve(sockets=[sock]))
    while not server.started and not serving.done():
        await asyncio.sleep(0.01)
    if server.started:
        print_url(sock.getsockname()[1])
    await serving


def serve_silent_stdio() -> None:
    while os.read(0, 65536):
        pass


async def serve_silent_http() -> None:
    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await reader.read(65536):
            pass
        writer.close()

    sock = bind_free_port()
    server = await asyncio.start_server(swallow, sock=sock)
    print_url(sock.getsockname()[1])
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description="MCP tool server test fixture (official Python SDK).")
    parser.add_argument("--http", action="store_true", help="streamable HTTP on 127.0.0.1 instead of stdio")
    parser.add_argument("--mode", choices=MODES, default="normal")
    parser.add_argument("--linger", action="store_true", help="ignore SIGTERM and stay after stdin ends")
    args = parser.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s %(levelname)s: %(message)s")
    write_marker("pid")

    if args.mode == "silent":
        if args.http:
            asyncio.run(serve_silent_http())
        else:
            serve_silent_stdio()
    elif args.http:
        anyio.run(serve_http, args.mode)
    else:
        anyio.run(serve_stdio, args.mode)
    if args.linger:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
