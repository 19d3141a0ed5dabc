"""Which payees are a supplier: the matching rule of `barnetmodel audit --supplier`.

A payee matches a supplier's NAME when every word of NAME appears as a whole word in the
payee's name, ignoring case, punctuation and the words of a company's legal form (Ltd,
Limited, plc, LLP, Group). "Capita" matches "CAPITA BUSINESS SERVICES LTD", "Capita plc" and
"Capita Symonds", never "Capital Cleaning Ltd". A payee that matches an --exclude name by the
same rule is dropped. Names are matched once each, not once per row: a ledger's payee column
holds each distinct name once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from barnetmodel.errors import Problem, ScenarioError

LEGAL_FORMS = frozenset({"ltd", "limited", "plc", "llp", "group"})

# An apostrophe joins ("O'Brien", "Sainsbury's" are one word each); any other punctuation separates.
_APOSTROPHES = re.compile(r"['’`]")
_SEPARATORS = re.compile(r"[\W_]+")


def words(name: str) -> frozenset[str]:
    """The words a name is matched by: casefolded, punctuation removed, legal forms left out."""
    text = _SEPARATORS.sub(" ", _APOSTROPHES.sub("", name.casefold()))
    return frozenset(text.split()) - LEGAL_FORMS


def _wanted(names: Sequence[str], option: str) -> tuple[list[frozenset[str]], list[Problem]]:
    wanted, problems = [], []
    for name in names:
        found = words(name)
        if found:
            wanted.append(found)
        else:  # no words would match every payee
            problems.append(
                Problem(
                    f"{option} {name}",
                    "has no words to match once case, punctuation and Ltd, Limited, plc, LLP, Group are left out",
                )
            )
    return wanted, problems


def match_supplier(
    names: Sequence[str], suppliers: Sequence[str], exclude: Sequence[str] = ()
) -> npt.NDArray[np.bool_]:
    """For each payee name, whether it matches one of `suppliers` and none of `exclude`.

    Raises ScenarioError if no supplier is named, or a name has no words left to match.
    """
    wanted, problems = _wanted(suppliers, "--supplier")
    unwanted, more = _wanted(exclude, "--exclude")
    problems += more
    if not suppliers:
        problems.append(Problem("--supplier", "name the supplier whose payments to count, e.g. --supplier Capita"))
    if problems:
        raise ScenarioError(problems)
    matched = np.zeros(len(names), dtype=bool)
    for index, name in enumerate(names):
        payee = words(name)
        matched[index] = any(w <= payee for w in wanted) and not any(w <= payee for w in unwanted)
    return matched
