"""Runs a program between a client and itself and keeps a copy of both directions, byte for byte.

Usage: python frame_tap.py LOG_PREFIX -- PROGRAM [ARGS...]
What the client writes goes to the program's stdin and to LOG_PREFIX.in; what the program writes to its
stdout goes to the client and to LOG_PREFIX.out. Stderr is inherited. The tap ends when the program does,
with its exit status; SIGTERM and SIGINT are passed on to it.
"""

import os
import signal
import subprocess
import sys
import threading


def pump(source, sink, log, close_sink):
    while True:
        try:
            data = os.read(source, 65536)
        except OSError:
            data = b""
        if not data:
            break
        log.write(data)
        log.flush()
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(sink, view):]
        except OSError:
            break
    close_sink()


def main():
    separator = sys.argv.index("--")
    prefix, argv = sys.argv[1], sys.argv[separator + 1:]
    child = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda signum, _frame: child.send_signal(signum))
    with open(prefix + ".in", "ab") as log_in, open(prefix + ".out", "ab") as log_out:
        def close_child_stdin():
            try:
                child.stdin.close()
            except OSError:
                pass

        def close_stdout():
            try:
                sys.stdout.close()
            except OSError:
                pass

        inbound = threading.Thread(
            target=pump, args=(sys.stdin.fileno(), child.stdin.fileno(), log_in, close_child_stdin), daemon=True
        )
        outbound = threading.Thread(
            target=pump, args=(child.stdout.fileno(), sys.stdout.fileno(), log_out, close_stdout), daemon=True
        )
        inbound.start()
        outbound.start()
        outbound.join()
        status = child.wait()
    sys.exit(status if status >= 0 else 128 - status)


main()
