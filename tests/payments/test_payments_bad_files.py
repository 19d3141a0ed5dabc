"""Files that cannot be read, and rows that cannot: a clear problem each, all at once, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from payment_helpers import DATA, write

from barnetmodel.errors import ScenarioError
from barnetmodel.payments import opening, read_payments

HEADER = "Date,Supplier Name,Amount\r\n"


def problems(paths: list[Path], **options: object) -> list[str]:
    with pytest.raises(ScenarioError) as raised:
        read_payments(paths, **options)  # type: ignore[arg-type]
    return [str(problem) for problem in raised.value.problems]


def test_a_missing_file(tmp_path: Path) -> None:
    assert problems([tmp_path / "nope.csv"]) == [f"{tmp_path / 'nope.csv'}: no such file"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\r\n\r\n,,,\r\n  \r\n", "empty file: no text in it"),
        (
            b"Date,Supplier,Amount\r\n01/04/2013,Capita\x00,5\r\n",
            "a binary file, not CSV text (a NUL byte at offset 39)",
        ),
        ("Date,Supplier,Amount\r\n".encode("utf-16"), "UTF-16 text"),
        (b"PK\x03\x04\x14\x00\x06\x00", "an Excel workbook (.xlsx) or other zip file, not CSV: save it as CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"),
        (b"%PDF-1.4\n", "a PDF, not CSV"),
        (
            b"Date,Supplier,Amount\r\n01/04/2013,Caf\x81,5\r\n",
            "neither UTF-8 nor Windows-1252 text (byte 0x81 is neither)",
        ),
        (
            b"\xef\xbb\xbfDate,Supplier,Amount\r\n01/04/2013,Caf\xa3,5\r\n",
            "starts as UTF-8 (with a byte order mark), but byte 0xA3",
        ),
        (
            b"Name,Address,Phone\r\nA,B,C\r\n",
            "no header row in the first 50 rows: looked for a date column, a payee column, an amount column",
        ),
    ],
)
def test_files_that_are_not_payments(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path, "bad.csv", content)
    (found,) = problems([path])
    assert found.startswith(f"{path}: {message}")


def test_a_header_and_no_payments_is_a_file_with_no_payments(tmp_path: Path) -> None:
    ledger = read_payments([write(tmp_path, "empty_month.csv", "Title\r\n" + HEADER)])
    assert len(ledger) == 0 and ledger.files[0].rows == 0


def test_a_folder_without_csv_files(tmp_path: Path) -> None:
    write(tmp_path, "folder/notes.txt", "nothing")
    assert problems([tmp_path / "folder"]) == [f"{tmp_path / 'folder'}: no CSV files (*.csv) in this folder"]


def test_a_pipe_is_refused_without_waiting_on_it(tmp_path: Path) -> None:
    fifo = tmp_path / "payments.csv"
    os.mkfifo(fifo)
    assert problems([fifo]) == [f"{fifo}: not a regular file (a pipe or device?)"]
    # In a folder too, where it is found by its name.
    assert problems([tmp_path]) == [f"{fifo}: not a regular file"]


def test_a_device_is_refused() -> None:
    assert problems([Path("/dev/zero")]) == ["/dev/zero: not a regular file (a pipe or device?)"]


def test_a_file_over_the_limit_is_refused_after_reading_at_most_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opening, "MAX_FILE_BYTES", 1000)
    small = write(tmp_path, "small.csv", HEADER + "01/04/2013,Capita plc,5.00\r\n" * 30)  # 862 bytes
    large = write(tmp_path, "large.csv", HEADER + "01/04/2013,Capita plc,5.00\r\n" * 40)  # 1,142 bytes
    assert len(read_payments([small])) == 30
    assert problems([large]) == [f"{large}: larger than 1,000 bytes, the most a payments file may be: split it"]


def test_links_out_of_a_folder_are_not_followed(tmp_path: Path) -> None:
    outside = write(tmp_path, "elsewhere/secret.csv", HEADER + "01/04/2013,Capita plc,5\r\n")
    folder = tmp_path / "payments"
    write(folder, "2013_04.csv", HEADER + "01/04/2013,Capita plc,7\r\n")
    (folder / "2013_05.csv").symlink_to(outside)
    (folder / "same.csv").symlink_to(folder / "2013_04.csv")  # inside the folder: read, once
    assert problems([folder]) == [
        f"{folder / '2013_05.csv'}: a link to {outside}, outside the folder: name that file itself to read it"
    ]
    os.remove(folder / "2013_05.csv")
    assert len(read_payments([folder])) == 1
    assert len(read_payments([folder, outside])) == 2  # named itself, it is read


def test_hidden_files_and_other_names_in_a_folder_are_left_out(tmp_path: Path) -> None:
    write(tmp_path, "2013_04.CSV", HEADER + "01/04/2013,Capita plc,7\r\n")
    write(tmp_path, "._2013_04.csv", b"\x00\x05\x16\x07 resource fork")
    write(tmp_path, "readme.txt", "notes")
    ledger = read_payments([tmp_path])
    assert [Path(f.path).name for f in ledger.files] == ["2013_04.CSV"]


def test_dates_written_month_first_are_an_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "us.csv", HEADER + "04/01/2013,Capita plc,5\r\n04/13/2013,Capita plc,6\r\n")
    (found,) = problems([path])
    assert found.startswith(f"{path}: the dates are written month first ('04/13/2013' has no 13th month)")


def test_a_quote_never_closed(tmp_path: Path) -> None:
    text = 'Date,Supplier Name,Amount,Description\r\n01/04/2013,Capita plc,5,fee\r\n02/04/2013,Capita plc,6,"fee\r\n'
    path = write(tmp_path, "q.csv", text + "03/04/2013,Other,7,fee\r\n")
    assert problems([path]) == [
        f"{path}:3:1: a quote opened here is never closed: the rest of the file would be read as one field"
    ]


def test_a_quote_closed_rows_later(tmp_path: Path) -> None:
    text = HEADER + '01/04/2013,"Capita plc,5\r\n02/04/2013,Other,6\r\n03/04/2013,"Other",7\r\n'
    path = write(tmp_path, "q.csv", text)
    assert problems([path]) == [
        f"{path}:2:1: the payee runs over several lines: a quote opened here is not closed where it should be"
    ]


def test_a_description_may_run_over_lines(tmp_path: Path) -> None:
    text = 'Date,Supplier Name,Amount,Description\r\n01/04/2013,Capita plc,5,"two\r\nlines"\r\n02/04/2013,Capita plc,x,one\r\n'
    path = write(tmp_path, "d.csv", text)
    # The bad amount is on line 4: the description before it took two lines.
    assert problems([path]) == [f"{path}:4:1: amount 'x' is not an amount (write it like {AMOUNT_FORMATS})"]


AMOUNT_FORMATS = '"1234.56", "£1,234.56", "-1,234.56", "(1,234.56)", "£-12.00", "-£12.00", " 1,234 "'
DATE_FORMATS = "01/04/2013, 1/4/13, 01.04.2013, 2013-04-01, 01-Apr-2013, 1 April 2013"


def test_every_bad_row_of_every_file_at_once(tmp_path: Path) -> None:
    first = write(
        tmp_path,
        "first.csv",
        "Title\r\n"
        + HEADER
        + "01/04/2013,Capita plc,5\r\n31/02/2013,Capita plc,5\r\n,,\r\n02/04/2013,Capita plc,N/A\r\n"
        "Total,,1234\r\n,Capita plc,\r\n",
    )
    second = write(tmp_path, "second.csv", HEADER + "yesterday,Capita plc,£5\r\n")
    missing = tmp_path / "missing.csv"
    assert problems([first, missing, second]) == [
        f"{first}:4:1: date '31/02/2013' is not a date (write it like {DATE_FORMATS})",
        f"{first}:6:1: amount 'N/A' is not an amount (write it like {AMOUNT_FORMATS})",
        f"{first}:7:1: date 'Total' is not a date (write it like {DATE_FORMATS})",
        f"{first}:8:1: no date; no amount",
        f"{missing}: no such file",
        f"{second}:2:1: date 'yesterday' is not a date (write it like {DATE_FORMATS})",
    ]


def test_the_listing_stops_at_50_rows_a_file_and_counts_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, "many.csv", HEADER + "01/04/2013,Capita plc,oops\r\n" * 120)
    found = problems([path])
    assert len(found) == 51
    assert found[0] == f"{path}:2:1: amount 'oops' is not an amount (write it like {AMOUNT_FORMATS})"
    assert found[49].startswith(f"{path}:51:1:")
    assert found[50] == f"{path}: and 70 more rows whose date or amount could not be read"


def test_skipping_bad_rows_counts_them_and_the_amounts_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "skip.csv",
        HEADER + "01/04/2013,Capita plc,5.00\r\nsoon,Capita plc,7.50\r\n02/04/2013,Capita plc,N/A\r\n"
        "Total,,12.50\r\n\r\n,,\r\n",
    )
    ledger = read_payments([path], skip_bad_rows=True)
    assert ledger.pence.tolist() == [500]
    skipped = ledger.skipped
    # Skipped: 'soon' (7.50, amount read), 'N/A' (no amount), 'Total' (12.50, amount read); blank rows not at all.
    assert skipped.rows == 3 and int(skipped.pence.sum()) == 2000
    assert skipped.amount_read.tolist() == [True, False, True]
    assert [ledger.payee.values[code] for code in skipped.payee] == ["Capita plc", "Capita plc", ""]
    assert [p.line for p in skipped.examples] == [3, 4, 5]
    assert (ledger.files[0].bad_rows, ledger.files[0].blank_rows) == (3, 2)


def test_skipped_rows_to_the_supplier_are_in_its_summary(tmp_path: Path) -> None:
    from barnetmodel.payments import match_supplier, summarise

    path = write(tmp_path, "s.csv", HEADER + "soon,Capita plc,7.50\r\nlater,Other Ltd,9\r\n02/04/2013,Capita plc,?\r\n")
    ledger = read_payments([path], skip_bad_rows=True)
    summary = summarise(ledger, match_supplier(ledger.payee.values, ["Capita"], []))
    assert (summary.skipped.rows, summary.skipped.net, summary.skipped_without_amount) == (2, 7.50, 1)


def test_a_blank_row_is_skipped_without_a_word(tmp_path: Path) -> None:
    path = write(
        tmp_path, "b.csv", HEADER + "\r\n01/04/2013,Capita plc,5\r\n , , \r\n,,,,,,\r\n02/04/2013,Capita plc,6\r\n\r\n"
    )
    ledger = read_payments([path])
    assert ledger.pence.tolist() == [500, 600]
    assert ledger.files[0].blank_rows == 4


def test_naming_nothing_and_unknown_columns() -> None:
    assert problems([]) == ["PAYMENTS: name at least one payments file or folder"]
    assert problems([DATA / "council_c.csv"], columns={"amonut": "Net"}) == [
        "--column amonut=Net: no field 'amonut': the fields are date, payee, amount, transaction, expense_type, "
        "service_area, description"
    ]


def test_a_named_column_that_is_not_there(tmp_path: Path) -> None:
    (found,) = problems([DATA / "council_c.csv"], columns={"amount": "Net Value"})
    assert "looked for a date column, a payee column, an amount column named 'Net Value'" in found
    assert "line 1 has no amount column among 'Date', 'Beneficiary', 'Amount', 'Description'" in found
