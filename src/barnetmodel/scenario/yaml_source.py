"""Read a YAML file safely into plain data, remembering where every key and value was written."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any, TypeVar

import yaml

from barnetmodel import limits
from barnetmodel.errors import NOT_TEXT, Path, Problem, ScenarioError

T = TypeVar("T")

# Limits that keep hostile files (alias bombs, deep nesting, huge files) cheap to refuse (limits.py says
# why each is what it is). Module names of their own, so that tests can lower them.
MAX_FILE_BYTES = limits.MAX_FILE_BYTES
MAX_NODES = limits.MAX_VALUES
MAX_DEPTH = limits.MAX_DEPTH
# Byte order marks of encodings other than UTF-8, longest first (UTF-32 LE starts like UTF-16 LE).
OTHER_ENCODINGS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


@dataclass
class Source:
    """A parsed YAML document and the position (1-based line, column) of each part of it."""

    file: str
    data: Any
    text: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # The file each position is in, where it is not `file` (a value from a file it extends, or
    # from the command line, which has no line: (0, 0)).
    origins: dict[Path, str] = field(default_factory=dict)
    # Where each value's text starts and ends in `text` (character offsets), to rewrite it in place.
    spans: dict[Path, tuple[int, int]] = field(default_factory=dict)
    size: int = 0  # values read, aliases expanded: a chain of extends counts them together
    bom: bool = False  # the file started with a UTF-8 byte order mark (`test --update` keeps it)
    # Items merging files (extends) added whose name is a slip of another's, for extends.near_names to judge on
    # the data as it ends up: (the list's path, the name, the other name,
    # and where the slip was written: (file, line, column)).
    merge_warnings: list[tuple[Path, str, str, tuple[str, int | None, int | None]]] = field(default_factory=list)
    # Keys in a `{...}` mapping written without a value, after text (`{note: print, post, systems}`): most
    # likely the rest of a text an unquoted comma cut.
    cut_by_comma: set[Path] = field(default_factory=set)
    # Values written as a word YAML 1.1 reads as true or false (yes, no, on, off), by path: the word, so that
    # where text is wanted the message can say to quote it.
    words: dict[Path, str] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> tuple[Path, tuple[int, int]] | None:
        """The path and position of the value at `path`, or of its key; else of the nearest enclosing value."""
        if key and path in self.keys:
            return path, self.keys[path]
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return path[:end], self.values[path[:end]]
        return None

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        found = self.locate(path, key=key)
        if found is None:
            return Problem(self.file, message, path)
        where, (line, column) = found
        file = self.origins.get(where, self.file)
        return Problem(file, message, path, line or None, column or None)


def _position(mark: yaml.Mark | None) -> tuple[int, int] | None:
    return (mark.line + 1, mark.column + 1) if mark is not None else None


# PyYAML's words for the mistakes people make most (an indent off by a space, a tab, a value holding ': '), and
# what to look at, in words a user of the file knows.
_INDENT = "keys of one mapping line up, and so do the items ('- ') of one list, indented with spaces"
_LINE_UP = f"; this line does not line up with the lines above it ({_INDENT})"
# Each: the words that must all be in PyYAML's message, and the hint.
HINTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("mapping values are not allowed here",),
        f"; YAML read this key as part of the value before it: check this line's indentation against the lines "
        f"above ({_INDENT}), or put a value that holds ': ' in quotes",
    ),
    (("found character '\\t' that cannot start any token",), "; indent with spaces: YAML allows no tab there"),
    (("expected <block end>", "but found '<block"), _LINE_UP),  # a key or list item a space too far in or out
    (("expected <block end>", "but found '?'"), _LINE_UP),
    (
        ("could not find expected ':'",),
        f"; a key without its ':', or a line not lined up with the lines above ({_INDENT})",
    ),
)


def _hint(message: str) -> str:
    """What to look at, for a PyYAML message that names a common mistake (all its words in it); else nothing."""
    return next((hint for words, hint in HINTS if all(word in message for word in words)), "")


def _fail(file: str, message: str, mark: yaml.Mark | None = None, path: Path = ()) -> ScenarioError:
    where = _position(mark)
    line, column = where if where else (None, None)
    return ScenarioError([Problem(file, message, path, line, column)])


class _Refused(ScenarioError):
    """A limit reached (too many values, nested too deep): said alike whichever parser reached it, so a hostile
    file is read once, not again by the Python parser."""


def _refuse(file: str, message: str, mark: yaml.Mark | None = None) -> _Refused:
    return _Refused(_fail(file, message, mark).problems)


# Every file the command in hand has read (scenarios, the files they extend, test files): an
# output is never written over one of them. The CLI empties it when a command starts.
FILES_READ: set[str] = set()


# What a path is when it is not a regular file: a scenario or test file is read from regular files only,
# so a device (/dev/zero), a FIFO or standard input (/dev/stdin) is never read without end.
NOT_A_FILE = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def read_bytes(file: str, limit: int) -> bytes:
    """At most `limit` bytes of a regular file; a clear error for anything else or anything longer.

    The file is opened without blocking (a FIFO with no writer would wait for ever) and its kind checked
    on the open file, and what is read is counted: the size a file reports is not trusted (files under
    /proc say 0 bytes), so no read goes past limit + 1 bytes."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(file, flags)
    except FileNotFoundError:
        raise _fail(file, "no such file") from None
    except PermissionError:
        raise _fail(file, "permission denied") from None
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket cannot be opened as a file
            raise _fail(file, "is a socket, not a file: scenario files are read from regular files only") from None
        raise _fail(file, f"cannot read: {error.strerror or error}") from None
    try:
        status = os.fstat(handle)
        mode = status.st_mode
        if stat.S_ISDIR(mode):
            raise _fail(file, "is a directory, not a scenario file")
        kind = next((name for test, name in NOT_A_FILE if test(mode)), None)
        if kind is not None or not stat.S_ISREG(mode):
            what = kind or "not a regular file"
            raise _fail(file, f"is {what}, not a file: scenario files are read from regular files only")
        if status.st_size > limit:
            raise _fail(file, f"file is {status.st_size:,} bytes; scenario files are limited to {limit:,}")
        os.set_blocking(handle, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise _fail(file, f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(handle)
    if size > limit:
        raise _fail(file, f"file is over {limit:,} bytes; scenario files are limited to {limit:,}")
    return b"".join(chunks)


def read_text(file: str) -> str:
    """The file's text, or a clear error for a missing file, a directory, a device or FIFO, a file over
    the size limit, binary or non-UTF-8 data."""
    return _read(file)[0]


def _read(file: str) -> tuple[str, bool]:
    """The file's text (read_text), and whether it started with a UTF-8 byte order mark."""
    FILES_READ.add(str(FilePath(file)))
    raw = read_bytes(file, MAX_FILE_BYTES)
    for mark, encoding in OTHER_ENCODINGS:
        if raw.startswith(mark):
            raise _fail(file, f"is {encoding} text: save the file as UTF-8")
    if b"\x00" in raw:
        raise _fail(file, "not a text file (it contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig"), raw.startswith(codecs.BOM_UTF8)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ScenarioError([Problem(file, "not UTF-8 text: save the file as UTF-8", (), line, 1)]) from None


class _Limits:
    """Enforces MAX_NODES and MAX_DEPTH while a loader composes, so a file with a million values or 100,000
    nested brackets is refused before the node tree is in memory and before Python's recursion limit is
    reached."""

    file: str
    composed: int
    depth: int

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        self.composed += 1
        if self.composed > MAX_NODES:
            raise _refuse(self.file, f"too many values (over {MAX_NODES:,})", self._next_mark())
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH + 1:  # the root is depth 1 here, depth 0 in _Builder
                raise _refuse(self.file, f"nested more than {MAX_DEPTH} levels deep", self._next_mark())
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self.depth -= 1

    def _next_mark(self) -> yaml.Mark | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        return getattr(event, "start_mark", None)


class _LimitedLoader(_Limits, yaml.SafeLoader):
    """PyYAML's safe loader, in Python, with the limits: its messages are the ones a user sees."""

    def __init__(self, text: str, file: str):
        super().__init__(text)
        self.file = file
        self.composed = 0
        self.depth = 0


# YAML 1.1, which PyYAML follows, reads 2.5e6 and 1e9 as text (it wants a dot and a signed
# exponent: 2.5e+6). Users write them as numbers, as YAML 1.2 and JSON Schema do: so do we.
FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$")
_LimitedLoader.add_implicit_resolver("tag:yaml.org,2002:float", FLOAT, list("-+0123456789."))

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _QuickLoader(
        _Limits, yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
    ):
        """The same loader with libyaml's parser (in C: a tenth of the time) under Python's composer, so the
        limits, the tags, the values and their positions are the same."""

        def __init__(self, text: str, file: str):
            CParser.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.file = file
            self.composed = 0
            self.depth = 0
            self.flow = 0  # how many [ ] or { } the node in hand is in

        def _next_mark(self) -> yaml.Mark | None:
            event = self.peek_event()
            if isinstance(event, yaml.ScalarEvent) and event.value == "" and not event.style:
                raise yaml.YAMLError("read by the Python parser")  # an empty value: libyaml places it elsewhere
            return getattr(event, "start_mark", None)

        def compose_scalar_node(self, anchor: Any) -> yaml.ScalarNode:
            node: yaml.ScalarNode = super().compose_scalar_node(anchor)
            if not node.style and (node.value == "" or (self.flow and "?" in node.value)):
                # libyaml places an empty value elsewhere, and reads a ? inside [ ] or { } as text (Python
                # as the start of a key): the Python parser reads the file
                raise yaml.YAMLError("read by the Python parser")
            return node

        def compose_sequence_node(self, anchor: Any) -> yaml.SequenceNode:
            return self._counting_flow(super().compose_sequence_node, anchor)

        def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
            return self._counting_flow(super().compose_mapping_node, anchor)

        def _counting_flow(self, compose: Callable[[Any], T], anchor: Any) -> T:
            inside = bool(getattr(self.peek_event(), "flow_style", False))
            self.flow += inside
            try:
                return compose(anchor)
            finally:
                self.flow -= inside

    _QuickLoader.add_implicit_resolver("tag:yaml.org,2002:float", FLOAT, list("-+0123456789."))
    QUICK: Callable[[str, str], Any] | None = _QuickLoader
else:
    QUICK = None

# What libyaml reads otherwise than PyYAML's Python parser (found by reading a hundred thousand altered
# scenario files with both): tabs, byte order marks, line breaks other than \n and \r\n, characters the
# Python reader refuses, a tag (!) or complex key (?) where a value or key starts, a directive (%), a
# comment straight after a block scalar's indicator (|+#). A text holding any of them is read by the
# Python parser only. (A ? or ! inside a value, as in a web address, is text to both.)
READ_OTHERWISE = re.compile(
    r"[\t\ufeff\x85\u2028\u2029]|(?:^|[\s\[\]{},])[?!]|^%|[|>][-+0-9]*#|" + yaml.reader.Reader.NON_PRINTABLE.pattern,
    re.MULTILINE,
)


def _not_text(character: str) -> str:
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate (U+{code:04X}) is not text: write the character it stands for"
    return f"the control character U+{code:04X} is not allowed in text (tab and newline are)"


# The words YAML 1.1 (which PyYAML follows) reads as true or false that people mean as text (a baseline
# called `no`); true and false themselves are meant as they are.
BOOLEAN_WORDS = {"yes", "no", "on", "off"}


def _not_a_key(word: str, key: bool | None, written: dict[Any, str]) -> str:
    """Why a key YAML reads as true, false or null is refused: no key of a scenario is one. A dict holds one of
    1 and true, so with `1` already a key, `yes` reads as its duplicate: both are named."""
    what = "nothing (null)" if key is None else str(key).lower()
    if key in written:
        return f"keys must be text; `{written[key]}` and `{word}` (read by YAML as {what}) are not: quote them"
    return f"keys must be text; `{word}` is read by YAML as {what}: write '{word}' in quotes"


class _Builder:
    """Turns a composed YAML node tree into dicts, lists and scalars, with positions."""

    def __init__(self, file: str, loader: yaml.SafeLoader, source: Source):
        self.file = file
        self.loader = loader
        self.source = source
        self.nodes = 0

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _refuse(self.file, f"too many values once aliases are expanded (over {MAX_NODES:,})")
        if depth > MAX_DEPTH:
            raise _fail(self.file, f"nested more than {MAX_DEPTH} levels deep", node.start_mark, path)
        where = _position(node.start_mark)
        if where:
            self.source.values.setdefault(path, where)
        if node.start_mark is not None and node.end_mark is not None:
            self.source.spans.setdefault(path, (node.start_mark.index, node.end_mark.index))
        if isinstance(node, yaml.MappingNode):
            self._plain(node, "tag:yaml.org,2002:map", path)
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            self._plain(node, "tag:yaml.org,2002:seq", path)
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        value = self._scalar(node, path)
        if isinstance(value, bool) and isinstance(node, yaml.ScalarNode) and node.value.lower() in BOOLEAN_WORDS:
            self.source.words[path] = node.value
        return value

    def _plain(self, node: yaml.Node, tag: str, path: Path) -> None:
        """Refuse tags such as !!python/object: a scenario holds plain data only."""
        if node.tag != tag:
            raise _fail(self.file, f"the tag '{node.tag}' is not allowed: plain data only", node.start_mark, path)

    def _scalar(self, node: yaml.Node, path: Path) -> Any:
        if node.tag not in self.loader.yaml_constructors:
            raise _fail(self.file, f"the tag '{node.tag}' is not allowed: plain data only", node.start_mark, path)
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            problem = getattr(error, "problem", None) or str(error)
            raise _fail(self.file, f"invalid YAML: {problem}", node.start_mark, path) from None
        except ValueError:
            # Python refuses to convert integers of more than 4,300 digits (sys.int_info).
            raise _fail(self.file, "this number is too long to read", node.start_mark, path) from None
        if isinstance(value, str) and (found := NOT_TEXT.search(value)):
            raise _fail(self.file, _not_text(found.group()), node.start_mark, path)
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        written: dict[Any, str] = {}  # each key as written
        after_text = False  # in { }, the entry before was text, or a key cut from it
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _fail(self.file, "YAML merge keys (<<) are not supported", key_node.start_mark, path)
            if not isinstance(key_node, yaml.ScalarNode):
                raise _fail(self.file, "a key must be a plain name", key_node.start_mark, path)
            key = self._scalar(key_node, path)
            if isinstance(key, bool) or key is None:
                raise _fail(self.file, _not_a_key(key_node.value, key, written), key_node.start_mark, path)
            written[key] = key_node.value
            if key in result:
                first = self.source.keys.get(path + (key,))
                at = f" (first written at line {first[0]})" if first else ""
                raise _fail(self.file, f"duplicate key '{key}'{at}", key_node.start_mark, path + (key,))
            key_at = _position(key_node.start_mark)
            if key_at:
                self.source.keys[path + (key,)] = key_at
            result[key] = self.build(value_node, path + (key,), depth + 1)
            bare = bool(node.flow_style) and self._without_value(key_node, value_node)
            if bare and after_text:
                self.source.cut_by_comma.add(path + (key,))
            after_text = bool(node.flow_style) and (
                (bare and after_text) or (isinstance(result[key], str) and not value_node.style)
            )
        return result

    def _without_value(self, key_node: yaml.Node, value_node: yaml.Node) -> bool:
        """A key written with no ':' and no value after it (`{a: 1, b}`)."""
        if not isinstance(value_node, yaml.ScalarNode) or value_node.value or value_node.style:
            return False
        between = self.source.text[key_node.end_mark.index : value_node.start_mark.index]
        return ":" not in between


def parse(text: str, file: str, *, hints: bool = True) -> Source:
    """Parse one YAML document; errors carry `file:line:col`. With libyaml's parser when PyYAML has it and the
    text holds nothing libyaml reads otherwise; a text libyaml finds anything wrong with is read again by the
    Python parser, whose messages and positions are the ones a user sees, as they always were. With `hints`,
    a message for a common mistake (HINTS) says what to look at; not for a one-line value (a --set's)."""
    if QUICK is not None and not READ_OTHERWISE.search(text):
        try:
            return _parse(text, file, QUICK, hints)
        except _Refused:
            raise
        except Exception:  # whatever it is, the Python parser says it (or, should libyaml be stricter, reads it)
            pass
    return _parse(text, file, _LimitedLoader, hints)


def _parse(text: str, file: str, loader_class: Callable[[str, str], Any], hints: bool = True) -> Source:
    source = Source(file=file, data=None, text=text)
    try:
        loader = loader_class(text, file)  # reads the whole text, and refuses control characters
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        message = f"the control character U+{error.character:04X} is not allowed in a YAML file"
        raise ScenarioError([Problem(file, message, (), line, column)]) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise _fail(file, "the file is empty")
        builder = _Builder(file, loader, source)
        source.data = builder.build(root, (), 0)
        source.size = builder.nodes
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(str(part) for part in (error.context, error.problem) if part)
        raise _fail(file, f"invalid YAML: {message}{_hint(message) if hints else ''}", mark) from None
    except yaml.YAMLError as error:
        raise _fail(file, f"invalid YAML: {error}") from None
    except RecursionError:
        raise _fail(file, "nested too deeply to read") from None
    finally:
        loader.dispose()
    return source


def load(file: str) -> Source:
    """Read and parse a YAML file."""
    text, bom = _read(file)
    source = parse(text, file)
    source.bom = bom
    return source
