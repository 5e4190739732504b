"""The beep sounds: their names, exact lengths, and their loudness next to the voice.

The timeline places beeps by these lengths, and `scripts/make_sounds.py` writes `sounds/NAME.wav`
to match them (a test checks the files against this table).
"""

from __future__ import annotations

import wave
from enum import StrEnum
from pathlib import Path

from voicecoach.clip import Clip
from voicecoach.errors import AudioUnavailable
from voicecoach.resources import sounds_dir


class Beep(StrEnum):
    """The beeps the engine plays; the value is the sound file's stem."""

    TICK = "tick"  # countdown tick before work starts
    GO = "go"  # work starts
    STOP = "stop"  # work ends (switch sides, next exercise)
    REST = "rest"  # work ends and a rest begins
    REP = "rep"  # turnaround point of a paced repetition
    FINISH = "finish"  # the session is complete


#: Length of each beep in milliseconds.
BEEP_MS: dict[Beep, int] = {
    Beep.TICK: 80,
    Beep.GO: 250,
    Beep.STOP: 300,
    Beep.REST: 400,
    Beep.REP: 60,
    Beep.FINISH: 900,
}

#: Pitch of each beep in hertz; two values make a two-tone beep (first half, second half).
BEEP_HZ: dict[Beep, tuple[float, ...]] = {
    Beep.TICK: (880.0,),
    Beep.GO: (1320.0,),
    Beep.STOP: (660.0,),
    Beep.REST: (880.0, 587.33),
    Beep.REP: (1760.0,),
    Beep.FINISH: (523.25, 783.99),
}


def load_beeps(folder: Path | None = None) -> dict[Beep, Clip]:
    """Every beep's clip, read from ``NAME.wav`` in `folder` (default: the bundled sounds)."""
    folder = folder if folder is not None else sounds_dir()
    beeps = {}
    for beep in Beep:
        path = folder / f"{beep.value}.wav"
        try:
            beeps[beep] = Clip.from_wav(path)
        except (OSError, EOFError, wave.Error) as err:
            raise AudioUnavailable(
                f"beep sound {path} cannot be read ({err}); reinstall voicecoach"
            ) from err
    return beeps


#: How loud the beeps are relative to the voice by default, in dB (0: as loud as the voice).
DEFAULT_BEEPS_DB = -6.0


def levelled_beeps(
    beeps_db: float = DEFAULT_BEEPS_DB, *, volume: float = 1.0, folder: Path | None = None
) -> dict[Beep, Clip]:
    """Every beep levelled to the voice's loudness plus `beeps_db`, then scaled by `volume`.

    Phrases are levelled the same way as they enter the speech cache
    (:mod:`voicecoach.loudness`), so the balance of voice and beeps is `beeps_db` whatever the
    engine, and `volume` turns both up or down together.
    """
    from voicecoach.loudness import SPEECH_DB, level

    return {
        beep: level(clip, SPEECH_DB + beeps_db, volume=volume)
        for beep, clip in load_beeps(folder).items()
    }
