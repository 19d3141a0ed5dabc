"""Which files a list of payments paths names: files as given, folders as their CSV files.

A folder stands for the `*.csv` files directly in it (any case of ".csv"), sorted by name,
leaving out hidden files (".name.csv", as macOS and editors leave beside real ones). A link
in a folder is read only if it points to a file in that same folder: a folder of payments
must not pull in a file from elsewhere without the user naming it. A file named twice (by
itself and through its folder, or as ./a.csv and a.csv) is read once.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from barnetmodel.errors import Problem


def _in_folder(folder: str, entry: os.DirEntry[str]) -> Problem | None:
    """Why a folder's entry is not read (a link out of the folder, not a file), or None."""
    if entry.is_symlink():
        target = os.path.realpath(entry.path)
        if os.path.dirname(target) != os.path.realpath(folder):
            return Problem(entry.path, f"a link to {target}, outside the folder: name that file itself to read it")
    if not entry.is_file():
        return Problem(entry.path, "not a regular file")
    return None


def payment_files(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """The files to read, in order (paths as given, each folder's files by name), and the problems found."""
    chosen: dict[str, Path] = {}  # real path -> the path as the user will see it
    problems = []
    for path in paths:
        if not path.is_dir():
            chosen.setdefault(os.path.realpath(path), path)  # a missing file is reported when it is opened
            continue
        try:
            with os.scandir(path) as entries:
                found = sorted(
                    (e for e in entries if e.name.lower().endswith(".csv") and not e.name.startswith(".")),
                    key=lambda e: e.name,
                )
        except OSError as error:
            problems.append(Problem(str(path), f"this folder cannot be read: {error.strerror or error}"))
            continue
        if not found:
            problems.append(Problem(str(path), "no CSV files (*.csv) in this folder"))
        for entry in found:
            problem = _in_folder(str(path), entry)
            if problem:
                problems.append(problem)
            else:
                chosen.setdefault(os.path.realpath(entry.path), path / entry.name)
    return list(chosen.values()), problems
