"""Helpers of the client's tests."""

from __future__ import annotations

import asyncio

import agentwire

TIMEOUT = 60.0


def run(coro, timeout: float = TIMEOUT):
    """Run a test's coroutine on a fresh event loop, failing it (not hanging) after `timeout` s."""
    async def bounded():
        return await asyncio.wait_for(coro, timeout)
    return asyncio.run(bounded())


async def wait_for_status(aw: agentwire.AgentWire, run_id: str, timeout: float = 10.0) -> str:
    """The run's status once it is no longer `running` (the store records the end a moment after the reply)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        status = (await aw.get_run(run_id)).status
        if status != "running" or loop.time() > deadline:
            return status
        await asyncio.sleep(0.02)


def words(n: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))
