"""Discount factors against the Green Book's published figures and hand-worked products."""

from __future__ import annotations

import numpy as np
import pytest

from barnetmodel.data.reference import constant, schedules
from barnetmodel.engine.discount import discount_factors


def test_green_book_published_factors() -> None:
    # Green Book 2020 Table 8 / DOMAIN.md: 0.9662 at year 1, 0.7089 at year 10, 0.3563 at year 30.
    factors = discount_factors(schedules()["green_book"].rates_for(31))
    assert factors[0] == 1.0
    assert round(factors[1], 4) == 0.9662
    assert round(factors[10], 4) == 0.7089
    assert round(factors[30], 4) == 0.3563


def test_declining_schedule_is_a_running_product() -> None:
    # Year 31 is the first year of the 3.0% band: one more step at 3.0%, not 1/1.03^31.
    factors = discount_factors(schedules()["green_book"].rates_for(80))
    assert factors[31] == pytest.approx(1.035**-30 / 1.03, rel=1e-12)
    assert factors[76] == pytest.approx(1.035**-30 * 1.03**-45 / 1.025, rel=1e-12)


def test_bands_by_year() -> None:
    rates = schedules()["green_book"].rates_for(302)
    assert rates[30] == 0.035 and rates[31] == 0.030
    assert rates[75] == 0.030 and rates[76] == 0.025
    assert rates[125] == 0.025 and rates[126] == 0.020
    assert rates[200] == 0.020 and rates[201] == 0.015
    assert rates[300] == 0.015 and rates[301] == 0.010


def test_other_schedules_start_where_the_green_book_says() -> None:
    assert schedules()["green_book_health"].rates_for(1)[0] == 0.015
    assert schedules()["green_book_reduced"].rates_for(1)[0] == 0.030


def test_every_schedule_is_sourced_and_dated() -> None:
    for schedule in schedules().values():
        assert schedule.source and schedule.as_of
        assert schedule.from_years[0] == 0
        assert list(schedule.from_years) == sorted(schedule.from_years)


def test_constant_rate_matches_power_formula() -> None:
    factors = discount_factors(constant(0.05).rates_for(6))
    np.testing.assert_allclose(factors, [1.05**-t for t in range(6)], rtol=1e-14)


def test_factors_broadcast_over_draws() -> None:
    rates = np.array([[0.0, 0.1, 0.1], [0.0, 0.2, 0.2]])
    np.testing.assert_allclose(discount_factors(rates), [[1, 1 / 1.1, 1 / 1.21], [1, 1 / 1.2, 1 / 1.44]])
