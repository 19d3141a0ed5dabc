"""Hostile scenario files, made on the fly: each must be refused quickly, clearly, in bounded memory; and the
attacks of issue 14's probe, which need more than one file's bytes (ATTACKS).

Shared by tests/cli/test_hostile.py and benchmarks/hostile.py (which measures each case once).
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import MINIMAL  # the smallest valid scenario, shared by the tests


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


# The probe of issue 14: attacks that need more than one file's bytes (devices, FIFOs, links, chains), or a
# command other than validate and run. Each makes what it needs in a folder and gives the command line.


@dataclass(frozen=True)
class Attack:
    """A hostile case: `make(folder)` gives the command's arguments; the exit code and words it must give."""

    make: Callable[[Path], list[str]]
    exit_code: int
    words: str
    heavy: bool = False  # long enough to leave to the benchmark (tests elsewhere cover it under the cap)


def _scenario(folder: Path, text: str = MINIMAL, name: str = "s.yaml") -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _fifo(folder: Path) -> list[str]:
    os.mkfifo(folder / "fifo.yaml")
    return ["run", str(folder / "fifo.yaml")]


def _link_loop(folder: Path) -> list[str]:
    (folder / "a.yaml").symlink_to(folder / "b.yaml")
    (folder / "b.yaml").symlink_to(folder / "a.yaml")
    return ["run", _scenario(folder, "extends: a.yaml\ntitle: Child\n")]


def _deep_chain(folder: Path) -> list[str]:
    _scenario(folder, MINIMAL, "c1000.yaml")
    for i in range(1000):
        _scenario(folder, f"extends: c{i + 1}.yaml\n", f"c{i}.yaml")
    return ["validate", str(folder / "c0.yaml")]


def _wide_chain(folder: Path) -> list[str]:
    """16 files (the most a chain holds) of 900 lines each, every file changing every line: 43,000 values."""
    lines = "".join(f"      - {{name: L{i}, annual: 1}}\n" for i in range(900))
    _scenario(folder, MINIMAL + lines, "f0.yaml")
    for i in range(1, 16):
        changed = lines.replace("annual: 1}", f"annual: {i + 1}}}")
        _scenario(folder, f"extends: f{i - 1}.yaml\noptions:\n  outsource:\n    lines:\n" + changed, f"f{i}.yaml")
    return ["run", str(folder / "f15.yaml"), "-f", "json", "-o", str(folder / "out.json")]


def _extends_a_password_file(folder: Path) -> list[str]:
    return ["validate", _scenario(folder, "extends: /etc/passwd\ntitle: Child\n")]


def _password_file_as_scenario(folder: Path) -> list[str]:
    shadow = folder / "shadow"
    shadow.write_text("root:$6$salt$hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n", encoding="utf-8")
    return ["validate", str(shadow)]


def _overflowing_lognormal(folder: Path) -> list[str]:
    text = MINIMAL.replace("annual: 10", "annual: {lognormal: {median: 10, sigma: 40}}")
    return ["run", _scenario(folder, text)]


def _overflowing_amount(folder: Path) -> list[str]:
    return ["sensitivity", _scenario(folder, MINIMAL.replace("annual: 10", "annual: 1.0e+308")), "-f", "json"]


def _terminal_escapes(folder: Path) -> list[str]:
    return ["run", _scenario(folder, MINIMAL.replace("title: Minimal", 'title: "\\e[2J\\e]0;pwned\\a"'))]


def _formula_injection(folder: Path) -> list[str]:
    text = MINIMAL.replace("title: Outsourced", 'title: \'=HYPERLINK("http://evil.example","x")\'')
    return ["run", _scenario(folder, text), "-f", "csv", "-o", str(folder / "out.csv")]


def _html_injection(folder: Path) -> list[str]:
    text = MINIMAL.replace("title: Minimal", "title: '<script>alert(1)</script><img src=x onerror=alert(1)>'")
    return ["run", _scenario(folder, text), "-f", "markdown", "-o", str(folder / "out.md")]


def _too_many_draws(folder: Path) -> list[str]:
    return ["run", _scenario(folder), "--draws", "1000000000000"]


def _output_onto_a_directory(folder: Path) -> list[str]:
    (folder / "out").mkdir()
    return ["run", _scenario(folder), "-f", "json", "-o", str(folder / "out")]


def _big(lines: int, risks: int) -> str:
    out = [MINIMAL.split("options:")[0] + "options:"]
    for option in ("in_house", "outsource"):
        out += [f"  {option}:", f"    title: {option}", "    lines:"]
        out += [f"      - {{name: L{i}, annual: {{triangular: {{low: 0.5, mode: 1, high: 2}}}}}}" for i in range(lines)]
        if risks:
            out.append("    risks:")
            out += [
                f"      - {{name: R{k}, probability: {{uniform: {{low: 0.01, high: 0.05}}}}, cost: 2}}"
                for k in range(risks)
            ]
    return "\n".join(out) + "\n"


def _thousand_lines(folder: Path) -> list[str]:
    return ["sensitivity", _scenario(folder, _big(1000, 0)), "-f", "json", "-o", str(folder / "s.json")]


def _five_hundred_risks(folder: Path) -> list[str]:
    return ["report", _scenario(folder, _big(10, 500)), "-o", str(folder / "r.html")]


def _reverse_share_chain(folder: Path) -> list[str]:
    lines = "".join(f"      - {{name: L{i}, share_of: L{i + 1}, rate: 0.5}}\n" for i in range(1199))
    text = MINIMAL.replace("      - {name: Contract, annual: 8}\n", lines + "      - {name: L1199, annual: 8}\n")
    return ["sensitivity", _scenario(folder, text), "-f", "json", "-o", str(folder / "s.json")]


def _many_uncertain_lines_drawn(folder: Path) -> list[str]:
    """2,000 uncertain lines in all: as many as the 50,000-value limit lets a file hold (2,000 an option would
    be 2 x 2,000 x 12 values)."""
    return ["run", _scenario(folder, _big(1000, 0)), "--draws", "100000", "-f", "json", "-o", str(folder / "r.json")]


# name -> the attack; all refused with exit code 2 but the injections and the big scenarios, which run.
ATTACKS = {
    "/dev/zero as a scenario": Attack(lambda folder: ["validate", "/dev/zero"], 2, "is a character device"),
    "a FIFO as a scenario": Attack(_fifo, 2, "is a FIFO (named pipe), not a file"),
    "extends: links in a circle": Attack(_link_loop, 2, "the links go round in a circle"),
    "extends: a chain 1,000 deep": Attack(_deep_chain, 2, "c15.yaml:1:10: extends: a chain of extends is limited"),
    "extends: 16 files of 900 lines": Attack(_wide_chain, 0, ""),
    "extends: /etc/passwd": Attack(_extends_a_password_file, 2, "is outside the folder"),
    "a password file as a scenario": Attack(_password_file_as_scenario, 2, "not a scenario file"),
    "lognormal with sigma 40": Attack(_overflowing_lognormal, 2, "the mean of this lognormal distribution overflows"),
    "an amount of 1e308, sensitivity": Attack(_overflowing_amount, 2, "the figures overflow"),
    "terminal escapes in the title": Attack(_terminal_escapes, 2, "the control character U+001B is not allowed"),
    "=HYPERLINK in an option title, CSV": Attack(_formula_injection, 0, ""),
    "<script> in the title, Markdown": Attack(_html_injection, 0, ""),
    "--draws 1000000000000": Attack(_too_many_draws, 2, "--draws"),
    "--output onto a directory": Attack(_output_onto_a_directory, 2, "is a directory"),
    "1,000 uncertain lines an option, sensitivity": Attack(_thousand_lines, 0, "", heavy=True),
    "500 risks an option, report": Attack(_five_hundred_risks, 0, "", heavy=True),
    "1,200 lines each a share of the next, sensitivity": Attack(_reverse_share_chain, 0, "", heavy=True),
    "1,000 uncertain lines an option, 100,000 draws": Attack(_many_uncertain_lines_drawn, 0, "", heavy=True),
}
