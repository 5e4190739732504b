"""Finding routines by name: the bundled ones and the user's own folder.

A ROUTINE argument is a path to a YAML file, or the name of a routine in the user's folder
(``$XDG_CONFIG_HOME/voicecoach/routines``, typically ``~/.config/voicecoach/routines``), or the
name of a bundled routine. The user's folder wins over the bundled set, so a user can shadow a
bundled routine with their own version of it.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from voicecoach.errors import UsageError
from voicecoach.resources import bundled_routines
from voicecoach.routine.library import is_library_file


@dataclass(frozen=True)
class RoutineEntry:
    """A routine that can be run by name."""

    name: str
    path: Path
    origin: str  # "bundled" or "user"


def name_key(text: str) -> str:
    """A name as a person types it, for comparing: case, dashes, underscores and spacing
    ignored ("band-row", "Band Row" and "BAND_ROW" are one name)."""
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


def default_routines_dir() -> Path:
    """The user's own routines folder when the settings file names none (it may not exist)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "voicecoach" / "routines"


def user_routines_dir() -> Path:
    """The user's own routines folder: the settings file's `routines`, else
    :func:`default_routines_dir` (it may not exist)."""
    from voicecoach.settings import load_settings

    return load_settings().routines or default_routines_dir()


def _user_routines() -> dict[str, Path]:
    folder = user_routines_dir()
    if not folder.is_dir():
        return {}
    found = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    # Exercise libraries kept beside the routines are not routines.
    return {p.stem: p for p in found if not is_library_file(p)}


def list_routines() -> list[RoutineEntry]:
    """Every routine that can be run by name: the user's first, then the bundled ones."""
    user = _user_routines()
    entries = [RoutineEntry(n, p, "user") for n, p in user.items()]
    entries += [
        RoutineEntry(n, p, "bundled") for n, p in bundled_routines().items() if n not in user
    ]
    return entries


def routine_names() -> list[str]:
    """Names for shell completion."""
    return sorted({e.name for e in list_routines()})


def resolve_routine(arg: str) -> Path:
    """The file a ROUTINE argument means; raises :class:`UsageError` with close names if none."""
    path = Path(arg).expanduser()
    looks_like_path = os.sep in arg or arg.endswith((".yaml", ".yml"))
    if path.is_file():
        return path
    if looks_like_path:
        raise UsageError(f"no routine file at {arg}")
    for entry in list_routines():
        if entry.name == arg:
            return entry.path
    names = routine_names()
    close = difflib.get_close_matches(arg, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(
        f"no routine named {arg!r}{hint} (see 'voicecoach list' for the routines by name, "
        "or give a path to a .yaml file)"
    )
