"""The CSV readers issue 13 names as candidates, on benchmarks/payments.py's files (run on demand, in an
environment that has pandas and duckdb: they are not dependencies of barnetmodel).

Each reader parses the same 120 files (1,000,000 rows), every field kept as text, told each file's
encoding and that one title row stands above the header, as a caller that already knew both would.
barnetmodel's reading must find both itself (see docs/audit.md), so these are floors for parsing
alone, not the whole job. Printed: the best and median of several rounds, the time to import the
module, and the resident memory after.

    python -m venv /tmp/readers && /tmp/readers/bin/pip install pandas duckdb numpy
    PYTHONPATH=src:benchmarks /tmp/readers/bin/python benchmarks/payment_readers.py
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from payments import write_files

IMPORT_TIME = "import time, sys; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def csv_module(files: list[tuple[Path, str]]) -> int:
    rows = 0
    for path, encoding in files:
        with path.open(encoding=encoding, newline="") as handle:
            for _ in csv.reader(handle):
                rows += 1
    return rows


def pandas_reader(files: list[tuple[Path, str]]) -> int:
    import pandas as pd

    rows = 0
    for path, encoding in files:
        frame = pd.read_csv(path, encoding=encoding, skiprows=1, dtype=str, keep_default_na=False)
        rows += len(frame)
    return rows


def duckdb_reader(files: list[tuple[Path, str]]) -> int:
    import duckdb

    rows = 0
    for path, encoding in files:
        # DuckDB reads UTF-8 (and, with the encodings extension, a few others): Windows-1252 files are
        # recoded first, as a caller would have to.
        if encoding == "cp1252":
            text = path.read_bytes().decode("cp1252")
            with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", delete=False) as handle:
                handle.write(text)
            source = handle.name
        else:
            source = str(path)
        relation = duckdb.read_csv(source, skiprows=1, header=True, all_varchar=True)
        rows += len(relation.fetchall())
        if source != str(path):
            Path(source).unlink()
    return rows


def import_seconds(module: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_TIME.format(module=module)], check=True, capture_output=True, text=True
    )
    return float(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    readers = {"csv module": csv_module, "pandas.read_csv": pandas_reader, "duckdb.read_csv": duckdb_reader}
    times: dict[str, list[float]] = {name: [] for name in readers}
    with tempfile.TemporaryDirectory() as tmp:
        files = write_files(Path(tmp), args.files, args.rows)
        for _ in range(args.rounds):
            for name, reader in readers.items():
                started = time.perf_counter()
                rows = reader(files)
                times[name].append(time.perf_counter() - started)
                assert rows >= args.rows, (name, rows)
    floor = min(times["csv module"])
    for name, seconds in times.items():
        print(
            f"{name}: best {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s "
            f"({min(seconds) / floor:.2f}x the csv module, best to best)"
        )
    for module in ("csv", "pandas", "duckdb"):
        print(f"import {module}: {import_seconds(module):.2f} s")


if __name__ == "__main__":
    main()
