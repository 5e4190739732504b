"""Exercise libraries: named exercises a routine can start from with `use`.

A library file has one top-level key, `exercises`, mapping an id (`deadlift`, `band-row`) to an
entry, and may say the language its names and cues are written in (`language: en`). An entry
holds any exercise field except `use`, plus `muscles` (a list) and `equipment` (a text or a
list). Libraries are searched in order, the routine's own (its `library:` key) first and the
bundled one last; the first library that has an id wins.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from voicecoach import resources
from voicecoach.errors import Problem, RoutineError, SourcePos
from voicecoach.routine.fields import LIBRARY_ENTRY, LIBRARY_TOP, Checker, Fields, parse_fields
from voicecoach.routine.model import LANGUAGES
from voicecoach.routine.yamlsource import (
    MAX_FILE_BYTES,
    Map,
    Node,
    decode_source,
    describe,
    parse_yaml,
    quote,
    read_error,
    read_regular_file,
    read_source_file,
)
from voicecoach.textsafety import unspeakable


@dataclass(frozen=True)
class LibraryEntry:
    """One library exercise, checked; `fields` holds everything it sets."""

    id: str
    name: str | None
    muscles: tuple[str, ...]
    equipment: tuple[str, ...]
    pos: SourcePos
    fields: Fields
    #: The language the library's names and cues are written in, when the file says it.
    language: str | None = None


@dataclass(frozen=True)
class LibraryFile:
    """What reading one library file gave: its entries and its problems.

    `complete` is False when the file could not be read as a whole (a YAML syntax error, say),
    so an id missing from it may well be meant to be there. `is_library` is False when the file
    does not look like a library at all (no top-level `exercises:`): it is some other file, and
    messages must not quote it.
    """

    path: Path
    entries: dict[str, LibraryEntry]
    problems: tuple[Problem, ...]
    complete: bool
    is_library: bool = True


def load_library(path: Path) -> dict[str, LibraryEntry]:
    """The entries of one library file, by id.

    Raises :class:`~voicecoach.errors.RoutineError` with every problem of the file.
    """
    try:
        library = read_library(path, filename=str(path))
    except (OSError, ValueError) as exc:
        raise RoutineError(
            [Problem(SourcePos(str(path), 1, 1), f"cannot read the file: {read_error(exc)}")]
        ) from None
    if library.problems:
        raise RoutineError(sorted(library.problems, key=lambda p: p.pos))
    return dict(library.entries)


def bundled_library() -> dict[str, LibraryEntry]:
    """Every entry of the bundled library files, by id (the first file having an id wins)."""
    search = LibrarySearch(())
    problems = [p for f in search.bundled_files() for p in f.problems]
    if problems:
        raise RoutineError(sorted(problems, key=lambda p: p.pos))
    out: dict[str, LibraryEntry] = {}
    for library in search.bundled_files():
        for key, entry in library.entries.items():
            out.setdefault(key, entry)
    return out


def read_library(path: Path, *, filename: str) -> LibraryFile:
    """Read and check one library file; problems are returned, not raised.

    Raises OSError if the file cannot be read at all. Files are read once per process and
    again only when they change.
    """
    stat = path.stat()
    return _read_cached(str(path.resolve()), filename, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read_cached(resolved: str, filename: str, mtime_ns: int, size: int) -> LibraryFile:
    del mtime_ns, size  # only part of the cache key
    path = Path(resolved)
    try:
        text = read_source_file(path, filename=filename, kind="library")
    except RoutineError as exc:
        return LibraryFile(path, {}, exc.problems, complete=False)
    return parse_library(text, filename=filename, path=path)


def parse_library(data: bytes | str, *, filename: str, path: Path) -> LibraryFile:
    """Check the contents of a library file."""
    try:
        text = decode_source(data, filename=filename, kind="library")
    except RoutineError as exc:
        return LibraryFile(path, {}, exc.problems, complete=False)
    root, yaml_problems = parse_yaml(text, filename=filename)
    check = Checker()
    check.problems.extend(yaml_problems)
    if not looks_like_library(root, text):
        # Checked as a library all the same, for `validate` of this one file; a routine that
        # names it reports none of this.
        found = parse_library_tree(check, root, filename, path)
        return replace(found, complete=False, is_library=False)
    return parse_library_tree(check, root, filename, path)


def parse_library_tree(check: Checker, root: Node | None, filename: str, path: Path) -> LibraryFile:
    """Check the value tree of a library file."""
    if root is None:
        if not check.problems:
            check.problem(
                SourcePos(filename, 1, 1),
                "file is empty; a library needs 'exercises:' mapping ids to exercises",
            )
        return LibraryFile(path, {}, tuple(check.problems), complete=False)
    if not isinstance(root, Map):
        check.problem(
            root.pos,
            f"the top level of a library must be a mapping with 'exercises', got {describe(root)}",
        )
        return LibraryFile(path, {}, tuple(check.problems), complete=False)
    found = check.keys(root, LIBRARY_TOP)
    if "exercises" not in found:
        check.problem(root.pos, "a library needs 'exercises:' mapping ids to exercises")
        return LibraryFile(path, {}, tuple(check.problems), complete=False)
    exercises = found["exercises"][1]
    language = (
        check.choice(found["language"][1], "language", LANGUAGES) if "language" in found else None
    )
    if not isinstance(exercises, Map):
        check.problem(
            exercises.pos,
            f"'exercises' in a library must map ids to exercises, got {describe(exercises)}",
        )
        return LibraryFile(path, {}, tuple(check.problems), complete=False)
    entries: dict[str, LibraryEntry] = {}
    for key, value in exercises.entries:
        if unspeakable(key.text) is not None:
            check.problem(
                key.pos, f"library id {quote(key.text)} holds a character that is not text"
            )
        elif not key.text or any(c.isspace() for c in key.text):
            check.problem(
                key.pos,
                f"library id {quote(key.text)} must be one word without spaces, like 'band-row'",
            )
        if not isinstance(value, Map):
            check.problem(
                value.pos,
                f"library entry {quote(key.text)} must be a mapping of exercise fields, "
                f"got {describe(value)}",
            )
            fields = Fields(pos=value.pos)
        else:
            fields = parse_fields(check, value, LIBRARY_ENTRY)
        entries[key.text] = LibraryEntry(
            id=key.text,
            name=fields.name,
            muscles=fields.muscles or (),
            equipment=fields.equipment or (),
            pos=key.pos,
            fields=fields,
            language=language,
        )
    return LibraryFile(path, entries, tuple(check.problems), complete=True)


def is_library_file(path: Path) -> bool:
    """Whether the file at `path` is an exercise library rather than a routine, told from its
    lines alone (a top-level `exercises:` and no top-level `name:`), without reading it as YAML.

    A file that cannot be read is not called a library (it is listed, and fails when used).
    """
    try:
        data = read_regular_file(path, MAX_FILE_BYTES, filename=str(path), kind="library")
        text = data.decode("utf-8")
    except (OSError, ValueError, RoutineError):
        return False
    lines = text.removeprefix("\ufeff").splitlines()
    return any(line.startswith("exercises:") for line in lines) and not any(
        line.startswith("name:") for line in lines
    )


def looks_like_library(root: Node | None, text: str) -> bool:
    """Whether a file is meant as an exercise library: `exercises:` at its top level.

    When YAML could not read the file (`root` None), a line starting with ``exercises:`` is
    taken as the sign.
    """
    if isinstance(root, Map):
        return "exercises" in root
    if root is None:
        return any(line.startswith("exercises:") for line in text.splitlines())
    return False


class LibrarySearch:
    """Finds library ids in the routine's libraries first, then in the bundled ones.

    The bundled library is read only when an id is not found in the routine's own libraries.
    """

    def __init__(self, libraries: Sequence[LibraryFile]) -> None:
        self.libraries = tuple(libraries)
        self._bundled: tuple[LibraryFile, ...] | None = None
        self._sorted_ids: list[str] | None = None

    def bundled_files(self) -> tuple[LibraryFile, ...]:
        """The bundled library files, read on first use."""
        if self._bundled is None:
            try:
                paths = resources.bundled_library_files()
            except FileNotFoundError:
                paths = ()
            self._bundled = tuple(read_library(p, filename=str(p)) for p in paths)
        return self._bundled

    def find(self, library_id: str) -> LibraryEntry | None:
        """The first entry with this id, or None."""
        for library in self.libraries:
            if library_id in library.entries:
                return library.entries[library_id]
        for library in self.bundled_files():
            if library_id in library.entries:
                return library.entries[library_id]
        return None

    def ids(self) -> set[str]:
        """Every id known."""
        return {k for lib in (*self.libraries, *self.bundled_files()) for k in lib.entries}

    def sorted_ids(self) -> list[str]:
        """Every id known, sorted (worked out once)."""
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self.ids())
        return self._sorted_ids

    def complete(self) -> bool:
        """Whether every library could be read as a whole (so an unknown id is truly unknown)."""
        return all(lib.complete for lib in (*self.libraries, *self.bundled_files()))

    def problems(self) -> tuple[Problem, ...]:
        """The problems of the bundled library files read so far."""
        return tuple(p for lib in self._bundled or () for p in lib.problems)
