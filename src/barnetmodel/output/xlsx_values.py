"""Cached values for the workbook's formulas, so that programs that read a workbook without calculating it
(pandas, previews, viewers other than Excel and LibreOffice) see the figures, not empty cells.

openpyxl writes a formula with an empty value. Each formula is worked out here as a spreadsheet would,
by a small interpreter of the formulas the workbook writes (numbers, text, TRUE and FALSE; references to
cells and ranges on any sheet, and defined names; + - * / ^ & and comparisons; IF, AND, SUM, SUMPRODUCT,
MAX, MIN, ABS, RIGHT), and written into the sheet's XML beside its formula. Nothing is run as code. A formula
it cannot work out (a division by nought, say) keeps its empty value: a spreadsheet works it out on
opening, as before.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, range_boundaries

TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>"(?:[^"]|"")*")
    |(?P<reference>(?:(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?\$?[A-Z]{1,3}\$?[0-9]+(?::\$?[A-Z]{1,3}\$?[0-9]+)?)(?![A-Za-z0-9_(])
    |(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)
    |(?P<name>[A-Za-z_][A-Za-z0-9_.]*)
    |(?P<operator><>|>=|<=|[-+*/^&=<>(),])
    )""",
    re.VERBOSE,
)
# Operators between two values, loosest first, as spreadsheets rank them.
LEVELS = [("=", "<>", "<", ">", "<=", ">="), ("&",), ("+", "-"), ("*", "/"), ("^",)]

Value = float | str | bool | None
Node = tuple[Any, ...]


class NoValue(Exception):
    """A formula this interpreter cannot work out: the cell keeps no cached value."""


def tokens(formula: str) -> list[tuple[str, str]]:
    found, position = [], 0
    while position < len(formula):
        match = TOKEN.match(formula, position)
        if match is None or match.end() == position:
            if formula[position:].strip() == "":
                break
            raise NoValue(f"cannot read {formula[position:]!r}")
        kind = match.lastgroup
        assert kind is not None
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


class _Parser:
    """Formula text to a tree: ('number', x), ('string', s), ('ref', sheet, range), ('name', n),
    ('call', function, args), ('unary', op, node), ('binary', op, left, right)."""

    def __init__(self, formula: str):
        self.tokens = tokens(formula)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (text is not None and token[1] != text):
            raise NoValue(f"expected {text or 'more'}")
        self.at += 1
        return token

    def whole(self) -> Node:
        node = self.binary(0)
        if self.peek() is not None:
            raise NoValue("unexpected text after the formula")
        return node

    def binary(self, level: int) -> Node:
        if level == len(LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while (token := self.peek()) is not None and token[0] == "operator" and token[1] in LEVELS[level]:
            self.take()
            node = ("binary", token[1], node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token[0] == "operator" and token[1] in "+-":
            self.take()
            return ("unary", token[1], self.unary())
        return self.atom()

    def atom(self) -> Node:
        kind, text = self.take()
        if kind == "number":
            return ("number", float(text))
        if kind == "string":
            return ("string", text[1:-1].replace('""', '"'))
        if kind == "reference":
            sheet, _, cells = text.rpartition("!")
            if sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
            return ("ref", sheet or None, cells.replace("$", ""))
        if kind == "name":
            if (token := self.peek()) is not None and token[1] == "(":
                self.take("(")
                args = []
                if (token := self.peek()) is not None and token[1] != ")":
                    args.append(self.binary(0))
                    while (token := self.peek()) is not None and token[1] == ",":
                        self.take(",")
                        args.append(self.binary(0))
                self.take(")")
                return ("call", text.upper(), args)
            if text.upper() in ("TRUE", "FALSE"):
                return ("boolean", text.upper() == "TRUE")
            return ("name", text)
        if text == "(":
            node = self.binary(0)
            self.take(")")
            return node
        raise NoValue(f"unexpected {text!r}")


def _number(value: Value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except ValueError:
        raise NoValue(f"{value!r} is not a number") from None


def _text(value: Value) -> str:
    """A value as a spreadsheet writes it into text: 2014, not 2014.0; TRUE; '' for a blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    return str(value)


def _compare(op: str, left: Value, right: Value) -> bool:
    if isinstance(left, str) or isinstance(right, str):
        a, b = _text(left).lower(), _text(right).lower()  # spreadsheets compare text regardless of case
        if not (isinstance(left, str) and isinstance(right, str)):
            raise NoValue("text compared with a number")
        pair: tuple[Any, Any] = (a, b)
    else:
        pair = (_number(left), _number(right))
    return {
        "=": pair[0] == pair[1],
        "<>": pair[0] != pair[1],
        "<": pair[0] < pair[1],
        ">": pair[0] > pair[1],
        "<=": pair[0] <= pair[1],
        ">=": pair[0] >= pair[1],
    }[op]


def _arithmetic(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            raise NoValue("division by nought")
        return a / b
    try:
        result = a**b
    except (OverflowError, ZeroDivisionError):
        raise NoValue("power out of range") from None
    if isinstance(result, complex):
        raise NoValue("a negative number to a fractional power")
    return float(result)


class Evaluator:
    """Works out the formulas of a workbook, each cell once."""

    def __init__(self, book: Workbook):
        self.book = book
        self.names = {name: value.attr_text for name, value in book.defined_names.items()}
        self.known: dict[tuple[str, str], Value] = {}
        self.working: set[tuple[str, str]] = set()
        self.parsed: dict[str, Node] = {}

    def cell(self, sheet: str, coordinate: str) -> Value:
        key = (sheet, coordinate)
        if key in self.known:
            return self.known[key]
        if key in self.working:
            raise NoValue("a circular reference")
        raw = self.book[sheet][coordinate].value
        if isinstance(raw, str) and raw.startswith("="):
            self.working.add(key)
            try:
                value = self.formula(sheet, raw[1:])
            finally:
                self.working.discard(key)
        else:
            value = raw if raw is None or isinstance(raw, (bool, str)) else float(raw)
        if isinstance(value, float) and not math.isfinite(value):
            raise NoValue("not a finite number")
        self.known[key] = value
        return value

    def formula(self, sheet: str, text: str) -> Value:
        if text not in self.parsed:
            self.parsed[text] = _Parser(text).whole()
        value = self.evaluate(sheet, self.parsed[text])
        if isinstance(value, list):
            raise NoValue("a range where one value is wanted")
        return value

    def values(self, sheet: str, node: Node) -> Iterator[Value]:
        """Every value a range (or a single value) stands for."""
        if node[0] == "ref" and ":" in node[2]:
            bounds = range_boundaries(node[2])
            if None in bounds:
                raise NoValue("a whole row or column")
            first_column, first_row, last_column, last_row = (int(b) for b in bounds if b is not None)
            target = node[1] or sheet
            for row in range(first_row, last_row + 1):
                for column in range(first_column, last_column + 1):
                    yield self.cell(target, f"{get_column_letter(column)}{row}")
        else:
            yield self.evaluate(sheet, node)

    def evaluate(self, sheet: str, node: Node) -> Any:
        kind = node[0]
        if kind in ("number", "string", "boolean"):
            return node[1]
        if kind == "ref":
            if ":" in node[2]:
                return list(self.values(sheet, node))
            return self.cell(node[1] or sheet, node[2])
        if kind == "name":
            if node[1] not in self.names:
                raise NoValue(f"unknown name {node[1]}")
            target, _, coordinate = self.names[node[1]].rpartition("!")
            return self.cell(target.strip("'").replace("''", "'"), coordinate.replace("$", ""))
        if kind == "unary":
            value = _number(self.evaluate(sheet, node[2]))
            return -value if node[1] == "-" else value
        if kind == "binary":
            op, left, right = node[1], self.evaluate(sheet, node[2]), self.evaluate(sheet, node[3])
            if op == "&":
                return _text(left) + _text(right)
            if op in LEVELS[0]:
                return _compare(op, left, right)
            return _arithmetic(op, _number(left), _number(right))
        if kind == "call":
            return self.call(sheet, node[1], node[2])
        raise NoValue(f"cannot work out {kind}")

    def call(self, sheet: str, function: str, args: list[Node]) -> Value:
        if function == "IF":
            if len(args) not in (2, 3):
                raise NoValue("IF takes two or three values")
            chosen = _truth(self.evaluate(sheet, args[0]))
            if chosen:
                return self.evaluate(sheet, args[1])
            return self.evaluate(sheet, args[2]) if len(args) == 3 else False
        if function == "AND":
            return all([_truth(v) for arg in args for v in self.values(sheet, arg)])
        if function in ("SUM", "MAX", "MIN"):
            # In a range, only numbers count; a number written in the formula always does.
            found = [
                _number(v) for arg in args for v in self.values(sheet, arg) if arg[0] != "ref" or isinstance(v, float)
            ]
            if function == "SUM":
                return math.fsum(found)
            if not found:
                return 0.0
            return max(found) if function == "MAX" else min(found)
        if function == "ABS":
            return abs(_number(self.evaluate(sheet, args[0])))
        if function == "SUMPRODUCT":
            columns = [[v if isinstance(v, float) else 0.0 for v in self.values(sheet, arg)] for arg in args]
            if len({len(c) for c in columns}) != 1:
                raise NoValue("SUMPRODUCT of ranges of different sizes")
            return math.fsum(math.prod(items) for items in zip(*columns, strict=True))
        if function == "RIGHT":
            text = _text(self.evaluate(sheet, args[0]))
            count = int(_number(self.evaluate(sheet, args[1]))) if len(args) > 1 else 1
            return text[-count:] if count > 0 else ""
        raise NoValue(f"unknown function {function}")


def _truth(value: Value) -> bool:
    if isinstance(value, str):
        raise NoValue("text where TRUE or FALSE is wanted")
    return bool(_number(value))


def cached_values(book: Workbook) -> dict[str, dict[str, Value]]:
    """Sheet title -> coordinate -> the value of each formula that can be worked out."""
    evaluator = Evaluator(book)
    found: dict[str, dict[str, Value]] = {}
    # Sheet by sheet, row by row, left to right: what a formula refers to is mostly worked out already,
    # so chains (running products, running sums) never go deep.
    for sheet in book.worksheets:
        values = found.setdefault(sheet.title, {})
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    try:
                        values[cell.coordinate] = evaluator.cell(sheet.title, cell.coordinate)
                    except (NoValue, RecursionError):
                        continue
    return found


# A formula cell as openpyxl writes it: its formula and an empty value.
FORMULA_CELL = re.compile(r'<c r="(?P<ref>[A-Z]+[0-9]+)"(?P<attributes>[^>]*)>(?P<formula><f>[^<]*</f>)<v\s*/></c>')


def with_values(xml: bytes, values: dict[str, Value]) -> bytes:
    """A sheet's XML with each formula's cached value written beside it (text as t="str", TRUE/FALSE as
    t="b", numbers as they are)."""

    def cached(match: re.Match[str]) -> str:
        value = values.get(match["ref"])
        if value is None:  # not worked out, or a blank
            return match.group(0)
        if isinstance(value, bool):
            kind, text = ' t="b"', "1" if value else "0"
        elif isinstance(value, str):
            kind, text = ' t="str"', escape(value)
        else:
            kind, text = "", repr(float(value))
        return f'<c r="{match["ref"]}"{match["attributes"]}{kind}>{match["formula"]}<v>{text}</v></c>'

    return FORMULA_CELL.sub(cached, xml.decode("utf-8")).encode("utf-8")


def sheet_parts(book: Workbook) -> dict[str, Callable[[bytes], bytes]]:
    """For each sheet's part of the archive (as openpyxl wrote it), what writes its formulas' values in."""
    values = cached_values(book)
    return {sheet.path.lstrip("/"): partial(_with, values[sheet.title]) for sheet in book.worksheets}


def _with(values: dict[str, Value], xml: bytes) -> bytes:
    return with_values(xml, values)
