"""`test --update`: write the new figures into a test file in place, keeping its comments and layout.

Only the text of each expected value that failed is replaced, at the span the YAML reader
recorded for it; every other character of the file stays as it was. Each number is written so
that it reads back as exactly the figure (Python's shortest round-trip text), never rounded.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from barnetmodel.errors import NOT_TEXT, Path
from barnetmodel.scenario import yaml_source
from barnetmodel.scenario_tests.run import Failure


@dataclass(frozen=True)
class Change:
    path: Path  # of the expected value in the test file
    failure: Failure


def yaml_number(value: float) -> str:
    """The figure as Python writes it back exactly (the shortest text that reads back as the same 64-bit
    float), so the test then passes whatever its margin: rounding to the margin wrote 0.1121 as 0.1, which a
    relative margin then measured against 0.1 and failed. Written so that YAML reads a number back: PyYAML
    reads `1e-05` as text, so an exponent always follows a decimal point (`1.0e-05`)."""
    text = repr(float(value))
    if "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def yaml_value(failure: Failure) -> str:
    """The text to write for a failure's actual value. Raises ValueError for text that a test file cannot
    hold (a control character: only a file name can bring one into the results)."""
    actual = failure.actual
    if isinstance(actual, bool):
        return "true" if actual else "false"
    if isinstance(actual, str):
        found = NOT_TEXT.search(actual)
        if found:
            code = ord(found.group())
            raise ValueError(f"its new value holds a control character (U+{code:04X}); update it by hand")
        # A JSON string is a YAML double-quoted scalar; YAML would read these two as line breaks.
        text = json.dumps(actual, ensure_ascii=False)
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    if isinstance(actual, int):  # a whole-number output (a year, a count) is written as one: 2033, not 2033.0
        return str(actual)
    return yaml_number(actual)


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
        try:
            edits.append((span, yaml_value(change.failure)))
        except ValueError as error:
            refused.append(f"output {change.failure.address}: {error}")
    # From the end of the file backwards, so that earlier spans keep their offsets.
    for (start, end), new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text, refused
