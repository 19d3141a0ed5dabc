"""Draws of the uncertain inputs: one random stream per input, named, in chunks.

Each input's stream derives from the scenario's seed and the input's *name* (its path), so
adding, removing or reordering other inputs changes none of its draws. Latin Hypercube
stratifies each chunk's uniforms; correlations are imposed on ranks (Iman-Conover), which
keeps every input's own distribution exactly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import numpy as np

from barnetmodel.engine.projection import Inputs
from barnetmodel.errors import Path
from barnetmodel.scenario.checks import rank_to_pearson
from barnetmodel.scenario.distributions import Distribution
from barnetmodel.scenario.models import Scenario
from barnetmodel.scenario.paths import name_of, risk_path, uncertain

# Draws are processed in chunks of about this size: memory stays flat however many draws.
CHUNK = 65_536


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of the input called `name`, under `seed`."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    key = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def chunk_sizes(draws: int, most: int | None = None) -> list[int]:
    """Draws split into near-equal chunks of at most `most` (CHUNK by default), so no chunk is tiny, the
    larger first, as numpy's array_split would split them; worked out, not split from an array of every draw."""
    if not draws:
        return []
    count = -(-draws // (CHUNK if most is None else most))
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
    shaped = scores @ np.linalg.inv(observed).T @ wanted.T
    ranks = np.argsort(np.argsort(shaped, axis=0), axis=0)
    return np.take_along_axis(np.sort(samples, axis=0), ranks, axis=0)


class Sampler:
    """Makes the `Inputs` of successive chunks of draws."""

    def __init__(self, scenario: Scenario, seed: int, sampling: str):
        self.sampling = sampling
        self.distributions: dict[Path, Distribution] = uncertain(scenario)
        self.events: list[Path] = [risk_path(name, r) for name, o in scenario.options.items() for r in o.risks]
        self.streams = {path: stream(seed, name_of(path)) for path in self.distributions}
        self.streams |= {path: stream(seed, name_of((*path, "happens"))) for path in self.events}
        self.correlated: list[Path] = []
        self.target = np.eye(0)
        correlations = scenario.uncertainty.correlations
        if correlations:
            by_name = {name_of(path): path for path in self.distributions}
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

    def draw(self, n: int) -> Inputs:
        values: dict[Path, np.ndarray] = {}
        for path, distribution in self.distributions.items():
            rng = self.streams[path]
            if self.sampling == "latin_hypercube":
                values[path] = distribution.from_uniform(self._uniforms(rng, n))
            else:
                values[path] = distribution.sample(rng, n)
        events = {path: self._uniforms(self.streams[path], n) for path in self.events}
        if self.correlated and n > len(self.correlated) + 1:
            columns = np.column_stack([values[path] for path in self.correlated])
            reordered = impose_rank_correlation(columns, self.target, self.correlation_stream)
            for k, path in enumerate(self.correlated):
                values[path] = reordered[:, k]
        return Inputs(draws=n, values=values, events=events)

    def chunks(self, draws: int) -> Iterator[Inputs]:
        for n in chunk_sizes(draws):
            yield self.draw(n)
