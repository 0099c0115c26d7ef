"""Cancellation: leaving a stream early, cancelling the task, closing the stream, cancelling a call; the run
ends `cancelled` in the run store."""

from __future__ import annotations

import asyncio
import gc

import agentwire
from agentwire import AgentRunResult, RunStarted, RunToken
from helpers import run, wait_for_status, words

SLOW = words(200)  # echo-slow: 50 ms a word, 10 s in all


def test_break_cancels_the_run(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            run_id = None
            seen = 0
            async for event in aw.stream("echo-slow", SLOW):
                if isinstance(event, RunStarted):
                    run_id = event.run_id
                if isinstance(event, RunToken):
                    seen += 1
                    if seen == 3:
                        break
            started = asyncio.get_running_loop().time()
            status = await wait_for_status(aw, run_id)
            details = await aw.get_run(run_id)
            return status, details, asyncio.get_running_loop().time() - started

    status, details, waited = run(main())
    assert status == "cancelled"
    assert details.output is not None and details.output.startswith("w0 w1 w2") and len(details.output) < len(SLOW)
    assert waited < 5  # not the 10 s the run would have taken


def test_cancelling_the_task_cancels_the_run(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            started = asyncio.Event()
            run_ids = []

            async def consume():
                async for event in aw.stream("echo-slow", SLOW):
                    if isinstance(event, RunStarted):
                        run_ids.append(event.run_id)
                    if isinstance(event, RunToken) and event.seq >= 4:
                        started.set()

            task = asyncio.create_task(consume())
            await started.wait()
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
            return await wait_for_status(aw, run_ids[0])

    assert run(main()) == "cancelled"


def test_cancelling_a_waiting_run_call_cancels_the_run(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            task = asyncio.create_task(aw.run("echo-slow", SLOW))
            await asyncio.sleep(0.3)
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
            runs = (await aw.request("run/list", {"agent": "echo-slow"}))["runs"]
            return await wait_for_status(aw, runs[0]["runId"])

    assert run(main()) == "cancelled"


def test_aclose_waits_for_the_run_to_stop(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            stream = aw.stream("echo-slow", SLOW)
            async with stream:
                async for event in stream:
                    if isinstance(event, RunToken):
                        break
            # The server has answered: the run has stopped (the store may record it a moment later).
            assert stream._st.done
            return await wait_for_status(aw, stream.run_id)

    assert run(main()) == "cancelled"


def test_a_stream_dropped_before_run_started_is_cancelled(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            stream = aw.stream("echo-slow", SLOW)
            await stream.__aenter__()  # the request is sent; run/started has not been read yet
            request_id = stream.request_id
            del stream
            gc.collect()
            # The run was cancelled by request id; it ends without anyone streaming it.
            runs = []
            for _ in range(100):
                runs = (await aw.request("run/list", {"agent": "echo-slow"}))["runs"]
                if runs:
                    break
                await asyncio.sleep(0.02)
            return request_id, await wait_for_status(aw, runs[0]["runId"])

    request_id, status = run(main())
    assert request_id is not None and status == "cancelled"


def test_run_cancel_ends_the_stream_with_a_cancelled_result(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            items = []
            async for event in aw.stream("echo-slow", SLOW):
                items.append(event)
                if isinstance(event, RunToken) and event.seq == 4:
                    assert await aw.cancel(event.run_id) is True
            return items

    items = run(main())
    result = items[-1]
    assert isinstance(result, AgentRunResult) and result.stop_reason == "cancelled"
    assert result.output.startswith("w0 w1") and len(result.output) < len(SLOW)


def test_a_cancel_from_elsewhere_raises_request_cancelled(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            stream = aw.stream("echo-slow", SLOW)
            try:
                async for event in stream:
                    if isinstance(event, RunToken):
                        aw.notify("$/cancelRequest", {"id": stream.request_id})
            except agentwire.RequestCancelled as error:
                return error
            raise AssertionError("the stream ended without the cancel")

    error = run(main())
    assert error.code == -32800 and error.partial_output.startswith("w0") and error.run_id.startswith("run_")


def test_a_cancelled_run_is_resumed_as_a_new_run(binary):
    text = words(60)

    async def main():
        async with agentwire.connect(binary) as aw:
            started = await aw.request("agent/start", {"agent": "echo-slow", "input": text})
            run_id = started["runId"]
            await aw.request("run/cancel", {"runId": run_id})
            while (await aw.request("run/status", {"runId": run_id}))["status"] == "running":
                await asyncio.sleep(0.02)
            result = await aw.resume(run_id)
            info = await aw.request("run/get", {"runId": result.run_id})
            return run_id, result, info

    run_id, result, info = run(main())
    assert isinstance(result, agentwire.AgentRunResult) and result.output == text and result.run_id != run_id
    assert info["resumedFrom"] == run_id and info["status"] == "completed"
