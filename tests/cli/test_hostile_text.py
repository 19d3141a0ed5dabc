"""Text from strangers: control characters and lone surrogates are refused in every text of a file
(file:line:col); what reaches a terminal is escaped (no terminal escapes, no Rich markup) and so is
Markdown (no raw HTML, no broken tables); bidirectional formatting characters are allowed but shown as
escapes."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.output import compare_out, markdown_out, sensitivity_out, table_out
from conftest import MINIMAL, computed

runner = CliRunner()
ESCAPES = ("\x1b[2J", "\x1b]0;pwned\x07", "\x07", "\x9b", "\x08")


def edit(old: str, new: str, text: str = MINIMAL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    "text, where",
    [
        (edit("title: Minimal", r'title: "\e[2J wiped"'), ":1:8: title: the control character U+001B"),
        (edit("title: Minimal", r'title: "x\e]0;pwned\a"'), ":1:8: title: the control character U+001B"),
        (edit("title: Minimal", 'title: "a\\rb"'), ":1:8: title: the control character U+000D"),
        (edit("title: Minimal", 'title: "a\\x85b"'), ":1:8: title: the control character U+0085"),
        (edit("title: Minimal", 'title: "a\\x7fb"'), ":1:8: title: the control character U+007F"),
        (edit("Staff, annual", '"St\\x1baff", annual'), ":9:16: options.in_house.lines[0].name: the control"),
        (edit("title: In-house", 'title: In-house\n    description: "\\x00"'), ":8:18: options.in_house.description"),
        (edit("  in_house:\n", '  "in\\ud800house":\n'), ":6:3: options: a lone surrogate (U+D800)"),
        (MINIMAL + 'sources: {"s\\udfff": x}\n', ":14:11: sources: a lone surrogate (U+DFFF)"),
    ],
    ids=["erase screen", "window title", "carriage return", "C1 next line", "delete", "line name", "NUL", "key", "y"],
)
def test_control_characters_and_lone_surrogates_are_refused_at_validation(
    write: Callable[..., Path], text: str, where: str
) -> None:
    path = write(text)
    for command in ("validate", "run"):
        result = runner.invoke(app, [command, str(path), "-f", "json"] if command == "run" else [command, str(path)])
        assert result.exit_code == 2, result.output
        assert where in result.stderr, result.stderr
        assert "Traceback" not in result.output
        assert not any(escape in result.output for escape in ESCAPES)


def test_tab_and_newline_are_text(write: Callable[..., Path]) -> None:
    path = write(edit("title: Minimal", 'title: "two\\tcolumns\\nand lines"'))
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0


def test_a_set_that_writes_a_control_character_is_refused(write: Callable[..., Path]) -> None:
    path = write(MINIMAL)
    result = runner.invoke(app, ["run", str(path), "--set", 'title="\\e[2J"'])
    assert result.exit_code == 2
    assert '--set title="\\e[2J": the control character U+001B is not allowed in text' in result.stderr


def test_the_workbook_of_a_file_with_control_characters_is_a_clear_error(
    write: Callable[..., Path], tmp_path: Path
) -> None:
    """They crashed openpyxl (IllegalCharacterError); now the file is refused before."""
    path = write(edit("title: Minimal", 'title: "a\\x0bb"'))
    result = runner.invoke(app, ["run", str(path), "-f", "xlsx", "-o", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 2
    assert "title: the control character U+000B" in result.stderr
    assert not (tmp_path / "m.xlsx").exists()


HOSTILE = "\x1b[2J\x1b]0;pwned\x07[bold red]marked up[/] \x9b31m\x08 \ud800 end"


def hostile_results(path: Path) -> dict:
    """Results with hostile text where scenario text goes: as a file name could bring it, or a future field."""
    _, results = computed(path, sensitivity=True)
    results["scenario"]["title"] = HOSTILE
    for option in results["options"]:
        option["title"] = HOSTILE + option["name"]
        for line in option["lines"]:
            line["name"] = HOSTILE
    results["money"]["unit"] = HOSTILE
    return results


def terminal(show: Callable[[dict, Console], None], results: dict) -> str:
    buffer = io.StringIO()
    show(results, Console(file=buffer, width=100, force_terminal=True, color_system="truecolor"))
    return buffer.getvalue()


def test_tables_escape_text_on_its_way_to_a_terminal(write: Callable[..., Path]) -> None:
    results = hostile_results(write(MINIMAL))
    shown = terminal(table_out.show, results)
    assert not any(escape in shown for escape in ESCAPES)
    assert "\ud800" not in shown
    assert "[bold red]marked up[/]" in shown  # markup shown as written, not applied
    assert "\\x1b[2J" in shown  # the escape made visible


def test_sensitivity_and_compare_tables_escape_text(write: Callable[..., Path]) -> None:
    results = hostile_results(write(MINIMAL))
    sensitivity = results["sensitivity"]
    sensitivity["scenario"] = sensitivity["option_title"] = HOSTILE
    for row in sensitivity["switching_values"]:
        row["statement"] = row["label"] = HOSTILE
    assert not any(escape in terminal(sensitivity_out.show, sensitivity) for escape in ESCAPES)
    comparison = {
        "scenarios": [
            {"file": HOSTILE + ".yaml", "title": HOSTILE, "price_base": "2013/14", "draws": 0},
            {"file": "b.yaml", "title": "B", "price_base": "2013/14", "draws": 0},
        ],
        "figures": [{"key": HOSTILE, "label": HOSTILE, "unit": HOSTILE, "values": [1.0, 2.0], "differences": [1.0]}],
        "inputs_that_differ": [{"name": HOSTILE, "values": [HOSTILE, None]}],
    }
    assert not any(escape in terminal(compare_out.show, comparison) for escape in ESCAPES)


def test_error_messages_escape_what_they_quote(tmp_path: Path, write: Callable[..., Path]) -> None:
    missing = str(tmp_path / "gone\x1b[2J.yaml")
    result = runner.invoke(app, ["validate", missing])
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "gone\\x1b[2J.yaml: no such file" in result.stderr
    path = write(MINIMAL)
    result = runner.invoke(app, ["run", str(path), "--set", "options.\x1b]0;pwned\x07=1"])
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;pwned\\x07" in result.stderr


MARKUP = "<script>alert(1)</script> <img src=x onerror=alert(1)> a|b & c"


def test_markdown_of_a_run_escapes_html_and_pipes(write: Callable[..., Path]) -> None:
    path = write(edit("title: Outsourced", f"title: '{MARKUP}'", edit("title: Minimal", f"title: '{MARKUP}'")))
    result = runner.invoke(app, ["run", str(path), "-f", "markdown"])
    assert result.exit_code == 0
    out = result.stdout
    assert "<script>" not in out and "<img" not in out
    assert "# &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; a\\|b &amp; c" in out
    rows = [line for line in out.splitlines() if line.startswith("| &lt;script&gt;")]
    assert rows and all(line.count(" | ") == 5 for line in rows)  # the pipe in the title splits no cell


def test_markdown_of_sensitivity_and_compare_escape_html(write: Callable[..., Path]) -> None:
    path = write(edit("title: Outsourced", f"title: '{MARKUP}'", edit("title: Minimal", f"title: '{MARKUP}'")))
    for args in (["sensitivity", str(path)], ["compare", str(path), str(path)]):
        result = runner.invoke(app, [*args, "-f", "markdown"])
        assert result.exit_code == 0, result.output
        assert "<script>" not in result.stdout and "<img" not in result.stdout
        assert "&lt;img src=x onerror=alert(1)&gt;" in result.stdout


def test_markdown_escapes_control_characters_too(write: Callable[..., Path]) -> None:
    results = hostile_results(write(MINIMAL))
    out = markdown_out.render(results)
    assert not any(escape in out for escape in ESCAPES) and "\ud800" not in out


RLO, ISOLATE = "\u202e", "\u2066"  # right-to-left override; left-to-right isolate


def test_bidirectional_formatting_characters_are_allowed_but_shown_as_escapes(
    write: Callable[..., Path], tmp_path: Path
) -> None:
    """They reorder what a reviewer sees ("Trojan Source"): every output that shows text shows them as
    escapes, as control characters are; JSON, whose escapes are unambiguous, keeps the text as written."""
    text = edit("title: Minimal", f'title: "Gnivas{RLO}saving"')
    text = edit("title: Outsourced", f'title: "Out{ISOLATE}sourced"', text)
    text = edit("{name: Contract, annual: 8}", f'{{name: "Con{RLO}tract", annual: 8}}', text)
    path = write(text)
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    shown = {}
    for fmt in ("table", "markdown", "csv"):
        result = runner.invoke(app, ["run", str(path), "-f", fmt])
        assert result.exit_code == 0, result.output
        shown[fmt] = result.stdout
    report = tmp_path / "r.html"
    assert runner.invoke(app, ["report", str(path), "-o", str(report)]).exit_code == 0
    shown["html"] = report.read_text(encoding="utf-8")
    for fmt, out in shown.items():
        assert RLO not in out and ISOLATE not in out, fmt
    assert "Gnivas\\u202esaving" in shown["table"] and "Gnivas\\u202esaving" in shown["markdown"]
    assert "Out\\u2066sourced" in shown["table"] and "Out\\u2066sourced" in shown["html"]
    assert "Con\\u202etract" in shown["html"]
    assert "Gnivas\\u202esaving" in terminal(table_out.show, computed(path)[1])
    json = runner.invoke(app, ["run", str(path), "-f", "json"]).stdout
    assert f"Gnivas{RLO}saving" in json and f"Con{RLO}tract" in json


def test_error_messages_show_bidirectional_formatting_characters_as_escapes(write: Callable[..., Path]) -> None:
    path = write(MINIMAL)
    result = runner.invoke(app, ["run", str(path), "--set", f"options.in_house.lines.St{RLO}aff.annual=1"])
    assert result.exit_code == 2
    assert RLO not in result.output and "St\\u202eaff" in result.stderr
