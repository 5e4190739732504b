"""Where the bundled routines, exercise library and beep sounds are, installed or not.

An installed wheel carries them inside the package (`voicecoach/routines`, `voicecoach/sounds`);
a source checkout keeps them at the top of the repository. Both layouts are looked for here, so
nothing else needs to know which one is in use.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"voicecoach's bundled '{name}' folder is missing; reinstall with 'pip install voicecoach'"
    )


def routines_dir() -> Path:
    """The folder of bundled routines (`*.yaml`)."""
    return _data_dir("routines")


def library_dir() -> Path:
    """The folder of the bundled exercise library files."""
    return routines_dir() / "library"


def bundled_library_files() -> tuple[Path, ...]:
    """The bundled exercise library files, in a fixed order."""
    return tuple(sorted(library_dir().glob("*.yaml")))


def sounds_dir() -> Path:
    """The folder of beep sounds (`*.wav`)."""
    return _data_dir("sounds")


def bundled_programs() -> dict[str, Path]:
    """Bundled programs by name (file name without `.yaml`), sorted by name."""
    return {p.stem: p for p in sorted((routines_dir() / "programs").glob("*.yaml"))}


def bundled_routines() -> dict[str, Path]:
    """Bundled routines by name (file name without `.yaml`), sorted by name."""
    return {p.stem: p for p in sorted(routines_dir().glob("*.yaml"))}
