"""Shell completion of values that come from the scenario being typed: the addresses `--set` may change
and the options `--option` may compare; and how bash is given them, quoted. Run only when the shell asks;
like every command module it imports only typer at module level, so start-up stays quick."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import typer

# The parameters of the commands that name scenario files, the first of which completion reads.
FILE_PARAMETERS = ("scenario", "scenarios", "files")
# Keys that name or describe rather than model: not offered to --set.
PROSE = (".name", ".note", ".description")


def _data(ctx: typer.Context) -> Any:
    """The data of the first scenario file given before the word being completed (with any file it
    extends), or None when there is none or it cannot be read."""
    from barnetmodel.errors import ScenarioError
    from barnetmodel.scenario.extends import resolve

    given = [ctx.params.get(name) for name in FILE_PARAMETERS]
    files = [f for g in given for f in (g if isinstance(g, (list, tuple)) else [g]) if isinstance(f, str)]
    # While an option's value is being completed, the words before it are not yet parameters: still in args.
    files += [word for word in ctx.args if not word.startswith("-")]
    if not files:
        return None
    try:
        return resolve(files[0])[0].data
    except (ScenarioError, OSError):
        return None


def addresses(data: Any) -> Iterator[str]:
    """The address of every value in a scenario's data: lines, risks and targets by name, a distribution
    as one value (its whole), other lists by position."""
    from barnetmodel.scenario.address import Index, Part, format_address

    distributions = {"triangular", "pert", "uniform", "normal", "lognormal", "choice"}

    def walk(node: Any, parts: list[Part]) -> Iterator[str]:
        if isinstance(node, dict) and not (len(node) == 1 and next(iter(node)) in distributions):
            for key, value in node.items():
                yield from walk(value, [*parts, str(key)])
        elif isinstance(node, list) and node and all(isinstance(item, (dict, list)) for item in node):
            for position, item in enumerate(node):
                name = item.get("name") if isinstance(item, dict) else None
                yield from walk(item, [*parts, name if isinstance(name, str) else Index(position)])
        elif parts:
            yield format_address(parts)

    return walk(data, [])


def settings(ctx: typer.Context, incomplete: str) -> list[str]:
    """`--set`: the scenario's addresses that start with what is typed, each followed by '='."""
    data = _data(ctx)
    if data is None:
        return []
    found = [address for address in addresses(data) if address.startswith(incomplete)]
    # A shell reads one candidate a line, and fish a tab as the start of its description: an address holding
    # either would come back in pieces.
    typable = [address for address in found if not any(c in address for c in "\n\t")]
    return [f"{address}=" for address in typable if not address.endswith(PROSE) and _offered(address)]


def options(ctx: typer.Context, incomplete: str) -> list[str]:
    """`--option`: the scenario's options other than its baseline."""
    data = _data(ctx)
    if not isinstance(data, dict) or not isinstance(data.get("options"), dict):
        return []
    baseline = data.get("baseline")
    names = [str(name) for name in data["options"] if name != baseline and str(name).startswith(incomplete)]
    return [name for name in names if _offered(name)]


def _offered(word: str) -> bool:
    """Whether a word may be offered: not one holding a control or bidirectional formatting character
    (U+202E), which would reorder the list the shell shows ("Trojan Source"), and, shown as an escape
    (\\u202e), would be inserted as a name the file does not have."""
    from barnetmodel.errors import printable

    return printable(word, one_line=True) == word


# Typer's bash script, and after its reply: when the one candidate is an address and its '=', no space is
# added, so the value typed next is part of the same word (`--set money.inflation=0.03`, not `... 0.03`).
BASH_SCRIPT = """
%(complete_func)s() {
    local IFS=$'\\n'
    COMPREPLY=( $( env COMP_WORDS="${COMP_WORDS[*]}" \\
                   COMP_CWORD=$COMP_CWORD \\
                   %(autocomplete_var)s=complete_bash $1 ) )
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
        compopt -o nospace
    fi
    return 0
}

complete -o default -F %(complete_func)s %(prog_name)s
"""


def open_quote(line: str) -> str | None:
    """The quote (' or ") the last word of `line`, a command line as bash gives it, opens and does not
    close; None when it has none."""
    import shlex

    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split, lexer.commenters = True, ""
    try:
        for _ in lexer:
            pass
    except ValueError:  # the line ends inside a quote (or after a backslash): shlex holds which in its state
        state = getattr(lexer, "state", None)  # not in the typed stubs
        return state if state in ("'", '"') else None
    return None


def bash_word(value: str, line: str) -> str:
    """`value`, a candidate, as bash is to insert it in place of the last word of `line`. Bash inserts it
    as given: bare, an address's spaces would split it into words, and the shell would take the quotes it
    holds. So it is quoted as a shell word, '=' left outside for the value to follow: in single quotes, or
    in double quotes when it holds a single quote (written '\\'' in single quotes, that quote would leave
    bash reading the rest of the line as in a new one). When the word typed opens a quote, the candidate
    is written as inside that quote, which bash keeps, and closes."""
    import re
    import shlex

    def escaped(text: str) -> str:  # as inside double quotes
        return re.sub(r'(["\\\\$`])', r"\\\1", text)

    quote = open_quote(line)
    if quote == "'":
        return value.replace("'", "'\\''")
    if quote == '"':
        return escaped(value)
    address, equals = (value[:-1], "=") if value.endswith("=") and len(value) > 1 else (value, "")
    return (f'"{escaped(address)}"' if "'" in address else shlex.quote(address)) + equals


def bash_quotes_what_it_offers() -> None:
    """Make Typer's bash completion quote each candidate (bash_word) and leave no space after an address's
    '=' (BASH_SCRIPT): Typer gives bash the candidates bare, and its script adds a space after one. Zsh
    and fish quote what they insert themselves. Left as it is if Typer has moved what this changes."""
    from typer import _completion_classes, _completion_shared

    bash = getattr(_completion_classes, "BashComplete", None)
    scripts = getattr(_completion_shared, "_completion_scripts", None)
    if bash is None or not isinstance(scripts, dict) or "bash" not in scripts:
        return

    def format_completion(self: Any, item: Any) -> str:
        return bash_word(item.value, os.environ.get("COMP_WORDS", ""))

    bash.format_completion = format_completion
    bash.source_template = scripts["bash"] = BASH_SCRIPT
