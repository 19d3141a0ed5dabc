"""Shell completion of the scenario being typed, as bash is given it: each candidate one shell word, quoted
as the word typed needs (an address's spaces and quotes kept), and no space added after an address's '='."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.cli.completion import bash_word

runner = CliRunner()
needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def scenario(tmp_path: Path, name: str) -> Path:
    """The payroll starter with its contract charge named `name`, in a folder whose name holds a space."""
    path = tmp_path / "my files" / "payroll.yaml"
    path.parent.mkdir()
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    quoted = "'" + name.replace("'", "''") + "'"  # in YAML
    path.write_text(path.read_text(encoding="utf-8").replace("Contract charge", quoted), encoding="utf-8")
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    return path


def bash_reads(text: str) -> list[str]:
    """The words bash reads in `text` (Python's shlex leaves a backslash before a '$' in double quotes)."""
    done = subprocess.run(["bash", "-c", f"printf '%s\\0' {text}"], capture_output=True, text=True, check=True)
    return done.stdout.split("\0")[:-1]


def bash_offers(words: list[str]) -> list[str]:
    """What the app gives bash for COMP_WORDS `words` (as bash holds them: quotes as typed), the last one
    being completed."""
    result = runner.invoke(
        app,
        [],
        prog_name="barnetmodel",
        env={
            "_BARNETMODEL_COMPLETE": "complete_bash",
            "COMP_WORDS": " ".join(words),
            "COMP_CWORD": str(len(words) - 1),
        },
    )
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line]


@needs_bash
@pytest.mark.parametrize(
    "name, address",
    [
        ("Contract charge", "options.outsource.lines.Contract charge.total="),
        ('Con "x" $y', 'options.outsource.lines."Con \\"x\\" $y".total='),
        ("Con 'x' `y`", "options.outsource.lines.Con 'x' `y`.total="),
    ],
)
def test_each_address_is_offered_as_one_shell_word(tmp_path: Path, name: str, address: str) -> None:
    path = scenario(tmp_path, name)
    offered = bash_offers(["barnetmodel", "run", shlex.quote(str(path)), "--set", "options.outsource.lines."])
    read = [bash_reads(candidate) for candidate in offered]
    assert all(len(words) == 1 for words in read), offered
    assert address in [words[0] for words in read]
    # as the command takes it, with the value typed straight after the '='
    candidate = offered[[words[0] for words in read].index(address)]
    done = runner.invoke(app, ["run", str(path), "--set", bash_reads(candidate + "400")[0], "-f", "json"])
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize(
    "value, line, word",
    [
        ("markdown", "run s.yaml -f m", "markdown"),
        ("money.inflation=", "run s.yaml --set money.", "money.inflation="),
        ('a."x y".b=', "run 'my s.yaml' --set a\\ b", "'a.\"x y\".b'="),
        ("a.it's=", "run s.yaml --set a.", '"a.it\'s"='),
        ('a.it\'s "q" $y `z`=', "run s.yaml --set a.", '"a.it\'s \\"q\\" \\$y \\`z\\`"='),
        # a word that opens a quote: bash keeps that quote, and closes it; the candidate is as inside it
        ("a.it's=", "run s.yaml --set 'a.", "a.it'\\''s="),
        ('a."x" $y=', 'run s.yaml --set "a.', 'a.\\"x\\" \\$y='),
    ],
)
def test_a_candidate_is_quoted_as_the_word_typed_needs(value: str, line: str, word: str) -> None:
    assert bash_word(value, line) == word
    if shutil.which("bash"):
        opened = line[-3] if line[-3] in "'\"" else ""  # the quote bash keeps, and closes
        assert bash_reads(opened + word + opened) == [value]  # the shell reads it as the one word offered


@pytest.mark.parametrize(
    "typed, offered",
    [
        # bash keeps the quote the word opens, and closes it: the candidate is written as inside it
        ("'options.outsource.lines.Con", "options.outsource.lines.Contract charge.total="),
        ('"options.outsource.lines.Con', "options.outsource.lines.Contract charge.total="),
    ],
)
def test_a_word_that_opens_a_quote_is_completed_inside_it(tmp_path: Path, typed: str, offered: str) -> None:
    path = scenario(tmp_path, "Contract charge")
    assert offered in bash_offers(["barnetmodel", "run", shlex.quote(str(path)), "--set", typed])


def test_an_address_holding_a_newline_is_not_offered(tmp_path: Path) -> None:
    path = scenario(tmp_path, "Contract charge")
    path.write_text(path.read_text(encoding="utf-8").replace("'Contract charge'", '"Contract\\ncharge"'), "utf-8")
    offered = bash_offers(["barnetmodel", "run", shlex.quote(str(path)), "--set", "options.outsource.lines.C"])
    assert offered and not any("Contract" in candidate for candidate in offered)


@needs_bash
def test_bash_takes_a_completed_address_and_its_value_as_one_word(tmp_path: Path) -> None:
    # Typer's script, as --show-completion prints it, in bash: the one candidate inserted, no space added.
    command = Path(sys.executable).parent / "barnetmodel"
    if not command.exists():
        pytest.skip("needs the installed barnetmodel command")
    path = scenario(tmp_path, "Contract charge")
    script = runner.invoke(app, ["--show-completion", "bash"], prog_name="barnetmodel").stdout
    test = f"""
        {script}
        compopt() {{ echo compopt "$@"; }}  # bash allows the builtin only while completing; say it was asked
        COMP_WORDS=(barnetmodel run {shlex.quote(shlex.quote(str(path)))} --set 'options.outsource.lines.Contract\\ charge.to')
        COMP_CWORD=4
        _barnetmodel_completion barnetmodel
        eval "set -- ${{COMPREPLY[0]}}400"
        printf '[%s]' "${{#COMPREPLY[@]}}" "$@"
    """
    environment = {"PATH": f"{command.parent}:/usr/bin:/bin"}
    done = subprocess.run(["bash", "-c", test], capture_output=True, text=True, env=environment, timeout=60)
    assert done.stdout == "compopt -o nospace\n[1][options.outsource.lines.Contract charge.total=400]", done.stderr
