"""Conformance of the MCP face to the official MCP types, for each protocol version it speaks: every frame
the server writes is validated against the pydantic models of the pinned `mcp` package.

Usage: python mcp_conformance_test.py AGENTWIRE_BINARY CONFIG

For each version (2025-06-18 and 2025-11-25 through `initialize`, 2026-07-28 through `server/discover`)
the official SDK drives the binary through the frame tap (frame_tap.py), and a second process gets frames
no SDK sends (unparseable input, a batch, unknown methods, bad params, an unsupported version). After the
run every frame the server wrote is checked, in pydantic's strict JSON mode, against:
- the SDK's public types, `mcp.types` (`JSONRPCMessage`, `InitializeResult`, `DiscoverResult`,
  `ListToolsResult`, `CallToolResult`, `ProgressNotification`, `LoggingMessageNotification`, `ErrorData`);
- where the package has them, the wire models generated from that version's schema
  (`mcp_types._v2025_11_25`, `mcp_types._v2026_07_28`, including the per-code error models and the
  2026-07-28 response envelopes).
Besides the models, the rules the specification states about these frames: progress only for a token the
client gave, increasing, and never after the result; no reply to a cancelled request; no batches; tool
`inputSchema`s that are JSON Schemas, and `structuredContent` that matches a declared `outputSchema`.
One line per check; exit status 1 if any failed.
"""

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter, defaultdict
from importlib.metadata import version

sys.dont_write_bytecode = True  # the helpers beside this file are imported, not installed
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import anyio  # noqa: E402
import mcp.client.session as client_session  # noqa: E402
import mcp.types as types  # noqa: E402
import mcp_types._v2025_11_25 as wire_2025_11_25  # noqa: E402
import mcp_types._v2026_07_28 as wire_2026_07_28  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402
from jsonschema.exceptions import SchemaError  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.shared.exceptions import MCPError  # noqa: E402
from mcp.types.jsonrpc import jsonrpc_message_adapter  # noqa: E402
from pydantic import TypeAdapter, ValidationError  # noqa: E402

from conformance_support import Checks, read_tap, tap_command  # noqa: E402

BINARY, CONFIG = sys.argv[1], sys.argv[2]
TIMEOUT = 60
VERSIONS = ["2025-06-18", "2025-11-25", "2026-07-28"]
STATELESS = "2026-07-28"
WIRE_MODULES = {"2025-11-25": wire_2025_11_25, "2026-07-28": wire_2026_07_28}
RESULT_MODELS = {
    "initialize": "InitializeResult",
    "server/discover": "DiscoverResult",
    "ping": "EmptyResult",
    "logging/setLevel": "EmptyResult",
    "tools/list": "ListToolsResult",
    "tools/call": "CallToolResult",
}
NOTIFICATION_MODELS = {
    "notifications/progress": "ProgressNotification",
    "notifications/message": "LoggingMessageNotification",
    "notifications/cancelled": "CancelledNotification",
    "notifications/tools/list_changed": "ToolListChangedNotification",
}
ERROR_MODELS = {  # the per-code error objects of the generated wire models
    -32700: "ParseError", -32600: "InvalidRequestError", -32601: "MethodNotFoundError",
    -32602: "InvalidParamsError", -32603: "InternalError",
}
ERROR_RESPONSE_MODELS = {-32020: "HeaderMismatchError", -32021: "MissingRequiredClientCapabilityError",
                         -32022: "UnsupportedProtocolVersionError"}
# logging/setLevel is used on purpose in the handshake era; the SDK warns that 2026-07-28 deprecates it.
warnings.filterwarnings("ignore", message="The logging capability is deprecated")
warnings.filterwarnings("ignore", message="ping is removed")
checks = Checks()
check = checks.check


@contextlib.contextmanager
def handshake_version(protocol_version):
    """The SDK's initialize handshake asks for `protocol_version` instead of its newest one."""
    saved = client_session.LATEST_HANDSHAKE_VERSION
    client_session.LATEST_HANDSHAKE_VERSION = protocol_version
    try:
        yield
    finally:
        client_session.LATEST_HANDSHAKE_VERSION = saved


def server_argv():
    return [BINARY, "serve", "--protocol", "mcp", "--store", "memory", "--config", CONFIG, "--log-level", "warning"]


async def sdk_session(protocol_version, log_prefix):
    """The SDK's own traffic: tools, progress, a workflow, a failing agent, an unknown tool, a cancel."""
    command = tap_command(log_prefix, server_argv())
    params = StdioServerParameters(command=command[0], args=command[1:])
    label = f"[{protocol_version}]"
    modern = protocol_version == STATELESS
    logs = []

    async def on_log(message):
        logs.append(message)

    with handshake_version(protocol_version if not modern else client_session.LATEST_HANDSHAKE_VERSION):
        async with Client(params, mode="auto" if modern else "legacy", logging_callback=on_log,
                          log_level="info" if modern else None) as client:
            check(f"{label} the SDK negotiates {protocol_version}", client.protocol_version == protocol_version,
                  client.protocol_version)
            if not modern:
                await client.set_logging_level("info")
                await client.send_ping()
            tools = await client.list_tools()
            names = [tool.name for tool in tools.tools]
            check(f"{label} tools/list lists agents and workflows", "echo" in names and "workflow_pipeline" in names,
                  names)
            progress = []

            async def on_progress(value, total, message):
                progress.append(value)

            result = await client.call_tool("echo", {"input": "hello brave new world"}, progress_callback=on_progress)
            check(f"{label} tools/call answers the output", result.content and result.is_error is not True, result)
            await client.call_tool("workflow_pipeline", {"input": "ship it"}, progress_callback=on_progress)
            result = await client.call_tool("too-slow", {"input": "one two three four five six seven eight"})
            check(f"{label} a failing agent is isError", result.is_error is True, result)
            try:
                await client.call_tool("no-such-tool", {"input": "x"})
                check(f"{label} an unknown tool is an error", False, "it succeeded")
            except MCPError as error:
                check(f"{label} an unknown tool is an error", error.code == -32602, error.code)
            seen = len(progress)
            with anyio.move_on_after(0.6):
                await client.call_tool("echo-slow", {"input": " ".join(f"w{i}" for i in range(400))},
                                       progress_callback=on_progress)
            check(f"{label} the slow call streamed before it was cancelled", len(progress) > seen, len(progress))
            await anyio.sleep(0.3)
            result = await client.call_tool("echo", {"input": "still here"})
            check(f"{label} the server serves after a cancel", result.content[0].text == "still here", result)
            check(f"{label} notifications/message at the level asked for", logs, "none arrived")


def raw_session(protocol_version, log_prefix):
    """Frames no SDK sends, each answered (or not) as JSON-RPC and MCP say."""
    label = f"[{protocol_version} raw]"
    meta = {"io.modelcontextprotocol/protocolVersion": protocol_version}
    if protocol_version == STATELESS:
        opening = [{"jsonrpc": "2.0", "id": "open", "method": "server/discover", "params": {"_meta": meta}}]
        extra = [
            ({"jsonrpc": "2.0", "id": "version", "method": "server/discover",
              "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "1999-01-01"}}}, -32022),
            ({"jsonrpc": "2.0", "id": "level", "method": "tools/call", "params": {
                "name": "echo", "arguments": {"input": "x"},
                "_meta": {**meta, "io.modelcontextprotocol/logLevel": "loud"}}}, -32602),
        ]
    else:
        opening = [
            {"jsonrpc": "2.0", "id": "open", "method": "initialize", "params": {
                "protocolVersion": protocol_version, "capabilities": {},
                "clientInfo": {"name": "conformance", "version": "1"}}},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": "ping", "method": "ping"},
        ]
        extra = [({"jsonrpc": "2.0", "id": "level", "method": "logging/setLevel", "params": {"level": "loud"}},
                  -32602)]
        meta = None
    with_meta = (lambda params: {**params, "_meta": meta}) if meta else (lambda params: params)
    hostile = [
        (b'{"jsonrpc": "2.0", "id": 1, "method": ', -32700),
        (json.dumps([{"jsonrpc": "2.0", "id": "in-batch", "method": "tools/list"}]).encode(), -32600),
        ({"jsonrpc": "2.0", "id": "unknown", "method": "resources/list", "params": with_meta({})}, -32601),
        ({"jsonrpc": "2.0", "id": "no-input", "method": "tools/call",
          "params": with_meta({"name": "echo", "arguments": {}})}, -32602),
        ({"jsonrpc": "2.0", "id": "no-tool", "method": "tools/call",
          "params": with_meta({"name": "no-such-tool", "arguments": {"input": "x"}})}, -32602),
        *extra,
    ]
    process = subprocess.Popen(tap_command(log_prefix, server_argv()), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    replies = []
    reader = threading.Thread(target=lambda: replies.extend(
        json.loads(line) for line in iter(process.stdout.readline, b"") if line.strip()), daemon=True)
    reader.start()

    def send(message):
        process.stdin.write((message if isinstance(message, bytes) else json.dumps(message).encode()) + b"\n")
        process.stdin.flush()

    for message in opening:
        send(message)
    for message, _ in hostile:
        send(message)
    deadline = time.monotonic() + TIMEOUT
    while len([r for r in replies if isinstance(r, dict) and "id" in r]) < 1 + len(hostile) + (
            0 if protocol_version == STATELESS else 1) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.stdin.close()
    process.wait(TIMEOUT)
    reader.join(5)
    codes = Counter((r.get("error") or {}).get("code") for r in replies if isinstance(r, dict))
    for message, code in hostile:
        what = message.decode()[:40] if isinstance(message, bytes) else message.get("method")
        check(f"{label} {what} is answered with {code}", codes[code] >= 1, codes)


# MARK: Validation


class MCPFrames:
    def __init__(self):
        self.counts = Counter()
        self.problems = defaultdict(list)
        self.output_schemas = {}  # tool name -> its outputSchema, from tools/list

    def validate(self, key, model, value, frame, name=None):
        name = name or getattr(model, "__name__", None) or str(model)
        try:
            adapter = model if isinstance(model, TypeAdapter) else TypeAdapter(model)
            adapter.validate_json(json.dumps(value), strict=True)
        except ValidationError as error:
            # A union reports every branch: show each (the one meant is among them).
            reasons = " | ".join(f"{'.'.join(str(part) for part in item['loc']) or '$'}: {item['msg']}"
                                 for item in error.errors()[:4])
            self.problems[key].append(f"{name}: {reasons}; frame {json.dumps(frame)[:400]}")

    def capture(self, protocol_version, client_frames, server_frames):
        wire = WIRE_MODULES.get(protocol_version)
        modules = [("mcp.types", types)] + ([(wire.__name__, wire)] if wire else [])
        label = f"[{protocol_version}]"
        methods, tokens, cancelled, tools_called = {}, {}, set(), {}
        for frame, _ in client_frames:
            for message in frame if isinstance(frame, list) else [frame]:
                if not isinstance(message, dict):
                    continue
                if "method" in message and "id" in message:
                    methods[json.dumps(message["id"])] = message["method"]
                    if message["method"] == "tools/call":
                        tools_called[json.dumps(message["id"])] = (message.get("params") or {}).get("name")
                    token = ((message.get("params") or {}).get("_meta") or {}).get("progressToken")
                    if token is not None:
                        tokens[json.dumps(token)] = json.dumps(message["id"])
                elif message.get("method") == "notifications/cancelled":
                    cancelled.add(json.dumps((message.get("params") or {}).get("requestId")))
        answered, last_progress, progress_after_result = set(), {}, []
        for frame, raw in server_frames:
            if frame is None:
                self.problems[(label, "unparseable")].append(raw[:300])
                continue
            if isinstance(frame, list):
                self.problems[(label, "batch")].append(f"a batch, which MCP does not have: {raw[:300]}")
                continue
            self.counts[(label, "envelope")] += 1
            self.validate((label, "envelope"), jsonrpc_message_adapter, frame, frame, "mcp.types JSONRPCMessage")
            if wire:
                self.validate((label, "envelope"), TypeAdapter(wire.JSONRPCMessage), frame, frame,
                              f"{wire.__name__}.JSONRPCMessage")
            if "method" in frame:
                method = frame["method"]
                key = (label, "request" if "id" in frame else "notification", method)
                name = NOTIFICATION_MODELS.get(method)
                self.counts[key] += 1
                if "id" in frame or name is None:
                    self.problems[key].append(f"not a frame this server should send: {raw[:300]}")
                    continue
                for _, module in modules:
                    self.validate(key, getattr(module, name), frame, frame)
                if method == "notifications/progress":
                    params = frame.get("params") or {}
                    token = json.dumps(params.get("progressToken"))
                    request = tokens.get(token)
                    if request is None:
                        self.problems[key].append(f"progress for a token no request gave: {raw[:200]}")
                    elif request in answered:
                        progress_after_result.append(raw[:200])
                    value = params.get("progress")
                    increased = isinstance(value, (int, float)) and value > last_progress.get(token, float("-inf"))
                    if token in last_progress and not increased:
                        self.problems[key].append(f"progress did not increase ({last_progress[token]} -> {value})")
                    last_progress[token] = value
            elif "id" in frame:
                request_id = json.dumps(frame["id"])
                method = methods.get(request_id)
                answered.add(request_id)
                if "error" in frame:
                    key = (label, "error", method or "(no method)")
                    self.counts[key] += 1
                    code = (frame.get("error") or {}).get("code")
                    self.validate(key, types.ErrorData, frame.get("error"), frame)
                    self.validate(key, types.JSONRPCError, frame, frame)
                    if wire:
                        self.validate(key, wire.JSONRPCErrorResponse, frame, frame)
                        if code in ERROR_MODELS and hasattr(wire, ERROR_MODELS[code]):
                            self.validate(key, getattr(wire, ERROR_MODELS[code]), frame.get("error"), frame)
                        if code in ERROR_RESPONSE_MODELS and hasattr(wire, ERROR_RESPONSE_MODELS[code]):
                            self.validate(key, getattr(wire, ERROR_RESPONSE_MODELS[code]), frame, frame)
                    continue
                key = (label, "result", method)
                self.counts[key] += 1
                name = RESULT_MODELS.get(method)
                if name is None:
                    self.problems[key].append(f"a result for {method!r}, which has no MCP result model: {raw[:300]}")
                    continue
                for _, module in modules:
                    if hasattr(module, name):
                        self.validate(key, getattr(module, name), frame.get("result"), frame)
                    envelope = f"{name}Response"
                    if module is wire and hasattr(module, envelope):
                        self.validate(key, getattr(module, envelope), frame, frame)
                self.tool_rules(key, method, frame.get("result"), tools_called.get(request_id))
        if progress_after_result:
            self.problems[(label, "notification", "notifications/progress")].append(
                f"{len(progress_after_result)} progress notifications after their result: {progress_after_result[0]}")
        missing = [c for c in cancelled if c != "null" and not any(
            json.dumps(frame.get("id")) == c for frame, _ in server_frames if isinstance(frame, dict))]
        if cancelled:
            check(f"{label} cancelled requests get no reply ({len(cancelled)} cancelled)",
                  len(missing) == len(cancelled), f"{len(cancelled) - len(missing)} answered")

    def tool_rules(self, key, method, result, tool):
        """Tool schemas are JSON Schemas; a result's structuredContent matches its tool's outputSchema."""
        if not isinstance(result, dict):
            return
        if method == "tools/list":
            for entry in result.get("tools", []):
                for member in ("inputSchema", "outputSchema"):
                    if member in entry:
                        try:
                            Draft202012Validator.check_schema(entry[member])
                        except SchemaError as error:
                            self.problems[key].append(
                                f"{entry.get('name')}.{member} is not a JSON Schema: {error.message}")
                if "outputSchema" in entry:
                    self.output_schemas[entry["name"]] = entry["outputSchema"]
        schema = self.output_schemas.get(tool) if method == "tools/call" else None
        if schema is not None and not result.get("isError"):
            if not Draft202012Validator(schema).is_valid(result.get("structuredContent")):
                self.problems[key].append(f"structuredContent does not match the outputSchema of {tool}")

    def report(self):
        for key in sorted(set(self.counts) | set(self.problems), key=str):
            label, *rest = key
            what = " ".join(str(part) for part in rest if part is not None) or "frames"
            problems = self.problems.get(key, [])
            shown = "; ".join(sorted(set(problems))[:4])
            check(f"{label} every {what} frame validates ({self.counts.get(key, 0)} frames)", not problems,
                  f"{len(problems)} failed: {shown}")


async def main():
    print(f"MCP conformance: mcp {version('mcp')}", flush=True)
    with tempfile.TemporaryDirectory(prefix="agentwire-mcp-conformance-") as scratch:
        captures = []
        for protocol_version in VERSIONS:
            prefix = os.path.join(scratch, protocol_version)
            captures.append((protocol_version, prefix))
            try:
                await asyncio.wait_for(sdk_session(protocol_version, prefix), TIMEOUT)
            except Exception as error:  # noqa: BLE001 - reported; the frames so far are still validated
                check(f"[{protocol_version}] the SDK session ran to the end", False, f"{type(error).__name__}: {error}")
            prefix = os.path.join(scratch, protocol_version + "-raw")
            captures.append((protocol_version, prefix))
            try:
                raw_session(protocol_version, prefix)
            except Exception as error:  # noqa: BLE001
                check(f"[{protocol_version} raw] the session ran to the end", False, f"{type(error).__name__}: {error}")
        frames = MCPFrames()
        for protocol_version, prefix in captures:
            client_frames, server_frames = read_tap(prefix)
            check(f"[{protocol_version}] the tap captured {os.path.basename(prefix)}'s frames", server_frames, "none")
            frames.capture(protocol_version, client_frames, server_frames)
        frames.report()


asyncio.run(main())
sys.exit(checks.finish())
