"""Helpers for the payments tests: the stored fixtures, and payment files written on the fly.

(Not a conftest.py: tests/conftest.py is imported by name as `conftest`, and a second one
here would take its place.)
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Write a payments file (text in an encoding, or bytes as they are) and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path
