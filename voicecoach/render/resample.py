"""Sample-rate conversion of one channel by Catmull-Rom (cubic) interpolation, on integers.

Output frame j is at source position ``j * src / dst``: frame 0 is source frame 0 itself, which
keeps every onset exact, and an exact factor (22050 to 44100 Hz) keeps every source sample and
fills in between. The four weights of each position are fixed-point (:data:`Q` bits) and sum to
exactly one; each output sample is their sum rounded, saturated to 16 bits. No low-pass filter:
going down in rate may alias, which the 22 kHz sources here do not need.

Two ways give the same samples bit for bit: numpy's, when numpy is installed (it comes with
soundfile, the ``formats`` extra that FLAC, Ogg and MP3 need), about a hundred times faster; and
the standard library's, so that WAV output needs nothing beyond voicecoach.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: Fixed-point precision of the weights.
Q = 14
_INT16_MAX, _INT16_MIN = 32767, -32768
#: Up to this many phases, numpy computes phase by phase over strided views; past it, with
#: gathers (slower per frame, but without a Python step per phase).
_PHASE_LOOP_MAX = 512


def converted_frames(frames: int, src_rate: int, dst_rate: int) -> int:
    """Frames of a `frames`-long clip at `dst_rate`: every output frame before its end."""
    return -(-frames * dst_rate // src_rate)


def resample(samples: array[int], src_rate: int, dst_rate: int) -> array[int]:
    """One channel of native 16-bit samples from `src_rate` to `dst_rate`."""
    if src_rate == dst_rate:
        return samples
    try:
        import numpy  # noqa: F401  (only whether it is there)
    except ImportError:
        return _with_python(samples, src_rate, dst_rate)
    return _with_numpy(samples, src_rate, dst_rate)


def _ratio(src_rate: int, dst_rate: int) -> tuple[int, int]:
    """`up`, `down`: the reduced ratio; output positions repeat their fraction every `up`."""
    g = math.gcd(src_rate, dst_rate)
    return dst_rate // g, src_rate // g


def catmull_rom(t: float) -> tuple[int, int, int, int]:
    """Fixed-point weights of the four samples around fraction `t` (they sum to exactly 1)."""
    weights = [
        ((-t + 2) * t - 1) * t / 2,
        ((3 * t - 5) * t * t + 2) / 2,
        ((-3 * t + 4) * t + 1) * t / 2,
        (t - 1) * t * t / 2,
    ]
    w = [round(x * (1 << Q)) for x in weights]
    w[1] += (1 << Q) - sum(w)
    return w[0], w[1], w[2], w[3]


def _saturate(values: Sequence[int]) -> array[int]:
    try:
        return array("h", values)
    except OverflowError:
        return array("h", [min(_INT16_MAX, max(_INT16_MIN, v)) for v in values])


def _with_python(samples: array[int], src_rate: int, dst_rate: int) -> array[int]:
    """The standard library's way: the positions fall into `up` phases that repeat every `up`
    output frames, so each phase is computed at once over strided slices."""
    n = len(samples)
    up, down = _ratio(src_rate, dst_rate)
    n_out = converted_frames(n, src_rate, dst_rate)
    # Silence on both sides: one sample before, three after, for the four taps.
    padded = array("h", [0]) + samples + array("h", [0, 0, 0])
    out = array("h", bytes(2 * n_out))
    half = 1 << (Q - 1)
    for r in range(min(up, n_out)):
        count = -(-(n_out - r) // up)
        base, phase = divmod(r * down, up)
        span = (count - 1) * down + 1
        if phase == 0:
            out[r::up] = samples[base : base + span : down]
            continue
        w0, w1, w2, w3 = catmull_rom(phase / up)
        taps = [padded[base + t : base + t + span : down] for t in range(4)]
        out[r::up] = _saturate(
            [
                (w0 * a + w1 * b + w2 * c + w3 * d + half) >> Q
                for a, b, c, d in zip(*taps, strict=True)
            ]
        )
    return out


def _numpy_weights(up: int) -> npt.NDArray[np.int32]:
    """:func:`catmull_rom` of every fraction ``phase / up`` at once: rows of four weights.

    The same operations in the same order on the same doubles, rounded half to even as
    Python's `round` does, so every weight is the one :func:`catmull_rom` gives."""
    import numpy as np

    t = np.arange(up, dtype=np.int64) / up
    weights = np.stack(
        [
            ((-t + 2) * t - 1) * t / 2,
            ((3 * t - 5) * t * t + 2) / 2,
            ((-3 * t + 4) * t + 1) * t / 2,
            (t - 1) * t * t / 2,
        ],
        axis=1,
    )
    w = np.rint(weights * (1 << Q)).astype(np.int32)
    w[:, 1] += (1 << Q) - w.sum(axis=1)
    return w


def _with_numpy(samples: array[int], src_rate: int, dst_rate: int) -> array[int]:
    """numpy's way: phase by phase over strided views as the standard library's way does, or,
    when there are many phases (rates with a small common divisor), every output frame's source
    index and weights at once.

    The sums fit 32 bits: the weights' magnitudes add up to at most 1.25 (at t = 1/2)."""
    import numpy as np

    n = len(samples)
    up, down = _ratio(src_rate, dst_rate)
    n_out = converted_frames(n, src_rate, dst_rate)
    padded = np.zeros(n + 4, dtype=np.int32)
    padded[1 : n + 1] = np.frombuffer(samples, dtype=np.int16)
    half = 1 << (Q - 1)
    out = np.empty(n_out, dtype=np.int16)
    if up <= _PHASE_LOOP_MAX:
        for r in range(min(up, n_out)):
            count = -(-(n_out - r) // up)
            base, phase = divmod(r * down, up)
            span = (count - 1) * down + 1
            if phase == 0:
                out[r::up] = padded[base + 1 : base + 1 + span : down]
                continue
            total = np.full(count, half, dtype=np.int32)
            for t, w in enumerate(catmull_rom(phase / up)):
                total += w * padded[base + t : base + t + span : down]
            total >>= Q
            out[r::up] = np.clip(total, _INT16_MIN, _INT16_MAX)
    else:
        base_all, phases = np.divmod(np.arange(n_out, dtype=np.int64) * down, up)
        weights = _numpy_weights(up)
        total = np.full(n_out, half, dtype=np.int32)
        for t in range(4):
            total += weights[phases, t] * padded[base_all + t]
        total >>= Q
        out[:] = np.clip(total, _INT16_MIN, _INT16_MAX)
    return array("h", out.tobytes())
