"""The HTML report: every figure of the results in it as formatted, every source numbered and cited,
self-contained, escaped, and the optional sections only when their data is there."""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from barnetmodel.output import report_html
from barnetmodel.output.headline import headline, probability_text
from barnetmodel.output.views import standard_error_text
from conftest import ROOT, SCENARIOS, computed

BASES = ("nominal", "real", "present_value")


def money(value: float) -> str:
    """The report's format, written again here so a change to it is noticed: 1,234.5, never -0.0."""
    text = f"{value:,.1f}"
    return "0.0" if text == "-0.0" else text


def share(value: float) -> str:
    """An input's share as the report writes it, again: up to two decimals, no trailing zeros (10.25%, 41%)."""
    return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"


def cells(page: str, figure: str) -> list[str]:
    """Texts of every <td data-figure=figure> (or <span>), inner tags removed."""
    attribute = re.escape(html.escape(figure))
    found = re.findall(rf'<(td|span) data-figure="{attribute}"[^>]*>(.*?)</\1>', page)
    return [html.unescape(re.sub(r"<[^>]+>", "", t)).strip() for _, t in found]


def row(page: str, figure: str) -> list[str]:
    """Texts of the <td> cells of the one <tr data-figure=figure>."""
    (found,) = re.findall(rf'<tr[^>]*data-figure="{re.escape(figure)}"[^>]*>(.*?)</tr>', page, flags=re.S)
    return [html.unescape(t) for t in re.findall(r"<td[^>]*>(.*?)</td>", found)]


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.stem)
def report(request: pytest.FixtureRequest) -> tuple[dict[str, Any], str]:
    """The report as `barnetmodel report` makes it: the file's draws, and the sensitivity section."""
    _, results = computed(request.param, sensitivity=True)
    return results, report_html.render(results)


def test_every_option_total_and_saving(report: tuple[dict[str, Any], str]) -> None:
    results, page = report
    for option in results["options"]:
        for basis in BASES:
            cost = cells(page, f"{option['name']}.total_cost.{basis}")
            # The comparison table, the cash-flow table, and the optimism-bias table if it has any.
            assert cost == [money(option["total_cost"][basis])] * (3 if option["optimism_bias"] else 2)
            saving = cells(page, f"{option['name']}.total_saving.{basis}")
            assert saving == ["–" if option["is_baseline"] else money(option["total_saving"][basis])]


def test_every_yearly_figure(report: tuple[dict[str, Any], str]) -> None:
    results, page = report
    years = len(results["years"])
    for option in results["options"]:
        for series, values in option["yearly"].items():
            if option["is_baseline"] and "saving" in series:
                continue  # the baseline saves nothing against itself: all nought, not shown
            assert row(page, f"{option['name']}.yearly.{series}")[:years] == [money(v) for v in values], series
        for i, line in enumerate(option["lines"]):
            shown = row(page, f"{option['name']}.lines.{i}.nominal")
            assert shown == [money(v) for v in line["nominal"]] + [money(sum(line["nominal"]))]
    assert row(page, "discount_factor") == [f"{v:.4f}" for v in results["discount_factor"]]
    assert row(page, "price_index") == [f"{v:.4f}" for v in results["price_index"]]


def test_every_target_figure(report: tuple[dict[str, Any], str]) -> None:
    results, page = report
    for t, target in enumerate(results["targets"]):
        assert cells(page, f"targets.{t}.amount") == [money(target["amount"])] * len(target["results"])
        for r, result in enumerate(target["results"]):
            assert cells(page, f"targets.{t}.results.{r}.achieved") == [money(result["achieved"])]
            share = cells(page, f"targets.{t}.results.{r}.share_met")[0]
            assert float(share.rstrip("%")) == pytest.approx(
                100 * result["share_met"], abs=0.05 if "." in share else 0.5
            )
            assert cells(page, f"targets.{t}.results.{r}.met") == ["yes" if result["met"] else "no"]


def test_headline_title_description_and_provenance(report: tuple[dict[str, Any], str]) -> None:
    results, page = report
    text = html.unescape(page)
    assert headline(results) in text
    assert f"<title>{results['scenario']['title']}</title>" in text
    assert results["scenario"]["description"] in text
    assert results["scenario"]["sha256"] in text
    assert results["discounting"]["source"] in text


def test_every_source_is_numbered_and_cited_beside_its_figures(report: tuple[dict[str, Any], str]) -> None:
    results, page = report
    numbers = {}
    for number, (key, text) in enumerate(results["scenario"]["sources"].items(), start=1):
        (item,) = re.findall(rf'<li id="source-{number}">(.*?)</li>', page)
        assert html.unescape(item).startswith(text)
        numbers[key] = number
    for option in results["options"]:
        for line in option["lines"]:
            mark = f'<a href="#source-{numbers[line["source"]]}"'
            # The name whole, then its mark (a name may begin another: "Re services" and "Re services, 2023/24").
            name = re.escape(html.escape(line["name"]).replace("&#x27;", "&#39;"))  # as Jinja escapes it
            labels = re.findall(rf"<th scope=\"row\">{name}(<sup.*?)</th>", page)
            assert labels and all(mark in label for label in labels), line["name"]


def test_self_contained_no_network_needed(report: tuple[dict[str, Any], str]) -> None:
    _, page = report
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) == 3  # the cost, the saving and the tornado chart
    for source in sources:
        prefix = "data:image/svg+xml;base64,"
        assert source.startswith(prefix)
        assert ET.fromstring(base64.b64decode(source[len(prefix) :])).tag == "{http://www.w3.org/2000/svg}svg"


def test_readable_on_a_phone_and_printable_on_a4(report: tuple[dict[str, Any], str]) -> None:
    _, page = report
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@page { size: A4;" in page
    assert "@media print" in page


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_no_optional_section_without_its_data(path: Path) -> None:
    _, results = computed(path, draws=0)
    page = report_html.render(results)
    for heading in ("Uncertainty", "Sensitivity", "Switching values"):
        assert f">{heading}</h" not in page
    assert (">Risks</h2>" in page) == any(o["risks"] for o in results["options"])
    assert (">Optimism bias</h2>" in page) == any(o["optimism_bias"] for o in results["options"])
    assert len(re.findall(r"<img ", page)) == 2


def test_the_same_results_give_the_same_report(report: tuple[dict[str, Any], str]) -> None:
    results, page = report
    assert report_html.render(results) == page


def leaves(value: Any, path: tuple = ()) -> list[tuple[tuple, float]]:
    """Every number in a part of the results, with its path (booleans and texts are not figures)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, (int, float)):
        return [(path, value)]
    items = value.items() if isinstance(value, dict) else enumerate(value)
    return [found for key, item in items for found in leaves(item, (*path, key))]


def financial_year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def distribution(described: dict) -> str:
    """How the report describes a distribution, written again: 'triangular: low 0.01, mode 0.02, high 0.03'."""
    ((kind, parameters),) = described.items()
    shown = ", ".join(f"{key} {value:g}" for key, value in parameters.items())
    return f"{'PERT' if kind == 'pert' else kind}: {shown}"


def expected_text(path: tuple, value: float, results: dict[str, Any]) -> str | None:
    """How the report shows the figure at `path` of the results; None for a figure shown as a row of years."""
    key = path[-1]
    if path[0] == "uncertainty":
        if path[1] == "yearly":
            return None
        if key == "standard_error":
            return standard_error_text(value)
        if str(key).startswith("probability") and str(key).endswith("_standard_error"):
            return f"{standard_error_text(value * 100)} pts"  # in percentage points
        if str(key).startswith("probability"):
            return f"{value:.1%}"
        if path[1] == "inputs":
            return f"{value:,.4g}"
        return money(value)
    if path[0] == "sensitivity":
        row = results["sensitivity"][path[1]][path[2]] if len(path) > 2 else None
        if key in ("low_value", "high_value", "central_value"):
            assert row is not None
            return str(row[key.replace("_value", "_text")])
        if key == "switching_value":
            assert row is not None
            return str(row["switching_text"])
        if path[-2] == "search_range":  # shown where the input never switches the answer, or only outside it
            assert row is not None
            return str(row["search_range_text"][key]) if not row["within_range"] else None
        if key == "central_saving":  # in a sentence: £10.7m saved, or £4.1m more
            return f"£{abs(value):,.1f}m"
        return money(value)
    if key in ("probability", "recovered", "uplift", "mitigated", "applied"):
        return share(value)
    if key in ("from", "to"):
        return financial_year(int(value))
    return money(value)


def test_every_figure_of_the_risks_bias_uncertainty_and_sensitivity() -> None:
    """Each number of these sections of the JSON, in the cell named after its path, as the report formats it."""
    _, results = computed(ROOT / "scenarios" / "critics_stress.yaml", sensitivity=True)
    page = report_html.render(results)
    figures = leaves({k: results[k] for k in ("uncertainty", "sensitivity")})
    for option in results["options"]:
        parts = {"risks": option["risks"]}
        if option["optimism_bias"]:
            parts |= {k: option[k] for k in ("optimism_bias", "total_cost_before_optimism_bias")}
        figures += [((option["name"], *path), value) for path, value in leaves(parts)]
    shown_elsewhere = {
        ("uncertainty", "draws"): f"drawn {results['uncertainty']['draws']:,} times",
        ("uncertainty", "seed"): f"seed {results['uncertainty']['seed']})",
        ("uncertainty", "band_draws"): f"from the first {results['uncertainty']['band_draws']:,} draws",
        ("uncertainty", "replicates"): f"{results['uncertainty']['replicates']} independent Latin Hypercube samples",
    }
    checked = 0
    for path, value in figures:
        if path in shown_elsewhere:
            assert shown_elsewhere[path] in page
        elif "distribution" in path:
            continue  # the input's distribution, in words: checked below
        elif path[0] == "sensitivity" and path[1] == "tornado" and path[-1] == "central_value":
            # The input's central value: in the switching values' "Now" column.
            moved = results["sensitivity"]["tornado"][path[2]]["input"]
            assert value in [
                r["central_value"] for r in results["sensitivity"]["switching_values"] if r["input"] == moved
            ]
        elif path[:2] == ("uncertainty", "yearly") or (path[1] == "risks" and path[-2] == "nominal"):
            continue  # rows of years: checked below
        else:
            text = expected_text(path, value, results)
            assert cells(page, ".".join(map(str, path))) == ([] if text is None else [text]), path
            checked += 1
    assert checked > 100
    for entry in results["uncertainty"]["inputs"]:
        assert f'<td class="text">{html.escape(distribution(entry["distribution"]))}</td>' in page
    for entry in results["sensitivity"]["switching_values"]:
        if entry["switching_value"] is not None:
            assert html.escape(entry["statement"], quote=False) + ".</li>" in page
    for option in results["options"]:
        name = option["name"]
        for j, risk in enumerate(option["risks"]):
            shown = row(page, f"{name}.risks.{j}.nominal")
            assert shown == [money(v) for v in risk["nominal"]] + [money(sum(risk["nominal"]))]
        if option["is_baseline"]:
            continue
        bands = results["uncertainty"]["yearly"][name]["cumulative_saving_nominal"]
        for key, values in bands.items():
            assert row(page, f"uncertainty.yearly.{name}.cumulative_saving_nominal.{key}") == [money(v) for v in values]


def test_the_answer_gives_the_range_and_the_chance_of_each_target() -> None:
    _, results = computed(ROOT / "scenarios" / "critics_stress.yaml", sensitivity=True)
    text = html.unescape(report_html.render(results))
    saving = results["uncertainty"]["options"][1]["saving_present_value"]
    # The central saving, -11.809 in present value (scenarios/tests/critics_stress.yaml), is a cost.
    assert (
        "costs £11.8m more in present value (2013/14 prices) than Keep the services in-house, "
        f"£{-saving['mean']:.1f}m more on average over the draws, P10-P90 " in text
    )
    assert f"P10-P90 of the extra cost -£{saving['p90']:.1f}m to £{-saving['p10']:.1f}m;" in text
    chance = probability_text(results["uncertainty"]["targets"][1]["probability_met"])
    claimed = "the target 'Savings claimed over the decade' (savings to 2023/24 added up, real)"
    assert f"{claimed} is met with probability {chance}" in text


def test_text_from_the_scenario_is_escaped() -> None:
    _, results = computed(ROOT / "scenarios" / "one_barnet_council_case.yaml")
    results["scenario"]["title"] = "<script>alert('x')</script> & co"
    results["options"][0]["lines"][0]["name"] = "<b>Staff</b>"
    page = report_html.render(results)
    assert "<script>" not in page and "<b>Staff</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in page
    assert "&lt;b&gt;Staff&lt;/b&gt;" in page


def test_template_ships_as_package_data() -> None:
    from importlib import resources

    template = resources.files("barnetmodel").joinpath("templates/report.html.j2")
    assert template.is_file()
    assert "templates/*.j2" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_results_without_sources_or_targets(tmp_path: Path) -> None:
    from conftest import MINIMAL

    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    _, results = computed(path)
    page = report_html.render(results)
    assert 'id="sources"' not in page and 'id="targets"' not in page
    assert cells(page, "outsource.total_saving.nominal") == ["6.0"]


def test_a_switch_is_marked_and_its_expected_cost_said_to_be_its_one_off_cost_only() -> None:
    from barnetmodel.analysis.analyse import analyse
    from barnetmodel.scenario.load import load

    results = analyse(load(str(ROOT / "benchmarks" / "contracts.yaml"), allow_extends_outside=True), draws=0)
    page = report_html.render(results)
    assert page.count('<span class="note">(a switch)</span>') == 1
    assert "A switch's expected cost here is its one-off cost only" in page
    _, council = computed(ROOT / "scenarios" / "one_barnet_council_case.yaml", draws=0)
    assert "(a switch)" not in report_html.render(council)
