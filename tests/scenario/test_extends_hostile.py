"""`extends` under attack: files outside the scenario's folder, files that are not scenarios (nothing of
them is ever shown), links that go round, chains too long or too big, and how fast a chain merges."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.scenario import yaml_source
from conftest import MINIMAL

runner = CliRunner()
Write = Callable[..., Path]
SHADOW = "root:$6$saltsalt$Zm9vYmFyYmF6cXV4:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"
SECRETS = ("saltsalt", "Zm9vYmFy", "99999", "daemon")


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the scenarios' folder, with a valid scenario and a password file in it."""
    folder = tmp_path.parent / (tmp_path.name + "-outside")
    folder.mkdir(exist_ok=True)
    (folder / "base.yaml").write_text(MINIMAL, encoding="utf-8")
    (folder / "shadow").write_text(SHADOW, encoding="utf-8")
    return folder


def test_extends_outside_the_folder_is_refused(write: Write, outside: Path) -> None:
    child = write(f"extends: {outside / 'base.yaml'}\ntitle: Child\n", "child.yaml")
    for command in ("validate", "run"):
        code, output = invoke(command, str(child))
        assert code == 2
        assert f"{child}:1:10: extends: '{outside / 'base.yaml'}' is outside the folder of {child} (" in output
        assert "--allow-extends-outside" in output
    relative = write("extends: ../" + outside.name + "/base.yaml\ntitle: Child\n", "relative.yaml")
    assert "is outside the folder" in invoke("validate", str(relative))[1]


def test_allow_extends_outside(write: Write, outside: Path) -> None:
    child = write(f"extends: {outside / 'base.yaml'}\ntitle: Child\n", "child.yaml")
    for command in ("validate", "run", "sensitivity", "report", "plot", "compare"):
        args = {"compare": [str(child), str(child)], "plot": [str(child), "-o", str(outside / "c.svg")]}
        code, output = invoke(command, *args.get(command, [str(child)]), "--allow-extends-outside")
        assert code == 0, (command, output)


def test_a_scenario_test_is_held_to_the_folder_too(write: Write, outside: Path) -> None:
    """`test` reads the scenario a test file names with the same rule, and takes the same flag. MINIMAL saves
    2 a year for three years: 6 nominal."""
    write(f"extends: {outside / 'base.yaml'}\ntitle: Child\n", "child.yaml")
    tests = write("name: t\nscenario: child.yaml\noutputs:\n  options.outsource.total_saving.nominal: 6\n", "t.yaml")
    code, output = invoke("test", str(tests))
    assert code == 2 and "is outside the folder" in output and "--allow-extends-outside" in output
    code, output = invoke("test", str(tests), "--allow-extends-outside")
    assert code == 0, output


def test_a_subfolder_is_inside(write: Write, tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "parent.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "base" / "middle.yaml").write_text("extends: parent.yaml\n", encoding="utf-8")
    child = write("extends: base/middle.yaml\ntitle: Child\n", "child.yaml")
    assert invoke("validate", str(child))[0] == 0


def test_a_link_inside_that_leads_outside_is_outside(write: Write, tmp_path: Path, outside: Path) -> None:
    (tmp_path / "innocent.yaml").symlink_to(outside / "base.yaml")
    child = write("extends: innocent.yaml\ntitle: Child\n", "child.yaml")
    code, output = invoke("validate", str(child))
    assert code == 2 and "is outside the folder" in output


def test_a_password_file_is_never_shown(write: Write, tmp_path: Path, outside: Path) -> None:
    """`extends: /etc/shadow` printed its lines as unknown keys; nothing of such a file is shown, ever."""
    shadow = outside / "shadow"
    child = write(f"extends: {shadow}\ntitle: Child\n", "child.yaml")
    for args in (["validate", str(child)], ["validate", str(child), "--allow-extends-outside"]):
        code, output = invoke(*args)
        assert code == 2
        assert not any(secret in output for secret in SECRETS), output
    code, output = invoke("validate", str(child), "--allow-extends-outside")
    assert f"{child}:1:10: extends: '{shadow}' is not a scenario file" in output
    code, output = invoke("validate", str(shadow))
    assert code == 2 and f"{shadow}: not a scenario file" in output
    assert not any(secret in output for secret in SECRETS), output
    code, output = invoke("test", str(shadow))
    assert code == 2 and f"{shadow}: not a test file" in output
    assert not any(secret in output for secret in SECRETS), output


def test_a_file_that_is_not_a_mapping_is_not_shown(write: Write) -> None:
    write("- secret one\n- secret two\n", "list.yaml")
    child = write("extends: list.yaml\ntitle: Child\n", "child.yaml")
    code, output = invoke("validate", str(child))
    assert code == 2 and "extends: 'list.yaml' is not a scenario file" in output and "secret" not in output


def test_a_misspelt_scenario_is_still_a_scenario(write: Write) -> None:
    path = write("titel: x\n")
    code, output = invoke("validate", str(path))
    assert code == 2 and "unknown key 'titel'; did you mean 'title'?" in output


def test_links_that_go_round_in_a_circle(write: Write, tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(tmp_path / "loop.yaml")
    child = write("extends: loop.yaml\ntitle: Child\n", "child.yaml")
    code, output = invoke("run", str(child))
    assert code == 2
    assert f"{child}:1:10: extends: 'loop.yaml': the links go round in a circle" in output


def test_a_thousand_deep_chain_blames_the_file_past_the_limit(write: Write, tmp_path: Path) -> None:
    from barnetmodel.scenario.extends import MAX_CHAIN

    write(MINIMAL, "c1000.yaml")
    for i in range(1000):
        write(f"extends: c{i + 1}.yaml\n", f"c{i}.yaml")
    code, output = invoke("validate", str(tmp_path / "c0.yaml"))
    assert code == 2
    last = tmp_path / f"c{MAX_CHAIN - 1}.yaml"
    assert output.startswith(f"{last}:1:10: extends: a chain of extends is limited to {MAX_CHAIN} files")
    write(MINIMAL, f"c{MAX_CHAIN - 1}.yaml")  # a chain of exactly the limit
    assert invoke("validate", str(tmp_path / "c0.yaml"))[0] == 0


def test_the_value_limit_counts_the_whole_chain(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "MAX_NODES", 400)
    lines = "".join(f"      - {{name: L{i}, annual: 1}}\n" for i in range(70))  # 3 values a line
    write(MINIMAL + lines, "parent.yaml")
    child = write("extends: parent.yaml\noptions:\n  outsource:\n    lines:\n" + lines.replace("L", "M"), "child.yaml")
    code, output = invoke("validate", str(child))
    assert code == 2
    assert f"{child}:1:10: extends: the files of this chain hold over 400 values together" in output


def test_a_wide_and_deep_chain_merges(write: Write, tmp_path: Path) -> None:
    """Each of 16 files changes 500 lines: the merge matches lines by name through sets, not lists."""
    from barnetmodel.scenario.extends import MAX_CHAIN
    from barnetmodel.scenario.load import load

    lines = "".join(f"      - {{name: L{i}, annual: 1}}\n" for i in range(500))
    write(MINIMAL + lines, "f0.yaml")
    for i in range(1, MAX_CHAIN):
        changed = lines.replace("annual: 1}", f"annual: {i + 1}}}")
        write(f"extends: f{i - 1}.yaml\noptions:\n  outsource:\n    lines:\n" + changed, f"f{i}.yaml")
    scenario = load(str(tmp_path / f"f{MAX_CHAIN - 1}.yaml")).scenario
    annual = [line.annual for line in scenario.options["outsource"].lines]
    assert annual == [8] + [MAX_CHAIN] * 500


def test_an_extended_fifo_is_refused(write: Write, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    child = write("extends: pipe.yaml\ntitle: Child\n", "child.yaml")
    code, output = invoke("validate", str(child))
    assert code == 2 and "extends: 'pipe.yaml' is a FIFO (named pipe), not a file" in output
