"""Benchmark of reading councils' payments files (run on demand: `python benchmarks/payments.py`).

Generates 120 monthly files holding 1,000,000 payments between them, in a temporary folder,
as a council publishes them: a title row above the header, about 30 payees (Capita under
several names, and decoys such as "Capital Cleaning Ltd"), dates and amounts written two
ways (the council changed its finance system half way: "£1,234.56" and 01/04/2013 in
Windows-1252, then 1234.56, credit notes in brackets and 01-Apr-2018 in UTF-8 with a BOM),
credit notes, and a few rows republished in the next month's file. Then times, in turns
over several rounds:

- the floor: the standard library's csv module alone reading the files (each opened in its
  known encoding, `csv.reader` iterated over every row, nothing kept);
- the whole job: `read_payments` on the folder, `match_supplier(..., ["Capita"])` and
  `summarise`: keeping every payment in the ledger, and keeping only Capita's (`payees=`),
  as `barnetmodel audit` will call them;

and gives the best and the median of each, their ratio (target: at most 2x), and the peak
memory of the whole job in a fresh process (target: under 1 GiB).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import functools
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from barnetmodel.payments import match_supplier, read_payments, summarise

# Payee names and how often each is paid, roughly: Capita's several companies, the decoys a
# careless match would count, and the council's other suppliers.
CAPITA = [
    ("CAPITA BUSINESS SERVICES LTD", 40),
    ("Capita plc", 6),
    ("Capita Symonds Ltd", 5),
    ("CAPITA PROPERTY AND INFRASTRUCTURE LTD", 8),
    ("Capita Resourcing Limited", 4),
    ("Capita Translation and Interpreting", 2),
]
DECOYS = [("Capital Cleaning Ltd", 10), ("Capitol Hill Ltd", 3), ("CAPITAL & REGIONAL PLC", 2), ("Capital Taxis", 4)]
OTHERS = [
    (name, weight)
    for name, weight in zip(
        (
            "Comensura Ltd",
            "Barnet Homes Ltd",
            "The Barnet Group Ltd",
            "Veolia Environmental Services",
            "Thames Water Utilities Ltd",
            "Hertfordshire County Council",
            "Mears Group plc",
            "Ringway Jacobs Ltd",
            "Fusion Lifestyle",
            "Greenwich Leisure Ltd",
            "Age UK Barnet",
            "Middlesex University",
            "NRS Healthcare",
            "Allied Healthcare Group",
            "Notting Hill Housing Trust",
            "O2 (UK) Ltd",
            "Royal Mail Group Ltd",
            "Kier Construction Ltd",
            "Sanctuary Care",
            "London Borough of Enfield",
        ),
        (90, 30, 40, 25, 10, 15, 20, 18, 12, 10, 8, 6, 14, 16, 9, 5, 4, 11, 13, 7),
        strict=True,
    )
]
PAYEES = CAPITA + DECOYS + OTHERS
SERVICES = ["Adults and Communities", "Children's Service", "Commissioning Group", "Customer Support Group"]
SERVICES += ["Regional Enterprise", "Streetscene", "Education and Skills", "Housing Revenue Account", "Public Health"]
SERVICES += ["Central Expenses", "Assurance", "Capital Programme"]
EXPENSES = [f"{kind} - {detail}" for kind in ("Supplies", "Services", "Premises") for detail in range(20)]

FIRST_MONTH = datetime.date(2013, 4, 1)


def month_start(index: int) -> datetime.date:
    months = FIRST_MONTH.month - 1 + index
    return datetime.date(FIRST_MONTH.year + months // 12, months % 12 + 1, 1)


def write_files(folder: Path, files: int, rows: int, seed: int = 1) -> list[tuple[Path, str]]:
    """The payment files and each one's encoding, for the floor (which is told it)."""
    rng = random.Random(seed)
    names = [name for name, _ in PAYEES]
    weights = [weight for _, weight in PAYEES]
    written = []
    republished: list[list[str]] = []
    for index in range(files):
        start = month_start(index)
        days = (month_start(index + 1) - start).days
        new_system = index >= files // 2
        count = rows // files + (1 if index < rows % files else 0) - len(republished)
        body = list(republished)  # last month's late rows, published again
        for number in range(count):
            day = start + datetime.timedelta(days=rng.randrange(days))
            size = rng.random()  # most payments are small, a few are large
            low, high = (
                (50_000, 500_000) if size < 0.92 else (500_000, 5_000_000) if size < 0.995 else (5_000_000, 300_000_000)
            )
            pence = rng.randrange(low, high)
            pounds = pence / 100
            credit = rng.random() < 0.03
            if new_system:
                amount = f"({pounds:,.2f})" if credit else f"{pounds:.2f}"
                date = day.strftime("%d-%b-%Y")
            else:
                amount = f"£{-pounds if credit else pounds:,.2f}"
                date = day.strftime("%d/%m/%Y")
            body.append(
                [
                    "London Borough of Barnet",
                    "http://opendatacommunities.org/id/london-borough-council/barnet",
                    rng.choice(SERVICES),
                    f"Cost centre {rng.randrange(200)}",
                    rng.choice(EXPENSES),
                    date,
                    f"{5_100_000 + index * 20_000 + number}",
                    amount,
                    rng.choices(names, weights)[0],
                ]
            )
        republished = body[-20:]
        header = ["Body Name", "Body", "Service Area Categorisation", "Responsible Unit", "Expenses Type"]
        header += ["Payment Date" if new_system else "Date", "Transaction Number"]
        header += ["Amount (£)" if new_system else "Amount", "Supplier Name"]
        encoding = "utf-8-sig" if new_system else "cp1252"
        path = folder / f"barnet_{start:%Y_%m}.csv"
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([f"Payments over £500, {start:%B %Y} (generated for a benchmark: not real payments)"])
            writer.writerow(header)
            writer.writerows(body)
        written.append((path, encoding))
    return written


def timed(job: Callable[[], object]) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds of this process, and what the job returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = job()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def floor(files: list[tuple[Path, str]]) -> None:
    """The csv module alone reading every row of every file."""
    for path, encoding in files:
        with path.open(encoding=encoding, newline="") as handle:
            for _ in csv.reader(handle):
                pass


def whole_job(folder: Path, only_capita: bool = False) -> tuple[int, int]:
    """Read, match and total: the rows in the ledger and the Capita total in pence. With
    `only_capita`, the ledger keeps only Capita's payments, as `audit` reads."""
    capita = functools.partial(match_supplier, suppliers=["Capita"], exclude=[])
    ledger = read_payments([folder], payees=capita if only_capita else None)
    summary = summarise(ledger, capita(ledger.payee.values))
    return len(ledger), summary.total.net_pence


# The whole job in a fresh process, reporting that process's own peak resident memory (VmHWM)
# and its resident memory once barnetmodel and numpy are imported, before reading.
MEASURED = """
import sys
from pathlib import Path
from barnetmodel.payments import match_supplier, read_payments, summarise

def resident(field):
    status = open("/proc/self/status").read()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field))) / 1024

before = resident("VmRSS:")
ledger = read_payments([Path(sys.argv[1])])
summary = summarise(ledger, match_supplier(ledger.payee.values, ["Capita"], []))
print(before, resident("VmHWM:"))
"""


# The same work in a fresh process, for valgrind to count its instructions: a measure that
# does not move when other programs share the machine (time does: up to a half).
COUNTED = """
import csv, sys
from pathlib import Path
from barnetmodel.payments import match_supplier, read_payments, summarise

which, folder, files = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
if which == "floor":
    for path, encoding in zip(files[::2], files[1::2]):
        with open(path, encoding=encoding, newline="") as handle:
            for _ in csv.reader(handle):
                pass
elif which == "job":
    ledger = read_payments([folder])
    summarise(ledger, match_supplier(ledger.payee.values, ["Capita"], []))
"""


def instructions(folder: Path, files: list[tuple[Path, str]]) -> dict[str, int]:
    """Instructions counted by valgrind (callgrind) for imports alone, the floor and the whole job."""
    counts = {}
    arguments = [str(part) for path, encoding in files for part in (path, encoding)]
    with tempfile.TemporaryDirectory() as tmp:
        for which in ("imports", "floor", "job"):
            command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", sys.executable]
            command += ["-c", COUNTED, which, str(folder), *arguments]
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            counts[which] = int(next(line for line in done.stderr.splitlines() if "Collected" in line).split()[-1])
    return counts


def peak_memory(folder: Path) -> tuple[float, float]:
    """MiB resident after imports, and at the peak of the whole job, in a fresh process."""
    done = subprocess.run([sys.executable, "-c", MEASURED, str(folder)], check=True, capture_output=True, text=True)
    before, peak = done.stdout.split()
    return float(before), float(peak)


# `barnetmodel audit` itself in a fresh process, reporting that process's peak resident memory (VmHWM).
COMMAND = """
import sys
from barnetmodel.cli.app import app
try:
    app(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
else:
    code = 0
status = open("/proc/self/status").read()
print(code, int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024, file=sys.stderr)
"""
SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "actually_paid.yaml"


def audit_command(folder: Path) -> tuple[float, float]:
    """Wall seconds and peak MiB of `barnetmodel audit SCENARIO FOLDER --supplier Capita -f json -o FILE`."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-c", COMMAND, "audit", str(SCENARIO), str(folder), "--supplier", "Capita"]
        command += ["-f", "json", "-o", str(Path(tmp) / "audit.json")]
        started = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    code, peak = done.stderr.strip().splitlines()[-1].split()
    if code != "0":
        raise SystemExit(f"audit failed: {done.stderr}")
    return seconds, float(peak)


def machine() -> str:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, numpy {np.__version__}, "
        f"{platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=7, help="rounds of floor and whole job, in turns")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions with valgrind, on a tenth of the rows in a tenth of the files",
    )
    args = parser.parse_args()
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_files(folder, args.files, args.rows)
        size = sum(path.stat().st_size for path, _ in files) / 2**20
        # In turns, each warmed by a run just before it, so that a spell when the (shared)
        # machine is slower slows both alike; the order within a round alternates. Wall time
        # is what a user waits; CPU time (of this process) is steadier when others share the machine.
        floors: list[tuple[float, float]] = []
        jobs: dict[str, list[tuple[float, float]]] = {"whole ledger": [], "Capita's payments kept": []}
        for round_number in range(args.rounds):
            order = ["floor", *jobs] if round_number % 2 == 0 else [*reversed(jobs), "floor"]
            for which in order:
                if which == "floor":
                    floor(files)
                    wall, cpu, _ = timed(lambda: floor(files))
                    floors.append((wall, cpu))
                else:
                    only_capita = which != "whole ledger"
                    whole_job(folder, only_capita)
                    wall, cpu, _ = timed(lambda: whole_job(folder, only_capita))  # noqa: B023 (run at once)
                    jobs[which].append((wall, cpu))
        rows, net_pence = whole_job(folder)
        before, peak = peak_memory(folder)
        commands = [audit_command(folder) for _ in range(3)]
        command_seconds, command_peak = min(c[0] for c in commands), max(c[1] for c in commands)
    counted = {}
    if args.instructions:
        with tempfile.TemporaryDirectory() as tmp:
            small = write_files(Path(tmp), max(1, args.files // 10), args.rows // 10)
            counted = instructions(Path(tmp), small)

    load_after = os.getloadavg()
    print(f"machine: {machine()}")
    print(
        f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after {', '.join(f'{x:.2f}' for x in load_after)} (a busy machine: re-take the figures on a quiet one)"
    )
    print(f"files: {args.files} ({size:.0f} MiB), rows read: {rows:,}; Capita, net: £{net_pence / 100:,.2f}")
    for index, clock in enumerate(("wall", "CPU")):
        floor_times = [times[index] for times in floors]
        print(
            f"{clock}: floor (csv module alone) best {min(floor_times):.3f} s, median {statistics.median(floor_times):.3f} s"
        )
        for name, times in jobs.items():
            job_times = [each[index] for each in times]
            ratios = [job / base for job, base in zip(job_times, floor_times, strict=True)]
            print(
                f"  read, match and total ({name}): best {min(job_times):.3f} s, median {statistics.median(job_times):.3f} s;"
                f" {min(job_times) / min(floor_times):.2f}x best to best, {statistics.median(ratios):.2f}x median of"
                f" rounds ({min(ratios):.2f}-{max(ratios):.2f}x, {args.rounds} rounds)"
            )
    print(f"peak memory, whole ledger, fresh process: {peak:.0f} MiB ({before:.0f} MiB after imports, before reading)")
    print(
        f"barnetmodel audit (fresh process, Capita, JSON to a file): {command_seconds:.2f} s wall (best of 3), "
        f"peak {command_peak:.0f} MiB"
    )
    if counted:
        floor_count, job_count = counted["floor"] - counted["imports"], counted["job"] - counted["imports"]
        print(
            f"instructions (valgrind, {max(1, args.files // 10)} files, {args.rows // 10:,} rows, imports taken off):"
            f" floor {floor_count / 1e6:,.0f}M, whole job {job_count / 1e6:,.0f}M: {job_count / floor_count:.2f}x"
        )


if __name__ == "__main__":
    main()
