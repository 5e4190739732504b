"""Loading a routine file: read it, check every rule of the routine format, build the model.

:func:`load_routine` and :func:`load_routine_text` return a complete, frozen
:class:`~voicecoach.model.Routine` or raise :class:`~voicecoach.errors.RoutineError` carrying every
problem found, each at its file, line and column. They raise nothing else, whatever the input.

Each exercise field is taken from the first of these that sets it: the exercise itself, its
library entry (`use`), the routine's `defaults`, the engine defaults in
:mod:`voicecoach.routine.model`.
The work of a set (`reps`, `hold` or `duration`) counts as one field, so an exercise that sets
`hold` replaces the `reps` of its library entry. Cues are merged kind by kind.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

from voicecoach.errors import Problem, RoutineError, SourcePos
from voicecoach.routine.fields import (
    AMRAP_RANGE,
    CIRCUIT,
    CIRCUIT_STYLES,
    CUE_KINDS,
    DEFAULTS,
    EVERY_RANGE,
    EXERCISE,
    RATE_RANGE,
    ROUNDS_RANGE,
    SECONDS_RANGES,
    TOP,
    TOP_KEYS,
    VOICE,
    Checker,
    Fields,
    SetFields,
    Work,
    parse_fields,
    parse_tempo,
    suggest,
)
from voicecoach.routine.library import (
    LibraryEntry,
    LibraryFile,
    LibrarySearch,
    parse_library_tree,
    read_library,
)
from voicecoach.routine.model import (
    DEFAULT_COUNTDOWN_S,
    DEFAULT_PREPARE_MS,
    DEFAULT_RATE_WPM,
    DEFAULT_REST_AFTER_MS,
    DEFAULT_REST_MS,
    DEFAULT_SETS,
    DEFAULT_SIDE_SWITCH_MS,
    DEFAULT_TEMPO,
    DEFAULT_VOLUME,
    DROP_REST_MAX_MS,
    LANGUAGES,
    Circuit,
    CircuitStyle,
    Cues,
    Exercise,
    Item,
    Reps,
    Routine,
    SetTarget,
    StartsWith,
    Tempo,
    Voice,
    WorkKind,
)
from voicecoach.routine.progress import progress_problem
from voicecoach.routine.yamlsource import (
    PATH_CHARS,
    Map,
    Node,
    Scalar,
    Seq,
    decode_source,
    describe,
    parse_yaml,
    quote,
    read_error,
    read_source_file,
)

if TYPE_CHECKING:
    from voicecoach.routine.program import Program

__all__ = ["load_routine", "load_routine_text"]

_T = TypeVar("_T")


def _engine_tempo() -> Tempo:
    tempo = parse_tempo(DEFAULT_TEMPO)
    if tempo is None:
        raise ValueError(f"the engine's default tempo {DEFAULT_TEMPO!r} does not parse")
    return tempo


_ENGINE_TEMPO = _engine_tempo()
_DEFAULT_CIRCUIT_REST_MS = 0
#: How many unknown `use` ids get a "did you mean" (each costs a look at every library id).
MAX_SUGGESTIONS = 25
#: The longest voice id, in characters.
VOICE_ID_MAX = 200
#: The longest session a routine may describe, counting only its work, rests and pauses.
MAX_SESSION_MS = 12 * 3600 * 1000
#: The most sets a session may hold, each side of a set and each round of a circuit counted.
MAX_SESSION_SETS = 200
_WEIGHT_NUMBER = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*([^\d\s].*?)\s*")


def load_routine(path: Path) -> Routine:
    """Load and check the routine file at `path`; its `library:` paths are relative to it.

    >>> load_routine(Path("routines/home-back-basics.yaml")).name  # doctest: +SKIP
    'Home Back Basics'
    """
    checked = check_file(path, want="routine")
    assert checked.routine is not None
    return checked.routine


#: A circuit style as the routine file asks for it, in messages.
_STYLE_KEY: Final = {
    CircuitStyle.EMOM: "a circuit with 'every' (EMOM)",
    CircuitStyle.AMRAP: "an 'amrap' circuit",
}


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check: a routine, an exercise library (`entries` ids), or a
    program."""

    kind: str
    routine: Routine | None = None
    entries: int = 0
    program: Program | None = None


def file_kind(root: Node | None) -> str:
    """What a file is meant to be, from its top level: "routine", "library" or "program".

    A library has `exercises` mapping ids to entries and no `name`; a program has `program`.
    """
    if isinstance(root, Map):
        if "program" in root and "exercises" not in root:
            return "program"
        if "name" not in root and isinstance(root.get("exercises"), Map):
            return "library"
    return "routine"


def _looks_like_ours(root: Node) -> bool:
    """Whether a file's top level is a mapping with at least one key of a routine, library or
    program, or one close to such a key (a misspelt 'name' is still a routine to check)."""
    if not isinstance(root, Map):
        return False
    known = (*TOP_KEYS, "program", "sessions", "per_week")
    keys = root.keys()
    return any(key in known or suggest(key, known) is not None for key in keys)


def check_file(path: Path, *, want: str | None = None) -> CheckedFile:
    """Check a routine or library file, whichever it is (`want` None), or a file of kind `want`.

    Raises :class:`~voicecoach.errors.RoutineError` with every problem found.
    """
    filename = str(path)
    try:
        text = read_source_file(path, filename=filename, kind=want or "routine")
    except (OSError, ValueError) as exc:
        raise RoutineError(
            [Problem(SourcePos(filename, 1, 1), f"cannot read the file: {read_error(exc)}")]
        ) from None
    root, yaml_problems = parse_yaml(text, filename=filename)
    if root is not None and not _looks_like_ours(root):
        # Some other file (a password file, a log): say so, and quote none of it.
        raise RoutineError(
            [
                Problem(
                    SourcePos(filename, 1, 1),
                    "this is not a routine, an exercise library or a program: none of 'name', "
                    "'exercises' or 'program' is at its top level",
                )
            ]
        )
    kind = file_kind(root)
    if want is not None and kind != want:
        what = {"library": "an exercise library", "program": "a program"}.get(kind, "a routine")
        raise RoutineError(
            [
                Problem(
                    SourcePos(filename, 1, 1),
                    f"this file is {what}, not a {want}; 'voicecoach validate' checks it",
                )
            ]
        )
    if kind == "library":
        check = Checker()
        check.problems.extend(yaml_problems)
        library = parse_library_tree(check, root, filename, path)
        if library.problems:
            raise RoutineError(sorted(library.problems, key=lambda p: p.pos))
        return CheckedFile("library", entries=len(library.entries))
    if kind == "program":
        from voicecoach.routine.program import program_from_tree

        program = program_from_tree(root, yaml_problems, filename=filename, path=path)
        return CheckedFile("program", program=program)
    routine = _load_tree(root, yaml_problems, filename=filename, base_dir=path.parent, source=path)
    return CheckedFile("routine", routine=routine)


def load_routine_text(text: str | bytes, *, filename: str, base_dir: Path | None = None) -> Routine:
    """Load and check a routine from its contents.

    `filename` is what messages call the file; `library:` paths are relative to `base_dir`
    (the current folder when None). Bytes must be UTF-8.
    """
    decoded = decode_source(text, filename=filename, kind="routine")
    return _load(decoded, filename=filename, base_dir=base_dir, source=None)


def _load(text: str, *, filename: str, base_dir: Path | None, source: Path | None) -> Routine:
    root, yaml_problems = parse_yaml(text, filename=filename)
    return _load_tree(root, yaml_problems, filename=filename, base_dir=base_dir, source=source)


def _load_tree(
    root: Node | None,
    yaml_problems: tuple[Problem, ...],
    *,
    filename: str,
    base_dir: Path | None,
    source: Path | None,
) -> Routine:
    builder = _RoutineBuilder(filename, base_dir)
    builder.check.problems.extend(yaml_problems)
    routine = None
    if root is None:
        if not yaml_problems:
            builder.check.problem(
                SourcePos(filename, 1, 1),
                "file is empty; a routine needs at least 'name' and 'exercises'",
            )
    else:
        routine = builder.routine(root, source)
    if routine is not None and not builder.check.problems:
        builder.check.problems.extend(session_size_problems(routine))
    problems = builder.all_problems()
    if problems or routine is None:
        raise RoutineError(_sorted(problems, filename))
    return routine


def _sorted(problems: list[Problem], filename: str) -> list[Problem]:
    """The routine file's problems first, then each other file's, each in file order."""
    files: dict[str, int] = {filename: 0}
    for p in problems:
        files.setdefault(p.pos.file, len(files))
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (files[p.pos.file], p.pos.line, p.pos.column))


class _RoutineBuilder:
    """Checks one routine's value tree and builds its model, collecting every problem."""

    def __init__(self, filename: str, base_dir: Path | None) -> None:
        self.filename = filename
        self.base_dir = base_dir
        self.check = Checker()
        self.search = LibrarySearch(())
        self.library_problems: list[Problem] = []
        self.defaults = Fields(pos=SourcePos(filename, 1, 1))
        self.unknown_ids = 0

    def all_problems(self) -> list[Problem]:
        return [*self.check.problems, *self.library_problems, *self.search.problems()]

    # --- top level --------------------------------------------------------------------------

    def routine(self, root: Node, source: Path | None) -> Routine | None:
        check = self.check
        if not isinstance(root, Map):
            check.problem(
                root.pos,
                "the top level must be a mapping with 'name', 'exercises' and other keys, "
                f"got {describe(root)}",
            )
            return None
        found = {k: v for k, (_, v) in check.keys(root, TOP).items()}
        name = check.name(found["name"], "name") if "name" in found else None
        if "name" not in found:
            check.problem(root.pos, "a routine needs a 'name'")
        description = (
            check.text(found["description"], "description", empty=True)
            if "description" in found
            else None
        )
        language = (
            check.choice(found["language"], "language", LANGUAGES)
            if "language" in found
            else LANGUAGES[0]
        )
        voice = self.voice(found["voice"]) if "voice" in found else Voice()
        if "library" in found:
            self.libraries(found["library"])
        if "defaults" in found:
            node = found["defaults"]
            if isinstance(node, Map):
                self.defaults = parse_fields(check, node, DEFAULTS)
            else:
                check.problem(
                    node.pos,
                    f"'defaults' must be a mapping of exercise fields, got {describe(node)}",
                )
        warmup = self.section(found.get("warmup"), "warmup")
        exercises = self.section(found.get("exercises"), "exercises")
        cooldown = self.section(found.get("cooldown"), "cooldown")
        if "exercises" not in found:
            check.problem(root.pos, "a routine needs 'exercises', a list of at least one item")
        elif isinstance(found["exercises"], Seq) and not found["exercises"].items:
            check.problem(found["exercises"].pos, "'exercises' must list at least one item")
        return Routine(
            name=name or "",
            warmup=warmup,
            exercises=exercises,
            cooldown=cooldown,
            language=language or LANGUAGES[0],
            voice=voice,
            description=description,
            source=source,
            language_given="language" in found,
        )

    def voice(self, node: Node) -> Voice:
        check = self.check
        if not isinstance(node, Map):
            check.problem(
                node.pos,
                f"'voice' must be a mapping with 'id', 'rate', 'volume' or 'engine', "
                f"got {describe(node)}",
            )
            return Voice()
        found = {k: v for k, (_, v) in check.keys(node, VOICE).items()}
        voice_id = check.text(found["id"], "id", max_len=VOICE_ID_MAX) if "id" in found else None
        rate = check.whole(found["rate"], "rate", RATE_RANGE) if "rate" in found else None
        volume = check.fraction(found["volume"], "volume") if "volume" in found else None
        engine = check.text(found["engine"], "engine") if "engine" in found else None
        model = check.text(found["model"], "model") if "model" in found else None
        if model is not None:
            # A voice file (Piper's): relative to the routine's folder, like 'library' paths.
            if voice_id is not None:
                check.problem(found["model"].pos, "give 'id' or 'model' in 'voice', not both")
            path = Path(model).expanduser()
            voice_id = str(path if path.is_absolute() else (self.base_dir or Path()) / path)
            engine = engine or "piper"
        return Voice(
            id=voice_id,
            rate=DEFAULT_RATE_WPM if rate is None else rate,
            volume=DEFAULT_VOLUME if volume is None else volume,
            engine=engine,
            id_pos=next((found[k].pos for k in ("id", "model") if k in found), None),
            given=frozenset(found),
        )

    def libraries(self, node: Node) -> None:
        items = node.items if isinstance(node, Seq) else (node,)
        files: list[LibraryFile] = []
        seen: set[Path] = set()
        for item in items:
            if not isinstance(item, Scalar) or not isinstance(item.value, str) or not item.value:
                self.check.problem(
                    item.pos,
                    f"'library' must be a path or a list of paths, got {describe(item)}",
                )
                continue
            path = Path(item.value)
            if self.base_dir is not None and not path.is_absolute():
                path = Path(os.path.normpath(self.base_dir / path))
            if path in seen:
                continue
            seen.add(path)
            # A library that cannot be read still counts, as an incomplete one: its ids are
            # unknown, so the exercises that use them are not reported one by one.
            unread = LibraryFile(path, {}, (), complete=False)
            try:
                library = read_library(path, filename=str(path))
            except FileNotFoundError:
                self.check.problem(
                    item.pos,
                    f"library file {quote(item.value, limit=PATH_CHARS)} not found "
                    f"(looked for {quote(str(path.absolute()), limit=PATH_CHARS)})",
                )
                files.append(unread)
                continue
            except (OSError, ValueError) as exc:
                self.check.problem(
                    item.pos,
                    f"cannot read library file {quote(item.value, limit=PATH_CHARS)}: "
                    f"{read_error(exc)}",
                )
                files.append(unread)
                continue
            if not library.is_library:
                # Some other file: say so, and quote none of it.
                self.check.problem(
                    item.pos,
                    f"{quote(item.value, limit=PATH_CHARS)} is not an exercise library "
                    "(a library file starts with 'exercises:' mapping ids to exercises)",
                )
                files.append(unread)
                continue
            self.library_problems.extend(library.problems)
            files.append(library)
        self.search = LibrarySearch(files)

    def section(self, node: Node | None, key: str) -> tuple[Item, ...]:
        if node is None:
            return ()
        if not isinstance(node, Seq):
            self.check.problem(
                node.pos, f"'{key}' must be a list of exercises and circuits, got {describe(node)}"
            )
            return ()
        out: list[Item] = []
        for item_node in node.items:
            item = self.item(item_node, main=key == "exercises")
            if item is not None:
                out.append(item)
        return tuple(out)

    # --- items --------------------------------------------------------------------------------

    def item(self, node: Node, *, main: bool) -> Item | None:
        if not isinstance(node, Map):
            self.check.problem(
                node.pos,
                "an item must be a mapping: an exercise (with 'name' or 'use') "
                f"or a circuit (with 'circuit'), got {describe(node)}",
            )
            return None
        if "circuit" in node:
            return self.circuit(node)
        return self.exercise(node, in_circuit=False, main=main)

    def circuit(self, node: Map) -> Circuit | None:
        check = self.check
        found = check.keys(node, CIRCUIT)
        values = {k: v for k, (_, v) in found.items()}
        name = check.name(values["circuit"], "circuit")
        style = self.circuit_style(found)
        rounds = None
        if style is CircuitStyle.AMRAP:
            rounds = 1
            if "rounds" in found:
                check.problem(
                    found["rounds"][0].pos,
                    "an 'amrap' circuit has no 'rounds': it goes on for as many rounds as fit "
                    "in its time",
                )
        elif "rounds" in values:
            rounds = check.whole(values["rounds"], "rounds", ROUNDS_RANGE)
        elif "amrap" not in found:
            check.problem(
                node.pos,
                f"a circuit needs 'rounds', a whole number from {ROUNDS_RANGE[0]} "
                f"to {ROUNDS_RANGE[1]}",
            )
        exercises: list[Exercise] = []
        if "exercises" not in values:
            check.problem(node.pos, "a circuit needs 'exercises', a list of at least one exercise")
        elif not isinstance(values["exercises"], Seq):
            check.problem(
                values["exercises"].pos,
                f"a circuit's 'exercises' must be a list, got {describe(values['exercises'])}",
            )
        elif not values["exercises"].items:
            check.problem(
                values["exercises"].pos, "a circuit's 'exercises' must list at least one exercise"
            )
        else:
            for inner in values["exercises"].items:
                if isinstance(inner, Map) and "circuit" in inner:
                    key_pos = next(k.pos for k, _ in inner.entries if k.text == "circuit")
                    check.problem(
                        key_pos,
                        "a circuit cannot hold another circuit; list its exercises directly "
                        "in the outer circuit",
                    )
                    continue
                if not isinstance(inner, Map):
                    check.problem(
                        inner.pos,
                        "a circuit's exercises must be mappings with 'name' or 'use', "
                        f"got {describe(inner)}",
                    )
                    continue
                exercise = self.exercise(inner, in_circuit=True, style=style, main=True)
                if exercise is not None:
                    exercises.append(exercise)
        rest_ms = (
            check.seconds(values["rest"], "rest", SECONDS_RANGES["rest"])
            if "rest" in values
            else None
        )
        between_ms = (
            check.seconds(
                values["rest_between_rounds"],
                "rest_between_rounds",
                SECONDS_RANGES["rest_between_rounds"],
            )
            if "rest_between_rounds" in values
            else None
        )
        every_ms = (
            check.seconds(values["every"], "every", EVERY_RANGE) if "every" in values else None
        )
        amrap_ms = (
            check.seconds(values["amrap"], "amrap", AMRAP_RANGE) if "amrap" in values else None
        )
        if style in (CircuitStyle.EMOM, CircuitStyle.AMRAP):
            for key in ("rest", "rest_between_rounds"):
                if key in found:
                    check.problem(
                        found[key][0].pos,
                        f"{_STYLE_KEY[style]} has no '{key}': "
                        + (
                            "each interval's rest is what its work leaves over"
                            if style is CircuitStyle.EMOM
                            else "the person rests when they need to, within the time"
                        ),
                    )
        if style is CircuitStyle.EMOM and every_ms is not None:
            self.check_emom_fit(exercises, every_ms)
        if name is None or rounds is None:
            return None
        if style is CircuitStyle.INTERVALS:
            between = between_ms if between_ms is not None else rest_ms or 0
        else:
            between = _first(between_ms, self.defaults.rest_ms, default=DEFAULT_REST_MS)
        emom_or_amrap = style in (CircuitStyle.EMOM, CircuitStyle.AMRAP)
        return Circuit(
            name=name,
            rounds=rounds,
            exercises=tuple(exercises),
            rest_ms=0 if emom_or_amrap or rest_ms is None else rest_ms,
            rest_between_rounds_ms=0 if emom_or_amrap else between,
            rest_after_ms=_first(self.defaults.rest_after_ms, default=DEFAULT_REST_AFTER_MS),
            pos=node.pos,
            style=style,
            every_ms=every_ms if style is CircuitStyle.EMOM else None,
            amrap_ms=amrap_ms if style is CircuitStyle.AMRAP else None,
        )

    def circuit_style(self, found: dict[str, tuple[Scalar, Node]]) -> CircuitStyle:
        """The circuit's style: `style`, or EMOM for `every`, AMRAP for `amrap`; at most one."""
        check = self.check
        chosen: list[tuple[str, CircuitStyle]] = []
        if "style" in found:
            word = check.choice(found["style"][1], "style", CIRCUIT_STYLES)
            if word == CircuitStyle.INTERVALS.value:
                chosen.append(("style: intervals", CircuitStyle.INTERVALS))
        if "every" in found:
            chosen.append(("every", CircuitStyle.EMOM))
        if "amrap" in found:
            chosen.append(("amrap", CircuitStyle.AMRAP))
        if len(chosen) > 1:
            key = chosen[1][0].split(":")[0]
            named = " and ".join(f"'{c[0]}'" for c in chosen)
            check.problem(
                found[key][0].pos,
                f"a circuit is one of 'style: intervals', 'every' (EMOM) or 'amrap'; "
                f"this one sets {named}",
            )
        return chosen[0][1] if chosen else CircuitStyle.STANDARD

    def check_emom_fit(self, exercises: list[Exercise], every_ms: int) -> None:
        """Each exercise's work and the countdown into the next boundary must fit the interval."""
        for ex in exercises:
            work_ms = ex.work_ms
            if work_ms is None:
                continue
            needed = work_ms + ex.countdown_s * 1000
            if needed > every_ms:
                pos = ex.pos or SourcePos(self.filename, 1, 1)
                check_what = (
                    f"{ex.reps} reps at tempo {ex.tempo} take {work_ms / 1000:g} s"
                    if ex.reps is not None
                    else f"its work takes {work_ms / 1000:g} s"
                )
                self.check.problem(
                    pos,
                    f"{quote(ex.name)} does not fit its EMOM interval of {every_ms / 1000:g} s: "
                    f"{check_what}, and the {ex.countdown_s} s countdown into the next interval "
                    f"needs {needed / 1000:g} s in all; make 'every' at least "
                    f"{-(-needed // 1000)} or ask for less work",
                )

    def exercise(
        self,
        node: Map,
        *,
        in_circuit: bool,
        main: bool,
        style: CircuitStyle = CircuitStyle.STANDARD,
    ) -> Exercise | None:
        check = self.check
        own = parse_fields(check, node, EXERCISE)
        entry = self.library_entry(own)
        layers = [own] if entry is None else [own, entry.fields]
        layers.append(self.defaults)

        def pick(key: str, get: Callable[[Fields], _T | None], default: _T) -> _T:
            for layer in layers:
                if layer.sets_key(key):
                    value = get(layer)
                    return default if value is None else value
            return default

        work_layer = next((layer for layer in layers if layer.work is not None), None)
        work = None if work_layer is None else work_layer.work
        if work is None:
            if entry is not None or not own.sets_key("use"):
                tail = "" if entry is None else f" (nor does library entry {quote(own.use or '')})"
                check.problem(
                    node.pos,
                    "an exercise needs exactly one of 'reps', 'hold' or 'duration'; "
                    f"this one sets none{tail}",
                )
        elif own.sets_key("tempo") and work.kind is not WorkKind.REPS:
            if work_layer is own:
                origin = f"sets '{work.kind}' instead"
            elif entry is not None and work_layer is entry.fields:
                origin = f"gets '{work.kind}' from library entry {quote(own.use or '')}"
            else:
                origin = f"gets '{work.kind}' from 'defaults'"
            check.problem(
                own.key_pos["tempo"], f"'tempo' only paces 'reps'; this exercise {origin}"
            )

        name = own.name if own.sets_key("name") else entry.name if entry else None
        if name is None and not own.sets_key("name"):
            if entry is not None:
                check.problem(
                    node.pos,
                    f"an exercise needs a 'name'; library entry {quote(own.use or '')} has none",
                )
            elif not own.sets_key("use"):
                check.problem(node.pos, "an exercise needs a 'name' or a library exercise in 'use'")

        # `sets` from `defaults` is meant for the main part: a warm-up march or a cool-down
        # stretch done three times is never what "three sets of everything" means.
        sets = next(
            (layer.sets or DEFAULT_SETS for layer in layers if layer.sets_key("sets")
             and (main or layer is not self.defaults)),
            DEFAULT_SETS,
        )  # fmt: skip
        if in_circuit:
            if (own.sets is not None and own.sets != 1) or own.set_list is not None:
                got = own.sets if own.set_list is None else "a list of sets"
                check.problem(
                    own.value_pos["sets"],
                    f"inside a circuit 'sets' must be 1 or absent, got {got}; "
                    "the circuit's 'rounds' repeat it",
                )
            sets = 1
            if style is not CircuitStyle.STANDARD:
                self.check_block_exercise(own, layers, work, style)
        rest_ms = pick("rest", lambda f: f.rest_ms, DEFAULT_REST_MS)
        rest_after_ms = pick("rest_after", lambda f: f.rest_after_ms, DEFAULT_REST_AFTER_MS)
        weight = pick("weight", lambda f: f.weight, None)
        rpe = pick("rpe", lambda f: f.rpe, None)
        rir = pick("rir", lambda f: f.rir, None)
        set_list: tuple[SetTarget, ...] = ()
        if own.set_list is not None and work is not None and not in_circuit:
            set_list = self.set_targets(
                own.set_list,
                work,
                weight=weight,
                rest_ms=rest_ms,
                rest_after_ms=rest_after_ms,
                rpe=rpe,
                rir=rir,
            )
            sets = len(set_list)
            rest_after_ms = set_list[-1].rest_ms if set_list else rest_after_ms

        cues = {
            kind: next((layer.cues[kind] for layer in layers if kind in layer.cues), ())
            for kind in CUE_KINDS
        }
        if name is None or work is None:
            return None
        weight = pick("weight", lambda f: f.weight, None)
        progress = pick("progress", lambda f: f.progress, None)
        if progress is not None:
            layer = next(layer for layer in layers if layer.sets_key("progress"))
            reps = (work.reps.low, work.reps.high) if work.reps else None
            why = progress_problem(progress, work.kind.value, reps, weight)
            if why is not None:
                check.problem(layer.value_pos["progress"], why)
                progress = None
        return Exercise(
            name=name,
            work=work.kind,
            reps=(
                (work.reps or Reps(1, 1)) if work.kind is WorkKind.REPS and not work.amrap else None
            ),
            seconds_ms=(
                work.seconds_ms
                if work.amrap
                else None
                if work.kind is WorkKind.REPS
                else (work.seconds_ms or 1000)
            ),
            sets=sets,
            sides=pick("sides", lambda f: f.sides, ()),
            tempo=pick("tempo", lambda f: f.tempo, _ENGINE_TEMPO),
            rest_ms=rest_ms,
            rest_after_ms=rest_after_ms,
            prepare_ms=pick("prepare", lambda f: f.prepare_ms, DEFAULT_PREPARE_MS),
            side_switch_ms=pick("side_switch", lambda f: f.side_switch_ms, DEFAULT_SIDE_SWITCH_MS),
            countdown_s=_first(self.defaults.countdown_s, default=DEFAULT_COUNTDOWN_S),
            weight=weight,
            progress=progress,
            cues=Cues(
                intro=cues["intro"],
                setup=cues["setup"],
                during=cues["during"],
                finish=cues["finish"],
                before_rep=cues["before_rep"],
            ),
            notes=pick("notes", lambda f: f.notes, None),
            library_id=own.use if entry is not None else None,
            muscles=entry.muscles if entry else (),
            equipment=entry.equipment if entry else (),
            pos=node.pos,
            rpe=rpe,
            rir=rir,
            amrap=work.amrap,
            set_list=set_list,
            starts_with=pick("starts_with", lambda f: f.starts_with, StartsWith.LOWER),
            borrowed=(
                ()
                if entry is None
                else (
                    *(("name",) if not own.sets_key("name") else ()),
                    *(k for k in CUE_KINDS if k not in own.cues and entry.fields.cues.get(k)),
                )
            ),
            library_language=entry.language if entry is not None else None,
            use_pos=own.value_pos.get("use"),
        )

    def check_block_exercise(
        self, own: Fields, layers: list[Fields], work: Work | None, style: CircuitStyle
    ) -> None:
        """What an exercise of an intervals, EMOM or AMRAP circuit cannot have."""
        word = {
            CircuitStyle.INTERVALS: "an intervals circuit",
            CircuitStyle.EMOM: "an EMOM circuit ('every')",
            CircuitStyle.AMRAP: "an 'amrap' circuit",
        }[style]
        sided = next((layer for layer in layers if layer.sets_key("sides")), None)
        if sided is not None and sided.sides:
            where = "" if sided is own else " (it comes from the library entry or 'defaults')"
            self.check.problem(
                sided.key_pos["sides"] if sided is own else own.pos,
                f"an exercise in {word} cannot have 'sides'{where}; "
                "list each side as an exercise of its own, like 'Side plank, left'",
            )
        open_ended = work is not None and work.amrap and work.seconds_ms is None
        if work is not None and work.amrap and (open_ended or style is CircuitStyle.AMRAP):
            self.check.problem(
                work.key_pos,
                f"'reps: max' cannot be used in {word}"
                + ("" if style is CircuitStyle.AMRAP else " without a 'duration' to end it"),
            )

    def set_targets(
        self,
        sets: tuple[SetFields, ...],
        work: Work,
        *,
        weight: str | None,
        rest_ms: int,
        rest_after_ms: int,
        rpe: float | None,
        rir: int | None,
    ) -> tuple[SetTarget, ...]:
        """Each set of a list, the exercise's values filling in what the set does not give."""
        out: list[SetTarget] = []
        for i, one in enumerate(sets):
            last = i == len(sets) - 1
            own = one.work
            if own is not None and own.kind is not work.kind:
                self.check.problem(
                    own.key_pos,
                    f"this set gives '{own.kind.value}' but its exercise does "
                    f"'{work.kind.value}'; a set's target is of its exercise's kind",
                )
                own = None
            amrap = own.amrap if own is not None else work.amrap
            if own is not None and own.kind is WorkKind.REPS:
                reps, seconds = (None, own.seconds_ms) if own.amrap else (own.reps, None)
            elif own is not None:
                reps, seconds = None, own.seconds_ms
            else:
                reps = None if work.amrap else work.reps
                seconds = work.seconds_ms
            if work.kind is WorkKind.REPS and not amrap and reps is None:
                reps = work.reps or Reps(1, 1)
            target = SetTarget(
                reps=reps,
                seconds_ms=seconds,
                weight=one.weight if one.weight is not None else weight,
                rest_ms=(
                    one.rest_ms if one.rest_ms is not None else rest_after_ms if last else rest_ms
                ),
                # The exercise's effort target is for its work sets, not the warm-up.
                rpe=one.rpe if one.rpe is not None or one.warmup else rpe,
                rir=one.rir if one.rir is not None or one.warmup else rir,
                warmup=one.warmup,
                amrap=amrap,
                pos=one.pos,
            )
            before = out[-1] if out else None
            if (
                before is not None
                and before.rest_ms <= DROP_REST_MAX_MS
                and _lighter(target.weight, before.weight)
            ):
                target = replace(target, drop=True)
            out.append(target)
        return tuple(out)

    def library_entry(self, own: Fields) -> LibraryEntry | None:
        if own.use is None:
            return None
        entry = self.search.find(own.use)
        if entry is None and self.search.complete():
            self.unknown_ids += 1
            # Suggestions cost a look at every id; past a few they are not read anyway.
            match = (
                suggest(own.use, self.search.sorted_ids())
                if self.unknown_ids <= MAX_SUGGESTIONS
                else None
            )
            if match:
                hint = f"did you mean '{match}'?"
            elif self.unknown_ids <= MAX_SUGGESTIONS:
                hint = "no library has an exercise by that id"
            else:
                hint = "check its spelling in the library"
            self.check.problem(
                own.value_pos["use"], f"unknown exercise {quote(own.use)} in 'use'; {hint}"
            )
        return entry


def _set_ms(ex: Exercise, target: SetTarget | None = None) -> int:
    """The least time one set of `ex` takes, every side included, speech left out."""
    reps = ex.reps if target is None else target.reps
    seconds = ex.seconds_ms if target is None else target.seconds_ms
    work = reps.high * ex.tempo.rep_ms if reps is not None else seconds or 0
    sides = max(1, len(ex.sides))
    return work * sides + ex.side_switch_ms * (sides - 1)


def _item_size(item: Item) -> tuple[int, int]:
    """The least time an item takes, and how many sets (sides and rounds counted) it holds."""
    if isinstance(item, Circuit) and item.amrap_ms is not None:
        return item.amrap_ms + item.rest_after_ms, 1
    if isinstance(item, Circuit) and item.every_ms is not None:
        sets = item.rounds * len(item.exercises)
        return sets * item.every_ms + item.rest_after_ms, sets
    if isinstance(item, Circuit):
        one_round = sum(e.prepare_ms + _set_ms(e) for e in item.exercises)
        one_round += item.rest_ms * max(0, len(item.exercises) - 1)
        sets = item.rounds * sum(max(1, len(e.sides)) for e in item.exercises)
        rests = item.rest_between_rounds_ms * (item.rounds - 1) + item.rest_after_ms
        return item.rounds * one_round + rests, sets
    targets = item.targets()
    rests = sum(t.rest_ms for t in targets)
    work = sum(_set_ms(item, t) for t in targets)
    return item.prepare_ms + work + rests, item.sets * max(1, len(item.sides))


def session_size_problems(routine: Routine) -> list[Problem]:
    """A problem at the item where the session passes :data:`MAX_SESSION_MS` or
    :data:`MAX_SESSION_SETS`, if it does.

    The time counted is a lower bound (work, rests and pauses, no speech), so a routine is
    never refused for time its phrases would add; checking it costs nothing next to compiling,
    which a session of days would make slow.
    """
    total_ms = sets = 0
    for _, items in routine.sections():
        for item in items:
            ms, count = _item_size(item)
            total_ms, sets = total_ms + ms, sets + count
            pos = item.pos or SourcePos(str(routine.source or ""), 1, 1)
            if sets > MAX_SESSION_SETS:
                return [
                    Problem(
                        pos,
                        f"the session passes {MAX_SESSION_SETS} sets here (each side and each "
                        "round counted); split it into several routines",
                    )
                ]
            if total_ms > MAX_SESSION_MS:
                hours = MAX_SESSION_MS // 3_600_000
                return [
                    Problem(
                        pos,
                        f"the session passes {hours} hours here, counting only work and rests; "
                        "split it into several routines",
                    )
                ]
    return []


def _lighter(weight: str | None, before: str | None) -> bool:
    """Whether `weight` is a smaller number of the same unit than `before` ("60 kg" < "80 kg")."""
    if weight is None or before is None:
        return False
    a, b = _WEIGHT_NUMBER.fullmatch(weight), _WEIGHT_NUMBER.fullmatch(before)
    if a is None or b is None or a.group(2).casefold() != b.group(2).casefold():
        return False
    return float(a.group(1).replace(",", ".")) < float(b.group(1).replace(",", "."))


def _first(*values: int | None, default: int) -> int:
    return next((v for v in values if v is not None), default)
