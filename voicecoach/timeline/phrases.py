"""The engine's own phrases, in each supported language.

Authors write their cues in whatever language they like; these are the words voicecoach adds
itself: announcements, set counts, rests, rep counts. Numbers that are counted out loud are
written as words so every count is one short phrase with its own cached clip.
"""

from __future__ import annotations

from dataclasses import dataclass

from voicecoach.routine.model import Reps

_EN_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = (
    "_",
    "_",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
)

_DE_ONES = [
    "null",
    "eins",
    "zwei",
    "drei",
    "vier",
    "fünf",
    "sechs",
    "sieben",
    "acht",
    "neun",
    "zehn",
    "elf",
    "zwölf",
    "dreizehn",
    "vierzehn",
    "fünfzehn",
    "sechzehn",
    "siebzehn",
    "achtzehn",
    "neunzehn",
]
_DE_TENS = [
    "_",
    "_",
    "zwanzig",
    "dreißig",
    "vierzig",
    "fünfzig",
    "sechzig",
    "siebzig",
    "achtzig",
    "neunzig",
]


def number_en(n: int) -> str:
    """English words for 0–100; digits beyond that."""
    if 0 <= n < 20:
        return _EN_ONES[n]
    if 20 <= n < 100:
        tens, ones = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")
    if n == 100:
        return "one hundred"
    return str(n)


def number_de(n: int) -> str:
    """German words for 0–100; digits beyond that."""
    if 0 <= n < 20:
        return _DE_ONES[n]
    if 20 <= n < 100:
        tens, ones = divmod(n, 10)
        if not ones:
            return _DE_TENS[tens]
        unit = "ein" if ones == 1 else _DE_ONES[ones]
        return f"{unit}und{_DE_TENS[tens]}"
    if n == 100:
        return "hundert"
    return str(n)


def _seconds_text(ms: int) -> tuple[int, bool]:
    """Whole minutes if the time is a whole number of minutes of at least two, else seconds."""
    s = round(ms / 1000)
    if s >= 120 and s % 60 == 0:
        return s // 60, True
    return s, False


@dataclass(frozen=True)
class Phrases:
    """Builds the engine's phrases for one language."""

    language: str = "en"

    @property
    def _de(self) -> bool:
        return self.language == "de"

    def count(self, n: int) -> str:
        """The spoken rep count."""
        return number_de(n) if self._de else number_en(n)

    def duration(self, ms: int) -> str:
        """'45 seconds', '2 minutes' (digits: the voice reads them in its language)."""
        value, minutes = _seconds_text(ms)
        if self._de:
            unit = ("Minuten" if value != 1 else "Minute") if minutes else "Sekunden"
            if not minutes and value == 1:
                unit = "Sekunde"
        else:
            unit = ("minutes" if value != 1 else "minute") if minutes else "seconds"
            if not minutes and value == 1:
                unit = "second"
        return f"{value} {unit}"

    def welcome(self, name: str) -> str:
        return f"{name}. Los geht's." if self._de else f"{name}. Let's begin."

    def section(self, section: str) -> str:
        if self._de:
            return {"warmup": "Aufwärmen.", "exercises": "Hauptteil.", "cooldown": "Abwärmen."}[
                section
            ]
        return {"warmup": "Warm-up.", "exercises": "Main part.", "cooldown": "Cool-down."}[section]

    def circuit(self, name: str, rounds: int) -> str:
        if self._de:
            return f"Zirkel: {name}. {rounds} Runden." if rounds != 1 else f"Zirkel: {name}."
        return f"Circuit: {name}. {rounds} rounds." if rounds != 1 else f"Circuit: {name}."

    def round(self, number: int, count: int) -> str:
        return f"Runde {number} von {count}." if self._de else f"Round {number} of {count}."

    def reps(self, reps: Reps) -> str:
        if self._de:
            return (
                f"{reps.low} bis {reps.high} Wiederholungen"
                if reps.is_range
                else f"{reps.high} Wiederholungen"
                if reps.high != 1
                else "1 Wiederholung"
            )
        if reps.is_range:
            return f"{reps.low} to {reps.high} reps"
        return f"{reps.high} reps" if reps.high != 1 else "1 rep"

    def exercise(
        self,
        name: str,
        *,
        sets: int,
        reps: Reps | None,
        hold_ms: int | None,
        duration_ms: int | None,
        sided: bool,
    ) -> str:
        """The announcement of an exercise: name and what a set asks for."""
        if reps is not None:
            work = self.reps(reps)
        elif hold_ms is not None:
            work = (
                f"{self.duration(hold_ms)} halten" if self._de else f"hold {self.duration(hold_ms)}"
            )
        else:
            work = self.duration(duration_ms or 0)
        if self._de:
            each = ", je Seite" if sided else ""
            head = f"{sets} Sätze, " if sets > 1 else ""
        else:
            each = ", each side" if sided else ""
            head = f"{sets} sets, " if sets > 1 else ""
        return f"{name}. {head}{work}{each}."

    def weight(self, weight: str) -> str:
        return f"Gewicht: {weight}." if self._de else f"Weight: {weight}."

    def get_ready(self) -> str:
        return "In Position gehen." if self._de else "Get into position."

    def set_of(self, number: int, count: int, side: str | None) -> str | None:
        """'Set 2 of 3, left side.'; None when there is nothing to say (one set, no side)."""
        parts: list[str] = []
        if count > 1:
            parts.append(f"Satz {number} von {count}" if self._de else f"Set {number} of {count}")
        if side:
            parts.append(f"Seite: {side}" if self._de else f"{side} side")
        if not parts:
            return None
        text = ", ".join(parts) + "."
        return text[0].upper() + text[1:]

    def rest(self, ms: int) -> str:
        return f"Pause, {self.duration(ms)}." if self._de else f"Rest, {self.duration(ms)}."

    def next_up(self, name: str) -> str:
        return f"Als Nächstes: {name}." if self._de else f"Next up: {name}."

    def switch_sides(self, side: str) -> str:
        return f"Wechsel: Seite {side}." if self._de else f"Switch: {side} side."

    def paused(self) -> str:
        return "Angehalten." if self._de else "Paused."

    def halfway(self) -> str:
        return "Halbzeit." if self._de else "Halfway."

    def ten_seconds_left(self) -> str:
        return "Noch zehn Sekunden." if self._de else "Ten seconds left."

    def done(self, elapsed_ms: int) -> str:
        minutes = max(1, round(elapsed_ms / 60_000))
        if self._de:
            unit = "Minuten" if minutes != 1 else "Minute"
            return f"Training beendet: {minutes} {unit}. Gut gemacht."
        unit = "minutes" if minutes != 1 else "minute"
        return f"Workout complete: {minutes} {unit}. Well done."
