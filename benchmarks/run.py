"""Benchmarks of the Monte Carlo run on the flagship scenario (run on demand: `make bench`).

Measures, for the council case with its uncertain inputs and risk register:
- the whole command, `barnetmodel run ... --draws N -f json -o FILE`, wall time and peak memory;
- the floor: numpy alone drawing the same inputs (each distribution, and one uniform per
  risk per draw), in one go;
- what a user would otherwise write: the same model as a plain per-draw Python loop, and
  with numpy-financial's `npv` per draw (timed on fewer draws and scaled up).
The loop versions also check the engine: their mean present-value saving must agree with
the engine's within the Monte Carlo standard errors.

And, for `benchmarks/named_inputs.yaml` (30 named inputs, 20 drawn and 10 formulas of them, a risk),
the in-process analysis against its floor (numpy drawing its 20 distributions and the risk's
uniform): formulas must not cost the Monte Carlo run its speed (at most 2x the floor).
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "scenarios" / "one_barnet_council_case.yaml"
NAMED_INPUTS = ROOT / "benchmarks" / "named_inputs.yaml"


# Runs the command in a fresh interpreter and reports that process's own peak memory: VmHWM, as
# ru_maxrss of a child can start at the (large) peak of the benchmark process that forked it.
MEASURED = """
import resource, sys
from barnetmodel.cli.app import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
try:
    status = open("/proc/self/status").read()
    kib = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
except (OSError, StopIteration):
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(kib, file=sys.stderr)
"""


def run_command(draws: int) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of the command, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        command = [sys.executable, "-c", MEASURED, "run", str(FLAGSHIP)]
        command += ["--draws", str(draws), "-f", "json", "-o", str(out)]
        started = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def floor(draws: int, path: Path = FLAGSHIP) -> float:
    """Seconds numpy needs to draw a scenario's inputs: its own samplers, one array each."""
    from barnetmodel.scenario.load import load
    from barnetmodel.scenario.paths import uncertain

    scenario = load(str(path)).scenario
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    for distribution in uncertain(scenario).values():
        distribution.sample(rng, draws)
    for option in scenario.options.values():
        for _ in option.risks:
            rng.random(draws)
    return time.perf_counter() - started


def engine(draws: int, path: Path = FLAGSHIP, workers: int | None = None) -> tuple[float, float, float]:
    """Seconds of the in-process analysis (on `workers` threads, if given: else the engine's own number);
    the mean PV saving of outsourcing and its standard error."""
    from barnetmodel.analysis.analyse import analyse
    from barnetmodel.engine import simulate
    from barnetmodel.scenario.load import load

    loaded = load(str(path))
    kept = simulate.WORKERS, simulate.IN_FLIGHT
    if workers is not None:
        simulate.WORKERS, simulate.IN_FLIGHT = workers, 2 * workers
    try:
        started = time.perf_counter()
        results = analyse(loaded, draws=draws)
        seconds = time.perf_counter() - started
    finally:
        simulate.WORKERS, simulate.IN_FLIGHT = kept
    saving = results["uncertainty"]["options"][1]["saving_present_value"]
    return seconds, saving["mean"], saving["standard_error"]


def _flagship_draw(rng: np.random.Generator) -> tuple[list[float], list[float], float]:
    """One draw of the council case, by hand: yearly nominal costs of in-house and outsourcing, and inflation."""
    inflation = rng.triangular(0.01, 0.02, 0.03)
    csg_in_house = rng.triangular(42.0, 44.54, 47.08)
    re_income = -5.07 + 3.38 * rng.beta(3.0, 3.0)  # PERT(-5.07, -3.38, -1.69): a symmetric beta(3, 3)
    failure_year = math.floor(math.log(rng.random()) / math.log1p(-0.005))
    in_house = [csg_in_house + 13.13] * 10
    outsource = [32.0 + 12.6 + re_income + (9.0 if year == failure_year else 0.0) for year in range(10)]
    return in_house, outsource, inflation


def python_loop(draws: int) -> tuple[float, float, float]:
    """The model as a plain per-draw Python loop: seconds, mean PV saving, its standard error."""
    factors = [1.035**-t for t in range(10)]
    rng = np.random.default_rng(1)
    savings = []
    started = time.perf_counter()
    for _ in range(draws):
        in_house, outsource, inflation = _flagship_draw(rng)
        saving = 0.0
        for t in range(10):
            saving += (in_house[t] - outsource[t]) / (1 + inflation) ** t * factors[t]
        savings.append(saving)
    seconds = time.perf_counter() - started
    values = np.asarray(savings)
    return seconds, float(values.mean()), float(values.std(ddof=1) / math.sqrt(draws))


def npv_loop(draws: int) -> float:
    """The model per draw with numpy-financial's npv on each option's real flows: seconds."""
    import numpy_financial as npf

    rng = np.random.default_rng(2)
    years = np.arange(10)
    started = time.perf_counter()
    for _ in range(draws):
        in_house, outsource, inflation = _flagship_draw(rng)
        deflator = (1 + inflation) ** years
        npf.npv(0.035, np.asarray(in_house) / deflator) - npf.npv(0.035, np.asarray(outsource) / deflator)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--loop-draws", type=int, default=20_000, help="draws for the per-draw loops")
    parser.add_argument("--rounds", type=int, default=9, help="rounds of floor and analysis, in turns")
    args = parser.parse_args()
    n, m = args.draws, args.loop_draws

    # The floor and the analysis in turns, several rounds: a machine that slows down for a while
    # slows both alike. Each is run twice in a round and timed the second time, warm (the first run
    # after the other leaves caches and freed memory in the other's shape). The best of each is
    # compared, and so is the median of each.
    floors, engines = [], []
    for _ in range(args.rounds):
        floor(n)
        floors.append(floor(n))
        engine(n)
        engines.append(engine(n))
    floor_seconds, floor_median = min(floors), statistics.median(floors)
    engine_seconds, engine_mean, engine_se = min(engines)
    engine_median = statistics.median(e[0] for e in engines)
    runs = [run_command(n) for _ in range(3)]
    command_seconds = min(r[0] for r in runs)
    peak = max(r[1] for r in runs)
    loop_seconds, loop_mean, loop_se = python_loop(m)
    npv_seconds = npv_loop(m)
    scale = n / m

    print(f"draws: {n:,} (loops timed on {m:,} and scaled)")
    print(f"command (fresh process, JSON to a file): {command_seconds:.2f} s wall, peak {peak:.0f} MiB")
    print(f"in-process analysis: best {engine_seconds:.3f} s, median {engine_median:.3f} s ({args.rounds} rounds)")
    print(f"floor (numpy drawing the same inputs): best {floor_seconds:.3f} s, median {floor_median:.3f} s")
    print(
        f"analysis / floor: {engine_seconds / floor_seconds:.2f}x (best), {engine_median / floor_median:.2f}x (median)"
    )
    print(f"plain Python loop: {loop_seconds * scale:.1f} s ({loop_seconds * scale / engine_seconds:.0f}x the engine)")
    print(f"numpy-financial npv per draw: {npv_seconds * scale:.1f} s ({npv_seconds * scale / engine_seconds:.0f}x)")
    gap = abs(engine_mean - loop_mean)
    allowed = 5 * math.hypot(engine_se, loop_se)
    print(f"mean PV saving: engine {engine_mean:.3f} ± {engine_se:.3f}, loop {loop_mean:.3f} ± {loop_se:.3f}")
    print(f"agree within 5 standard errors: {'yes' if gap <= allowed else 'NO'} (gap {gap:.3f}, allowed {allowed:.3f})")
    for draws in (250_000, 2_000_000, 4_000_000):
        seconds, mib = run_command(draws)
        print(f"memory at {draws:,} draws: peak {mib:.0f} MiB ({seconds:.2f} s)")
    named_inputs(n, args.rounds)


def named_inputs(draws: int, rounds: int) -> None:
    """The 30-named-input scenario: its analysis against its floor, in turns, as for the flagship; and on one
    worker thread, against the same floor (a figure a busy machine disturbs less: both use one core)."""
    floors, engines, single = [], [], []
    for _ in range(rounds):
        floor(draws, NAMED_INPUTS)
        floors.append(floor(draws, NAMED_INPUTS))
        engine(draws, NAMED_INPUTS)
        engines.append(engine(draws, NAMED_INPUTS)[0])
        single.append(engine(draws, NAMED_INPUTS, workers=1)[0])
    print(f"named inputs (30, 10 of them formulas), {draws:,} draws:")
    print(
        f"  floor (numpy drawing its 20 distributions and 1 risk): best {min(floors):.3f} s, median "
        f"{statistics.median(floors):.3f} s"
    )
    for label, times in (("in-process analysis", engines), ("the same on one worker thread", single)):
        best, median = min(times) / min(floors), statistics.median(times) / statistics.median(floors)
        print(f"  {label}: best {min(times):.3f} s, median {statistics.median(times):.3f} s")
        print(f"    / floor: {best:.2f}x (best), {median:.2f}x (median)")


if __name__ == "__main__":
    main()
