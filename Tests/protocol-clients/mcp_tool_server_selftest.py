"""Self-test of mcp_tool_server.py, the MCP server fixture, against the official Python SDK's client.

Usage: python mcp_tool_server_selftest.py   (with the venv that has `mcp` installed)

Drives the fixture over stdio and over streamable HTTP, with the initialize handshake
(mode="legacy", what AgentWire's client speaks) and with the SDK's default negotiation
(mode="auto": server/discover, the 2026-07-28 revision), then the garbage, silent and
list-changed modes, and finally hand-written JSON-RPC lines on raw stdio.
Prints one line per check; exit status 1 if any check failed.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from pathlib import Path
from subprocess import PIPE
from typing import Any

import anyio
import mcp.types as types
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

SERVER = str(Path(__file__).with_name("mcp_tool_server.py"))
TOOLS = {"add", "echo", "slow", "crash", "fail", "huge", "whoami", "stderr"}
failures: list[str] = []


def check(name: str, condition: bool, detail: Any = "") -> None:
    detail = str(detail)
    detail = detail if len(detail) <= 400 else detail[:400] + "…"
    print(("ok    " if condition else "FAIL  ") + name + ("" if condition else f": {detail}"), flush=True)
    if not condition:
        failures.append(name)


async def wait_for_file(path: Path, seconds: float = 3.0) -> bool:
    with anyio.move_on_after(seconds):
        while not path.exists():
            await anyio.sleep(0.02)
    return path.exists()


def text_of(result: types.CallToolResult) -> str:
    return "".join(block.text for block in result.content if isinstance(block, types.TextContent))


# --- starting the fixture -----------------------------------------------------------------------


def stdio_params(fixture: Path, mode: str = "normal") -> StdioServerParameters:
    # stdio_client passes on only a few "safe" variables; the fixture directory has to be explicit.
    return StdioServerParameters(
        command=sys.executable, args=[SERVER, "--mode", mode], env={"MCP_FIXTURE_DIR": str(fixture)}
    )


class HTTPServer:
    def __init__(self, process: anyio.abc.Process, url: str) -> None:
        self.process = process
        self.url = url


@asynccontextmanager
async def http_server(fixture: Path, mode: str = "normal") -> AsyncIterator[HTTPServer]:
    process = await anyio.open_process(
        [sys.executable, SERVER, "--http", "--mode", mode],
        stdin=PIPE,
        stdout=PIPE,
        stderr=None,
        env={**os.environ, "MCP_FIXTURE_DIR": str(fixture)},
    )
    try:
        line = b""
        with anyio.fail_after(15):
            while not line.endswith(b"\n"):
                line += await process.stdout.receive(1)
        words = line.decode().split()
        check(f"[http {mode}] prints one 'URL http://127.0.0.1:PORT/mcp' line",
              len(words) == 2 and words[0] == "URL" and words[1].startswith("http://127.0.0.1:")
              and words[1].endswith("/mcp"), line)
        yield HTTPServer(process, words[1])
    finally:
        if process.returncode is None:
            process.terminate()
        with anyio.move_on_after(5):
            await process.wait()
        if process.returncode is None:
            process.kill()
            await process.wait()


def connect(target: Any, mode: str, **kwargs: Any) -> Client:
    return Client(target, mode=mode, read_timeout_seconds=20, cache=None, **kwargs)


# --- the checks ---------------------------------------------------------------------------------


async def exercise(client: Client, label: str, fixture: Path, errlog: Path | None, cancel_marker: str) -> None:
    """Every tool except crash, on one connection.

    `cancel_marker` is what abandoning a slow call leaves: `slow-cancelled` where the SDK
    client sends notifications/cancelled, `slow-interrupted` on 2026-07-28 streamable
    HTTP, where a client cancels by closing the request's response stream instead.
    """
    check(f"{label} server identifies itself",
          client.server_info is not None and client.server_info.name == "agentwire-mcp-tool-fixture",
          client.server_info)

    tools = (await client.list_tools()).tools
    names = {tool.name for tool in tools}
    check(f"{label} tools/list has every tool", names == TOOLS, names)
    add = next((tool for tool in tools if tool.name == "add"), None)
    check(f"{label} add declares input and output schemas",
          add is not None and add.input_schema["required"] == ["a", "b"] and add.output_schema is not None
          and add.description, add)

    result = await client.call_tool("add", {"a": 2, "b": 3})
    check(f"{label} add: text and structuredContent",
          text_of(result) == "5" and result.structured_content == {"sum": 5} and not result.is_error, result)
    result = await client.call_tool("add", {"a": 1.5, "b": 2.0})
    check(f"{label} add: fractional sum", text_of(result) == "3.5" and result.structured_content == {"sum": 3.5},
          result)

    result = await client.call_tool("echo", {"text": "héllo wörld\nline two"})
    check(f"{label} echo", text_of(result) == "héllo wörld\nline two" and not result.is_error, result)

    result = await client.call_tool("fail", {})
    check(f"{label} fail is isError", result.is_error is True and text_of(result) == "the tool failed on purpose",
          result)

    result = await client.call_tool("huge", {"bytes": 1_000_000})
    text = text_of(result)
    check(f"{label} huge: 1 000 000 x", len(text) == 1_000_000 and set(text) == {"x"}, len(text))

    result = await client.call_tool("whoami", {})
    pid = (fixture / "pid").read_text().strip()
    check(f"{label} whoami is the pid marker", text_of(result) == pid, (text_of(result), pid))

    result = await client.call_tool("stderr", {"text": f"stderr line from {label}"})
    check(f"{label} stderr returns ok", text_of(result) == "ok", result)
    if errlog is not None:
        await anyio.sleep(0.1)
        check(f"{label} stderr text reaches the server's stderr",
              f"stderr line from {label}\n" in errlog.read_text(), errlog.read_text()[-300:])

    try:
        await client.call_tool("no-such-tool", {})
        check(f"{label} unknown tool is -32602", False, "it succeeded")
    except MCPError as error:
        check(f"{label} unknown tool is -32602", error.code == -32602 and "no-such-tool" in error.message,
              (error.code, error.message))

    result = await client.call_tool("add", {"a": "one", "b": 2})
    check(f"{label} invalid arguments are isError", result.is_error and "Invalid arguments" in text_of(result),
          result)

    # Progress: one notification per 100 ms, all before the result.
    progress: list[tuple[float, float | None, bool]] = []
    done: list[bool] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, bool(done)))

    result = await client.call_tool("slow", {"seconds": 0.5}, progress_callback=on_progress)
    done.append(True)
    await anyio.sleep(0.1)
    check(f"{label} slow returns 'slept 0.5'", text_of(result) == "slept 0.5", result)
    check(f"{label} slow: progress 1..5 of 5, before the result",
          [(v, t) for v, t, _ in progress] == [(i, 5) for i in range(1, 6)] and not any(a for _, _, a in progress),
          progress)

    # Cancellation: abandoning the call makes the SDK cancel it on the wire.
    markers = ("slow-started", "slow-cancelled", "slow-interrupted")
    for marker in markers:
        (fixture / marker).unlink(missing_ok=True)
    progress.clear()
    with anyio.move_on_after(0.6) as scope:
        await client.call_tool("slow", {"seconds": 5}, progress_callback=on_progress)
    check(f"{label} the slow call was abandoned", scope.cancelled_caught, "it finished")
    check(f"{label} slow-started marker", (fixture / "slow-started").exists())
    await wait_for_file(fixture / cancel_marker)
    present = sorted(marker for marker in markers if (fixture / marker).exists())
    check(f"{label} the cancel reaches the handler ({cancel_marker} marker)",
          present == sorted(["slow-started", cancel_marker]), present)
    seen = len(progress)
    await anyio.sleep(0.3)
    check(f"{label} no progress after the cancel", seen == len(progress) and 0 < seen < 50, (seen, len(progress)))
    result = await client.call_tool("echo", {"text": "still here"})
    check(f"{label} serves after a cancel", text_of(result) == "still here", result)


async def crash(target: Any, mode: str, label: str, fixture: Path) -> None:
    (fixture / "crash-started").unlink(missing_ok=True)
    failed: BaseException | None = None
    try:
        async with connect(target, mode) as client:
            try:
                with anyio.fail_after(10):
                    result = await client.call_tool("crash", {})
                check(f"{label} crash: the call fails", False, f"it returned {result}")
            except MCPError as error:
                failed = error
                check(f"{label} crash: the call fails", True)
                print(f"      (call_tool raised MCPError {error.code} {error.message!r})", flush=True)
    except Exception as error:  # the SDK's HTTP transport can also raise on the way out
        if failed is None:
            check(f"{label} crash: the call fails", True)
        print(f"      (leaving the client raised {error!r})", flush=True)
    check(f"{label} crash-started marker", (fixture / "crash-started").exists())


async def run_stdio(mode: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        fixture = Path(directory)
        errlog_path = fixture / "stderr.log"
        with errlog_path.open("w") as errlog:
            # A Transport instead of bare StdioServerParameters, to capture the server's stderr.
            async with connect(stdio_client(stdio_params(fixture), errlog=errlog), mode) as client:
                label = f"[stdio {mode} {client.protocol_version}]"
                await exercise(client, label, fixture, errlog_path, "slow-cancelled")
            await crash(stdio_params(fixture), mode, label, fixture)


async def run_http(mode: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        fixture = Path(directory)
        async with http_server(fixture) as server:
            async with connect(server.url, mode) as client:
                label = f"[http {mode} {client.protocol_version}]"
                modern = client.protocol_version == "2026-07-28"
                await exercise(client, label, fixture, None, "slow-interrupted" if modern else "slow-cancelled")
            await crash(server.url, mode, label, fixture)
            with anyio.move_on_after(5):
                await server.process.wait()
            check(f"{label} crash: the server exits with status 3", server.process.returncode == 3,
                  server.process.returncode)


async def run_list_changed(transport: str) -> None:
    label = f"[{transport} list-changed]"
    notifications: list[Any] = []

    async def on_message(message: Any) -> None:
        notifications.append(message)

    async def scenario(client: Client) -> None:
        tools = client.server_capabilities.tools
        check(f"{label} advertises tools.listChanged", tools is not None and tools.list_changed is True, tools)
        names = {tool.name for tool in (await client.list_tools()).tools}
        check(f"{label} no 'late' before the first call", "late" not in names, names)
        result = await client.call_tool("echo", {"text": "first"})
        check(f"{label} first call answered", text_of(result) == "first", result)
        with anyio.move_on_after(3):
            while not any(isinstance(n, types.ToolListChangedNotification) for n in notifications):
                await anyio.sleep(0.02)
        check(f"{label} notifications/tools/list_changed arrives",
              any(isinstance(n, types.ToolListChangedNotification) for n in notifications), notifications)
        names = {tool.name for tool in (await client.list_tools()).tools}
        check(f"{label} 'late' listed afterwards", names == TOOLS | {"late"}, names)
        result = await client.call_tool("late", {})
        check(f"{label} late returns 'late tool'", text_of(result) == "late tool", result)

    with tempfile.TemporaryDirectory() as directory:
        fixture = Path(directory)
        if transport == "stdio":
            async with connect(stdio_params(fixture, "list-changed"), "legacy",
                               message_handler=on_message) as client:
                await scenario(client)
        else:
            async with http_server(fixture, "list-changed") as server:
                async with connect(server.url, "legacy", message_handler=on_message) as client:
                    await scenario(client)


async def run_garbage() -> None:
    label = "[stdio garbage]"
    faults: list[Any] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, Exception):
            faults.append(message)

    # The SDK logs every unparsable line with a traceback; the count below is the evidence.
    stdio_logger = logging.getLogger("mcp.client.stdio")
    stdio_logger.setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as directory:
        fixture = Path(directory)
        async with connect(stdio_params(fixture, "garbage"), "legacy", message_handler=on_message) as client:
            check(f"{label} initialize survives leading garbage", client.protocol_version == "2025-11-25",
                  client.protocol_version)
            for i in range(3):
                result = await client.call_tool("add", {"a": i, "b": 1})
                check(f"{label} call {i} survives the garbage line before it",
                      result.structured_content == {"sum": i + 1}, result)
            result = await client.call_tool("slow", {"seconds": 0.2})
            check(f"{label} slow call", text_of(result) == "slept 0.2", result)
        check(f"{label} the SDK saw the garbage as stream faults (3 + 1 per call)", len(faults) == 7,
              [str(f)[:60] for f in faults])
    stdio_logger.setLevel(logging.NOTSET)


async def run_silent() -> None:
    with tempfile.TemporaryDirectory() as directory:
        fixture = Path(directory)
        for transport in ("stdio", "http"):
            label = f"[{transport} silent]"
            (fixture / "pid").unlink(missing_ok=True)
            try:
                with anyio.fail_after(2):
                    if transport == "stdio":
                        async with connect(stdio_params(fixture, "silent"), "legacy"):
                            pass
                    else:
                        async with http_server(fixture, "silent") as server:
                            with anyio.fail_after(2):
                                async with connect(server.url, "legacy"):
                                    pass
                check(f"{label} initialize never answered", False, "it was answered")
            except TimeoutError:
                check(f"{label} initialize never answered", True)
            check(f"{label} pid marker written", (fixture / "pid").exists())


# --- raw stdio ----------------------------------------------------------------------------------


class RawStdio:
    """The fixture on stdio, driven with hand-written JSON-RPC lines."""

    def __init__(self, process: anyio.abc.Process) -> None:
        self.process = process
        self.buffer = b""
        self.lines: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any]) -> None:
        await self.process.stdin.send((json.dumps(message) + "\n").encode())

    async def read_until(self, predicate: Any, seconds: float = 10) -> dict[str, Any]:
        with anyio.fail_after(seconds):
            while True:
                while b"\n" in self.buffer:
                    line, self.buffer = self.buffer.split(b"\n", 1)
                    message = json.loads(line)
                    self.lines.append(message)
                    if predicate(message):
                        return message
                self.buffer += await self.process.stdout.receive()


async def run_raw() -> None:
    label = "[raw stdio]"
    with tempfile.TemporaryDirectory() as directory:
        fixture = Path(directory)
        async with await anyio.open_process(
            [sys.executable, SERVER], stdin=PIPE, stdout=PIPE, stderr=None,
            env={**os.environ, "MCP_FIXTURE_DIR": str(fixture)},
        ) as process:
            raw = RawStdio(process)
            await raw.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}})
            init = await raw.read_until(lambda m: m.get("id") == 1)
            check(f"{label} initialize answers 2025-06-18", init["result"]["protocolVersion"] == "2025-06-18", init)
            # No notifications/initialized yet: the SDK already serves requests after initialize.
            await raw.send({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
            listed = await raw.read_until(lambda m: m.get("id") == 2)
            check(f"{label} tools/list before notifications/initialized", "result" in listed, listed)
            await raw.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
            await raw.send({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
                "name": "add", "arguments": {"a": 1, "b": 2}, "_meta": {"progressToken": "p3"}}})
            added = await raw.read_until(lambda m: m.get("id") == 3)
            check(f"{label} tools/call add", added.get("result", {}).get("structuredContent") == {"sum": 3}, added)

            await raw.send({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {
                "name": "slow", "arguments": {"seconds": 5}, "_meta": {"progressToken": "p4"}}})
            first = await raw.read_until(lambda m: m.get("method") == "notifications/progress")
            check(f"{label} progress carries the token", first["params"] == {
                "progressToken": "p4", "progress": 1, "total": 50}, first)
            await raw.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
                            "params": {"requestId": 4, "reason": "raw test"}})
            check(f"{label} hand-written notifications/cancelled: slow-cancelled marker",
                  await wait_for_file(fixture / "slow-cancelled"), sorted(p.name for p in fixture.iterdir()))
            await raw.send({"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                            "params": {"name": "echo", "arguments": {"text": "after"}}})
            await raw.read_until(lambda m: m.get("id") == 5)
            check(f"{label} the cancelled request is never answered", not any(m.get("id") == 4 for m in raw.lines),
                  [m for m in raw.lines if m.get("id") == 4])
            await process.stdin.aclose()
            with anyio.fail_after(5):
                code = await process.wait()
            check(f"{label} exits 0 on stdin EOF", code == 0, code)


async def main() -> None:
    print(f"mcp_tool_server self-test: mcp {version('mcp')}", flush=True)
    with anyio.fail_after(300):
        for mode in ("legacy", "auto"):
            await run_stdio(mode)
            await run_http(mode)
        await run_list_changed("stdio")
        await run_list_changed("http")
        await run_garbage()
        await run_silent()
        await run_raw()


if __name__ == "__main__":
    anyio.run(main)
    print(f"{len(failures)} failure(s)" if failures else "all checks passed", flush=True)
    sys.exit(1 if failures else 0)
