"""AgentWire's Python client: spawn the `agentwire` binary and stream agent runs over its JSON-RPC protocol.

    import asyncio, agentwire

    async def main():
        async with agentwire.connect() as aw:
            async for event in aw.stream("echo", "hello brave new world"):
                if isinstance(event, agentwire.RunToken):
                    print(event.text, end="", flush=True)
                elif isinstance(event, agentwire.RunResult):
                    print("\\n", event.stop_reason, event.usage.output_tokens)

    asyncio.run(main())

The event, result and error classes are generated from the protocol's OpenRPC document
(`agentwire._generated`); the connection is in `agentwire._client`. No dependencies beyond the standard
library.
"""

from ._client import AgentWire, PermissionHandler, RunStream, Session, build_params, connect, find_binary
from ._errors import AgentWireError, BinaryNotFound, ConnectionClosed, ProcessExited, error_from_wire
from ._generated import *  # noqa: F401,F403  (the event, result and error classes)
from ._generated import __all__ as _generated_all
from ._generated import ERRORS_BY_CODE, EVENT_TYPES, PROTOCOL_VERSION, SCHEMA_VERSION

__version__ = SCHEMA_VERSION

__all__ = [
    "connect", "AgentWire", "RunStream", "Session", "PermissionHandler", "build_params", "find_binary",
    "AgentWireError", "ProcessExited", "BinaryNotFound", "ConnectionClosed", "error_from_wire",
    "ERRORS_BY_CODE", "EVENT_TYPES", "PROTOCOL_VERSION", "SCHEMA_VERSION", "__version__",
    *_generated_all,
]
