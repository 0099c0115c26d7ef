"""The connection to one agentwire process: spawning it, writing requests, reading its output, routing
replies to calls and run notifications to streams, answering its requests, and ending it.

Reading is built for throughput: the process's stdout arrives in chunks through an asyncio subprocess
protocol (no reader task, no per-line await); each chunk is decoded once and cut into lines by one regular
expression that also picks apart `run/token` lines, whose params the server sends in a documented order, so
a token costs no JSON parsing. Other lines go through the C JSON scanner. Events are appended to the
stream's deque and the stream's consumer is woken once per chunk, not once per event.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import inspect
import itertools
import json
import logging
import os
import re
import shutil
import sys
from typing import Any, Awaitable, Callable, Mapping, Sequence, Union

from ._errors import AgentWireError, BinaryNotFound, ConnectionClosed, ProcessExited, error_from_wire
from ._generated import (
    EVENT_TYPES,
    METHOD_PARAMS,
    PROTOCOL_VERSION,
    SCHEMA_VERSION,
    STREAM_OPTIONS,
    AgentInfo,
    AgentRunResult,
    InitializeResult,
    PermissionOption,
    PermissionRequest,
    RequestCancelled,
    RunCancelResult,
    RunDetails,
    RunEvent,
    RunEventsFollowResult,
    RunInfo,
    RunStartResult,
    RunToken,
    SessionNewResult,
    WorkflowInfo,
    WorkflowRunResult,
)

__all__ = ["connect", "AgentWire", "RunStream", "Session", "PermissionHandler"]

log = logging.getLogger("agentwire")
server_log = logging.getLogger("agentwire.server")

PermissionAnswer = Union[bool, str, None, PermissionOption, Mapping[str, Any]]
PermissionHandler = Callable[[PermissionRequest], Union[PermissionAnswer, Awaitable[PermissionAnswer]]]
"""`on_permission(request)`: return (or await) True / "allow_once", "allow_always", False / None / "reject",
a `PermissionOption` of `request.options`, or the result object itself (`{"optionId": ...}`)."""

STDERR_TAIL_BYTES = 64 * 1024
# A stream whose consumer falls this many events behind pauses reading the process's output (the server
# then pauses its runs: nothing is lost), unless some call or stream is waiting for what comes next (else it
# could wait forever). Reading resumes when a consumer catches up below LOW_WATER or anyone starts waiting.
HIGH_WATER = 32 * 1024
LOW_WATER = 4 * 1024
PIPE_SIZE = 1024 * 1024  # F_SETPIPE_SZ on the stdout pipe: fewer, larger reads (Linux; best effort)
INITIALIZE_TIMEOUT = 30.0
CLOSE_TIMEOUT = 5.0

# The fast path: a `run/token` line exactly as the server writes it (members in the documented order, no
# escapes in any string), else any other line. Either way one match is one line.
_LINE = re.compile(
    r'\{"jsonrpc":"2\.0","method":"run/token","params":\{"runId":"([^"\\\n]+)","seq":(\d+),'
    r'"agent":"([^"\\\n]*)","stepId":"([^"\\\n]*)","text":"([^"\\\n]*)"\}\}\n'
    r"|([^\n]*)\n"
)
_find_lines = _LINE.findall
_scan = json.JSONDecoder().scan_once  # the C scanner: no whitespace regexes around it, as json.loads has
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# The fast path builds tokens positionally; fail at import, not silently, if the generated order changes.
if tuple(f.name for f in dataclasses.fields(RunToken)) != ("run_id", "seq", "agent", "step_id", "text"):
    raise ImportError("agentwire: RunToken's generated fields are not (run_id, seq, agent, step_id, text)")

_QUIET_STREAM = {"tokens": False, "thinking": False, "steps": False, "progress": False, "heartbeat": False}


def _camel(key: str) -> str:
    """`timeout_ms` -> `timeoutMs`; camelCase keys and `_meta` are left as they are."""
    if key.startswith("_") or "_" not in key:
        return key
    first, *rest = key.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def _stream_options(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"stream must be a mapping of stream options, not {type(value).__name__}")
    return {_camel(k): v for k, v in value.items() if v is not None}


def build_params(method: str, params: Mapping[str, Any] | None, options: Mapping[str, Any]) -> dict[str, Any]:
    """The params of `method` from fixed params and keyword options: snake_case becomes camelCase; an option
    that is a member of `StreamOptions` (`token_coalesce_ms`, `tokens`, ...) and not a param of the method
    goes into `stream`; None means "leave out". Anything else is sent as it is: the server answers a param
    the method does not declare with -32602 (`InvalidParams`, `field` naming it)."""
    out = dict(params or {})
    declared = METHOD_PARAMS.get(method, ())
    stream = _stream_options(out.pop("stream")) if out.get("stream") is not None else {}
    for key, value in options.items():
        if value is None:
            continue
        if key == "stream":
            stream.update(_stream_options(value))
            continue
        wire = _camel(key)
        if wire == "budget" and isinstance(value, Mapping):
            value = {_camel(k): v for k, v in value.items() if v is not None}  # max_cost_usd -> maxCostUsd
        if wire in declared or wire not in STREAM_OPTIONS:
            out[wire] = value
        else:
            stream[wire] = value
    if stream:
        out["stream"] = stream
    return out


def find_binary(binary: str | os.PathLike | None = None) -> str:
    """The agentwire binary: `binary`, else `$AGENTWIRE_BIN`, else `agentwire` on `PATH`."""
    for candidate, origin in ((binary, "the binary argument"), (os.environ.get("AGENTWIRE_BIN"), "$AGENTWIRE_BIN")):
        if candidate:
            path = os.fspath(candidate)
            found = shutil.which(path) if os.sep not in path else (path if os.access(path, os.X_OK) else None)
            if not found:
                raise BinaryNotFound(f"{origin} is {path!r}, which is not an executable file")
            return found
    found = shutil.which("agentwire")
    if not found:
        raise BinaryNotFound("no agentwire binary: pass connect(binary=...), set $AGENTWIRE_BIN, or put agentwire "
                             "on PATH (bash scripts/install.sh)")
    return found


# MARK: Runs and their streams


class _SeqDedup(collections.deque):
    """The buffer of a follow: drops events it already has (a run this connection started and also follows
    arrives twice)."""

    __slots__ = ("last",)

    def __init__(self):
        super().__init__()
        self.last = 0

    def append(self, event):
        seq = getattr(event, "seq", None)
        if seq is not None:
            if seq <= self.last:
                return
            self.last = seq
        super().append(event)


class _Run:
    """The routing state of one streamed request: the events waiting for the consumer and how it ended."""

    __slots__ = ("buf", "waiter", "done", "error", "result", "run_id", "request_id", "closed", "result_type",
                 "cancel_sent")

    def __init__(self, request_id: Any, result_type: Any, buf: collections.deque | None = None):
        self.buf = collections.deque() if buf is None else buf
        self.waiter: asyncio.Future | None = None
        self.done = False  # the reply (or the connection's end) arrived
        self.error: BaseException | None = None
        self.result: Any = None
        self.run_id: str | None = None
        self.request_id = request_id
        self.closed = False  # the consumer is gone; events are dropped
        self.result_type = result_type
        self.cancel_sent = False

    def wake(self) -> None:
        waiter = self.waiter
        self.waiter = None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class RunStream:
    """An async iterator over one run's events, ending with its result.

    Items are the generated event dataclasses (`RunStarted`, `RunStep`, `RunToken`, `RunThinking`,
    `RunProgress`, `RunHeartbeat`, `RunTool`, `RunTrace`) in the order the server sent them, then the
    `RunResult` (`AgentRunResult` or `WorkflowRunResult`; a follow ends with a `RunEventsFollowResult`). An
    error reply is raised once the events before it have been yielded.

    The request is sent when iteration starts. Leaving the loop early (`break`, an exception, or the task
    being cancelled) cancels the run (`$/cancelRequest`); `await stream.aclose()` or `async with` also waits
    until the server has answered, so the run has stopped.
    """

    __slots__ = ("_conn", "_method", "_params", "_result_type", "_st", "_params_factory", "_follow_run",
                 "__weakref__")

    def __init__(self, conn: AgentWire, method: str, params: dict[str, Any] | None, result_type: Any, *,
                 params_factory: Callable[[], Awaitable[dict[str, Any]]] | None = None,
                 follow_run: str | None = None):
        self._conn = conn
        self._method = method
        self._params = params
        self._result_type = result_type
        self._params_factory = params_factory
        self._follow_run = follow_run
        self._st: _Run | None = None

    # What is known so far.

    @property
    def run_id(self) -> str | None:
        """The run's id, once `run/started` has arrived (at once for a follow)."""
        return self._st.run_id if self._st is not None else None

    @property
    def request_id(self) -> int | None:
        """The id of the request that started the run, once it was sent."""
        return self._st.request_id if self._st is not None else None

    @property
    def result(self) -> Any:
        """The run's result once it arrived (None before, or if it ended with an error)."""
        return self._st.result if self._st is not None else None

    # Iteration.

    def __aiter__(self) -> RunStream:
        return self

    async def __anext__(self) -> Any:
        st = self._st
        if st is None:
            st = await self._start()
        buf = st.buf
        while True:
            if buf:
                event = buf.popleft()
                if self._conn._paused and len(buf) < LOW_WATER:
                    self._conn._resume_reading()
                return event
            if st.done:
                error = st.error
                if error is not None and not st.closed:
                    st.closed = True
                    raise error
                st.closed = True
                raise StopAsyncIteration
            if st.closed:
                raise StopAsyncIteration
            conn = self._conn
            if conn._paused:
                conn._resume_reading()
            waiter = st.waiter = conn._loop.create_future()
            conn._waiting += 1
            try:
                await waiter
            except asyncio.CancelledError:
                self._abandon()
                raise
            finally:
                conn._waiting -= 1

    async def _start(self) -> _Run:
        conn = self._conn
        conn._check_open()
        params = self._params
        if self._params_factory is not None:
            params = await self._params_factory()
        if self._st is not None:  # started meanwhile by a concurrent __anext__
            return self._st
        request_id = next(conn._ids)
        if self._follow_run is not None:
            if self._follow_run in conn._routes:
                raise AgentWireError(f"run {self._follow_run} is already streaming on this connection")
            st = _Run(request_id, self._result_type, _SeqDedup())
            st.run_id = self._follow_run
            conn._routes[self._follow_run] = st
        else:
            st = _Run(request_id, self._result_type)
            conn._by_request[request_id] = st
        conn._streams[request_id] = st
        self._st = st
        conn._send_request(request_id, self._method, params)
        return st

    def _abandon(self) -> None:
        """Stop delivering events and cancel the run (synchronously: a write to the pipe)."""
        st = self._st
        if st is None or st.closed:
            return
        st.closed = True
        st.buf.clear()
        conn = self._conn
        if st.run_id is not None and conn._routes.get(st.run_id) is st:
            del conn._routes[st.run_id]
        conn._by_request.pop(st.request_id, None)
        if not st.done and not st.cancel_sent and conn._alive():
            st.cancel_sent = True
            try:
                conn._send_notification("$/cancelRequest", {"id": st.request_id})
            except Exception:  # the pipe is gone: the run is gone with the process
                pass

    async def aclose(self, timeout: float = 10.0) -> None:
        """Cancel the run if it is still going and wait (up to `timeout` s) for the server's answer."""
        st = self._st
        if st is None:
            self._st = _Run(None, None)
            self._st.closed = self._st.done = True
            return
        self._abandon()
        if st.done:
            return
        deadline = self._conn._loop.time() + timeout
        while not st.done:
            remaining = deadline - self._conn._loop.time()
            if remaining <= 0:
                return
            waiter = st.waiter = self._conn._loop.create_future()
            try:
                await asyncio.wait_for(waiter, remaining)
            except asyncio.TimeoutError:
                return

    async def __aenter__(self) -> RunStream:
        if self._st is None:
            await self._start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.aclose()

    def __del__(self) -> None:
        st = self._st
        if st is not None and not st.done and not st.closed:
            try:
                self._abandon()
            except Exception:
                pass

    async def collect(self) -> tuple[list[RunEvent], Any]:
        """Iterate to the end: (every event, the result)."""
        events = []
        result = None
        async for item in self:
            if isinstance(item, RunEvent):
                events.append(item)
            else:
                result = item
        return events, result


# MARK: Sessions


class Session:
    """A conversation with one agent (`session/new`, then `session/prompt` turns with the earlier turns as
    history). Created on first use; `async with` closes it (`session/close`) at the end. Sessions outlive
    the process: pass `session_id` to continue one."""

    def __init__(self, conn: AgentWire, agent: str, session_id: str | None = None):
        self._conn = conn
        self.agent = agent
        self.id: str | None = session_id
        self.warnings: list[str] | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> str:
        """Create the session now (it is created by the first prompt otherwise); its id."""
        async with self._lock:
            if self.id is None:
                created = SessionNewResult.from_dict(await self._conn.request("session/new", {"agent": self.agent}))
                self.id = created.session_id
                self.warnings = created.warnings
        return self.id

    async def prompt(self, input: str, **options: Any) -> AgentRunResult:
        """One turn: the agent's answer to `input`, with the session's earlier turns as history."""
        session_id = self.id or await self.start()
        return await self._conn._run_request(
            "session/prompt", {"sessionId": session_id, "input": input}, options, AgentRunResult)

    def stream(self, input: str, **options: Any) -> RunStream:
        """One turn, streamed like `AgentWire.stream`."""
        async def params() -> dict[str, Any]:
            session_id = self.id or await self.start()
            return build_params("session/prompt", {"sessionId": session_id, "input": input}, options)
        return RunStream(self._conn, "session/prompt", None, AgentRunResult, params_factory=params)

    async def close(self) -> None:
        """Forget the session on the server (`session/close`)."""
        if self.id is not None and self._conn._alive():
            await self._conn.request("session/close", {"sessionId": self.id})

    async def __aenter__(self) -> Session:
        await self.start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()


# MARK: The process


class _Protocol(asyncio.SubprocessProtocol):
    def __init__(self, conn: AgentWire):
        self.conn = conn

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        if fd == 1:
            self.conn._on_stdout(data)
        else:
            self.conn._on_stderr(data)

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if fd == 1:
            self.conn._on_stdout_eof()
        elif fd == 2:
            self.conn._on_stderr_eof()

    def process_exited(self) -> None:
        self.conn._on_process_exited()


class AgentWire:
    """A connection to one agentwire process (made by `connect()`). Many calls and streams may be in flight
    at once; replies are routed by request id, run notifications by run id."""

    def __init__(self, *, on_permission: PermissionHandler | None = None):
        self._loop = asyncio.get_running_loop()
        self._on_permission = on_permission
        self._ids = itertools.count(1)
        self._pending: dict[Any, asyncio.Future] = {}  # request id -> future of a plain call
        self._streams: dict[Any, _Run] = {}  # request id -> streamed run
        self._by_request: dict[Any, _Run] = {}  # request id -> run whose run/started has not come yet
        self._routes: dict[str, _Run] = {}  # run id -> streamed run
        self._sizes: dict[Any, int] = {}  # request id -> bytes sent, while pending
        self._partial: list[bytes] = []
        self._stderr = bytearray()
        self._stderr_line = bytearray()
        self._transport: asyncio.SubprocessTransport | None = None
        self._stdin: asyncio.WriteTransport | None = None
        self._stdout: asyncio.ReadTransport | None = None
        self._paused = False
        self._waiting = 0
        self._stdout_eof = False
        self._stderr_eof = False
        self._returncode: int | None = None
        self._exited = self._loop.create_future()
        self._finished = False
        self._finish_timer: asyncio.TimerHandle | None = None
        self._error: AgentWireError | None = None  # set once the connection cannot be used any more
        self._closing = False
        self._tasks: set[asyncio.Task] = set()
        self.argv: list[str] = []
        self.server: InitializeResult | None = None

    # MARK: Starting and ending

    @classmethod
    async def _spawn(cls, binary, config, store, args, env, on_permission, stream) -> AgentWire:
        argv = [find_binary(binary), "serve"]
        if store is not None:
            argv += ["--store", os.fspath(store)]
        if config is not None:
            argv += ["--config", os.fspath(config)]
        argv += [os.fspath(a) if isinstance(a, os.PathLike) else str(a) for a in args]
        environment = dict(os.environ)
        environment.update({k: str(v) for k, v in (env or {}).items()})
        conn = cls(on_permission=on_permission)
        conn.argv = argv
        transport, _ = await conn._loop.subprocess_exec(
            lambda: _Protocol(conn), *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=environment)
        conn._transport = transport
        conn._stdin = transport.get_pipe_transport(0)
        conn._stdout = transport.get_pipe_transport(1)
        conn._grow_pipe()
        try:
            params: dict[str, Any] = {"protocolVersion": PROTOCOL_VERSION,
                                      "clientInfo": {"name": "agentwire-python", "version": SCHEMA_VERSION}}
            if stream:
                params["stream"] = _stream_options(stream)
            result = await asyncio.wait_for(conn.request("initialize", params), INITIALIZE_TIMEOUT)
            conn.server = InitializeResult.from_dict(result)
            conn._send_notification("initialized", {})
        except BaseException as error:
            await conn._kill()
            if isinstance(error, asyncio.TimeoutError):
                raise AgentWireError(f"{argv[0]} did not answer initialize within {INITIALIZE_TIMEOUT:.0f} s; "
                                     f"stderr: {conn.stderr_tail.strip() or '(nothing)'}") from None
            raise
        return conn

    def _grow_pipe(self) -> None:
        if sys.platform != "linux" or self._stdout is None:
            return
        try:
            import fcntl
            fd = self._stdout.get_extra_info("pipe").fileno()
            fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)
            self._stdout.max_size = PIPE_SIZE  # read as much as the pipe holds at once
        except (OSError, AttributeError, ValueError):
            pass

    async def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """End the process: cancel the runs this client is streaming, `shutdown`, `exit`, close its input and
        wait for it to exit (then terminate or kill it if it does not). Calls still pending fail with
        `ConnectionClosed`. Idempotent."""
        if self._closing:
            await asyncio.shield(self._exited)
            return
        self._closing = True
        try:
            if self._alive():
                for st in list(self._streams.values()):
                    if not st.done and not st.closed and not st.cancel_sent:
                        st.cancel_sent = True
                        self._send_notification("$/cancelRequest", {"id": st.request_id})
                try:
                    await self._request("shutdown", None, timeout)
                except (AgentWireError, asyncio.TimeoutError):
                    pass
                if self._alive():
                    self._send_notification("exit")
                    self._stdin.close()
            try:
                await asyncio.wait_for(asyncio.shield(self._exited), timeout)
            except asyncio.TimeoutError:
                log.warning("agentwire (pid %s) did not exit %.0f s after exit; terminating it", self.pid, timeout)
                await self._kill()
        finally:
            self._fail_all(ConnectionClosed("the connection to agentwire was closed"))
            if self._transport is not None:
                self._transport.close()

    async def _kill(self) -> None:
        if self._transport is None:
            return
        for signal_it in (self._transport.terminate, self._transport.kill):
            if self._exited.done():
                break
            try:
                signal_it()
            except ProcessLookupError:
                break
            try:
                await asyncio.wait_for(asyncio.shield(self._exited), 2.0)
            except asyncio.TimeoutError:
                continue
        self._transport.close()

    # MARK: Process state

    @property
    def pid(self) -> int | None:
        """The process id of agentwire."""
        return self._transport.get_pid() if self._transport is not None else None

    @property
    def returncode(self) -> int | None:
        """Its exit status once it has exited (and was reaped), else None."""
        return self._returncode

    @property
    def stderr_tail(self) -> str:
        """The end of what the process wrote on stderr (its logs; at most 64 KiB)."""
        return self._stderr.decode("utf-8", "replace")

    @property
    def closed(self) -> bool:
        """Whether the connection can no longer be used (closed, or the process has gone)."""
        return self._error is not None or self._closing

    def _alive(self) -> bool:
        return self._error is None and not self._stdout_eof and self._returncode is None

    def _check_open(self) -> None:
        if self._error is not None:
            raise self._error
        if self._closing:
            raise ConnectionClosed("the connection to agentwire is closing")

    def _on_stderr(self, data: bytes) -> None:
        self._stderr += data
        if len(self._stderr) > STDERR_TAIL_BYTES:
            del self._stderr[:len(self._stderr) - STDERR_TAIL_BYTES]
        if server_log.isEnabledFor(logging.DEBUG):
            self._stderr_line += data
            *lines, rest = self._stderr_line.split(b"\n")
            self._stderr_line = bytearray(rest)
            for line in lines:
                server_log.debug("%s", line.decode("utf-8", "replace"))

    def _on_stderr_eof(self) -> None:
        self._stderr_eof = True
        self._maybe_finish()

    def _on_stdout_eof(self) -> None:
        self._stdout_eof = True
        if self._partial:  # a last line without its newline
            self._on_text(b"".join(self._partial).decode("utf-8", "replace") + "\n")
            self._partial = []
        self._maybe_finish()

    def _on_process_exited(self) -> None:
        self._returncode = self._transport.get_returncode() if self._transport is not None else None
        if not self._exited.done():
            self._exited.set_result(self._returncode)
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        """Once the output has ended and the process has exited, fail what is pending (after stderr has ended
        too, or 200 ms, so that the error carries the process's last words)."""
        if self._finished or not self._stdout_eof or self._returncode is None:
            return
        if not self._stderr_eof and self._finish_timer is None:
            self._finish_timer = self._loop.call_later(0.2, self._finish)
            return
        self._finish()

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        if self._finish_timer is not None:
            self._finish_timer.cancel()
        if self._closing:
            error: AgentWireError = ConnectionClosed("the connection to agentwire was closed")
        else:
            error = ProcessExited(self._returncode, self.stderr_tail[-8192:])
            log.warning("agentwire (pid %s) exited unexpectedly with status %s", self.pid, self._returncode)
        self._fail_all(error)

    def _fail_all(self, error: AgentWireError) -> None:
        if self._error is None:
            self._error = error
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(error)
        streams, self._streams = self._streams, {}
        for st in streams.values():
            if not st.done:
                st.done = True
                st.error = error
                st.wake()
        self._routes.clear()
        self._by_request.clear()
        self._sizes.clear()

    # MARK: Writing

    def _write(self, message: dict[str, Any]) -> int:
        if self._stdin is None or self._stdin.is_closing():
            raise self._error or ConnectionClosed("agentwire's input is closed")
        payload = (_dumps(message) + "\n").encode("utf-8")
        self._stdin.write(payload)
        return len(payload) - 1

    def _send_request(self, request_id: Any, method: str, params: Any) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        if self._paused:
            self._resume_reading()
        # The size of every pending request, to tell which one a -32002 "message too large" is about: the
        # server skips such a message unread, so its error reply has id null and the size.
        self._sizes[request_id] = self._write(message)

    def _send_notification(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._write(message)

    # MARK: Reading

    def _on_stdout(self, data: bytes) -> None:
        end = data.rfind(b"\n") + 1
        if not end:
            self._partial.append(data)
            return
        if self._partial:
            self._partial.append(data[:end])
            block = b"".join(self._partial)
            self._partial = []
        else:
            block = data if end == len(data) else data[:end]
        if end != len(data):
            self._partial.append(data[end:])
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            text = block.decode("utf-8", "replace")
        self._on_text(text)

    def _on_text(self, text: str) -> None:
        routes = self._routes
        token = RunToken
        for run_id, seq, agent, step_id, token_text, other in _find_lines(text):
            if run_id:
                st = routes.get(run_id)
                if st is not None:
                    buf = st.buf
                    buf.append(token(run_id, int(seq), agent, step_id, token_text))
                    if st.waiter is not None:
                        st.wake()
                    elif len(buf) > HIGH_WATER and not self._paused:
                        self._maybe_pause()
            elif other:
                try:
                    self._on_line(other)
                except Exception:  # a bug here must not stop the reading of everything else
                    log.exception("agentwire: could not handle the line %.200s", other)

    def _on_line(self, line: str) -> None:
        try:
            message = _scan(line, 0)[0]
        except (StopIteration, ValueError):
            log.warning("agentwire: ignoring a line that is not JSON: %.200s", line)
            return
        if not isinstance(message, dict):
            log.warning("agentwire: ignoring an unexpected message: %.200s", line)
            return
        method = message.get("method")
        if method is None:
            self._on_response(message)
        elif "id" in message:
            self._on_server_request(message["id"], method, message.get("params"))
        else:
            self._on_notification(method, message.get("params"))

    def _on_notification(self, method: str, params: Any) -> None:
        if not isinstance(params, dict):
            return
        run_id = params.get("runId")
        if method == "run/started" and run_id not in self._routes:
            # A run this client streams announces itself with the id of the request that started it. (A run
            # being followed is routed already: its replayed run/started names another connection's request.)
            st = self._by_request.pop(params.get("requestId"), None)
            if st is not None and not st.closed and run_id is not None:
                st.run_id = run_id
                self._routes[run_id] = st
        st = self._routes.get(run_id)
        if st is None:
            return  # a run nobody streams here (agent/run through request(), agent/start)
        cls = EVENT_TYPES.get(method)
        if cls is None:
            log.debug("agentwire: ignoring the unknown notification %s", method)
            return
        st.buf.append(cls.from_dict(params))
        if st.waiter is not None:
            st.wake()

    def _on_response(self, message: dict[str, Any]) -> None:
        request_id = message.get("id")
        if request_id is None:
            request_id = self._too_large_request(message.get("error"))
        self._sizes.pop(request_id, None)
        st = self._streams.pop(request_id, None)
        if st is not None:
            self._by_request.pop(request_id, None)
            if st.run_id is not None and self._routes.get(st.run_id) is st:
                del self._routes[st.run_id]
            st.done = True
            if "error" in message:
                error = error_from_wire(message["error"])
                if not st.closed or not (isinstance(error, RequestCancelled) and st.cancel_sent):
                    st.error = error
            else:
                result = message.get("result")
                st.result = st.result_type.from_dict(result) if st.result_type and isinstance(result, dict) \
                    else result
                if not st.closed:
                    st.buf.append(st.result)
            st.wake()
            return
        future = self._pending.pop(request_id, None)
        if future is None or future.done():
            if request_id is None and "error" in message:
                log.warning("agentwire answered a message it could not read: %s", message["error"])
            return
        if "error" in message:
            future.set_exception(error_from_wire(message["error"]))
        else:
            future.set_result(message.get("result"))

    def _too_large_request(self, error: Any) -> Any:
        """The pending request a -32002 with id null is about: the first one of the size it reports."""
        if isinstance(error, dict) and error.get("code") == -32002 and isinstance(error.get("data"), dict):
            size = error["data"].get("size")
            for request_id, sent in self._sizes.items():
                if sent == size:
                    return request_id
        return None

    def _maybe_pause(self) -> None:
        """A consumer is HIGH_WATER events behind: stop reading, unless a call is waiting for its reply."""
        if self._waiting or self._pending or self._stdout is None or self._stdout_eof:
            return
        self._paused = True
        self._stdout.pause_reading()

    def _resume_reading(self) -> None:
        if self._paused:
            self._paused = False
            if self._stdout is not None and not self._stdout_eof:
                self._stdout.resume_reading()

    # MARK: Requests from the server

    def _on_server_request(self, request_id: Any, method: str, params: Any) -> None:
        if method == "permission/request" and isinstance(params, dict):
            task = self._loop.create_task(self._answer_permission(request_id, params))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        self._reply_error(request_id, -32601, f"Method not found: {method} (agentwire-python does not serve it)",
                          {"method": method})

    async def _answer_permission(self, request_id: Any, params: dict[str, Any]) -> None:
        request = PermissionRequest.from_dict(params)
        handler = self._on_permission
        try:
            if handler is None:
                log.warning("agentwire: denied %s's call of the tool %r (run %s): no on_permission handler was "
                            "given to connect()", request.agent, request.tool, request.run_id)
                answer: Any = "reject"
            else:
                answer = handler(request)
                if inspect.isawaitable(answer):
                    answer = await answer
            result = _permission_result(answer)
        except Exception as error:
            log.exception("agentwire: the on_permission handler failed; the tool call is rejected")
            self._reply_error(request_id, -32603, f"the client's permission handler failed: {error}")
            return
        if self._alive():
            self._write({"jsonrpc": "2.0", "id": request_id, "result": result})

    def _reply_error(self, request_id: Any, code: int, message: str, data: Any = None) -> None:
        if not self._alive():
            return
        error: dict[str, Any] = {"code": code, "message": message}
        if data is not None:
            error["data"] = data
        self._write({"jsonrpc": "2.0", "id": request_id, "error": error})

    # MARK: The API

    async def request(self, method: str, params: Any = None, *, timeout: float | None = None) -> Any:
        """Send any request and return its raw result (a JSON value); an error reply raises the class of its
        code. Cancelling the caller sends `$/cancelRequest`."""
        self._check_open()
        return await self._request(method, params, timeout)

    async def _request(self, method: str, params: Any = None, timeout: float | None = None) -> Any:
        if self._error is not None:
            raise self._error
        request_id = next(self._ids)
        future = self._loop.create_future()
        self._pending[request_id] = future
        try:
            self._send_request(request_id, method, params)
        except BaseException:
            self._pending.pop(request_id, None)
            raise
        try:
            if timeout is None:
                return await future
            return await asyncio.wait_for(future, timeout)
        except (asyncio.CancelledError, asyncio.TimeoutError):
            self._sizes.pop(request_id, None)
            if self._pending.pop(request_id, None) is not None and self._alive():
                self._send_notification("$/cancelRequest", {"id": request_id})
            raise

    def notify(self, method: str, params: Any = None) -> None:
        """Send a notification (no reply), e.g. `$/cancelRequest`."""
        self._check_open()
        self._send_notification(method, params)

    def stream(self, agent: str, input: str, **options: Any) -> RunStream:
        """Stream a run of `agent` on `input` (`agent/run`): its events, then its `AgentRunResult`.

        Options are the params of `agent/run` in snake_case (`timeout_ms=5000`) and stream options
        (`token_coalesce_ms=16`, `thinking=False`, `traces=True`, or `stream={...}`)."""
        params = build_params("agent/run", {"agent": agent, "input": input}, options)
        return RunStream(self, "agent/run", params, AgentRunResult)

    def stream_workflow(self, workflow: str, input: str, **options: Any) -> RunStream:
        """Stream a run of a configured workflow (`workflow/run`): its events, then its `WorkflowRunResult`."""
        params = build_params("workflow/run", {"workflow": workflow, "input": input}, options)
        return RunStream(self, "workflow/run", params, WorkflowRunResult)

    def stream_request(self, method: str, params: Mapping[str, Any] | None = None, **options: Any) -> RunStream:
        """Stream any run-starting request: `coordinator/sequential`, `coordinator/parallel`,
        `coordinator/hierarchical`, `session/prompt`, ... (keyword options as for `stream`)."""
        result_type = AgentRunResult if method in ("agent/run", "session/prompt") else WorkflowRunResult
        return RunStream(self, method, build_params(method, params, options), result_type)

    async def _run_request(self, method: str, params: dict[str, Any], options: Mapping[str, Any],
                           result_type: Any) -> Any:
        options = dict(options)
        # Only the result is wanted: ask for no notifications unless the caller chose some.
        stream = dict(_QUIET_STREAM)
        stream.update(_stream_options(options.pop("stream", None) or {}))
        for key in list(options):
            wire = _camel(key)
            if wire in STREAM_OPTIONS and wire not in METHOD_PARAMS.get(method, ()):
                stream[wire] = options.pop(key)
        result = await self.request(method, build_params(method, params, {**options, "stream": stream}))
        return result_type.from_dict(result)

    async def run(self, agent: str, input: str, **options: Any) -> AgentRunResult:
        """Run `agent` on `input` and return its result (options as for `stream`)."""
        return await self._run_request("agent/run", {"agent": agent, "input": input}, options, AgentRunResult)

    async def workflow(self, workflow: str, input: str, **options: Any) -> WorkflowRunResult:
        """Run a configured workflow and return its result."""
        return await self._run_request("workflow/run", {"workflow": workflow, "input": input}, options,
                                       WorkflowRunResult)

    async def resume(self, run_id: str, *, detach: bool = False,
                     **options: Any) -> AgentRunResult | WorkflowRunResult | RunStartResult:
        """Resume a failed, cancelled or interrupted run (`run/resume`): a new run that reuses the agent
        calls the original completed. Returns the new run's result, an `AgentRunResult` or a
        `WorkflowRunResult` as the original was (`force=True` resumes a workflow whose definition changed).
        With `detach=True` the server answers at once, as `start` does: the `RunStartResult` naming the new
        run (its `run_id`), which goes on by itself; `follow` or `get_run` it."""
        options = dict(options)
        stream = dict(_QUIET_STREAM)
        stream.update(_stream_options(options.pop("stream", None) or {}))
        params = build_params("run/resume", {"runId": run_id},
                              {**options, "detach": True if detach else None, "stream": stream})
        result = await self.request("run/resume", params)
        if detach:
            return RunStartResult.from_dict(result)
        return (WorkflowRunResult if "workflow" in result else AgentRunResult).from_dict(result)

    def session(self, agent: str, *, session_id: str | None = None) -> Session:
        """A conversation with `agent`: `await session.prompt(text)`; created on first use."""
        return Session(self, agent, session_id)

    async def agents(self) -> list[AgentInfo]:
        """The configured agents (`agents/list`)."""
        return [AgentInfo.from_dict(a) for a in (await self.request("agents/list"))["agents"]]

    async def workflows(self) -> list[WorkflowInfo]:
        """The configured workflows (`workflows/list`)."""
        return [WorkflowInfo.from_dict(w) for w in (await self.request("workflows/list"))["workflows"]]

    async def start(self, agent: str, input: str, **options: Any) -> str:
        """Start a run that goes on without a stream (`agent/start`); its run id. Follow it with `follow`."""
        result = await self._run_request("agent/start", {"agent": agent, "input": input}, options, RunStartResult)
        return result.run_id

    async def start_workflow(self, workflow: str, input: str, **options: Any) -> str:
        """Start a workflow run that goes on without a stream (`workflow/start`); its run id."""
        result = await self._run_request("workflow/start", {"workflow": workflow, "input": input}, options,
                                         RunStartResult)
        return result.run_id

    def follow(self, run_id: str, after_seq: int = 0) -> RunStream:
        """Replay a stored run's events after `after_seq`, then follow it live until it ends (`run/events` with
        `follow`): a run of this process, another process on the same store, or one that has ended. Ends with
        a `RunEventsFollowResult`."""
        return RunStream(self, "run/events", {"runId": run_id, "afterSeq": after_seq, "follow": True},
                         RunEventsFollowResult, follow_run=run_id)

    async def cancel(self, run_id: str) -> bool:
        """Cancel a run by id (`run/cancel`), in this process or another on the same store; whether one was."""
        return RunCancelResult.from_dict(await self.request("run/cancel", {"runId": run_id})).cancelled

    async def get_run(self, run_id: str) -> RunDetails:
        """Everything the run store keeps about a run (`run/get`)."""
        return RunDetails.from_dict(await self.request("run/get", {"runId": run_id}))

    async def run_status(self, run_id: str) -> RunInfo:
        """A run's status and timings (`run/status`)."""
        return RunInfo.from_dict(await self.request("run/status", {"runId": run_id}))

    async def __aenter__(self) -> AgentWire:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()


def _permission_result(answer: Any) -> dict[str, Any]:
    if answer is True:
        return {"optionId": "allow_once"}
    if answer is False or answer is None:
        return {"optionId": "reject"}
    if isinstance(answer, PermissionOption):
        return {"optionId": answer.option_id}
    if isinstance(answer, str):
        return {"optionId": answer}
    if isinstance(answer, Mapping):
        return dict(answer)
    raise TypeError(f"on_permission returned {answer!r}: return a bool, an option id, a PermissionOption or a dict")


class _Connect:
    """What `connect()` returns: `async with connect() as aw:` or `aw = await connect()`."""

    def __init__(self, *spawn_args):
        self._spawn_args = spawn_args
        self._conn: AgentWire | None = None

    def __await__(self):
        return AgentWire._spawn(*self._spawn_args).__await__()

    async def __aenter__(self) -> AgentWire:
        self._conn = await AgentWire._spawn(*self._spawn_args)
        return self._conn

    async def __aexit__(self, *exc_info) -> None:
        if self._conn is not None:
            await self._conn.close()


def connect(binary: str | os.PathLike | None = None, *, config: str | os.PathLike | None = None,
            store: str | os.PathLike | None = "memory", args: Sequence[Any] = (),
            env: Mapping[str, str] | None = None, on_permission: PermissionHandler | None = None,
            stream: Mapping[str, Any] | None = None) -> _Connect:
    """Spawn `agentwire serve` and connect to it: `async with agentwire.connect() as aw: ...`.

    - `binary`: the agentwire executable; default `$AGENTWIRE_BIN`, then `agentwire` on `PATH`.
    - `config`: a config file (`--config`); default: the server's own lookup (`./agentwire.json`, ...).
    - `store`: the run store (`--store`): `"memory"` (the default here), a SQLite path, or None for the
      server's default file.
    - `args`: more command-line arguments (`["--log-level", "debug"]`).
    - `env`: environment variables set for the process, over this process's environment.
    - `on_permission(request)`: answers the server's `permission/request` (sync or async); without it
      every tool call that asks is denied, with a warning logged.
    - `stream`: the connection's default stream options (`initialize`'s `stream`), e.g.
      `{"token_coalesce_ms": 16}`.

    Leaving the `async with` (or `await aw.close()`) sends `shutdown` and `exit` and waits for the process.
    """
    return _Connect(binary, config, store, args, env, on_permission, stream)
