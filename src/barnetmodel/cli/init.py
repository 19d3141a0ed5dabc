"""`barnetmodel init [FILE]`: a commented starter scenario from a template, so nobody starts from a blank page."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from barnetmodel.cli.shared import Choice, emit, fail, say


class Template(StrEnum):
    payroll = "payroll"
    one_barnet = "one-barnet"


TEMPLATES = Choice(Template)


def init(
    file: Annotated[
        str, typer.Argument(help="The scenario file to write.", show_default=True, metavar="FILE")
    ] = "scenario.yaml",
    template: Annotated[
        Template,
        typer.Option(
            "--template",
            "-t",
            help="payroll: the README's small example; one-barnet: a fuller case, with ranges, risks, "
            "optimism bias and correlated draws.",
            parser=TEMPLATES.parse,
            metavar=TEMPLATES.metavar,
            autocompletion=TEMPLATES.complete,
        ),
    ] = Template.payroll,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if there is one.")] = False,
) -> None:
    """Write a commented starter scenario to FILE (scenario.yaml), from a template: change it, then run it."""
    import os
    import shlex
    from importlib.resources import files

    if os.path.isdir(file):  # which --force would not replace either
        raise fail(
            f"{file}: is a directory; give the name of the file to write, e.g. {os.path.join(file, 'scenario.yaml')}"
        )
    if os.path.lexists(file) and not force:
        raise fail(f"{file}: there is a file there already; choose another name, or --force to replace it")
    text = (files("barnetmodel") / "templates" / f"{template.value.replace('-', '_')}.yaml").read_text("utf-8")
    emit(_named(text, file), file)
    if file != "-":  # written to standard output, the scenario is all it prints
        # As a shell takes it when pasted: quoted (a space, a quote), and after -- if a command would take it
        # for an option.
        named = ("-- " if file.startswith("-") else "") + shlex.quote(file)
        say(f"{file}: a starter scenario ({template.value}). Check it with `barnetmodel validate {named}`,")
        say(f"then `barnetmodel run {named}`.")


def _named(text: str, file: str) -> str:
    """The template with its header's commands (`barnetmodel run scenario.yaml`) naming the file written, as
    typed, when it is a plain name a shell and a YAML comment take as it is (letters, digits, _ . / -; not
    starting with -, which a command would take for an option);
    else, and on standard output, as the template has it. The columns after the name stay aligned."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9_./][A-Za-z0-9_./-]*", file):  # not '-', nor '-x.yaml', an option to a shell
        return text

    def renamed(found: re.Match[str]) -> str:
        return file + " " * max(1, len(found[0]) - len(file))

    header, _, body = text.partition("\n\n")
    return re.sub(r"scenario\.yaml *", renamed, header) + "\n\n" + body
