"""Every documented error code surfaces as its own class, reached through the binary where a client can
provoke it."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

import agentwire
from agentwire import AgentWireError, RunToken
from helpers import run, words

SCHEMA = Path(__file__).resolve().parents[3] / "schemas" / "openrpc.json"


async def raised(awaitable) -> AgentWireError:
    try:
        await awaitable
    except AgentWireError as error:
        return error
    raise AssertionError("no error was raised")


def test_not_found_kinds(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            return (await raised(aw.run("nope", "x")), await raised(aw.workflow("nope", "x")),
                    await raised(aw.session("echo", session_id="ses_0000000000000000").prompt("x")),
                    await raised(aw.get_run("run_0000000000000000")),
                    await raised(aw.session("nope").prompt("x")))

    agent, workflow, session, run_, session_agent = run(main())
    assert type(agent) is agentwire.UnknownAgent and agent.code == -32001 and agent.agent == "nope"
    assert "echo" in agent.available and agent.retryable is False and agent.suggestions
    assert isinstance(agent, agentwire.NotFound) and isinstance(agent, AgentWireError)
    assert type(workflow) is agentwire.UnknownWorkflow and "fanout" in workflow.available
    assert type(session) is agentwire.UnknownSession and session.session_id == "ses_0000000000000000"
    assert type(run_) is agentwire.UnknownRun and run_.run_id == "run_0000000000000000"
    assert type(session_agent) is agentwire.UnknownAgent


def test_unknown_option_is_invalid_params(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            unknown = await raised(aw.run("echo", "x", timeout_msec=5))
            malformed = await raised(aw.run("echo", "x", timeout_ms="soon"))
            streamed = await raised(_drain(aw.stream("echo", "x", token_coalesce="yes")))
            return unknown, malformed, streamed

    unknown, malformed, streamed = run(main())
    assert type(unknown) is agentwire.InvalidParams and unknown.field == "params.timeoutMsec" and unknown.detail
    assert type(malformed) is agentwire.InvalidParams and malformed.field == "params.timeoutMs"
    assert type(streamed) is agentwire.InvalidParams and streamed.field == "params.tokenCoalesce"


async def _drain(stream):
    async for _ in stream:
        pass


def test_timeout_keeps_the_partial_output(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            tokens = []
            try:
                async for event in aw.stream("echo-slow", words(100), timeout_ms=300):
                    if isinstance(event, RunToken):
                        tokens.append(event.text)
            except agentwire.Timeout as error:
                return error, tokens
            raise AssertionError("no timeout")

    error, tokens = run(main())
    assert error.code == -32005 and error.retryable is True
    assert error.partial_output == "".join(tokens) and tokens  # the events before the error were delivered
    assert error.run_id and error.reason is None


def test_overloaded(binary, write_config):
    config = write_config({"limits": {"maxConcurrentRuns": 1}})

    async def main():
        async with agentwire.connect(binary, config=config) as aw:
            stream = aw.stream("echo-slow", words(100))
            async with stream:
                await stream.__anext__()  # run/started: the one run is in flight
                return await raised(aw.run("echo", "one more"))

    error = run(main())
    assert type(error) is agentwire.Overloaded and error.code == -32007
    assert error.limit == 1 and error.retryable is True


def test_rate_limited(binary, write_config):
    config = write_config({"limits": {"requestsPerMinute": 2}})

    async def main():
        async with agentwire.connect(binary, config=config) as aw:
            await aw.run("echo", "one")
            await aw.run("echo", "two")
            return await raised(aw.run("echo", "three"))

    error = run(main())
    assert type(error) is agentwire.RateLimited and error.code == -32006
    assert error.limit == 2 and error.retry_after_ms > 0


def test_session_busy(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            session = aw.session("echo-slow")
            await session.start()
            first = asyncio.create_task(session.prompt(words(20)))
            await asyncio.sleep(0.2)
            error = await raised(session.prompt("again"))
            await first
            return error

    error = run(main())
    assert type(error) is agentwire.SessionBusy and error.code == -32004 and error.session_id


def test_shutting_down_and_method_not_found(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            missing = await raised(aw.request("agent/frobnicate", {}))
            await aw.request("shutdown")
            return missing, await raised(aw.run("echo", "x"))

    missing, shutting = run(main())
    assert type(missing) is agentwire.MethodNotFound and missing.code == -32601 and missing.method == "agent/frobnicate"
    assert type(shutting) is agentwire.ShuttingDown and shutting.code == -32003


def test_message_too_large(binary):
    async def main():
        async with agentwire.connect(binary, args=["--max-message-bytes", "4096"]) as aw:
            error = await raised(aw.run("echo", "x" * 10_000))
            return error, await aw.run("echo", "still serving")

    error, after = run(main())
    assert type(error) is agentwire.MessageTooLarge and error.code == -32002
    assert error.limit == 4096 and error.size > 10_000
    assert after.output == "still serving"


def test_provider_failure(binary, write_config):
    program = ("import sys; sys.stdout.write('partial '); sys.stdout.flush(); "
               "sys.stderr.write('boom\\n'); sys.exit(3)")
    config = write_config({"agents": {"failing": {"provider": {"type": "command", "argv": [sys.executable, "-c", program]}}}})

    async def main():
        async with agentwire.connect(binary, config=config) as aw:
            return await raised(aw.run("failing", "go"))

    error = run(main())
    assert type(error) is agentwire.ProviderFailure and error.code == -32010
    assert error.partial_output == "partial " and error.step_id == "1"
    assert error.exit_status == 3 and "boom" in error.stderr


def test_every_documented_code_has_its_class():
    document = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for name, error in document["components"]["errors"].items():
        cls = agentwire.ERRORS_BY_CODE[error["code"]]
        assert cls.__name__ == name and cls.code == error["code"] and issubclass(cls, AgentWireError)
        made = agentwire.error_from_wire({"code": error["code"], "message": error["message"], "data": error.get("data")})
        assert isinstance(made, cls) and made.code == error["code"] and made.message == error["message"]
    # Codes the client cannot provoke through its own well-formed requests.
    assert type(agentwire.error_from_wire({"code": -32700, "message": "Parse error", "data": {"detail": "d"}})) \
        is agentwire.ParseError
    assert agentwire.error_from_wire({"code": -32600, "message": "m"}).code == -32600
    assert agentwire.error_from_wire({"code": -32603, "message": "m", "data": {"detail": "x"}}).detail == "x"
    unknown = agentwire.error_from_wire({"code": -1, "message": "odd"})
    assert type(unknown) is AgentWireError and unknown.code == -1
    assert str(unknown) == "odd (-1)"


@pytest.mark.parametrize("name", ["Timeout", "UnknownAgent"])
def test_errors_pickle(name):
    import pickle
    error = getattr(agentwire, name)("m", None, {"partialOutput": "p"})
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and again.code == error.code and again.partial_output == "p"


def test_budget_exceeded_keeps_what_was_spent(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            return await raised(aw.run("echo", "one two three four", budget={"max_output_tokens": 2}))

    error = run(main())
    assert isinstance(error, agentwire.BudgetExceeded) and error.code == -32011
    assert error.retryable is False and error.limit == "maxOutputTokens"
    assert error.partial_output == "one two " and error.output_tokens == 2 and error.model_calls == 1
    assert error.budget == {"maxOutputTokens": 2}


def test_output_mismatch_lists_every_problem(binary):
    schema = {"type": "object", "required": ["name", "age"]}

    async def main():
        async with agentwire.connect(binary) as aw:
            good = await aw.run("echo", '{"name": "Ada", "age": 36}', output_schema=schema)
            bad = await raised(aw.run("echo", '{"name": "Ada"}', output_schema=schema))
            return good, bad

    good, bad = run(main())
    assert good.structured_output == {"name": "Ada", "age": 36}
    assert isinstance(bad, agentwire.OutputMismatch) and bad.code == -32012
    assert bad.errors == [{"path": "$.age", "message": "required"}]
    assert bad.partial_output == '{"name": "Ada"}'
