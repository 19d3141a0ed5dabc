"""The optional parts of a results dict, added by later kinds of run, and how outputs read them.

`results.summarise()` gives the deterministic figures. A Monte Carlo run, a sensitivity
analysis or a risk register adds a key to the same dict; the report, the charts, the
terminal chart and the workbook show a section for each key that is present, and nothing
(no placeholder) for a key that is absent. The shapes they expect:

results["uncertainty"] (a Monte Carlo run)::

    {
      "draws": 10000,                       # number of draws
      "seed": 20130901,                     # optional
      "options": {                          # every option but the baseline, by key
        "outsource": {
          "total_saving": {                 # over the horizon, per basis (any of the three)
            "present_value": {"p10": 98.0, "p50": 130.5, "p90": 160.2},
            "nominal": {"p10": ..., "p50": ..., "p90": ...},
          },
          "cumulative_saving": {            # per basis, one figure per year of the horizon
            "nominal": {"p10": [...], "p90": [...]},
          },
        },
      },
      "targets": [                          # one per (target, option) result
        {"name": "Savings needed before 2015", "option": "outsource", "probability_met": 0.04},
      ],
    }

results["sensitivity"] (one input moved at a time)::

    {
      "option": "outsource",                # the option whose result is measured
      "measure": "Saving, present value",   # what the result is
      "unit": "£m, present value, 2013/14 prices",
      "central": 130.5,                     # the result with every input at its central value
      "inputs": [                           # the result with one input at its low / high value
        {"label": "Inflation (0.01 to 0.03)", "low": 120.1, "high": 141.3},
      ],
      "switching_values": [                 # optional: the input value at which the saving is nil
        {"label": "CSG contract charge", "central": 320.0, "switching": 445.4, "change": 0.392},
      ],
    }

results["risks"] (costed risks)::

    [{"name": "Provider failure", "option": "outsource", "probability": 0.25,
      "impact": 18.0, "expected": 4.5, "source": "seed-000"}]   # money in results["money"]["unit"]

results["optimism_bias"] (HM Treasury supplementary guidance)::

    [{"option": "outsource", "category": "Outsourcing", "upper": 0.41,
      "mitigated": 0.5, "applied": 0.205, "source": "mott-2002"}]   # fractions: 0.41 is 41%
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Band:
    """A P10-P90 band, one pair of figures a year."""

    p10: list[float]
    p90: list[float]


@dataclass(frozen=True)
class TornadoBar:
    """The result with one input at its low and at its high value."""

    label: str
    low: float
    high: float

    @property
    def swing(self) -> float:
        return abs(self.high - self.low)


def bands(results: dict[str, Any], measure: str, basis: str) -> dict[str, Band]:
    """P10-P90 bands of a yearly measure (e.g. 'cumulative_saving') by option; {} without draws."""
    uncertainty = results.get("uncertainty")
    if not uncertainty:
        return {}
    found = {}
    for option, figures in uncertainty.get("options", {}).items():
        band = figures.get(measure, {}).get(basis)
        if band is not None:
            found[option] = Band(list(band["p10"]), list(band["p90"]))
    return found


def total_saving_percentiles(results: dict[str, Any], option: str, basis: str) -> dict[str, float] | None:
    """{'p10', 'p50', 'p90'} of an option's saving over the horizon, or None without draws."""
    uncertainty = results.get("uncertainty") or {}
    figures = uncertainty.get("options", {}).get(option, {})
    found: dict[str, float] | None = figures.get("total_saving", {}).get(basis)
    return found


def probability_met(results: dict[str, Any], target: str, option: str) -> float | None:
    """Chance that an option meets a target, or None without draws."""
    uncertainty = results.get("uncertainty") or {}
    for entry in uncertainty.get("targets", []):
        if entry["name"] == target and entry["option"] == option:
            return float(entry["probability_met"])
    return None


def tornado_bars(results: dict[str, Any]) -> list[TornadoBar]:
    """The sensitivity results as tornado bars, widest swing first; [] without a sensitivity run."""
    sensitivity = results.get("sensitivity")
    if not sensitivity:
        return []
    found = [TornadoBar(entry["label"], float(entry["low"]), float(entry["high"])) for entry in sensitivity["inputs"]]
    return sorted(found, key=lambda bar: bar.swing, reverse=True)
