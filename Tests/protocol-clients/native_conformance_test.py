"""Conformance of the native AgentWire face to its OpenRPC document.

Usage: python native_conformance_test.py AGENTWIRE_BINARY OPENRPC_PATH

Runs the binary (newline-delimited JSON; a second process in Content-Length framing for the admission
limits) through a broad session: every request method of the document, every client notification, every
notification and server request the server sends (traces and permission requests included) and an error
of every code the document lists. Every frame the server writes is validated against the document (see
openrpc_conformance.py). Fails if a frame does not validate, if a method of the document was never
exercised, if a documented server notification or request never appeared, or if an error code of the
document was never produced. One line per check; exit status 1 if any failed.
"""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import defaultdict

sys.dont_write_bytecode = True  # the helpers beside this file are imported, not installed
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conformance_support import Checks, FakeModelServer, excerpt, tool_config  # noqa: E402
from openrpc_conformance import FrameValidator, OpenRPCDocument  # noqa: E402

BINARY, OPENRPC = sys.argv[1], sys.argv[2]
STRICT_MEMBERS = "--strict-members" in sys.argv
TIMEOUT = 60
MAX_MESSAGE_BYTES = 100_000
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
SLOW_WORDS = " ".join(f"w{i}" for i in range(200))  # echo-slow: 50 ms a word, 10 s in all

checks = Checks()
check = checks.check


class NativeClient:
    """A client of one server process: sends requests and notifications, answers the server's own
    requests, and hands every frame the server writes to the validator as it arrives."""

    def __init__(self, name, argv, env, validator, workdir, framing="ndjson"):
        self.name = name
        self.framing = framing
        self.validator = validator
        self.sent = {}  # request id (as JSON) -> method
        self.sent_notifications = set()
        self.responses = defaultdict(list)
        self.notifications = []
        self.by_run = defaultdict(list)
        self.started_by_request = {}  # request id (as JSON) -> runId, from run/started
        self.server_requests = []
        self.unparsed = []
        self.cond = threading.Condition()
        self.next_id = 0
        self.stderr_path = os.path.join(workdir, f"{name}.log")
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.stderr_path, "wb"), env=env
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # MARK: Reading

    def _read(self):
        stream = self.proc.stdout
        while True:
            if self.framing == "content-length":
                length = None
                while True:
                    line = stream.readline()
                    if not line:
                        return self._closed()
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                body = stream.read(length or 0)
            else:
                body = stream.readline()
                if not body:
                    return self._closed()
                if not body.strip():
                    continue
            try:
                frame = json.loads(body)
            except ValueError:
                self.unparsed.append(body[:300])
                continue
            self.validator.frame(frame, self.method_of)
            self._dispatch(frame)

    def _closed(self):
        with self.cond:
            self.cond.notify_all()

    def _dispatch(self, frame):
        if isinstance(frame, list):
            with self.cond:
                self.responses["batch"].append(frame)
                self.cond.notify_all()
            return
        if "method" in frame and "id" in frame:
            self.server_requests.append(frame)
            self.send({"jsonrpc": "2.0", "id": frame["id"], "result": self.answer(frame)})
            return
        with self.cond:
            if "method" in frame:
                self.notifications.append(frame)
                params = frame.get("params") or {}
                if "runId" in params:
                    self.by_run[params["runId"]].append(frame)
                if frame["method"] == "run/started" and "requestId" in params:
                    self.started_by_request[json.dumps(params["requestId"])] = params["runId"]
            else:
                self.responses[json.dumps(frame.get("id"))].append(frame)
            self.cond.notify_all()

    @staticmethod
    def answer(request):
        """The answer to a server request: allow a tool once."""
        return {"optionId": "allow_once"}

    def method_of(self, request_id):
        return self.sent.get(json.dumps(request_id))

    # MARK: Writing

    def write(self, payload):
        if self.framing == "content-length":
            payload = f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload
        else:
            payload = payload + b"\n"
        self.proc.stdin.write(payload)
        self.proc.stdin.flush()

    def send(self, message, raw=None):
        for item in message if isinstance(message, list) else [message]:
            if isinstance(item, dict) and "method" in item:
                if "id" in item:
                    self.sent[json.dumps(item["id"])] = item["method"]
                else:
                    self.sent_notifications.add(item["method"])
        self.write(raw if raw is not None else json.dumps(message).encode())

    def start(self, method, params=None, id=None):
        if id is None:
            self.next_id += 1
            id = self.next_id
        message = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return id

    def wait(self, id, timeout=TIMEOUT):
        key = id if id == "batch" else json.dumps(id)
        deadline = time.monotonic() + timeout
        with self.cond:
            while not self.responses[key]:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.proc.poll() is not None and not self.reader.is_alive():
                    raise TimeoutError(f"{self.name}: no reply to id {id} within {timeout} s")
                self.cond.wait(min(remaining, 0.5))
            return self.responses[key].pop(0)

    def request(self, method, params=None, id=None, timeout=TIMEOUT):
        return self.wait(self.start(method, params, id), timeout)

    def notify(self, method, params=None):
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def no_reply(self, id, seconds):
        time.sleep(seconds)
        with self.cond:
            return not self.responses[json.dumps(id)]

    def run_id_of(self, id, timeout=TIMEOUT):
        """The run a request started, from its run/started."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while json.dumps(id) not in self.started_by_request:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.name}: no run/started for request {id}")
                self.cond.wait(0.2)
            return self.started_by_request[json.dumps(id)]

    def wait_for(self, predicate, timeout=TIMEOUT, what="a notification"):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not any(predicate(n) for n in self.notifications):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.name}: {what} never came")
                self.cond.wait(0.2)

    def of_run(self, run_id, method=None):
        with self.cond:
            return [n for n in self.by_run.get(run_id, []) if method is None or n["method"] == method]

    def close(self, timeout=30):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None
        finally:
            self.reader.join(5)

    def stderr_tail(self, lines=20):
        with open(self.stderr_path, "rb") as file:
            return b"\n".join(file.read().splitlines()[-lines:]).decode("utf-8", "replace")


def scenario(name, body):
    """Runs one part of the session; an exception fails it and the session goes on."""
    try:
        body()
    except Exception as error:  # noqa: BLE001 - any failure is reported as a check
        check(name, False, f"{type(error).__name__}: {error} {traceback.format_exc(limit=3)}")


def result_of(response):
    return response.get("result") if isinstance(response, dict) else None


def error_of(response):
    return (response.get("error") or {}) if isinstance(response, dict) else {}


# MARK: The session


def main_session(client, store_path, doc, spawn_other):
    """Everything but the admission limits, on one connection (and a second process on the same store)."""
    # `stream` asking for every kind the document's initialize params know (the booleans on, no merging).
    _, pointers = doc.params_object("initialize")
    stream_schema = doc.resolve_schema(pointers["stream"])
    every_kind = {member: True if doc.resolve_schema_value(schema).get("type") == "boolean" else 0
                  for member, schema in stream_schema.get("properties", {}).items()}
    every_kind["traces"] = True

    def initialize():
        response = client.request("initialize", {
            "protocolVersion": "agentwire/1", "clientInfo": {"name": "conformance", "version": "1"},
            "capabilities": {}, "stream": every_kind,
        })
        check("initialize asks for every notification kind and is answered",
              result_of(response) and result_of(response).get("protocolVersion") == "agentwire/1", response)
        client.notify("initialized")
        check("ping answers {}", result_of(client.request("ping")) == {}, "")
        agents = [a["name"] for a in result_of(client.request("agents/list"))["agents"]]
        check("agents/list lists the configured agents", "forecaster" in agents and "echo" in agents, agents)
        workflows = [w["name"] for w in result_of(client.request("workflows/list"))["workflows"]]
        check("workflows/list lists the built-in workflows", "pipeline" in workflows, workflows)

    def agent_runs():
        request = client.start("agent/run", {"agent": "echo", "input": "hello brave new world",
                                        "_meta": {"traceparent": TRACEPARENT}})
        response = client.wait(request)
        run_id = result_of(response)["runId"]
        check("agent/run streams tokens and answers the output",
              result_of(response)["output"] == "hello brave new world"
              and len(client.of_run(run_id, "run/token")) == 4, response)
        traces = client.of_run(run_id, "run/trace")
        check("run/trace spans arrive and join the client's trace",
              traces and all(t["params"]["traceId"] == TRACEPARENT.split("-")[1] for t in traces), traces[:2])
        response = client.request("agent/run", ["echo", "positional params"])
        check("agent/run takes positional params", result_of(response)["output"] == "positional params", response)
        response = client.request("agent/run", {"agent": "echo-thinking", "input": "think first"})
        run_id = result_of(response)["runId"]
        check("reasoning arrives as run/thinking", client.of_run(run_id, "run/thinking"), client.of_run(run_id))
        words = " ".join(f"word{i}" for i in range(300))
        response = client.request("agent/run", {"agent": "echo", "input": words, "stream": {"tokenCoalesceMs": 20}})
        run_id = result_of(response)["runId"]
        texts = [n["params"]["text"] for n in client.of_run(run_id, "run/token")]
        check("per-run stream options merge tokens", "".join(texts) == words and len(texts) < 300, len(texts))

    def workflows():
        response = client.request("coordinator/sequential", {
            "steps": [{"agent": "echo"}, {"agent": "echo", "transform": "reviewed: {{previous}}"}], "input": "draft"})
        check("coordinator/sequential chains its steps", result_of(response)["output"] == "reviewed: draft", response)
        response = client.request("coordinator/parallel", {
            "tasks": [{"agent": "echo"}, {"agent": "echo-thinking", "input": "second: {{input}}"}],
            "input": "ship it", "aggregate": "list"})
        run_id = result_of(response)["runId"]
        check("coordinator/parallel aggregates and reports progress",
              result_of(response)["output"] == "1. ship it\n2. second: ship it"
              and client.of_run(run_id, "run/progress"), response)
        response = client.request("coordinator/hierarchical", {
            "master": {"agent": "echo"}, "subAgents": [{"agent": "echo"}, {"agent": "echo"}], "input": "a\nb\nc",
            "aggregator": "concat"})
        check("coordinator/hierarchical delegates", result_of(response)["output"] == "a\nc\n\nb", response)
        response = client.request("workflow/run", {"workflow": "fanout", "input": "ship it"})
        check("workflow/run runs a named workflow", result_of(response)["strategy"] == "parallel", response)

    def tools():
        before = len(client.server_requests)
        response = client.request("agent/run", {"agent": "forecaster", "input": "Weather in Paris?"})
        result = result_of(response) or {}
        run_id = result.get("runId")
        asked = client.server_requests[before:]
        statuses = [n["params"]["status"] for n in client.of_run(run_id, "run/tool")]
        check("a tool whose permission is ask sends permission/request",
              [r["method"] for r in asked] == ["permission/request"], asked)
        check("the allowed tool runs and is reported as run/tool", statuses == ["started", "completed"], statuses)
        check("the model answers after the tool", result.get("output") == "It is sunny.", response)
        response = client.request("agent/run", {"agent": "guarded", "input": "Launch it"})
        run_id = (result_of(response) or {}).get("runId")
        statuses = [n["params"]["status"] for n in client.of_run(run_id, "run/tool")]
        check("a denied tool is reported failed", statuses == ["started", "failed"], statuses)

    def stored_runs():
        response = client.request("agent/start", {"agent": "echo-slow", "input": " ".join(f"s{i}" for i in range(20))})
        run_id = result_of(response)["runId"]
        follow = client.request("run/events", {"runId": run_id, "afterSeq": 0, "follow": True})
        replayed = client.of_run(run_id)
        check("run/events follow replays and follows until the run ends",
              result_of(follow) and result_of(follow)["status"] == "completed"
              and any(n["method"] == "run/token" for n in replayed), follow)
        status = client.request("run/status", {"runId": run_id})
        check("run/status gives the final status", result_of(status)["status"] == "completed", status)
        details = client.request("run/get", {"runId": run_id})
        check("run/get gives input, output and steps", result_of(details)["steps"], details)
        page = client.request("run/events", {"runId": run_id, "afterSeq": 0, "limit": 5})
        check("run/events pages the stored events", len(result_of(page)["events"]) == 5
              and result_of(page)["hasMore"], page)
        listed = client.request("run/list", {"limit": 3})
        check("run/list pages the runs", len(result_of(listed)["runs"]) == 3 and "nextCursor" in result_of(listed),
              listed)
        listed = client.request("run/list", {"status": "completed", "agent": "echo-slow",
                                             "cursor": result_of(listed)["nextCursor"]})
        check("run/list filters", all(r["status"] == "completed" for r in result_of(listed)["runs"]), listed)
        deleted = client.request("run/delete", {"runId": run_id})
        check("run/delete removes a finished run", result_of(deleted) == {"deleted": True}, deleted)
        response = client.request("workflow/start", {"workflow": "pipeline", "input": "later"})
        run_id = result_of(response)["runId"]
        deadline = time.monotonic() + TIMEOUT
        while result_of(client.request("run/status", {"runId": run_id}))["status"] == "running":
            if time.monotonic() > deadline:
                raise TimeoutError("the workflow/start run never ended")
            time.sleep(0.05)
        check("workflow/start runs to completion", client.of_run(run_id, "run/step"), "")

    def wait_first_token(request):
        run_id = client.run_id_of(request)
        client.wait_for(lambda n: n["method"] == "run/token" and n["params"]["runId"] == run_id,
                        what=f"a token of {run_id}")
        return run_id

    def cancels():
        response = client.request("agent/start", {"agent": "echo-slow", "input": SLOW_WORDS})
        run_id = result_of(response)["runId"]
        cancelled = client.request("run/cancel", {"runId": run_id})
        check("run/cancel cancels a started run", result_of(cancelled) == {"cancelled": True}, cancelled)
        request = client.start("agent/run", {"agent": "echo-slow", "input": SLOW_WORDS})
        run_id = wait_first_token(request)
        client.request("run/cancel", [run_id])
        response = client.wait(request)
        check("a run cancelled by run/cancel answers stopReason cancelled",
              result_of(response) and result_of(response)["stopReason"] == "cancelled", response)
        resumed = client.request("run/resume", {"runId": run_id, "stream": {"tokens": False}})
        check("run/resume does a cancelled run again as a new run",
              result_of(resumed) and result_of(resumed)["output"] == SLOW_WORDS
              and result_of(resumed)["runId"] != run_id, resumed)
        started = client.of_run(result_of(resumed)["runId"], "run/started") if result_of(resumed) else []
        check("the resumed run names the run it resumes",
              bool(started) and started[0]["params"].get("resumedFrom") == run_id, started)
        refused = client.request("run/resume", {"runId": result_of(resumed)["runId"]})
        check("a completed run is not resumed",
              error_of(refused).get("data", {}).get("reason") == "completed", refused)
        request = client.start("agent/run", {"agent": "echo-slow", "input": SLOW_WORDS})
        wait_first_token(request)
        client.notify("$/cancelRequest", {"id": request})
        response = client.wait(request)
        check("$/cancelRequest answers -32800 with the partial output",
              error_of(response).get("code") == -32800 and "partialOutput" in error_of(response).get("data", {}),
              response)
        request = client.start("agent/run", {"agent": "echo-slow", "input": SLOW_WORDS}, id="acp-style-cancel")
        wait_first_token(request)
        client.notify("$/cancel_request", {"requestId": request})
        response = client.wait(request)
        check("$/cancel_request answers -32800", error_of(response).get("code") == -32800, response)
        request = client.start("agent/run", {"agent": "echo-slow", "input": SLOW_WORDS})
        run_id = wait_first_token(request)
        client.notify("notifications/cancelled", {"requestId": request, "reason": "no longer needed"})
        silent = client.no_reply(request, 1.0)
        status = result_of(client.request("run/status", {"runId": run_id}))["status"]
        check("notifications/cancelled stops the run with no reply", silent and status == "cancelled", status)
        # A follow cancelled with $/cancelRequest ends with -32800 and leaves the run alone.
        response = client.request("agent/start", {"agent": "echo-slow", "input": SLOW_WORDS})
        run_id = result_of(response)["runId"]
        request = client.start("run/events", {"runId": run_id, "afterSeq": 0, "follow": True})
        client.wait_for(lambda n: n["method"] == "run/token" and n["params"]["runId"] == run_id)
        client.notify("$/cancelRequest", {"id": request})
        response = client.wait(request)
        check("a cancelled follow answers -32800", error_of(response).get("code") == -32800, response)
        client.request("run/cancel", {"runId": run_id})

    def sessions():
        session = result_of(client.request("session/new", {"agent": "echo-history"}))["sessionId"]
        client.request("session/prompt", {"sessionId": session, "input": "first"})
        response = client.request("session/prompt", {"sessionId": session, "input": "second"})
        check("session/prompt sees the earlier turns", result_of(response)["output"] == "first\nsecond", response)
        forked = result_of(client.request("session/fork", {"sessionId": session, "turn": 1}))["sessionId"]
        got = client.request("session/get", {"sessionId": forked})
        check("session/fork keeps the first turns", [t["input"] for t in result_of(got)["turns"]] == ["first"], got)
        listed = client.request("session/list", {"limit": 1})
        check("session/list pages newest first",
              [s["sessionId"] for s in result_of(listed)["sessions"]] == [forked] and "nextCursor" in result_of(listed),
              listed)
        client.request("session/list", {"cursor": result_of(listed)["nextCursor"]})
        past = client.request("session/fork", {"sessionId": session, "turn": 3})
        check("session/fork past the last turn is -32602 naming params.turn",
              error_of(past).get("data", {}).get("field") == "params.turn", past)
        deleted = client.request("session/delete", {"sessionId": forked})
        check("session/delete deletes", result_of(deleted) == {"deleted": True}, deleted)
        closed = client.request("session/close", {"sessionId": session})
        check("session/close closes", result_of(closed) == {"closed": True}, closed)
        busy_session = result_of(client.request("session/new", ["echo-slow"]))["sessionId"]
        first = client.start("session/prompt", {"sessionId": busy_session, "input": SLOW_WORDS})
        wait_first_token(first)
        second = client.request("session/prompt", {"sessionId": busy_session, "input": "me too"})
        check("a second prompt in flight is -32004 session busy", error_of(second).get("code") == -32004, second)
        busy = client.request("session/delete", {"sessionId": busy_session})
        check("session/delete of a session in flight is -32004", error_of(busy).get("code") == -32004, busy)
        client.notify("$/cancelRequest", {"id": first})
        client.wait(first)
        client.request("session/close", {"sessionId": busy_session})
        missing = client.request("session/prompt", {"sessionId": session, "input": "after close"})
        check("a closed session is -32001", error_of(missing).get("code") == -32001, missing)

    def statistics():
        stats = client.request("stats/get")
        check("stats/get reports per agent", "echo" in result_of(stats)["agents"], excerpt(stats))
        client.request("stats/get", {"agent": "echo"})
        check("stats/get of an unknown agent is -32001",
              error_of(client.request("stats/get", {"agent": "nope"})).get("code") == -32001, "")
        check("stats/reset answers", result_of(client.request("stats/reset")) == {"reset": True}, "")
        metrics = client.request("metrics/get")
        check("metrics/get gives the Prometheus text", "stream_sessions_total" in result_of(metrics)["text"],
              excerpt(metrics))

    def errors():
        client.send(None, raw=b'{"jsonrpc": "2.0", "id": 1, "method": ')
        response = client.wait(None)
        check("unparseable input is -32700 with id null", error_of(response).get("code") == -32700, response)
        client.send(None, raw=b"[]")
        check("an empty batch is -32600", error_of(client.wait(None)).get("code") == -32600, "")
        client.send(None, raw=b'{"jsonrpc": "2.0", "id": "no-method"}')
        check("a request without a method is -32600", error_of(client.wait("no-method")).get("code") == -32600, "")
        client.send(None, raw=b'{"jsonrpc": "1.0", "id": "old", "method": "ping"}')
        check("a wrong jsonrpc version is -32600", error_of(client.wait("old")).get("code") == -32600, "")
        client.start("agent/run", {"agent": "echo-slow", "input": "one two three four"}, id="in-use")
        response = client.request("agent/run", {"agent": "echo", "input": "again"}, id="in-use")
        client.wait("in-use")
        check("a request id in use by a run is -32600", error_of(response).get("code") == -32600, response)
        response = client.request("agent/run", {"agent": "echo", "input": "one two three",
                                                "budget": {"maxOutputTokens": 2, "maxCostUsd": 0.5}})
        check("a run past its budget is -32011 with what it spent",
              error_of(response).get("code") == -32011
              and error_of(response).get("data", {}).get("limit") == "maxOutputTokens", response)
        response = client.request("agent/run", {"agent": "echo", "input": '{"name": "Ada"}',
                                                "outputSchema": {"type": "object", "required": ["age"]}})
        check("output that breaks outputSchema is -32012 naming the path",
              error_of(response).get("code") == -32012
              and error_of(response).get("data", {}).get("errors") == [{"path": "$.age", "message": "required"}],
              response)
        response = client.request("workflow/run", {"workflow": "pipeline", "input": '{"age": 36}',
                                                   "outputSchema": {"type": "string"}})
        check("a workflow's outputSchema applies to its final output",
              error_of(response).get("code") == -32012, response)
        response = client.request("agent/run", {"agent": "echo", "input": '{"age": 36}',
                                                "outputSchema": {"type": "object", "required": ["age"]}})
        check("matching output is parsed into structuredOutput",
              result_of(response) and result_of(response).get("structuredOutput") == {"age": 36}, response)
        response = client.request("agent/run", {"agent": "echo", "input": "x", "budget": {"maxCostUsd": -1}})
        check("a negative budget is -32602 naming the member",
              error_of(response).get("data", {}).get("field") == "params.budget.maxCostUsd", response)
        response = client.request("agent/frobnicate", {})
        check("an unknown method is -32601", error_of(response).get("code") == -32601, response)
        response = client.request("agent/run", {"agent": "echo"})
        check("a missing param is -32602 naming it",
              error_of(response).get("code") == -32602
              and error_of(response).get("data", {}).get("field") == "params.input", response)
        response = client.request("initialize", {"stream": {"bogus": True}})
        check("an unknown stream kind is -32602", error_of(response).get("code") == -32602, response)
        response = client.request("agent/run", {"agent": "echo", "input": "x", "timeoutMS": 5})
        check("an unknown params member is -32602 naming it",
              error_of(response).get("code") == -32602
              and error_of(response).get("data", {}).get("field") == "params.timeoutMS", response)
        for method, params, member in (
            ("agent/run", {"agent": "nope", "input": "x"}, "agent"),
            ("workflow/run", {"workflow": "nope", "input": "x"}, "workflow"),
            ("session/prompt", {"sessionId": "ses_missing", "input": "x"}, "sessionId"),
            ("session/get", {"sessionId": "ses_missing"}, "sessionId"),
            ("run/status", {"runId": "run_missing"}, "runId"),
        ):
            response = client.request(method, params)
            check(f"{method} naming an unknown {member} is -32001",
                  error_of(response).get("code") == -32001 and member in error_of(response).get("data", {}), response)
        big = json.dumps({"jsonrpc": "2.0", "id": "big", "method": "agent/run",
                          "params": {"agent": "echo", "input": "x" * (MAX_MESSAGE_BYTES + 50_000)}}).encode()
        client.sent[json.dumps("big")] = "agent/run"
        client.send(None, raw=big)
        deadline = time.monotonic() + TIMEOUT
        while True:
            with client.cond:
                got = client.responses[json.dumps("big")] or client.responses["null"]
                response = got.pop(0) if got else None
            if response or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        check("a message over --max-message-bytes is -32002", error_of(response).get("code") == -32002, response)
        check("the server serves after a message too large", result_of(client.request("ping")) == {}, "")
        response = client.request("agent/run", {"agent": "echo-slow", "input": "a b c d e f g h", "timeoutMs": 150})
        check("a run past timeoutMs is -32005", error_of(response).get("code") == -32005, response)
        response = client.request("agent/run", {"agent": "quiet", "input": "x"})
        check("a silent run is reaped: -32005 with reason stale",
              error_of(response).get("code") == -32005 and error_of(response).get("data", {}).get("reason") == "stale",
              response)
        response = client.request("agent/run", {"agent": "failing", "input": "x"})
        check("a failing command is -32010 with its stderr",
              error_of(response).get("code") == -32010 and "boom" in json.dumps(error_of(response)), response)
        response = client.request("agent/run", {"agent": "broken-model", "input": "x"})
        check("a model server's HTTP 500 is -32010 with its status",
              error_of(response).get("code") == -32010 and error_of(response).get("data", {}).get("status") == 500,
              response)
        # A store another process keeps locked past the busy timeout: reads and writes fail with -32603.
        run_id = result_of(client.request("agent/run", {"agent": "echo", "input": "to delete"}))["runId"]
        time.sleep(0.2)
        lock = sqlite3.connect(store_path, isolation_level=None, timeout=10)
        try:
            lock.execute("BEGIN IMMEDIATE")
            response = client.request("run/delete", {"runId": run_id})
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        check("a store locked too long is -32603", error_of(response).get("code") == -32603, response)
        client.send([
            {"jsonrpc": "2.0", "id": "b1", "method": "ping"},
            {"jsonrpc": "2.0", "id": "b2", "method": "agents/list"},
            {"jsonrpc": "2.0", "method": "initialized"},
        ])
        batch = client.wait("batch")
        check("a batch is answered with one array", sorted(r["id"] for r in batch) == ["b1", "b2"], batch)

    def workflow_failures():
        response = client.request("coordinator/parallel", {
            "tasks": [{"agent": "echo"}, {"agent": "failing"}], "input": "ship it", "onError": "continue",
            "aggregate": {"agent": "echo"}})
        branches = (result_of(response) or {}).get("branches", [])
        check("onError continue keeps the failed branch in branches",
              [b["status"] for b in branches][:2] == ["completed", "failed"] and "error" in branches[1], response)
        response = client.request("coordinator/sequential", {
            "steps": [{"agent": "echo"}, {"agent": "echo-slow"}], "input": "one two three four five six",
            "stepTimeoutMs": 100})
        check("a step past stepTimeoutMs fails the run with -32005 naming the step",
              error_of(response).get("code") == -32005 and error_of(response).get("data", {}).get("stepId") == "1.2",
              response)
        response = client.request("coordinator/sequential", {
            "steps": [{"agent": "echo"}, {"agent": "echo", "transform": "{{prev}}"}], "input": "x"})
        check("an unknown template placeholder is -32602 naming the step",
              error_of(response).get("data", {}).get("field") == "params.steps[1].transform", response)
        response = client.request("agent/run", {"agent": "unreachable", "input": "x"})
        check("an unreachable model server is -32010 with its url",
              error_of(response).get("code") == -32010 and "url" in error_of(response).get("data", {}), response)
        response = client.request("agent/run", ["echo", "x", "one too many"])
        check("too many positional params is -32602", error_of(response).get("code") == -32602, response)
        run_id = result_of(client.request("agent/start", {"agent": "echo-slow", "input": SLOW_WORDS}))["runId"]
        response = client.request("run/delete", [run_id])
        check("run/delete of a running run is -32602", error_of(response).get("code") == -32602, response)
        client.request("run/cancel", {"runId": run_id})
        page = client.request("run/events", [run_id, 10_000])
        check("run/events after the last seq is an empty page", result_of(page)["events"] == [], page)

    def every_stored_run():
        runs = result_of(client.request("run/list", {"limit": 500}))["runs"]
        kinds = {(run["kind"], run["status"]) for run in runs}
        check(f"run/list lists runs of every kind and status ({len(runs)} runs)",
              {"agent", "workflow", "session"} <= {kind for kind, _ in kinds}
              and {"completed", "failed", "cancelled"} <= {status for _, status in kinds}, sorted(kinds))
        for run in runs:
            client.request("run/get", {"runId": run["runId"]})
            client.request("run/events", {"runId": run["runId"], "afterSeq": 0, "limit": 10_000})

    def other_process():
        other = spawn_other()
        try:
            first = result_of(other.request("agent/start", {"agent": "echo-slow", "input": SLOW_WORDS}))["runId"]
            second = result_of(other.request("agent/start", {"agent": "echo-slow", "input": SLOW_WORDS}))["runId"]
            time.sleep(0.5)  # past a flush: the runs are in the store
            status = result_of(client.request("run/status", {"runId": first}))
            check("a run of another process reads as running, not live here",
                  status["status"] == "running" and status["live"] is False, status)
            listed = result_of(client.request("run/list", {"status": "running"}))["runs"]
            check("run/list lists the other process's runs", {first, second} <= {r["runId"] for r in listed}, listed)
            cancelled = client.request("run/cancel", {"runId": first})
            check("run/cancel reaches a run of another live process", result_of(cancelled) == {"cancelled": True},
                  cancelled)
            follow = client.start("run/events", {"runId": first, "afterSeq": 0, "follow": True})
            response = client.wait(follow)
            check("a follow of a run of another process ends with its end",
                  (result_of(response) or {}).get("status") == "cancelled", response)
            other.proc.kill()
            other.proc.wait(10)
            cancelled = client.request("run/cancel", {"runId": second})
            check("run/cancel of a run whose process died marks it interrupted",
                  result_of(cancelled) == {"cancelled": True, "status": "interrupted"}, cancelled)
            details = client.request("run/get", {"runId": second})
            check("run/get of an interrupted run has no output",
                  result_of(details)["status"] == "interrupted" and result_of(details)["output"] is None, details)
            response = client.request("run/events", {"runId": second, "afterSeq": 0, "follow": True})
            check("a follow of an interrupted run replays it and ends",
                  (result_of(response) or {}).get("status") == "interrupted", response)
        finally:
            if other.proc.poll() is None:
                other.proc.kill()
            other.close()

    def shutdown():
        response = client.request("shutdown")
        check("shutdown answers null", "result" in response and response["result"] is None, response)
        response = client.request("agents/list")
        check("after shutdown, requests are -32003", error_of(response).get("code") == -32003, response)
        check("after shutdown, ping still answers", result_of(client.request("ping")) == {}, "")
        client.notify("exit")
        try:
            status = client.proc.wait(10)
        except subprocess.TimeoutExpired:
            status = None
        check("exit after shutdown ends the process with status 0", status == 0, status)

    for name, body in (
        ("initialize and listing", initialize), ("agent runs", agent_runs), ("workflows", workflows),
        ("tools and permission requests", tools), ("stored runs", stored_runs), ("cancellation", cancels),
        ("sessions", sessions), ("statistics and metrics", statistics), ("errors", errors),
        ("workflow failures", workflow_failures), ("runs of another process", other_process),
        ("every stored run read back", every_stored_run), ("shutdown", shutdown),
    ):
        scenario(name, body)


def limits_session(client):
    """Admission limits, in Content-Length framing: one run at a time, two runs a minute."""
    def body():
        response = client.request("initialize", {})
        check("[content-length] initialize reports the framing",
              result_of(response)["capabilities"]["framing"] == "content-length", response)
        run_id = result_of(client.request("agent/start", {"agent": "echo-slow", "input": SLOW_WORDS}))["runId"]
        response = client.request("agent/run", {"agent": "echo", "input": "one more"})
        check("[content-length] beyond maxConcurrentRuns is -32007", error_of(response).get("code") == -32007,
              response)
        client.request("run/cancel", {"runId": run_id})
        deadline = time.monotonic() + TIMEOUT
        while result_of(client.request("run/status", {"runId": run_id}))["status"] == "running":
            if time.monotonic() > deadline:
                raise TimeoutError("the cancelled run never ended")
            time.sleep(0.05)
        response = client.request("agent/run", {"agent": "echo", "input": "second run"})
        check("[content-length] a second run in the minute is admitted", result_of(response), response)
        response = client.request("agent/run", {"agent": "echo", "input": "third run"})
        check("[content-length] beyond requestsPerMinute is -32006 with retryAfterMs",
              error_of(response).get("code") == -32006 and error_of(response).get("data", {}).get("retryAfterMs"),
              response)
    scenario("admission limits", body)
    status = client.close()
    check("[content-length] end of input ends the process with status 0", status == 0, status)


def main():
    document = OpenRPCDocument(OPENRPC)
    validator = FrameValidator(document)
    print(f"Native conformance: {OPENRPC} (OpenRPC {document.doc.get('openrpc')}, "
          f"{len(document.methods)} methods)", flush=True)
    problems = validator.document_examples()
    check("the document's examples validate against its schemas", not problems, problems[:5])

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="agentwire-conformance-") as scratch, FakeModelServer() as model:
        env = dict(os.environ, XDG_STATE_HOME=os.path.join(scratch, "state"),
                   XDG_CONFIG_HOME=os.path.join(scratch, "config"))
        store_path = os.path.join(scratch, "state", "agentwire", "agentwire.sqlite")
        config = {
            "tools": {"weather": tool_config(python, "ask"), "launch": tool_config(python, "deny")},
            "agents": {
                "forecaster": {"provider": {"type": "openai", "baseURL": model.base_url, "model": "tool-caller",
                                            "tools": ["weather"], "toolChoice": "weather", "retries": 0,
                                            "timeoutSeconds": 10, "maxTurns": 3}},
                "guarded": {"provider": {"type": "openai", "baseURL": model.base_url, "model": "tool-caller",
                                         "tools": ["launch"], "toolChoice": "launch", "retries": 0,
                                         "timeoutSeconds": 10, "maxTurns": 3}},
                "unreachable": {"provider": {"type": "openai", "baseURL": "http://127.0.0.1:1/v1", "model": "none",
                                             "retries": 0, "timeoutSeconds": 0.5}},
                "broken-model": {"provider": {"type": "openai", "baseURL": model.base_url, "model": "http-500",
                                              "retries": 0, "timeoutSeconds": 10}},
                "failing": {"description": "Writes a little, then fails",
                            "provider": {"type": "command", "argv": [python, "-c", (
                                "import sys; sys.stdout.write('partial '); sys.stdout.flush(); "
                                "sys.stderr.write('boom\\n'); sys.exit(3)")]}},
                "quiet": {"description": "Says nothing for a long time",
                          "provider": {"type": "command", "argv": [python, "-c", "import time; time.sleep(30)"]}},
            },
            "limits": {"heartbeatSeconds": 0.1, "staleAfterSeconds": 2},
        }
        config_path = os.path.join(scratch, "agentwire.json")
        with open(config_path, "w") as file:
            json.dump(config, file)
        limits_path = os.path.join(scratch, "limits.json")
        with open(limits_path, "w") as file:
            json.dump({"limits": {"maxConcurrentRuns": 1, "requestsPerMinute": 2}}, file)

        main_client = NativeClient("main", [
            BINARY, "serve", "--config", config_path, "--max-message-bytes", str(MAX_MESSAGE_BYTES),
            "--log-level", "warning"], env, validator, scratch)
        others = []

        def spawn_other():
            others.append(NativeClient(f"other-{len(others) + 1}", [
                BINARY, "serve", "--config", config_path, "--log-level", "warning"], env, validator, scratch))
            return others[-1]

        main_session(main_client, store_path, document, spawn_other)
        main_client.close()
        limits_client = NativeClient("limits", [
            BINARY, "serve", "--config", limits_path, "--store", "memory", "--log-level", "warning"],
            env, validator, scratch, framing="content-length")
        limits_session(limits_client)
        clients = [main_client, *others, limits_client]

        for client in clients:
            check(f"[{client.name}] every frame is JSON", not client.unparsed, client.unparsed[:3])
        if checks.failures:
            for client in clients:
                print(f"--- {client.name} stderr (last lines)\n{client.stderr_tail()}", flush=True)

    validator.report(checks, strict_members=STRICT_MEMBERS)
    coverage(document, validator, clients)
    sys.exit(checks.finish())


def coverage(document, validator, clients):
    notified = set()
    for client in clients:
        notified |= client.sent_notifications
    requests = document.methods_tagged("client-request")
    missing = [m for m in requests if validator.results[m] == 0]
    check(f"every request method of the document was answered with a result ({len(requests)})", not missing,
          f"never answered with a result: {missing}")
    unsent = [m for m in document.methods_tagged("client-notification") if m not in notified]
    check("every client notification of the document was sent", not unsent, unsent)
    server_notifications = document.methods_tagged("server-notification")
    unseen = [m for m in server_notifications if validator.notifications[m] == 0]
    check(f"every server notification of the document was sent by the server ({len(server_notifications)})",
          not unseen, f"never seen: {unseen}")
    server_requests = document.methods_tagged("server-request")
    unseen = [m for m in server_requests if validator.server_requests[m] == 0]
    check(f"every server request of the document was sent by the server ({len(server_requests)})",
          not unseen, f"never seen: {unseen}")
    codes = sorted(document.document_codes() | {-32700, -32600, -32601, -32602, -32603})
    unseen = [code for code in codes if validator.error_codes[code] == 0]
    check(f"an error of every code the document lists was produced ({len(codes)})", not unseen,
          f"never produced: {unseen}")
    untagged = [name for name, (_, method) in document.methods.items()
                if len(document.tags(method) & {"client-request", "client-notification", "server-notification",
                                                "server-request"}) != 1]
    check("every method of the document has one direction tag", not untagged, untagged)


main()
