"""Write an output where it belongs: a file whole or not at all; a stream (a character device, a FIFO,
standard output) directly; anything else not at all.

A regular file, or a new path, is written beside itself and renamed over itself, so readers see the
old file or the new one, never half of it; through a symbolic link, the file the link points to is
replaced and the link is kept. A character device, a FIFO or standard output (`-`, or a link such as
/dev/stdout to a descriptor) cannot be replaced by a rename without breaking it: it is written
directly. A directory, a socket or a block device is refused. While a temporary file exists, SIGTERM,
SIGINT and SIGHUP remove it before the process ends; after SIGKILL (or a power cut) a hidden
`.NAME.XXXXXXXX.tmp` may remain beside the target, which is itself always whole, old or new.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

STANDARD_OUTPUT = "-"
# Where the links of a process's open descriptors live: /dev/stdout and /dev/fd/N lead here.
DESCRIPTORS = re.compile(r"/proc/(self|thread-self|\d+)(/task/\d+)?/fd")
NOT_WRITTEN = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISSOCK, "is a socket"),
    (stat.S_ISBLK, "is a block device"),
)
WHERE_OUTPUTS_GO = "an output is written to a file, a character device, a FIFO or standard output ('-')"
SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_TEMPORARY: set[str] = set()  # temporary files that exist now, removed if a signal ends the process


class OutputError(Exception):
    """The output cannot be written there: the message says why (the CLI prints it and exits 2)."""


def write_output(path: str, data: str | bytes) -> None:
    """Write `data` to `path` whole or not at all (a file), or directly (a stream); OutputError if neither."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    how = _destination(path)
    if how == "standard output":
        _write_standard_output(payload)
    elif how == "descriptor":
        _write_stream(path, payload, os.O_WRONLY | os.O_APPEND)  # after what the descriptor's file holds
    elif how == "stream":
        _write_stream(path, payload, os.O_WRONLY)
    else:
        write_whole(os.path.realpath(path), payload)  # through a link, the file it points to


def check_destination(path: str, option: str = "--output") -> None:
    """OutputError now for an output that write_output would refuse, so that a command whose output comes at
    the end of long work (`test --junit-xml`) refuses it before that work rather than after."""
    _destination(path, option)


def _destination(path: str, option: str = "--output") -> str:
    """How `path` is written: 'standard output', 'descriptor', 'stream' or 'file'; OutputError if it is not."""
    if path == "":
        raise OutputError(f"{option}: the file name is empty")
    if path == STANDARD_OUTPUT:
        return "standard output"
    if _through_descriptor(path):
        return "descriptor"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {_reason(error)}") from None
    if mode is None or stat.S_ISREG(mode):
        if mode is not None:
            refuse_read_only(path, mode)
        folder = os.path.dirname(os.path.realpath(path)) or "."
        if not os.path.isdir(folder):
            raise OutputError(f"{path}: cannot write: no such folder '{folder}'")
        return "file"
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "stream"
    what = next((name for test, name in NOT_WRITTEN if test(mode)), "is not a file")
    raise OutputError(f"{path}: {what}: {WHERE_OUTPUTS_GO}")


def refuse_read_only(path: str, mode: int) -> None:
    """A file without any write permission is not written over (even by root, who may write anything)."""
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise OutputError(f"{path}: is read-only; it is not written over")


def write_whole(target: str, payload: bytes) -> None:
    """Write beside `target` (a regular file's real path, or a new one) and rename over it, keeping its mode."""
    folder = os.path.dirname(target) or "."
    with removed_on_signal() as track:
        try:
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
        except OSError as error:
            raise OutputError(f"{target}: cannot write: {_reason(error)}") from None
        track(temporary)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
                out.flush()
                os.fchmod(out.fileno(), _mode_for(Path(target)))
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise OutputError(f"{target}: cannot write: {_reason(error)}") from None
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def rewrite(path: str, data: str | bytes) -> None:
    """Replace the content of a file that exists (a test file that `test --update` changes): through a link,
    the file it points to; keeping its mode; refusing it when read-only. A file with no other hard link is
    written whole or not at all (write_whole). One with other links (the same file under other names) is
    rewritten in place, so every name sees the change, which a rename would break: the new content is first
    written whole to a temporary file beside it, then copied into the file with SIGTERM, SIGINT and SIGHUP
    held back until it is done, and the temporary file removed. Only SIGKILL or a power cut during the copy
    leaves the file half-written, and then the temporary file beside it holds the whole new content."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = os.path.realpath(path)
    try:
        status = os.stat(target)
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {_reason(error)}") from None
    if not stat.S_ISREG(status.st_mode):
        raise OutputError(f"{path}: is not a regular file; it is not rewritten")
    refuse_read_only(path, status.st_mode)
    if status.st_nlink == 1:
        write_whole(target, payload)
        return
    folder = os.path.dirname(target) or "."
    with removed_on_signal() as track:
        try:
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
        except OSError as error:
            raise OutputError(f"{path}: cannot write: {_reason(error)}") from None
        track(temporary)
        try:
            with os.fdopen(handle, "wb") as copy:
                copy.write(payload)
                copy.flush()
                os.fsync(copy.fileno())
            held = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
            try:
                with open(target, "r+b") as out:
                    out.write(payload)
                    out.truncate()
                    out.flush()
                    os.fsync(out.fileno())
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
        except OSError as error:
            raise OutputError(f"{path}: cannot write: {_reason(error)}") from None
        finally:
            Path(temporary).unlink(missing_ok=True)


@contextlib.contextmanager
def removed_on_signal() -> Iterator[Callable[[str], None]]:
    """Gives `track(path)`, for temporary files while they exist: SIGTERM, SIGINT or SIGHUP meanwhile
    removes them, then ends the process as that signal would have. Handlers are only set in the main
    thread (Python allows no other); elsewhere the files are still removed when an exception passes."""
    tracked: set[str] = set()

    def track(path: str) -> None:
        tracked.add(path)
        _TEMPORARY.add(path)

    main = threading.current_thread() is threading.main_thread()
    previous = {signum: signal.signal(signum, _remove_and_die) for signum in SIGNALS} if main else {}
    try:
        yield track
    finally:
        _TEMPORARY.difference_update(tracked)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _remove_and_die(signum: int, frame: object) -> None:
    for temporary in list(_TEMPORARY):
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _write_stream(path: str, payload: bytes, flags: int) -> None:
    """Write to a device, a FIFO or a descriptor's file as it is: no temporary file, no rename."""
    try:
        handle = os.open(path, flags | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {_reason(error)}") from None
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(handle, view) :]
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {_reason(error)}") from None
    finally:
        os.close(handle)


def _write_standard_output(payload: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(payload)
    sys.stdout.flush()


def _through_descriptor(path: str) -> bool:
    """True when `path`, or a link on the way to its target, is a process's descriptor (/dev/stdout leads to
    /proc/self/fd/1): its target may be a pipe, a terminal or a file the shell opened, and is written as it is."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        if DESCRIPTORS.fullmatch(os.path.realpath(os.path.dirname(current))):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
    return False


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "the links go round in a circle"
    return error.strerror or str(error)


def _mode_for(target: Path) -> int:
    """The permissions the file keeps (when it is replaced) or would get from open() (when new):
    mkstemp's 0600 would otherwise tighten every file written this way."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both name one existing file (through links too): an output must not replace an input."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False
