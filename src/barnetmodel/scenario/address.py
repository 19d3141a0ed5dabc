"""Dotted addresses into nested data, such as `options.outsource.lines."CSG contract charge".annual`.

One syntax serves test outputs (an address into the results of `run`) and overrides (an
address into a scenario): parts are separated by dots; a part holding a dot, a bracket or a
quote is written in double quotes (with \\" and \\\\ inside); `[3]` is a position in a list.
Names may hold spaces without quotes. How a part is looked up is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass


class AddressError(ValueError):
    """An address that cannot be parsed, or that names nothing in the data."""


@dataclass(frozen=True)
class Index:
    """`[n]`: the item at position n of a list (0-based)."""

    position: int


Part = str | Index


def parse(address: str) -> list[Part]:
    """`targets."Savings needed before 2015".results[0]` -> ['targets', 'Savings needed before 2015', 'results', Index(0)]."""
    parts: list[Part] = []
    i, n = 0, len(address)
    expect_part = True  # at the start, or just after a dot
    while i < n:
        char = address[i]
        if char == "[":
            close = address.find("]", i)
            inner = address[i + 1 : close] if close != -1 else ""
            if close == -1 or not inner.isdigit():
                raise AddressError(f"'{address}': a position is written [0], [1], ...")
            if expect_part and parts:
                raise AddressError(f"'{address}': a name is missing before '['")
            parts.append(Index(int(inner)))
            i, expect_part = close + 1, False
        elif char == ".":
            if expect_part:
                raise AddressError(f"'{address}': a name is missing before a '.'")
            i, expect_part = i + 1, True
        elif not expect_part:
            raise AddressError(f"'{address}': a '.' is missing before '{address[i:]}'")
        elif char == '"':
            name, i = _quoted(address, i)
            parts.append(name)
            expect_part = False
        else:
            end = i
            while end < n and address[end] not in '.["]':
                end += 1
            if end < n and address[end] in '"]':
                raise AddressError(f"'{address}': a name holding '{address[end]}' must be written in double quotes")
            parts.append(address[i:end])
            i, expect_part = end, False
    if expect_part:
        raise AddressError(f"'{address}': the address is empty or ends with a '.'" if address else "empty address")
    return parts


def _quoted(address: str, start: int) -> tuple[str, int]:
    """The name in double quotes starting at `start`, and the position after the closing quote."""
    name = []
    i = start + 1
    while i < len(address):
        char = address[i]
        if char == "\\" and i + 1 < len(address):
            name.append(address[i + 1])
            i += 2
        elif char == '"':
            return "".join(name), i + 1
        else:
            name.append(char)
            i += 1
    raise AddressError(f"'{address}': a quote is not closed")


def format_part(part: Part) -> str:
    """A part written so that `parse` reads it back: `[2]`, `money`, `"Re new income. Part 2"`."""
    if isinstance(part, Index):
        return f"[{part.position}]"
    if part and not any(c in part for c in '.["]\\') and part == part.strip():
        return part
    return '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_address(parts: list[Part]) -> str:
    text = ""
    for part in parts:
        written = format_part(part)
        text += written if isinstance(part, Index) or not text else "." + written
    return text


def format_choice(name: str) -> str:
    """A name in a list of choices: quoted when it holds spaces or commas too, so the list reads clearly."""
    written = format_part(name)
    return f'"{name}"' if written == name and any(c in name for c in " ,") else written
