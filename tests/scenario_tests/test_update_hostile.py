"""`test --update` under attack and in odd places: links, hard links, a byte order mark, read-only files,
control characters, `extends` in overrides; and what it says and exits with when failures remain."""

from __future__ import annotations

import os
import stat
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from barnetmodel.cli.app import app
from conftest import MINIMAL

runner = CliRunner()
Write = Callable[..., Path]
# MINIMAL saves 2 a year over three years: 6 nominal. The test expects 7: --update writes 6.0.
FAILING = "name: t\nscenario: minimal.yaml\noutputs:\n  options.outsource.total_saving.nominal: 7  # hand: 6\n"
UPDATED = FAILING.replace(": 7  #", ": 6.0  #")


@pytest.fixture
def files(tmp_path: Path) -> Write:
    (tmp_path / "minimal.yaml").write_text(MINIMAL, encoding="utf-8")

    def _write(text: str, name: str = "t.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


def run_tests(path: Path, *args: str) -> Result:
    result = runner.invoke(app, ["test", str(path), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def test_a_linked_test_file_is_updated_where_it_points(files: Write, tmp_path: Path) -> None:
    real = files(FAILING, "real/t.yaml")  # its scenario is named relative to the link, as given
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    result = run_tests(link, "--update")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == UPDATED


def test_hard_links_are_kept(files: Write, tmp_path: Path) -> None:
    path = files(FAILING)
    other = tmp_path / "other-name.yaml"
    os.link(path, other)
    assert run_tests(path, "--update").exit_code == 0
    assert path.stat().st_nlink == 2 and path.stat().st_ino == other.stat().st_ino
    assert other.read_text(encoding="utf-8") == UPDATED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal.yaml", "other-name.yaml", "t.yaml"]


def test_a_byte_order_mark_is_kept(files: Write) -> None:
    path = files("")
    path.write_bytes(b"\xef\xbb\xbf" + FAILING.encode("utf-8"))
    assert run_tests(path, "--update").exit_code == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + UPDATED.encode("utf-8")


def test_a_read_only_file_is_refused(files: Write) -> None:
    path = files(FAILING)
    path.chmod(0o444)
    result = run_tests(path, "--update")
    assert result.exit_code == 1
    assert f"{path}: is read-only; it is not written over" in result.stderr
    assert path.read_text(encoding="utf-8") == FAILING
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_control_characters_are_not_written(files: Write, tmp_path: Path) -> None:
    """--update wrote a C1 character raw (json.dumps leaves them), and the next `test` refused the file. Text
    with control characters is now refused where it is read, so none reaches the results; and a value that
    holds one anyway is left for the user, never written."""
    from barnetmodel.scenario_tests.run import Failure
    from barnetmodel.scenario_tests.update import yaml_value

    (tmp_path / "odd.yaml").write_text(MINIMAL.replace("title: Minimal", 'title: "odd\\x9bname"'), encoding="utf-8")
    path = files("name: t\nscenario: odd.yaml\noutputs:\n  scenario.title: other\n")
    before = path.read_bytes()
    result = run_tests(path, "--update")
    assert result.exit_code == 2
    assert "title: the control character U+009B is not allowed" in result.stderr
    assert path.read_bytes() == before
    with pytest.raises(ValueError, match=r"holds a control character \(U\+009B\); update it by hand"):
        yaml_value(Failure("scenario.title", "odd\x9bname", "other", None))
    assert yaml_value(Failure("a", "two\u2028lines", "x", None)) == '"two\\u2028lines"'


def test_extends_in_overrides_is_refused(files: Write) -> None:
    files(MINIMAL.replace("annual: 8", "annual: 9"), "other.yaml")
    path = files(FAILING.replace("outputs:", "overrides:\n  extends: other.yaml\noutputs:"))
    result = run_tests(path)
    assert result.exit_code == 2
    assert f"{path}:4:3: overrides.extends: `extends` is read before any override: write it in the file" in (
        result.stderr
    )


def test_an_update_is_exact_so_the_figure_passes_after_it(files: Write) -> None:
    """1/1.035 = 0.96618... against 1,000 with a relative margin of 0.001 (a margin of 1): rounded to within
    a tenth of that margin, it was written as 1, which then failed against its own, smaller, margin."""
    path = files(
        "name: t\nscenario: minimal.yaml\nrelative_error_margin: 0.001\noutputs:\n  discount_factor[1]: 1000\n"
    )
    result = run_tests(path, "--update")
    assert result.exit_code == 0, result.output
    assert f"discount_factor[1]: {1 / 1.035!r}" in path.read_text(encoding="utf-8")
    assert run_tests(path).exit_code == 0


def test_what_remains_after_an_update_is_what_it_reports(files: Write) -> None:
    path = files(
        """\
        - {name: passes, scenario: minimal.yaml, outputs: {horizon.end: 2015}}
        - {name: updated, scenario: minimal.yaml, outputs: {horizon.end: 2016}}
        - name: by hand
          scenario: minimal.yaml
          outputs: {horizon.start: &x 2014, horizon.end: *x}
        """
    )
    result = run_tests(path, "--update")
    assert result.exit_code == 1
    assert f"{path}: updated 1 expected value" in result.stdout
    assert result.stdout.splitlines()[-1] == "after the update: 2 passed, 1 failed"
    path.write_text(path.read_text(encoding="utf-8").replace("&x 2014", "&x 2013").replace("*x", "2015"))
    result = run_tests(path, "--update")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "3 passed, 0 failed"  # nothing left to update
