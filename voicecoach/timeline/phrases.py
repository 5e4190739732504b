"""The engine's own phrases, in each supported language.

Authors write their cues in whatever language they like; these are the words voicecoach adds
itself: announcements, set counts, rests, rep counts. Numbers that are counted out loud are
written as words so every count is one short phrase with its own cached clip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voicecoach.routine.model import Reps
from voicecoach.routine.progress import Advice, Change, Load, RuleKind, number_text

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


_WEIGHT_UNIT = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*([A-Za-z]+)\.?\s*")
_UNITS_EN = {"kg": "kilos", "kgs": "kilos", "lb": "pounds", "lbs": "pounds"}
_UNITS_DE = {"kg": "Kilo", "kgs": "Kilo", "lb": "Pfund", "lbs": "Pfund"}


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

    def exercise_targets(
        self, name: str, *, warmups: int, work_sets: int, amrap_ms: int | None, amrap: bool
    ) -> str:
        """The announcement of an exercise whose sets have their own targets:
        'Deadlift. 2 warm-up sets, then 3 sets.'; 'Push-ups. 2 sets, as many reps as possible.'"""
        if self._de:
            sets = f"{work_sets} Sätze" if work_sets != 1 else "1 Satz"
            if warmups:
                warm = f"{warmups} Aufwärmsätze" if warmups != 1 else "1 Aufwärmsatz"
                sets = f"{warm}, dann {sets}"
        else:
            sets = f"{work_sets} sets" if work_sets != 1 else "1 set"
            if warmups:
                warm = f"{warmups} warm-up sets" if warmups != 1 else "1 warm-up set"
                sets = f"{warm}, then {sets}"
        tail = f", {self.amrap(amrap_ms)}" if amrap else ""
        return f"{name}. {sets}{tail}."

    def weight(self, weight: str) -> str:
        return f"Gewicht: {weight}." if self._de else f"Weight: {weight}."

    def progress(self, advice: Advice) -> str | None:
        """Today's target from the history and why, in the announcement: "Last time 10, 10 and 9
        at 40 kilos. Today 40 kilos again: aim for 10 on every set." None the first time."""
        return progress_phrase(advice, self.language)

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

    # -- per-set targets, effort, AMRAP --------------------------------------------------------

    def spoken_weight(self, weight: str) -> str:
        """A weight as lifters say it: "100 kg" as "100 kilos", "45 lb" as "45 pounds"."""
        match = _WEIGHT_UNIT.fullmatch(weight)
        if match is None:
            return weight
        number, unit = match.group(1), match.group(2).casefold()
        words = _UNITS_DE if self._de else _UNITS_EN
        return f"{number} {words[unit]}" if unit in words else weight

    def set_target(
        self,
        number: int,
        count: int,
        *,
        warmup: bool,
        reps: Reps | None,
        seconds_ms: int | None,
        amrap: bool,
        weight: str | None,
        side: str | None,
        hold: bool = False,
    ) -> str:
        """'Set 3 of 5: 5 reps at 100 kilos.', 'Warm-up set 1 of 2: 5 reps at 60 kilos.'"""
        if self._de:
            head = f"Aufwärmsatz {number} von {count}" if warmup else f"Satz {number} von {count}"
            if count == 1:
                head = "Aufwärmsatz" if warmup else "Satz"
        else:
            head = f"Warm-up set {number} of {count}" if warmup else f"Set {number} of {count}"
            if count == 1:
                head = "Warm-up set" if warmup else "Set"
        work = self.amrap(seconds_ms) if amrap else self.work_text(reps, seconds_ms, hold)
        if weight:
            work += (
                f" mit {self.spoken_weight(weight)}"
                if self._de
                else f" at {self.spoken_weight(weight)}"
            )
        if side:
            work += f", Seite: {side}" if self._de else f", {side} side"
        if count == 1 and not warmup:
            return f"{work[0].upper()}{work[1:]}."
        return f"{head}: {work}."

    def amrap(self, seconds_ms: int | None) -> str:
        """'as many reps as possible' (in a time)."""
        if self._de:
            text = "so viele Wiederholungen wie möglich"
            return f"{text} in {self.duration(seconds_ms)}" if seconds_ms else text
        text = "as many reps as possible"
        return f"{text} in {self.duration(seconds_ms)}" if seconds_ms else text

    def effort(self, rpe: float | None, rir: int | None) -> str | None:
        """'Aim for RPE 8, two reps in reserve.'; None without a target."""
        parts: list[str] = []
        if rpe is not None:
            whole = int(rpe)
            half = rpe != whole
            if self._de:
                parts.append(f"RPE {number_de(whole)}einhalb" if half else f"RPE {whole}")
            else:
                parts.append(f"RPE {whole}{' and a half' if half else ''}")
        if rir is not None:
            if self._de:
                word = "eine" if rir == 1 else self.count(rir)
                reps = "Wiederholung" if rir == 1 else "Wiederholungen"
                parts.append(
                    f"{word} {reps} in Reserve" if rir else "keine Wiederholung in Reserve"
                )
            else:
                reps = "rep" if rir == 1 else "reps"
                parts.append(
                    f"{self.count(rir)} {reps} in reserve" if rir else "no reps in reserve"
                )
        if not parts:
            return None
        return ("Ziel: " if self._de else "Aim for ") + ", ".join(parts) + "."

    def warmup_word(self) -> str:
        return "Aufwärmen" if self._de else "warm-up"

    def drop(self) -> str:
        return "Gewicht runter. Los." if self._de else "Drop the weight. Go."

    # -- interval, EMOM and AMRAP blocks ---------------------------------------------------------

    def go_name(self, name: str) -> str:
        """Spoken as interval work starts: 'Mountain climbers, go.'"""
        return f"{name}, los." if self._de else f"{name}, go."

    def rest_short(self) -> str:
        return "Pause." if self._de else "Rest."

    def intervals(self, work_ms: int, rest_ms: int) -> str:
        """'20 seconds work, 10 seconds rest.'"""
        if self._de:
            return f"{self.duration(work_ms)} Arbeit, {self.duration(rest_ms)} Pause."
        return f"{self.duration(work_ms)} work, {self.duration(rest_ms)} rest."

    def emom(self, every_ms: int) -> str:
        """'Every minute on the minute.', 'Every 30 seconds.'"""
        if every_ms == 60_000:
            return "Jede Minute, zur vollen Minute." if self._de else "Every minute on the minute."
        return (
            f"Alle {self.duration(every_ms)}." if self._de else f"Every {self.duration(every_ms)}."
        )

    def amrap_block(self, ms: int) -> str:
        """'As many rounds as possible in 10 minutes.'"""
        if self._de:
            return f"So viele Runden wie möglich in {self.duration(ms)}."
        return f"As many rounds as possible in {self.duration(ms)}."

    def task(self, name: str, work: str) -> str:
        """One exercise of a block with its work: 'Burpees, 10 reps.'"""
        return f"{name}, {work}."

    def work_text(self, reps: Reps | None, seconds_ms: int | None, hold: bool) -> str:
        """What a set asks for, short: '10 reps', '30 seconds', 'hold 30 seconds'."""
        if reps is not None:
            return self.reps(reps)
        if hold:
            return (
                f"{self.duration(seconds_ms or 0)} halten"
                if self._de
                else (f"hold {self.duration(seconds_ms or 0)}")
            )
        return self.duration(seconds_ms or 0)

    def next_round(self, tasks: str) -> str:
        """Said when the person marks a finished round in an AMRAP block."""
        return f"Nächste Runde: {tasks}" if self._de else f"Next round: {tasks}"

    def time_left(self, ms: int) -> str:
        """'9 minutes left.', '1 minute left.', '30 seconds left.'"""
        seconds = round(ms / 1000)
        if seconds >= 60 and seconds % 60 == 0:
            minutes = seconds // 60
            if self._de:
                return f"Noch {minutes} {'Minute' if minutes == 1 else 'Minuten'}."
            return f"{minutes} {'minute' if minutes == 1 else 'minutes'} left."
        return f"Noch {self.duration(ms)}." if self._de else f"{self.duration(ms)} left."

    def seconds_call(self, ms: int) -> str:
        """The call before an EMOM boundary: '10 seconds.'"""
        return f"{self.duration(ms)}."

    def done(self, elapsed_ms: int) -> str:
        minutes = max(1, round(elapsed_ms / 60_000))
        if self._de:
            unit = "Minuten" if minutes != 1 else "Minute"
            return f"Training beendet: {minutes} {unit}. Gut gemacht."
        unit = "minutes" if minutes != 1 else "minute"
        return f"Workout complete: {minutes} {unit}. Well done."


# -- progression: what was done last time and today's target --------------------------------

_UNIT_WORDS = {
    "en": {"kg": ("kilo", "kilos"), "lb": ("pound", "pounds")},
    "de": {"kg": ("Kilo", "Kilo"), "lb": ("Pfund", "Pfund")},
    "fr": {"kg": ("kilo", "kilos"), "lb": ("livre", "livres")},
}
_PROGRESS = {
    "en": {
        "and": "and",
        "last": "Last time {done}{at}.",
        "at": " at {weight}",
        "seconds": "{done} seconds",
        "stay": "Today {weight} again: aim for {reps} on every set.",
        "up": "Today {weight}: aim for {reps} on every set.",
        "deload": "{misses} sessions short in a row. Today {weight}, to build back up: "
        "aim for {reps} on every set.",
        "reps_up": "Today {reps} on every set.",
        "reps_stay": "Today {reps} again on every set.",
        "hold_up": "Today hold {seconds} seconds.",
        "hold_stay": "Today {seconds} seconds again.",
        "top": "That is the top: keep it there.",
    },
    "de": {
        "and": "und",
        "last": "Letztes Mal {done}{at}.",
        "at": " mit {weight}",
        "seconds": "{done} Sekunden",
        "stay": "Heute wieder {weight}: Ziel {reps} in jedem Satz.",
        "up": "Heute {weight}: Ziel {reps} in jedem Satz.",
        "deload": "{misses} Mal in Folge zu wenig. Heute {weight}, um wieder aufzubauen: "
        "Ziel {reps} in jedem Satz.",
        "reps_up": "Heute {reps} in jedem Satz.",
        "reps_stay": "Heute wieder {reps} in jedem Satz.",
        "hold_up": "Heute {seconds} Sekunden halten.",
        "hold_stay": "Heute wieder {seconds} Sekunden.",
        "top": "Das ist das Ziel: dabei bleiben.",
    },
    "fr": {
        "and": "et",
        "last": "La dernière fois {done}{at}.",
        "at": " à {weight}",
        "seconds": "{done} secondes",
        "stay": "Aujourd'hui encore {weight} : visez {reps} à chaque série.",
        "up": "Aujourd'hui {weight} : visez {reps} à chaque série.",
        "deload": "{misses} séances de suite en dessous. Aujourd'hui {weight}, pour repartir : "
        "visez {reps} à chaque série.",
        "reps_up": "Aujourd'hui {reps} à chaque série.",
        "reps_stay": "Aujourd'hui encore {reps} à chaque série.",
        "hold_up": "Aujourd'hui tenez {seconds} secondes.",
        "hold_stay": "Aujourd'hui encore {seconds} secondes.",
        "top": "C'est le maximum : gardez-le.",
    },
}


def spoken_weight(load: Load, language: str) -> str:
    """A load as spoken: "42.5 kilos", "42,5 Kilo", "100 pounds"."""
    one, many = _UNIT_WORDS.get(language, _UNIT_WORDS["en"])[load.unit]
    amount = number_text(load.amount)
    if language != "en":
        amount = amount.replace(".", ",")
    return f"{amount} {one if load.amount == 1 else many}"


def progress_phrase(advice: Advice, language: str) -> str | None:
    """What the announcement says of today's target; None when there is no history yet."""
    if advice.change is Change.FIRST or not advice.last_done:
        return None
    lang = language if language in _PROGRESS else "en"
    t = _PROGRESS[lang]
    numbers = [str(n) for n in advice.last_done]
    done = numbers[0]
    if len(numbers) > 1:
        done = ", ".join(numbers[:-1]) + f" {t['and']} {numbers[-1]}"
    kind = advice.rule.kind
    if kind is RuleKind.TIME:
        done = t["seconds"].format(done=done)
    at = ""
    if kind.by_weight and advice.last_weight is not None:
        at = t["at"].format(weight=spoken_weight(advice.last_weight, lang))
    parts = [t["last"].format(done=done, at=at)]
    up = advice.change is Change.UP
    if kind.by_weight:
        assert advice.weight is not None
        key = "up" if up else "deload" if advice.change is Change.DELOAD else "stay"
        weight = spoken_weight(advice.weight, lang)
        parts.append(t[key].format(weight=weight, reps=advice.reps, misses=advice.misses))
    elif kind is RuleKind.REPS:
        parts.append(t["reps_up" if up else "reps_stay"].format(reps=advice.reps))
    else:
        parts.append(t["hold_up" if up else "hold_stay"].format(seconds=advice.hold_s))
    if advice.change is Change.TOP:
        parts.append(t["top"])
    return " ".join(parts)
