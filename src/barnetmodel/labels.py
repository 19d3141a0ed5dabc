"""How years and money are labelled wherever a figure is shown."""

from __future__ import annotations


def financial_year(year: int) -> str:
    """2013 -> '2013/14': a financial year is named by the year it starts in."""
    return f"{year}/{(year + 1) % 100:02d}"
