"""The exception base class and the errors that come from the client side (not from a server reply).

One class per error code the server documents is generated from the OpenRPC document
(`agentwire._generated`, `ParseError` ... `ProviderFailure`); they all derive from `AgentWireError`.
"""

from __future__ import annotations

from typing import Any


class AgentWireError(Exception):
    """An error of AgentWire: a server's error reply (a subclass per code) or the client's own
    (`ProcessExited`, `BinaryNotFound`, `ConnectionClosed`).

    `code` and `data` are what to act on; `message` is a sentence for people and may change. The properties
    below read the members of `data` that most errors share (`ErrorData` in the OpenRPC document); they are
    None when the error has none.
    """

    code: int | None = None

    def __init__(self, message: str, code: int | None = None, data: Any = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.data: dict[str, Any] = data if isinstance(data, dict) else ({} if data is None else {"value": data})

    def __str__(self) -> str:
        return self.message if self.code is None else f"{self.message} ({self.code})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, data={self.data!r})"

    def __reduce__(self):
        return (_rebuild, (type(self), self.message, self.code, self.data))

    @property
    def run_id(self) -> str | None:
        """The run, when one had started (`data.runId`)."""
        return self.data.get("runId")

    @property
    def step_id(self) -> str | None:
        """The step that caused the error, where one did (`data.stepId`)."""
        return self.data.get("stepId")

    @property
    def retryable(self) -> bool | None:
        """Whether sending the same request again may succeed (`data.retryable`)."""
        return self.data.get("retryable")

    @property
    def suggestions(self) -> list[str] | None:
        """Short sentences a UI can show (`data.suggestions`)."""
        return self.data.get("suggestions")

    @property
    def partial_output(self) -> str | None:
        """Output produced before the error (`data.partialOutput`): output is never thrown away."""
        return self.data.get("partialOutput")


def _rebuild(cls, message, code, data):
    error = cls.__new__(cls)
    AgentWireError.__init__(error, message, code, data)
    return error


class ProcessExited(AgentWireError):
    """The agentwire process ended (or closed its output) while calls or streams were pending on it.

    `returncode` is its exit status (negative: killed by that signal; None if unknown) and `stderr` the
    end of what it wrote on stderr, where its logs and fatal errors go.
    """

    def __init__(self, returncode: int | None, stderr: str, detail: str = ""):
        status = "with an unknown status" if returncode is None else (
            f"killed by signal {-returncode}" if returncode < 0 else f"with status {returncode}")
        message = f"the agentwire process exited {status}{detail}"
        if stderr.strip():
            message += "; the end of its stderr:\n" + "\n".join(stderr.rstrip().splitlines()[-20:])
        else:
            message += " (nothing on stderr)"
        super().__init__(message, None, {"returncode": returncode, "stderr": stderr})

    @property
    def returncode(self) -> int | None:
        """The process's exit status (negative: the signal that killed it)."""
        return self.data.get("returncode")

    @property
    def stderr(self) -> str:
        """The end of what the process wrote on stderr (at most 8 KiB; `str(error)` shows its last 20 lines)."""
        return self.data.get("stderr", "")


class BinaryNotFound(AgentWireError):
    """No agentwire binary: none was given, `$AGENTWIRE_BIN` is unset and there is none on `PATH`."""


class ConnectionClosed(AgentWireError):
    """The connection was closed by this client (`close()`, or leaving `async with connect()`)."""


def error_from_wire(error: Any) -> AgentWireError:
    """The exception for a JSON-RPC error object: the class of its code (and, for -32001, of its kind)."""
    from ._generated import ERROR_KINDS, ERRORS_BY_CODE

    if not isinstance(error, dict):
        return AgentWireError(f"malformed error reply: {error!r}")
    code = error.get("code")
    message = error.get("message") or "error"
    data = error.get("data")
    cls = ERRORS_BY_CODE.get(code, AgentWireError)
    if isinstance(data, dict):
        for members, kind in ERROR_KINDS.get(code, ()):
            if all(member in data for member in members):
                cls = kind
                break
    return cls(message, code if isinstance(code, int) else None, data)
