"""Optional dependencies: the `report` extra (charts, HTML report, workbook) and a clear message without it."""

from __future__ import annotations

import importlib

INSTALL_HINT = "pip install 'barnetmodel[report]'"


class MissingExtra(Exception):
    """A command needs a package of an optional extra that is not installed."""


def require(command: str, *modules: str) -> None:
    """Import `modules`, or raise MissingExtra naming the ones missing and how to install them."""
    missing = []
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        names = " and ".join(missing)
        verb = "is" if len(missing) == 1 else "are"
        raise MissingExtra(
            f"{command} needs {names}, which {verb} not installed; install the report extra: {INSTALL_HINT}"
        )
