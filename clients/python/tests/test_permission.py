"""The server's `permission/request`: answered by `on_permission` (sync or async), denied by default."""

from __future__ import annotations

import asyncio
import logging
import sys

import agentwire
from agentwire import PermissionRequest, RunTool
from fake_model import FakeModel, weather_config
from helpers import run


def tool_statuses(events):
    return [e.status for e in events if isinstance(e, RunTool)]


def test_an_async_handler_allows_the_tool(binary, write_config):
    asked: list[PermissionRequest] = []

    async def allow(request: PermissionRequest):
        asked.append(request)
        await asyncio.sleep(0.01)
        return "allow_once"

    with FakeModel() as model:
        config = write_config(weather_config(model.base_url, sys.executable))

        async def main():
            async with agentwire.connect(binary, config=config, on_permission=allow) as aw:
                return [e async for e in aw.stream("forecaster", "Weather in Paris?")]

        events = run(main())
    assert len(asked) == 1
    request = asked[0]
    assert request.tool == "weather" and request.agent == "forecaster" and request.arguments == {"city": "Paris"}
    assert [o.option_id for o in request.options] == ["allow_once", "allow_always", "reject"]
    assert request.run_id == events[-1].run_id and request.tool_call_id == "call_1"
    assert tool_statuses(events) == ["started", "completed"]
    completed = [e for e in events if isinstance(e, RunTool)][-1]
    assert "sunny in Paris" in completed.output and completed.input == {"city": "Paris"}
    assert events[-1].output == "It is sunny."


def test_a_sync_handler_can_refuse(binary, write_config):
    with FakeModel() as model:
        config = write_config(weather_config(model.base_url, sys.executable))

        async def main():
            async with agentwire.connect(binary, config=config, on_permission=lambda request: False) as aw:
                return [e async for e in aw.stream("forecaster", "Weather in Paris?")]

        events = run(main())
    assert tool_statuses(events) == ["started", "failed"]
    assert events[-1].output == "No weather."


def test_without_a_handler_the_tool_is_denied_and_logged(binary, write_config, caplog):
    with FakeModel() as model:
        config = write_config(weather_config(model.base_url, sys.executable))

        async def main():
            async with agentwire.connect(binary, config=config) as aw:
                return await aw.run("forecaster", "Weather in Paris?", steps=True), \
                    [e async for e in aw.stream("forecaster", "Weather in Paris?")]

        with caplog.at_level(logging.WARNING, logger="agentwire"):
            result, events = run(main())
    assert result.output == "No weather." and tool_statuses(events) == ["started", "failed"]
    denials = [r for r in caplog.records if r.name == "agentwire" and "no on_permission handler" in r.getMessage()]
    assert len(denials) == 2 and "weather" in denials[0].getMessage()


def test_a_failing_handler_rejects_the_call(binary, write_config, caplog):
    def broken(request):
        raise RuntimeError("handler bug")

    with FakeModel() as model:
        config = write_config(weather_config(model.base_url, sys.executable))

        async def main():
            async with agentwire.connect(binary, config=config, on_permission=broken) as aw:
                return [e async for e in aw.stream("forecaster", "Weather in Paris?")]

        with caplog.at_level(logging.ERROR, logger="agentwire"):
            events = run(main())
    assert tool_statuses(events) == ["started", "failed"]
    assert any("handler bug" in (r.exc_text or "") or r.exc_info for r in caplog.records)
