"""'Did you mean' hints for misspelt names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` when a candidate is close to `word`, else an empty string."""
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
