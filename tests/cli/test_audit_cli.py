"""`barnetmodel audit` and `report --payments` on the command line: formats, bad files, hostile text.

The figures themselves are checked against hand-worked totals in tests/analysis/test_audit.py (the
same fixture, built by `fixture`); here, that they reach each output, and that every bad input is a
clear message and exit 2 with nothing written.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from conftest import ROOT

runner = CliRunner()


def _fixture(folder: Path, unit: str = "£m") -> tuple[str, list[Path]]:
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "analysis"))
    try:
        from test_audit import fixture
    finally:
        sys.path.pop(0)
    return fixture(folder, unit)


def audit(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["audit", *args])
    return result.exit_code, result.stdout, result.stderr


def test_table_shows_the_figures_within_80_columns(tmp_path: Path) -> None:
    scenario, _ = _fixture(tmp_path)
    code, out, err = audit(scenario, str(tmp_path / "payments"), "--supplier", "Capita")
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= 80
    # 2013/14: paid 2.40 (2,400,000.50 pounds), promised 8.00, difference -5.60; running 2.40 and 8.00
    assert any(line.split() == ["2013/14", "2.40", "8.00", "-5.60", "2.40", "8.00"] for line in out.splitlines())
    assert "promised = outsource, baseline = in_house" in out
    assert "Baseline: In-house" in out
    assert "Capital Cleaning" not in out
    assert "Repeated rows dropped (the same payment in two files): 1" in out
    written = tmp_path / "audit.txt"
    code, _, _ = audit(scenario, str(tmp_path / "payments"), "--supplier", "Capita", "-o", str(written))
    assert code == 0
    assert max(len(line) for line in written.read_text(encoding="utf-8").splitlines()) <= 80


def test_json_carries_the_figures_and_is_byte_identical_on_reruns(tmp_path: Path) -> None:
    scenario, _ = _fixture(tmp_path)
    outputs = []
    for name in ("a.json", "b.json"):
        code, _, err = audit(scenario, str(tmp_path / "payments"), "--supplier", "Capita", "-f", "json", "-o", name)
        assert code == 0, err
        outputs.append(Path(name).read_bytes())
        Path(name).unlink()
    assert outputs[0] == outputs[1]
    result = json.loads(outputs[0])
    assert result["totals"]["nominal"]["paid"] == pytest.approx(5.4000005)  # 2.4000005 + 3.0, worked in test_audit
    assert result["outside_horizon"]["nominal"] == pytest.approx(1.25)


def test_csv_every_figure_one_a_row(tmp_path: Path) -> None:
    scenario, _ = _fixture(tmp_path)
    code, out, _ = audit(scenario, str(tmp_path / "payments"), "--supplier", "Capita", "-f", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["table", "year", "name", "measure", "unit", "value"]
    found = {(r[0], r[1], r[2], r[3], r[4]): r[5] for r in rows[1:]}
    assert float(found[("years", "2014/15", "", "paid", "£m, nominal")]) == 3.0
    assert float(found[("payees", "", "Capita plc", "net", "£m, nominal")]) == 4.25
    assert found[("duplicates", "", "", "rows_dropped", "rows")] == "1"


def test_markdown(tmp_path: Path) -> None:
    scenario, _ = _fixture(tmp_path)
    code, out, _ = audit(scenario, str(tmp_path / "payments"), "--supplier", "Capita", "-f", "markdown")
    assert code == 0
    assert "| 2014/15 | 3.00 | 8.00 | -5.00 | 5.40 | 16.00 |" in out


def test_a_column_the_list_does_not_know(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("Date,Supplier Name,Sum Paid\n01/04/2013,Capita plc,1000\n", encoding="utf-8")
    scenario, _ = _fixture(tmp_path)
    code, _, err = audit(scenario, str(tmp_path / "p.csv"), "--supplier", "Capita", "-f", "json")
    assert code == 2 and "amount" in err
    code, out, err = audit(
        scenario, str(tmp_path / "p.csv"), "--supplier", "Capita", "-f", "json", "--column", "amount=Sum Paid"
    )
    assert code == 0, err
    assert json.loads(out)["years"][0]["nominal"]["paid"] == pytest.approx(0.001)  # 1,000 pounds in £m
    code, _, err = audit(scenario, str(tmp_path / "p.csv"), "--supplier", "Capita", "--column", "amount")
    assert code == 2 and "--column amount: write FIELD=HEADER" in err


BAD_FILES = [
    ("noheader.csv", b"a,b,c\n1,2,3\n", "header"),
    ("empty.csv", b"", "empty"),
    ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "a binary file"),
    ("monthfirst.csv", b"Date,Supplier,Amount\n04/13/2013,Capita plc,10\n04/30/2013,Capita plc,10\n", "month first"),
]


@pytest.mark.parametrize("name, content, message", BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_each_bad_file_is_a_clear_error_and_nothing_is_written(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    scenario, _ = _fixture(tmp_path)
    (tmp_path / name).write_bytes(content)
    out = tmp_path / "out.json"
    code, stdout, err = audit(scenario, str(tmp_path / name), "--supplier", "Capita", "-f", "json", "-o", str(out))
    assert code == 2
    assert err.startswith(str(tmp_path / name))
    assert message in err.lower()
    assert "Traceback" not in err and stdout == ""
    assert not out.exists()


def test_a_missing_file(tmp_path: Path) -> None:
    scenario, _ = _fixture(tmp_path)
    code, _, err = audit(scenario, str(tmp_path / "nowhere.csv"), "--supplier", "Capita")
    assert code == 2
    assert err.startswith(f"{tmp_path / 'nowhere.csv'}: ") and "Traceback" not in err


def test_unreadable_rows_listed_all_at_once_or_skipped_and_counted(tmp_path: Path) -> None:
    scenario, _ = _fixture(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Date,Supplier,Amount\n"
        "01/04/2013,Capita plc,1000\n"  # line 2: fine
        "31/02/2013,Capita plc,500\n"  # line 3: no such day
        "02/04/2013,Capita plc,12;34\n"  # line 4: no such amount
        "03/04/2013,Other Ltd,lots\n",  # line 5: no such amount, another payee
        encoding="utf-8",
    )
    code, _, err = audit(scenario, str(bad), "--supplier", "Capita")
    assert code == 2
    lines = err.splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{bad}:3:1", f"{bad}:4:1", f"{bad}:5:1"]
    assert "31/02/2013" in lines[0] and "12;34" in lines[1] and "lots" in lines[2]

    code, out, err = audit(scenario, str(bad), "--supplier", "Capita", "--skip-bad-rows", "-f", "json")
    assert code == 0, err
    result = json.loads(out)
    # Read: line 2 only, 1,000 pounds = 0.001 £m. Skipped: 3 rows; to Capita 2 (line 3: 500 pounds read, its
    # date not; line 4: no amount read).
    assert result["years"][0]["nominal"]["paid"] == pytest.approx(0.001)
    unreadable = result["unreadable"]
    assert unreadable["rows_skipped"] == 3
    assert unreadable["matched"]["rows"] == 2
    assert unreadable["matched"]["net"] == pytest.approx(0.0005)
    assert unreadable["matched_without_amount"] == 1
    code, out, _ = audit(scenario, str(bad), "--supplier", "Capita", "--skip-bad-rows")
    assert "could not be read (--skip-bad-rows): 3, of them to the payees counted 2" in " ".join(out.split())


def test_a_unit_it_cannot_convert_and_a_supplier_with_no_words(tmp_path: Path) -> None:
    scenario, _ = _fixture(tmp_path, "$m")
    code, _, err = audit(scenario, str(tmp_path / "payments"), "--supplier", "Capita")
    assert code == 2
    assert err.startswith(f"{scenario}:3:") and "money.unit" in err and "'$m'" in err
    (other := tmp_path / "other").mkdir()
    scenario, _ = _fixture(other)
    code, _, err = audit(scenario, str(other / "payments"), "--supplier", "Ltd")
    assert code == 2 and "--supplier Ltd: has no words to match" in err


HOSTILE = '=HYPERLINK("http://x")|<script>alert(1)</script>\x1b[31m Capita'


def test_hostile_payee_names_are_written_as_text(tmp_path: Path) -> None:
    scenario, _ = _fixture(tmp_path)
    (tmp_path / "h.csv").write_text(
        f'Date,Supplier,Amount,Expense Type\n01/04/2013,"{HOSTILE.replace(chr(34), chr(34) * 2)}",1000,"@SUM(A1)"\n',
        encoding="utf-8",
    )
    args = [scenario, str(tmp_path / "h.csv"), "--supplier", "Capita"]
    code, out, _ = audit(*args)
    assert code == 0
    assert "\x1b" not in out and "\\x1b[31m" in " ".join(out.split())
    code, out, _ = audit(*args, "-f", "markdown")
    assert "<script>" not in out and "&lt;script&gt;" in out and "\\|" in out and "\x1b" not in out
    code, out, _ = audit(*args, "-f", "csv")
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    # an apostrophe first: a spreadsheet shows it, never runs it; the escape shown, not obeyed, as in the table
    assert "'" + HOSTILE.replace("\x1b", "\\x1b") in cells
    assert "\x1b" not in out
    assert not any(cell.startswith(("=", "@")) for cell in cells)
    code, out, _ = audit(*args, "-f", "json")
    assert json.loads(out)["payees"][0]["name"] == HOSTILE  # JSON: the name as written


def test_report_gains_a_promised_and_paid_section(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    scenario, _ = _fixture(tmp_path)
    (tmp_path / "payments" / "h.csv").write_text(
        "Date,Supplier,Amount\n01/05/2013,<b>Capita</b>,1\n01/05/2013,Capita \x1b]0;pwned\x07 Ltd,1\n", encoding="utf-8"
    )
    page = tmp_path / "report.html"
    args = ["report", scenario, "-n", "0", "--payments", str(tmp_path / "payments"), "--supplier", "Capita"]
    result = runner.invoke(app, [*args, "-o", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert '<section id="promised-and-paid">' in html and "Promised and paid" in html
    # 2014/15 paid 3.0 £m, shown to one decimal
    assert '<td data-figure="audit.years.1.nominal.paid">3.0</td>' in html
    assert "<b>Capita</b>" not in html and "&lt;b&gt;Capita&lt;/b&gt;" in html
    assert "\x1b" not in html and "\x07" not in html  # control characters shown as escapes, not written
    assert "Capita \\x1b]0;pwned\\x07 Ltd" in html
    alone = runner.invoke(app, ["report", scenario, "-n", "0", "--payments", str(tmp_path / "payments")])
    assert alone.exit_code == 2 and "--payments and --supplier go together" in alone.stderr
    without = runner.invoke(app, ["report", scenario, "-n", "0", "-o", str(tmp_path / "plain.html")])
    assert without.exit_code == 0
    assert "promised-and-paid" not in (tmp_path / "plain.html").read_text(encoding="utf-8")


def test_the_illustrative_files_against_the_what_happened_scenario() -> None:
    # The README's example. scenarios/payments/README.md: Capita and Re, 49,925,000.04 in 2013/14 and
    # 55,542,000.00 in 2014/15
    code, out, err = audit(
        str(ROOT / "scenarios" / "what_happened.yaml"),
        str(ROOT / "scenarios" / "payments"),
        "--supplier",
        "Capita",
        "--supplier",
        "Regional Enterprise",
        "-f",
        "json",
    )
    assert code == 0, err
    years = json.loads(out)["years"]
    assert years[0]["nominal"]["paid"] == pytest.approx(49.92500004)
    assert years[1]["nominal"]["paid"] == pytest.approx(55.542)
    # The promise (option outsource, the council case's), in real 2013/14 prices in each full year of the
    # contracts, 2014/15 to 2022/23: charges CSG 320 / 10 + Re 154 / 10 = 47.4, client side 2% of them 0.948,
    # overheads that stay 3% of the baselines 38.8 + 14.2: 1.59, less procurement savings 4.69, council tax
    # 0.84 and Re's income 3.38: 47.4 + 0.948 + 1.59 - 4.69 - 0.84 - 3.38 = 41.028 £m a year
    assert [year["real"]["promised"] for year in years[1:10]] == pytest.approx([41.028] * 9, rel=1e-12)
    assert [year["label"] for year in (years[0], years[-1])] == ["2013/14", "2026/27"]
    # Capita alone (scenarios/payments/README.md): 49,925,000.04 - Re's 12,600,000 = 37,325,000.04 and
    # 55,542,000.00 - 12,852,000 = 42,690,000.00
    code, out, _ = audit(
        str(ROOT / "scenarios" / "what_happened.yaml"),
        str(ROOT / "scenarios" / "payments"),
        "--supplier",
        "Capita",
        "-f",
        "json",
    )
    years = json.loads(out)["years"]
    assert [years[0]["nominal"]["paid"], years[1]["nominal"]["paid"]] == pytest.approx([37.32500004, 42.69])


def test_the_output_is_never_written_over_a_payments_file(tmp_path: Path) -> None:
    scenario, files = _fixture(tmp_path)
    before = files[0].read_bytes()
    code, _, err = audit(scenario, str(tmp_path / "payments"), "--supplier", "Capita", "-f", "csv", "-o", str(files[0]))
    assert code == 2 and "is a payments file read" in err
    assert files[0].read_bytes() == before


def test_the_report_is_never_written_over_a_payments_file(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    scenario, files = _fixture(tmp_path)
    before = files[0].read_bytes()
    args = ["report", scenario, "-n", "0", "--payments", str(tmp_path / "payments"), "--supplier", "Capita"]
    result = runner.invoke(app, [*args, "-o", str(files[0])])
    assert result.exit_code == 2 and "is a payments file read" in result.stderr
    assert files[0].read_bytes() == before
