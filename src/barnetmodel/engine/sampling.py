"""Draws of the uncertain inputs: one random stream per input, named, in chunks.

Each input's stream derives from the scenario's seed and the input's *name* (its path:
`inputs.pay` for a named input), so adding, removing or reordering other inputs changes none
of its draws. Latin Hypercube stratifies each chunk's uniforms; correlations are imposed on
ranks (Iman-Conover), which keeps every input's own distribution exactly. A line drawn afresh
each year (draw: yearly) draws a value a year from its stream; with `persistence`, each year's
normal score follows the year before's (a Gaussian AR(1) process turned into the line's
distribution by its inverse CDF), so each year keeps the distribution exactly.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext

import numpy as np

from barnetmodel.engine.projection import Inputs
from barnetmodel.errors import Path
from barnetmodel.scenario.checks import rank_to_pearson
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.models import Line, Scenario
from barnetmodel.scenario.paths import canonical_names, display_name, line_path, name_of, risk_path, uncertain

# Draws are processed in chunks of about this size: memory stays flat however many draws.
CHUNK = 65_536
# Under Latin Hypercube each chunk is one stratified sample, independent of the others: a replicate.
# The spread of the replicates' means is what tells how far the mean may be off (the plain Monte Carlo
# formula overstates it, often by orders of magnitude), so there are at least this many replicates...
REPLICATES = 20
# ... of at least this many draws each (fewer draws make fewer replicates, down to one).
REPLICATE_DRAWS = 50

# Waits for a stream's turn: called with the stream's path (or CORRELATION) while it is drawn for a chunk.
Gate = Callable[[Path], AbstractContextManager[object]]
CORRELATION: Path = ("uncertainty", "correlations")


def no_gate(_: Path) -> AbstractContextManager[object]:
    return nullcontext()


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of the input called `name`, under `seed`."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    key = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def chunk_sizes(draws: int, sampling: str = "monte_carlo", most: int | None = None) -> list[int]:
    """Draws split into near-equal chunks of at most `most` (CHUNK by default), so no chunk is tiny, the
    larger first, as numpy's array_split would split them; worked out, not split from an array of every draw.
    Under Latin Hypercube into at least REPLICATES of them, of REPLICATE_DRAWS or more draws each: independent
    replicates."""
    if not draws:
        return []
    count = -(-draws // (CHUNK if most is None else most))
    if sampling == "latin_hypercube":
        count = max(count, min(REPLICATES, draws // REPLICATE_DRAWS))
    size, larger = divmod(draws, count)
    return [size + 1] * larger + [size] * (count - larger)


def impose_rank_correlation(samples: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Iman-Conover: reorder each column of `samples` (n, k) so their ranks correlate as `target` (Pearson
    correlation of normal scores). Each column keeps exactly the values it had."""
    n, k = samples.shape
    scores = rng.standard_normal((n, k))
    # Remove the scores' chance correlation, then give them the target's.
    observed = np.linalg.cholesky(np.corrcoef(scores, rowvar=False))
    wanted = np.linalg.cholesky(target)
    # numpy's own loops, not BLAS, whose threads would spin waiting for work and take the cores from the
    # Monte Carlo run's workers; in the same order as (scores @ inv(observed).T) @ wanted.T.
    shaped = np.einsum("nj,jk->nk", np.einsum("ni,ij->nj", scores, np.linalg.inv(observed).T), wanted.T)
    # Each column's k-th lowest sample goes where its k-th lowest score stands: one argsort and a scatter
    # (the same as ranks = argsort(argsort(scores)), each column as a contiguous row, sorted in cache.
    order = np.argsort(np.ascontiguousarray(shaped.T), axis=1)
    reordered = np.empty((k, n))
    np.put_along_axis(reordered, order, np.sort(np.ascontiguousarray(samples.T), axis=1), axis=1)
    return reordered.T


class Sampler:
    """Makes the `Inputs` of successive chunks of draws."""

    def __init__(self, scenario: Scenario, seed: int, sampling: str):
        self.sampling = sampling
        self.years = scenario.horizon.years
        drawn = uncertain(scenario)
        self.yearly: dict[Path, Line] = {
            (*line_path(name, line), "annual"): line
            for name, option in scenario.options.items()
            for line in option.lines
            if line.draw == "yearly" and (*line_path(name, line), "annual") in drawn
        }
        self.distributions: dict[Path, Distribution] = {p: d for p, d in drawn.items() if p not in self.yearly}
        self.events: list[Path] = [risk_path(name, r) for name, o in scenario.options.items() for r in o.risks]
        self.streams = {path: stream(seed, name_of(path)) for path in drawn}
        self.streams |= {path: stream(seed, name_of((*path, "happens"))) for path in self.events}
        self.correlated: list[Path] = []
        self.target = np.eye(0)
        correlations = scenario.uncertainty.correlations
        if correlations:
            canonical = canonical_names(drawn)
            paths = {display_name(path): path for path in drawn}
            by_name = {name: paths[shown] for name, shown in canonical.items()}
            self.correlated = sorted({by_name[n] for c in correlations for n in c.between}, key=name_of)
            index = {path: k for k, path in enumerate(self.correlated)}
            rank = np.eye(len(self.correlated))
            for c in correlations:
                a, b = (index[by_name[n]] for n in c.between)
                rank[a, b] = rank[b, a] = c.rank
            self.target = rank_to_pearson(rank)
            self.correlation_stream = stream(seed, "correlation:" + "|".join(name_of(p) for p in self.correlated))

    def _uniforms(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.sampling == "latin_hypercube":
            return (rng.permutation(n) + rng.random(n)) / n
        return rng.random(n)

    def draw(self, n: int, gate: Gate = no_gate) -> Inputs:
        """The next `n` draws of every stream. `gate(path)` is held while a stream draws: a Monte Carlo run's
        workers pass one that waits for the stream's turn, so that each stream's chunks are drawn in order
        while two chunks draw different streams at once."""
        values: dict[Path, np.ndarray] = {}
        for path, distribution in self.distributions.items():
            rng = self.streams[path]
            with gate(path):
                if self.sampling == "latin_hypercube":
                    values[path] = distribution.from_uniform(self._uniforms(rng, n))
                else:
                    values[path] = distribution.sample(rng, n)
        yearly: dict[Path, np.ndarray] = {}
        for path, line in self.yearly.items():
            with gate(path):
                yearly[path] = self._yearly(path, line, n)
        events: dict[Path, np.ndarray] = {}
        for path in self.events:
            with gate(path):
                events[path] = self._uniforms(self.streams[path], n)
        if self.correlated:
            with gate(CORRELATION):  # its turn passes even when a chunk is too small to correlate
                if n > len(self.correlated) + 1:
                    columns = np.column_stack([values[path] for path in self.correlated])
                    reordered = impose_rank_correlation(columns, self.target, self.correlation_stream)
                    for k, path in enumerate(self.correlated):
                        values[path] = reordered[:, k]
        return Inputs(draws=n, values=values, events=events, yearly=yearly)

    def _yearly(self, path: Path, line: Line, n: int) -> np.ndarray:
        """(n, years) a line's annual amount drawn afresh each year: independently, or with `persistence`
        as the correlation of one year's normal score with the year before's."""
        assert isinstance(line.annual, Distribution)
        rng, years = self.streams[path], self.years
        if not line.persistence:
            if self.sampling == "latin_hypercube":  # each year stratified on its own
                uniforms = np.column_stack([self._uniforms(rng, n) for _ in range(years)])
                return line.annual.from_uniform(uniforms)
            return line.annual.sample(rng, n * years).reshape(n, years)
        from scipy import special

        if self.sampling == "latin_hypercube":
            shocks = special.ndtri(np.column_stack([self._uniforms(rng, n) for _ in range(years)]))
        else:
            shocks = rng.standard_normal((n, years))
        rho = line.persistence
        scores = np.empty((n, years))
        scores[:, 0] = shocks[:, 0]
        for year in range(1, years):  # each year's score keeps a standard normal distribution
            scores[:, year] = rho * scores[:, year - 1] + math.sqrt(1 - rho**2) * shocks[:, year]
        # A score beyond 8.3 sd rounds to a probability of exactly 1 (or one beyond -38 sd to 0), whose inverse
        # CDF may be infinite: kept inside (0, 1), as a uniform draw always is.
        return line.annual.from_uniform(np.clip(special.ndtr(scores), 2.0**-53, 1.0 - 2.0**-53))

    def chunks(self, draws: int) -> Iterator[Inputs]:
        for n in chunk_sizes(draws, self.sampling):
            yield self.draw(n)
