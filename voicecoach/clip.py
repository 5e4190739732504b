"""Audio clips: raw PCM held in memory, read from and written to WAV files.

Speech phrases and beeps are both clips. Every sink plays clips, and the renderer mixes them.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Clip:
    """Little-endian signed PCM (`sample_width` bytes a sample), interleaved channels."""

    frames: bytes
    rate: int
    channels: int = 1
    sample_width: int = 2

    @property
    def frame_count(self) -> int:
        return len(self.frames) // (self.channels * self.sample_width)

    @property
    def duration_ms(self) -> int:
        """Length in whole milliseconds, rounded to the nearest."""
        return (self.frame_count * 1000 + self.rate // 2) // self.rate

    @classmethod
    def from_wav(cls, path: Path) -> Clip:
        """Read a PCM WAV file; raises `wave.Error` or `EOFError` if it is not one."""
        with wave.open(str(path), "rb") as w:
            expected = w.getnframes()
            frames = w.readframes(expected)
            clip = cls(frames, w.getframerate(), w.getnchannels(), w.getsampwidth())
        if clip.frame_count != expected or len(frames) % (clip.channels * clip.sample_width):
            raise wave.Error(f"{path}: truncated audio data")
        return clip

    def to_wav(self, path: Path) -> None:
        """Write this clip as a PCM WAV file (not atomically: callers own that)."""
        with wave.open(str(path), "wb") as w:
            w.setnchannels(self.channels)
            w.setsampwidth(self.sample_width)
            w.setframerate(self.rate)
            w.writeframes(self.frames)
