"""Bad input: every mistake is `file:line:col: field.path: message`, exit 2, no traceback, no output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from conftest import MINIMAL, ROOT

runner = CliRunner()
# A frozen copy of the council case, so that line numbers in the expected messages stay put.
COUNCIL = (ROOT / "tests" / "data" / "council_case_deterministic.yaml").read_text(encoding="utf-8")


def refuse(path: Path, expected: str) -> str:
    """Run the file, expect exit 2 with `expected` in the message, and no output file written."""
    out = path.parent / "out.json"
    result = runner.invoke(app, ["run", str(path), "--format", "json", "--output", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert expected in result.stderr, result.stderr
    assert not out.exists()
    return result.stderr


def edit(old: str, new: str, text: str = COUNCIL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


CASES = {
    "invalid YAML": (
        "title: x\nhorizon: {start: 2013, years: 10\n",
        ":3:1: invalid YAML: while parsing a flow mapping",
    ),
    "empty file": ("", ": the file is empty"),
    "only a comment": ("# nothing\n", ": the file is empty"),
    "not a mapping": ("- a\n- b\n", ":1:1: a scenario file is a mapping of keys"),
    # `validate scenarios/**/*.yaml` meets the test files too: it said "a scenario file is a mapping of keys".
    "a list of scenario tests": (
        "- name: t\n  scenario: s.yaml\n  outputs: {horizon.end: 2015}\n",
        ": a scenario test file, not a scenario: run it with `barnetmodel test ",
    ),
    "one scenario test": (
        "name: t\nscenario: s.yaml\noutputs: {horizon.end: 2015}\n",
        ": a scenario test file, not a scenario: run it with `barnetmodel test ",
    ),
    "misspelt key": (
        edit("  inflation:", "  inflaton:"),
        ":24:3: money.inflaton: unknown key 'inflaton'; did you mean 'inflation'?",
    ),
    "misspelt line key": (
        edit("        term: [2013, 2022]", "        trem: [2013, 2022]"),
        "options.outsource.lines[0].trem: unknown key 'trem'; did you mean 'term'?",
    ),
    "wrong type": (
        edit("annual: 44.54", 'annual: "44.54"'),
        ":42:17: options.in_house.lines[0].annual: should be a number, not '44.54'",
    ),
    "boolean is not a number": (edit("annual: 44.54", "annual: yes"), "should be a number, not true"),
    "zero years": (edit("years: 10", "years: 0"), ":19:10: horizon.years: should be greater than or equal to 1"),
    "negative target": (edit("amount: 56", "amount: -56"), "targets[0].amount: should be greater than 0"),
    "negative discount rate": (edit("discount: green_book", "discount: -0.01"), "money.discount: a discount rate"),
    "growth of -100%": (
        edit("annual: 13.13", "annual: 13.13\n        growth: -1"),
        "options.in_house.lines[1].growth: should be greater than -1",
    ),
    "NaN": (
        edit("annual: 13.13", "annual: .nan"),
        "options.in_house.lines[1].annual: should be a finite number, not nan",
    ),
    "infinity": (edit("inflation: 0.02", "inflation: .inf"), "money.inflation: should be a finite number, not inf"),
    "year outside the horizon": (edit("by: 2014", "by: 2030"), "targets[0].by: year 2030 is outside the horizon"),
    "term outside the horizon": (
        edit("term: [2013, 2022]", "term: [2013, 2025]"),
        "options.outsource.lines[0].term[1]: year 2025 is outside the horizon 2013-2022",
    ),
    "share_of naming no line": (
        edit("        annual: -3.38", "        share_of: CSG contract chrge\n        rate: 0.1"),
        "share_of: no line of this option is called 'CSG contract chrge'; did you mean 'CSG contract charge'?",
    ),
    "baseline naming no option": (
        edit("baseline: in_house", "baseline: inhouse"),
        ":35:11: baseline: no option is called 'inhouse'; did you mean 'in_house'?",
    ),
    "duplicate keys": (
        edit("  years: 10", "  years: 10\n  years: 11"),
        ":20:3: horizon.years: duplicate key 'years' (first written at line 19)",
    ),
    "misspelt choice": (
        edit("prices: nominal", "prices: nomnal"),
        "money.prices: should be 'nominal' or 'real', not 'nomnal'; did you mean 'nominal'?",
    ),
    "unknown schedule": (
        edit("discount: green_book", "discount: greenbook"),
        "money.discount: unknown discount schedule 'greenbook'; did you mean 'green_book'?",
    ),
    "two kinds on a line": (
        edit("        total: 126", "        total: 126\n        annual: 3"),
        "options.outsource.lines[1]: a line needs exactly one of annual, total, once, share_of, by_year, credits, variations; it has annual, total",
    ),
    "no kind on a line": (edit("        annual: -3.38", "        growth: 0.1"), "it has none"),
    "key with no meaning for the kind": (
        edit("        total: 126", "        total: 126\n        from: 2014"),
        "options.outsource.lines[1].from: 'from' has no meaning on a line with `total`",
    ),
    "total without a term": (edit("        term: [2013, 2022]\n", "", COUNCIL), "a line with `total` needs `term`"),
    "to before from": (
        edit("annual: -3.38", "annual: -3.38\n        from: 2016\n        to: 2015"),
        "`to` (2015) is before `from` (2016)",
    ),
    "missing required key": (
        edit("  inflation: 0.02        # judgement: close to the GDP deflator of the period\n", ""),
        "money.inflation: required key 'inflation' is missing",
    ),
    "unknown source": (edit("source: unison-2013", "source: unison-2031"), "'unison-2031' is not a key of `sources`"),
    "duplicate line names": (
        edit("name: Re contract charge", "name: CSG contract charge"),
        "another line (#1) is called",
    ),
    "python object tag": ("title: !!python/object/apply:os.system [echo hi]\n", ":1:8: title: the tag"),
    "low above high": (
        edit("annual: 44.54", "annual: {triangular: {low: 50, mode: 44, high: 40}}"),
        ":42:30: options.in_house.lines[0].annual.triangular: low (50) is above high (40)",
    ),
    "mode outside the range": (
        edit("annual: 44.54", "annual: {pert: {low: 40, mode: 60, high: 50}}"),
        "annual.pert: mode (60) is outside low-high (40 to 50)",
    ),
    "negative sd": (
        edit("annual: 44.54", "annual: {normal: {mean: 50, sd: -1}}"),
        "annual.normal.sd: should be greater than or equal to 0, not -1",
    ),
    "bare list for a distribution": (
        edit("annual: 44.54", "annual: [40, 44, 50]"),
        "annual: should be a number or a distribution, not a list; write a range with named parameters",
    ),
    "misspelt distribution": (
        edit("annual: 44.54", "annual: {triangle: {low: 40, mode: 44, high: 50}}"),
        "annual.triangle: unknown key 'triangle'; did you mean 'triangular'?",
    ),
    "misspelt parameter": (
        edit("annual: 44.54", "annual: {uniform: {lo: 40, high: 50}}"),
        "annual.uniform.lo: unknown key 'lo'; did you mean 'low'?",
    ),
    "two distributions at once": (
        edit("annual: 44.54", "annual: {uniform: {low: 40, high: 50}, normal: {mean: 1, sd: 1}}"),
        "annual: write exactly one distribution",
    ),
    "choice probabilities not adding to one": (
        edit("annual: 44.54", "annual: {choice: {values: [1, 2], probabilities: [0.5, 0.6]}}"),
        "annual.choice: probabilities add up to 1.1, not 1",
    ),
    "lognormal half given": (
        edit("annual: 44.54", "annual: {lognormal: {p10: 4}}"),
        "annual.lognormal: give either p10 and p90, or median and sigma; it has p10",
    ),
    "unbounded distribution on a bounded number": (
        edit("inflation: 0.02", "inflation: {normal: {mean: 0.02, sd: 0.01}}"),
        "money.inflation: this normal distribution can take -inf, but the number must be > -0.5",
    ),
    "ramp distribution outside 0-1": (
        edit("annual: 44.54", "annual: 44.54\n        ramp: [{uniform: {low: 0.5, high: 1.5}}]"),
        "ramp[0]: this uniform distribution can take 1.5, but the number must be <= 1",
    ),
    "risk probability above one": (
        COUNCIL + "    risks:\n      - {name: fail, probability: 1.5, cost: 10}\n",
        "options.outsource.risks[0].probability: should be less than or equal to 1, not 1.5",
    ),
    "optimism bias naming no line": (
        COUNCIL + "    optimism_bias: {category: outsourcing, lines: [CSG contract chrge]}\n",
        "optimism_bias.lines[0]: no line of this option is called 'CSG contract chrge'; did you mean 'CSG contract charge'?",
    ),
    "correlation naming no input": (
        edit("annual: 44.54", "annual: {uniform: {low: 40, high: 50}}")
        + "uncertainty:\n  correlations:\n    - {between: [options.in_house.lines.CSG services run in-house.anual, money.inflation], rank: 0.5}\n",
        "is not an uncertain input; did you mean 'options.in_house.lines.CSG services run in-house.annual'?",
    ),
    "correlations that contradict each other": (
        edit(
            "inflation: 0.02",
            "inflation: {uniform: {low: 0.01, high: 0.03}}",
            edit(
                "annual: 13.13",
                "annual: {uniform: {low: 12, high: 14}}",
                edit("annual: 44.54", "annual: {uniform: {low: 40, high: 50}}"),
            ),
        )
        + "uncertainty:\n  correlations:\n"
        + "    - {between: [options.in_house.lines.CSG services run in-house.annual, money.inflation], rank: 0.9}\n"
        + "    - {between: [options.in_house.lines.Re services run in-house.annual, money.inflation], rank: 0.9}\n"
        + "    - {between: [options.in_house.lines.Re services run in-house.annual, options.in_house.lines.CSG services run in-house.annual], rank: -0.9}\n",
        "uncertainty.correlations: these correlations do not make a valid correlation matrix (it is not positive definite",
    ),
    "correlation outside -1 to 1": (
        edit("annual: 44.54", "annual: {uniform: {low: 40, high: 50}}")
        + "uncertainty:\n  correlations:\n    - {between: [money.inflation, money.inflation], rank: 1.5}\n",
        "uncertainty.correlations[0].rank: should be less than or equal to 1, not 1.5",
    ),
    "negative draws": (
        COUNCIL + "uncertainty: {draws: -5}\n",
        "uncertainty.draws: should be greater than or equal to 0",
    ),
    "merge key": ("a: &x {b: 1}\nc:\n  <<: *x\n", "merge keys (<<) are not supported"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_refused_with_file_line_col(name: str, write: Callable[[str], Path]) -> None:
    text, expected = CASES[name]
    path = write(text)
    message = refuse(path, expected)
    assert message.startswith(str(path)), message


def test_circular_share_of(write: Callable[[str], Path]) -> None:
    text = MINIMAL.replace(
        "      - {name: Contract, annual: 8}",
        "      - {name: x, share_of: y, rate: 0.1}\n      - {name: y, share_of: x, rate: 0.1}",
    )
    refuse(write(text), "options.outsource.lines[0].share_of: lines refer to each other in a circle: 'x' -> 'y' -> 'x'")


def test_share_of_itself(write: Callable[[str], Path]) -> None:
    text = MINIMAL.replace("{name: Contract, annual: 8}", "{name: Contract, share_of: Contract, rate: 0.1}")
    refuse(write(text), "a line cannot be a share of itself")


def test_missing_file(tmp_path: Path) -> None:
    refuse(tmp_path / "nope.yaml", "nope.yaml: no such file")


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    refuse(tmp_path / "dir.yaml", "dir.yaml: is a directory")


def test_binary_and_wrong_encoding(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"title: \x00\x01\x02")
    refuse(tmp_path / "bin.yaml", "not a text file")
    (tmp_path / "latin.yaml").write_bytes("title: caf\xe9\n".encode("latin-1"))
    refuse(tmp_path / "latin.yaml", ":1:1: not UTF-8 text")


def test_every_problem_is_reported_at_once(write: Callable[[str], Path]) -> None:
    text = edit("annual: 44.54", "annual: x", edit("inflation:", "inflaton:"))
    message = refuse(write(text), "unknown key 'inflaton'")
    assert "should be a number, not 'x'" in message


def test_an_existing_output_file_is_left_alone_on_error(write: Callable[[str], Path]) -> None:
    path = write("title: [unclosed\n")
    out = path.parent / "out.json"
    out.write_text("previous results")
    result = runner.invoke(app, ["run", str(path), "--format", "json", "--output", str(out)])
    assert result.exit_code == 2
    assert out.read_text() == "previous results"


def test_cross_field_problems_come_in_file_order(write: Callable[[str], Path]) -> None:
    text = MINIMAL.replace(
        "{name: Contract, annual: 8}", "{name: Contract, total: 24, term: [2013, 2015], from: 2014, ramp: [0.5]}"
    )
    message = refuse(write(text), "has no meaning on a line with `total`")
    columns = [int(line.split(":")[2]) for line in message.splitlines()]
    assert len(columns) == 2 and columns == sorted(columns)


@pytest.mark.parametrize(
    "path, hint",
    [
        (("options", "o", "lines", 0, "index", "cap"), "; 3 is 300%: write 0.03 for 3%"),
        (("options", "o", "lines", 0, "index", "floor"), "; 3 is 300%: write 0.03 for 3%"),
        (("options", "o", "lines", 0, "index", "after"), "; 3 is 300%: write 0.03 for 3%"),
        (("money", "inflation", "after"), "; 3 is 300%: write 0.03 for 3%"),
        (("options", "o", "lines", 0, "share"), "; 3 is 300%: write 0.03 for 3%"),
        (("options", "o", "guarantees", 0, "cap"), ""),  # money, not a rate
        (("options", "o", "lines", 0, "persistence"), ""),  # a correlation, not a rate
    ],
)
def test_every_rate_or_share_written_as_a_whole_number_says_how_to_write_it(
    path: tuple[str | int, ...], hint: str
) -> None:
    from barnetmodel.scenario.load import rate_hint

    assert rate_hint(path, 3) == hint


def test_text_cut_by_an_unquoted_comma_in_braces_says_to_quote_it(write: Callable[[str], Path]) -> None:
    text = MINIMAL.replace("{name: Staff, annual: 10}", "{name: Staff, annual: 10, note: pay (print, post)}")
    result = runner.invoke(app, ["validate", str(write(text))])
    assert result.exit_code == 2
    hint = "; in `{...}` a comma ends a value: put text holding commas in quotes"
    assert result.stderr.splitlines()[0].endswith(f"options.in_house.lines[0].post): unknown key 'post)'{hint}")
    # An unknown key written with its value is a misspelling, not cut text.
    other = runner.invoke(app, ["validate", str(write(MINIMAL.replace("annual: 10}", "annual: 10, nte: pay}")))])
    assert other.exit_code == 2 and "comma" not in other.stderr


@pytest.mark.parametrize(
    "old, new, says",
    [
        (
            "title: Minimal",
            "title: Minimal\nsources: {1: one}",
            ":2:11: sources.1: keys must be text; `1` is not: write '1' in quotes",
        ),
        (
            "title: Minimal",
            "title: Minimal\nsources: {a: x, 2.5: y}",
            ":2:17: sources['2.5']: keys must be text; `2.5` is not: write '2.5' in quotes",
        ),
        ("  outsource:", "  1:", ":10:3: options.1: keys must be text; `1` is not: write '1' in quotes"),
        (
            "annual: 8}",
            "by_year: {abc: 8}}",
            ":13:36: options.outsource.lines[0].by_year.abc: should be a whole number, not 'abc'",
        ),
        (
            "baseline: in_house",
            "baseline: no",
            ":4:11: baseline: should be text, not false; `no` is read by YAML as false: write 'no' in quotes",
        ),
    ],
)
def test_keys_that_are_not_text_and_words_read_as_true_or_false_say_what_to_write(
    old: str, new: str, says: str, write: Callable[[str], Path]
) -> None:
    path = write(MINIMAL.replace(old, new))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"{path}{says}"


def test_a_correlation_and_optimism_bias_take_a_note_saying_why(write: Callable[[str], Path]) -> None:
    """A judgement says why wherever it is made: correlations and optimism bias take a `note` like lines do."""
    text = MINIMAL.replace(
        "      - {name: Contract, annual: 8}\n",
        "      - {name: Contract, annual: {triangular: {low: 6, mode: 8, high: 12}}}\n"
        "      - {name: Client side, annual: {triangular: {low: 0.1, mode: 0.2, high: 0.4}}}\n"
        "    optimism_bias: {category: outsourcing, mitigated: 0.5, note: half the risk is costed above}\n",
    ) + (
        "uncertainty:\n  draws: 100\n  correlations:\n"
        "    - between: [options.outsource.lines.Contract.annual, options.outsource.lines.Client side.annual]\n"
        "      rank: 0.5\n      note: both rise if the contract is under-scoped\n"
    )
    result = runner.invoke(app, ["validate", str(write(text))])
    assert result.exit_code == 0, result.output
