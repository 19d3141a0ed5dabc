"""Formulas: arithmetic on named inputs, such as `posts * pay * (1 + on_costs)`.

A formula is text a scenario writes where a number goes. It is read by this module's own
small parser (never by Python's `eval`) into a tree of numbers, input names, `+ - * / **`,
unary minus, parentheses and calls of `min(...)` and `max(...)`, and nothing else. Operators
bind as in Python: `**` tightest (and from the right: 2 ** 3 ** 2 is 2 ** 9), then unary
minus (-2 ** 2 is -4), then `* /`, then `+ -` (both from the left).

A formula's text, depth and size are limited, so a hostile file cannot make reading it
costly. `evaluate` works the tree out with numpy over arrays of draws: names are looked up
in a mapping of arrays, and broadcasting gives a result of one row when nothing drawn
feeds it, and a row per draw otherwise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where a formula is worked out, so reading a file does not load it
    import numpy as np

MAX_CHARS = 400  # a formula longer than this is not a formula a person reads
MAX_DEPTH = 20  # parentheses, calls, unary minus and powers nested in one another
MAX_NODES = 200  # numbers, names and operations in one formula
FUNCTIONS = ("min", "max")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
OPERATORS = ("**", "+", "-", "*", "/", "(", ")", ",")
WHAT_A_FORMULA_HOLDS = "numbers, input names, + - * / **, parentheses, min(...) and max(...)"


class FormulaError(ValueError):
    """A formula that cannot be read: what is wrong, and where in the text (0-based)."""

    def __init__(self, message: str, offset: int):
        self.offset = offset
        super().__init__(f"{message} at character {offset + 1}")


# The tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: float
    start: int


@dataclass(frozen=True)
class Name:
    name: str
    start: int


@dataclass(frozen=True)
class Negative:
    operand: Node
    start: int


@dataclass(frozen=True)
class Operation:
    operator: str  # + - * / **
    left: Node
    right: Node
    start: int  # of the operator


@dataclass(frozen=True)
class Call:
    function: str  # min or max
    arguments: tuple[Node, ...]
    start: int


Node = Number | Name | Negative | Operation | Call


@dataclass(frozen=True)
class Formula:
    """A formula as written, and its tree."""

    text: str
    tree: Node

    def names(self) -> list[Name]:
        """Every name it uses, in the order written (a name used twice is listed twice)."""
        return list(_names(self.tree))

    @property
    def name_set(self) -> set[str]:
        return {found.name for found in _names(self.tree)}

    def alias(self) -> str | None:
        """The input it names, when the formula is just a name (`annual: staff_cost`)."""
        return self.tree.name if isinstance(self.tree, Name) else None

    def __str__(self) -> str:
        return self.text


def _names(node: Node) -> Iterator[Name]:
    if isinstance(node, Name):
        yield node
    elif isinstance(node, Negative):
        yield from _names(node.operand)
    elif isinstance(node, Operation):
        yield from _names(node.left)
        yield from _names(node.right)
    elif isinstance(node, Call):
        for argument in node.arguments:
            yield from _names(argument)


# Reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", an operator, or "end"
    text: str
    start: int


def _tokens(text: str) -> Iterator[_Token]:
    """The tokens of a formula, read as the parser asks for them: the first mistake in reading order is
    the one reported (a call of a function other than min or max, before the text in quotes it holds)."""
    found: list[_Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in " \t\n\r":
            i += 1
            continue
        number = NUMBER.match(text, i)
        name = NAME.match(text, i)
        operator = next((op for op in OPERATORS if text.startswith(op, i)), None)
        if number:
            token = _Token("number", number.group(), i)
        elif name:
            token = _Token("name", name.group(), i)
        elif operator:
            token = _Token(operator, operator, i)
        else:
            raise FormulaError(_unexpected_character(char, found), i)
        found.append(token)
        yield token
        i += len(token.text)
    yield _Token("end", "", len(text))


def _unexpected_character(char: str, before: list[_Token]) -> str:
    after_name = bool(before) and before[-1].kind == "name"
    if char == "." and after_name:
        return "'.': a formula has no attributes; it holds " + WHAT_A_FORMULA_HOLDS
    if char in "[]":
        return f"'{char}': a formula has no subscripts; it holds " + WHAT_A_FORMULA_HOLDS
    if char == "^":
        return "'^': write a power as **, e.g. (1 + growth) ** 2"
    if char == "%":
        return "'%': write a percentage as a fraction, e.g. 0.29 for 29%"
    if char in "'\"":
        return f"{char!r}: a formula holds no text in quotes; it holds " + WHAT_A_FORMULA_HOLDS
    shown = repr(char) if char.isprintable() else f"U+{ord(char):04X}"
    return f"unexpected {shown}; a formula holds " + WHAT_A_FORMULA_HOLDS


class _Parser:
    """Recursive descent over the tokens, one method per level of binding; depth and size counted."""

    def __init__(self, text: str):
        self.reader = _tokens(text)
        self.next: _Token = next(self.reader)
        self.depth = 0
        self.nodes = 0

    @property
    def token(self) -> _Token:
        return self.next

    def take(self) -> _Token:
        token = self.next
        if token.kind != "end":
            self.next = next(self.reader)
        return token

    def counted(self, node: Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise FormulaError(f"a formula holds at most {MAX_NODES} numbers, names and operations", node.start)
        return node

    def deeper(self, start: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(f"a formula is nested at most {MAX_DEPTH} levels deep", start)

    def formula(self) -> Node:
        tree = self.sum()
        token = self.token
        if token.kind != "end":
            raise FormulaError(self.expected_operator(token), token.start)
        return tree

    def expected_operator(self, token: _Token) -> str:
        if token.kind == ")":
            return "')' closes no '('"
        if token.kind == "(":
            return "'(' after a value: write * to multiply, e.g. 2 * (a + b)"
        if token.kind == ",":
            return "',' outside min(...) or max(...)"
        return f"expected an operator (+ - * / **) before '{token.text}'"

    def sum(self) -> Node:
        left = self.product()
        while self.token.kind in ("+", "-"):
            operator = self.take()
            right = self.product()
            left = self.counted(Operation(operator.kind, left, right, operator.start))
        return left

    def product(self) -> Node:
        left = self.unary()
        while self.token.kind in ("*", "/"):
            operator = self.take()
            right = self.unary()
            left = self.counted(Operation(operator.kind, left, right, operator.start))
        return left

    def unary(self) -> Node:
        if self.token.kind == "-":
            minus = self.take()
            self.deeper(minus.start)
            operand = self.unary()
            self.depth -= 1
            return self.counted(Negative(operand, minus.start))
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.token.kind != "**":
            return base
        operator = self.take()
        self.deeper(operator.start)
        exponent = self.unary()  # from the right, and 2 ** -1 is allowed, as in Python
        self.depth -= 1
        return self.counted(Operation("**", base, exponent, operator.start))

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "number":
            value = float(token.text)
            if not math.isfinite(value):
                raise FormulaError(f"the number {token.text} is too large", token.start)
            return self.counted(Number(value, token.start))
        if token.kind == "name":
            if self.token.kind == "(":
                return self.call(token)
            if token.text in FUNCTIONS:
                raise FormulaError(f"'{token.text}' is a function: write {token.text}(a, b)", token.start)
            return self.counted(Name(token.text, token.start))
        if token.kind == "(":
            self.deeper(token.start)
            inner = self.sum()
            self.depth -= 1
            close = self.take()
            if close.kind != ")":
                raise FormulaError(f"'(' at character {token.start + 1} is not closed", close.start)
            return inner
        if token.kind == "end":
            raise FormulaError("the formula ends where a number or a name is expected", token.start)
        raise FormulaError(f"expected a number or a name, not '{token.text}'", token.start)

    def call(self, name: _Token) -> Node:
        if name.text not in FUNCTIONS:
            raise FormulaError(
                f"'{name.text}(...)' is not a function a formula may call: only min(...) and max(...)", name.start
            )
        opening = self.take()
        self.deeper(opening.start)
        arguments = [self.sum()]
        while self.token.kind == ",":
            self.take()
            arguments.append(self.sum())
        self.depth -= 1
        close = self.take()
        if close.kind != ")":
            raise FormulaError(f"'(' of {name.text} at character {opening.start + 1} is not closed", close.start)
        if len(arguments) < 2:
            raise FormulaError(f"{name.text}(...) needs at least two values, separated by commas", name.start)
        return self.counted(Call(name.text, tuple(arguments), name.start))


def parse(text: str) -> Formula:
    """The formula in `text`; a FormulaError says what is wrong and where."""
    if len(text) > MAX_CHARS:
        raise FormulaError(f"a formula is at most {MAX_CHARS} characters; this one has {len(text)}", MAX_CHARS)
    if not text.strip():
        raise FormulaError("the formula is empty", 0)
    return Formula(text, _Parser(text).formula())


# Working it out ------------------------------------------------------------------------


def evaluate(node: Node, values: Mapping[str, np.ndarray]) -> Any:
    """The formula's value over the draws: names from `values` (arrays that broadcast together),
    numbers as they are. Division by zero and overflow give inf or nan, as numpy does: the caller
    checks the result (and says which input, and which draw)."""
    import numpy as np

    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return values[node.name]
    if isinstance(node, Negative):
        return -evaluate(node.operand, values)
    if isinstance(node, Call):
        combine: Callable[[Any, Any], Any] = np.minimum if node.function == "min" else np.maximum
        result = evaluate(node.arguments[0], values)
        for argument in node.arguments[1:]:
            result = combine(result, evaluate(argument, values))
        return result
    left, right = evaluate(node.left, values), evaluate(node.right, values)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if node.operator == "+":
            return np.add(left, right)
        if node.operator == "-":
            return np.subtract(left, right)
        if node.operator == "*":
            return np.multiply(left, right)
        if node.operator == "/":
            return np.divide(left, right)
        return np.power(left, right)
