"""Spreadsheet formulas for a line's nominal cash flow in one year, the engine's arithmetic in Excel terms.

Each function returns the text of one formula (without the leading '='). Cell references
come in as text, so the same code serves any layout:

- `cell(key)`: the absolute address of one of the line's inputs on the Inputs sheet, for
  keys such as 'annual', 'growth', 'from', 'to', 'total', 'term_first', 'term_last',
  'once', 'amount', 'rate', 'prices', 'ramp1', 'ramp2', ...
- `year`: the cell holding this column's financial year (by its start, e.g. 2013).
- `price_index`: the cell holding this column's price index (nominal / real).
- `shared`: for a share_of line (credits, variations), the cell of the line it is worked out from,
  same year.
- `year_value`, `year_values`: for amounts year by year (or a total's profile), this year's cell
  and the whole row of them on the Inputs sheet.
- `factor`: what else the line is multiplied by, as text: its indexation, its planned changes, a
  switch's expected effect (see xlsx_contracts.py).

Only functions every spreadsheet program evaluates are used (IF, AND, arithmetic), and
the defined names PriceBase and HorizonStart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from barnetmodel.scenario.formula import Call, Name, Negative, Node, Number, Operation
from barnetmodel.scenario.models import Line

Cell = Callable[[str], str]


def _when(conditions: list[str], body: str) -> str:
    """`body` in the years all conditions hold, 0 in the others."""
    if not conditions:
        return body
    test = conditions[0] if len(conditions) == 1 else f"AND({','.join(conditions)})"
    return f"IF({test},{body},0)"


def _between(line: Line, cell: Cell, year: str) -> list[str]:
    conditions = []
    if line.from_ is not None:
        conditions.append(f"{year}>={cell('from')}")
    if line.to is not None:
        conditions.append(f"{year}<={cell('to')}")
    return conditions


def ramp(line: Line, cell: Cell, year: str) -> str | None:
    """Fraction of the line's full effect: ramp value j in its (j+1)th year, 1 after the list ends."""
    if not line.ramp:
        return None
    first = cell("from") if line.from_ is not None else "HorizonStart"
    fraction = "1"
    for j in reversed(range(len(line.ramp))):
        fraction = f"IF({year}-{first}<{j + 1},{cell(f'ramp{j + 1}')},{fraction})"
    return fraction


def _price_basis(cell: Cell, price_index: str) -> str:
    """Amounts written in real prices become cash of their year; the Inputs sheet says which."""
    return f'IF({cell("prices")}="real",{price_index},1)'


def nominal(
    line: Line,
    cell: Cell,
    year: str,
    price_index: str,
    shared: str | None = None,
    *,
    year_value: str | None = None,
    year_values: str | None = None,
    factor: str | None = None,
) -> str:
    """The line's nominal cost in the year of `year`, as engine._line_nominal computes it."""
    step = ramp(line, cell, year)
    ramped = "" if step is None else f"*{step}"
    times = "" if factor is None else f"*{factor}"
    if line.base_line is not None:
        assert shared is not None, "a line worked out from another needs that line's cell"
        if line.share_of is not None:
            body = f"{cell('rate')}*{shared}{ramped}"
        elif line.credits is not None:
            body = f"-{cell('share')}*{shared}"
        elif line.share is not None:
            body = f"{cell('share')}*{shared}"
        else:  # variations of an amount a year, in the years the charge is paid
            body = f"IF({shared}<>0,{cell('amount')},0)*{_price_basis(cell, price_index)}"
        return _when(_between(line, cell, year), body) + times
    if line.by_year is not None:
        assert year_value is not None, "amounts year by year need this year's cell"
        scale = "" if line.scale is None else f"{cell('scale')}*"
        written = f"{scale}{year_value}"
    elif line.total is not None and line.profile is not None:
        assert year_value is not None and year_values is not None, "a total's profile needs its weights' cells"
        share = f"{cell('total')}*{year_value}/SUM({year_values})"
        written = _when([f"{year}>={cell('term_first')}", f"{year}<={cell('term_last')}"], share)
    elif line.annual is not None:
        grown = f"{cell('annual')}*(1+{cell('growth')})^({year}-PriceBase){ramped}"
        written = _when(_between(line, cell, year), grown)
    elif line.total is not None:
        first, last, growth = cell("term_first"), cell("term_last"), cell("growth")
        years = f"({last}-{first}+1)"
        # The profile's weights (1+g)^n, n = 0..years-1, add up to this: the total is spread in proportion.
        weights = f"IF({growth}=0,{years},((1+{growth})^{years}-1)/{growth})"
        share = f"{cell('total')}*(1+{growth})^({year}-{first})/{weights}"
        written = _when([f"{year}>={first}", f"{year}<={last}"], share)
    else:
        written = _when([f"{year}={cell('once')}"], cell("amount"))
    return f"{written}*{_price_basis(cell, price_index)}{times}"


def risk_expected(cell: Cell, year: str, price_index: str) -> str:
    """A risk's expected nominal cost in the year of `year`, as engine._risk_nominal computes it.

    `cell` gives the risk's inputs: 'probability', 'per' ("year" or "horizon"), 'cost',
    'recovered', 'from', 'to' (its window), 'recurring' (TRUE or FALSE) and 'prices'. With j
    the years since the window opened and m its length, the expected share of the cost is:
    per year, one-off p(1-p)^j, recurring 1-(1-p)^(j+1); per horizon, one-off p/m,
    recurring p(j+1)/m.
    """
    p, first, last, recurring = cell("probability"), cell("from"), cell("to"), cell("recurring")
    since, length = f"({year}-{first})", f"({last}-{first}+1)"
    # (1-p)^0 written as 1: 0^0 is an error in Excel when p is 1.
    per_year = f"IF({recurring},1-(1-{p})^({since}+1),{p}*IF({year}={first},1,(1-{p})^{since}))"
    per_horizon = f"IF({recurring},{p}*({since}+1)/{length},{p}/{length})"
    share = f'IF({cell("per")}="year",{per_year},{per_horizon})'
    written = _when([f"{year}>={first}", f"{year}<={last}"], f"{cell('cost')}*(1-{cell('recovered')})*{share}")
    return f"{written}*{_price_basis(cell, price_index)}"


def after_optimism_bias(before: str, applied: str, income_shortfall: str) -> str:
    """A line's cost after optimism bias, as engine._with_optimism_bias computes it: a cost raised by the
    applied share, an income or saving (negative) cut by it when `income_shortfall` is TRUE."""
    return f"IF({before}>0,{before}*(1+{applied}),{before}*(1-IF({income_shortfall},{applied},0)))"


# Named inputs --------------------------------------------------------------------------

# Names the workbook defines itself, and words Excel reads as something else.
WORKBOOK_NAMES = ("Unit", "PriceBase", "Inflation", "HorizonStart", "TRUE", "FALSE")
# An A1 reference (up to three letters and a row) or an R1C1 one is a cell to Excel, never a name.
CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc]?[0-9]*|[Cc][0-9]*")


def excel_names(names: list[str]) -> dict[str, str]:
    """Each named input's defined name in the workbook: its own wherever Excel allows it, else with a
    trailing '_' (pay1 reads as a cell, inflation is the workbook's own): unique, as Excel's names are,
    whatever their case."""
    taken = {name.lower() for name in WORKBOOK_NAMES}
    found: dict[str, str] = {}
    for name in names:
        defined = name
        while CELL_LIKE.fullmatch(defined) or defined.lower() in taken:
            defined += "_"
        taken.add(defined.lower())
        found[name] = defined
    return found


def excel_formula(node: Node, names: Mapping[str, str]) -> str:
    """A formula's tree as an Excel formula (without '='), worked out as the engine works it out.

    Excel's unary minus binds tighter than its power (-2^2 is 4 there, -4 here), and its power goes from
    the left (2^3^2 is 64 there, 512 here): operands of ^ and of a minus are put in parentheses unless they
    are a number, a name or a call; a right operand at the same level keeps its parentheses, so the sums
    and products are done in the engine's order.
    """
    if isinstance(node, Number):
        text = repr(node.value)
        return str(int(node.value)) if node.value.is_integer() and abs(node.value) < 1e15 else text.upper()
    if isinstance(node, Name):
        return names[node.name]
    if isinstance(node, Call):
        return f"{node.function.upper()}({','.join(excel_formula(a, names) for a in node.arguments)})"
    if isinstance(node, Negative):
        return "-" + _operand(node.operand, names, _atom(node.operand))
    left, right = excel_formula(node.left, names), node.right
    if node.operator == "**":
        return f"{_operand(node.left, names, _atom(node.left))}^{_operand(right, names, _atom(right))}"
    if node.operator in "*/":
        left_bare = not (isinstance(node.left, Operation) and node.left.operator in "+-")
        right_bare = _atom(right) or (isinstance(right, Operation) and right.operator == "**")
        return f"{_operand(node.left, names, left_bare)}{node.operator}{_operand(right, names, right_bare)}"
    right_bare = not isinstance(right, Negative) and not (isinstance(right, Operation) and right.operator in "+-")
    return f"{left}{node.operator}{_operand(right, names, right_bare)}"


def _atom(node: Node) -> bool:
    return isinstance(node, (Number, Name, Call))


def _operand(node: Node, names: Mapping[str, str], bare: bool) -> str:
    text = excel_formula(node, names)
    return text if bare else f"({text})"
