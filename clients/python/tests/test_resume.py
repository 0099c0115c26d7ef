"""`resume`: a cancelled run done again as a new run, to its end or detached."""

from __future__ import annotations

import asyncio

import agentwire
from helpers import run, wait_for_status, words


async def _cancelled_run(aw: agentwire.AgentWire, text: str) -> str:
    """The id of an `echo-slow` run on `text`, cancelled and recorded so."""
    run_id = (await aw.request("agent/start", {"agent": "echo-slow", "input": text}))["runId"]
    await aw.request("run/cancel", {"runId": run_id})
    while (await aw.request("run/status", {"runId": run_id}))["status"] == "running":
        await asyncio.sleep(0.02)
    return run_id


def test_a_detached_resume_answers_with_the_new_runs_id(binary):
    text = words(20)

    async def main():
        async with agentwire.connect(binary) as aw:
            run_id = await _cancelled_run(aw, text)
            started = await aw.resume(run_id, detach=True)
            status = await wait_for_status(aw, started.run_id, timeout=30.0)
            return run_id, started, status, await aw.get_run(started.run_id)

    run_id, started, status, details = run(main())
    assert isinstance(started, agentwire.RunStartResult)
    assert started.run_id.startswith("run_") and started.run_id != run_id
    assert status == "completed"
    assert details.resumed_from == run_id and details.output == text
