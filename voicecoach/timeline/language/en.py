"""English."""

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
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


class English(Language):
    """The English words."""

    code = "en"
    english_name = "English"
    get_ready = ("Get into position.", "Get set.", "Take your position.")
    get_ready_soon = "10 seconds, get ready."
    halfway = "Halfway."
    ten_seconds_left = "Ten seconds left."
    paused = "Paused."
    resumed = "Resumed."
    rest_label = "Rest"
    switch_label = "Switch sides"
    done_label = "Workout complete"
    drop_label = "Drop set"
    drop_call = "Drop the weight. Go."
    rest_short = "Rest."
    warmup_word = "warm-up"
    show = ShowWords(
        sections={"warmup": "Warm-up", "exercises": "Exercises", "cooldown": "Cool-down"},
        reps="{reps} reps",
        tempo="tempo {tempo}",
        hold="hold {s} s",
        seconds="{s} s",
        sides="sides: {sides}",
        max_reps="max reps",
        max_reps_in="max reps in {s} s",
        in_reserve="{rir} in reserve",
        warmup_n="warm-up {n}",
        set_n="set {n}",
        drop=" (drop)",
        rest=", rest {s} s",
        round_one="1 round",
        rounds="{n} rounds",
        amrap_block="as many rounds as possible in {time}",
        emom="{rounds}, every {s} s (EMOM)",
        intervals="{rounds}, intervals, rest {rest} s, {between} s between rounds",
        sets="{sets} sets",
        after_warmups=" after {n} warm-up",
        circuit="Circuit {name}: {head}",
        note="note: {text}",
        today="today: {text}",
        total="total {time}{cap}, {sets} sets, language {language}{estimated}",
        capped=" (open-ended AMRAP sets at their {cap}-rep cap)",
        estimated="; speech lengths estimated",
        muscles="Muscles: {muscles}",
        equipment="Equipment: {equipment}",
        not_given="not given",
        no_equipment="none",
        stretched="Note: {text}",
    )
    history = HistoryWords(
        decimal=".",
        statuses={
            "completed": "completed",
            "quit": "quit",
            "interrupted": "interrupted",
            "running": "running",
        },
        entered={"typed": "typed", "counted": "counted", "logged": "logged"},
        reps=("{n} rep", "{n} reps"),
        sets=("{n} set", "{n} sets"),
        work_sets=("{n} work set", "{n} work sets"),
        sessions=("{n} session", "{n} sessions"),
        weeks=("{n} week", "{n} weeks"),
        seconds="{s} s",
        log_session="Session {id}: {routine}, {when}, {status}",
        skipped="skipped",
        done="done",
        planned="planned {what}",
        warmup="warm-up",
        log_hint='Correct a set with: voicecoach log --set "EXERCISE SET: REPS [@ WEIGHT]"',
        history_header=("ID", "Started", "Routine", "Status", "Sets", "Skipped", "Time"),
        no_workouts="No workouts recorded yet.",
        no_history="No workouts recorded yet: there is no history at {path}.",
        none_of_routine="No workouts of {routine} recorded yet",
        recorded_of="; sessions were recorded of: {names}",
        last_weeks=("Last {n} week: {first} to {last}", "Last {n} weeks: {first} to {last}"),
        stats_header=("Week", "Sessions", "Sets", "Time"),
        total="Total",
        sets_per_week="Sets per week",
        sets_per_muscle="Sets per muscle group",
        no_sets="no sets in these weeks",
        other_muscle="other",
        streak="Streak: {weeks} in a row with at least one workout",
        no_streak="Streak: none yet; one workout this week starts one",
        exercise_head="{name}: {sets} in {sessions}, {first} to {last}",
        best_set="Best set: {reps} at {load} on {day}",
        e1rm="Estimated one-rep maximum: {value}, from {reps} at {load} on {day} ({formula})",
        e1rm_formula="Epley: weight × (1 + reps / 30)",
        load_chart="Load per session (heaviest work set, {unit})",
        volume_chart="Volume per week (weight × reps of the work sets, {unit})",
        no_weight="No weight recorded: reps per week",
        no_work_sets="No work sets of {name} recorded yet.",
        per_week=("{n} session a week, in turn: {turn}", "{n} sessions a week, in turn: {turn}"),
        last_week=("Last week ({week}): {n} of {planned} done",) * 2,
        missed=(", {n} missed",) * 2,
        this_week=("This week ({week}): {n} of {planned} done, {rest}",) * 2,
        due="{n} due",
        plan_done="the week's plan is done",
        weekdays=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        next_session="Next: {slot}. {name} ({ref})",
        start_with="Start it with: voicecoach next {handle}",
        next_of="{program}: session {slot} of {count}, {routine}",
        at_weight="{work} at {weight}",
        warmup_target="warm-up {target}",
        sets_of="{n} x {work}",
        amrap_round="{work} a round, as many rounds as possible in {time}",
        why_first="no history yet: as written",
        why_last="last time {done}",
        why_at="{head} at {weight}",
        why_aim=", aim for {reps}",
        why_up="{head}: up to {target}{aim}",
        why_deload="{head}, {misses} sessions short in a row: down to {target}{aim}",
        why_stay="{head}: stay at {target}{aim}",
        why_top="{head}: {target}, the top of this rule",
        why_reps="{reps} reps",
        why_hold="hold {s} s",
    )
    phase_names: ClassVar[dict[PhaseKind, str]] = {kind: kind.value for kind in PhaseKind}
    section_names: ClassVar[dict[str, str]] = {
        "warmup": "Warm-up.",
        "exercises": "Main part.",
        "cooldown": "Cool-down.",
    }
    panel_session = "session"
    panel_phase = "phase"
    panel_next = "next"
    panel_said = "said"
    panel_keys = "keys: space pause · n next · b back · w weight · q quit"
    panel_record = "record"
    panel_record_hint = "(type reps + Enter to change)"
    note_line = "note: {text}"
    panel_nothing_to_record = "no set to record yet"
    panel_whole_reps = "reps are whole numbers"
    panel_no_weight_target = "no set left to change the weight of"
    panel_type_weight = "type the weight of the next sets, then Enter"
    panel_typing_reps = "reps: {typed}, Enter records it"
    panel_typing_weight = "weight: {typed}, Enter records it"
    panel_recorded = "recorded: {what}"
    panel_weight_from_now = "{exercise}: {weight} from now on"
    enter_hints: ClassVar[dict[Amrap, str]] = {
        Amrap.OPEN: " · Enter: set done (type the reps first to record them)",
        Amrap.TIMED: " · type the reps, then Enter",
        Amrap.ROUNDS: " · Enter: round done",
    }

    def number(self, n: int) -> str:
        if 0 <= n < 20:
            return _ONES[n]
        if 20 <= n < 100:
            tens, ones = divmod(n, 10)
            return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
        if n == 100:
            return "one hundred"
        return str(n)

    def duration(self, ms: int) -> str:
        s = whole_seconds(ms)
        minutes, seconds = divmod(s, 60)
        if minutes == 0:
            return f"{s} second" if s == 1 else f"{s} seconds"
        unit = "minute" if minutes == 1 else "minutes"
        if seconds == 0:
            return f"{self.number(minutes)} {unit}"
        if seconds == 30 and minutes > 1:
            return f"{self.number(minutes)} and a half minutes"
        return f"{self.number(minutes)} {unit} {self.number(seconds)}"

    def reps(self, reps: Reps) -> str:
        if reps.is_range:
            return f"{reps.low} to {reps.high} reps"
        return f"{reps.high} reps" if reps.high != 1 else "1 rep"

    def welcome(self, name: str) -> str:
        return f"{name}. Let's begin."

    def circuit(self, name: str, rounds: int) -> str:
        return f"Circuit: {name}. {rounds} rounds." if rounds != 1 else f"Circuit: {name}."

    def round(self, number: int, count: int) -> str:
        return f"Round {number} of {count}."

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
            work = f"hold {self.duration(hold_ms)}"
        else:
            work = self.duration(duration_ms or 0)
        head = f"{sets} sets, " if sets > 1 else ""
        each = ", each side" if sided else ""
        return f"{name}. {capitalized(head + work)}{each}."

    def weight(self, weight: str) -> str:
        return f"Weight: {weight}."

    def set_call(self, call: SetCall) -> str | None:
        head = "Warm-up set" if call.warmup else "Set"
        if call.work is None and not call.amrap:
            parts = [f"{head} {call.number} of {call.count}"] if call.count > 1 else []
            if call.side:
                parts.append(f"{call.side} side")
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
                work += f" at {spoken}" if weight_parts(call.weight) else f", {spoken}"
            if call.side:
                work += f", {call.side} side"
            if call.count == 1 and not call.warmup:
                text = capitalized(work) + "."
            else:
                number = f" {call.number} of {call.count}" if call.count > 1 else ""
                text = f"{head}{number}: {work}."
        effort = self.effort(call.rpe, call.rir)
        return f"{text} {effort}" if effort else text

    def dry_run_total(self, total: str, cap: int | None, sets: int, exercises: int) -> str:
        capped = f" (open-ended AMRAP sets at their {cap}-rep cap)" if cap else ""
        return (
            f"total {total}{capped}, {sets} set{'s' if sets != 1 else ''}, "
            f"{exercises} exercise{'s' if exercises != 1 else ''}"
        )

    def speech_lengths(self, measured: bool, voice: str | None) -> str:
        if not measured:
            return "speech lengths estimated from words and rate (no voice used)"
        return (
            f"speech lengths measured from the voice {voice}"
            if voice
            else ("speech lengths measured from the voice")
        )

    todays_targets = "today's targets, from the history:"

    def rest(self, ms: int) -> str:
        return f"Rest, {self.duration(ms)}."

    def time_left(self, ms: int) -> str:
        s = whole_seconds(ms)
        if s >= 60 and s % 60 == 0:
            minutes = s // 60
            return f"{minutes} {'minute' if minutes == 1 else 'minutes'} left."
        return f"{capitalized(self.duration(ms))} left."

    def next_up(self, name: str) -> str:
        return f"Next up: {name}."

    def switch_sides(self, side: str) -> str:
        return f"Switch: {side} side."

    def done(self, elapsed_ms: int) -> str:
        minutes = max(1, round(elapsed_ms / 60_000))
        unit = "minutes" if minutes != 1 else "minute"
        return f"Workout complete: {minutes} {unit}. Well done."

    def get_ready_label(self, name: str) -> str:
        return f"{name}: get ready"

    def place(self, name: str, place: SetPlace) -> str:
        parts = [name]
        if place.warmup and place.set_number is not None and place.set_count is not None:
            parts.append(
                f"warm-up set {place.set_number} of {place.set_count}"
                if place.set_count > 1
                else "warm-up set"
            )
        elif place.set_count is not None and place.set_number is not None and place.set_count > 1:
            parts.append(f"set {place.set_number} of {place.set_count}")
        if place.round_count is not None and place.round_number and place.round_count > 1:
            parts.append(f"round {place.round_number} of {place.round_count}")
        if place.side:
            parts.append(place.side)
        return ", ".join(parts)

    def lengthened(self, stretch: Stretch) -> str:
        given, used = stretch.seconds
        return (
            f"time before {stretch.where} lengthened from {given} s to {used} s "
            "to fit what must be said"
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
        head = f"{exercise} set {number}" + (f", {side}" if side else "")
        if rounds is not None:
            what = f"{rounds} round{'s' if rounds != 1 else ''}"
        elif reps is not None:
            what = f"{reps} rep{'s' if reps != 1 else ''}"
        else:
            what = f"{seconds or 0:g} s"
        return f"{head}: {what} at {weight}" if weight else f"{head}: {what}"

    def reached(self, count: int, *, rounds: bool) -> str:
        unit = "round" if rounds else "rep"
        return f"{count} {unit}{'s' if count != 1 else ''}"

    def rounds_done(self, rounds: int) -> str:
        return f"{rounds} round{'s' if rounds != 1 else ''} done"

    def rep_of(self, number: int, count: int) -> str:
        return f"rep {number} of {count}"

    def seconds_left(self, seconds: int) -> str:
        return f"{seconds} s left"

    def rep_open(self, number: int) -> str:
        return f"rep {number}, as many as you can"

    def exercise_targets(
        self, name: str, *, warmups: int, work_sets: int, amrap_ms: int | None, amrap: bool
    ) -> str:
        sets = f"{work_sets} sets" if work_sets != 1 else "1 set"
        if warmups:
            warm = f"{warmups} warm-up sets" if warmups != 1 else "1 warm-up set"
            sets = f"{warm}, then {sets}"
        tail = f", {self.amrap(amrap_ms)}" if amrap else ""
        return f"{name}. {sets}{tail}."

    def drop_to(self, weight: str) -> str:
        return f"Drop to {self.spoken_weight(weight)}. Go."

    def spoken_weight(self, weight: str) -> str:
        parts = weight_parts(weight)
        units = {"kg": "kilos", "kgs": "kilos", "lb": "pounds", "lbs": "pounds"}
        if parts is None or parts[1] not in units:
            return weight
        return f"{parts[0]} {units[parts[1]]}"

    def amrap(self, seconds_ms: int | None) -> str:
        text = "as many reps as possible"
        return f"{text} in {self.duration(seconds_ms)}" if seconds_ms else text

    def effort(self, rpe: float | None, rir: int | None) -> str | None:
        parts: list[str] = []
        if rpe is not None:
            whole = int(rpe)
            parts.append(f"RPE {whole}{' and a half' if rpe != whole else ''}")
        if rir is not None:
            reps = "rep" if rir == 1 else "reps"
            parts.append(f"{self.count(rir)} {reps} in reserve" if rir else "no reps in reserve")
        return "Aim for " + ", ".join(parts) + "." if parts else None

    def work_text(self, reps: Reps | None, seconds_ms: int | None, hold: bool) -> str:
        if reps is not None:
            return self.reps(reps)
        duration = self.duration(seconds_ms or 0)
        return f"hold {duration}" if hold else duration

    def go_name(self, name: str) -> str:
        return f"{name}, go."

    def intervals(self, work_ms: int, rest_ms: int) -> str:
        return f"{self.duration(work_ms)} work, {self.duration(rest_ms)} rest."

    def emom(self, every_ms: int) -> str:
        if every_ms == 60_000:
            return "Every minute on the minute."
        return f"Every {self.duration(every_ms)}."

    def amrap_block(self, ms: int) -> str:
        return f"As many rounds as possible in {self.duration(ms)}."

    def task(self, name: str, work: str) -> str:
        return f"{name}, {work}."

    def next_round(self, tasks: str) -> str:
        return f"Next round: {tasks}"

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
        skipped = f", {sets_skipped} skipped" if sets_skipped else ""
        sets = f"{sets_done} of {sets_total} sets done{skipped}"
        if completed:
            return f"Workout complete: {sets} in {total}."
        head = "Quit" if quit else "Interrupted"
        at = f" in {where}" if where else ""
        return f"{head} at {position} of {total}{at}: {sets}."
