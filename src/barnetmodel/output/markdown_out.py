"""Markdown: the same tables as the terminal, for people who publish in Markdown."""

from __future__ import annotations

from typing import Any

from barnetmodel.output.views import View, all_views, header


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(view: View) -> list[str]:
    """A view as a Markdown section: heading, table, note."""
    out = [f"## {view.title}", ""]
    out.append("| " + " | ".join(_cell(c) for c in view.columns) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(view.columns) - 1)) + "|")
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in view.rows]
    if view.note:
        out += ["", view.note]
    out.append("")
    return out


def render(results: dict[str, Any]) -> str:
    lines = header(results)
    out = [f"# {_cell(lines[0])}", "", *(f"{_cell(line)}  " for line in lines[1:]), ""]
    for view in all_views(results):
        out += table(view)
    return "\n".join(out)
