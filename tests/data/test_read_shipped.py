"""Shipped data files read with libyaml's loader (where PyYAML has it) give what the Python loader gives."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from barnetmodel.data import read_shipped

SHIPPED = sorted(
    str(path.relative_to(resources.files("barnetmodel")))  # type: ignore[attr-defined]
    for folder in ("data", "data/series")
    for path in resources.files("barnetmodel").joinpath(folder).iterdir()  # type: ignore[attr-defined]
    if path.name.endswith(".yaml")
)


def test_every_shipped_file_is_checked() -> None:
    assert {"data/discount_schedules.yaml", "data/optimism_bias.yaml", "data/series/rpi.yaml"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_read_as_the_python_loader_reads_it(name: str) -> None:
    text = resources.files("barnetmodel").joinpath(name).read_text("utf-8")
    assert read_shipped(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_libyaml_is_used_where_pyyaml_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[str] = []
    real = yaml.load
    monkeypatch.setattr(yaml, "load", lambda text, Loader: used.append(Loader.__name__) or real(text, Loader=Loader))
    assert read_shipped("a: 1.5\nb: [2013, x]\n") == {"a": 1.5, "b": [2013, "x"]}
    assert used == ["CSafeLoader" if yaml.__with_libyaml__ else "SafeLoader"]
