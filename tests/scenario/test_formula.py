"""The formula reader: what it reads, how operators bind, what it refuses and where; values worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from barnetmodel.scenario.formula import MAX_CHARS, MAX_DEPTH, MAX_NODES, FormulaError, evaluate, parse

VALUES = {"a": 2.0, "b": 3.0, "c": 4.0, "posts": 514.0, "pay": 0.031, "on_costs": 0.29}


def value(text: str) -> float:
    names = {name: np.full((1, 1), v) for name, v in VALUES.items()}
    return float(np.asarray(evaluate(parse(text).tree, names)).reshape(-1)[0])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("posts * pay * (1 + on_costs)", 514 * 0.031 * 1.29),  # 20.55486
        ("1 + 2 * 3", 7.0),  # * before +
        ("(1 + 2) * 3", 9.0),
        ("10 - 4 - 3", 3.0),  # from the left: (10 - 4) - 3, not 10 - (4 - 3) = 9
        ("24 / 4 / 2", 3.0),  # (24 / 4) / 2, not 24 / (4 / 2) = 12
        ("2 ** 3 ** 2", 512.0),  # from the right, as in Python: 2 ** 9, not 8 ** 2 = 64
        ("-2 ** 2", -4.0),  # ** before unary minus: -(2 ** 2)
        ("(-2) ** 2", 4.0),
        ("2 ** -1", 0.5),
        ("-a * b", -6.0),
        ("a - -b", 5.0),
        ("--a", 2.0),
        ("min(a, b)", 2.0),
        ("max(a, b, c)", 4.0),
        ("max(a - 5, 0)", 0.0),
        ("min(a, b) * max(b, c)", 8.0),
        ("1.5e2 + .5", 150.5),
        ("2E-2", 0.02),
        ("  a\n + b ", 5.0),  # spaces and line breaks (YAML folded text) are fine
        ("a / (b - 1)", 1.0),
    ],
)
def test_values_worked_by_hand(text: str, expected: float) -> None:
    assert value(text) == pytest.approx(expected, rel=1e-15)


def test_broadcasts_over_draws_and_keeps_one_row_when_nothing_is_drawn() -> None:
    drawn = np.array([[1.0], [2.0], [3.0]])
    names = {"a": drawn, "b": np.full((1, 1), 10.0)}
    assert evaluate(parse("a * b + 1").tree, names).tolist() == [[11.0], [21.0], [31.0]]
    assert evaluate(parse("b * 2").tree, names).shape == (1, 1)
    assert evaluate(parse("max(a, 2)").tree, names).tolist() == [[2.0], [2.0], [3.0]]


def test_names_in_the_order_written() -> None:
    formula = parse("posts * pay * (1 + posts)")
    assert [(n.name, n.start) for n in formula.names()] == [("posts", 0), ("pay", 8), ("posts", 19)]
    assert formula.name_set == {"posts", "pay"}
    assert parse("staff_cost").alias() == "staff_cost"
    assert parse("staff_cost * 1").alias() is None


def test_division_by_zero_gives_inf_for_the_caller_to_refuse() -> None:
    names = {"a": np.array([[1.0], [0.0]])}
    assert evaluate(parse("1 / a").tree, names)[1, 0] == np.inf


@pytest.mark.parametrize(
    "text, message, offset",
    [
        # (text, what the message says, 1-based character it points at)
        ("posts.__class__", "'.': a formula has no attributes", 6),
        ("posts[0]", "'[': a formula has no subscripts", 6),
        ("__import__('os')", "'__import__(...)' is not a function a formula may call: only min(...) and max(...)", 1),
        ("abs(a)", "'abs(...)' is not a function a formula may call", 1),
        ("a +", "the formula ends where a number or a name is expected", 4),
        ("a + * b", "expected a number or a name, not '*'", 5),
        ("(a + b", "'(' at character 1 is not closed", 7),
        ("a + b)", "')' closes no '('", 6),
        ("a b", "expected an operator (+ - * / **) before 'b'", 3),
        ("2 (a)", "'(' after a value: write * to multiply", 3),
        ("a ^ 2", "'^': write a power as **", 3),
        ("29%", "'%': write a percentage as a fraction", 3),
        ("'a'", '"\'": a formula holds no text in quotes', 1),
        ("a, b", "',' outside min(...) or max(...)", 2),
        ("min(a)", "min(...) needs at least two values", 1),
        ("max", "'max' is a function: write max(a, b)", 1),
        ("min(a, b", "'(' of min at character 4 is not closed", 9),
        ("a = 1", "unexpected '='", 3),
        ("a // 2", "expected a number or a name, not '/'", 4),
        ("+a", "expected a number or a name, not '+'", 1),
        ("1e999", "the number 1e999 is too large", 1),
        ("", "the formula is empty", 1),
        ("a \x07", "unexpected U+0007", 3),
        ("lambda: 1", "unexpected ':'", 7),
    ],
)
def test_refused_saying_what_and_where(text: str, message: str, offset: int) -> None:
    with pytest.raises(FormulaError) as raised:
        parse(text)
    assert message in str(raised.value)
    assert str(raised.value).endswith(f"at character {offset}")


def test_limits() -> None:
    longest = "a" + " + a" * ((MAX_CHARS - 1) // 4)
    assert len(longest) <= MAX_CHARS
    parse(longest)
    with pytest.raises(FormulaError, match=f"at most {MAX_CHARS} characters; this one has {MAX_CHARS + 1}"):
        parse("a" * (MAX_CHARS + 1))
    parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)
    with pytest.raises(FormulaError, match=f"nested at most {MAX_DEPTH} levels deep at character {MAX_DEPTH + 1}"):
        parse("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(FormulaError, match="nested at most"):
        parse("-" * (MAX_DEPTH + 1) + "a")
    with pytest.raises(FormulaError, match="nested at most"):
        parse("a" + " ** a" * (MAX_DEPTH + 1))
    with pytest.raises(FormulaError, match=f"at most {MAX_NODES} numbers, names and operations"):
        parse("+".join(["1"] * (MAX_NODES // 2 + 1)))


# Random formulas: our reading against Python's own arithmetic (same precedence: a test-only oracle on text
# this test made itself), and the workbook's Excel form against an Excel evaluator (the `formulas` library).
NAMED = {"a": 2.0, "b": 3.0, "c": 0.5}


@st.composite
def formula_text(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 4 or draw(st.booleans()):
        return draw(st.sampled_from(["2", "0.5", "3", "1.5e1", ".25", "a", "b", "c"]))
    kind = draw(st.sampled_from(["binary", "binary", "binary", "minus", "parentheses", "call"]))
    if kind == "binary":
        left, right = draw(formula_text(depth + 1)), draw(formula_text(depth + 1))
        return f"{left}{draw(st.sampled_from([' + ', '-', ' * ', '/', ' ** ', '**']))}{right}"
    if kind == "minus":
        return "-" + draw(formula_text(depth + 1))
    if kind == "parentheses":
        return f"({draw(formula_text(depth + 1))})"
    arguments = [draw(formula_text(depth + 1)) for _ in range(draw(st.integers(2, 3)))]
    return f"{draw(st.sampled_from(['min', 'max']))}({', '.join(arguments)})"


def python_value(text: str) -> float:
    try:
        value = eval(text, {"__builtins__": {}, "min": min, "max": max}, dict(NAMED))
    except (ZeroDivisionError, OverflowError):
        assume(False)
    assume(isinstance(value, (int, float)) and np.isfinite(value) and abs(value) < 1e100)
    return float(value)


@settings(max_examples=300, deadline=None)
@given(formula_text())
def test_operators_bind_as_in_python(text: str) -> None:
    expected = python_value(text)
    names = {name: np.full((1, 1), v) for name, v in NAMED.items()}
    found = float(np.asarray(evaluate(parse(text).tree, names)).reshape(-1)[0])
    assert found == pytest.approx(expected, rel=1e-12, abs=1e-300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formula_text())
def test_excel_works_out_the_workbook_formula_as_the_engine_does(text: str) -> None:
    import formulas

    from barnetmodel.output.xlsx_formulas import excel_formula, excel_names

    expected = python_value(text)
    written = excel_formula(parse(text).tree, excel_names(list(NAMED)))
    compiled = formulas.Parser().ast("=" + written)[1].compile()
    by_name = {name.lower(): v for name, v in NAMED.items()} | {"c_": NAMED["c"]}
    value = compiled(*[by_name[name.lower()] for name in compiled.inputs])
    value = float(np.asarray(value).reshape(-1)[0]) if not isinstance(value, float) else value
    assert value == pytest.approx(expected, rel=1e-9), written
