"""extends: a scenario that changes only what it lists; errors point at the file that wrote the value."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from barnetmodel.engine.projection import project
from barnetmodel.scenario.load import load
from barnetmodel.scenario.numbers import central
from conftest import MINIMAL, ROOT

runner = CliRunner()
Write = Callable[..., Path]


def test_changes_only_what_it_lists(write: Write) -> None:
    write(MINIMAL, "parent.yaml")
    child = write(
        """\
        extends: parent.yaml
        title: Child
        options:
          outsource:
            lines:
              - {name: Contract, annual: 9}
              - {name: Client side, share_of: Contract, rate: 0.1}
        """,
        "child.yaml",
    )
    scenario = load(str(child)).scenario
    assert scenario.title == "Child"
    assert scenario.money.inflation == 0.02  # from the parent
    lines = scenario.options["outsource"].lines
    assert [(line.name, line.annual) for line in lines] == [("Contract", 9), ("Client side", None)]
    assert project(scenario).cost("outsource")[0].tolist() == [9.9, 9.9, 9.9]


def test_remove_a_line_and_switch_a_line_kind(write: Write) -> None:
    write(
        MINIMAL.replace("{name: Contract, annual: 8}", "{name: Contract, annual: 8}\n      - {name: Extra, annual: 1}"),
        "parent.yaml",
    )
    child = write(
        """\
        extends: parent.yaml
        options:
          outsource:
            lines:
              - {name: Extra, remove: true}
              - {name: Contract, annual: null, total: 30, term: [2013, 2015]}
        """,
        "child.yaml",
    )
    lines = load(str(child)).scenario.options["outsource"].lines
    assert [(line.name, line.annual, line.total) for line in lines] == [("Contract", None, 30)]


def test_a_chain_of_three(write: Write) -> None:
    write(MINIMAL, "a.yaml")
    write("extends: a.yaml\nmoney: {inflation: 0.03}\n", "b.yaml")
    c = write("extends: b.yaml\ntitle: C\n", "c.yaml")
    scenario = load(str(c)).scenario
    assert (scenario.title, scenario.money.inflation, scenario.money.discount) == ("C", 0.03, 0.035)


def test_errors_point_to_the_file_that_wrote_the_value(write: Write) -> None:
    write(MINIMAL.replace("inflation: 0.02", "inflation: 0.02, unit: '£m'"), "parent.yaml")
    child = write(
        "extends: parent.yaml\noptions:\n  outsource:\n    lines:\n      - {name: Contract, annual: x}\n", "child.yaml"
    )
    result = runner.invoke(app, ["run", str(child)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{child}:5:34: options.outsource.lines[0].annual: should be a number")
    bad_parent = write(MINIMAL.replace("annual: 10", "annual: .nan"), "parent.yaml")
    result = runner.invoke(app, ["run", str(child).replace("child", "child")])
    assert str(bad_parent) + ":9:31: options.in_house.lines[0].annual: should be a finite number" in result.stderr


def test_bad_extends(write: Write, tmp_path: Path) -> None:
    missing = write("extends: nowhere.yaml\n", "m.yaml")
    assert "m.yaml:1:10: extends: no such file" in runner.invoke(app, ["run", str(missing)]).stderr
    write("extends: b.yaml\ntitle: A\n", "a.yaml")
    b = write("extends: a.yaml\n", "b.yaml")
    result = runner.invoke(app, ["run", str(b)])
    assert result.exit_code == 2
    assert "extends: extends goes round in a circle: b.yaml -> a.yaml -> b.yaml" in result.stderr
    itself = write("extends: self.yaml\n", "self.yaml")
    assert "round in a circle" in runner.invoke(app, ["run", str(itself)]).stderr
    wrong = write("extends: [a.yaml]\n", "w.yaml")
    assert (
        "w.yaml:1:10: extends: should be the path of another scenario file"
        in runner.invoke(app, ["run", str(wrong)]).stderr
    )
    write(MINIMAL, "p.yaml")
    gone = write(
        "extends: p.yaml\noptions:\n  outsource:\n    lines:\n      - {name: Contrac, remove: true}\n", "g.yaml"
    )
    message = runner.invoke(app, ["run", str(gone)]).stderr
    assert (
        "g.yaml:5:16: options.outsource.lines[0].name: there is no 'Contrac' in the file extended; did you mean 'Contract'?"
        in message
    )


def test_hash_covers_the_parent(write: Write) -> None:
    write(MINIMAL, "parent.yaml")
    child = write("extends: parent.yaml\n", "child.yaml")
    before = json.loads(runner.invoke(app, ["run", str(child), "-f", "json"]).stdout)["scenario"]["sha256"]
    write(MINIMAL.replace("annual: 8", "annual: 7"), "parent.yaml")
    after = json.loads(runner.invoke(app, ["run", str(child), "-f", "json"]).stdout)["scenario"]["sha256"]
    assert before != after


def test_the_critics_case_extends_the_council_case() -> None:
    critics = load(str(ROOT / "scenarios" / "critics_stress.yaml")).scenario
    council = load(str(ROOT / "scenarios" / "one_barnet_council_case.yaml")).scenario
    assert critics.options["in_house"] == council.options["in_house"]
    assert critics.targets == council.targets
    # Named inputs are replaced by name: the critics change the client side's share, and nothing else.
    changed = {name for name in council.inputs if critics.inputs[name] != council.inputs[name]}
    assert changed == {"client_share"}
    (risk, fraud) = critics.options["outsource"].risks
    assert risk.name == "Partnership breaks down and the council leaves early"
    assert (risk.probability, risk.per, central(risk.cost), risk.recovered) == (0.25, "horizon", 53 / 3, 0)
    assert (fraud.probability, fraud.cost) == (0.1, 0.5)


def test_a_new_name_close_to_the_parent_s_is_a_warning(write: Write) -> None:
    """A one-letter slip in a line's name adds a line beside the parent's, which doubles a cost without a word:
    allowed (a new name adds a line), but warned of, at the name, naming the line meant."""
    write(MINIMAL.replace("{name: Contract, annual: 8}", "{name: Contract charge, annual: 8}"), "parent.yaml")
    child = write(
        """\
        extends: parent.yaml
        options:
          outsource:
            lines:
              - {name: Contract charges, annual: 9}
              - {name: contract  CHARGE, annual: 9}
              - {name: Client side, share_of: Contract charge, rate: 0.1}
        """,
        "child.yaml",
    )
    loaded = load(str(child))
    names = [line.name for line in loaded.scenario.options["outsource"].lines]
    assert names == ["Contract charge", "Contract charges", "contract  CHARGE", "Client side"]  # added, as before
    messages = [(w.file, w.line, w.column, w.message) for w in loaded.warnings]
    meant = "did you mean 'Contract charge'?"
    assert [(line, column) for _, line, column, _ in messages] == [(5, 16), (6, 16)]
    assert all(file == str(child) and m.startswith("warning: '") and m.endswith(meant) for file, _, _, m in messages)
    assert "'Contract charges' is a new item, added beside 'Contract charge' of the file extended" in messages[0][3]
    # a name unlike any of the parent's ("Client side") is a new line, and no warning
    assert len(messages) == 2


def slips(loaded: Any) -> list[tuple[str, int | None, int | None, str]]:
    return [(Path(w.file).name, w.line, w.column, w.message) for w in loaded.warnings]


def test_a_slip_is_warned_of_where_it_was_written_down_a_chain(write: Write) -> None:
    """Three files: the slip written in the middle one is warned of there, at its line and column, by its index in
    the data as it ends up; a later file that removes it, or the line it was a slip of, ends the warning."""
    write(
        MINIMAL.replace(
            "{name: Contract, annual: 8}", "{name: Client side, annual: 1}\n      - {name: Contract charge, annual: 8}"
        ),
        "g.yaml",
    )
    write(
        "extends: g.yaml\noptions:\n  outsource:\n    lines:\n      - {name: Contract charges, annual: 9}\n", "p.yaml"
    )
    # the last file removes the first line: the slip's index moves from 2 to 1
    c = write(
        "extends: p.yaml\noptions:\n  outsource:\n    lines:\n      - {name: Client side, remove: true}\n      - {name: Extra item, annual: 1}\n",
        "c.yaml",
    )
    ((file, line, column, message),) = slips(load(str(c)))
    assert (file, line, column) == ("p.yaml", 5, 16)
    assert "'Contract charges' is a new item, added beside 'Contract charge'" in message
    gone = write(
        "extends: p.yaml\noptions:\n  outsource:\n    lines:\n      - {name: Contract charges, remove: true}\n",
        "d.yaml",
    )
    assert slips(load(str(gone))) == []
    meant_gone = write(
        "extends: p.yaml\noptions:\n  outsource:\n    lines:\n      - {name: Contract charge, remove: true}\n", "e.yaml"
    )
    assert slips(load(str(meant_gone))) == []  # no longer beside anything: one line, as meant
    replaced = load(str(c), ["options.outsource.lines=[{name: X, annual: 1}]"])
    assert slips(replaced) == []  # a --set that replaces the list leaves nothing to warn of
    both = "options.outsource.lines=[{name: Contract charge, annual: 1}, {name: Contract charges, annual: 2}]"
    assert slips(load(str(c), [both])) == []  # the --set's own items: not a slip of the file's
    # a later file that changes the slipped item (writing its name) does not take the blame: p.yaml wrote it
    changed = write(
        "extends: p.yaml\noptions:\n  outsource:\n    lines:\n      - {name: Contract charges, annual: 10}\n", "f.yaml"
    )
    ((file, line, column, _),) = slips(load(str(changed)))
    assert (file, line, column) == ("p.yaml", 5, 16)


def test_a_rename_and_numbered_items_are_not_slips(write: Write) -> None:
    write(
        MINIMAL.replace(
            "{name: Contract, annual: 8}",
            "{name: Contract charge, annual: 8}\n      - {name: Phase 1 works, annual: 1}\n"
            "      - {name: Lot A cleaning, annual: 1}\n      - {name: Phase I works, annual: 1}\n"
            "      - {name: Rent, annual: 1}",
        ),
        "parent.yaml",
    )
    child = write(
        """\
        extends: parent.yaml
        options:
          outsource:
            lines:
              - {name: Contract charge, remove: true}
              - {name: Contract charges, annual: 9}
              - {name: Phase 2 works, annual: 1}
              - {name: Phase 12 works, annual: 1}
              - {name: Lot B cleaning, annual: 1}
              - {name: Phase II works, annual: 1}
              - {name: Rents, annual: 1}
        """,
        "child.yaml",
    )
    assert slips(load(str(child))) == []


def test_thousands_of_new_lines_are_checked_in_one_pass(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not every new name against every old one (thousands squared: minutes): the parent's names are indexed once
    a list, and each new name is one look-up of a few dozen keys."""
    from barnetmodel.scenario import extends

    built, looked_up = [], []
    index, near = extends._Slips.__init__, extends._Slips.near

    def indexing(self: Any, names: Any) -> None:
        built.append(1)
        index(self, names)

    def looking(self: Any, name: str) -> str | None:
        looked_up.append(name)
        return near(self, name)

    monkeypatch.setattr(extends._Slips, "__init__", indexing)
    monkeypatch.setattr(extends._Slips, "near", looking)
    old = "\n".join(f"      - {{name: Parent line {i:05d}, annual: 1}}" for i in range(2000))
    new = "\n".join(f"      - {{name: Child item {i:05d}, annual: 1}}" for i in range(2000))
    write(MINIMAL.replace("      - {name: Contract, annual: 8}", old), "parent.yaml")
    child = write(f"extends: parent.yaml\noptions:\n  outsource:\n    lines:\n{new}\n", "child.yaml")
    merged, _ = extends.resolve(str(child))
    assert (len(built), len(looked_up)) == (1, 2000)  # one index of the parent's names, one look-up a new name
    assert extends.near_names(merged) == []


def test_slips_of_one_letter_and_no_more() -> None:
    """Each kind of slip, and what is not one: two letters apart, a letter of a short word, a digit."""
    from barnetmodel.scenario.extends import _Slips

    slips = _Slips(["Staff and running costs", "Contract charge", "Gain share payments", "Client side costs"])
    assert slips.near("Staff and running cost") == "Staff and running costs"  # a letter dropped
    assert slips.near("Contract charges") == "Contract charge"  # added
    assert slips.near("Contract chsrge") == "Contract charge"  # changed
    assert slips.near("CONTRACT   charge") == "Contract charge"  # case and spaces
    assert slips.near("Gainshare payments") == "Gain share payments"  # a space dropped
    assert slips.near("Contract chsrges") is None  # two letters apart
    assert slips.near("Client-side cost") is None  # two apart
    assert slips.near("Agency staff costs") is None
    coded = _Slips(["Block 101A cleaning", "Lot-A cleaning", "Phase VII works"])
    assert coded.near("Block 101B cleaning") is None and coded.near("Lot-B cleaning") is None  # codes, not words
    assert coded.near("Phase VI works") is None  # a letter of a short word


def test_a_list_of_over_a_thousand_names_is_matched_whole_only() -> None:
    """Its one-letter index would cost a second down a chain of files that each add a name."""
    from barnetmodel.scenario.extends import _Slips

    names = [f"Target {i:06d} savings" for i in range(1001)]
    slips = _Slips(names)
    assert slips.less == {}
    assert slips.near("target 000001  SAVINGS") == "Target 000001 savings"  # case and spaces: still found
    assert slips.near("Target 000001 saving") is None
    assert _Slips(names[:1000]).near("Target 000001 saving") == "Target 000001 savings"


def test_a_long_name_costs_no_more_than_its_length() -> None:
    """A name's one-letter deletions are its length squared in memory: only names of up to LONGEST letters are
    indexed (a 100,000-letter name would have taken gigabytes); a longer one is matched whole only."""
    from barnetmodel.scenario.extends import _Slips

    long = "x" * 100_000
    slips = _Slips([long, "Contract charge"])
    assert len(slips.less) == len("contract charge")
    assert slips.near(long + "y") is None and slips.near(long.upper()) == long


def test_a_guarantee_s_lines_are_replaced_not_merged(write: Write) -> None:
    """`lines` of a guarantee is a list of names, not of named items: the child's list replaces the parent's."""
    guarantee = "  guarantees:\n    - {name: G, lines: [Contract, Extra], level: 5}\n"
    write(
        MINIMAL.replace("{name: Contract, annual: 8}", "{name: Contract, annual: 8}\n      - {name: Extra, annual: 1}")
        + guarantee.replace("  guarantees", "    guarantees").replace("    - {", "      - {"),
        "parent.yaml",
    )
    child = write(
        "extends: parent.yaml\noptions:\n  outsource:\n    guarantees:\n      - {name: G, lines: [Contract]}\n",
        "child.yaml",
    )
    (merged,) = load(str(child)).scenario.options["outsource"].guarantees
    assert merged.lines == ["Contract"]


def test_a_slip_in_a_list_no_longer_there_is_not_warned_of() -> None:
    from barnetmodel.scenario.extends import near_names
    from barnetmodel.scenario.yaml_source import Source

    where = ("p.yaml", 5, 16)
    gone = [(("options", "outsource", "lines"), "Contract charges", "Contract charge", where)]
    for data in ({"options": {}}, {"options": {"outsource": 3}}, {"options": {"outsource": {"lines": "x"}}}):
        assert near_names(Source(file="c.yaml", data=data, text="", merge_warnings=gone)) == []


def test_hints_on_how_a_value_was_written_come_through_from_the_file_extended(write: Write) -> None:
    write(
        MINIMAL.replace("baseline: in_house", "baseline: no").replace("annual: 8}", "annual: 8, note: a, b}"), "p.yaml"
    )
    child = write("extends: p.yaml\ntitle: Child\n", "child.yaml")
    result = runner.invoke(app, ["validate", str(child)])
    assert "baseline: should be text, not false; `no` is read by YAML as false: write 'no' in quotes" in result.stderr
    assert "unknown key 'b'; in `{...}` a comma ends a value" in result.stderr


@pytest.mark.parametrize(
    "item, says",
    [
        (
            "{remove: true}",
            "c.yaml:5:9: options.outsource.lines[0]: `remove: true` needs a `name`: the name of the item to remove",
        ),
        (
            "{remove: true, name: 3}",
            "c.yaml:5:30: options.outsource.lines[0].name: should be text, not 3: the name of the item to remove",
        ),
    ],
)
def test_removing_an_item_needs_its_name(write: Write, item: str, says: str) -> None:
    write(MINIMAL, "p.yaml")
    child = write(f"extends: p.yaml\noptions:\n  outsource:\n    lines:\n      - {item}\n", "c.yaml")
    result = runner.invoke(app, ["validate", str(child)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].endswith(says)
