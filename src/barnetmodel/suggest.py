"""'Did you mean' hints for misspelt names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` when a candidate is close to `word`, else an empty string."""
    close = closest(word, candidates)
    return f"; did you mean '{close}'?" if close else ""


def closest(word: object, candidates: Iterable[str]) -> str | None:
    """The candidate most like `word`, if any is close enough to be a likely misspelling."""
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None
