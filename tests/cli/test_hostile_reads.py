"""Reads within limits: devices, FIFOs and standard input are refused as scenario and test files,
and no file is read past the size limit, whatever it says its size is."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from barnetmodel.errors import ScenarioError
from barnetmodel.scenario import yaml_source
from conftest import MINIMAL, ROOT

MEMORY_CAP = 1024 * 1024 * 1024
HANG_GUARD = 60  # seconds: only so that a hang fails rather than stalls


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def barnetmodel(*args: str, stdin: int | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "barnetmodel", *args],
        capture_output=stdin is None,
        stdout=subprocess.PIPE if stdin is not None else None,
        stderr=subprocess.PIPE if stdin is not None else None,
        stdin=stdin,
        text=True,
        timeout=HANG_GUARD,
        preexec_fn=_capped,
        cwd=cwd,
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_device_is_not_a_scenario_file(device: str, command: str) -> None:
    done = barnetmodel(command, device)
    assert done.returncode == 2, done.stderr[-2000:]
    assert f"{device}: is a character device, not a file: scenario files are read from regular files only" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    done = barnetmodel("run", str(fifo))
    assert done.returncode == 2
    assert "is a FIFO (named pipe), not a file" in done.stderr


def test_standard_input_is_not_read_without_end(tmp_path: Path) -> None:
    """`yes | barnetmodel validate /dev/stdin`: no command reads standard input, so it is refused."""
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        assert yes.stdout is not None
        done = barnetmodel("validate", "/dev/stdin", stdin=yes.stdout.fileno())
    finally:
        yes.kill()
        yes.wait()
    assert done.returncode == 2
    assert "/dev/stdin: is a FIFO (named pipe), not a file" in done.stderr


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.yaml"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(ScenarioError, match="is a socket, not a file"):
            yaml_source.load(str(path))
    finally:
        server.close()


def test_a_test_file_naming_a_device_as_its_scenario(tmp_path: Path) -> None:
    test_file = tmp_path / "t.yaml"
    test_file.write_text("name: t\nscenario: /dev/zero\noutputs: {horizon.end: 2015}\n", encoding="utf-8")
    done = barnetmodel("test", str(test_file))
    assert done.returncode == 2
    assert "/dev/zero: is a character device, not a file" in done.stderr


def test_a_device_as_a_test_file() -> None:
    done = barnetmodel("test", "/dev/zero")
    assert done.returncode == 2
    assert "/dev/zero: is a character device, not a file" in done.stderr


def test_the_size_limit_does_not_trust_the_size_a_file_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files under /proc say they hold 0 bytes; what is read is counted, not what stat says."""
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0 and len(status.read_bytes()) > 200
    monkeypatch.setattr(yaml_source, "MAX_FILE_BYTES", 100)
    with pytest.raises(ScenarioError, match="file is over 100 bytes; scenario files are limited to 100"):
        yaml_source.load(str(status))


def test_a_file_at_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setattr(yaml_source, "MAX_FILE_BYTES", len(MINIMAL.encode()))
    assert yaml_source.load(str(path)).data["title"] == "Minimal"
    monkeypatch.setattr(yaml_source, "MAX_FILE_BYTES", len(MINIMAL.encode()) - 1)
    with pytest.raises(ScenarioError, match="scenario files are limited to"):
        yaml_source.load(str(path))
