"""Several scenarios side by side: their key figures, the differences, and the inputs that differ."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from barnetmodel.scenario.load import Loaded
from barnetmodel.scenario.models import financial_year

# Keys that describe rather than model: left out of "which inputs differ".
PROSE = {"description", "note", "source", "sources", "title"}
CORRELATIONS = "uncertainty.correlations"


def _flatten(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every modelling setting of a scenario as (path, text), lines, risks and targets by name."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in {"triangular", "pert", "uniform", "normal", "lognormal", "choice"}:
            yield path, _describe(value)
            return
        for key, item in value.items():
            if key in PROSE or item is None:
                continue
            yield from _flatten(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and not value:
        return  # an empty list is nothing to compare, as a list left out
    elif path == CORRELATIONS:
        for item in value:  # by the pair of inputs, as a line by its name: the order they are listed in is no matter
            pair = " ~ ".join(sorted(item["between"]))
            yield f"{path}.{pair}", _text(item["rank"])
    elif isinstance(value, list) and all(isinstance(item, dict) and "name" in item for item in value):
        for item in value:
            name = item["name"]
            yield from _flatten({k: v for k, v in item.items() if k != "name"}, f"{path}.{name}")
    elif isinstance(value, list) and all(not isinstance(item, (dict, list)) for item in value):
        yield path, _text(value)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _flatten(item, f"{path}[{i}]")
    else:
        yield path, _text(value)


def _describe(distribution: dict[str, Any]) -> str:
    kind, params = next(iter(distribution.items()))
    return f"{kind}(" + ", ".join(f"{k}={_text(v)}" for k, v in params.items() if v is not None) + ")"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


def settings(loaded: Loaded) -> dict[str, str]:
    return dict(_flatten(loaded.scenario.model_dump(by_alias=True, exclude_none=True), ""))


# The statistics of the draws shown beside a central present value: the mean is what a change that bites
# only in some draws (a cap on an index, a risk) moves when the central figure does not.
DRAW_STATISTICS = (("mean", "mean of draws"), ("p10", "P10 of draws"), ("p90", "P90 of draws"))


def _of_draws(
    key: str, label: str, summary: dict[str, float] | None, unit: str
) -> Iterator[tuple[str, tuple[str, float, str]]]:
    """The mean, P10 and P90 of a figure's draws, after its central value (nothing without draws)."""
    if summary is None:
        return
    for statistic, words in DRAW_STATISTICS:
        # float(): a mean is a NumPy number, which CSV would write as np.float64(...).
        yield f"{key}.{statistic}", (f"{label}, {words}", float(summary[statistic]), unit)


def _figures(results: dict[str, Any]) -> dict[str, tuple[str, float, str]]:
    """key -> (label, value, unit) of the figures compared: each option's central cost and saving, and,
    with draws, the mean, P10 and P90 of their present values."""
    units = results["money"]["units"]
    drawn = {option["name"]: option for option in results.get("uncertainty", {}).get("options", [])}
    out: dict[str, tuple[str, float, str]] = {}
    for option in results["options"]:
        name = option["name"]
        draws = drawn.get(name, {})
        pv, nominal = units["present_value"], units["nominal"]
        out[f"{name}.cost.present_value"] = (f"{name}: cost, PV", option["total_cost"]["present_value"], pv)
        out.update(_of_draws(f"{name}.cost.present_value", f"{name}: cost, PV", draws.get("cost_present_value"), pv))
        out[f"{name}.cost.nominal"] = (f"{name}: cost, nominal", option["total_cost"]["nominal"], nominal)
        if not option["is_baseline"]:
            saving = option["total_saving"]
            out[f"{name}.saving.present_value"] = (f"{name}: saving, PV", saving["present_value"], pv)
            out.update(
                _of_draws(f"{name}.saving.present_value", f"{name}: saving, PV", draws.get("saving_present_value"), pv)
            )
            # The cash saving: what an affordability case (a budget, a savings target) counts.
            out[f"{name}.saving.nominal"] = (f"{name}: saving, nominal", saving["nominal"], nominal)
    for target in results["targets"]:
        for result in target["results"]:
            key = f"targets.{target['name']}.{result['option']}.share_met"
            out[key] = (f"{target['name']} ({result['option']}): share met", result["share_met"], "share")
    for name, option in drawn.items():
        if "probability_cheaper_than_baseline" in option:
            out[f"{name}.probability_cheaper"] = (
                f"{name}: P(cheaper than baseline)",
                option["probability_cheaper_than_baseline"],
                "probability",
            )
    return out


def telling_apart(files: list[str]) -> list[str]:
    """Each file by the shortest end of its path that no other file's path ends in: `s.yaml` and `c.yaml`,
    or `a/s.yaml` and `b/s.yaml` (from the absolute paths, so `s.yaml` and `../b/s.yaml` are told apart
    too). A file given twice is named by its base name both times."""
    import os

    paths = [Path(os.path.abspath(file)).parts for file in files]
    out = []
    for i, parts in enumerate(paths):
        others = [p for j, p in enumerate(paths) if j != i and p != parts]
        ends = next((n for n in range(1, len(parts) + 1) if all(p[-n:] != parts[-n:] for p in others)), 1)
        out.append(Path(*parts[-ends:]).as_posix())
    return out


def compare(loaded: list[Loaded], analyse: Callable[[Loaded], dict[str, Any]]) -> dict[str, Any]:
    """Key figures of each scenario, their differences from the first, and the settings that differ (and each
    file's number of draws: the figures "of draws" are over them). A
    figure in another unit than the first file's (a present value in other prices) is not subtracted
    from it: its difference is None, and the figure's unit names each unit."""
    results = [analyse(item) for item in loaded]
    figures = [_figures(r) for r in results]
    keys: list[str] = []  # each file's figures in its order, one only some files have after the figure before it
    for figure in figures:
        at = -1
        for key in figure:
            if key in keys:
                at = keys.index(key)
            else:
                at += 1
                keys.insert(at, key)
    rows = []
    for key in keys:
        found = [f.get(key) for f in figures]
        label = next(x[0] for x in found if x is not None)
        units = list(dict.fromkeys(x[2] for x in found if x is not None))
        first = found[0]
        differences = [None if first is None or x is None or x[2] != first[2] else x[1] - first[1] for x in found[1:]]
        values = [None if x is None else x[1] for x in found]
        unit = "; ".join(units)
        rows.append({"key": key, "label": label, "unit": unit, "values": values, "differences": differences})
    all_settings = [settings(item) for item in loaded]
    names = list(dict.fromkeys(name for s in all_settings for name in s))
    differing = [
        {"name": name, "values": [s.get(name) for s in all_settings]}
        for name in names
        if len({s.get(name) for s in all_settings}) > 1
    ]
    return {
        "scenarios": [
            {
                "file": file,
                "title": item.scenario.title,
                "price_base": financial_year(item.scenario.price_base),
                "sha256": item.sha256,
                "draws": result.get("uncertainty", {}).get("draws", 0),
            }
            for file, item, result in zip(
                telling_apart([item.source.file for item in loaded]), loaded, results, strict=True
            )
        ],
        "figures": rows,
        "inputs_that_differ": differing,
    }
