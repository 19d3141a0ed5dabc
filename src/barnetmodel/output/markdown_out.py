"""Markdown: the same tables as the terminal, for people who publish in Markdown."""

from __future__ import annotations

from typing import Any

from barnetmodel.output.views import all_views, header


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(results: dict[str, Any]) -> str:
    lines = header(results)
    out = [f"# {_cell(lines[0])}", "", *(f"{_cell(line)}  " for line in lines[1:]), ""]
    for view in all_views(results):
        out += [f"## {view.title}", ""]
        out.append("| " + " | ".join(_cell(c) for c in view.columns) + " |")
        out.append("|" + "|".join(["---"] + ["---:"] * (len(view.columns) - 1)) + "|")
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in view.rows]
        if view.note:
            out += ["", view.note]
        out.append("")
    return "\n".join(out)
