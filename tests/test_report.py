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
from barnetmodel.output.headline import headline
from conftest import ROOT, SCENARIOS, computed, with_later_sections

BASES = ("nominal", "real", "present_value")


def money(value: float) -> str:
    """The report's format, written again here so a change to it is noticed: 1,234.5, never -0.0."""
    text = f"{value:,.1f}"
    return "0.0" if text == "-0.0" else text


def cells(page: str, figure: str) -> list[str]:
    """Texts of every <td data-figure=figure>."""
    attribute = re.escape(html.escape(figure))
    return [html.unescape(t) for t in re.findall(rf'<td data-figure="{attribute}"[^>]*>(.*?)</td>', page)]


def row(page: str, figure: str) -> list[str]:
    """Texts of the <td> cells of the one <tr data-figure=figure>."""
    (found,) = re.findall(rf'<tr[^>]*data-figure="{re.escape(figure)}"[^>]*>(.*?)</tr>', page, flags=re.S)
    return [html.unescape(t) for t in re.findall(r"<td[^>]*>(.*?)</td>", found)]


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.stem)
def report(request: pytest.FixtureRequest) -> tuple[dict[str, Any], str]:
    _, results = computed(request.param)
    return results, report_html.render(results)


def test_every_option_total_and_saving(report: tuple[dict[str, Any], str]) -> None:
    results, page = report
    for option in results["options"]:
        for basis in BASES:
            cost = cells(page, f"{option['name']}.total_cost.{basis}")
            assert cost == [money(option["total_cost"][basis])] * 2  # comparison table and cash-flow table
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
            labels = re.findall(rf"<th scope=\"row\">{re.escape(html.escape(line['name']))}(.*?)</th>", page)
            assert labels and all(mark in label for label in labels), line["name"]


def test_self_contained_no_network_needed(report: tuple[dict[str, Any], str]) -> None:
    _, page = report
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) == 2  # the cost and the saving chart
    for source in sources:
        prefix = "data:image/svg+xml;base64,"
        assert source.startswith(prefix)
        assert ET.fromstring(base64.b64decode(source[len(prefix) :])).tag == "{http://www.w3.org/2000/svg}svg"


def test_readable_on_a_phone_and_printable_on_a4(report: tuple[dict[str, Any], str]) -> None:
    _, page = report
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@page { size: A4;" in page
    assert "@media print" in page


def test_no_optional_section_without_its_data(report: tuple[dict[str, Any], str]) -> None:
    _, page = report
    for heading in ("Uncertainty", "Sensitivity", "Switching values", "Risks and optimism bias"):
        assert f">{heading}</h" not in page


def test_the_same_results_give_the_same_report(report: tuple[dict[str, Any], str]) -> None:
    results, page = report
    assert report_html.render(results) == page


def test_optional_sections_show_their_figures() -> None:
    _, results = computed(ROOT / "scenarios" / "one_barnet_council_case.yaml")
    made_up = with_later_sections(results)
    page = report_html.render(made_up)
    for heading in ("Uncertainty", "Sensitivity", "Switching values", "Risks and optimism bias"):
        assert f">{heading}</h" in page
    option = made_up["sensitivity"]["option"]
    for key, value in made_up["uncertainty"]["options"][option]["total_saving"]["present_value"].items():
        assert cells(page, f"uncertainty.{option}.present_value.{key}") == [money(value)]
    for i, entry in enumerate(made_up["uncertainty"]["targets"]):
        assert cells(page, f"uncertainty.targets.{i}") == [f"{entry['probability_met']:.0%}"]
    for entry in made_up["sensitivity"]["inputs"]:
        assert cells(page, f"sensitivity.{entry['label']}.low") == [money(entry["low"])]
        assert cells(page, f"sensitivity.{entry['label']}.high") == [money(entry["high"])]
    assert cells(page, "sensitivity.switching.0") == ["445.4"]
    assert cells(page, "risks.0.impact") == ["18.4"] and cells(page, "risks.0.expected") == ["4.5"]
    assert cells(page, "optimism_bias.0.applied") == ["20.5%"]
    assert len(re.findall(r'<img src="data:image/svg\+xml;base64,', page)) == 3  # and the tornado
    assert "Income &lt;promised&gt;" in page  # labels from elsewhere are escaped too


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
