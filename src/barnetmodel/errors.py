"""The one exception type for a user's mistake, how it is printed, and 'did you mean' hints for it.

Every layer raises it; only the command line turns it into a message and exit code 2.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PathPart = str | int
Path = tuple[PathPart, ...]

# Control characters (C0, DEL, C1) and lone surrogates: never text. A terminal obeys the first (ESC [2J clears
# the screen, ESC ] sets the window title); the second cannot be encoded. Tab and newline are text.
NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Bidirectional formatting characters: text, and allowed in a file, but they reorder what is shown after them
# (U+202E, right-to-left override, makes `saving` read `gnivas`; "Trojan Source", CVE-2021-42574), so a
# reviewer may not see what a name or title says. Shown as escapes, as control characters are; JSON keeps them.
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
NOT_SHOWN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{BIDI}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` safe to show: each control character, lone surrogate and bidirectional formatting character
    written as a visible escape (\\x1b, \\u202e), so it is seen, not obeyed; with `one_line`, newlines too (a
    message is one line)."""
    text = NOT_SHOWN.sub(_visible, text)
    return text.replace("\n", "\\n") if one_line else text


def format_path(path: Sequence[PathPart]) -> str:
    """`("options", "outsource", "lines", 0, "total")` -> `options.outsource.lines[0].total`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            # A key holding a dot (a test's output address) is subscripted, so the path reads unambiguously.
            text += f"['{part}']" if "." in str(part) else ("." if text else "") + str(part)
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as we can."""

    file: str
    message: str
    path: Path = ()
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        field = format_path(self.path)
        text = f"{where}: {field}: {self.message}" if field else f"{where}: {self.message}"
        return printable(text, one_line=True)


class ScenarioError(Exception):
    """Bad input from the user: printed as `file:line:col: field.path: message`, exit 2."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ValueProblem(Exception):
    """A value worked out from a scenario's inputs that cannot be used: a formula that is not finite, or
    outside the bounds of the number it stands for. Raised where it is worked out, with the path of the
    number (lines, risks and targets by name) and, when values differ between draws, the row of the first
    draw that fails; the caller, which knows the file and what each row is, makes it a located problem."""

    def __init__(self, path: Path, message: str, row: int | None = None, detail: str = ""):
        self.path = path
        self.message = message
        self.row = row
        self.detail = detail  # the values the formula names, where it fails: "where pay = 0, posts = 514"
        super().__init__(message)

    def text(self, context: str = "") -> str:
        """The message, with where it happened (`in draw 12`) and what the formula's inputs were there."""
        return ", ".join(part for part in (f"{self.message} {context}".strip(), self.detail) if part)


def did_you_mean(word: object, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` when a candidate is close to `word`, else an empty string."""
    close = closest(word, candidates)
    return f"; did you mean '{close}'?" if close else ""


def closest(word: object, candidates: Iterable[str]) -> str | None:
    """The candidate most like `word`, if any is close enough to be a likely misspelling."""
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None
