"""The process: found, started, ended cleanly with no zombie, and its death reported to every pending call."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

import agentwire
from agentwire import RunToken
from helpers import run, words


def test_a_clean_exit_leaves_no_zombie(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            pid = aw.pid
            await aw.run("echo", "hi")
        return aw, pid

    aw, pid = run(main())
    assert aw.returncode == 0  # exit after shutdown
    assert aw.closed
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped
    assert not Path(f"/proc/{pid}").exists()


def test_leaving_with_a_stream_in_flight_still_exits_cleanly(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            stream = aw.stream("echo-slow", words(200))
            async for event in stream:
                if isinstance(event, RunToken):
                    break
            pending = asyncio.create_task(aw.run("echo-slow", words(200)))
            await asyncio.sleep(0.1)
        try:
            return aw, await pending
        except agentwire.AgentWireError as error:
            return aw, error

    aw, outcome = run(main())
    assert aw.returncode == 0
    # The server cancels the runs in flight when it exits, and answers them.
    if isinstance(outcome, agentwire.RunResult):
        assert outcome.stop_reason == "cancelled"
    else:
        assert isinstance(outcome, (agentwire.ConnectionClosed, agentwire.RequestCancelled))


def test_use_after_close_raises(binary):
    async def main():
        aw = await agentwire.connect(binary)
        await aw.close()
        await aw.close()  # idempotent
        return await aw.run("echo", "x")

    with pytest.raises(agentwire.ConnectionClosed):
        run(main())


def test_killed_mid_stream_raises_process_exited_with_stderr(binary):
    async def main():
        async with agentwire.connect(binary) as aw:
            other = asyncio.create_task(aw.run("echo-slow", words(100)))
            tokens = 0
            try:
                async for event in aw.stream("echo-slow", words(100)):
                    if isinstance(event, RunToken):
                        tokens += 1
                        if tokens == 2:
                            os.kill(aw.pid, signal.SIGKILL)
            except agentwire.ProcessExited as error:
                stream_error = error
            else:
                raise AssertionError("the stream ended normally")
            with pytest.raises(agentwire.ProcessExited):
                await other
            with pytest.raises(agentwire.ProcessExited):
                await aw.run("echo", "after")
            return stream_error, tokens

    error, tokens = run(main())
    assert tokens == 2
    assert error.returncode == -signal.SIGKILL and "killed by signal 9" in str(error)
    assert "Serving" in error.stderr and "Serving" in str(error)  # the server's log lines
    assert error.code is None and isinstance(error, agentwire.AgentWireError)


def test_a_bad_config_reports_the_server_error(binary, write_config):
    config = write_config({"agents": {"slow": {"provider": {"type": "echo", "delayMs": "fast"}}}})

    async def main():
        async with agentwire.connect(binary, config=config):
            pass

    with pytest.raises(agentwire.ProcessExited) as info:
        run(main())
    assert info.value.returncode != 0 and "delayMs" in info.value.stderr


def test_the_binary_is_found(binary, monkeypatch, tmp_path):
    monkeypatch.setenv("AGENTWIRE_BIN", binary)
    assert agentwire.find_binary() == binary
    assert agentwire.find_binary(binary) == binary
    monkeypatch.delenv("AGENTWIRE_BIN")
    link = tmp_path / "agentwire"
    link.symlink_to(binary)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert agentwire.find_binary() == str(link)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(agentwire.BinaryNotFound):
        agentwire.find_binary()
    with pytest.raises(agentwire.BinaryNotFound):
        agentwire.find_binary(tmp_path / "missing")

    async def main():  # found through $AGENTWIRE_BIN when no binary is given
        monkeypatch.setenv("AGENTWIRE_BIN", binary)
        async with agentwire.connect(env={"AGENTWIRE_TEST_MARK": "1"}) as aw:
            return (await aw.run("echo", "found")).output

    assert run(main()) == "found"
