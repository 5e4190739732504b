"""Reading YAML safely while keeping the place of every value.

Routine and library files are read here into a small tree of :class:`Scalar`, :class:`Seq` and
:class:`Map` values, each carrying the :class:`~voicecoach.errors.SourcePos` it was written at, so
that every later complaint can point at the exact key or value. Only YAML's safe subset is used:
nodes are composed by :class:`yaml.SafeLoader` and converted here, never constructed by PyYAML.

What YAML itself allows but a routine file must not do is refused here, each as a located
:class:`~voicecoach.errors.Problem`: a file over 1 MiB, bytes that are not UTF-8, duplicate keys,
keys that are lists or mappings, tags other than YAML's plain ones, nesting deeper than
:data:`MAX_DEPTH`, and aliases that expand to more than :data:`MAX_ALIAS_NODES` values (the
"billion laughs" attack, which is refused in a fraction of a second). Anchors, aliases and merge
keys (``<<: *common``) are otherwise supported.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import yaml

from voicecoach.errors import Problem, RoutineError, SourcePos

#: The largest file read, in bytes.
MAX_FILE_BYTES = 1 << 20
#: How many values aliases may add to a file in all, once expanded.
MAX_ALIAS_NODES = 100_000
#: How deeply lists and mappings may nest, aliases expanded.
MAX_DEPTH = 50

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
        text = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        return json.dumps(text, ensure_ascii=not text.isprintable())
    if node.value is None and node.text in ("", "~"):
        return "nothing"
    return node.text


def quote(text: str) -> str:
    """Text written by the author as messages show it: in single quotes, or escaped as JSON
    when it holds characters that cannot be shown (a line break in a key, say)."""
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

    Raises OSError if the file cannot be read. A file too big is refused before it is read.
    """
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(size, filename, kind)
        data = f.read(MAX_FILE_BYTES + 1)
    return decode_source(data, filename=filename, kind=kind)


def read_error(exc: OSError | ValueError) -> str:
    """Why a file could not be read, in a few words."""
    if isinstance(exc, ValueError):
        return "the path holds a character no file name can have"
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
    """
    try:
        loader = _MarkedLoader(text)
    except yaml.reader.ReaderError as exc:
        return None, (_reader_problem(exc, text, filename),)
    try:
        root = loader.get_single_node()
    except _StopReading as exc:
        return None, (Problem(_pos(filename, exc.mark), exc.message),)
    except yaml.reader.ReaderError as exc:
        return None, (_reader_problem(exc, text, filename),)
    except yaml.MarkedYAMLError as exc:
        return None, (_syntax_problem(exc, filename),)
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


class _MarkedLoader(yaml.SafeLoader):
    """The safe loader, keeping aliases as nodes and refusing very deep nesting while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
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


# --- converting -----------------------------------------------------------------------------


class _Converter:
    """Turns composed nodes into the located value tree, expanding aliases within bounds."""

    def __init__(self, loader: _MarkedLoader, filename: str) -> None:
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
                Problem(self.pos(node), f"{json.dumps(text, ensure_ascii=False)} is not a {short}")
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


def _syntax_problem(exc: yaml.MarkedYAMLError, filename: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
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
