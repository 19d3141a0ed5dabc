"""Measure, once, how fast and in how much memory each hostile file is refused.

    .venv/bin/python benchmarks/hostile.py

Prints a Markdown table (docs/bad-input.md quotes it): the hostile files, then issue 14's attacks.
Figures are of this machine and run; the tests assert only the outcome (exit 2, a clear message,
a memory cap).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "cli"), str(ROOT / "tests")]  # hostile_cases, and conftest it reads

from hostile_cases import ATTACKS, CASES  # noqa: E402

# Run the command in a child that reports its own peak resident memory on the way out. VmHWM,
# not getrusage's ru_maxrss: on Linux a child's ru_maxrss starts from its parent's at fork.
CHILD = """
import atexit, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print("PEAK", line.split()[1], file=sys.stderr)
atexit.register(peak)
from barnetmodel.cli.app import main
sys.argv = ["barnetmodel", *sys.argv[1:]]
main()
"""


def measure(command: str, *args: str) -> tuple[float, float, int, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, command, *args], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    lines = done.stderr.strip().splitlines()
    peak_kb = int(lines[-1].split()[1])
    message = lines[0] if len(lines) > 1 else ""
    for arg in args:
        message = message.replace(arg, "FILE")
    return seconds, peak_kb / 1024, done.returncode, message


def main() -> None:
    print("| File | Command | Exit | Seconds | Peak memory (MB) | Message |")
    print("|---|---|---:|---:|---:|---|")
    reference = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
    for command in ("validate", "run"):
        seconds, peak, code, _ = measure(command, reference)
        print(f"| a valid scenario (for comparison) | {command} | {code} | {seconds:.2f} | {peak:.0f} | |")
    with tempfile.TemporaryDirectory() as folder:
        for name, (make, _) in CASES.items():
            path = Path(folder) / "hostile.yaml"
            path.write_bytes(make())
            for command in ("validate", "run"):
                seconds, peak, code, message = measure(command, str(path))
                print(f"| {name} | {command} | {code} | {seconds:.2f} | {peak:.0f} | `{message}` |")
    for name, attack in ATTACKS.items():  # issue 14's probe: each in a folder of its own
        with tempfile.TemporaryDirectory() as folder:
            command, *args = attack.make(Path(folder))
            seconds, peak, code, message = measure(command, *args)
            print(f"| {name} | {command} | {code} | {seconds:.2f} | {peak:.0f} | `{message[:90]}` |")


if __name__ == "__main__":
    main()
