"""`barnetmodel init [FILE]`: a commented starter scenario, from a template, that validates and runs; never
over a file that is there, unless --force."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from conftest import ROOT

runner = CliRunner()
TEMPLATES = ["payroll", "one-barnet"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_template_is_written_validates_and_runs(tmp_path: Path, template: str) -> None:
    path = tmp_path / "mine.yaml"
    result = runner.invoke(app, ["init", str(path), "--template", template])
    assert result.exit_code == 0, result.output
    assert f"barnetmodel run {path}" in result.stdout
    text = path.read_text(encoding="utf-8")
    assert text.count("#") >= 10  # commented, so nobody starts from a blank page
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    run = runner.invoke(app, ["run", str(path), "-f", "json"])
    assert run.exit_code == 0, run.output
    assert runner.invoke(app, ["run", str(path), "--draws", "200", "-f", "json"]).exit_code == 0


def test_the_payroll_template_is_the_readme_s_example(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(title: Payroll service, in-house or outsourced\n.*?)```", readme, re.S)
    assert example is not None
    path = tmp_path / "scenario.yaml"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    assert example[1] in path.read_text(encoding="utf-8")


def test_the_default_file_is_scenario_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (tmp_path / "scenario.yaml").is_file()


def test_an_existing_file_is_never_replaced_without_force(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("title: my own work\n", encoding="utf-8")
    refused = runner.invoke(app, ["init", str(path)])
    assert refused.exit_code == 2
    assert f"{path}: there is a file there already" in refused.stderr and "--force" in refused.stderr
    assert path.read_text(encoding="utf-8") == "title: my own work\n"
    forced = runner.invoke(app, ["init", str(path), "--force"])
    assert forced.exit_code == 0 and "Payroll" in path.read_text(encoding="utf-8")


def test_an_unknown_template_names_the_templates(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "x.yaml"), "--template", "payrol"])
    assert result.exit_code == 2
    assert "did you mean 'payroll'?" in " ".join(result.output.replace("│", " ").split())


def test_templates_are_package_data() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = data["tool"]["setuptools"]["package-data"]["barnetmodel"]
    assert "templates/*.yaml" in globs
    for template in TEMPLATES:
        assert (ROOT / "src" / "barnetmodel" / "templates" / f"{template.replace('-', '_')}.yaml").is_file()


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_header_names_the_file_written(tmp_path: Path, template: str) -> None:
    path = tmp_path / "payroll_2025.yaml"
    assert runner.invoke(app, ["init", str(path), "--template", template]).exit_code == 0
    header = path.read_text(encoding="utf-8").split("\n\n")[0]
    assert f"#   barnetmodel validate {path} " in header and f"#   barnetmodel run {path} " in header
    assert "scenario.yaml" not in header
    # a name a shell would need quoted (or a comment could not hold) leaves the template's own
    odd = tmp_path / "my scenario.yaml"
    assert runner.invoke(app, ["init", str(odd), "--template", template]).exit_code == 0
    assert "barnetmodel run scenario.yaml" in odd.read_text(encoding="utf-8")
    assert "barnetmodel run scenario.yaml" in runner.invoke(app, ["init", "-", "--template", template]).stdout


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_name_a_command_would_take_for_an_option_is_not_written_in(
    tmp_path: Path, template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    done = runner.invoke(app, ["init", "--template", template, "--", "-x.yaml"])
    assert done.exit_code == 0
    assert "barnetmodel run scenario.yaml" in (tmp_path / "-x.yaml").read_text(encoding="utf-8")
    assert "`barnetmodel validate -- -x.yaml`" in done.stdout


@pytest.mark.parametrize("name", ["my payroll.yaml", "it's.yaml", "-x y.yaml"])
def test_the_commands_it_suggests_take_the_file_when_pasted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    done = runner.invoke(app, ["init", "--", name])
    assert done.exit_code == 0, done.output
    commands = re.findall(r"`(barnetmodel [^`]*)`", done.stdout)
    assert [shlex.split(command) for command in commands] == [
        ["barnetmodel", verb, *(["--"] if name.startswith("-") else []), name] for verb in ("validate", "run")
    ]


def test_a_directory_is_said_to_be_one_at_once(tmp_path: Path) -> None:
    # not "there is a file there already; ... --force to replace it", which --force then refuses
    for force in ([], ["--force"]):
        done = runner.invoke(app, ["init", str(tmp_path), *force])
        assert done.exit_code == 2
        said = " ".join(done.stderr.split())
        assert f"{tmp_path}: is a directory; give the name of the file to write, e.g. {tmp_path}/scenario.yaml" in said
        assert "--force" not in said
    assert list(tmp_path.iterdir()) == []


def test_usage_shows_the_optional_file_once() -> None:
    usage = runner.invoke(app, ["init", "--help"], env={"COLUMNS": "100"}).stdout
    assert "init [OPTIONS] [FILE]" in usage and "[[FILE]]" not in usage


def test_the_one_barnet_template_has_what_its_help_says_and_claims_no_more(tmp_path: Path) -> None:
    # It has ranges, a risk register, optimism bias and correlated draws; it was said to have "every part of
    # the format", which it does not (no named inputs, no contract mechanics).
    path = tmp_path / "scenario.yaml"
    assert runner.invoke(app, ["init", str(path), "--template", "one-barnet"]).exit_code == 0
    text = path.read_text(encoding="utf-8")
    for key in ("triangular:", "risks:", "optimism_bias:", "correlations:"):
        assert key in text
    help_text = " ".join(runner.invoke(app, ["init", "--help"], env={"COLUMNS": "200"}).stdout.split())
    assert "every part of the format" not in help_text and "every part of the format" not in text
    assert "correlated draws" in help_text
