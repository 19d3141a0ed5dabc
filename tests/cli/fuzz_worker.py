"""A worker for the fuzzing suite: runs barnetmodel commands one after another in one process, under the
memory cap (resource.setrlimit) its parent set, each under an alarm; reports each outcome as a JSON line.

One process for many commands, so Python, numpy and matplotlib start once, not once an example.
Reads a JSON list [args, seconds] a line from standard input; writes {exit, stdout, stderr, exception}.
"""

from __future__ import annotations

import json
import signal
import sys

from typer.testing import CliRunner

from barnetmodel.cli.app import app


class Hang(Exception):
    pass


def _hang(signum: int, frame: object) -> None:
    raise Hang("the command ran out of time")


def main() -> None:
    runner = CliRunner()
    signal.signal(signal.SIGALRM, _hang)
    for line in sys.stdin:
        args, seconds = json.loads(line)
        signal.alarm(seconds)
        try:
            result = runner.invoke(app, args)
        finally:
            signal.alarm(0)
        escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
        outcome = {
            "exit": result.exit_code,
            "stdout": result.stdout,
            "stderr": result.stderr[-4000:],
            "exception": repr(result.exception) if escaped else None,
        }
        print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main()
