"""Reading YAML safely while keeping the place of every value.

Routine and library files are read here into a small tree of :class:`Scalar`, :class:`Seq` and
:class:`Map` values, each carrying the :class:`~voicecoach.errors.SourcePos` it was written at, so
that every later complaint can point at the exact key or value. Only YAML's safe subset is used:
nodes are composed by :class:`yaml.SafeLoader` and converted here, never constructed by PyYAML.

What YAML itself allows but a routine file must not do is refused here, each as a located
:class:`~voicecoach.errors.Problem`: a file over 1 MiB, bytes that are not UTF-8, duplicate keys,
keys that are lists or mappings, tags other than YAML's plain ones, nesting deeper than
:data:`MAX_DEPTH`, and aliases that expand to more than :data:`MAX_ALIAS_NODES` values (the
"billion laughs" attack, which is refused in a fraction of a second), more than
:data:`MAX_VALUES` values in all or :data:`MAX_ITEMS` in one list or mapping, and anything but a
regular file (a FIFO or a device would block or never end). Anchors, aliases and merge keys
(``<<: *common``) are otherwise supported.

YAML syntax errors are told in a routine author's words, with what to do: an indentation that
does not line up, a tab, a colon inside an unquoted text, a missing space after a colon, an
unclosed quote or bracket, a second document.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import yaml

from voicecoach.errors import Problem, RoutineError, SourcePos

#: The largest file read, in bytes.
MAX_FILE_BYTES = 1 << 20
#: How many values aliases may add to a file in all, once expanded.
MAX_ALIAS_NODES = 20_000
#: How deeply lists and mappings may nest, aliases expanded.
MAX_DEPTH = 50
#: How many values (texts, numbers, lists, mappings, keys included) a file may hold in all.
MAX_VALUES = 20_000
#: How many items one list, or entries one mapping, may hold.
MAX_ITEMS = 1_000
#: How many characters of a value a message quotes.
EXCERPT_CHARS = 40
#: How many characters of a path a message quotes.
PATH_CHARS = 300

_TAG = "tag:yaml.org,2002:"
_STR_TAGS = frozenset(_TAG + t for t in ("str", "timestamp", "value"))


@dataclass(frozen=True)
class Scalar:
    """A single value: text, a number, a boolean or nothing (``null``)."""

    value: str | int | float | bool | None
    #: The value as written (for strings, the string itself).
    text: str
    pos: SourcePos


@dataclass(frozen=True)
class Seq:
    """A list."""

    items: tuple[Node, ...]
    pos: SourcePos


@dataclass(frozen=True)
class Map:
    """A mapping, in file order; its keys are distinct and always scalars."""

    entries: tuple[tuple[Scalar, Node], ...]
    pos: SourcePos

    def get(self, key: str) -> Node | None:
        """The value of `key`, or None when the mapping does not have it."""
        for k, v in self.entries:
            if k.text == key:
                return v
        return None

    def __contains__(self, key: object) -> bool:
        return any(k.text == key for k, _ in self.entries)

    def keys(self) -> tuple[str, ...]:
        """The keys, in file order."""
        return tuple(k.text for k, _ in self.entries)


Node = Scalar | Seq | Map


def describe(node: Node) -> str:
    """How a value is named in a message ("got ..."): as written, strings quoted."""
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    if isinstance(node.value, str):
        text = excerpt(node.value)
        return json.dumps(text, ensure_ascii=not text.isprintable())
    if node.value is None and node.text in ("", "~"):
        return "nothing"
    return excerpt(node.text)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """`text` as a message quotes it: whole when short, else its start and its length."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 3]}... ({len(text):,} characters)"


def quote(text: str, *, limit: int = EXCERPT_CHARS) -> str:
    """Text written by the author as messages show it: in single quotes (an excerpt when it is
    long), or escaped as JSON when it holds characters that cannot be shown (a line break in a
    key, say)."""
    text = excerpt(text, limit)
    return f"'{text}'" if text.isprintable() else json.dumps(text)


def is_number(node: Node | None) -> bool:
    """Whether a value is an int or float as YAML reads it (booleans are not numbers)."""
    if not isinstance(node, Scalar) or isinstance(node.value, bool):
        return False
    return isinstance(node.value, int) or (
        isinstance(node.value, float) and math.isfinite(node.value)
    )


def read_source_file(path: Path, *, filename: str, kind: str) -> str:
    """The text of a file, or a RoutineError if it is too big or not UTF-8.

    Raises OSError if the file cannot be read, :class:`NotRegularFile` if it is a FIFO, a device
    or anything else but a regular file. A file too big is refused before it is read.
    """
    return decode_source(
        read_regular_file(path, MAX_FILE_BYTES, filename=filename, kind=kind),
        filename=filename,
        kind=kind,
    )


class NotRegularFile(OSError):
    """A path that names a FIFO, a device, a socket or a folder instead of a regular file."""


def read_regular_file(path: Path, limit: int, *, filename: str, kind: str) -> bytes:
    """At most `limit` bytes of a regular file; a bigger file is a RoutineError.

    The file is opened without blocking, so a FIFO or a device is refused at once rather than
    waited on (:class:`NotRegularFile`); reads never block either (a file of /proc that would
    wait for data raises BlockingIOError).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    with open(fd, "rb", buffering=0, closefd=True) as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(_kind_of_file(info.st_mode))
        if info.st_size > limit:
            raise _too_big(info.st_size, filename, kind)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = f.read(limit + 1 - size)
            if chunk is None:  # a special file that would block
                raise BlockingIOError(errno.EAGAIN, "no data to read")
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    return b"".join(chunks)


def _kind_of_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "it is a folder"
    if stat.S_ISFIFO(mode):
        return "it is a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a regular file"
    return "it is not a regular file"


def read_error(exc: OSError | ValueError) -> str:
    """Why a file could not be read, in a few words."""
    if isinstance(exc, ValueError):
        return "the path holds a character no file name can have"
    if isinstance(exc, NotRegularFile):
        return str(exc)
    if isinstance(exc, BlockingIOError):
        return "it has no data to read yet (a special file?), not a regular file"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "it is a folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or type(exc).__name__


def decode_source(data: bytes | str, *, filename: str, kind: str) -> str:
    """The text of a file's contents, or a RoutineError if it is too big or not UTF-8.

    `kind` names the files in the size message ("routine", "library").
    """
    size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
    if size > MAX_FILE_BYTES:
        raise _too_big(size, filename, kind)
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[: exc.start].decode("utf-8")
            line, column = _locate(before, len(before))
            byte = data[exc.start]
            raise RoutineError(
                [
                    Problem(
                        SourcePos(filename, line, column),
                        f"file is not UTF-8 (byte 0x{byte:02x} here); save it as UTF-8",
                    )
                ]
            ) from None
    return text.removeprefix("\ufeff")


def _too_big(size: int, filename: str, kind: str) -> RoutineError:
    mib = size / MAX_FILE_BYTES
    shown = f"{mib:.1f} MiB" if round(mib, 1) > 1 else f"{size:,} bytes"
    return RoutineError(
        [Problem(SourcePos(filename, 1, 1), f"file is {shown}; {kind} files are at most 1 MiB")]
    )


def parse_yaml(text: str, *, filename: str) -> tuple[Node | None, tuple[Problem, ...]]:
    """The value tree of a YAML document and the problems found reading it.

    The tree is None for an empty document (comments only) and when reading had to stop;
    in the second case the problems say why.

    A file is read with libyaml's parser when PyYAML has it (about ten times faster: most of a
    dry run's time was reading the exercise library). Any problem sends the file through the
    pure-Python reader again, so that every message, and where it points, is the same with or
    without libyaml.
    """
    if _FastLoader is not None and not _NON_PRINTABLE.search(text):
        try:
            tree, problems = _read(_FastLoader(text), text, filename)
        except (yaml.YAMLError, _StopReading):
            pass
        else:
            if not problems:
                return tree, problems
    try:
        loader = _MarkedLoader(text)
    except yaml.reader.ReaderError as exc:
        return None, (_reader_problem(exc, text, filename),)
    try:
        return _read(loader, text, filename)
    except _StopReading as exc:
        return None, (Problem(_pos(filename, exc.mark), exc.message),)
    except yaml.reader.ReaderError as exc:
        return None, (_reader_problem(exc, text, filename),)
    except yaml.MarkedYAMLError as exc:
        return None, (_syntax_problem(exc, filename, text),)


def _read(loader: _Bounded, text: str, filename: str) -> tuple[Node | None, tuple[Problem, ...]]:
    """Compose and convert one document; YAML errors and a stop while composing propagate."""
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    if root is None:
        return None, ()
    converter = _Converter(loader, filename)
    try:
        tree = converter.convert(root)
    except _StopReading as exc:
        return None, (*converter.problems, Problem(_pos(filename, exc.mark), exc.message))
    return tree, tuple(converter.problems)


# --- composing ------------------------------------------------------------------------------


class _Mark(Protocol):
    """A place in the YAML text, as PyYAML's marks give it (0-based)."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


class _StopReading(Exception):
    """A problem after which the file cannot be read any further."""

    def __init__(self, mark: _Mark | None, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _AliasNode(yaml.Node):
    """An alias where it was written, pointing at the anchored node (PyYAML drops the former)."""

    id = "alias"

    def __init__(self, target: yaml.Node, anchor: str, mark: _Mark | None) -> None:
        super().__init__(target.tag, target, None, None)
        self.anchor = anchor
        self.alias_mark = mark


if TYPE_CHECKING:
    _Composer = yaml.SafeLoader
else:
    _Composer = yaml.composer.Composer


class _Bounded(_Composer):
    """Composing that keeps aliases as nodes and refuses very deep nesting and huge files."""

    _depth = 0
    _values = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        self._values += 1
        if self._values > MAX_VALUES:
            raise _StopReading(
                event.start_mark,
                f"the file holds more than {MAX_VALUES:,} values; a routine or library is "
                "far smaller (is this the right file?)",
            )
        if isinstance(parent, yaml.SequenceNode) and len(parent.value) >= MAX_ITEMS:
            raise _StopReading(
                event.start_mark, f"a list of more than {MAX_ITEMS:,} items; at most {MAX_ITEMS:,}"
            )
        if (
            isinstance(parent, yaml.MappingNode)
            and index is None
            and len(parent.value) >= MAX_ITEMS
        ):
            raise _StopReading(
                event.start_mark,
                f"a mapping of more than {MAX_ITEMS:,} keys; at most {MAX_ITEMS:,}",
            )
        if isinstance(event, yaml.AliasEvent):
            self.get_event()  # type: ignore[no-untyped-call]
            anchor = str(event.anchor)
            if anchor not in self.anchors:
                raise _StopReading(
                    event.start_mark,
                    f"alias '*{anchor}' has no anchor '&{anchor}' before it",
                )
            return _AliasNode(self.anchors[anchor], anchor, event.start_mark)
        if isinstance(event, yaml.NodeEvent) and event.anchor in self.anchors:
            # YAML 1.2 lets an anchor be defined again; later aliases mean the newer one.
            del self.anchors[event.anchor]
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _StopReading(
                event.start_mark, f"lists and mappings nest more than {MAX_DEPTH} levels deep"
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _MarkedLoader(_Bounded, yaml.SafeLoader):
    """The safe loader, pure Python: it reads anything, and says best what is wrong."""


def _c_loader_init(self: _Bounded, stream: str) -> None:
    _CParser.__init__(self, stream)
    yaml.composer.Composer.__init__(self)
    yaml.constructor.SafeConstructor.__init__(self)
    yaml.resolver.Resolver.__init__(self)


#: libyaml's parser under the same composing rules (only the events come from C), when PyYAML
#: was built with libyaml.
_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)
_FastLoader: type[_Bounded] | None = None
if _CParser is not None:
    _FastLoader = cast(
        "type[_Bounded]",
        type(
            "_CLoader",
            (_Bounded, _CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver),
            {"__init__": _c_loader_init},
        ),
    )

#: What YAML's pure-Python reader refuses; such a file always takes the pure-Python path.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


# --- converting -----------------------------------------------------------------------------


class _Converter:
    """Turns composed nodes into the located value tree, expanding aliases within bounds."""

    def __init__(self, loader: _Bounded, filename: str) -> None:
        self.loader = loader
        self.filename = filename
        self.problems: list[Problem] = []
        self.expanded = 0
        self.aliases: list[_AliasNode] = []
        self.active: set[int] = set()

    def pos(self, node: yaml.Node) -> SourcePos:
        return _pos(self.filename, node.start_mark)

    def convert(self, node: yaml.Node) -> Node:
        if isinstance(node, _AliasNode):
            target: yaml.Node = node.value
            if id(target) in self.active:
                raise _StopReading(
                    node.alias_mark,
                    f"alias '*{node.anchor}' is inside the value it refers to; "
                    "a routine cannot contain itself",
                )
            self.aliases.append(node)
            try:
                return self.convert(target)
            finally:
                self.aliases.pop()
        if self.aliases:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_NODES:
                raise _StopReading(
                    self.aliases[0].alias_mark,
                    f"alias expansion too large (alias bomb?): aliases add more than "
                    f"{MAX_ALIAS_NODES:,} values",
                )
        if len(self.active) >= MAX_DEPTH:
            raise _StopReading(
                node.start_mark, f"lists and mappings nest more than {MAX_DEPTH} levels deep"
            )
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node)
            if isinstance(node, yaml.SequenceNode):
                self.check_tag(node, _TAG + "seq")
                return Seq(tuple(self.convert(n) for n in node.value), self.pos(node))
            assert isinstance(node, yaml.ScalarNode)
            return self.scalar(node)
        finally:
            self.active.discard(id(node))

    def check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            self.problems.append(Problem(self.pos(node), _tag_message(node.tag)))

    def scalar(self, node: yaml.ScalarNode) -> Scalar:
        tag, text = node.tag, str(node.value)
        value: str | int | float | bool | None = text
        try:
            if tag == _TAG + "null":
                value = None
            elif tag == _TAG + "bool":
                value = self.loader.construct_yaml_bool(node)
            elif tag == _TAG + "int":
                value = self.loader.construct_yaml_int(node)
            elif tag == _TAG + "float":
                value = self.loader.construct_yaml_float(node)
            elif tag not in _STR_TAGS:
                self.problems.append(Problem(self.pos(node), _tag_message(tag)))
        except (ValueError, KeyError, IndexError):
            short = _short_tag(tag)
            self.problems.append(
                Problem(self.pos(node), f"{json.dumps(excerpt(text))} is not a {short}")
            )
        return Scalar(value, text, self.pos(node))

    def mapping(self, node: yaml.MappingNode) -> Map:
        self.check_tag(node, _TAG + "map")
        entries: list[tuple[Scalar, Node]] = []
        seen: dict[str, Scalar] = {}
        merged: list[tuple[Scalar, Node]] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _TAG + "merge":
                merged.extend(self.merge_sources(key_node, value_node))
                continue
            key = self.convert(key_node)
            if not isinstance(key, Scalar):
                self.problems.append(
                    Problem(key.pos, f"a key must be plain text, not {describe(key)}")
                )
                continue
            first = seen.get(key.text)
            if first is not None:
                where = _where(first.pos, key.pos)
                self.problems.append(
                    Problem(key.pos, f"duplicate key {quote(key.text)}; it is already set {where}")
                )
                continue
            seen[key.text] = key
            entries.append((key, self.convert(value_node)))
        for key, value in merged:
            if key.text not in seen:
                seen[key.text] = key
                entries.append((key, value))
        return Map(tuple(entries), self.pos(node))

    def merge_sources(
        self, key_node: yaml.Node, value_node: yaml.Node
    ) -> list[tuple[Scalar, Node]]:
        value = self.convert(value_node)
        sources = value.items if isinstance(value, Seq) else (value,)
        out: list[tuple[Scalar, Node]] = []
        for source in sources:
            if isinstance(source, Map):
                out.extend(source.entries)
            else:
                self.problems.append(
                    Problem(
                        source.pos,
                        f"'<<' merges a mapping or a list of mappings, got {describe(source)}",
                    )
                )
        return out


# --- messages -------------------------------------------------------------------------------


def _pos(filename: str, mark: _Mark | None) -> SourcePos:
    if mark is None:
        return SourcePos(filename, 1, 1)
    return SourcePos(filename, mark.line + 1, mark.column + 1)


def _where(first: SourcePos, here: SourcePos) -> str:
    if first.file == here.file:
        return f"at line {first.line}, column {first.column}"
    return f"at {first}"


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _tag_message(tag: str) -> str:
    return f"tag '{_short_tag(tag)}' is not supported; write plain YAML values without tags"


def _locate(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `text[index]`, counting line breaks as YAML does."""
    line, start = 1, 0
    i = 0
    while i < index:
        ch = text[i]
        if ch in "\n\x85\u2028\u2029" or (ch == "\r" and text[i + 1 : i + 2] != "\n"):
            line, start = line + 1, i + 1
        i += 1
    return line, index - start + 1


def _reader_problem(exc: yaml.reader.ReaderError, text: str, filename: str) -> Problem:
    line, column = _locate(text, min(exc.position, len(text)))
    char = exc.character
    code = char if isinstance(char, int) else ord(char) if isinstance(char, str) else 0
    return Problem(
        SourcePos(filename, line, column),
        f"character U+{code:04X} is not allowed in a YAML file",
    )


_NO_SPACE_AFTER_COLON = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):(?=[^\s:/])")
_FLOW_OPENERS = {"flow sequence": ("[", "]", "list"), "flow mapping": ("{", "}", "mapping")}


def _syntax_problem(exc: yaml.MarkedYAMLError, filename: str, text: str) -> Problem:
    """A YAML syntax error, told in a routine author's words with what to do."""
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines()
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    friendly = _friendly_syntax(exc, problem, context, lines, filename)
    if friendly is not None:
        return friendly
    if not context:
        message = f"YAML syntax error: {problem}"
    elif problem.startswith("but "):
        message = f"YAML syntax error: {context}, {problem}"
    else:
        where = ""
        if exc.context_mark is not None and exc.context_mark is not mark:
            where = f" at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
        message = f"YAML syntax error {context}{where}: {problem}"
    return Problem(_pos(filename, mark), message)


def _friendly_syntax(
    exc: yaml.MarkedYAMLError, problem: str, context: str, lines: list[str], filename: str
) -> Problem | None:
    mark, start = exc.problem_mark, exc.context_mark
    if mark is None:
        return None
    here = _pos(filename, mark)
    line = lines[mark.line] if mark.line < len(lines) else ""
    # A key written without a space after its colon ("reps:5") is read as text, so YAML
    # complains a line or two later: look back for it first.
    first = start.line if start is not None else max(0, mark.line - 3)
    for number in range(mark.line, first - 1, -1):
        found = _NO_SPACE_AFTER_COLON.match(lines[number]) if number < len(lines) else None
        if found and ("mapping values" in problem or "could not find expected" in problem):
            key = found.group(1)
            return Problem(
                SourcePos(filename, number + 1, found.end(1) + 1),
                f"put a space after the colon of '{key}:' (YAML reads '{key}:...' without "
                "one as plain text, not as a key and a value)",
            )
    if "found character '\\t'" in problem:
        return Problem(
            here,
            "a tab character; YAML indents with spaces only: replace the tab with spaces",
        )
    if "mapping values are not allowed" in problem:
        before = line[: mark.column]
        if ": " in before or before.rstrip().endswith(":"):
            return Problem(
                here,
                "a colon followed by a space inside a text; put the whole text in quotes, "
                'like name: "Back day: the hard one"',
            )
        return Problem(
            here,
            "this key is not lined up with the keys above it; indent the keys of one exercise "
            "(or one mapping) to the same column, with spaces",
        )
    if "expected <block end>" in problem and start is not None:
        return Problem(
            here,
            f"the indentation does not line up with the list or mapping that starts at line "
            f"{start.line + 1}, column {start.column + 1}; indent items of one list (and keys "
            "of one mapping) to the same column, with spaces",
        )
    if "quoted scalar" in context and "end of stream" in problem and start is not None:
        quote_char = lines[start.line][start.column] if start.line < len(lines) else '"'
        return Problem(
            _pos(filename, start),
            f"the text opened with {quote_char} here is never closed; end it with another "
            f"{quote_char} on the same line",
        )
    if "could not find expected ':'" in problem and start is not None:
        return Problem(
            _pos(filename, start),
            "a key here has no ':' after it; a key is one line of at most 1024 characters, "
            "followed by ': ' and its value",
        )
    for kind, (opener, closer, what) in _FLOW_OPENERS.items():
        if kind in context and start is not None:
            return Problem(
                _pos(filename, start),
                f"the {what} opened with '{opener}' here is not closed where expected; "
                f"separate its items with ',' and end it with '{closer}'",
            )
    if "single document" in context or "<document start>" in problem:
        return Problem(
            here,
            "a second YAML document ('---' or text after '...'); a routine file holds one "
            "document: remove this part or put it in a file of its own",
        )
    return None
