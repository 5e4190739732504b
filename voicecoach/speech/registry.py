"""The speech engines voicecoach knows, in order of preference.

Every engine comes in through :func:`register`; the built-in ones are registered at the end of
this module, one line each. Adding an engine is one module implementing
:class:`~voicecoach.speech.engine.Engine` and one line here. Tests register a fake engine
(:class:`voicecoach.testing.FakeEngine`) with :func:`voicecoach.testing.engines`.
"""

from __future__ import annotations

import threading

from voicecoach.speech.engine import Engine, StartsAhead, UnknownEngineError, VoiceInfo
from voicecoach.speech.espeak_engine import ESPEAK_NG
from voicecoach.speech.piper_engine import PIPER
from voicecoach.speech.pyttsx3_engine import PYTTSX3

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
#: Each engine's voices, asked once a process (forgotten when the registry changes).
_voices: dict[str, list[VoiceInfo]] = {}
#: The engines :func:`warm_up` started, until :func:`cool_down` or :func:`release` stops them.
_warm: set[str] = set()


def register(engine: Engine, *, first: bool = False) -> None:
    """Add `engine` after the others (before them with `first`); its name must be new."""
    with _lock:
        if engine.name in _engines:
            raise ValueError(f"a speech engine named {engine.name!r} is registered already")
        _voices.clear()
        if first:
            rest = dict(_engines)
            _engines.clear()
            _engines[engine.name] = engine
            _engines.update(rest)
        else:
            _engines[engine.name] = engine


def unregister(name: str) -> Engine:
    """Remove the engine called `name` and return it."""
    with _lock:
        _voices.clear()
        return _engines.pop(name)


def engines() -> tuple[Engine, ...]:
    """Every registered engine, the preferred first."""
    with _lock:
        return tuple(_engines.values())


def engine_names() -> tuple[str, ...]:
    """The registered engines' names, the preferred first."""
    return tuple(e.name for e in engines())


def get_engine(name: str) -> Engine:
    """The engine called `name`; UnknownEngineError (listing the others) if there is none."""
    with _lock:
        found = _engines.get(name)
    if found is None:
        raise UnknownEngineError(
            f"unknown speech engine {name!r}; use one of: {', '.join(engine_names())}"
        )
    return found


def engine_voices(engine: Engine) -> list[VoiceInfo]:
    """`engine`'s voices sorted by id, asked once; SpeechUnavailable if it cannot list them."""
    with _lock:
        found = _voices.get(engine.name)
    if found is None:
        found = sorted(engine.voices(), key=lambda v: v.id)
        with _lock:
            _voices[engine.name] = found
    return found


def is_slow(name: str) -> bool:
    """True if the engine called `name` says it is slow (an engine's optional ``slow``): too slow
    for a session to wait for more than its first phrase before it starts."""
    with _lock:
        found = _engines.get(name)
    return bool(getattr(found, "slow", False))


def warm_up(name: str) -> bool:
    """Let the engine called `name` start what its first phrase needs, in the background, while
    the session does other work (an engine that is a
    :class:`~voicecoach.speech.engine.StartsAhead`: piper starts its worker process, which
    imports onnxruntime); True if it did. :func:`cool_down` stops it if no phrase is needed."""
    with _lock:
        found = _engines.get(name)
    if not isinstance(found, StartsAhead):
        return False
    found.warm_up()
    with _lock:
        _warm.add(name)
    return True


def cool_down(keep: str | None = None) -> None:
    """Stop what :func:`warm_up` started for every engine but `keep` (None: for all)."""
    with _lock:
        names = sorted(_warm - {keep})
    for name in names:
        release(name)


def release(name: str) -> None:
    """Stop what the engine called `name` keeps running between phrases (its worker process:
    piper's with onnxruntime and the voice loaded, pyttsx3's); the next phrase starts it again."""
    with _lock:
        found = _engines.get(name)
        _warm.discard(name)
    if isinstance(found, StartsAhead):
        found.release()


def preference(name: str | None) -> tuple[Engine, ...]:
    """The engines to try for `name`: that one first, then the others in order (all if None)."""
    ordered = engines()
    if name is None:
        return ordered
    chosen = get_engine(name)
    return (chosen, *(e for e in ordered if e is not chosen))


register(PYTTSX3)
register(ESPEAK_NG)
register(PIPER)
