"""Deutsch."""

from __future__ import annotations

from typing import ClassVar

from voicecoach.routine.model import Reps, WorkKind
from voicecoach.timeline.language.base import (
    HistoryWords,
    Language,
    SetCall,
    ShowWords,
    capitalized,
    weight_parts,
    whole_seconds,
)
from voicecoach.timeline.model import Amrap, PhaseKind, SetPlace, Stretch

_ONES = [
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
_TENS = [
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
_HALF = {1: "eineinhalb", 2: "zweieinhalb", 3: "dreieinhalb"}


class German(Language):
    """Die deutschen Wörter."""

    code = "de"
    english_name = "German"
    get_ready = ("In Position gehen.", "Mach dich bereit.", "Position einnehmen.")
    get_ready_soon = "Noch 10 Sekunden, bereit machen."
    halfway = "Halbzeit."
    ten_seconds_left = "Noch zehn Sekunden."
    paused = "Angehalten."
    resumed = "Weiter geht's."
    rest_label = "Pause"
    switch_label = "Seitenwechsel"
    done_label = "Training beendet"
    drop_label = "Drop-Satz"
    drop_call = "Gewicht runter. Los."
    rest_short = "Pause."
    warmup_word = "Aufwärmen"
    show = ShowWords(
        sections={"warmup": "Aufwärmen", "exercises": "Übungen", "cooldown": "Abwärmen"},
        reps="{reps} Wiederholungen",
        tempo="Tempo {tempo}",
        hold="{s} s halten",
        seconds="{s} s",
        sides="Seiten: {sides}",
        max_reps="so viele Wiederholungen wie möglich",
        max_reps_in="so viele Wiederholungen wie möglich in {s} s",
        in_reserve="{rir} in Reserve",
        warmup_n="Aufwärmsatz {n}",
        set_n="Satz {n}",
        drop=" (Drop-Satz)",
        rest=", Pause {s} s",
        round_one="1 Runde",
        rounds="{n} Runden",
        amrap_block="so viele Runden wie möglich in {time}",
        emom="{rounds}, alle {s} s (EMOM)",
        intervals="{rounds}, Intervalle, Pause {rest} s, {between} s zwischen den Runden",
        sets="{sets} Sätze",
        after_warmups=" nach {n} Aufwärmsätzen",
        circuit="Zirkel {name}: {head}",
        note="Hinweis: {text}",
        today="heute: {text}",
        total="gesamt {time}{cap}, {sets} Sätze, Sprache {language}{estimated}",
        capped=" (offene AMRAP-Sätze mit ihrer Obergrenze von {cap} Wiederholungen)",
        estimated="; Sprechlängen geschätzt",
        muscles="Muskeln: {muscles}",
        equipment="Ausrüstung: {equipment}",
        not_given="nicht angegeben",
        no_equipment="keine",
        stretched="Hinweis: {text}",
    )
    history = HistoryWords(
        decimal=",",
        statuses={
            "completed": "beendet",
            "quit": "abgebrochen",
            "interrupted": "unterbrochen",
            "running": "läuft",
        },
        entered={"typed": "eingetippt", "counted": "gezählt", "logged": "nachgetragen"},
        reps=("{n} Wdh.", "{n} Wdh."),
        sets=("{n} Satz", "{n} Sätze"),
        work_sets=("{n} Arbeitssatz", "{n} Arbeitssätze"),
        sessions=("{n} Training", "{n} Trainings"),
        weeks=("{n} Woche", "{n} Wochen"),
        seconds="{s} s",
        log_session="Training {id}: {routine}, {when}, {status}",
        skipped="ausgelassen",
        done="erledigt",
        planned="geplant {what}",
        warmup="Aufwärmsatz",
        log_hint='Einen Satz korrigieren: voicecoach log --set "ÜBUNG SATZ: WDH [@ GEWICHT]"',
        history_header=("Nr.", "Beginn", "Routine", "Status", "Sätze", "Ausgelassen", "Dauer"),
        no_workouts="Noch kein Training aufgezeichnet.",
        no_history="Noch kein Training aufgezeichnet: unter {path} gibt es keinen Verlauf.",
        none_of_routine="Noch kein Training von {routine} aufgezeichnet",
        recorded_of="; aufgezeichnet sind: {names}",
        last_weeks=(
            "Die letzte Woche: {first} bis {last}",
            "Die letzten {n} Wochen: {first} bis {last}",
        ),
        stats_header=("Woche", "Trainings", "Sätze", "Zeit"),
        total="Gesamt",
        sets_per_week="Sätze pro Woche",
        sets_per_muscle="Sätze pro Muskelgruppe",
        no_sets="keine Sätze in diesen Wochen",
        other_muscle="sonstige",
        streak="Serie: {weeks} in Folge mit mindestens einem Training",
        no_streak="Serie: noch keine; ein Training in dieser Woche beginnt eine",
        exercise_head="{name}: {sets} in {sessions}, {first} bis {last}",
        best_set="Bester Satz: {reps} mit {load} am {day}",
        e1rm="Geschätztes Maximum für eine Wiederholung (1RM): {value}, aus {reps} mit "
        "{load} am {day} ({formula})",
        e1rm_formula="Epley: Gewicht × (1 + Wdh. / 30)",
        load_chart="Gewicht pro Training (schwerster Arbeitssatz, {unit})",
        volume_chart="Volumen pro Woche (Gewicht × Wdh. der Arbeitssätze, {unit})",
        no_weight="Kein Gewicht aufgezeichnet: Wiederholungen pro Woche",
        no_work_sets="Noch keine Arbeitssätze von {name} aufgezeichnet.",
        per_week=(
            "{n} Training pro Woche, im Wechsel: {turn}",
            "{n} Trainings pro Woche, im Wechsel: {turn}",
        ),
        last_week=("Letzte Woche ({week}): {n} von {planned} erledigt",) * 2,
        missed=(", {n} verpasst",) * 2,
        this_week=("Diese Woche ({week}): {n} von {planned} erledigt, {rest}",) * 2,
        due="{n} offen",
        plan_done="der Wochenplan ist erfüllt",
        weekdays=("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
        next_session="Als Nächstes: {slot}. {name} ({ref})",
        start_with="Starten mit: voicecoach next {handle}",
        next_of="{program}: Training {slot} von {count}, {routine}",
        at_weight="{work} mit {weight}",
        warmup_target="Aufwärmsatz {target}",
        sets_of="{n} x {work}",
        amrap_round="{work} pro Runde, so viele Runden wie möglich in {time}",
        why_first="noch kein Verlauf: wie geschrieben",
        why_last="letztes Mal {done}",
        why_at="{head} mit {weight}",
        why_aim=", Ziel {reps}",
        why_up="{head}: rauf auf {target}{aim}",
        why_deload="{head}, {misses} Mal in Folge zu wenig: runter auf {target}{aim}",
        why_stay="{head}: bleibt bei {target}{aim}",
        why_top="{head}: {target}, das Maximum dieser Regel",
        why_reps="{reps} Wdh.",
        why_hold="{s} s",
    )
    phase_names: ClassVar[dict[PhaseKind, str]] = {
        PhaseKind.ANNOUNCE: "Ansage",
        PhaseKind.PREPARE: "Vorbereitung",
        PhaseKind.WORK: "Satz",
        PhaseKind.HOLD: "Halten",
        PhaseKind.REST: "Pause",
        PhaseKind.SWITCH: "Wechsel",
        PhaseKind.DONE: "Ende",
    }
    section_names: ClassVar[dict[str, str]] = {
        "warmup": "Aufwärmen.",
        "exercises": "Hauptteil.",
        "cooldown": "Abwärmen.",
    }
    panel_session = "Training"
    panel_phase = "Phase"
    panel_next = "danach"
    panel_said = "gesagt"
    panel_keys = "Tasten: Leertaste Pause · n weiter · b zurück · w Gewicht · q beenden"
    panel_record = "erfasst"
    panel_record_hint = "(Wiederholungen + Enter zum Ändern)"
    note_line = "Hinweis: {text}"
    panel_nothing_to_record = "noch kein Satz zum Eintragen"
    panel_whole_reps = "Wiederholungen sind ganze Zahlen"
    panel_no_weight_target = "kein Satz mehr, dessen Gewicht sich ändern ließe"
    panel_type_weight = "Gewicht der nächsten Sätze eingeben, dann Enter"
    panel_typing_reps = "Wiederholungen: {typed}, Enter trägt ein"
    panel_typing_weight = "Gewicht: {typed}, Enter trägt ein"
    panel_recorded = "eingetragen: {what}"
    panel_weight_from_now = "{exercise}: ab jetzt {weight}"
    enter_hints: ClassVar[dict[Amrap, str]] = {
        Amrap.OPEN: " · Enter: Satz fertig (vorher die Wiederholungen eintippen)",
        Amrap.TIMED: " · Wiederholungen eintippen, dann Enter",
        Amrap.ROUNDS: " · Enter: Runde fertig",
    }

    def number(self, n: int) -> str:
        if 0 <= n < 20:
            return _ONES[n]
        if 20 <= n < 100:
            tens, ones = divmod(n, 10)
            if not ones:
                return _TENS[tens]
            unit = "ein" if ones == 1 else _ONES[ones]
            return f"{unit}und{_TENS[tens]}"
        if n == 100:
            return "hundert"
        return str(n)

    def _minutes(self, n: int) -> str:
        return "eine Minute" if n == 1 else f"{self.number(n)} Minuten"

    def duration(self, ms: int) -> str:
        s = whole_seconds(ms)
        minutes, seconds = divmod(s, 60)
        if minutes == 0:
            return "1 Sekunde" if s == 1 else f"{s} Sekunden"
        if seconds == 0:
            return self._minutes(minutes)
        if seconds == 30 and minutes in _HALF:
            return f"{_HALF[minutes]} Minuten"
        return f"{self._minutes(minutes)} {self.number(seconds)}"

    def reps(self, reps: Reps) -> str:
        if reps.is_range:
            return f"{reps.low} bis {reps.high} Wiederholungen"
        return f"{reps.high} Wiederholungen" if reps.high != 1 else "1 Wiederholung"

    def welcome(self, name: str) -> str:
        return f"{name}. Los geht's."

    def circuit(self, name: str, rounds: int) -> str:
        return f"Zirkel: {name}. {rounds} Runden." if rounds != 1 else f"Zirkel: {name}."

    def round(self, number: int, count: int) -> str:
        return f"Runde {number} von {count}."

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
        if reps is not None:
            work = self.reps(reps)
        elif hold_ms is not None:
            work = f"{self.duration(hold_ms)} halten"
        else:
            work = self.duration(duration_ms or 0)
        head = f"{sets} Sätze, " if sets > 1 else ""
        each = ", je Seite" if sided else ""
        return f"{name}. {capitalized(head + work)}{each}."

    def weight(self, weight: str) -> str:
        return f"Gewicht: {weight}."

    def set_call(self, call: SetCall) -> str | None:
        head = "Aufwärmsatz" if call.warmup else "Satz"
        if call.work is None and not call.amrap:
            parts = [f"{head} {call.number} von {call.count}"] if call.count > 1 else []
            if call.side:
                parts.append(f"Seite: {call.side}")
            if not parts:
                return None
            text = capitalized(", ".join(parts)) + "."
        else:
            hold = call.work is WorkKind.HOLD
            work = (
                self.amrap(call.seconds_ms)
                if call.amrap
                else self.work_text(call.reps, call.seconds_ms, hold)
            )
            if call.weight:
                spoken = self.spoken_weight(call.weight)
                work += f" mit {spoken}" if weight_parts(call.weight) else f", {spoken}"
            if call.side:
                work += f", Seite: {call.side}"
            if call.count == 1 and not call.warmup:
                text = capitalized(work) + "."
            else:
                number = f" {call.number} von {call.count}" if call.count > 1 else ""
                text = f"{head}{number}: {work}."
        effort = self.effort(call.rpe, call.rir)
        return f"{text} {effort}" if effort else text

    def dry_run_total(self, total: str, cap: int | None, sets: int, exercises: int) -> str:
        capped = (
            f" (offene AMRAP-Sätze bis zu ihrer Grenze von {cap} Wiederholungen)" if cap else ""
        )
        return (
            f"gesamt {total}{capped}, {sets} {'Satz' if sets == 1 else 'Sätze'}, "
            f"{exercises} {'Übung' if exercises == 1 else 'Übungen'}"
        )

    def speech_lengths(self, measured: bool, voice: str | None) -> str:
        if not measured:
            return "Sprechlängen geschätzt aus Wörtern und Tempo (keine Stimme verwendet)"
        return (
            f"Sprechlängen gemessen an der Stimme {voice}"
            if voice
            else ("Sprechlängen gemessen an der Stimme")
        )

    todays_targets = "heutige Ziele, aus dem Verlauf:"

    def rest(self, ms: int) -> str:
        return f"Pause, {self.duration(ms)}."

    def time_left(self, ms: int) -> str:
        s = whole_seconds(ms)
        if s >= 60 and s % 60 == 0:
            minutes = s // 60
            return f"Noch {minutes} {'Minute' if minutes == 1 else 'Minuten'}."
        return f"Noch {self.duration(ms)}."

    def next_up(self, name: str) -> str:
        return f"Als Nächstes: {name}."

    def switch_sides(self, side: str) -> str:
        return f"Wechsel: Seite {side}."

    def done(self, elapsed_ms: int) -> str:
        minutes = max(1, round(elapsed_ms / 60_000))
        unit = "Minuten" if minutes != 1 else "Minute"
        return f"Training beendet: {minutes} {unit}. Gut gemacht."

    def get_ready_label(self, name: str) -> str:
        return f"{name}: bereit machen"

    def place(self, name: str, place: SetPlace) -> str:
        parts = [name]
        if place.warmup and place.set_number is not None and place.set_count is not None:
            parts.append(
                f"Aufwärmsatz {place.set_number} von {place.set_count}"
                if place.set_count > 1
                else "Aufwärmsatz"
            )
        elif place.set_count is not None and place.set_number is not None and place.set_count > 1:
            parts.append(f"Satz {place.set_number} von {place.set_count}")
        if place.round_count is not None and place.round_number and place.round_count > 1:
            parts.append(f"Runde {place.round_number} von {place.round_count}")
        if place.side:
            parts.append(place.side)
        return ", ".join(parts)

    def lengthened(self, stretch: Stretch) -> str:
        given, used = (s.replace(".", ",") for s in stretch.seconds)
        return (
            f"Zeit vor {stretch.where} von {given} s auf {used} s verlängert, "
            "damit alles Nötige Platz hat"
        )

    def set_done(
        self,
        exercise: str,
        number: int,
        side: str | None,
        *,
        reps: int | None,
        seconds: float | None,
        weight: str | None,
        rounds: int | None,
    ) -> str:
        head = f"{exercise} Satz {number}" + (f", {side}" if side else "")
        if rounds is not None:
            what = f"{rounds} {'Runde' if rounds == 1 else 'Runden'}"
        elif reps is not None:
            what = f"{reps} {'Wiederholung' if reps == 1 else 'Wiederholungen'}"
        else:
            what = f"{seconds or 0:g} s"
        return f"{head}: {what} mit {weight}" if weight else f"{head}: {what}"

    def reached(self, count: int, *, rounds: bool) -> str:
        if rounds:
            return f"{count} {'Runde' if count == 1 else 'Runden'}"
        return f"{count} {'Wiederholung' if count == 1 else 'Wiederholungen'}"

    def rounds_done(self, rounds: int) -> str:
        return f"{rounds} {'Runde' if rounds == 1 else 'Runden'} geschafft"

    def rep_of(self, number: int, count: int) -> str:
        return f"Wiederholung {number} von {count}"

    def seconds_left(self, seconds: int) -> str:
        return f"noch {seconds} s"

    def rep_open(self, number: int) -> str:
        return f"Wiederholung {number}, so viele wie möglich"

    def exercise_targets(
        self, name: str, *, warmups: int, work_sets: int, amrap_ms: int | None, amrap: bool
    ) -> str:
        sets = f"{work_sets} Sätze" if work_sets != 1 else "1 Satz"
        if warmups:
            warm = f"{warmups} Aufwärmsätze" if warmups != 1 else "1 Aufwärmsatz"
            sets = f"{warm}, dann {sets}"
        tail = f", {self.amrap(amrap_ms)}" if amrap else ""
        return f"{name}. {sets}{tail}."

    def drop_to(self, weight: str) -> str:
        return f"Runter auf {self.spoken_weight(weight)}. Los."

    def spoken_weight(self, weight: str) -> str:
        parts = weight_parts(weight)
        units = {"kg": "Kilo", "kgs": "Kilo", "lb": "Pfund", "lbs": "Pfund"}
        if parts is None or parts[1] not in units:
            return weight
        return f"{parts[0]} {units[parts[1]]}"

    def amrap(self, seconds_ms: int | None) -> str:
        text = "so viele Wiederholungen wie möglich"
        return f"{text} in {self.duration(seconds_ms)}" if seconds_ms else text

    def effort(self, rpe: float | None, rir: int | None) -> str | None:
        parts: list[str] = []
        if rpe is not None:
            whole = int(rpe)
            parts.append(f"RPE {self.number(whole)}einhalb" if rpe != whole else f"RPE {whole}")
        if rir is not None:
            word = "eine" if rir == 1 else self.count(rir)
            reps = "Wiederholung" if rir == 1 else "Wiederholungen"
            parts.append(f"{word} {reps} in Reserve" if rir else "keine Wiederholung in Reserve")
        return "Ziel: " + ", ".join(parts) + "." if parts else None

    def work_text(self, reps: Reps | None, seconds_ms: int | None, hold: bool) -> str:
        if reps is not None:
            return self.reps(reps)
        duration = self.duration(seconds_ms or 0)
        return f"{duration} halten" if hold else duration

    def go_name(self, name: str) -> str:
        return f"{name}, los."

    def intervals(self, work_ms: int, rest_ms: int) -> str:
        return f"{self.duration(work_ms)} Arbeit, {self.duration(rest_ms)} Pause."

    def emom(self, every_ms: int) -> str:
        if every_ms == 60_000:
            return "Jede Minute, zur vollen Minute."
        return f"Alle {self.duration(every_ms)}."

    def amrap_block(self, ms: int) -> str:
        return f"So viele Runden wie möglich in {self.duration(ms)}."

    def task(self, name: str, work: str) -> str:
        return f"{name}, {work}."

    def next_round(self, tasks: str) -> str:
        return f"Nächste Runde: {tasks}"

    def seconds_call(self, ms: int) -> str:
        return f"{self.duration(ms)}."

    def summary(
        self,
        *,
        completed: bool,
        quit: bool,
        sets_done: int,
        sets_total: int,
        sets_skipped: int,
        position: str,
        total: str,
        where: str | None,
    ) -> str:
        skipped = f", {sets_skipped} übersprungen" if sets_skipped else ""
        sets = f"{sets_done} von {sets_total} Sätzen erledigt{skipped}"
        if completed:
            return f"Training beendet: {sets} in {total}."
        head = "Beendet" if quit else "Abgebrochen"
        at = f" ({where})" if where else ""
        return f"{head} bei {position} von {total}{at}: {sets}."
