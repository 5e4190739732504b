"""How loud a clip is, and levelling clips to one loudness so voice and beeps sit in balance.

Every phrase is levelled to :data:`SPEECH_DB` as it enters the speech cache, and every beep to
:data:`SPEECH_DB` plus the ``beeps`` setting when it is loaded
(:func:`voicecoach.beeps.levelled_beeps`); the ``volume`` setting then scales
both. So whatever engine or voice speaks, and however loud it speaks by itself, the voice and the
beeps keep the balance a person chose.

Loudness is measured as ITU-R BS.1770 measures it, without its K-weighting filter: the mean
square of the samples in 400 ms blocks overlapping by 75 %, leaving out blocks quieter than
-70 dB and then blocks more than 10 dB below the mean of those left, in dB relative to a full-scale
square wave. For speech this is within about 1 dB of BS.1770's LUFS (the speech cache's clips
are checked against a BS.1770 meter in the tests); for the beeps, tones of 0.5 to 1.8 kHz, LUFS
reads up to 2 dB higher. Written here in plain Python rather than taken from a library: the
BS.1770 meters for Python need NumPy and SciPy, and importing SciPy alone takes about a second,
which a session starting on a cold cache cannot spend.
"""

from __future__ import annotations

import math
import operator
import sys
from array import array

from voicecoach.clip import Clip

#: The loudness every phrase is levelled to, in dB (≈ LUFS): what AES recommends for mono speech.
SPEECH_DB = -19.0
#: No sample of a levelled clip goes above this (dB relative to full scale); a clip whose peaks
#: would, is levelled that much quieter.
PEAK_CEILING_DB = -1.0
BLOCK_MS = 400
STEP_MS = 100
ABSOLUTE_GATE_DB = -70.0
RELATIVE_GATE_DB = -10.0
_FULL_SCALE = 32768.0


def _samples(clip: Clip) -> array[int]:
    if clip.sample_width != 2:
        raise ValueError(f"only 16-bit clips can be measured, not {clip.sample_width * 8}-bit")
    samples = array("h")
    samples.frombytes(clip.frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _db(mean_square: float) -> float:
    return 10 * math.log10(mean_square) if mean_square > 0 else -math.inf


def loudness_db(clip: Clip) -> float:
    """The gated loudness of `clip` in dB (see the module's docstring); -inf for silence.

    A clip shorter than one block is measured as one block of its own length.
    """
    samples = _samples(clip)
    count = len(samples)
    if count == 0:
        return -math.inf
    # Channels are measured together: every sample of every channel counts the same.
    step = max(1, clip.rate * clip.channels * STEP_MS // 1000)
    per_block = BLOCK_MS // STEP_MS
    squares = [
        sum(map(operator.mul, part, part))
        for part in (samples[i : i + step] for i in range(0, count, step))
    ]
    scale = _FULL_SCALE * _FULL_SCALE
    if count <= step * per_block:
        blocks = [sum(squares) / count / scale]
    else:
        # Whole blocks only, as BS.1770 does; the tail shorter than a step is left out.
        whole = count // step
        blocks = [
            sum(squares[i : i + per_block]) / (step * per_block) / scale
            for i in range(whole - per_block + 1)
        ]
    loud = [b for b in blocks if _db(b) > ABSOLUTE_GATE_DB]
    if not loud:
        return -math.inf
    gate = _db(sum(loud) / len(loud)) + RELATIVE_GATE_DB
    kept = [b for b in loud if _db(b) > gate]
    return _db(sum(kept) / len(kept))


def peak_db(clip: Clip) -> float:
    """The highest sample of `clip`, in dB relative to full scale; -inf for silence."""
    samples = _samples(clip)
    top = max(max(samples, default=0), -min(samples, default=0))
    return 20 * math.log10(top / _FULL_SCALE) if top else -math.inf


def gain_to(clip: Clip, target_db: float) -> float:
    """The factor that brings `clip` to `target_db`, limited so no peak passes the ceiling."""
    loudness = loudness_db(clip)
    if loudness == -math.inf:
        return 1.0
    peak = peak_db(clip)
    return 10 ** (min(target_db - loudness, PEAK_CEILING_DB - peak) / 20)


def amplify(clip: Clip, gain: float) -> Clip:
    """`clip` with every sample multiplied by `gain` (clipped at full scale)."""
    if gain == 1.0:
        return clip
    samples = _samples(clip)
    top = max(max(samples, default=0), -min(samples, default=0))
    if abs(gain) * top < 32767.5:
        # No sample can overflow (levelled speech never does: its peaks stay below the ceiling):
        # round in C, one call per sample, three times as fast as clipping each one.
        scaled = array("h", map(round, map(gain.__mul__, samples)))
    else:
        scaled = array("h", (max(-32768, min(32767, round(s * gain))) for s in samples))
    if sys.byteorder == "big":
        scaled.byteswap()
    return Clip(scaled.tobytes(), clip.rate, clip.channels, clip.sample_width)


def level(clip: Clip, target_db: float = SPEECH_DB, *, volume: float = 1.0) -> Clip:
    """`clip` brought to `target_db` (see :func:`gain_to`), then scaled by `volume` (0.0 to 1.0)."""
    return amplify(clip, gain_to(clip, target_db) * volume)


__all__ = [
    "PEAK_CEILING_DB",
    "SPEECH_DB",
    "amplify",
    "gain_to",
    "level",
    "loudness_db",
    "peak_db",
]
