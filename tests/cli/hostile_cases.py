"""Hostile scenario files, made on the fly: each must be refused quickly, clearly, in bounded memory.

Shared by tests/test_hostile.py and benchmarks/hostile.py (which measures each case once).
"""

from __future__ import annotations

import random


def alias_bomb() -> bytes:
    """'Billion laughs': nine levels of nine aliases, a billion values once expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]")
    return ("\n".join(lines) + "\n").encode()


def deep_brackets() -> bytes:
    return b"[" * 100_000 + b"]" * 100_000 + b"\n"


def deep_mapping() -> bytes:
    """700 nested keys in block style (under the size limit: indentation grows with depth)."""
    return "".join("  " * i + f"k{i}:\n" for i in range(700)).encode() + b"  " * 700 + b"1\n"


def many_values() -> bytes:
    return b"[" + b",".join([b"1"] * 400_000) + b"]\n"


def huge_file() -> bytes:
    return b"# padding\n" * 600_000  # 6 MB


def blank_megabyte() -> bytes:
    """Just under the size limit, and the slowest thing for the YAML scanner: a megabyte of newlines."""
    return b"\n" * (1024 * 1024 - 1)


def python_object_tag() -> bytes:
    return b"title: !!python/object/apply:os.system ['echo pwned']\n"


def python_name_tag() -> bytes:
    return b"title: !!python/name:os.system\n"


def binary_junk() -> bytes:
    return random.Random(5).randbytes(65_536)


def latin1() -> bytes:
    return "title: Coût de la régie, £m\n".encode("latin-1")


def utf16() -> bytes:
    return "title: Payroll\n".encode("utf-16")


def long_integer() -> bytes:
    return b"horizon:\n  start: " + b"9" * 5000 + b"\n"


SCENARIO_AROUND = (
    "title: t\nhorizon: {start: 2013, years: 3}\nmoney: {inflation: 0.02}\nbaseline: a\n"
    "options:\n  a: {title: A, lines: [{name: L, annual: x0}]}\n  b: {title: B, lines: [{name: L, annual: 1}]}\n"
)


def circle_of_inputs() -> bytes:
    """10,000 inputs, each naming the next, the last the first: followed without recursion, reported briefly."""
    count = 10_000
    inputs = "".join(f"  x{i}: x{(i + 1) % count} + 1\n" for i in range(count))
    return (SCENARIO_AROUND + "inputs:\n" + inputs).encode()


def long_formula() -> bytes:
    """A formula of 900,000 characters: refused by its length before it is read."""
    return (SCENARIO_AROUND + "inputs:\n  x0: " + "(" * 450_000 + "1" + ")" * 449_999 + "\n").encode()


# name -> (file contents, words the error must contain)
CASES = {
    "alias bomb": (alias_bomb, "too many values once aliases are expanded"),
    "100,000 nested brackets": (deep_brackets, ":1:66: nested more than 64 levels deep"),
    "700 nested keys": (deep_mapping, ": nested more than 64 levels deep"),
    "400,000 values": (many_values, "too many values (over 50,000)"),
    "6 MB file": (huge_file, "scenario files are limited to 1,048,576"),
    "1 MB of newlines": (blank_megabyte, "the file is empty"),
    "python object tag": (
        python_object_tag,
        "the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    "python name tag": (python_name_tag, "the tag 'tag:yaml.org,2002:python/name:os.system' is not allowed"),
    "binary junk": (binary_junk, "not a text file"),
    "Latin-1 text": (latin1, ":1:1: not UTF-8 text: save the file as UTF-8"),
    "UTF-16 text": (utf16, "is UTF-16 text: save the file as UTF-8"),
    "5,000-digit number": (long_integer, ":2:10: horizon.start: this number is too long to read"),
    "10,000 inputs in a circle": (circle_of_inputs, "inputs refer to each other in a circle: x0 -> x1 -> x2"),
    "a 900,000-character formula": (long_formula, ":9:7: inputs.x0: a formula is at most 400 characters"),
}
