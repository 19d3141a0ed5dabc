"""Benchmarks of the Monte Carlo run at every size issue 16 names (run on demand: `make bench`).

For each case (the council case, the named-inputs case, the contracts case, and the three sizes of
benchmarks/sizes/):
- the floor: numpy alone drawing the same inputs (each distribution, and one uniform per risk per draw);
- the analysis: what `run --draws N -f json -o FILE` does beyond `run --draws 0`, in process (the
  central run, the Monte Carlo run and its summary, the JSON written to a file); the floor and the
  analysis in turns over several rounds, best and median of each, wall and CPU seconds;
- the stages, on one thread (CPU seconds): drawing, evaluation, putting chunks in place (sorting
  runs, moments, counts), yearly bands, the headline summary (percentiles), the output;
- the command in a fresh process: its fixed cost (`--draws 0`: start-up, validation, output) and
  its peak memory at 1,000,000 draws (and at 250,000, to see it grow linearly).
Beside them the machine's sort speed (np.sort of 1,000,000 doubles), draw speed and load average,
since ratios to the floor depend on them. For the council case it also checks the engine against a
plain per-draw Python loop of benchmarks/loop_check.yaml, the council case as it was before issue 11 (their
mean PV savings must agree within the standard errors).

Each case takes five rounds, or as many (two at least) as fit in `--budget` seconds (60); `--quick` takes
two and skips the memory runs at 250,000 draws. On a quiet 2-core machine the whole bench takes minutes,
most of them the large case.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT / "scenarios" / "one_barnet_council_case.yaml"
NAMED_INPUTS = ROOT / "benchmarks" / "named_inputs.yaml"
# The council case with provider failure as a switch, a guarantee that ends with its provider, and
# indexation to CPI and to a drawn rate, with caps: contract mechanics must not cost the run its speed.
# It extends ../scenarios/one_barnet_council_case.yaml, so every case is read allowing that.
CONTRACTS = ROOT / "benchmarks" / "contracts.yaml"
SIZES = ROOT / "benchmarks" / "sizes"
CASES = {
    "council": FLAGSHIP,
    "named inputs": NAMED_INPUTS,
    "contracts": CONTRACTS,
    "small": SIZES / "small.yaml",
    "medium": SIZES / "medium.yaml",
    "large": SIZES / "large.yaml",
}
STAGES = ("drawing", "evaluation", "chunks put", "bands", "summary", "output")


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


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_command(path: Path, draws: int, measured: bool = True) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak resident memory (MiB) of `barnetmodel run` in a
    fresh process, JSON to a file. Unmeasured (`measured` False), the plain command: no memory figure."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        head = [sys.executable, "-c", MEASURED] if measured else [sys.executable, "-m", "barnetmodel"]
        command = [*head, "run", str(path), "--draws", str(draws), "-f", "json", "-o", str(out)]
        command.append("--allow-extends-outside")  # our own files: contracts.yaml extends the council case
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024 if measured else math.nan
    return seconds, cpu, peak


def timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds (all threads) of `work`, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def floor(draws: int, path: Path) -> Callable[[], None]:
    """numpy drawing a scenario's inputs: its own samplers, one array each, and a uniform per risk."""
    from barnetmodel.scenario.load import load
    from barnetmodel.scenario.paths import uncertain

    scenario = load(str(path), allow_extends_outside=True).scenario
    rng = np.random.default_rng(0)
    distributions = list(uncertain(scenario).values())
    risks = sum(len(option.risks) for option in scenario.options.values())

    def draw() -> None:
        for distribution in distributions:
            distribution.sample(rng, draws)
        for _ in range(risks):
            rng.random(draws)

    return draw


def analysis(draws: int, path: Path, out: Path) -> Callable[[], dict[str, Any]]:
    """What `run FILE --draws N -f json -o OUT` does after loading: the analysis and its JSON, written."""
    from barnetmodel.analysis.analyse import analyse
    from barnetmodel.output import json_out
    from barnetmodel.output.atomic import write_output
    from barnetmodel.scenario.load import load

    loaded = load(str(path), allow_extends_outside=True)

    def work() -> dict[str, Any]:
        with np.errstate(over="ignore", invalid="ignore"):
            results = analyse(loaded, draws=draws)
        write_output(str(out), json_out.render(results))
        return results

    return work


def stages(draws: int, path: Path, out: Path) -> dict[str, float]:
    """CPU seconds of each stage of the analysis, on one thread, in the engine's order: the engine's own
    steps (engine/simulate.py) called one after another instead of by its workers."""
    from barnetmodel.analysis.results import summarise
    from barnetmodel.engine import simulate as sim_module
    from barnetmodel.engine.projection import project
    from barnetmodel.engine.sampling import Sampler, chunk_sizes
    from barnetmodel.output import json_out
    from barnetmodel.output.atomic import write_output
    from barnetmodel.scenario.load import load

    scenario = load(str(path), allow_extends_outside=True).scenario
    settings = scenario.uncertainty
    spent = dict.fromkeys(STAGES, 0.0)

    def clock(stage: str, work: Callable[[], Any]) -> Any:
        started = time.process_time()
        result = work()
        spent[stage] += time.process_time() - started
        return result

    kept = sim_module.WORKERS
    sim_module.WORKERS = 1
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            sampler = Sampler(scenario, settings.seed, settings.sampling)
            sim = sim_module.Simulation(scenario, draws, settings.seed, settings.sampling)
            sums = sim_module._sums(scenario, project(scenario).discount_factor)
            sizes = chunk_sizes(draws, settings.sampling, sim_module.chunk_draws(scenario))
            sim.allocate(sizes, sums)
            # Chunks evaluated together in batches, and a chunk over a batch's bound in slices, as the engine's
            # workers do (simulate._run_batch).
            most, most_with_bands = sim_module.batch_draws(scenario)
            for first, count in sim_module.batches(sizes, sim.band_sizes, most, most_with_bands):
                batch, bands = (
                    [int(size) for size in sizes[first : first + count]],
                    sim.band_sizes[first : first + count],
                )
                drawn = [clock("drawing", lambda size=size: sampler.draw(size)) for size in batch]
                inputs = clock("evaluation", lambda drawn=drawn: sim_module._joined(drawn))
                b = sim_module._band_draws(batch, bands)
                limit = most_with_bands if any(bands) else most
                chunk = clock(
                    "evaluation",
                    lambda i=inputs, b=b, limit=limit: sim_module.evaluate_in_slices(scenario, i, sums, b, limit),
                )
                for k, part in enumerate(sim_module._parts(chunk, batch, bands)):
                    clock("chunks put", lambda index=first + k, part=part: sim.put(index, part))
            sim.bands = clock("bands", lambda: {key: job() for key, job in sim_module._band_jobs(sim)})
            summary = clock("summary", lambda: sim_module.summarise_simulation(sim))

            def output() -> None:
                results = summarise(project(scenario), file_name=path.name, sha256="")
                results["uncertainty"] = summary
                write_output(str(out), json_out.render(results))

            clock("output", output)
    finally:
        sim_module.WORKERS = kept
    return spent


@dataclass
class Case:
    name: str
    path: Path
    floor_wall: list[float]
    floor_cpu: list[float]
    wall: list[float]
    cpu: list[float]
    stages: dict[str, float]
    fixed: tuple[float, float]  # command with --draws 0: wall, CPU (best of three)
    whole: float  # command with the draws: wall seconds (best of three, one with --quick)
    peak: dict[int, tuple[float, float]]  # draws -> (wall seconds, MiB) of the command
    results: dict[str, Any]


def measure(
    name: str, path: Path, draws: int, rounds: int, budget: float, memory_draws: tuple[int, ...], commands: int
) -> Case:
    """The floor and the analysis in turns, `rounds` times after one warm-up of each (a machine that slows
    down for a while slows both alike), fewer (two at least) if they would take more than `budget` seconds;
    then the stages, the command's fixed cost, the whole command (`commands` times) and its memory."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        draw, work = floor(draws, path), analysis(draws, path, out)
        _, _, results = timed(work)
        warm = timed(draw)[0] + timed(work)[0]  # both warm: the first analysis read the reference data
        rounds = max(2, min(rounds, int(budget / warm)))
        floor_wall, floor_cpu, wall, cpu = [], [], [], []
        for _ in range(rounds):
            seconds, used, _ = timed(draw)
            floor_wall.append(seconds)
            floor_cpu.append(used)
            seconds, used, results = timed(work)
            wall.append(seconds)
            cpu.append(used)
        spent = stages(draws, path, out)
    fixed = min((run_command(path, 0, measured=False) for _ in range(3)), key=lambda r: r[0])
    whole = min(run_command(path, draws, measured=False)[0] for _ in range(commands))
    peak = {n: run_command(path, n)[::2] for n in memory_draws}
    return Case(name, path, floor_wall, floor_cpu, wall, cpu, spent, fixed[:2], whole, peak, results)


def machine(draws: int) -> dict[str, float]:
    """The machine's own speed, best of five: np.sort of `draws` doubles, and drawing them (uniform, normal)."""
    rng = np.random.default_rng(1)
    values = rng.random(draws)
    speeds = {
        "sort": min(timed(lambda: np.sort(values))[0] for _ in range(5)),
        "uniform": min(timed(lambda: rng.random(draws))[0] for _ in range(5)),
        "normal": min(timed(lambda: rng.standard_normal(draws))[0] for _ in range(5)),
    }
    return speeds


def ratio(a: list[float], b: list[float]) -> str:
    return f"{min(a) / min(b):.2f}x best, {statistics.median(a) / statistics.median(b):.2f}x median"


def report(case: Case, draws: int) -> None:
    size = case.path.stat().st_size
    print(f"\n{case.name}: {case.path.relative_to(ROOT)} ({size / 1024:.1f} KiB), {draws:,} draws")
    print(
        f"  floor: best {min(case.floor_wall):.3f} s, median {statistics.median(case.floor_wall):.3f} s wall; "
        f"CPU best {min(case.floor_cpu):.3f} s"
    )
    print(
        f"  analysis (in process, JSON to a file): best {min(case.wall):.3f} s, median "
        f"{statistics.median(case.wall):.3f} s wall; CPU best {min(case.cpu):.3f} s"
    )
    print(f"  analysis / floor, wall: {ratio(case.wall, case.floor_wall)} ({len(case.wall)} rounds)")
    print(f"  analysis / floor, CPU (work done, both threads): {ratio(case.cpu, case.floor_cpu)}")
    total = sum(case.stages.values())
    parts = ", ".join(f"{stage} {seconds:.3f}" for stage, seconds in case.stages.items())
    print(f"  stages on one thread, CPU s: {parts}; total {total:.3f} ({total / min(case.floor_cpu):.2f}x floor)")
    print(
        f"  command --draws 0 (start-up, validation, output): {case.fixed[0]:.2f} s wall, {case.fixed[1]:.2f} s CPU "
        "(best of 3)"
    )
    # The issue's own measure: what the draws add to the command, each in a fresh process (which pays for
    # the memory it touches for the first time, and the modules only a Monte Carlo run imports).
    print(
        f"  command at {draws:,} draws: {case.whole:.2f} s wall (best); minus --draws 0, over the floor: "
        f"{(case.whole - case.fixed[0]) / min(case.floor_wall):.2f}x"
    )
    for n, (seconds, mib) in case.peak.items():
        print(f"  command at {n:,} draws (peak memory measured): {seconds:.2f} s wall, peak {mib:.0f} MiB")


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
    """The council case as a plain per-draw Python loop: seconds, mean PV saving, its standard error."""
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
    """The council case per draw with numpy-financial's npv on each option's real flows: seconds."""
    import numpy_financial as npf

    rng = np.random.default_rng(2)
    years = np.arange(10)
    started = time.perf_counter()
    for _ in range(draws):
        in_house, outsource, inflation = _flagship_draw(rng)
        deflator = (1 + inflation) ** years
        npf.npv(0.035, np.asarray(in_house) / deflator) - npf.npv(0.035, np.asarray(outsource) / deflator)
    return time.perf_counter() - started


LOOP_CASE = ROOT / "benchmarks" / "loop_check.yaml"  # the model _flagship_draw writes out by hand


def check_flagship(case: Case, loop_draws: int, draws: int) -> None:
    """The engine against a plain per-draw Python loop and numpy-financial's npv, on the council case as it was
    before issue 11 (benchmarks/loop_check.yaml: few enough parts to write out by hand); timed beside the
    engine's analysis of that same file."""
    with tempfile.TemporaryDirectory() as folder:
        work = analysis(draws, LOOP_CASE, Path(folder) / "loop_check.json")
        started = time.perf_counter()
        results = work()
        engine = time.perf_counter() - started
    saving = results["uncertainty"]["options"][1]["saving_present_value"]
    seconds, mean, se = python_loop(loop_draws)
    gap, allowed = abs(saving["mean"] - mean), 5 * math.hypot(saving["standard_error"], se)
    scale = draws / loop_draws
    print(f"  check: {LOOP_CASE.relative_to(ROOT)}, the engine's analysis {engine:.2f} s for {draws:,} draws")
    print(
        f"  plain Python loop: {seconds * scale:.1f} s for {draws:,} draws ({seconds * scale / engine:.0f}x the engine)"
    )
    npv = npv_loop(loop_draws) * scale
    print(f"  numpy-financial npv per draw: {npv:.1f} s ({npv / engine:.0f}x); loops timed on {loop_draws:,} draws")
    print(f"  mean PV saving: engine {saving['mean']:.3f} ± {saving['standard_error']:.3f}, loop {mean:.3f} ± {se:.3f}")
    print(
        f"  agree within 5 standard errors: {'yes' if gap <= allowed else 'NO'} (gap {gap:.3f}, allowed {allowed:.3f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of floor and analysis, in turns")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds of rounds a case, at most (2 rounds at least)"
    )
    parser.add_argument("--quick", action="store_true", help="2 rounds, no memory run at 250,000 draws")
    parser.add_argument("--cases", nargs="*", choices=list(CASES), default=list(CASES), help="which cases")
    parser.add_argument("--loop-draws", type=int, default=20_000, help="draws for the council case's Python loop")
    args = parser.parse_args()
    draws, rounds = args.draws, 2 if args.quick else args.rounds
    memory_draws = (draws,) if args.quick else (250_000, draws)
    started = time.perf_counter()
    from sizes import stale  # benchmarks/sizes.py, beside this script

    if stale():
        sys.exit(f"benchmarks/sizes/ is not what benchmarks/sizes.py writes: run it ({', '.join(map(str, stale()))})")
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(f"load average at the start: {load_average()}")
    speeds = machine(draws)
    print(
        f"machine: np.sort of {draws:,} doubles {speeds['sort'] * 1000:.0f} ms; drawing {draws:,} uniforms "
        f"{speeds['uniform'] * 1000:.1f} ms, normals {speeds['normal'] * 1000:.1f} ms (best of 5)"
    )
    for name in args.cases:
        case = measure(name, CASES[name], draws, rounds, args.budget, memory_draws, 1 if args.quick else 3)
        report(case, draws)
        if name == "council":
            check_flagship(case, args.loop_draws, draws)
        print(f"  load average: {load_average()}")
    print(f"\nbench took {time.perf_counter() - started:.0f} s; load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
