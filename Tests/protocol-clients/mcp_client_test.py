"""Drives the real agentwire binary as an MCP server with the official Python SDK (mcp).

Usage: python mcp_client_test.py AGENTWIRE_BINARY CONFIG
Runs every check twice: with the SDK's default negotiation (it probes server/discover, the 2026-07-28
revision) and with the initialize handshake (mode="legacy"). Exit status 1 if any check failed.
"""

import asyncio
import json
import sys
import warnings
from importlib.metadata import version

import anyio
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

BINARY, CONFIG = sys.argv[1], sys.argv[2]
TIMEOUT = 60
# The handshake-era run uses logging/setLevel on purpose; the SDK warns that 2026-07-28 deprecates it.
warnings.filterwarnings("ignore", message="The logging capability is deprecated")
failures = []


def check(name, condition, detail=""):
    detail = str(detail)
    detail = detail if len(detail) <= 400 else detail[:400] + "…"
    print(("ok    " if condition else "FAIL  ") + name + ("" if condition else f": {detail}"), flush=True)
    if not condition:
        failures.append(name)


async def run(mode):
    params = StdioServerParameters(command=BINARY, args=["--store", "memory", "--config", CONFIG, "--log-level", "warning"])
    messages = []

    async def on_log(params):
        messages.append(params)

    async with Client(params, mode=mode, logging_callback=on_log, log_level="info") as client:
        label = f"[{client.protocol_version}]"
        expected = "2026-07-28" if mode == "auto" else "2025-11-25"
        check(f"{label} negotiates {expected}", client.protocol_version == expected, client.protocol_version)
        check(f"{label} server identifies itself", client.server_info and client.server_info.name == "agentwire",
              client.server_info)
        if mode == "legacy":
            await client.set_logging_level("info")

        tools = await client.list_tools()
        names = [tool.name for tool in tools.tools]
        check(f"{label} tools/list has agents and workflows", "echo" in names and "workflow_pipeline" in names, names)
        echo = next(tool for tool in tools.tools if tool.name == "echo")
        check(f"{label} tools take an input string", echo.input_schema["required"] == ["input"], echo.input_schema)

        # An agent call with a progress callback: every progress notification before the result.
        progress = []
        done = []

        async def on_progress(value, total, message):
            progress.append((value, message, bool(done)))

        words = " ".join(f"word{i}" for i in range(2000))
        result = await client.call_tool("echo", {"input": words}, progress_callback=on_progress)
        done.append(True)
        await anyio.sleep(0.1)
        check(f"{label} the output is the text content", result.content[0].text == words, result.content[0].text[:80])
        run = (result.meta or {}).get("agentwire", {})
        check(f"{label} _meta has the runId and usage",
              run.get("runId", "").startswith("run_") and run.get("usage", {}).get("outputTokens") == 2000
              and isinstance(run.get("durationMs"), int), result.meta)
        check(f"{label} structuredContent is the result",
              result.structured_content.get("output") == words and result.structured_content.get("agent") == "echo"
              and "runId" not in result.structured_content, result.structured_content)
        check(f"{label} structuredContent is also serialized in a text block",
              len(result.content) == 2 and json.loads(result.content[1].text) == result.structured_content,
              result.content[1:])
        check(f"{label} not an error", result.is_error is False, result.is_error)
        values = [value for value, _, _ in progress]
        check(f"{label} progress arrives and strictly increases",
              len(values) >= 2 and all(b > a for a, b in zip(values, values[1:])), values[:20])
        check(f"{label} every progress notification comes before the result",
              not any(after for _, _, after in progress), progress[-3:])
        streamed = "".join(message for _, message, _ in progress if not message.startswith("[step"))
        check(f"{label} progress messages carry the text", streamed == words, streamed[:80])

        # A workflow call: steps in progress, steps in the structured result.
        progress.clear()
        result = await client.call_tool("workflow_pipeline", {"input": "ship it"}, progress_callback=on_progress)
        check(f"{label} workflow output", result.content[0].text == "reviewed: ship it", result.content[0].text)
        steps = result.structured_content.get("steps", [])
        check(f"{label} workflow result lists its steps",
              [s["agent"] for s in steps] == ["echo", "echo"] and all(s["status"] == "completed" for s in steps), steps)
        check(f"{label} step changes stream as progress",
              sum(1 for _, message, _ in progress if message.startswith("[step")) >= 4, progress)

        # A failing agent is a tool error, not a protocol error.
        eight = "one two three four five six seven eight"
        result = await client.call_tool("too-slow", {"input": eight})
        check(f"{label} a failing agent is isError", result.is_error is True and "ms" in result.content[0].text,
              result)
        check(f"{label} a failure keeps the partial output",
              eight.startswith(result.structured_content["partialOutput"]), result.structured_content)

        # Unknown tools are a protocol error.
        try:
            await client.call_tool("no-such-tool", {"input": "x"})
            check(f"{label} unknown tool is -32602", False, "it succeeded")
        except MCPError as error:
            check(f"{label} unknown tool is -32602", error.code == -32602, error.code)

        # Cancel a long call: it stops, and the server goes on serving.
        progress.clear()
        slow = " ".join(f"w{i}" for i in range(400))
        with anyio.move_on_after(0.6):
            await client.call_tool("echo-slow", {"input": slow}, progress_callback=on_progress)
            check(f"{label} the slow call was cancelled", False, "it finished")
        seen = len(progress)
        await anyio.sleep(0.5)
        check(f"{label} a cancelled call streams no more", 0 < seen == len(progress) and seen < 400,
              (seen, len(progress)))
        result = await client.call_tool("echo", {"input": "still here"})
        check(f"{label} the server serves after a cancel", result.content[0].text == "still here", result)

        check(f"{label} notifications/message at the level asked for",
              any(m.level == "info" for m in messages), messages[:3])


async def main():
    print(f"MCP client tests: mcp {version('mcp')}", flush=True)
    for mode in ("auto", "legacy"):
        await asyncio.wait_for(run(mode), TIMEOUT)


asyncio.run(main())
sys.exit(1 if failures else 0)
