"""`barnetmodel test`: scenario test files, margins, overrides, --update and JUnit XML."""

from __future__ import annotations

import stat
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from barnetmodel.cli.app import app
from barnetmodel.scenario import yaml_source
from barnetmodel.scenario_tests.update import yaml_number
from conftest import MINIMAL, ROOT, SCENARIO_TESTS, SCENARIOS

runner = CliRunner()

# MINIMAL: in-house 10 a year, outsourced 8, three years from 2013/14, so a saving of 2 a year,
# 6 nominal; 2 / 1.02 in 2014/15 real.
Write = Callable[[str, str], Path]


@pytest.fixture
def files(tmp_path: Path) -> Write:
    """Write a file (dedented) beside the minimal scenario `minimal.yaml`."""
    (tmp_path / "minimal.yaml").write_text(MINIMAL, encoding="utf-8")

    def _write(text: str, name: str = "t.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


def run_tests(path: Path, *args: str) -> Result:
    return runner.invoke(app, ["test", str(path), *args])


def one_test(outputs: str, extra: str = "") -> str:
    """A test of the minimal scenario; `outputs` and `extra` are YAML lines at the test's level."""
    body = "name: t\nscenario: minimal.yaml\n" + textwrap.dedent(extra) + "outputs:\n"
    body += textwrap.indent(textwrap.dedent(outputs), "  ")
    return body


# The published scenarios' own tests: `make test` fails when a change moves a published figure.


@pytest.mark.parametrize("path", SCENARIO_TESTS, ids=lambda p: p.stem)
def test_published_scenario_tests_pass(path: Path) -> None:
    result = run_tests(path)
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.stdout


def test_every_published_scenario_has_a_test_file() -> None:
    assert {p.stem for p in SCENARIOS} <= {p.stem for p in SCENARIO_TESTS}


def test_the_folder_of_published_tests_runs_whole() -> None:
    result = runner.invoke(app, ["test", str(ROOT / "scenarios" / "tests")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "11 passed, 0 failed"


# Comparisons and margins.


def test_a_failure_says_file_test_output_value_expected_and_margin(files: Write) -> None:
    path = files(one_test("options.outsource.total_saving.nominal: 7  # hand: 3 x (10 - 8) = 6\n"))
    result = run_tests(path)
    assert result.exit_code == 1
    assert f"{path}: test 't': output options.outsource.total_saving.nominal was 6.0, expected 7 ± 0" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 passed, 1 failed"


@pytest.mark.parametrize(
    "margins, passes",
    [
        ("", False),  # no margin: exactly
        ("absolute_error_margin: 0.1\n", True),  # |6 - 6.1| = 0.1 (less 2e-16)
        ("absolute_error_margin: 0.09\n", False),
        ("relative_error_margin: 0.02\n", True),  # 2% of 6.1 = 0.122
        ("relative_error_margin: 0.01\n", False),  # 1% of 6.1 = 0.061
        ("absolute_error_margin: 0.01\nrelative_error_margin: 0.02\n", True),  # the wider of the two
        ("absolute_error_margin: {default: 0.2, options.outsource.total_saving.nominal: 0.01}\n", False),
        ("absolute_error_margin: {default: 0.01, options.outsource.total_saving.nominal: 0.2}\n", True),
        ("absolute_error_margin: {default: 0.2}\n", True),
        ("absolute_error_margin: {horizon.end: 0.2}\n", False),  # a mapping without default: none for the rest
    ],
)
def test_margins(margins: str, passes: bool, files: Write) -> None:
    outputs = "options.outsource.total_saving.nominal: 6.1\nhorizon.end: 2015\n"
    path = files(one_test(outputs, margins))
    result = run_tests(path)
    assert result.exit_code == (0 if passes else 1), result.output


def test_figures_are_compared_in_float64_not_float32(files: Write) -> None:
    # OpenFisca's pitfall: in float32, 25,000,001 == 25,000,000.
    overrides = """\
        horizon.years: 1
        options.in_house.lines[0].annual: 25000000
        options.outsource.lines[0].annual: 0
    """
    path = files(
        one_test(
            "options.outsource.total_saving.nominal: 25000001\n", "overrides:\n" + textwrap.indent(overrides, "  ")
        )
    )
    result = run_tests(path)
    assert result.exit_code == 1
    assert "was 25000000.0, expected 25000001 ± 0" in result.stdout


def test_true_false_and_text_are_compared_exactly(files: Write) -> None:
    path = files(
        one_test(
            """\
            options.in_house.is_baseline: true
            options.outsource.title: Outsourced
            money.units.nominal: "£m, nominal"
            options.outsource.is_baseline: true
            """
        )
    )
    result = run_tests(path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].endswith("output options.outsource.is_baseline was false, expected true")


def test_an_output_of_another_kind_is_a_bad_test(files: Write) -> None:
    path = files(one_test("options.outsource.title: 3\n"))
    result = run_tests(path)
    assert result.exit_code == 2
    assert "this output is text ('Outsourced'); the test expects a number" in result.stderr


# Seed and draws: a test may run Monte Carlo draws and check their figures.


def test_seed_and_draws_run_monte_carlo(files: Write) -> None:
    path = files(one_test("options.outsource.total_saving.nominal: 6\n", "seed: 42\ndraws: 1\n"))
    assert run_tests(path).exit_code == 0


def test_draws_give_the_uncertainty_outputs(files: Write) -> None:
    # No input is uncertain in the minimal scenario: every draw is the central run.
    path = files(
        one_test(
            "uncertainty.options.outsource.saving_nominal.p90: 6\nuncertainty.draws: 100\n", "seed: 1\ndraws: 100\n"
        )
    )
    result = run_tests(path)
    assert result.exit_code == 0, result.output


def test_a_drawn_figure_that_is_off_is_shown_as_a_number(files: Write) -> None:
    """Latin Hypercube replicates pool their means: it was shown as np.float64(6.0)."""
    path = files(
        one_test(
            "uncertainty.options.outsource.saving_nominal.mean: 7\n",
            "seed: 1\ndraws: 100\noverrides: {uncertainty: {sampling: latin_hypercube}}\n",
        )
    )
    result = run_tests(path)
    assert result.exit_code == 1, result.output
    assert "output uncertainty.options.outsource.saving_nominal.mean was 6.0, expected 7 ± 0" in result.stdout


def test_without_draws_there_is_no_uncertainty_output(files: Write) -> None:
    path = files(one_test("uncertainty.draws: 100\n"))
    result = run_tests(path)
    assert result.exit_code == 2
    message = "the results have no 'uncertainty': this test runs no draws; add `draws: N` to the test"
    assert f"{path}:4:3: outputs['uncertainty.draws']: {message}" in result.stderr


def test_a_margin_is_shown_without_float_noise(files: Write) -> None:
    # 0.001 x 9.0 is 0.009000000000000001 in floats.
    path = files(one_test("options.outsource.total_saving.nominal: 9.0\n", "relative_error_margin: 0.001\n"))
    result = run_tests(path)
    assert result.exit_code == 1
    assert "output options.outsource.total_saving.nominal was 6.0, expected 9.0 ± 0.009\n" in result.stdout


# Overrides.


def test_overrides_change_the_scenario_before_it_runs(files: Write) -> None:
    # A contract of 9 instead of 8: saving 1 a year; by name or by position alike.
    extra = 'overrides:\n  options.outsource.lines."Contract".annual: 9\n  money.inflation: 0.0\n'
    path = files(one_test("options.outsource.total_saving.nominal: 3\noptions.outsource.total_saving.real: 3\n", extra))
    result = run_tests(path)
    assert result.exit_code == 0, result.output


def test_a_problem_an_override_causes_is_shown_at_the_override(files: Write) -> None:
    extra = "overrides:\n  money.inflation: high\n  options.outsource.lines[0].anual: 9\n"
    path = files(one_test("horizon.end: 2015\n", extra))
    result = run_tests(path)
    assert result.exit_code == 2
    # Text where a number goes is read as a formula of named inputs, and the file has none.
    expected = "money.inflation: should be a number, not 'high': text where a number goes is a formula of named "
    assert f"{path}:4:3: {expected}inputs, and this file has no `inputs` (in " in result.stderr
    assert f"{path}:5:3: options.outsource.lines[0].anual: unknown key 'anual'" in result.stderr


def test_an_override_into_a_part_the_file_leaves_out_says_to_override_it_whole(files: Write) -> None:
    path = files(one_test("horizon.end: 2015\n", "overrides:\n  uncertainty.draws: 1000\n"))
    result = run_tests(path)
    assert result.exit_code == 2
    assert (
        f"{path}:4:3: overrides['uncertainty.draws']: the top of the file has no 'uncertainty': to add it, set it "
        "whole, e.g. uncertainty: {draws: 1000}; or choose one of its keys: title, horizon, money, baseline, options"
    ) in result.stderr


def test_a_problem_with_what_holds_an_override_names_the_override(files: Write) -> None:
    """A second amount given to a line: the line is wrong, at its line in the scenario, which alone is right."""
    path = files(one_test("horizon.end: 2015\n", "overrides:\n  options.outsource.lines[0].total: 9\n"))
    result = run_tests(path)
    assert result.exit_code == 2
    problem = result.stderr.splitlines()[1]
    assert problem.startswith(f"{path.parent / 'minimal.yaml'}:13:9: options.outsource.lines[0]: a line needs")
    assert problem.endswith(f"it has annual, total (total set by the override at {path}:4:3)")


def test_an_override_that_names_nothing_says_what_there_is(files: Write) -> None:
    extra = "overrides:\n  options.outsource.lines.Contrct.annual: 9\n"
    path = files(one_test("horizon.end: 2015\n", extra))
    result = run_tests(path)
    assert result.exit_code == 2
    expected = "options.outsource.lines has no item 'Contrct'. Choose a name (Contract) or a position, [0]"
    assert f"{path}:4:3: overrides['options.outsource.lines.Contrct.annual']: {expected}" in result.stderr


# Bad test files: each problem located; one bad test does not stop the others.


def test_a_bad_output_address_lists_what_exists(files: Write) -> None:
    path = files(one_test("options.outsorce.total_saving.nominal: 6\n"))
    result = run_tests(path)
    assert result.exit_code == 2
    assert (
        f"{path}:4:3: outputs['options.outsorce.total_saving.nominal']: options has no 'outsorce'; "
        "did you mean 'outsource'? Choose a name (in_house, outsource) or a position, [0] to [1]"
    ) in result.stderr


def test_every_problem_of_every_test_and_the_others_still_run(files: Write) -> None:
    path = files(
        """\
        - name: misspelt
          scenario: minimal.yaml
          outptus: {horizon.end: 2015}
        - name: no scenario
          scenario: missing.yaml
          outputs: {horizon.end: 2015}
        - name: runs and fails
          scenario: minimal.yaml
          absolute_error_margin: {horizon.ned: 1}
          outputs: {horizon.end: 2015}
        - name: runs and fails
          scenario: minimal.yaml
          outputs: {horizon.end: 2016}
        - just text
        """
    )
    result = run_tests(path)
    assert result.exit_code == 2
    err = result.stderr
    assert f"{path}:3:3: [0].outptus: unknown key 'outptus'; did you mean 'outputs'?" in err
    assert f"{path}:5:13: [1].scenario: the scenario cannot be read" in err
    assert "missing.yaml: no such file" in err
    assert (
        f"{path}:9:27: [2].absolute_error_margin['horizon.ned']: 'horizon.ned' is not one of this test's outputs" in err
    )
    assert f"{path}:11:9: [3].name: another test (#3) is called 'runs and fails'" in err
    assert f"{path}:14:3: [4]: a test is a mapping with name, scenario and outputs" in err
    assert result.stdout.splitlines()[-1] == "0 passed, 0 failed, 5 could not be run"


def test_the_summary_counts_a_test_file_that_could_not_be_read(files: Write) -> None:
    """It read "1 passed, 0 failed", as if every test had been run, beside an exit code of 2."""
    good = files(one_test("horizon.end: 2015\n"), "good.yaml")
    broken = files("key: [unclosed\n", "broken.yaml")
    result = runner.invoke(app, ["test", str(good), str(broken), str(good.parent / "missing.yaml")])
    assert result.exit_code == 2
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed, 2 test files could not be read"


@pytest.mark.parametrize(
    "text, words",
    [
        ("[]\n", "the file holds an empty list: no tests"),
        ("just text\n", "a test file is a list of tests"),
        ("name: t\nscenario: minimal.yaml\noutputs: {}\n", "outputs: should have at least 1 item, not none"),
        (
            "name: t\nscenario: minimal.yaml\noutputs: {a: [1]}\n",
            "should be a finite number, true or false, or text, not a list",
        ),
        ("name: t\nscenario: minimal.yaml\noutputs: {a: .nan}\n", "not nan"),
        (
            "name: t\nscenario: minimal.yaml\nrelative_error_margin: -1\noutputs: {a: 1}\n",
            "should be a number, 0 or more",
        ),
        (
            "name: t\nscenario: minimal.yaml\ndraws: -1\noutputs: {a: 1}\n",
            "draws: should be greater than or equal to 0",
        ),
    ],
)
def test_bad_test_files_are_refused_clearly(text: str, words: str, files: Write) -> None:
    result = run_tests(files(text))
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Traceback" not in result.output


def test_the_scenario_path_is_relative_to_the_test_file(
    files: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files(one_test("horizon.end: 2015\n").replace("minimal.yaml", "../minimal.yaml"), "sub/t.yaml")
    monkeypatch.chdir(ROOT)
    assert runner.invoke(app, ["test", str(tmp_path / "sub")]).exit_code == 0


def test_folders_are_searched_and_hidden_ones_skipped(files: Write, tmp_path: Path) -> None:
    files(one_test("horizon.end: 2015\n").replace("minimal.yaml", "../minimal.yaml"), "tests/a.yaml")
    files(one_test("horizon.end: 2015\n").replace("minimal.yaml", "../../minimal.yaml"), "tests/deeper/b.yml")
    files("not: a test\n", "tests/.hidden/c.yaml")
    result = runner.invoke(app, ["test", str(tmp_path / "tests")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed"


def test_scenario_files_in_a_folder_are_skipped_and_counted() -> None:
    # scenarios/ holds the four published scenarios and, under tests/, their test files: the scenarios are
    # not tests (as pytest skips files that are not tests), and the closing line says how many were skipped.
    result = runner.invoke(app, ["test", str(ROOT / "scenarios")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"11 passed, 0 failed; {len(SCENARIOS)} scenario files skipped"


def test_a_folder_of_scenarios_only_has_no_test_files(files: Write, tmp_path: Path) -> None:
    result = runner.invoke(app, ["test", str(tmp_path)])  # holds minimal.yaml only
    assert result.exit_code == 2
    assert "no test files (*.yaml, *.yml) in this folder; 1 scenario file skipped" in result.stderr


def test_a_scenario_named_as_a_test_file_is_still_refused(files: Write, tmp_path: Path) -> None:
    result = runner.invoke(app, ["test", str(tmp_path / "minimal.yaml")])
    assert result.exit_code == 2


def test_an_empty_folder_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["test", str(tmp_path)])
    assert result.exit_code == 2
    assert "no test files (*.yaml, *.yml) in this folder" in result.stderr


def test_a_failure_and_a_bad_test_together_exit_2(files: Write) -> None:
    path = files(
        """\
        - {name: figure off, scenario: minimal.yaml, outputs: {horizon.end: 2016}}
        - {name: bad, scenario: minimal.yaml, outputs: {horizon.nope: 2016}}
        """
    )
    result = run_tests(path)
    assert result.exit_code == 2
    assert "output horizon.end was 2015, expected 2016 ± 0" in result.stdout


# --update


UPDATE_BEFORE = """\
# Why these figures: 3 x (10 - 8) = 6.
- name: t
  scenario: minimal.yaml   # the small one
  absolute_error_margin: 0.001
  outputs:
    options.outsource.total_saving.nominal: 7    # hand-worked: 6
    options.outsource.total_saving.real: 5.9223  # 2 + 2/1.02 + 2/1.02^2 = 5.88312..., off
    horizon.end: 2015
    options.outsource.is_baseline: true
    options.outsource.title: "Outsourced!"
- {name: flow, scenario: minimal.yaml, outputs: {options.in_house.total_cost.nominal: 31, "price_index[1]": 1.02}}
"""
# Exactly these five values change, each to the figure exactly, as Python writes it back (issue 15: it was
# rounded to within a tenth of its margin, which a relative margin could then fail).
UPDATE_CHANGES = [
    ("nominal: 7    #", "nominal: 6.0    #"),
    ("real: 5.9223  #", "real: 5.883121876201462  #"),
    ("is_baseline: true", "is_baseline: false"),
    ('title: "Outsourced!"', 'title: "Outsourced"'),
    ("nominal: 31,", "nominal: 30.0,"),
]


def test_update_rewrites_only_the_failing_values_and_keeps_comments_and_layout(files: Write) -> None:
    path = files(UPDATE_BEFORE)
    mode = 0o640
    path.chmod(mode)
    result = run_tests(path, "--update")
    assert result.exit_code == 0, result.output
    assert f"{path}: updated 5 expected values" in result.stdout
    expected = UPDATE_BEFORE
    for old, new in UPDATE_CHANGES:
        assert expected.count(old) == 1
        expected = expected.replace(old, new)
    assert path.read_text(encoding="utf-8") == expected
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert sorted(p.name for p in path.parent.iterdir()) == ["minimal.yaml", "t.yaml"]  # no temporary file left
    assert run_tests(path).exit_code == 0


def test_update_leaves_a_value_written_through_an_alias_and_fails(files: Write) -> None:
    path = files(one_test("horizon.start: &x 2014\nhorizon.end: *x\n"))
    before = path.read_text(encoding="utf-8")
    result = run_tests(path, "--update")
    assert result.exit_code == 1
    assert "output horizon.start: its value is written through a YAML alias; update it by hand" in result.stderr
    assert path.read_text(encoding="utf-8") == before


def test_update_writes_a_whole_number_output_as_one(files: Write) -> None:
    path = files(one_test("horizon.end: 2016\nhorizon.start: 2013.0\noptions.outsource.total_saving.nominal: 7\n"))
    result = run_tests(path)
    assert "output horizon.end was 2015, expected 2016 ± 0\n" in result.stdout  # as written: a year
    assert run_tests(path, "--update").exit_code == 0
    assert path.read_text(encoding="utf-8").endswith(
        "horizon.end: 2015\n  horizon.start: 2013.0\n  options.outsource.total_saving.nominal: 6.0\n"
    )


def test_update_leaves_passing_files_untouched(files: Write) -> None:
    path = files(one_test("horizon.end: 2015\n"))
    before = path.stat().st_mtime_ns
    assert run_tests(path, "--update").exit_code == 0
    assert path.stat().st_mtime_ns == before


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_an_updated_number_reads_back_as_exactly_that_number(value: float) -> None:
    text = yaml_number(value)
    read = yaml_source.parse(f"x: {text}\n", "f").data["x"]
    assert isinstance(read, (int, float)) and not isinstance(read, bool)
    assert read == value


def test_updated_numbers_are_the_shortest_that_read_back_exactly() -> None:
    assert yaml_number(164.49999999999997) == "164.49999999999997"
    assert yaml_number(164.5) == "164.5"
    assert yaml_number(0.1121) == "0.1121"  # issue 15: it was written as 0.1 with a wide margin
    assert yaml_number(1e-05) == "1.0e-05"  # PyYAML reads 1e-05 as text


# --junit-xml


def test_junit_xml_counts_and_messages(files: Write, tmp_path: Path) -> None:
    path = files(
        """\
        - {name: passes, scenario: minimal.yaml, outputs: {horizon.end: 2015}}
        - {name: fails, scenario: minimal.yaml, outputs: {horizon.end: 2016}}
        - {name: bad, scenario: minimal.yaml, outputs: {horizon.nope: 1}}
        """
    )
    report = tmp_path / "report.xml"
    result = run_tests(path, "--junit-xml", str(report))
    assert result.exit_code == 2
    root = ET.parse(report).getroot()
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == ("testsuites", "3", "1", "1")
    (suite,) = root
    assert suite.get("name") == str(path)
    cases = {case.get("name"): case for case in suite}
    assert list(cases["passes"]) == []
    (failure,) = cases["fails"]
    assert failure.tag == "failure"
    assert failure.get("message") == "output horizon.end was 2015, expected 2016 ± 0"
    (error,) = cases["bad"]
    assert error.tag == "error" and "horizon has no 'nope'" in (error.text or "")


def test_junit_xml_of_an_unreadable_test_file(files: Write, tmp_path: Path) -> None:
    path = files("key: [unclosed\n")
    report = tmp_path / "report.xml"
    assert run_tests(path, "--junit-xml", str(report)).exit_code == 2
    root = ET.parse(report).getroot()
    assert (root.get("tests"), root.get("errors")) == ("1", "1")
    assert "invalid YAML" in (root.find("testsuite/testcase/error").text or "")  # type: ignore[union-attr]


def test_junit_xml_is_the_same_for_the_same_files(files: Write, tmp_path: Path) -> None:
    path = files(one_test("horizon.end: 2016\n"))
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    run_tests(path, "--junit-xml", str(first))
    run_tests(path, "--junit-xml", str(second))
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("target", ["t.yaml", "minimal.yaml"])
def test_junit_xml_never_replaces_an_input(target: str, files: Write, tmp_path: Path) -> None:
    path = files(one_test("horizon.end: 2015\n"))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = run_tests(path, "--junit-xml", str(tmp_path / target))
    assert result.exit_code == 2
    assert "is an input" in result.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("no/report.xml", "cannot write: no such folder"),
        ("", "--junit-xml: the file name is empty"),
        (".", "is a directory"),
    ],
)
def test_a_junit_xml_report_that_cannot_be_written_is_refused_before_the_tests_run(
    where: str, message: str, files: Write, tmp_path: Path
) -> None:
    """Not after every test has run (their failures printed, the summary lost), nor named as --output."""
    path = files(one_test("horizon.end: 2016\n"))
    result = run_tests(path, "--junit-xml", str(tmp_path / where) if where else "")
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""  # no test was run


def test_a_scenario_file_named_as_a_test_file_is_one_clear_error() -> None:
    """Not ten 'unknown key' errors: one that says what the file is and what a test file is."""
    council = str(ROOT / "scenarios" / "one_barnet_council_case.yaml")
    result = runner.invoke(app, ["test", council])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"{council}: a scenario file, not a test file: a test file is a list of tests" in result.stderr
    assert "unknown key" not in result.stderr


def test_a_misspelt_test_file_is_not_taken_for_a_scenario(tmp_path: Path) -> None:
    """A test whose keys are misspelt (and has a `description`, which a scenario may have too) still gets the
    test file's own messages, with what was meant."""
    test = tmp_path / "t.yaml"
    test.write_text("name: X\ndescription: d\nscenario_file: g.yaml\nexpected: {a: 1}\n", encoding="utf-8")
    result = runner.invoke(app, ["test", str(test)])
    assert result.exit_code == 2
    assert "unknown key 'scenario_file'; did you mean 'scenario'?" in result.stderr
    assert "a scenario file, not a test file" not in result.stderr
