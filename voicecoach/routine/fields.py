"""The exercise fields, checked one mapping at a time.

An exercise's fields can be written in three places: on the exercise itself, in its library entry
and in the routine's `defaults`. Each such mapping is checked here on its own, into a
:class:`Fields` that remembers which keys it set, so the loader can then apply the precedence
(exercise > library entry > `defaults` > engine defaults) field by field.

Every problem is recorded in a :class:`Checker` as a located message naming what was expected;
checking goes on after a problem so that one run reports them all.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from voicecoach.errors import Problem, SourcePos
from voicecoach.routine.model import Cue, Reps, StartsWith, Tempo, WorkKind
from voicecoach.routine.progress import PROGRESS_KEYS, Rule, rule_from_parts, rule_from_text
from voicecoach.routine.yamlsource import Map, Node, Scalar, Seq, describe, is_number, quote
from voicecoach.textsafety import is_blank, unspeakable

WORK_KEYS = ("reps", "hold", "duration")
CUE_KINDS = ("intro", "setup", "before_rep", "during", "finish")
EXERCISE_KEYS = (
    "name",
    "use",
    *WORK_KEYS,
    "sets",
    "sides",
    "tempo",
    "starts_with",
    "rest",
    "rest_after",
    "prepare",
    "side_switch",
    "weight",
    "progress",
    "cues",
    "notes",
    "rpe",
    "rir",
)
#: Keys of one mapping in a list of `sets`.
SET_KEYS = (*WORK_KEYS, "weight", "rest", "rpe", "rir", "warmup")
DEFAULTS_KEYS = (
    *(k for k in EXERCISE_KEYS if k not in ("name", "use", "progress", "starts_with")),
    "countdown",
)
LIBRARY_ENTRY_KEYS = (*(k for k in EXERCISE_KEYS if k != "use"), "muscles", "equipment")
CIRCUIT_KEYS = (
    "circuit",
    "rounds",
    "exercises",
    "rest",
    "rest_between_rounds",
    "style",
    "every",
    "amrap",
)
CIRCUIT_STYLES = ("standard", "intervals")
TOP_KEYS = (
    "name",
    "description",
    "language",
    "voice",
    "defaults",
    "library",
    "warmup",
    "exercises",
    "cooldown",
)
VOICE_KEYS = ("id", "rate", "volume", "engine", "model")

#: Ranges of the numeric fields: (low, high), both included.
SETS_RANGE = (1, 20)
REPS_RANGE = (1, 100)
WORK_SECONDS_RANGE = (1, 3600)
TEMPO_PART_MAX = 20
SECONDS_RANGES = {
    "rest": (0, 600),
    "rest_after": (0, 900),
    "prepare": (0, 120),
    "side_switch": (0, 60),
    "rest_between_rounds": (0, 900),
}
COUNTDOWN_RANGE = (0, 10)
RPE_RANGE = (5, 10)
RIR_RANGE = (0, 5)
EVERY_RANGE = (10, 600)
AMRAP_RANGE = (60, 3600)
#: The word that makes `reps` an AMRAP set.
MAX_REPS = "max"
ROUNDS_RANGE = (1, 20)
RATE_RANGE = (80, 400)
NAME_MAX = 80
WEIGHT_MAX = 40
#: The longest cue, in characters (a few minutes of speech): it bounds the time one phrase takes.
CUE_MAX = 4000
SIDES_MAX = 4

_TEMPO_PART = r"\s*(\d+(?:\.\d+)?)\s*"
_TEMPO = re.compile("-".join([_TEMPO_PART] * 4))
_BARE_NUMBER = re.compile(r"\s*[+-]?\d+(?:[.,]\d+)?\s*")


@dataclass(frozen=True)
class Place:
    """A kind of mapping the fields can be written in, as messages name it."""

    #: How messages say where a key is: "in an exercise".
    where: str
    allowed: tuple[str, ...]
    #: Keys that belong somewhere else, with the advice given when they are written here.
    elsewhere: dict[str, str] = field(default_factory=dict)


_TO_DEFAULTS = "set it in 'defaults'"
_LIBRARY_ONLY = "only library entries have it"
_CIRCUIT_ONLY = "it belongs to a circuit, an item with a 'circuit' name"

EXERCISE = Place(
    "in an exercise",
    EXERCISE_KEYS,
    {
        "countdown": _TO_DEFAULTS,
        "muscles": _LIBRARY_ONLY,
        "equipment": _LIBRARY_ONLY,
        "rounds": _CIRCUIT_ONLY,
        "rest_between_rounds": _CIRCUIT_ONLY,
        "style": _CIRCUIT_ONLY,
        "every": _CIRCUIT_ONLY,
        "amrap": _CIRCUIT_ONLY,
        "exercises": _CIRCUIT_ONLY,
    },
)
DEFAULTS = Place(
    "in 'defaults'",
    DEFAULTS_KEYS,
    {
        "name": "each exercise has its own",
        "use": "each exercise chooses its own",
        "progress": "each exercise progresses by its own rule: set it on the exercise",
        "starts_with": "it belongs to the movement of each exercise",
        "muscles": _LIBRARY_ONLY,
        "equipment": _LIBRARY_ONLY,
    },
)
LIBRARY_ENTRY = Place(
    "in a library entry",
    LIBRARY_ENTRY_KEYS,
    {
        "use": "library entries cannot build on one another",
        "countdown": "set it in a routine's 'defaults'",
    },
)
CIRCUIT = Place(
    "in a circuit",
    CIRCUIT_KEYS,
    {
        "name": "a circuit's name is its 'circuit' value",
        "sets": "a circuit repeats with 'rounds', a whole number from 1 to 20",
        **{
            k: "put it on the exercises inside the circuit"
            for k in (*EXERCISE_KEYS, "countdown")
            if k not in CIRCUIT_KEYS and k not in ("name", "sets")
        },
    },
)
TOP = Place(
    "at the top level",
    TOP_KEYS,
    {k: "put it under 'defaults'" for k in DEFAULTS_KEYS if k not in TOP_KEYS},
)
VOICE = Place("in 'voice'", VOICE_KEYS)
SET = Place(
    "in a set",
    SET_KEYS,
    {
        k: "it is the same for every set: put it on the exercise"
        for k in EXERCISE_KEYS
        if k not in SET_KEYS
    },
)
PROGRESS = Place("in 'progress'", PROGRESS_KEYS)
CUES = Place("in 'cues'", CUE_KINDS)
LIBRARY_TOP = Place("at the top level of a library", ("language", "exercises"))


@dataclass(frozen=True)
class Work:
    """What one set asks for, as one mapping sets it."""

    kind: WorkKind
    #: None when the value was wrong (and has been reported), or for `reps: max`.
    reps: Reps | None
    seconds_ms: int | None
    key_pos: SourcePos
    #: `reps: max`, as many as possible (within `seconds_ms` when `duration` is given).
    amrap: bool = False


@dataclass(frozen=True)
class SetFields:
    """One mapping of a list of `sets`; a field is None when absent or wrong."""

    pos: SourcePos
    key_pos: dict[str, SourcePos] = field(default_factory=dict)
    work: Work | None = None
    weight: str | None = None
    rest_ms: int | None = None
    rpe: float | None = None
    rir: int | None = None
    warmup: bool = False


@dataclass(frozen=True)
class Fields:
    """The exercise fields one mapping sets; a field is None when absent or wrong."""

    pos: SourcePos
    #: Keys written in the mapping (checked or not), with the places of key and value.
    key_pos: dict[str, SourcePos] = field(default_factory=dict)
    value_pos: dict[str, SourcePos] = field(default_factory=dict)
    name: str | None = None
    use: str | None = None
    work: Work | None = None
    sets: int | None = None
    sides: tuple[str, ...] | None = None
    tempo: Tempo | None = None
    starts_with: StartsWith | None = None
    rest_ms: int | None = None
    rest_after_ms: int | None = None
    prepare_ms: int | None = None
    side_switch_ms: int | None = None
    countdown_s: int | None = None
    weight: str | None = None
    progress: Rule | None = None
    #: Cues by kind, for the kinds the mapping sets.
    cues: dict[str, tuple[Cue, ...]] = field(default_factory=dict)
    notes: str | None = None
    muscles: tuple[str, ...] | None = None
    equipment: tuple[str, ...] | None = None
    rpe: float | None = None
    rir: int | None = None
    #: `sets` written as a list of set mappings.
    set_list: tuple[SetFields, ...] | None = None

    def sets_key(self, key: str) -> bool:
        """Whether the mapping writes `key` (even with a wrong value)."""
        return key in self.key_pos


def _tempo_parts(text: str) -> list[float] | None:
    match = _TEMPO.fullmatch(text)
    if match is None:
        return None
    parts = [float(p) for p in match.groups()]
    return parts if all(p <= TEMPO_PART_MAX for p in parts) else None


def parse_tempo(text: str) -> Tempo | None:
    """The tempo written as "E-B-C-T" seconds, or None if it is not one."""
    parts = _tempo_parts(text)
    if parts is None or not any(parts):
        return None
    ms = [round(p * 1000) for p in parts]
    return Tempo(ms[0], ms[1], ms[2], ms[3])


class Checker:
    """Checks values one by one, recording every problem found."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, pos: SourcePos, message: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(pos, message))

    # --- keys ---------------------------------------------------------------------------

    def keys(self, node: Map, place: Place) -> dict[str, tuple[Scalar, Node]]:
        """The entries of `node` whose keys are allowed in `place`; the others are reported."""
        found: dict[str, tuple[Scalar, Node]] = {}
        for key, value in node.entries:
            if key.text in place.allowed:
                found[key.text] = (key, value)
            elif key.text in place.elsewhere:
                self.problem(
                    key.pos,
                    f"'{key.text}' cannot be set {place.where}; {place.elsewhere[key.text]}",
                )
            else:
                self.problem(key.pos, unknown_key(key.text, place))
        return found

    # --- values ---------------------------------------------------------------------------

    def readable(self, node: Scalar, key: str) -> bool:
        """Whether a text holds only characters a terminal shows and an engine speaks as text.

        Control characters (escape, Ctrl-A, NUL, ...), lone surrogates and direction overrides
        are refused: they would steer the terminal or the speech engine, or break either.
        """
        assert isinstance(node.value, str)
        bad = unspeakable(node.value)
        if bad is None:
            return True
        index, what = bad
        self.problem(
            node.pos,
            f"'{key}' holds a {what} at character {index + 1}; only text can be shown and "
            "spoken: remove it",
        )
        return False

    def visible(self, node: Scalar, key: str, value: str) -> bool:
        """Whether a name or label shows something once invisible characters are left out."""
        if value and is_blank(value):
            self.problem(
                node.pos,
                f"'{key}' shows nothing: it holds only invisible characters; write a name",
            )
            return False
        return True

    def text(
        self, node: Node, key: str, *, max_len: int | None = None, empty: bool = False
    ) -> str | None:
        """A string; stripped, and not empty unless `empty`."""
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            self.problem(node.pos, f"'{key}' must be text, got {describe(node)}{_quote_hint(node)}")
            return None
        if not self.readable(node, key):
            return None
        value = node.value.strip()
        if not value and not empty:
            self.problem(node.pos, f"'{key}' cannot be empty")
            return None
        if not empty and not self.visible(node, key, value):
            return None
        if max_len is not None and len(value) > max_len:
            self.problem(
                node.pos, f"'{key}' must be at most {max_len} characters, got {len(value)}"
            )
            return None
        return value

    def name(self, node: Node, key: str) -> str | None:
        """A display name: text of 1 to 80 characters, runs of white space made one space."""
        value = self.text(node, key, max_len=NAME_MAX)
        return None if value is None else " ".join(value.split())

    def clock_time(self, node: Node, key: str) -> bool:
        """Refuse a time written as minutes:seconds (``1:30``), which YAML reads as 90.

        YAML 1.1 reads ``1:30`` as a base-60 number; taking it silently would surprise anyone
        who meant something else, so the message says which number to write.
        """
        if isinstance(node, Scalar) and is_number(node) and ":" in node.text:
            self.problem(
                node.pos,
                f"'{key}' is written {node.text}, which reads as minutes and seconds; "
                f"write {node.value:g} (seconds) instead",
            )
            return True
        return False

    def whole(self, node: Node, key: str, bounds: tuple[int, int]) -> int | None:
        """A whole number within `bounds` (3.0 counts as whole; 2.5, true and "3" do not)."""
        low, high = bounds
        if self.clock_time(node, key):
            return None
        value = _whole_value(node)
        if value is not None and low <= value <= high:
            return value
        self.problem(
            node.pos, f"'{key}' must be a whole number from {low} to {high}, got {describe(node)}"
        )
        return None

    def seconds(self, node: Node, key: str, bounds: tuple[int, int]) -> int | None:
        """A number of seconds within `bounds`, decimals allowed, as integer milliseconds."""
        low, high = bounds
        if self.clock_time(node, key):
            return None
        if isinstance(node, Scalar) and is_number(node):
            value = node.value
            assert isinstance(value, int | float)
            if low <= value <= high:
                return round(value * 1000)
        self.problem(
            node.pos,
            f"'{key}' must be a number of seconds from {low} to {high}, got {describe(node)}",
        )
        return None

    def rpe(self, node: Node) -> float | None:
        """A target effort from 5 to 10, in halves."""
        low, high = RPE_RANGE
        if isinstance(node, Scalar) and is_number(node):
            value = node.value
            assert isinstance(value, int | float)
            if low <= value <= high and float(value * 2).is_integer():
                return float(value)
        self.problem(
            node.pos,
            f"'rpe' must be a number from {low} to {high} in halves, like 8 or 8.5, "
            f"got {describe(node)}",
        )
        return None

    def flag(self, node: Node, key: str) -> bool | None:
        """true or false."""
        if isinstance(node, Scalar) and isinstance(node.value, bool):
            return node.value
        self.problem(node.pos, f"'{key}' must be true or false, got {describe(node)}")
        return None

    def fraction(self, node: Node, key: str) -> float | None:
        """A number from 0.0 to 1.0."""
        if isinstance(node, Scalar) and is_number(node):
            value = node.value
            assert isinstance(value, int | float)
            if 0 <= value <= 1:
                return float(value)
        self.problem(node.pos, f"'{key}' must be a number from 0.0 to 1.0, got {describe(node)}")
        return None

    def choice(self, node: Node, key: str, choices: Iterable[str]) -> str | None:
        """One of a few fixed words."""
        options = tuple(choices)
        if isinstance(node, Scalar) and node.value in options:
            assert isinstance(node.value, str)
            return node.value
        match = (
            suggest(node.value, options)
            if isinstance(node, Scalar) and isinstance(node.value, str)
            else None
        )
        hint = f"; did you mean '{match}'?" if match else ""
        self.problem(
            node.pos, f"'{key}' must be one of {', '.join(options)}, got {describe(node)}{hint}"
        )
        return None

    def texts(self, node: Node, key: str, example: str) -> tuple[str, ...] | None:
        """A list of non-empty strings (`example` shows one in the message)."""
        if not isinstance(node, Seq):
            self.problem(
                node.pos, f"'{key}' must be a list of texts like {example}, got {describe(node)}"
            )
            return None
        out: list[str] = []
        for item in node.items:
            if not _is_text(item) or not str(getattr(item, "value", "")).strip():
                self.problem(
                    item.pos,
                    f"'{key}' must list non-empty texts, got {describe(item)}{_quote_hint(item)}",
                )
            else:
                assert isinstance(item, Scalar)
                text = " ".join(str(item.value).split())
                if self.readable(item, key) and self.visible(item, key, text):
                    out.append(text)
        return tuple(out) if len(out) == len(node.items) else None

    def reps(self, node: Node) -> Reps | None:
        """A number of repetitions or a range [low, high] (`max` is read by the caller)."""
        low, high = REPS_RANGE
        if isinstance(node, Seq):
            values = [_whole_value(item) for item in node.items]
            if len(values) == 2 and values[0] is not None and values[1] is not None:
                a, b = values[0], values[1]
                if low <= a < b <= high:
                    return Reps(a, b)
            shown = "[" + ", ".join(describe(item) for item in node.items) + "]"
            self.problem(
                node.pos,
                f"a 'reps' range must be [low, high]: two whole numbers from {low} to {high}, "
                f"low below high, got {shown}",
            )
            return None
        value = _whole_value(node)
        if value is not None and low <= value <= high:
            return Reps(value, value)
        self.problem(
            node.pos,
            f"'reps' must be a whole number from {low} to {high}, a range like [8, 10] "
            f"or '{MAX_REPS}', got {describe(node)}",
        )
        return None

    def tempo(self, node: Node) -> Tempo | None:
        """A tempo "E-B-C-T"."""
        if isinstance(node, Scalar) and isinstance(node.value, str):
            parts = _tempo_parts(node.value)
            if parts is not None and not any(parts):
                self.problem(
                    node.pos,
                    "'tempo' cannot be all zeros; a rep needs some time, like \"2-0-2-0\"",
                )
                return None
            tempo = parse_tempo(node.value)
            if tempo is not None:
                return tempo
        self.problem(
            node.pos,
            "'tempo' must look like \"2-0-2-0\" (lowering-bottom-lifting-top seconds, "
            f"each 0-{TEMPO_PART_MAX}), got {describe(node)}",
        )
        return None

    def sides(self, node: Node) -> tuple[str, ...] | None:
        """1 to 4 distinct side labels."""
        if not isinstance(node, Seq) or not 1 <= len(node.items) <= SIDES_MAX:
            self.problem(
                node.pos,
                f"'sides' must be a list of 1 to {SIDES_MAX} labels like [left, right], "
                f"got {_describe_list(node)}",
            )
            return None
        labels: list[str] = []
        ok = True
        for item in node.items:
            if not isinstance(item, Scalar) or not isinstance(item.value, str):
                self.problem(
                    item.pos, f"a side label must be text, got {describe(item)}{_quote_hint(item)}"
                )
                ok = False
            elif not item.value.strip():
                self.problem(item.pos, "a side label cannot be empty")
                ok = False
            elif not self.readable(item, "sides") or not self.visible(
                item, "sides", item.value.strip()
            ):
                ok = False
            else:
                label = " ".join(item.value.split())
                if label in labels:
                    self.problem(item.pos, f"side {quote(label)} is listed twice")
                    ok = False
                labels.append(label)
        return tuple(labels) if ok else None

    def weight(self, node: Node) -> str | None:
        """A short text with a unit: "20 kg", "light band"."""
        if is_number(node) or (
            isinstance(node, Scalar)
            and isinstance(node.value, str)
            and _BARE_NUMBER.fullmatch(node.value)
        ):
            self.problem(
                node.pos,
                f'\'weight\' needs a unit, like "20 kg" or "45 lb", got {describe(node)}',
            )
            return None
        value = self.text(node, "weight", max_len=WEIGHT_MAX)
        return None if value is None else " ".join(value.split())

    def progress(self, node: Node) -> Rule | None:
        """A progression rule: "double 2.5 kg", or a mapping with 'rule' and 'step'."""
        if isinstance(node, Scalar) and isinstance(node.value, str):
            rule = rule_from_text(node.value)
        elif isinstance(node, Map):
            found = {k: v for k, (_, v) in self.keys(node, PROGRESS).items()}
            missing = [k for k in ("rule", "step") if k not in found]
            if missing:
                self.problem(node.pos, f"'progress' needs {' and '.join(repr(k) for k in missing)}")
                return None

            def scalar(key: str) -> str | None:
                value = found.get(key)
                if value is None:
                    return None
                if isinstance(value, Scalar) and value.value is not None:
                    return str(value.value)
                self.problem(value.pos, f"'{key}' must be a single value, got {describe(value)}")
                raise _Reported

            def whole(key: str, bounds: tuple[int, int]) -> int | None:
                value = found.get(key)
                if value is None:
                    return None
                number = self.whole(value, key, bounds)
                if number is None:
                    raise _Reported
                return number

            try:
                rule = rule_from_parts(
                    scalar("rule") or "",
                    scalar("step") or "",
                    deload=scalar("deload"),
                    after=whole("after", (1, 10)),
                    up_to=whole("up_to", (1, 3600)),
                )
            except _Reported:
                return None
        else:
            self.problem(
                node.pos,
                "'progress' must be a rule like \"double 2.5 kg\" or a mapping with 'rule' and "
                f"'step', got {describe(node)}",
            )
            return None
        if isinstance(rule, str):
            self.problem(node.pos, rule)
            return None
        return rule

    def cues(self, node: Node) -> dict[str, tuple[Cue, ...]]:
        """Cues by kind; each kind a text or a list of texts."""
        if not isinstance(node, Map):
            self.problem(
                node.pos,
                f"'cues' must be a mapping of {', '.join(CUE_KINDS)} to texts, "
                f"got {describe(node)}",
            )
            return {}
        out: dict[str, tuple[Cue, ...]] = {}
        for kind, (_, value) in self.keys(node, CUES).items():
            items = value.items if isinstance(value, Seq) else (value,)
            if not isinstance(value, Seq) and not _is_text(value):
                self.problem(
                    value.pos,
                    f"'{kind}' must be a cue or a list of cues (texts), "
                    f"got {describe(value)}{_quote_hint(value)}",
                )
                out[kind] = ()
                continue
            cues: list[Cue] = []
            for item in items:
                if not isinstance(item, Scalar) or not isinstance(item.value, str):
                    self.problem(
                        item.pos, f"a cue must be text, got {describe(item)}{_quote_hint(item)}"
                    )
                elif not item.value.strip():
                    self.problem(item.pos, "a cue cannot be empty")
                elif len(item.value.strip()) > CUE_MAX:
                    self.problem(
                        item.pos,
                        f"a cue must be at most {CUE_MAX:,} characters, "
                        f"got {len(item.value.strip()):,}; split it, or put it in 'notes'",
                    )
                elif self.readable(item, kind) and self.visible(item, kind, item.value.strip()):
                    cues.append(Cue(" ".join(item.value.split()), item.pos))
            out[kind] = tuple(cues)
        return out

    def text_or_texts(self, node: Node, key: str) -> tuple[str, ...] | None:
        """A string or a list of strings, as a tuple."""
        if isinstance(node, Seq):
            return self.texts(node, key, "[barbell, bench]")
        value = self.text(node, key)
        return None if value is None else (value,)


class _Reported(Exception):
    """A value was wrong and has been reported: stop checking the mapping it is in."""


def unknown_key(key: str, place: Place) -> str:
    """The message for a key that `place` does not have, with the closest one it does."""
    match = suggest(key, place.allowed)
    if match:
        return f"unknown key {quote(key)} {place.where}; did you mean '{match}'?"
    return f"unknown key {quote(key)} {place.where}; expected one of {', '.join(place.allowed)}"


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate `word` was most likely meant to be, if one is close enough.

    Typing slips (a letter missing, doubled, swapped or wrong) are measured by edit distance,
    with swapped neighbours counted as one edit, so 'rset' suggests 'rest' rather than 'sets'.
    """
    options = list(dict.fromkeys(candidates))
    folded = word.casefold().replace("-", "_").replace(" ", "_")
    for option in options:
        if option.casefold().replace("-", "_") == folded:
            return option
    allowed = 1 if len(word) <= 4 else 2
    low = word.casefold()
    scored = [
        (_edit_distance(low, o.casefold(), allowed), i, o)
        for i, o in enumerate(options)
        if abs(len(o) - len(word)) <= allowed
    ]
    close = [s for s in scored if s[0] <= allowed]
    if close:
        return min(close)[2]
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.8)
    return matches[0] if matches else None


def _edit_distance(a: str, b: str, bound: int = 2) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps.

    Distances above `bound` are all reported as `bound` + 1, found without finishing the table.
    """
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (ca != cb),
            )
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > bound + 1:
            return bound + 1
        previous2, previous = previous, current
    return min(previous[-1], bound + 1)


def parse_fields(check: Checker, node: Map, place: Place) -> Fields:
    """Check one mapping of exercise fields (an exercise, a library entry or `defaults`)."""
    found = check.keys(node, place)
    values = {k: v for k, (_, v) in found.items()}

    def seconds(key: str) -> int | None:
        return check.seconds(values[key], key, SECONDS_RANGES[key]) if key in values else None

    work = parse_work(check, found, place)

    tempo = check.tempo(values["tempo"]) if "tempo" in values else None
    if "tempo" in values and place is LIBRARY_ENTRY and work and work.kind is not WorkKind.REPS:
        check.problem(
            found["tempo"][0].pos,
            f"'tempo' only paces 'reps'; this library entry sets '{work.kind}' instead",
        )

    set_list: tuple[SetFields, ...] | None = None
    sets: int | None = None
    sets_node = values.get("sets")
    if isinstance(sets_node, Seq):
        set_list = _set_list(check, sets_node, place)
    elif "sets" in values:
        sets = check.whole(values["sets"], "sets", SETS_RANGE)

    return Fields(
        pos=node.pos,
        key_pos={k: key.pos for k, (key, _) in found.items()},
        value_pos={k: v.pos for k, v in values.items()},
        name=check.name(values["name"], "name") if "name" in values else None,
        use=check.text(values["use"], "use") if "use" in values else None,
        work=work,
        sets=sets,
        set_list=set_list,
        rpe=check.rpe(values["rpe"]) if "rpe" in values else None,
        rir=check.whole(values["rir"], "rir", RIR_RANGE) if "rir" in values else None,
        sides=check.sides(values["sides"]) if "sides" in values else None,
        tempo=tempo,
        starts_with=(
            StartsWith(v)
            if "starts_with" in values
            and (v := check.choice(values["starts_with"], "starts_with", tuple(StartsWith)))
            else None
        ),
        rest_ms=seconds("rest"),
        rest_after_ms=seconds("rest_after"),
        prepare_ms=seconds("prepare"),
        side_switch_ms=seconds("side_switch"),
        countdown_s=(
            check.whole(values["countdown"], "countdown", COUNTDOWN_RANGE)
            if "countdown" in values
            else None
        ),
        weight=check.weight(values["weight"]) if "weight" in values else None,
        progress=check.progress(values["progress"]) if "progress" in values else None,
        cues=check.cues(values["cues"]) if "cues" in values else {},
        notes=check.text(values["notes"], "notes", empty=True) if "notes" in values else None,
        muscles=(
            check.texts(values["muscles"], "muscles", "[glutes, hamstrings]")
            if "muscles" in values
            else None
        ),
        equipment=(
            check.text_or_texts(values["equipment"], "equipment") if "equipment" in values else None
        ),
    )


def parse_work(check: Checker, found: dict[str, tuple[Scalar, Node]], place: Place) -> Work | None:
    """What a set asks for: `reps`, `hold` or `duration`; `reps: max` may come with a
    `duration`, its time limit."""
    values = {k: v for k, (_, v) in found.items()}
    amrap = _is_max(values.get("reps"))
    work_keys = [k for k in found if k in WORK_KEYS]
    if amrap and "duration" in values:
        work_keys.remove("duration")
    work: Work | None = None
    for key in work_keys:
        value = values[key]
        key_pos = found[key][0].pos
        if key == "reps" and amrap:
            limit = None
            if "duration" in values:
                limit = check.seconds(values["duration"], "duration", WORK_SECONDS_RANGE)
            parsed = Work(WorkKind.REPS, None, limit, key_pos, amrap=True)
        elif key == "reps":
            parsed = Work(WorkKind.REPS, check.reps(value), None, key_pos)
        else:
            ms = check.seconds(value, key, WORK_SECONDS_RANGE)
            parsed = Work(WorkKind(key), None, ms, key_pos)
        work = work or parsed
    if len(work_keys) > 1:
        named = _and(f"'{k}'" for k in work_keys)
        lead = {
            "in an exercise": "an exercise needs exactly one of",
            "in a library entry": "a library entry sets at most one of",
            "in a set": "a set gives at most one of",
        }.get(place.where, "'defaults' sets at most one of")
        tail = f" ('duration' goes with 'reps: {MAX_REPS}' only)" if "duration" in work_keys else ""
        check.problem(
            found[work_keys[1]][0].pos,
            f"{lead} 'reps', 'hold' or 'duration'; this one sets {named}{tail}",
        )
    return work


def _is_max(node: Node | None) -> bool:
    return isinstance(node, Scalar) and node.value == MAX_REPS


def _set_list(check: Checker, node: Seq, place: Place) -> tuple[SetFields, ...] | None:
    """`sets` as a list of set mappings: only on an exercise, 1 to 20 of them."""
    low, high = SETS_RANGE
    if place is not EXERCISE:
        check.problem(
            node.pos,
            f"'sets' {place.where} must be a whole number from {low} to {high}; "
            "a list of sets belongs on an exercise",
        )
        return None
    if not low <= len(node.items) <= high:
        check.problem(
            node.pos,
            f"'sets' as a list must hold {low} to {high} sets, got {len(node.items)}",
        )
        return None
    out: list[SetFields] = []
    for item in node.items:
        if not isinstance(item, Map):
            check.problem(
                item.pos,
                "each set in 'sets' must be a mapping like {reps: 5, weight: 60 kg} "
                f"(or {{}} for the exercise's own target), got {describe(item)}",
            )
            continue
        found = check.keys(item, SET)
        values = {k: v for k, (_, v) in found.items()}
        warmup = check.flag(values["warmup"], "warmup") if "warmup" in values else None
        out.append(
            SetFields(
                pos=item.pos,
                key_pos={k: key.pos for k, (key, _) in found.items()},
                work=parse_work(check, found, SET),
                weight=check.weight(values["weight"]) if "weight" in values else None,
                rest_ms=(
                    check.seconds(values["rest"], "rest", SECONDS_RANGES["rest"])
                    if "rest" in values
                    else None
                ),
                rpe=check.rpe(values["rpe"]) if "rpe" in values else None,
                rir=check.whole(values["rir"], "rir", RIR_RANGE) if "rir" in values else None,
                warmup=bool(warmup),
            )
        )
    return tuple(out) if len(out) == len(node.items) else None


def _and(words: Iterable[str]) -> str:
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _whole_value(node: Node) -> int | None:
    if isinstance(node, Scalar) and is_number(node):
        value = node.value
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    return None


def _is_text(node: Node) -> bool:
    return isinstance(node, Scalar) and isinstance(node.value, str)


def _quote_hint(node: Node) -> str:
    if isinstance(node, Scalar) and node.value is not None and not isinstance(node.value, str):
        return "; put it in quotes to use it as text"
    return ""


def _describe_list(node: Node) -> str:
    if isinstance(node, Seq):
        count = len(node.items)
        return f"{count} label{'s' if count != 1 else ''}"
    return describe(node)
