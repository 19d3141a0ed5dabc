"""`test --update`: write the new figures into a test file in place, keeping its comments and layout.

Only the text of each expected value that failed is replaced, at the span the YAML reader
recorded for it; every other character of the file stays as it was. The file is written whole
or not at all.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from barnetmodel.errors import Path
from barnetmodel.scenario import yaml_source
from barnetmodel.scenario_tests.run import Failure


@dataclass(frozen=True)
class Change:
    path: Path  # of the expected value in the test file
    failure: Failure


def yaml_number(value: float, margin: float | None) -> str:
    """The fewest significant digits that stay within a tenth of the margin (all of them, exactly,
    with no margin), written so that YAML reads a number back: PyYAML reads `1e-05` as text, so
    an exponent always follows a decimal point (`1.0e-05`)."""
    text = repr(float(value))
    if margin:
        for digits in range(1, 18):
            candidate = f"{value:.{digits}g}"
            if abs(float(candidate) - value) <= margin / 10:
                text = candidate
                break
    if "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def yaml_value(failure: Failure) -> str:
    """The text to write for a failure's actual value."""
    actual = failure.actual
    if isinstance(actual, bool):
        return "true" if actual else "false"
    if isinstance(actual, str):
        return json.dumps(actual, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    return yaml_number(actual, failure.margin)


def updated_text(source: yaml_source.Source, changes: list[Change]) -> tuple[str, list[str]]:
    """The file's text with each change made; and why any change could not be made."""
    shared = Counter(source.spans.values())
    text = source.text
    refused = []
    edits = []
    for change in changes:
        span = source.spans.get(change.path)
        if span is None or shared[span] > 1:
            refused.append(
                f"output {change.failure.address}: its value is written through a YAML alias; update it by hand"
            )
            continue
        edits.append((span, yaml_value(change.failure)))
    # From the end of the file backwards, so that earlier spans keep their offsets.
    for (start, end), new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text, refused
