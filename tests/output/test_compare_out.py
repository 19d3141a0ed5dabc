"""compare's tables, Markdown and CSV: a column for each file, each with a name of its own."""

from __future__ import annotations

from typing import Any

from barnetmodel.output.compare_out import column_names, different_prices, render_csv, render_markdown


def result(*files: str) -> dict[str, Any]:
    figure = {"key": "x.cost.nominal", "label": "x: cost", "unit": "£m, nominal"}
    return {
        "scenarios": [
            {"file": file, "title": "T", "price_base": "2024/25", "sha256": "", "draws": 0} for file in files
        ],
        "figures": [{**figure, "values": [1.0] * len(files), "differences": [0.0] * (len(files) - 1)}],
        "inputs_that_differ": [],
    }


def test_each_column_has_a_name_of_its_own() -> None:
    assert column_names(result("a/s.yaml", "b/s.yaml")) == ["a/s", "b/s"]
    assert column_names(result("a/s.yaml", "b/s.yaml"), suffix=True) == ["a/s.yaml", "b/s.yaml"]
    # The same file twice: numbered by its place among the files.
    assert column_names(result("s.yaml", "s.yaml", "t.yaml")) == ["s (file 1)", "s (file 2)", "t"]
    # Names that differ only in their suffix keep it.
    assert column_names(result("s.yaml", "s.yml")) == ["s.yaml", "s.yml"]


def test_a_file_compared_with_itself_is_told_apart_in_every_format() -> None:
    twice = result("s.yaml", "s.yaml")
    assert (
        render_csv(twice).splitlines()[0]
        == "figure,unit,s.yaml (file 1),s.yaml (file 2),s.yaml (file 2) minus s.yaml (file 1)"
    )
    markdown = render_markdown(twice)
    assert "| Figure | s (file 1) | s (file 2) | s (file 2) minus s (file 1) |" in markdown
    assert "- `s.yaml (file 1)`: T" in markdown and "- `s.yaml (file 2)`: T" in markdown


def test_the_note_says_the_prices_of_the_present_values() -> None:
    same = result("a.yaml", "b.yaml")
    assert "present values in 2024/25 prices;" in render_markdown(same)
    mixed = {**same, "scenarios": [{**same["scenarios"][0], "price_base": "2013/14"}, same["scenarios"][1]]}
    assert different_prices(mixed) and not different_prices(same)
    note = "present values in each file's prices (a 2013/14, b 2024/25): those in prices other than the first"
    assert note in render_markdown(mixed)


def test_the_note_says_which_figures_are_central_and_which_of_draws() -> None:
    central = render_markdown(result("a.yaml", "b.yaml"))
    assert "Costs, savings and shares met not marked 'of draws' are the central run's (every input at its mean)." in (
        central
    )
    assert "'Of draws'" not in central
    drawn = result("a.yaml", "b.yaml")
    drawn["scenarios"] = [{**s, "draws": 20000} for s in drawn["scenarios"]]
    assert "'Of draws': over the Monte Carlo draws (20,000 draws); their mean differs" in render_markdown(drawn)
    drawn["scenarios"][0]["draws"] = 0
    assert "over the Monte Carlo draws (a: none; b: 20,000)" in render_markdown(drawn)

    # A figure one file has not (no draws, no such option) is '-', and the note says what '-' is.
    def key_figures() -> str:
        return render_markdown(drawn).split("## Inputs that differ")[0]

    assert "'-': not in that scenario." not in key_figures()
    drawn["figures"][0]["values"][0] = None
    assert "'-': not in that scenario." in key_figures()


def test_inputs_that_do_not_differ_say_so_rather_than_a_header_alone() -> None:
    markdown = render_markdown(result("a.yaml", "b.yaml"))
    section = markdown[markdown.index("## Inputs that differ") :]
    assert "| none: every input is the same in every file |" in section
    same = result("a.yaml", "b.yaml")
    same["inputs_that_differ"] = [{"name": "money.inflation", "values": ["0.02", "0.03"]}]
    assert "| money.inflation | 0.02 | 0.03 |" in render_markdown(same)
