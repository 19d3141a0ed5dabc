"""Markdown: the same tables as the terminal, for people who publish in Markdown."""

from __future__ import annotations

import html
from typing import Any

from barnetmodel.errors import printable
from barnetmodel.output.views import View, all_views, header


def text(words: str) -> str:
    """Text as Markdown shows it and no more: HTML (`<script>`, `<img onerror>`) escaped, so a page that
    publishes it runs nothing; control characters made visible; on one line."""
    return html.escape(printable(words.replace("\n", " ")), quote=False)


def _cell(words: str) -> str:
    """Text in a table cell: as `text`, and a pipe (and a backslash, which could undo that) escaped, so a cell
    stays one cell."""
    return text(words.replace("\\", "\\\\")).replace("|", "\\|")


def code(words: str) -> str:
    """Text in a code span (a file name): HTML is not read inside one; a backtick would end it."""
    return "`" + printable(words, one_line=True).replace("`", "'") + "`"


def table(view: View) -> list[str]:
    """A view as a Markdown section: heading, table, note."""
    out = [f"## {text(view.title)}", ""]
    out.append("| " + " | ".join(_cell(c) for c in view.columns) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(view.columns) - 1)) + "|")
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in view.rows]
    if view.note:
        out += ["", text(view.note)]
    out.append("")
    return out


def render(results: dict[str, Any]) -> str:
    lines = header(results)
    out = [f"# {_cell(lines[0])}", "", *(f"{_cell(line)}  " for line in lines[1:]), ""]
    for view in all_views(results):
        out += table(view)
    return "\n".join(out)
