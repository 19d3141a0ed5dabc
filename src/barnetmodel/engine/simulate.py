"""Monte Carlo: the engine over chunks of draws, each chunk summed up as it comes, and the summary."""

from __future__ import annotations

import ctypes
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import Any

import numpy as np

from barnetmodel.engine.projection import Inputs, project
from barnetmodel.engine.sample_stats import bands, describe, moments, proportion_error
from barnetmodel.engine.sampling import Sampler, chunk_sizes
from barnetmodel.engine.targets import meets, target_options
from barnetmodel.errors import Path, ValueProblem
from barnetmodel.limits import DRAW_MEMORY, FIGURE_BYTES, MAX_DRAWS
from barnetmodel.scenario.models import Scenario

# Yearly bands come from the first draws only: enough for a band's precision, and memory stays flat. Their
# yearly costs take 8 bytes an option, year and draw: with many options and years, fewer draws, within BAND_MEMORY.
BAND_DRAWS = 100_000
LATIN_HYPERCUBE = "latin_hypercube"
BAND_MEMORY = 128 << 20
# What the values drawn and made for one chunk may take (8 bytes each): a scenario with many uncertain inputs,
# risks, options or years has chunks of fewer than sampling.CHUNK draws, so that the chunks in flight fit.
CHUNK_MEMORY = 96 << 20
# The fewest draws of a chunk, and of a slice of one evaluated apart: fewer, and the Python work of each line
# would outweigh the arithmetic.
LEAST_DRAWS = 256
# Evaluating a batch costs some 50 microseconds of Python a line whatever its draws: a scenario of hundreds of
# lines, whose draws make so many values that CHUNK_MEMORY holds a batch of few draws, spends a fifth of its
# time on that, and two workers contend for the interpreter while they run it. Its batches may take up to
# BATCH_STRETCH times CHUNK_MEMORY, to reach FULL_BATCH draws (benchmarks/sizes/large.yaml, 360 lines over 50
# years: batches of 18,931 draws, not 6,310; 1,000,000 draws in 9.2 s, not 13.8 s, peak memory 789 MiB, not
# 460 MiB; benchmarks/RESULTS.md). Batches group chunks: no figure changes.
FULL_BATCH = 32_768
BATCH_STRETCH = 3
# numpy lets go of the GIL in its loops, so two threads use both cores of a small machine.
WORKERS = 2
# How long a worker may hold the interpreter while the other waits for it (Python's default: 5 ms). numpy lets go
# of it only in loops over many values: a worker whose loop ends waits for the other to reach one, or for this
# interval, while that one runs a stretch of Python and small arrays. Shorter, the workers wait less: 1-8% off
# the Monte Carlo run's wall time (benchmarks/RESULTS.md), for more switches between them.
SWITCH_INTERVAL = 0.0005
# Chunks handed to the workers and not yet collected, at most: enough that the workers never wait on
# the collecting, few enough that memory stays flat.
IN_FLIGHT = 2 * WORKERS
MEASURES = ("cost_nominal", "cumulative_saving_nominal")


Key = tuple[str, ...]  # a headline figure: (measure, option) or ("achieved", target, option)


@dataclass
class Simulation:
    """What the draws produced, for every option (money in the scenario's unit). Each chunk of draws
    is put in place by the worker that evaluated it: its per-draw values of each headline figure (for
    exact percentiles, found in linear time at the end), their moments, and counts. Chunks never share a place,
    so the threads change no figure."""

    scenario: Scenario
    draws: int
    seed: int
    sampling: str
    sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))  # (chunks,) draws in each
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))  # (chunks,) first draw
    values: dict[Key, np.ndarray] = field(default_factory=dict)  # (draws,): each figure's value in each draw
    moments: dict[Key, np.ndarray] = field(default_factory=dict)  # (chunks, 2): each chunk's mean, squares
    same: dict[Key, Key] = field(default_factory=dict)  # figure -> the figure it equals, kept once
    cheapest: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (chunks, options) draws cheapest
    cheaper: dict[str, np.ndarray] = field(default_factory=dict)  # option -> (chunks,) draws below the baseline
    met: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (target, option) -> (chunks,)
    yearly_cost: dict[str, np.ndarray] = field(default_factory=dict)  # option -> (years, band draws)
    band_sizes: list[int] = field(default_factory=list)  # each chunk's draws that go into the bands
    # (option, measure) -> percentile -> one value a year; worked out as soon as the band draws are in.
    bands: dict[tuple[str, str], dict[str, list[float]]] = field(default_factory=dict)

    @property
    def band_draws(self) -> int:
        return sum(self.band_sizes)

    @property
    def replicated(self) -> bool:
        """Whether the chunks are independent Latin Hypercube samples, whose spread gives the errors."""
        return self.sampling == LATIN_HYPERCUBE

    def figures(self) -> list[Key]:
        """The headline figures with a distribution, in the order they are reported."""
        keys: list[Key] = []
        for option in self.scenario.options:
            keys += [("cost_present_value", option), ("cost_nominal", option)]
            if option != self.scenario.baseline:
                keys += [("saving_present_value", option), ("saving_nominal", option)]
        for target in self.scenario.targets:
            keys += [("achieved", target.name, option) for option in target_options(self.scenario, target)]
        return keys

    def same_as(self, sums: _Sums) -> dict[Key, Key]:
        """Figures that are another figure, draw for draw: a target that counts the whole saving over the
        horizon, in its price basis, is the option's total saving. Sorted and described once."""
        same: dict[Key, Key] = {}
        for target in self.scenario.targets:
            basis, column = sums.column[target.name]
            for option in target_options(self.scenario, target):
                if column == 0 and option != self.scenario.baseline and not has_transfers(self.scenario):
                    same[("achieved", target.name, option)] = (_SAVING[basis], option)
        return same

    def allocate(self, sizes: list[int], sums: _Sums) -> None:
        chunks = len(sizes)
        self.sizes = np.asarray(sizes, dtype=np.intp)
        self.starts = np.cumsum([0, *sizes])[:-1].astype(np.intp)
        self.band_sizes = band_sizes(sizes, self.sampling, band_room(self.scenario))
        self.same = self.same_as(sums)
        for key in self.figures():
            if key not in self.same:
                self.values[key] = np.empty(self.draws)
                self.moments[key] = np.empty((chunks, 2))
        options = list(self.scenario.options)
        self.cheapest = np.zeros((chunks, len(options)), dtype=np.int64)
        self.cheaper = {o: np.zeros(chunks, dtype=np.int64) for o in options if o != self.scenario.baseline}
        for target in self.scenario.targets:
            for option in target_options(self.scenario, target):
                self.met[(target.name, option)] = np.zeros(chunks, dtype=np.int64)
        for option in options:
            self.yearly_cost[option] = np.empty((self.scenario.horizon.years, self.band_draws))

    def put(self, index: int, chunk: _Chunk) -> None:
        """Sum up chunk `index` into its own places. Safe in a thread: no other chunk writes there."""
        start = int(self.starts[index])
        end = start + chunk.draws
        for key, values in chunk.values.items():
            self.values[key][start:end] = values
            self.moments[key][index] = moments(values)
        pv = {option: chunk.values[("cost_present_value", option)] for option in self.scenario.options}
        self.cheapest[index] = np.bincount(_cheapest(list(pv.values())), minlength=len(pv))
        baseline = pv[self.scenario.baseline]
        for option, counts in self.cheaper.items():
            counts[index] = np.count_nonzero(pv[option] < baseline)  # b - a > 0 exactly when a < b
        for key, met in chunk.met.items():
            self.met[key][index] = np.count_nonzero(met)
        for option, yearly in chunk.yearly_nominal.items():
            self.yearly_cost[option][:, start : start + yearly.shape[1]] = yearly


@dataclass(frozen=True)
class _Chunk:
    """What one chunk of draws produced, per draw."""

    draws: int
    values: dict[Key, np.ndarray]  # headline figure -> (n,)
    met: dict[tuple[str, str], np.ndarray]  # (target, option) -> (n,) whether the target is met
    yearly_nominal: dict[str, np.ndarray]  # option -> (years, draws kept for the bands); empty past BAND_DRAWS

    @staticmethod
    def joined(pieces: list[_Chunk]) -> _Chunk:
        """Slices of one evaluation's draws, in order, as one."""
        if len(pieces) == 1:
            return pieces[0]
        first = pieces[0]
        values = {key: np.concatenate([piece.values[key] for piece in pieces]) for key in first.values}
        met = {key: np.concatenate([piece.met[key] for piece in pieces]) for key in first.met}
        kept = [piece.yearly_nominal for piece in pieces if piece.yearly_nominal]
        yearly = {option: np.concatenate([y[option] for y in kept], axis=1) for option in kept[0]} if kept else {}
        return _Chunk(sum(piece.draws for piece in pieces), values, met, yearly)

    def part(self, first: int, draws: int, band_draws: int) -> _Chunk:
        """Draws first to first + draws of an evaluation of several chunks: one chunk's own (views, not copies)."""
        end = first + draws
        values = {key: value[first:end] for key, value in self.values.items()}
        met = {key: value[first:end] for key, value in self.met.items()}
        yearly = {o: y[:, first : first + band_draws] for o, y in self.yearly_nominal.items()} if band_draws else {}
        return _Chunk(draws, values, met, yearly)


@dataclass(frozen=True)
class _Sums:
    """Weights over the years of every per-draw sum a chunk keeps, one matrix per price basis: each
    option's yearly costs are then read once per basis, not once per figure."""

    nominal: np.ndarray  # (years, 1 + k): all ones (the nominal total), then nominal targets' weights
    real: np.ndarray  # (years, 1 + k): discount factors (the present value), then real targets' weights
    column: dict[str, tuple[str, int]]  # target -> (basis, its column in that basis's matrix)


_SAVING = {"nominal": "saving_nominal", "real": "saving_present_value"}  # the total saving per weights basis


def has_transfers(scenario: Scenario) -> bool:
    """Whether any line is a transfer: then present values (economic) and cash figures differ in what they count."""
    return any(line.transfer for option in scenario.options.values() for line in option.lines)


def _sums(scenario: Scenario, discount: np.ndarray) -> _Sums:
    index = np.arange(scenario.horizon.years)
    weights: dict[str, list[np.ndarray]] = {"nominal": [np.ones(len(index))], "real": [discount]}
    column: dict[str, tuple[str, int]] = {}
    for target in scenario.targets:
        basis = target.prices or scenario.money.prices
        last = (scenario.horizon.end if target.by is None else target.by) - scenario.horizon.start
        # The saving counted: in one year, or added up to it, as a weighted sum over the years. The same
        # weights as a column already there (the total, another target's) are that column.
        counted = ((index == last) if target.measure == "annual" else (index <= last)).astype(float)
        same = [j for j, w in enumerate(weights[basis]) if np.array_equal(w, counted)]
        column[target.name] = (basis, same[0] if same else len(weights[basis]))
        if not same:
            weights[basis].append(counted)
    return _Sums(np.column_stack(weights["nominal"]), np.column_stack(weights["real"]), column)


def _evaluate(scenario: Scenario, inputs: Inputs, sums: _Sums, band_draws: int) -> _Chunk:
    """Run the engine on one chunk of draws and keep what the summary needs: per-draw sums over the years
    (taken from the factored flows), and whole yearly costs for its first `band_draws` draws only."""
    projection = project(scenario, inputs)
    by_basis = {basis: projection.weighted(basis, getattr(sums, basis)) for basis in ("nominal", "real")}
    # Present values are the economic case's: without transfers, where there are any (a cash target keeps them).
    present = by_basis["real"]
    if has_transfers(scenario):
        present = projection.weighted("real", sums.real[:, :1], economic=True)
    values: dict[Key, np.ndarray] = {}
    for option in scenario.options:
        values[("cost_present_value", option)] = present[option][0]
        values[("cost_nominal", option)] = by_basis["nominal"][option][0]
    for option in scenario.options:
        if option != scenario.baseline:
            values[("saving_present_value", option)] = present[scenario.baseline][0] - present[option][0]
            values[("saving_nominal", option)] = (
                by_basis["nominal"][scenario.baseline][0] - by_basis["nominal"][option][0]
            )
    met: dict[tuple[str, str], np.ndarray] = {}
    for target in scenario.targets:
        basis, column = sums.column[target.name]
        for option in target_options(scenario, target):
            if column == 0 and option != scenario.baseline and present is by_basis["real"]:  # that figure already
                saving = values[(_SAVING[basis], option)]
            else:
                saving = by_basis[basis][scenario.baseline][column] - by_basis[basis][option][column]
                values[("achieved", target.name, option)] = saving
            met[(target.name, option)] = meets(saving, projection.target_amount[target.name])
    yearly = {}
    if band_draws:
        # Each year's cost, years as rows, from the factored flows.
        by_year = projection.nominal_by_year()
        yearly = {option: by_year[option][:, :band_draws] for option in scenario.options}
    return _Chunk(inputs.draws, values, met, yearly)


class _Turns:
    """Each random stream draws its chunks one at a time and in chunk order, whichever worker runs them: each
    input's stream is one sequence, continued chunk after chunk. The turns are per stream, so while one
    worker draws a stream for its chunk, the other can draw another stream for the next chunk."""

    def __init__(self, sampler: Sampler):
        self.sampler = sampler
        self.next: dict[Path, int] = {}
        self.failed = False
        self.turn = threading.Condition()

    def draw(self, index: int, draws: int) -> Inputs:
        return self.sampler.draw(draws, partial(self._stream_turn, index))

    @contextmanager
    def _stream_turn(self, index: int, path: Path) -> Iterator[None]:
        with self.turn:
            self.turn.wait_for(lambda: self.failed or self.next.get(path, 0) == index)
            if self.failed:  # an earlier chunk stopped short of this stream: its error is the one reported
                raise RuntimeError("an earlier chunk failed to draw")
        try:
            yield
        except BaseException:
            with self.turn:  # later chunks would wait for ever on the streams this chunk did not reach
                self.failed = True
                self.turn.notify_all()
            raise
        with self.turn:
            self.next[path] = index + 1
            self.turn.notify_all()


def _run_batch(
    sim: Simulation,
    first: int,
    turns: _Turns,
    sizes: list[int],
    sums: _Sums,
    bands: list[int],
    fixed: dict[object, np.ndarray],
    most: int,
) -> int:
    """Draw chunks first, first + 1, ... (of `sizes` draws, `bands` of them kept for the bands) each in its
    turn, evaluate them together and put each in its place; their number of draws. Each chunk is drawn as
    if alone (its own correlations, its own replicate), and the engine works draw by draw, so the figures
    are those of evaluating each chunk on its own; together, the engine's work per call (a few calls a
    line) is spread over more draws. Both workers draw as well as evaluate, so the work is shared
    between the cores. `fixed`: the values no draw changes, made by the first batch to need them and
    shared by all (Inputs.fixed). A chunk of more than `most` draws (a batch of one) is evaluated in slices
    of at most `most`, within the memory batch_draws counts: the engine works draw by draw, so the figures
    are the same."""
    drawn = [turns.draw(first + k, size) for k, size in enumerate(sizes)]
    inputs = replace(_joined(drawn), fixed=fixed)
    try:
        chunk = evaluate_in_slices(sim.scenario, inputs, sums, _band_draws(sizes, bands), most)
    except ValueProblem as problem:  # the row is a draw of this batch: say which of all the draws it is
        context = "" if problem.row is None else f"in draw {int(sim.starts[first]) + problem.row + 1:,}"
        raise ValueProblem(problem.path, problem.text(context)) from None
    for k, part in enumerate(_parts(chunk, sizes, bands)):
        sim.put(first + k, part)
    return inputs.draws


def evaluate_in_slices(scenario: Scenario, inputs: Inputs, sums: _Sums, band_draws: int, most: int) -> _Chunk:
    """_evaluate over the draws of `inputs`, in slices of at most `most` draws (_slices), joined: the same
    figures as at once (the engine works draw by draw), within the memory batch_draws counts. A ValueProblem's
    row is a row of `inputs`."""
    pieces = []
    for start, size in zip(*_slices(inputs.draws, most), strict=True):
        piece = inputs if size == inputs.draws else _rows(inputs, start, size)
        try:
            pieces.append(_evaluate(scenario, piece, sums, min(max(band_draws - start, 0), size)))
        except ValueProblem as problem:
            if problem.row is not None:
                problem.row += start
            raise
    return _Chunk.joined(pieces)


def _band_draws(sizes: list[int], bands: list[int]) -> int:
    """The draws of a batch kept for the bands: the bands' draws are the first of all, so whole chunks then a
    part of the last (batches never go on past a chunk whose draws are kept in part)."""
    return sum(sizes[:-1]) + bands[-1] if bands[-1] else 0


def _parts(chunk: _Chunk, sizes: list[int], bands: list[int]) -> list[_Chunk]:
    """A batch's evaluation, chunk by chunk."""
    if len(sizes) == 1:
        return [chunk]
    starts = np.cumsum([0, *sizes])
    return [chunk.part(int(starts[k]), size, band) for k, (size, band) in enumerate(zip(sizes, bands, strict=True))]


def _joined(parts: list[Inputs]) -> Inputs:
    """The inputs of several chunks as one, their draws one after another."""
    if len(parts) == 1:
        return parts[0]

    def joined(key: str) -> dict[Path, np.ndarray]:
        first: Mapping[Path, np.ndarray] = getattr(parts[0], key)
        return {path: np.concatenate([getattr(part, key)[path] for part in parts]) for path in first}

    return Inputs(
        draws=sum(part.draws for part in parts),
        values=joined("values"),
        events=joined("events"),
        yearly=joined("yearly"),
    )


def _slices(draws: int, most: int) -> tuple[list[int], list[int]]:
    """The first draw and the draws of each slice a batch is evaluated in: one slice when it is within `most`
    draws, else near-equal slices of at most `most`, split as chunks are (sampling.chunk_sizes); never a slice
    of one draw out of many: one row is what the engine takes for a value no draw changes."""
    sizes = chunk_sizes(draws, most=max(most, 2))
    return [int(start) for start in np.cumsum([0, *sizes[:-1]])], sizes


def _rows(inputs: Inputs, start: int, draws: int) -> Inputs:
    """Draws start to start + draws of a batch's inputs (views, not copies), sharing its fixed values."""
    end = start + draws
    return replace(
        inputs,
        draws=draws,
        values={path: value[start:end] for path, value in inputs.values.items()},
        events={path: value[start:end] for path, value in inputs.events.items()},
        yearly={path: value[start:end] for path, value in inputs.yearly.items()},
    )


def batches(sizes: list[int], band_sizes: list[int], most: int, most_with_bands: int) -> list[tuple[int, int]]:
    """Consecutive chunks evaluated together, as (first, count): as many as fit in `most` draws, or in
    `most_with_bands` for chunks that keep draws for the bands (each year's cost takes memory with the
    years); one at least. Those chunks go apart from the others, and a batch ends with a chunk whose draws
    are kept in part (the bands' draws are the first of all: in a batch, whole chunks then a part)."""
    found: list[tuple[int, int]] = []
    for index, band in enumerate(band_sizes):
        if found:
            first, count = found[-1]
            together = sum(sizes[first : index + 1])
            same = bool(band) == bool(band_sizes[first])
            after_part = 0 < band_sizes[index - 1] < sizes[index - 1]
            if same and not after_part and together <= (most_with_bands if band else most):
                found[-1] = (first, count + 1)
                continue
        found.append((index, 1))
    return found


@cache
def keep_freed_memory() -> None:
    """Ask glibc's allocator to keep the memory a run frees, for the next chunk to reuse.

    By default it hands large blocks back to the system as soon as they are freed, so every chunk's
    arrays are new memory, and on a virtual machine each fresh page costs a fault of several
    microseconds: more than the arithmetic on it. Kept, the run's memory is faulted in once. This is
    process-wide and lasts (a Monte Carlo run's process is a short-lived command); the peak memory
    is unchanged, as memory is kept for reuse, not taken in advance. Elsewhere than glibc: nothing.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    mallopt(m_mmap_threshold, 32 << 20)  # blocks up to 32 MiB come from the reusable heap, not fresh mappings
    mallopt(m_trim_threshold, 1 << 30)  # and freed heap memory is kept, up to 1 GiB


def chunk_draws(scenario: Scenario) -> int:
    """Draws to a chunk: sampling.CHUNK, or fewer when each draw makes so many values (see _evaluation_values:
    uncertain inputs and the flows they change, risks' events, switches and guarantees, each option's yearly
    costs, the figures kept, the named inputs' values once, the rows of weighing the flows) that evaluating a
    chunk would take more than CHUNK_MEMORY; never so few that correlations cannot be imposed on a chunk, nor
    under LEAST_DRAWS. The chunks set the figures (means are pooled, correlations imposed and replicates taken
    chunk by chunk). A chunk that keeps draws for the bands makes more (each year's cost): it is evaluated in
    slices (batch_draws)."""
    from barnetmodel.engine import sampling

    correlated = 2 * len(scenario.uncertainty.correlations)
    values, _ = _evaluation_values(scenario)
    return max(min(sampling.CHUNK, CHUNK_MEMORY // (8 * values)), 2 * correlated + 2, LEAST_DRAWS)


def batch_draws(scenario: Scenario) -> tuple[int, int]:
    """Draws evaluated together, at most, for chunks that keep no draws for the bands and for those that do:
    what fits in batch_memory at the values a draw makes (_evaluation_values), and for the bands each year's
    cost besides; LEAST_DRAWS at least. Consecutive chunks within the bound are evaluated together (a batch);
    a chunk over it, alone and in slices (simulate._run_batch)."""
    values, yearly = _evaluation_values(scenario)
    return _within_memory(values), _within_memory(values + yearly)


def _within_memory(values: int) -> int:
    """The draws of a batch whose draws each make `values` values: as many as batch_memory holds, up to
    FULL_BATCH when it is stretched; LEAST_DRAWS at least."""
    memory = batch_memory(values)
    most = memory // (8 * values)
    return max(LEAST_DRAWS, min(most, FULL_BATCH) if memory > CHUNK_MEMORY else most)


def batch_memory(values: int) -> int:
    """What a batch whose draws each make `values` values may take: CHUNK_MEMORY, or BATCH_STRETCH times it
    when CHUNK_MEMORY holds fewer than FULL_BATCH of its draws."""
    return CHUNK_MEMORY if CHUNK_MEMORY // (8 * values) >= FULL_BATCH else BATCH_STRETCH * CHUNK_MEMORY


def _evaluation_values(scenario: Scenario) -> tuple[int, int]:
    """The values (8 bytes each) evaluating one draw makes, and those the bands' yearly costs add: what the
    projection makes (_values_a_draw), a drawn growth's powers times the price index (made one rate at a
    time), and weighing the flows over the years, which takes a row of draws for each profile they have
    (flows.weighed_rows, found on a projection of two draws: profiles are the scenario's, whatever the draws)
    and each sum kept: the total and targets' sums; and for the bands, each year's cost of every option, and what
    adding up the lines year by year holds besides (yearly.values_held)."""
    years = scenario.horizon.years
    probe = project(scenario, replace(Sampler(scenario, 0, "monte_carlo").draw(2), lenient=True))
    sums = 1 + len(scenario.targets)
    return _values_a_draw(scenario) + 2 * years + sums * probe.weighing_rows(), probe.by_year_values()


def _values_a_draw(scenario: Scenario) -> int:
    """The values (8 bytes each) one draw of a chunk makes: see chunk_draws."""
    from barnetmodel.engine.projection import values_per_draw
    from barnetmodel.scenario.paths import is_named, uncertain

    years = scenario.horizon.years
    # A risk's event: its uniform and the year it lands, or a whole yearly flow when it recurs.
    risks = sum(years if risk.recurring else 2 for option in scenario.options.values() for risk in option.risks)
    paths = list(uncertain(scenario))
    counts = values_per_draw(scenario, paths, events=True)
    named = [count for path, count in zip(paths, counts, strict=True) if is_named(path)]
    values = sum(counts) - sum(named[1:]) + risks  # the named inputs' values made once, for all of them
    values += len(scenario.options) * years + len(Simulation(scenario, 0, 0, "").figures())
    # A line drawn afresh each year (draw: yearly) draws a value a year.
    values += years * sum(line.draw == "yearly" for option in scenario.options.values() for line in option.lines)
    # Contract mechanics make whole (draws, years) arrays: a switch's change to each line it stops or starts in
    # the draws where it happens, and a guarantee's refund (the named lines' cost against its level, and what
    # is paid back). An option based on another makes its own of those it inherits.
    for name in scenario.options:
        switched = sum(len(risk.stops or []) + len(risk.fallback or []) for _, risk in scenario.risks_of(name))
        values += years * (switched + 2 * len(scenario.guarantees_of(name)))
    return values


def most_draws(scenario: Scenario) -> int:
    """The most draws of this scenario that fit the memory promised: each figure with a distribution keeps
    FIGURE_BYTES a draw (for exact percentiles), within DRAW_MEMORY; never more than MAX_DRAWS."""
    kept = len(Simulation(scenario, 0, 0, "").figures())
    return min(MAX_DRAWS, DRAW_MEMORY // (FIGURE_BYTES * max(kept, 1)))


def simulate(
    scenario: Scenario,
    draws: int,
    seed: int,
    sampling: str,
    on_chunk: Callable[[int], None] | None = None,
) -> Simulation:
    """Draw the uncertain inputs and risks `draws` times and sum up what each draw gave.

    Each chunk is drawn in its turn (each input's stream is one sequence), evaluated and put in place by
    a worker, into its own place, so threads change no figure.
    """
    keep_freed_memory()
    turns = _Turns(Sampler(scenario, seed, sampling))
    sim = Simulation(scenario, draws, seed, sampling)
    sums = _sums(scenario, project(scenario).discount_factor)
    sizes = chunk_sizes(draws, sampling, chunk_draws(scenario))
    sim.allocate(sizes, sums)
    most, most_with_bands = batch_draws(scenario)
    together = batches(sizes, sim.band_sizes, most, most_with_bands)
    fixed: dict[object, np.ndarray] = {}  # shared by the batches: Inputs.fixed
    filled = 0
    pending: deque[Future[int]] = deque()
    band_jobs: deque[tuple[tuple[str, str], Callable[[], dict[str, list[float]]]]] | None = None
    bands: dict[tuple[str, str], Future[dict[str, list[float]]]] = {}
    with _switching_every(SWITCH_INTERVAL), ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for first, count in together:
            batch, kept = [int(size) for size in sizes[first : first + count]], sim.band_sizes[first : first + count]
            pending.append(
                pool.submit(
                    _run_batch, sim, first, turns, batch, sums, kept, fixed, most_with_bands if any(kept) else most
                )
            )
            while len(pending) > IN_FLIGHT:  # a bounded number in flight keeps memory flat
                filled += _collect(pending.popleft(), on_chunk)
            if band_jobs is None and filled >= sim.band_draws:  # the bands' draws are all in
                band_jobs = deque(_band_jobs(sim))
            if band_jobs:  # one band beside each chunk, so that the chunks keep coming
                key, job = band_jobs.popleft()
                bands[key] = pool.submit(job)
        while pending:
            filled += _collect(pending.popleft(), on_chunk)
        for key, job in band_jobs if band_jobs is not None else _band_jobs(sim):
            bands[key] = pool.submit(job)
        sim.bands = {key: band.result() for key, band in bands.items()}
    return sim


@contextmanager
def _switching_every(seconds: float) -> Iterator[None]:
    """Threads switch turns on the interpreter every `seconds` at most while inside; as before after."""
    kept = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(kept)


def band_room(scenario: Scenario) -> int:
    """The draws the yearly bands keep: BAND_DRAWS, or fewer when a scenario's options and years are so many
    that their yearly costs (8 bytes an option, year and draw) would take more than BAND_MEMORY."""
    per_draw = 8 * len(scenario.options) * scenario.horizon.years
    return min(BAND_DRAWS, max(1, BAND_MEMORY // per_draw))


def band_sizes(sizes: list[int], sampling: str, room: int = BAND_DRAWS) -> list[int]:
    """How many draws of each chunk go into the yearly bands: the first `room` draws (BAND_DRAWS). Under
    Latin Hypercube whole chunks only, as many as `room` holds (at least one): a part of a chunk is not a
    stratified sample."""
    kept: list[int] = []
    for size in sizes:
        take = min(size, room)
        if sampling == LATIN_HYPERCUBE and take < size:
            take = 0 if sum(kept) else size
        kept.append(take)
        room -= take
    return kept


def _collect(future: Future[int], on_chunk: Callable[[int], None] | None) -> int:
    done = future.result()
    if on_chunk:
        on_chunk(done)
    return done


def _band_jobs(sim: Simulation) -> list[tuple[tuple[str, str], Callable[[], dict[str, list[float]]]]]:
    """(option, measure) and the work that makes its yearly bands, from the band draws: of nominal cost,
    and of the cumulative nominal saving (none for the baseline, which saves nothing against itself)."""
    baseline = sim.yearly_cost[sim.scenario.baseline]
    jobs: list[tuple[tuple[str, str], Callable[[], dict[str, list[float]]]]] = []
    for option, by_year in sim.yearly_cost.items():
        jobs.append(((option, "cost_nominal"), partial(bands, by_year)))
        if option == sim.scenario.baseline:
            jobs.append(((option, "cumulative_saving_nominal"), partial(bands, np.zeros((len(by_year), 1)))))
        else:
            jobs.append(((option, "cumulative_saving_nominal"), partial(_saving_bands, baseline, by_year)))
    return jobs


def _saving_bands(baseline: np.ndarray, cost: np.ndarray) -> dict[str, list[float]]:
    """Bands of the cumulative saving: years as rows, so the running sum is a few adds of whole rows."""
    return bands(np.cumsum(baseline - cost, axis=0))


def _cheapest(costs: list[np.ndarray]) -> np.ndarray:
    """Per draw, the index of the option with the lowest present value (the first on a tie, as argmin)."""
    lowest = costs[0].copy()
    index = np.zeros(len(lowest), dtype=np.intp)
    for k, cost in enumerate(costs[1:], start=1):
        np.putmask(index, cost < lowest, k)
        np.minimum(lowest, cost, out=lowest)
    return index


def summarise_simulation(sim: Simulation) -> dict[str, Any]:
    """The distribution of every headline figure, JSON-ready."""
    scenario = sim.scenario
    names = list(scenario.options)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:  # on both cores
        kept = list(sim.values)
        described = dict(
            zip(
                kept,
                pool.map(
                    lambda key: describe(sim.values[key], (sim.sizes, sim.moments[key]), sim.replicated),
                    kept,
                ),
                strict=True,
            )
        )
    described |= {key: described[same] for key, same in sim.same.items()}
    cheapest = sim.cheapest.sum(axis=0) / sim.draws
    options = []
    for k, option in enumerate(names):
        entry: dict[str, Any] = {
            "name": option,
            "cost_present_value": described[("cost_present_value", option)],
            "cost_nominal": described[("cost_nominal", option)],
            "probability_cheapest": float(cheapest[k]),
            "probability_cheapest_standard_error": proportion_error(sim.cheapest[:, k], sim.sizes, sim.replicated),
        }
        if option != scenario.baseline:
            entry["saving_present_value"] = described[("saving_present_value", option)]
            entry["saving_nominal"] = described[("saving_nominal", option)]
            entry["probability_cheaper_than_baseline"] = float(sim.cheaper[option].sum() / sim.draws)
            entry["probability_cheaper_than_baseline_standard_error"] = proportion_error(
                sim.cheaper[option], sim.sizes, sim.replicated
            )
        options.append(entry)
    targets = [
        {
            "target": target,
            "option": option,
            "probability_met": float(met.sum() / sim.draws),
            "probability_met_standard_error": proportion_error(met, sim.sizes, sim.replicated),
            "achieved": described[("achieved", target, option)],
        }
        for (target, option), met in sim.met.items()
    ]
    yearly = {option: {measure: sim.bands[(option, measure)] for measure in MEASURES} for option in names}
    return {
        "draws": sim.draws,
        "seed": sim.seed,
        "sampling": sim.sampling,
        "replicates": len(sim.sizes) if sim.replicated else None,
        "band_draws": sim.band_draws,
        "inputs": sampled_inputs(scenario),
        "options": options,
        "targets": targets,
        "yearly": yearly,
    }


def sampled_inputs(scenario: Scenario) -> list[dict[str, Any]]:
    """Each uncertain input: its name (a named input's own, with its source and note), its distribution as
    written, and its mean; a line drawn afresh each year says so, with its persistence."""
    from barnetmodel.scenario.paths import display_name, line_of, named_input, uncertain

    entries = []
    for path, distribution in uncertain(scenario).items():
        entry: dict[str, Any] = {"name": display_name(path), "distribution": distribution.describe()}
        entry["mean"] = distribution.mean()
        named = named_input(scenario, path)
        if named is not None:
            entry |= {"source": named.source, "note": named.note, "unit": named.unit}
        line = line_of(scenario, path)
        if line is not None and line.draw == "yearly":
            entry |= {"draw": "yearly", "persistence": line.persistence or 0.0}
        entries.append(entry)
    return entries
