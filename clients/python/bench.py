#!/usr/bin/env python3
"""Throughput of the Python client: tokens per second delivered to user code for one echo stream.

    AGENTWIRE_BIN=/path/to/agentwire python clients/python/bench.py [--words 1000000] [--repeat 3]
                                                                    [--coalesce-ms 16] [--profile]

The `echo` agent emits one token per word, so a run on N words streams N tokens. Three figures per mode
(every token as its own notification, and with `token_coalesce_ms`, where a notification carries the
merged words of a step and tokens are counted as the words delivered):

- end to end: `async for event in aw.stream("echo", words)` through a real agentwire process, from the
  first `__anext__` to the result; the loop body counts words, as user code would do something per token;
- server alone: the same request piped into agentwire with its output thrown away (`--store memory`), the
  ceiling the process sets;
- client alone: the transcript of that run fed to the client's reading code in this process (no pipe, no
  server), with the same consumer: the ceiling the client sets.

`--profile` runs the end-to-end stream once more under cProfile and prints where the client's time goes.
Nothing is written anywhere: figures go to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import agentwire  # noqa: E402
from agentwire import RunResult, RunToken  # noqa: E402
from agentwire._client import AgentWire, RunStream  # noqa: E402


def words_input(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n))


async def consume(stream) -> tuple[int, int, RunResult | None]:
    """The user code: count words and notifications as they arrive."""
    words = 0
    notifications = 0
    result = None
    async for event in stream:
        if type(event) is RunToken:
            notifications += 1
            words += event.text.count(" ")
        elif isinstance(event, RunResult):
            result = event
    return words + 1, notifications, result  # N words have N-1 separating spaces


async def end_to_end(binary: str, text: str, coalesce_ms: int | None) -> tuple[float, int, int]:
    async with agentwire.connect(binary, store="memory", args=["--log-level", "warning"]) as aw:
        stream = aw.stream("echo", text, token_coalesce_ms=coalesce_ms)
        start = time.perf_counter()
        words, notifications, result = await consume(stream)
        elapsed = time.perf_counter() - start
    assert result is not None and result.output == text, "the output differs from the input"
    return elapsed, words, notifications


def server_alone(binary: str, request_line: bytes) -> tuple[float, bytes]:
    """The server's time to stream the run into a file, and what it wrote."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        subprocess.run([binary, "serve", "--store", "memory", "--log-level", "warning"], input=request_line,
                       stdout=out, stderr=subprocess.DEVNULL, check=True)
        elapsed = time.perf_counter() - start
        out.seek(0)
        return elapsed, out.read()


async def client_alone(transcript: bytes, request_id: int) -> tuple[float, int, int]:
    """Feed a recorded transcript to the client's reader, 64 KiB at a time as a pipe delivers it, with the
    same consumer; the request id of the recorded run is `request_id`."""
    conn = AgentWire()
    conn._transport = None
    conn._stdin = _NullWriter()
    stream = RunStream(conn, "agent/run", {}, agentwire.AgentRunResult)
    conn._ids = iter([request_id])
    await stream._start()
    chunk = 64 * 1024

    async def feed():
        for offset in range(0, len(transcript), chunk):
            conn._on_stdout(transcript[offset:offset + chunk])
            await asyncio.sleep(0)  # let the consumer run, as between two pipe reads

    start = time.perf_counter()
    feeder = asyncio.ensure_future(feed())
    words, notifications, _ = await consume(stream)
    await feeder
    return time.perf_counter() - start, words, notifications


class _NullWriter:
    def write(self, data):
        pass

    def is_closing(self):
        return False


def fmt(rate: float) -> str:
    return f"{rate:>12,.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=None, help="agentwire binary (default: $AGENTWIRE_BIN, then PATH)")
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is reported")
    parser.add_argument("--coalesce-ms", type=int, default=16)
    parser.add_argument("--profile", action="store_true", help="cProfile one end-to-end stream per mode")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object with the figures instead of the table (for agentwire-bench)")
    args = parser.parse_args()
    binary = agentwire.find_binary(args.binary)
    text = words_input(args.words)
    report = {"client": "python", "words": args.words, "python": sys.version.split()[0]}
    if not args.json:
        print(f"agentwire client bench: {args.words:,} words, best of {args.repeat}, {os.cpu_count()} CPUs, "
              f"Python {sys.version.split()[0]}, {binary}")
        print(f"{'mode':<24}{'end to end':>14}{'server alone':>14}{'client alone':>14}   tokens/s (words delivered)")
    for label, coalesce in (("every token", None), (f"coalesced {args.coalesce_ms} ms", args.coalesce_ms)):
        request = {"jsonrpc": "2.0", "id": 1, "method": "agent/run", "params": {"agent": "echo", "input": text}}
        if coalesce:
            request["params"]["stream"] = {"tokenCoalesceMs": coalesce}
        line = (json.dumps(request) + "\n").encode()
        e2e, server, client = [], [], []
        transcript = b""
        notifications = 0
        for _ in range(args.repeat):
            elapsed, words, notifications = asyncio.run(end_to_end(binary, text, coalesce))
            assert words == args.words, (words, args.words)
            e2e.append(args.words / elapsed)
            elapsed, transcript = server_alone(binary, line)
            server.append(args.words / elapsed)
            elapsed, words, _ = asyncio.run(client_alone(transcript, 1))
            assert words == args.words, (words, args.words)
            client.append(args.words / elapsed)
        report["coalesced" if coalesce else "everyToken"] = {
            "coalesceMs": coalesce, "endToEnd": max(e2e), "serverAlone": max(server), "clientAlone": max(client),
            "notifications": notifications,
        }
        if args.json:
            continue
        print(f"{label:<24}{fmt(max(e2e))}  {fmt(max(server))}  {fmt(max(client))}   "
              f"({notifications:,} run/token notifications)")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            asyncio.run(end_to_end(binary, text, coalesce))
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
            print(f"--- cProfile of one end-to-end stream, {label} (by own time) ---")
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:4000])
    if args.json:
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
