"""Streaming runs: the events arrive typed and in order, tokens join to the output exactly, many streams share
one process, and options reach the server."""

from __future__ import annotations

import asyncio

import agentwire
from agentwire import (AgentRunResult, RunEventsFollowResult, RunHeartbeat, RunProgress, RunResult, RunStarted,
                       RunStep, RunThinking, RunToken, RunTrace, WorkflowRunResult)
from helpers import run, words


def test_echo_tokens_join_to_the_input_exactly(binary):
    text = 'hello  brave\tnew\nworld "quoted" back\\slash héllo 😀 end '

    async def main():
        async with agentwire.connect(binary) as aw:
            return [event async for event in aw.stream("echo", text)]

    events = run(main())
    assert isinstance(events[0], RunStarted) and events[0].agent == "echo" and events[0].seq == 1
    assert isinstance(events[1], RunStep) and events[1].status == "started" and events[1].step_id == "1"
    assert isinstance(events[-2], RunStep) and events[-2].status == "completed"
    result = events[-1]
    assert isinstance(result, AgentRunResult) and isinstance(result, RunResult)
    tokens = [e for e in events if isinstance(e, RunToken)]
    assert "".join(t.text for t in tokens) == text == result.output
    assert [t.text for t in tokens][:2] == ["hello  ", "brave\t"]
    assert result.usage.output_tokens == len(tokens) == len(text.split())
    assert result.stop_reason == "end_turn" and result.agent == "echo" and result.duration_ms >= 0
    run_ids = {e.run_id for e in events}
    assert run_ids == {result.run_id}
    seqs = [e.seq for e in events[:-1]]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert all(t.step_id == "1" and t.agent == "echo" for t in tokens)


def test_a_long_stream_arrives_whole(binary):
    text = words(50_000)

    async def main():
        async with agentwire.connect(binary) as aw:
            parts = []
            async for event in aw.stream("echo", text):
                if type(event) is RunToken:
                    parts.append(event.text)
                elif isinstance(event, RunResult):
                    return parts, event

    parts, result = run(main())
    assert len(parts) == 50_000 and "".join(parts) == text == result.output


def test_coalesced_tokens_carry_merged_text(binary):
    text = words(3000)

    async def main():
        async with agentwire.connect(binary) as aw:
            return [e async for e in aw.stream("echo", text, token_coalesce_ms=20)]

    events = run(main())
    tokens = [e for e in events if isinstance(e, RunToken)]
    assert "".join(t.text for t in tokens) == text
    assert len(tokens) < 3000
    assert events[-1].usage.output_tokens == 3000  # counted before coalescing


def test_ten_concurrent_streams_are_routed_by_run(binary):
    inputs = [words(2000 + 100 * i, prefix=f"s{i}-") for i in range(10)]

    async def one(aw, text):
        tokens, result, run_ids = [], None, set()
        async for event in aw.stream("echo", text):
            if isinstance(event, RunResult):
                result = event
            else:
                run_ids.add(event.run_id)
                if isinstance(event, RunToken):
                    tokens.append(event.text)
        return "".join(tokens), result, run_ids

    async def main():
        async with agentwire.connect(binary) as aw:
            return await asyncio.gather(*(one(aw, text) for text in inputs))

    outcomes = run(main())
    assert len({result.run_id for _, result, _ in outcomes}) == 10
    for text, (joined, result, run_ids) in zip(inputs, outcomes):
        assert joined == text == result.output
        assert run_ids == {result.run_id}


def test_streams_and_calls_interleave(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            texts = []
            async for event in aw.stream("echo-slow", "a b c d"):
                if isinstance(event, RunToken):
                    texts.append(event.text)
                    # A call made from inside the loop is answered while the stream goes on.
                    assert (await aw.run("echo", event.text)).output == event.text
            return texts

    assert "".join(run(main())) == "a b c d"


def test_workflow_streams_steps_progress_and_thinking(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            return [e async for e in aw.stream_workflow("fanout", "ship it")]

    events = run(main())
    started, result = events[0], events[-1]
    assert isinstance(started, RunStarted) and started.workflow == "fanout" and started.strategy == "parallel"
    assert isinstance(result, WorkflowRunResult) and result.output == "1. ship it\n2. ship it"
    assert [b.agent for b in result.branches] == ["echo", "echo-thinking"]
    assert any(isinstance(e, RunProgress) and e.percent == 100 for e in events)
    assert any(isinstance(e, RunThinking) and e.agent == "echo-thinking" for e in events)
    steps = {e.step_id for e in events if isinstance(e, RunStep)}
    assert steps == {"1", "1.1", "1.2"}


def test_coordinator_requests_stream_too(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            stream = aw.stream_request("coordinator/sequential", input="draft",
                                       steps=[{"agent": "echo"}, {"agent": "echo", "transform": "reviewed: {{previous}}"}],
                                       on_error="fail", step_timeout_ms=5000)
            return [e async for e in stream]

    events = run(main())
    assert isinstance(events[-1], WorkflowRunResult) and events[-1].output == "reviewed: draft"
    assert events[-1].strategy == "sequential"


def test_run_workflow_and_lists(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            result = await aw.run("echo", "hello world")
            flow = await aw.workflow("pipeline", "draft")
            return result, flow, await aw.agents(), await aw.workflows(), aw.server

    result, flow, agents, workflows, server = run(main())
    assert isinstance(result, AgentRunResult) and result.output == "hello world"
    assert isinstance(flow, WorkflowRunResult) and flow.output == "reviewed: draft"
    assert {"echo", "echo-slow", "echo-thinking", "echo-history"} <= {a.name for a in agents}
    assert {w.name: w.strategy for w in workflows}["fanout"] == "parallel"
    assert server.server_info.version == agentwire.__version__ and server.protocol_version == "agentwire/1"


def test_sessions_keep_history(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            async with aw.session("echo-history") as session:
                first = await session.prompt("first question")
                second = await session.prompt("second question")
                streamed = [e async for e in session.stream("third")]
                session_id = session.id
            # Closed: the server no longer knows it.
            try:
                await aw.session("echo-history", session_id=session_id).prompt("again")
            except agentwire.UnknownSession as error:
                return first, second, streamed, error
            raise AssertionError("a closed session answered")

    first, second, streamed, error = run(main())
    assert first.output == "first question"
    assert second.output == "first question\nsecond question"
    assert streamed[-1].output == "first question\nsecond question\nthird"
    assert isinstance(streamed[0], RunStarted) and streamed[0].agent == "echo-history"
    assert isinstance(error, agentwire.NotFound) and error.session_id


def test_stream_options_reach_the_server(binary, write_config):
    config = write_config({"limits": {"heartbeatSeconds": 0.05}})

    async def main():
        async with agentwire.connect(binary, config=config) as aw:
            quiet = [e async for e in aw.stream("echo-thinking", "a b", tokens=False, thinking=False)]
            traced = [e async for e in aw.stream("echo", "a b", traces=True, steps=False)]
            beating = [e async for e in aw.stream("echo-slow", "a b c d", stream={"heartbeat": True})]
            return quiet, traced, beating

    quiet, traced, beating = run(main())
    assert not any(isinstance(e, (RunToken, RunThinking)) for e in quiet) and quiet[-1].output == "a b"
    spans = [e for e in traced if isinstance(e, RunTrace)]
    assert spans and spans[-1].name == "agent.run" and spans[-1].status["code"] == "ok"
    assert not any(isinstance(e, RunStep) for e in traced)
    assert any(isinstance(e, RunHeartbeat) for e in beating)


def test_build_params_maps_options():
    params = agentwire.build_params("agent/run", {"agent": "a", "input": "b"},
                                    {"timeout_ms": 5, "token_coalesce_ms": 16, "thinking": False, "unknown_thing": 1,
                                     "left_out": None, "_meta": {"traceparent": "x"}})
    assert params == {"agent": "a", "input": "b", "timeoutMs": 5, "unknownThing": 1, "_meta": {"traceparent": "x"},
                      "stream": {"tokenCoalesceMs": 16, "thinking": False}}
    # `steps` is a param of coordinator/sequential, not the stream option there.
    params = agentwire.build_params("coordinator/sequential", {"input": "x"},
                                    {"steps": [{"agent": "echo"}], "stream": {"steps": False}})
    assert params == {"input": "x", "steps": [{"agent": "echo"}], "stream": {"steps": False}}


def test_follow_replays_and_follows_a_started_run(binary):
    text = words(30)

    async def main():
        async with agentwire.connect(binary) as aw:
            run_id = await aw.start("echo-slow", text)
            events = [e async for e in aw.follow(run_id)]
            replay = [e async for e in aw.follow(run_id, after_seq=3)]
            return run_id, events, replay

    run_id, events, replay = run(main())
    assert isinstance(events[0], RunStarted) and events[0].run_id == run_id
    assert "".join(e.text for e in events if isinstance(e, RunToken)) == text
    assert isinstance(events[-1], RunEventsFollowResult) and events[-1].status == "completed"
    assert replay[0].seq == 4 and isinstance(replay[-1], RunEventsFollowResult)


def test_a_slow_consumer_pauses_reading_and_loses_nothing(binary, monkeypatch):
    from agentwire import _client
    monkeypatch.setattr(_client, "HIGH_WATER", 2000)
    monkeypatch.setattr(_client, "LOW_WATER", 200)
    text = words(20_000)

    async def main():
        async with agentwire.connect(binary) as aw:
            pauses = 0
            original = aw._maybe_pause

            def counting_pause():
                nonlocal pauses
                original()
                pauses += aw._paused
            aw._maybe_pause = counting_pause
            stream = aw.stream("echo", text)
            parts, most = [], 0
            async for event in stream:
                if type(event) is RunToken:
                    parts.append(event.text)
                    most = max(most, len(stream._st.buf))
                    if len(parts) % 20 == 0:
                        await asyncio.sleep(0.001)  # at most 20,000 tokens/s: slower than the server
            return parts, most, pauses

    parts, most, pauses = run(main())
    assert "".join(parts) == text
    assert pauses > 0
    assert most < 2000 + 20_000  # the high-water mark plus what one read of the pipe holds


def test_connection_stream_defaults_and_collect(binary):
    text = words(3000)

    async def main():
        async with agentwire.connect(binary, stream={"token_coalesce_ms": 20, "steps": False}) as aw:
            return await aw.stream("echo", text).collect()

    events, result = run(main())
    tokens = [e for e in events if isinstance(e, RunToken)]
    assert "".join(t.text for t in tokens) == text == result.output and len(tokens) < 3000
    assert not any(isinstance(e, RunStep) for e in events)
