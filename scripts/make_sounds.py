"""Write the beep sounds, ``sounds/NAME.wav``, from the table in :mod:`voicecoach.beeps`.

Each beep is a sine tone (two tones: the first half at the first pitch, the second half at the
second, phase-continuous) at a peak level of -6 dBFS, with a raised-cosine fade in and out so it
starts and ends without a click. Mono, 16-bit, 22050 Hz; exactly ``BEEP_MS * 22050 // 1000``
samples long, so a beep never runs past the slot the timeline gives it.

Usage: python scripts/make_sounds.py [FOLDER]   (default: the repository's sounds/ folder)
"""

from __future__ import annotations

import math
import sys
from array import array
from pathlib import Path

from voicecoach.beeps import BEEP_HZ, BEEP_MS, Beep
from voicecoach.clip import Clip

RATE = 22050
PEAK_DBFS = -6.0
FADE_MS = 4


def frame_count(beep: Beep) -> int:
    """Length of `beep` in samples."""
    return BEEP_MS[beep] * RATE // 1000


def render(beep: Beep) -> Clip:
    """The clip of one beep."""
    n = frame_count(beep)
    pitches = BEEP_HZ[beep]
    amplitude = 32767 * 10 ** (PEAK_DBFS / 20)
    fade = min(RATE * FADE_MS // 1000, n // 2)
    samples = array("h")
    phase = 0.0
    for i in range(n):
        # Which part of the beep sample i is in: equal parts, one per pitch.
        hz = pitches[min(i * len(pitches) // n, len(pitches) - 1)]
        if i < fade:
            gain = 0.5 - 0.5 * math.cos(math.pi * i / fade)
        elif i >= n - fade:
            gain = 0.5 - 0.5 * math.cos(math.pi * (n - 1 - i) / fade)
        else:
            gain = 1.0
        samples.append(round(amplitude * gain * math.sin(phase)))
        phase = (phase + 2 * math.pi * hz / RATE) % (2 * math.pi)
    if sys.byteorder != "little":
        samples.byteswap()
    return Clip(samples.tobytes(), RATE)


def write_all(folder: Path) -> list[Path]:
    """Write every beep into `folder`; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for beep in Beep:
        path = folder / f"{beep.value}.wav"
        render(beep).to_wav(path)
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "sounds"
    for path in write_all(folder):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
