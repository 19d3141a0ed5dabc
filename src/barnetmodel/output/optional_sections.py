"""The parts of a results dict that only some runs carry, and how the outputs read them.

`results.summarise()` gives the central run; every option in it carries its risk register
("risks", a list, empty without risks) and its optimism bias ("optimism_bias", None
without). Two keys are added by other kinds of run, and the report, the charts, the
terminal chart and the workbook show a section for each one present, nothing for one
absent:

- results["uncertainty"], from a run with Monte Carlo draws (`simulate.summarise_simulation`):
  "draws", "seed", "sampling", "band_draws", "inputs" [{name, distribution, mean}],
  "options" [{name, cost_present_value, cost_nominal, probability_cheapest, and for each
  option but the baseline saving_present_value and probability_cheaper_than_baseline}],
  where each figure is {mean, standard_error, p5, p10, p50, p90, p95}; "targets"
  [{target, option, probability_met, achieved}]; "yearly" {option: {"cost_nominal",
  "cumulative_saving_nominal": {p5, p10, p50, p90, p95: one figure a year}}}.
- results["sensitivity"], added by `report` and `plot` only (never by `run`), from
  `sensitivity.analyse_sensitivity`: "option", "option_title", "baseline_title", "units",
  "central_saving", "mode", "percent", "tornado" [{label, low_text, high_text,
  saving_at_low, saving_at_high, swing, ...}], "switching_values" [{label, central_text,
  switching_value, switching_text, search_range_text, statement, break_even, ...}].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The band the charts draw: eight draws out of ten fall inside it.
BAND_LOW, BAND_HIGH = "p10", "p90"


@dataclass(frozen=True)
class Band:
    """A P10-P90 band, one pair of figures a year."""

    p10: list[float]
    p90: list[float]


@dataclass(frozen=True)
class TornadoBar:
    """The saving with one input at its low and at its high value."""

    label: str
    low: float
    high: float

    @property
    def swing(self) -> float:
        return abs(self.high - self.low)


def bands(results: dict[str, Any], measure: str, basis: str) -> dict[str, Band]:
    """P10-P90 bands of a yearly measure ('cumulative_saving' or 'cost') by option key; {} without
    draws. Monte Carlo runs keep yearly bands in nominal terms only, so other bases have none."""
    yearly = (results.get("uncertainty") or {}).get("yearly", {})
    found = {}
    for option, measures in yearly.items():
        band = measures.get(f"{measure}_{basis}")
        if band is not None:
            found[option] = Band(list(band[BAND_LOW]), list(band[BAND_HIGH]))
    return found


def option_figures(results: dict[str, Any], option: str) -> dict[str, Any] | None:
    """An option's Monte Carlo figures (results["uncertainty"]["options"] entry), or None without draws."""
    for entry in (results.get("uncertainty") or {}).get("options", []):
        if entry["name"] == option:
            found: dict[str, Any] = entry
            return found
    return None


def saving_percentiles(results: dict[str, Any], option: str) -> dict[str, float] | None:
    """Mean, standard error and P5-P95 of an option's present-value saving, or None without draws."""
    figures = option_figures(results, option)
    return None if figures is None else figures.get("saving_present_value")


def probability_met(results: dict[str, Any], target: str, option: str) -> float | None:
    """Chance that an option meets a target, or None without draws."""
    for entry in (results.get("uncertainty") or {}).get("targets", []):
        if entry["target"] == target and entry["option"] == option:
            return float(entry["probability_met"])
    return None


def tornado_bars(results: dict[str, Any]) -> list[TornadoBar]:
    """The sensitivity results as tornado bars, widest swing first; [] without sensitivity results."""
    sensitivity = results.get("sensitivity")
    if not sensitivity:
        return []
    found = [TornadoBar(row["label"], row["saving_at_low"], row["saving_at_high"]) for row in sensitivity["tornado"]]
    return sorted(found, key=lambda bar: bar.swing, reverse=True)


def moved_by(sensitivity: dict[str, Any]) -> tuple[str, str]:
    """How the tornado moves each input, low end then high: ('at its P10', 'at its P90'), ('10% lower', ...)."""
    if sensitivity["mode"] == "p10_p90":
        return "at its P10", "at its P90"
    percent = sensitivity["percent"] if sensitivity["percent"] is not None else 10.0
    return f"{percent:g}% lower", f"{percent:g}% higher"


def distribution_text(described: dict[str, Any]) -> str:
    """A distribution as written in a scenario, in words: 'triangular: low 42, mode 44.54, high 47.08'."""
    ((kind, parameters),) = described.items()

    def figure(value: Any) -> str:
        if isinstance(value, list):
            return "[" + ", ".join(figure(v) for v in value) + "]"
        return f"{value:g}"

    name = "PERT" if kind == "pert" else kind
    return f"{name}: " + ", ".join(f"{key} {figure(value)}" for key, value in parameters.items())
