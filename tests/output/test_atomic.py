"""Where outputs go: a regular file (or a new path) is replaced whole, through a link where it points;
a character device, a FIFO or standard output is written directly, never replaced; anything else is
refused. A killed write leaves no temporary file behind where the process can clean up."""

from __future__ import annotations

import os
import select
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barnetmodel.cli.app import app
from conftest import MINIMAL, ROOT

runner = CliRunner()
HANG_GUARD = 60  # seconds: only so that a hang fails rather than stalls


def run_json(scenario: Path, output: str) -> tuple[int, str]:
    result = runner.invoke(app, ["run", str(scenario), "-f", "json", "-o", output])
    return result.exit_code, result.stderr


def test_a_link_to_a_file_is_followed_and_kept(write: Callable[..., Path], tmp_path: Path) -> None:
    scenario = write(MINIMAL)
    target = tmp_path / "results" / "out.json"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert run_json(scenario, str(link))[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith("{")
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]  # no temporary file left


def test_a_dangling_link_is_written_where_it_points(write: Callable[..., Path], tmp_path: Path) -> None:
    scenario = write(MINIMAL)
    target = tmp_path / "new.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert run_json(scenario, str(link))[0] == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("{")


def test_a_link_to_a_device_is_written_through_not_replaced(write: Callable[..., Path], tmp_path: Path) -> None:
    """As `-o /dev/stdout` run as root: the link (here one of ours, to /dev/null) stays a link."""
    scenario = write(MINIMAL)
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    code, stderr = run_json(scenario, str(link))
    assert code == 0, stderr
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "scenario.yaml"]


def _read_fifo(fifo: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        handle = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            while True:
                ready, _, _ = select.select([handle], [], [], HANG_GUARD)
                if not ready:
                    return
                chunk = os.read(handle, 65536)
                if not chunk and into:
                    return
                into.append(chunk)
        finally:
            os.close(handle)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("through_link", [False, True])
def test_a_fifo_is_written_directly(write: Callable[..., Path], tmp_path: Path, through_link: bool) -> None:
    scenario = write(MINIMAL)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    output = fifo
    if through_link:
        output = tmp_path / "link"
        output.symlink_to(fifo)
    received: list[bytes] = []
    reader = _read_fifo(fifo, received)
    code, stderr = run_json(scenario, str(output))
    reader.join(HANG_GUARD)
    assert code == 0, stderr
    assert b"".join(received).startswith(b"{")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert output.is_symlink() == through_link


def test_standard_output_through_a_descriptor_link_is_appended_to(tmp_path: Path) -> None:
    """`-o /dev/stdout` when standard output is a file: written to it, after what is there; the link
    (ours, to /proc/self/fd/1, never /dev/stdout itself) is not replaced."""
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(MINIMAL, encoding="utf-8")
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    log = tmp_path / "log.txt"
    log.write_text("header\n", encoding="utf-8")
    with log.open("a", encoding="utf-8") as out:
        done = subprocess.run(
            [sys.executable, "-m", "barnetmodel", "run", str(scenario), "-f", "csv", "-o", str(link)],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=HANG_GUARD,
            cwd=ROOT,
        )
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    text = log.read_text(encoding="utf-8")
    assert text.startswith("header\noption,year,unit,")


def test_a_dash_is_standard_output(write: Callable[..., Path]) -> None:
    scenario = write(MINIMAL)
    result = runner.invoke(app, ["run", str(scenario), "-f", "json", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("{")


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda path: path.mkdir(), "is a directory"),
        (lambda path: socket.socket(socket.AF_UNIX).bind(str(path)), "is a socket"),
    ],
    ids=["directory", "socket"],
)
def test_what_is_neither_a_file_nor_a_stream_is_refused(
    write: Callable[..., Path], tmp_path: Path, make: Callable[[Path], None], words: str
) -> None:
    scenario = write(MINIMAL)
    output = tmp_path / "out"
    make(output)
    kind = os.stat(output).st_mode
    code, stderr = run_json(scenario, str(output))
    assert code == 2
    assert f"{output}: {words}: an output is written to a file, a character device, a FIFO or standard output" in (
        stderr
    )
    assert os.stat(output).st_mode == kind


def test_a_block_device_is_refused(write: Callable[..., Path], tmp_path: Path) -> None:
    devices = [Path("/dev") / name for name in ("loop0", "sda", "vda", "nvme0n1", "ram0")]
    device = next((d for d in devices if d.exists() and stat.S_ISBLK(d.stat().st_mode)), None)
    if device is None:
        pytest.skip("no block device to point a link at")
    link = tmp_path / "disk"
    link.symlink_to(device)
    code, stderr = run_json(write(MINIMAL), str(link))
    assert code == 2
    assert "is a block device: an output is written to a file" in stderr


def test_a_link_loop_is_refused(write: Callable[..., Path], tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.symlink_to(b)
    b.symlink_to(a)
    code, stderr = run_json(write(MINIMAL), str(a))
    assert code == 2
    assert f"{a}: cannot write: the links go round in a circle" in stderr
    assert a.is_symlink() and b.is_symlink()


def test_an_empty_file_name_is_refused(write: Callable[..., Path]) -> None:
    code, stderr = run_json(write(MINIMAL), "")
    assert code == 2
    assert "--output: the file name is empty" in stderr
    assert "busy" not in stderr


def test_a_read_only_file_is_not_written_over(write: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("kept\n", encoding="utf-8")
    out.chmod(0o444)
    code, stderr = run_json(write(MINIMAL), str(out))
    assert code == 2
    assert f"{out}: is read-only; it is not written over" in stderr
    assert out.read_text(encoding="utf-8") == "kept\n"


def test_a_missing_folder_is_a_clear_error(write: Callable[..., Path], tmp_path: Path) -> None:
    code, stderr = run_json(write(MINIMAL), str(tmp_path / "no" / "out.json"))
    assert code == 2
    assert "no such folder" in stderr


def test_check_destination_refuses_before_writing_what_a_write_would(tmp_path: Path) -> None:
    """`test --junit-xml` asks before running the tests; the answer is write_output's, and nothing is written."""
    from barnetmodel.output.atomic import OutputError, check_destination

    read_only = tmp_path / "kept.xml"
    read_only.write_text("kept\n", encoding="utf-8")
    read_only.chmod(0o444)
    refused = {
        "": "--junit-xml: the file name is empty",
        str(tmp_path / "no" / "r.xml"): "cannot write: no such folder",
        str(tmp_path): "is a directory",
        str(read_only): "is read-only",
    }
    for path, message in refused.items():
        with pytest.raises(OutputError, match=message):
            check_destination(path, "--junit-xml")
    for path in ("-", os.devnull, str(tmp_path / "new.xml")):
        check_destination(path, "--junit-xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.xml"]


def test_a_schema_is_not_written_over_a_file_that_is_not_a_schema(write: Callable[..., Path], tmp_path: Path) -> None:
    scenario = write(MINIMAL)
    result = runner.invoke(app, ["schema", "-o", str(scenario)])
    assert result.exit_code == 2
    assert f"{scenario}: is not a JSON Schema; a schema is written over a schema only" in result.stderr
    assert scenario.read_text(encoding="utf-8") == MINIMAL
    schema = tmp_path / "scenario.schema.json"
    assert runner.invoke(app, ["schema", "-o", str(schema)]).exit_code == 0
    assert runner.invoke(app, ["schema", "--for", "test", "-o", str(schema)]).exit_code == 0  # a schema: replaced
    assert '"barnetmodel scenario tests"' in schema.read_text(encoding="utf-8")


# A write that is killed leaves no temporary file: the child writes slowly (fsync held up), and is signalled.
SLOW_WRITER = """
import os, sys, time
from barnetmodel.output import atomic
def slow(handle):
    print("writing", flush=True)
    time.sleep(60)
os.fsync = slow
atomic.write_output(sys.argv[1], b"new content\\n")
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_killed_write_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    target = tmp_path / "out.json"
    target.write_text("old\n", encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
        assert len(list(tmp_path.iterdir())) == 2  # the temporary file is there while it writes
        child.send_signal(signum)
        child.wait(HANG_GUARD)
    finally:
        child.kill()
    assert child.returncode == -signum
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    assert target.read_text(encoding="utf-8") == "old\n"
