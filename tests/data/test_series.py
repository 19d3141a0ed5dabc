"""The index series shipped as data: spot figures of each release, its years, and the derived figures
(financial-year averages, chained forecasts) worked out again here from what the release published."""

from __future__ import annotations

import pytest

from barnetmodel.data.series import raw, series, series_names


def test_the_shipped_series() -> None:
    assert series_names() == ("cpi", "gdp_deflator", "gdp_deflator_2020_03", "rpi")
    for name in series_names():
        found = series(name)
        assert found.release and found.released and found.link and found.provenance, name
        assert found.first < found.outturn_to <= found.last, name


def test_gdp_deflator_march_2026_spot_figures() -> None:
    """HM Treasury, GDP deflators at market prices, March 2026 (QNA), index 2024-25 = 100. Each figure
    below is in two independent transcriptions of the release (NOTES: the dbt seed and the BENEFITS
    D2.2 table); 2020/21 in a third ('100 / 85.10')."""
    deflator = series("gdp_deflator")
    for year, value in {2008: 66.8397, 2015: 74.5804, 2018: 78.7948, 2019: 80.8738, 2022: 91.2996, 2024: 100.0}.items():
        assert deflator.value(year) == value
    assert round(deflator.value(2020), 2) == 85.10
    assert (deflator.first, deflator.outturn_to, deflator.last) == (2000, 2024, 2030)
    # 2025/26 is a forecast: 100 x (1 + 3.239%), the per cent change the release gives (to ~0.001).
    assert deflator.value(2025) == pytest.approx(103.239, abs=0.001)
    # Growth 2018/19 -> 2019/20: 80.8738 / 78.7948 - 1 = 2.6385%.
    assert deflator.change(2019) == pytest.approx(80.8738 / 78.7948 - 1, rel=1e-15)
    assert not deflator.link_checked  # the gov.uk link was inferred, and the file says so


def test_gdp_deflator_march_2020_vintage_and_its_chained_forecast() -> None:
    """HM Treasury's own file, March 2020 Budget, index 2018-19 = 100 as displayed: 1955 4.105, 2005 77.760,
    2013 91.933. Forecast years are given as per cent changes: 2019/20 +1.92%, 2020/21 +1.97%."""
    old = series("gdp_deflator_2020_03")
    for year, value in {1955: 4.105, 2005: 77.760, 2013: 91.933, 2018: 100.0}.items():
        assert old.value(year) == value
    assert (old.outturn_to, old.chained_from, old.last) == (2018, 2019, 2024)
    assert old.value(2019) == pytest.approx(101.92, rel=1e-15)  # 100 x 1.0192
    assert old.value(2020) == pytest.approx(101.92 * 1.0197, rel=1e-15)


@pytest.mark.parametrize(
    ("name", "spots"),
    [
        # ONS D7BT, release 16 Sep 2026: calendar 2015 100.0, 2022 121.7, 2025 138.4; March 2024 133.0.
        ("cpi", {("calendar", 2015): 100.0, ("calendar", 2022): 121.7, ("calendar", 2025): 138.4, (2024, 3): 133.0}),
        # ONS CHAW, release 19 Aug 2026: Jan 1987 100.0 (the base); March 2012 240.8 (ONS bulletin, March 2012).
        ("rpi", {(1987, 1): 100.0, (2012, 3): 240.8, ("calendar", 2013): 250.1, ("calendar", 2025): 402.7}),
    ],
)
def test_ons_series_spot_figures(name: str, spots: dict[tuple[object, int], float]) -> None:
    data = raw(name)
    for (year, which), value in spots.items():
        if year == "calendar":
            assert data["calendar_year_values"][which] == value
        else:
            assert data["monthly"][year][which - 1] == value


@pytest.mark.parametrize("name", ["cpi", "rpi"])
def test_financial_year_averages_are_the_mean_of_the_published_months(name: str) -> None:
    """Each financial year's value is the mean of April to March, to the 4 decimals the file keeps."""
    data, found = raw(name), series(name)
    months = data["monthly"]
    for year in range(found.first, found.last + 1):
        twelve = months[year][3:] + months[year + 1][:3]
        assert len(twelve) == 12
        assert found.value(year) == pytest.approx(sum(twelve) / 12, abs=5e-5), year
    assert found.last == found.outturn_to  # no forecasts: the last year is the last with twelve months


def test_financial_year_spot_figures() -> None:
    # CPI 2013/14: (98.3 + 98.5 + 98.3 + 98.3 + 98.7 + 99.1 + 99.1 + 99.2 + 99.6 + 99.0 + 99.5 + 99.7) / 12
    # = 1187.3 / 12 = 98.941666...
    assert series("cpi").value(2013) == pytest.approx(1187.3 / 12, abs=5e-5)
    assert series("cpi").value(2024) == 134.7833
    # RPI 2013/14: 3020.8 / 12 = 251.7333.
    assert series("rpi").value(2013) == pytest.approx(3020.8 / 12, abs=5e-5)
    # CPI 12-month rate to March 2022: 117.1 / 109.4 - 1 = 7.0% (ONS bulletin, March 2022).
    months = raw("cpi")["monthly"]
    assert round(months[2022][2] / months[2021][2] - 1, 3) == 0.070
