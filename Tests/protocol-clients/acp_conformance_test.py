"""Conformance of the ACP face to the official ACP types: every frame the agent writes is validated against
the pydantic models of the pinned `agent-client-protocol` package (`acp/schema.py`).

Usage: python acp_conformance_test.py AGENTWIRE_BINARY

The official Python SDK drives the binary through the frame tap (frame_tap.py), so the bytes both sides
wrote are kept; after the run each frame the agent wrote is checked:
- a response against the response model of the method the client called with that id
  (`InitializeResponse`, `NewSessionResponse`, `PromptResponse`, ...), an error against `Error`;
- `session/update` against `SessionNotification` (its `update` is a discriminated union of every update
  kind); the agent's requests against their request models (`RequestPermissionRequest`, ...).
Validation is pydantic's strict JSON mode (no coercion, so `"yes"` is not a boolean), and what the SDK
salvages while it reads (`x-deserialize-default-on-error`: a bad `agentCapabilities` becomes the defaults,
bad list items are dropped) is a failure here.
Members a model does not know (pydantic ignores them) are listed as notes.
One line per check; exit status 1 if any failed.
"""

import asyncio
import contextlib
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from importlib.metadata import version

sys.dont_write_bytecode = True  # the helpers beside this file are imported, not installed
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import acp.schema as schema  # noqa: E402
from acp import PROTOCOL_VERSION, Client, spawn_agent_process, text_block  # noqa: E402
from acp.exceptions import RequestError  # noqa: E402
from acp.helpers import (  # noqa: E402
    embedded_blob_resource,
    embedded_text_resource,
    resource_block,
    resource_link_block,
)
from acp.meta import AGENT_METHODS, CLIENT_METHODS  # noqa: E402
from acp.schema import AgentMessageChunk, Implementation, RequestPermissionResponse  # noqa: E402
from pydantic import ValidationError  # noqa: E402

from conformance_support import Checks, FakeModelServer, read_tap, tap_command, tool_config  # noqa: E402

BINARY = sys.argv[1]
TIMEOUT = 60
checks = Checks()
check = checks.check

# The result model of each request the client may send.
RESPONSE_MODELS = {
    AGENT_METHODS["initialize"]: schema.InitializeResponse,
    AGENT_METHODS["authenticate"]: schema.AuthenticateResponse,
    AGENT_METHODS["session_new"]: schema.NewSessionResponse,
    AGENT_METHODS["session_load"]: schema.LoadSessionResponse,
    AGENT_METHODS["session_list"]: schema.ListSessionsResponse,
    AGENT_METHODS["session_set_mode"]: schema.SetSessionModeResponse,
    AGENT_METHODS["session_set_config_option"]: schema.SetSessionConfigOptionResponse,
    AGENT_METHODS["session_prompt"]: schema.PromptResponse,
    AGENT_METHODS["session_close"]: schema.CloseSessionResponse,
    AGENT_METHODS["session_fork"]: schema.ForkSessionResponse,
    AGENT_METHODS["session_resume"]: schema.ResumeSessionResponse,
    AGENT_METHODS["session_delete"]: schema.DeleteSessionResponse,
    AGENT_METHODS["logout"]: schema.LogoutResponse,
}
# Requests and notifications an agent may send to its client.
AGENT_REQUEST_MODELS = {
    CLIENT_METHODS["session_request_permission"]: schema.RequestPermissionRequest,
    CLIENT_METHODS["fs_read_text_file"]: schema.ReadTextFileRequest,
    CLIENT_METHODS["fs_write_text_file"]: schema.WriteTextFileRequest,
    CLIENT_METHODS["terminal_create"]: schema.CreateTerminalRequest,
    CLIENT_METHODS["terminal_output"]: schema.TerminalOutputRequest,
    CLIENT_METHODS["terminal_release"]: schema.ReleaseTerminalRequest,
    CLIENT_METHODS["terminal_wait_for_exit"]: schema.WaitForTerminalExitRequest,
    CLIENT_METHODS["terminal_kill"]: schema.KillTerminalRequest,
}
AGENT_NOTIFICATION_MODELS = {
    CLIENT_METHODS["session_update"]: schema.SessionNotification,
}


class Recorder(Client):
    def __init__(self):
        self.updates = []
        self.permission_requests = []

    async def session_update(self, session_id, update, **kwargs):
        self.updates.append((session_id, update))

    async def request_permission(self, options, session_id, tool_call, **kwargs):
        self.permission_requests.append((session_id, tool_call))
        allow = next((o for o in options if o.kind == "allow_once"), options[0])
        return RequestPermissionResponse(outcome={"outcome": "selected", "optionId": allow.option_id})

    def of(self, session_id, kind=None):
        return [u for s, u in self.updates if s == session_id and (kind is None or isinstance(u, kind))]


def spawn(recorder, log_prefix, store, config):
    command = tap_command(log_prefix, [BINARY, "serve", "--protocol", "acp", "--store", store, "--config", config,
                                       "--log-level", "warning"])
    return spawn_agent_process(recorder, command[0], *command[1:], transport_kwargs={"stderr": None})


async def expect_error(name, call, code=None):
    try:
        await asyncio.wait_for(call, TIMEOUT)
        check(name, False, "it succeeded")
    except RequestError as error:
        check(name, code is None or error.code == code, f"code {error.code}: {error}")


async def first_process(log_prefix, store, config):
    recorder = Recorder()
    async with spawn(recorder, log_prefix, store, config) as (conn, _process):
        init = await asyncio.wait_for(conn.initialize(
            protocol_version=PROTOCOL_VERSION, client_info=Implementation(name="conformance", version="1")), TIMEOUT)
        check("initialize answers protocol version 1", init.protocol_version == 1, init.protocol_version)
        await asyncio.wait_for(conn.authenticate(method_id="none"), TIMEOUT)
        session = await asyncio.wait_for(conn.new_session(cwd=os.getcwd(), mcp_servers=[]), TIMEOUT)
        sid = session.session_id

        async def prompt(blocks, agent=None):
            if agent is not None:
                await asyncio.wait_for(conn.set_config_option(config_id="agent", session_id=sid, value=agent),
                                       TIMEOUT)
            return await asyncio.wait_for(conn.prompt(session_id=sid, prompt=blocks), TIMEOUT)

        response = await prompt([text_block("hello brave new world")])
        check("a prompt ends the turn", response.stop_reason == "end_turn", response)
        await prompt([text_block("think first")], "echo-thinking")
        modes = getattr(session, "modes", None)
        if modes and modes.available_modes:
            target = next((m.id for m in modes.available_modes if m.id != modes.current_mode_id),
                          modes.current_mode_id)
            await asyncio.wait_for(conn.set_session_mode(session_id=sid, mode_id=target), TIMEOUT)
            await prompt([text_block("in another mode")])
        else:
            checks.note("session/new offers no modes: session/set_mode not exercised")
        await prompt([text_block("ship it")], "workflow:pipeline")
        before = len(recorder.permission_requests)
        response = await prompt([text_block("Weather in Paris?")], "forecaster")
        check("a tool whose permission is ask sends session/request_permission",
              len(recorder.permission_requests) == before + 1, recorder.permission_requests[before:])
        check("the model answers after the tool", response.stop_reason == "end_turn", response)
        await prompt([
            text_block("context:"),
            resource_link_block("readme", "file:///tmp/README.md", title="README"),
            resource_block(embedded_text_resource("file:///tmp/notes.txt", "some notes", mime_type="text/plain")),
        ], "echo")
        try:
            await prompt([text_block("a binary file"), resource_block(
                embedded_blob_resource("file:///tmp/data.bin", "AAECAw==", mime_type="application/octet-stream"))])
        except RequestError as error:
            checks.note(f"a prompt with a blob resource was refused ({error.code}); its error frame is validated")
        await expect_error("a failing agent's prompt is an error", prompt([text_block("x")], "failing"))

        await asyncio.wait_for(conn.set_config_option(config_id="agent", session_id=sid, value="echo-slow"), TIMEOUT)
        seen = len(recorder.of(sid, AgentMessageChunk))
        words = " ".join(f"w{i}" for i in range(200))
        slow = asyncio.create_task(conn.prompt(session_id=sid, prompt=[text_block(words)]))

        async def first_chunk():
            while len(recorder.of(sid, AgentMessageChunk)) == seen:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(first_chunk(), TIMEOUT)
        await conn.cancel(session_id=sid)
        response = await asyncio.wait_for(slow, TIMEOUT)
        check("session/cancel answers stopReason cancelled", response.stop_reason == "cancelled", response)

        await expect_error("an unknown _ request is -32601", conn.ext_method("example.com/nothing", {}), -32601)
        await conn.ext_notification("example.com/nothing", {})
        await expect_error("a prompt to an unknown session is an error",
                           conn.prompt(session_id="ses_missing", prompt=[text_block("x")]))
        await asyncio.wait_for(conn.list_sessions(), TIMEOUT)
        other = await asyncio.wait_for(conn.new_session(cwd="/tmp", mcp_servers=[]), TIMEOUT)
        await asyncio.wait_for(conn.close_session(session_id=other.session_id), TIMEOUT)
        return sid


async def second_process(log_prefix, store, config, sid):
    recorder = Recorder()
    async with spawn(recorder, log_prefix, store, config) as (conn, _process):
        await asyncio.wait_for(conn.initialize(protocol_version=PROTOCOL_VERSION), TIMEOUT)
        await asyncio.wait_for(conn.load_session(cwd=os.getcwd(), session_id=sid, mcp_servers=[]), TIMEOUT)
        check("session/load replays the session", recorder.of(sid), "no updates")
        await expect_error("loading an unknown session is an error",
                           conn.load_session(cwd=os.getcwd(), session_id="ses_missing", mcp_servers=[]))
        await asyncio.wait_for(conn.prompt(session_id=sid, prompt=[text_block("again")]), TIMEOUT)

    # A third process resumes the session (no replay), forks it and deletes the fork.
    recorder = Recorder()
    async with spawn(recorder, log_prefix + "-resume", store, config) as (conn, _process):
        await asyncio.wait_for(conn.initialize(protocol_version=PROTOCOL_VERSION), TIMEOUT)
        await asyncio.wait_for(conn.resume_session(cwd=os.getcwd(), session_id=sid, mcp_servers=[]), TIMEOUT)
        await expect_error("resuming an unknown session is an error",
                           conn.resume_session(cwd=os.getcwd(), session_id="ses_missing", mcp_servers=[]))
        await asyncio.wait_for(conn.prompt(session_id=sid, prompt=[text_block("resumed")]), TIMEOUT)
        forked = await asyncio.wait_for(conn.fork_session(cwd=os.getcwd(), session_id=sid, mcp_servers=[]), TIMEOUT)
        await asyncio.wait_for(conn.prompt(session_id=forked.session_id, prompt=[text_block("forked")]), TIMEOUT)
        await expect_error("forking an unknown session is an error",
                           conn.fork_session(cwd=os.getcwd(), session_id="ses_missing", mcp_servers=[]))
        await asyncio.wait_for(conn._conn.send_request("session/delete", {"sessionId": forked.session_id}), TIMEOUT)
        await expect_error("deleting an unknown session is an error",
                           conn._conn.send_request("session/delete", {"sessionId": forked.session_id}))


# MARK: Validation


@contextlib.contextmanager
def strict_models():
    """The models as the schema defines them: no salvaging of malformed members while validating."""
    saved = schema.salvage_on_error, schema.skip_invalid_items
    schema.salvage_on_error = lambda value, handler, fallback: handler(value)
    schema.skip_invalid_items = lambda value, handler: handler(value)
    try:
        yield
    finally:
        schema.salvage_on_error, schema.skip_invalid_items = saved


def dropped_members(original, dumped, path="$"):
    """Members of `original` that validating and dumping lost: members the model does not know."""
    found = []
    if isinstance(original, dict) and isinstance(dumped, dict):
        for key, value in original.items():
            if key not in dumped:
                found.append(f"{path}.{key}")
            else:
                found.extend(dropped_members(value, dumped[key], f"{path}.{key}"))
    elif isinstance(original, list) and isinstance(dumped, list):
        for index, (a, b) in enumerate(zip(original, dumped)):
            found.extend(dropped_members(a, b, f"{path}[]"))
    return found


class ACPFrames:
    def __init__(self):
        self.counts = Counter()
        self.problems = defaultdict(list)
        self.unknown = defaultdict(set)
        self.update_kinds = Counter()
        self.methods_seen = Counter()

    def validate(self, key, model, value, frame, count=True, notes=True):
        if count:
            self.counts[key] += 1
        try:
            with strict_models():
                parsed = model.model_validate_json(json.dumps(value), strict=True)
        except ValidationError as error:
            # A union reports every branch: show each (the one meant is among them).
            reasons = " | ".join(f"{'.'.join(str(part) for part in item['loc']) or '$'}: {item['msg']}"
                                 for item in error.errors()[:4])
            self.problems[key].append(f"{model.__name__}: {reasons}; frame {json.dumps(frame)[:400]}")
            return None
        if not notes:  # an envelope: its unions end in Any, so its members are checked by the specific model
            return parsed
        dumped = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
        for member in dropped_members(value, dumped):
            self.unknown[(key, model.__name__)].add(member)
        return parsed

    def capture(self, label, client_frames, agent_frames):
        methods = {}
        for frame, raw in client_frames:
            if isinstance(frame, dict) and "method" in frame and "id" in frame:
                methods[json.dumps(frame["id"])] = frame["method"]
        for frame, raw in agent_frames:
            if frame is None:
                self.problems[("unparseable", label)].append(raw[:300])
                continue
            if not isinstance(frame, dict) or frame.get("jsonrpc") != "2.0":
                self.problems[("envelope", label)].append(f"not a JSON-RPC 2.0 object: {json.dumps(frame)[:300]}")
                continue
            if "method" in frame and "id" in frame:
                method = frame["method"]
                self.methods_seen[("request", method)] += 1
                model = AGENT_REQUEST_MODELS.get(method)
                self.validate(("envelope", "request"), schema.AgentRequest, frame, frame, notes=False)
                if model is None:
                    self.problems[("request", method)].append(f"not a request an ACP agent sends: {method}")
                else:
                    self.validate(("request", method), model, frame.get("params"), frame)
            elif "method" in frame:
                method = frame["method"]
                self.methods_seen[("notification", method)] += 1
                self.validate(("envelope", "notification"), schema.AgentNotification, frame, frame, notes=False)
                model = AGENT_NOTIFICATION_MODELS.get(method)
                if model is None:
                    self.problems[("notification", method)].append(f"not a notification an ACP agent sends: {method}")
                    continue
                parsed = self.validate(("notification", method), model, frame.get("params"), frame)
                if parsed is not None and method == CLIENT_METHODS["session_update"]:
                    self.update_kinds[frame["params"]["update"]["sessionUpdate"]] += 1
            elif "id" in frame and ("result" in frame) != ("error" in frame):
                method = methods.get(json.dumps(frame["id"]))
                if "error" in frame:
                    self.validate(("error", method), schema.AgentErrorMessage, frame, frame, notes=False)
                    self.validate(("error", method), schema.Error, frame["error"], frame, count=False)
                    continue
                self.validate(("envelope", "response"), schema.AgentResponseMessage, frame, frame, notes=False)
                model = RESPONSE_MODELS.get(method)
                if model is None:
                    self.problems[("result", method)].append(
                        f"a result for {method!r}, which has no ACP response model; frame {json.dumps(frame)[:300]}")
                    self.counts[("result", method)] += 1
                else:
                    self.validate(("result", method), model, frame["result"], frame)
            else:
                self.problems[("envelope", label)].append(
                    f"not a request, notification or response: {json.dumps(frame)[:300]}")

    def report(self):
        keys = sorted(set(self.counts) | set(self.problems), key=str)
        for kind, name in keys:
            problems = self.problems.get((kind, name), [])
            shown = "; ".join(sorted(set(problems))[:4])
            check(f"every {kind} frame of {name} validates ({self.counts.get((kind, name), 0)} frames)",
                  not problems, f"{len(problems)} failed: {shown}")
        for (key, model), members in sorted(self.unknown.items(), key=str):
            checks.note(f"{key[0]} {key[1]}: members {model} does not know: {', '.join(sorted(members))}")


async def main():
    print(f"ACP conformance: agent-client-protocol {version('agent-client-protocol')}", flush=True)
    with tempfile.TemporaryDirectory(prefix="agentwire-acp-conformance-") as scratch, FakeModelServer() as model:
        python = sys.executable
        config = os.path.join(scratch, "agentwire.json")
        with open(config, "w") as file:
            json.dump({
                "tools": {"weather": tool_config(python, "ask")},
                "agents": {
                    "forecaster": {"provider": {"type": "openai", "baseURL": model.base_url, "model": "tool-caller",
                                                "tools": ["weather"], "toolChoice": "weather", "retries": 0,
                                                "timeoutSeconds": 10, "maxTurns": 3}},
                    "failing": {"provider": {"type": "command", "argv": [python, "-c", (
                        "import sys; sys.stdout.write('partial '); sys.stdout.flush(); sys.exit(3)")]}},
                },
            }, file)
        store = os.path.join(scratch, "acp.sqlite")
        captures = [os.path.join(scratch, "first"), os.path.join(scratch, "second"),
                    os.path.join(scratch, "second-resume")]
        try:
            sid = await first_process(captures[0], store, config)
            await second_process(captures[1], store, config, sid)
        except Exception as error:  # noqa: BLE001 - reported, and the frames so far still validated
            check("the ACP session ran to the end", False, f"{type(error).__name__}: {error}")

        frames = ACPFrames()
        for prefix in captures:
            client_frames, agent_frames = read_tap(prefix)
            check(f"[{os.path.basename(prefix)} process] the tap captured the agent's frames", agent_frames,
                  "nothing captured")
            frames.capture(os.path.basename(prefix), client_frames, agent_frames)
        frames.report()
        wanted = ["agent_message_chunk", "agent_thought_chunk", "user_message_chunk", "tool_call", "tool_call_update",
                  "plan", "usage_update", "session_info_update"]
        missing = [kind for kind in wanted if frames.update_kinds[kind] == 0]
        check(f"session/update kinds seen: {dict(frames.update_kinds)}", not missing, f"never seen: {missing}")
        check("session/request_permission was sent and validated",
              frames.counts[("request", "session/request_permission")] >= 1,
              {f"{kind} {method}": n for (kind, method), n in frames.methods_seen.items()})


asyncio.run(main())
sys.exit(checks.finish())
