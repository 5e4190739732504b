"""How long a phrase takes to say.

The compiler asks a :class:`DurationProvider` for the length of every phrase it places. With a
voice available the lengths are measured from the synthesized clips
(:class:`voicecoach.speech.MeasuredDurations`); without one, :class:`EstimatedDurations` guesses
from the words and the speech rate. While a session starts on a cold speech cache the two are
mixed (:class:`voicecoach.session.ReadyOrEstimated`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from voicecoach.routine.model import DEFAULT_RATE_WPM


class DurationProvider(Protocol):
    """Gives the spoken length of a phrase in milliseconds."""

    @property
    def measured(self) -> bool:
        """True if the lengths come from real synthesized audio."""
        ...

    def duration_ms(self, text: str) -> int:
        """Length of `text` when spoken."""
        ...


_WORD = re.compile(r"[\w'’-]+")
_PAUSE = re.compile(r"[,;:]")
_STOP = re.compile(r"[.!?]+")

#: Silence espeak-ng puts around a phrase, measured on espeak-ng 1.51 clips.
_EDGE_MS = 120
_COMMA_MS = 180
_STOP_MS = 240


@dataclass(frozen=True)
class EstimatedDurations:
    """Estimates from words and rate: about what espeak-ng takes, slightly on the long side."""

    rate_wpm: int = DEFAULT_RATE_WPM

    @property
    def measured(self) -> bool:
        return False

    def duration_ms(self, text: str) -> int:
        words = _WORD.findall(text)
        # Long words take longer: count a word as one unit per 6 letters, at least one.
        units = sum(max(1.0, len(w) / 6) for w in words)
        speech = units * 60_000 / self.rate_wpm
        pauses = len(_PAUSE.findall(text)) * _COMMA_MS
        stops = max(0, len(_STOP.findall(text.strip())) - 1) * _STOP_MS
        return round(speech + pauses + stops + _EDGE_MS)
