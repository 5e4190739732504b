"""The settings file: what a person sets once, and where each value in force comes from.

``config.yaml`` in the user's config folder (through platformdirs: on Linux
``$XDG_CONFIG_HOME/voicecoach/config.yaml``, typically ``~/.config/voicecoach/config.yaml``)::

    engine: piper          # piper, pyttsx3 or espeak-ng
    voice: en_US-joe-medium
    rate: 170              # words a minute, 80 to 400
    volume: 1.0            # 0.0 to 1.0, voice and beeps together
    beeps: -6              # beeps in dB relative to the voice (0: as loud as the voice)
    language: en           # of routines that name none, `voicecoach say`, history and stats tables
    history: ~/workouts/history.sqlite3
    routines: ~/workouts/routines

Every key is optional. Each value in force comes from the first place that sets it, in this
order: a command-line option, the routine file, the settings file, voicecoach's default
(:func:`resolve`). The file is checked as a routine file is, one ``FILE:LINE:COLUMN: message``
per problem (exit status 2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import platformdirs

from voicecoach.beeps import DEFAULT_BEEPS_DB
from voicecoach.errors import RoutineError
from voicecoach.routine.fields import RATE_RANGE, Checker, Place
from voicecoach.routine.model import DEFAULT_RATE_WPM, DEFAULT_VOLUME, LANGUAGES, Routine, Voice
from voicecoach.routine.yamlsource import (
    Map,
    Node,
    Scalar,
    describe,
    is_number,
    parse_yaml,
    read_source_file,
)

KEYS = ("engine", "voice", "rate", "volume", "beeps", "language", "history", "routines")
SETTINGS = Place("in the settings file", KEYS)
#: The engine a session speaks with when nothing names one: the neural voice. When it is not
#: installed, or has no voice for the language, the next engine speaks (and the run says so).
DEFAULT_ENGINE = "piper"
#: Beeps relative to the voice, in dB.
BEEPS_RANGE = (-40.0, 12.0)

DEFAULT = "default"
FLAG = "option"

_T = TypeVar("_T")


def settings_path() -> Path:
    """Where the settings file is read from (it need not exist)."""
    return platformdirs.user_config_path("voicecoach", appauthor=False) / "config.yaml"


@dataclass(frozen=True)
class Settings:
    """What a settings file sets; None where it sets nothing."""

    path: Path | None = None
    engine: str | None = None
    voice: str | None = None
    rate: int | None = None
    volume: float | None = None
    beeps_db: float | None = None
    language: str | None = None
    history: Path | None = None
    routines: Path | None = None


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file (default :func:`settings_path`); no file sets nothing.

    Raises :class:`~voicecoach.errors.RoutineError` with every problem, each located in the file.
    """
    path = path if path is not None else settings_path()
    if not path.is_file():
        return Settings()
    filename = str(path)
    text = read_source_file(path, filename=filename, kind="settings file")
    root, problems = parse_yaml(text, filename=filename)
    check = Checker()
    check.problems.extend(problems)
    settings = Settings(path=path)
    if isinstance(root, Map):
        settings = _read(check, root, path)
    elif root is not None:
        check.problem(
            root.pos,
            f"the settings file must be a mapping of {', '.join(KEYS)}, got {describe(root)}",
        )
    if check.problems:
        raise RoutineError(sorted(dict.fromkeys(check.problems), key=lambda p: p.pos))
    return settings


def _read(check: Checker, root: Map, path: Path) -> Settings:
    found = {k: v for k, (_, v) in check.keys(root, SETTINGS).items()}

    def get(key: str, read: Callable[[Node], _T | None]) -> _T | None:
        return read(found[key]) if key in found else None

    return Settings(
        path=path,
        engine=get("engine", lambda n: _engine(check, n)),
        voice=get("voice", lambda n: check.text(n, "voice")),
        rate=get("rate", lambda n: check.whole(n, "rate", RATE_RANGE)),
        volume=get("volume", lambda n: check.fraction(n, "volume")),
        beeps_db=get("beeps", lambda n: _decibels(check, n, "beeps", BEEPS_RANGE)),
        language=get("language", lambda n: check.choice(n, "language", LANGUAGES)),
        history=get("history", lambda n: _path(check, n, "history", path.parent)),
        routines=get("routines", lambda n: _path(check, n, "routines", path.parent)),
    )


def _engine(check: Checker, node: Node) -> str | None:
    from voicecoach.speech.registry import engine_names

    return check.choice(node, "engine", engine_names())


def _decibels(check: Checker, node: Node, key: str, bounds: tuple[float, float]) -> float | None:
    low, high = bounds
    if isinstance(node, Scalar) and is_number(node):
        value = node.value
        assert isinstance(value, int | float)
        if low <= value <= high:
            return float(value)
    check.problem(
        node.pos,
        f"'{key}' must be a number of decibels from {low:g} to {high:g} next to the voice "
        f"(0: as loud as the voice), got {describe(node)}",
    )
    return None


def _path(check: Checker, node: Node, key: str, base: Path) -> Path | None:
    text = check.text(node, key)
    if text is None:
        return None
    path = Path(text).expanduser()
    return path if path.is_absolute() else base / path


# -- what is in force, and why ------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One setting in force: its value (None: the engine's own choice) and where it comes from."""

    value: object
    source: str


@dataclass(frozen=True)
class Overrides:
    """What the command line sets; None where it sets nothing."""

    engine: str | None = None
    voice: str | None = None
    rate: int | None = None
    volume: float | None = None
    beeps_db: float | None = None
    language: str | None = None
    history: Path | None = None


@dataclass(frozen=True)
class InForce:
    """Every setting in force, with where it comes from (:func:`resolve`)."""

    engine: Choice
    voice: Choice
    rate: Choice
    volume: Choice
    beeps_db: Choice
    language: Choice
    history: Choice
    routines: Choice

    def rows(self) -> list[tuple[str, Choice]]:
        """(key, choice) for every setting, in the settings file's order."""
        return list(zip(KEYS, self._choices(), strict=True))

    def _choices(self) -> tuple[Choice, ...]:
        return (
            self.engine,
            self.voice,
            self.rate,
            self.volume,
            self.beeps_db,
            self.language,
            self.history,
            self.routines,
        )

    @property
    def voice_settings(self) -> Voice:
        """The voice a session speaks with."""
        voice_id = self.voice.value
        rate, volume, engine = self.rate.value, self.volume.value, self.engine.value
        assert voice_id is None or isinstance(voice_id, str)
        assert isinstance(rate, int)
        assert isinstance(volume, float)
        assert engine is None or isinstance(engine, str)
        return Voice(id=voice_id, rate=rate, volume=volume, engine=engine)

    @property
    def beeps(self) -> float:
        value = self.beeps_db.value
        assert isinstance(value, float)
        return value

    @property
    def language_code(self) -> str:
        value = self.language.value
        assert isinstance(value, str)
        return value

    @property
    def history_path(self) -> Path:
        value = self.history.value
        assert isinstance(value, Path)
        return value

    @property
    def routines_dir(self) -> Path:
        value = self.routines.value
        assert isinstance(value, Path)
        return value

    def apply(self, routine: Routine) -> Routine:
        """`routine` with the voice and language in force."""
        v = self.voice_settings
        voice = replace(routine.voice, id=v.id, rate=v.rate, volume=v.volume, engine=v.engine)
        return replace(routine, voice=voice, language=self.language_code)


def _rank(source: str) -> int:
    """How near a source is: an option 0, a routine 1, the settings file 2, a default 3."""
    for rank, start in enumerate((FLAG, "routine", "settings file")):
        if source.startswith(start):
            return rank
    return 3


def resolve(
    settings: Settings,
    overrides: Overrides | None = None,
    routine: Routine | None = None,
) -> InForce:
    """Each setting from the first place that sets it: option, routine, settings file, default.

    A routine sets what its file writes: `voice` (engine, id or model, rate, volume) and
    `language`. A voice and an engine go together: a voice named in a later place than the engine
    (an option's voice over a routine's engine, say) keeps that engine only if it is one of its
    voices; otherwise the engine is chosen by the voice (see
    :func:`voicecoach.speech.voices.open_voice`).
    """
    from voicecoach.history.store import default_path
    from voicecoach.routine.catalog import default_routines_dir

    flags = overrides or Overrides()
    in_file = f"settings file {settings.path}"
    where = routine.source if routine is not None and routine.source else None
    in_routine = f"routine {where}" if where else "routine"
    given = routine.voice.given if routine is not None else frozenset()

    def pick(
        flag: object, from_routine: object, from_file: object, default: object, option: str
    ) -> Choice:
        if flag is not None:
            return Choice(flag, f"{FLAG} {option}")
        if from_routine is not None:
            return Choice(from_routine, in_routine)
        if from_file is not None:
            return Choice(from_file, in_file)
        return Choice(default, DEFAULT)

    voice = routine.voice if routine is not None else Voice()
    language_given = routine is not None and routine.language_given
    engine = pick(flags.engine, voice.engine, settings.engine, DEFAULT_ENGINE, "--engine")
    voice_choice = pick(flags.voice, voice.id, settings.voice, None, "--voice")
    if _rank(voice_choice.source) < _rank(engine.source):
        # A voice named in a nearer place than the engine: the engine is the one that has it.
        engine = Choice(None, f"the voice's ({voice_choice.source})")
    return InForce(
        engine=engine,
        voice=voice_choice,
        rate=pick(
            flags.rate,
            voice.rate if "rate" in given else None,
            settings.rate,
            DEFAULT_RATE_WPM,
            "--rate",
        ),
        volume=pick(
            flags.volume,
            voice.volume if "volume" in given else None,
            settings.volume,
            DEFAULT_VOLUME,
            "--volume",
        ),
        beeps_db=pick(flags.beeps_db, None, settings.beeps_db, DEFAULT_BEEPS_DB, "--beeps"),
        language=pick(
            flags.language,
            routine.language if routine is not None and language_given else None,
            settings.language,
            LANGUAGES[0],
            "--language",
        ),
        history=pick(flags.history, None, settings.history, default_path(), "--history"),
        routines=pick(None, None, settings.routines, default_routines_dir(), ""),
    )


def _engine_in_use(name: str) -> str:
    """`name`, or what speaks instead when it is piper and piper-tts is not installed (a session
    passes over an engine that is not installed to the next one in order)."""
    from voicecoach.speech import piper_engine
    from voicecoach.speech.registry import preference

    if name != piper_engine.PIPER.name or piper_engine.installed():
        return name
    instead = next((e.name for e in preference(name) if e.name != name), None)
    used = f": {instead} is used" if instead else ""
    return f"{name} (not installed{used})"


def describe_in_force(in_force: InForce, path: Path) -> str:
    """What ``voicecoach config`` prints: each setting, its value, and where it comes from."""
    values = {
        "engine": "(the voice's engine)",
        "voice": "(the engine's voice for the language)",
    }
    rows = []
    for key, choice in in_force.rows():
        if choice.value is None:
            shown = values[key]
        elif key == "beeps":
            shown = f"{choice.value:+g} dB"
        elif key == "engine":
            shown = _engine_in_use(str(choice.value))
        else:
            shown = str(choice.value)
        rows.append((key, shown, choice.source))
    width = max(len(shown) for _, shown, _ in rows)
    there = "" if path.is_file() else " (not there: nothing is set in it)"
    lines = [f"settings file: {path}{there}", ""]
    lines += [f"{key:<9} {shown:<{width}}  {source}" for key, shown, source in rows]
    return "\n".join(lines) + "\n"
