"""What every language of the coach's own words provides (see the package's docstring)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from voicecoach.routine.model import Reps, WorkKind
from voicecoach.routine.progress import Advice
from voicecoach.timeline.model import Amrap, PhaseKind, SetPlace, Stretch


@dataclass(frozen=True)
class SetCall:
    """What the call before a set says: which set, on which side, and what it asks for.

    Without a target (`work` None) the call only says which set and side it is ("Set 1 of 3.");
    with one it says the target ("Set 2 of 3: 8 to 10 reps at 40 kilos.") and the effort.
    Warm-up sets are numbered among themselves (`number` of `count` warm-up sets).
    """

    number: int
    count: int
    side: str | None = None
    work: WorkKind | None = None
    reps: Reps | None = None
    seconds_ms: int | None = None
    weight: str | None = None
    rpe: float | None = None
    rir: int | None = None
    warmup: bool = False
    amrap: bool = False


@dataclass(frozen=True)
class ShowWords:
    """The words of `voicecoach show` in one language; each text a format string."""

    sections: dict[str, str]  # the title of each section: {"warmup": "Warm-up", ...}
    reps: str  # "{reps} reps"
    tempo: str  # "tempo {tempo}"
    hold: str  # "hold {s} s"
    seconds: str  # "{s} s"
    sides: str  # "sides: {sides}"
    max_reps: str  # "max reps"
    max_reps_in: str  # "max reps in {s} s"
    in_reserve: str  # "{rir} in reserve"
    warmup_n: str  # "warm-up {n}"
    set_n: str  # "set {n}"
    drop: str  # " (drop)"
    rest: str  # ", rest {s} s"
    round_one: str  # "1 round"
    rounds: str  # "{n} rounds"
    amrap_block: str  # "as many rounds as possible in {time}"
    emom: str  # "{rounds}, every {s} s (EMOM)"
    intervals: str  # "{rounds}, intervals, rest {rest} s, {between} s between rounds"
    sets: str  # "{sets} sets"
    after_warmups: str  # " after {n} warm-up"
    circuit: str  # "Circuit {name}: {head}"
    note: str  # "note: {text}"
    today: str  # "today: {text}"
    total: str  # "total {time}{cap}, {sets} sets, language {language}{estimated}"
    capped: str  # " (open-ended AMRAP sets at their {cap}-rep cap)"
    estimated: str  # "; speech lengths estimated"
    muscles: str  # "Muscles: {muscles}"
    equipment: str  # "Equipment: {equipment}"
    not_given: str  # "not given"
    no_equipment: str  # "none"
    stretched: str  # "Note: {text}"


@dataclass(frozen=True)
class HistoryWords:
    """The words of what is read back from the history in one language: `log`, `history`,
    `stats`, `stats --exercise`, `program`, and why progression chose today's target (`show`,
    the dry run, `program`). Each text a format string; a pair is the (one, many) forms."""

    decimal: str  # the decimal mark of shown weights: "." or ","
    statuses: dict[str, str]  # how a session ended: {"completed": "completed", ...}
    entered: dict[str, str]  # where done values came from: {"typed": "typed", ...}
    reps: tuple[str, str]  # ("{n} rep", "{n} reps")
    sets: tuple[str, str]  # ("{n} set", "{n} sets")
    work_sets: tuple[str, str]  # ("{n} work set", "{n} work sets")
    sessions: tuple[str, str]  # ("{n} session", "{n} sessions")
    weeks: tuple[str, str]  # ("{n} week", "{n} weeks")
    seconds: str  # "{s} s"
    # voicecoach log
    log_session: str  # "Session {id}: {routine}, {when}, {status}"
    skipped: str  # "skipped"
    done: str  # "done"
    planned: str  # "planned {what}"
    warmup: str  # "warm-up"
    log_hint: str  # 'Correct a set with: voicecoach log --set "EXERCISE SET: REPS [@ WEIGHT]"'
    # voicecoach history
    history_header: tuple[str, str, str, str, str, str, str]  # ID, Started, Routine, ...
    no_workouts: str  # "No workouts recorded yet."
    no_history: str  # "No workouts recorded yet: there is no history at {path}."
    none_of_routine: str  # "No workouts of {routine} recorded yet"
    recorded_of: str  # "; sessions were recorded of: {names}"
    # voicecoach stats
    last_weeks: tuple[str, str]  # ("Last {n} week: {first} to {last}", ...)
    stats_header: tuple[str, str, str, str]  # Week, Sessions, Sets, Time
    total: str  # "Total"
    sets_per_week: str  # "Sets per week"
    sets_per_muscle: str  # "Sets per muscle group"
    no_sets: str  # "no sets in these weeks"
    other_muscle: str  # "other"
    streak: str  # "Streak: {weeks} in a row with at least one workout"
    no_streak: str  # "Streak: none yet; one workout this week starts one"
    # voicecoach stats --exercise
    exercise_head: str  # "{name}: {sets} in {sessions}, {first} to {last}"
    best_set: str  # "Best set: {reps} at {load} on {day}"
    e1rm: str  # "Estimated one-rep maximum: {value}, from {reps} at {load} on {day} ({formula})"
    e1rm_formula: str  # "Epley: weight × (1 + reps / 30)"
    load_chart: str  # "Load per session (heaviest work set, {unit})"
    volume_chart: str  # "Volume per week (weight × reps of the work sets, {unit})"
    no_weight: str  # "No weight recorded: reps per week"
    no_work_sets: str  # "No work sets of {name} recorded yet."
    # voicecoach program
    per_week: tuple[str, str]  # ("{n} session a week, in turn: {turn}", ...)
    last_week: tuple[str, str]  # by sessions done: "Last week ({week}): {n} of {planned} done"
    missed: tuple[str, str]  # ", {n} missed"
    this_week: tuple[
        str, str
    ]  # by sessions done: "This week ({week}): {n} of {planned} done, {rest}"
    due: str  # "{n} due"
    plan_done: str  # "the week's plan is done"
    weekdays: tuple[str, str, str, str, str, str, str]  # "Mon" to "Sun"
    next_session: str  # "Next: {slot}. {name} ({ref})"
    start_with: str  # "Start it with: voicecoach next {handle}"
    next_of: str  # "{program}: session {slot} of {count}, {routine}" (voicecoach next)
    # today's target of an exercise (program, dry run)
    at_weight: str  # "{work} at {weight}"
    warmup_target: str  # "warm-up {target}"
    sets_of: str  # "{n} x {work}"
    amrap_round: str  # "{work} a round, as many rounds as possible in {time}"
    # why progression chose today's target
    why_first: str  # "no history yet: as written"
    why_last: str  # "last time {done}"
    why_at: str  # "{head} at {weight}"
    why_aim: str  # ", aim for {reps}"
    why_up: str  # "{head}: up to {target}{aim}"
    why_deload: str  # "{head}, {misses} sessions short in a row: down to {target}{aim}"
    why_stay: str  # "{head}: stay at {target}{aim}"
    why_top: str  # "{head}: {target}, the top of this rule"
    why_reps: str  # "{reps} reps"
    why_hold: str  # "hold {s} s"


_WEIGHT = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*([A-Za-z]+)\.?\s*")


def weight_parts(weight: str) -> tuple[str, str] | None:
    """ "100 kg" as ("100", "kg"); None for a weight that is not a number and a unit."""
    match = _WEIGHT.fullmatch(weight)
    return None if match is None else (match.group(1), match.group(2).casefold())


def whole_seconds(ms: int) -> int:
    """Milliseconds as the whole seconds a person would say."""
    return max(0, round(ms / 1000))


class Language(ABC):
    """The words of one language. Subclasses set every word below and implement every method."""

    #: The routine format's code for the language (`language:` in a routine).
    code: ClassVar[str]
    #: The language's name in messages, which are English: "German".
    english_name: ClassVar[str]

    # -- fixed words (each language sets all of them) -------------------------------------
    #: Said instead of a setup cue when the exercise has none; varied from set to set.
    get_ready: ClassVar[tuple[str, ...]]
    get_ready_soon: ClassVar[str]  # "10 seconds, get ready." near the end of a rest
    halfway: ClassVar[str]
    ten_seconds_left: ClassVar[str]
    paused: ClassVar[str]
    resumed: ClassVar[str]
    rest_label: ClassVar[str]
    switch_label: ClassVar[str]
    done_label: ClassVar[str]
    drop_label: ClassVar[str]
    #: Said as a drop set starts.
    drop_call: ClassVar[str]
    #: The short rest call inside interval and EMOM blocks.
    rest_short: ClassVar[str]
    #: Added to the label of a warm-up set.
    warmup_word: ClassVar[str]
    #: The words of `voicecoach show`.
    show: ClassVar[ShowWords]
    #: The words of what is read back from the history (log, history, stats, program).
    history: ClassVar[HistoryWords]
    #: Phase names as shown in dry runs and on the live panel.
    phase_names: ClassVar[dict[PhaseKind, str]]
    #: Section names as spoken at the start of each section ("Warm-up.").
    section_names: ClassVar[dict[str, str]]
    #: Words of the live panel.
    panel_session: ClassVar[str]
    panel_phase: ClassVar[str]
    panel_next: ClassVar[str]
    panel_said: ClassVar[str]
    panel_keys: ClassVar[str]
    #: What a set will be recorded as, on the live panel, and how to change it.
    panel_record: ClassVar[str]
    panel_record_hint: ClassVar[str]
    #: A note line of the dry run: "note: {text}".
    note_line: ClassVar[str]
    #: The live panel's messages while a number is typed for a set (reps; after w, a weight).
    panel_nothing_to_record: ClassVar[str]
    panel_whole_reps: ClassVar[str]
    panel_no_weight_target: ClassVar[str]
    panel_type_weight: ClassVar[str]
    panel_typing_reps: ClassVar[str]  # "reps: {typed}, Enter records it"
    panel_typing_weight: ClassVar[str]  # "weight: {typed}, Enter records it"
    panel_recorded: ClassVar[str]  # "recorded: {what}"
    panel_weight_from_now: ClassVar[str]  # "{exercise}: {weight} from now on"
    #: What Enter does in each kind of AMRAP phase, added to the keys line.
    enter_hints: ClassVar[dict[Amrap, str]]

    # -- numbers and lengths ----------------------------------------------------------------

    def plural(self, n: int, forms: tuple[str, str], **fields: object) -> str:
        """`n` in the (one, many) form that goes with it, filled in with `fields`: "1 set",
        "3 sets"."""
        return forms[0 if n == 1 else 1].format(n=n, **fields)

    def written_weight(self, weight: str) -> str:
        """A weight as shown in this language: "42.5 kg", "42,5 kg"; a weight that is not a
        number and a unit ("light band") as written."""
        parts = weight_parts(weight)
        if parts is None or self.history.decimal == ".":
            return weight
        return f"{parts[0].replace('.', self.history.decimal)} {parts[1]}"

    def explain(self, advice: Advice) -> str:
        """Why today's target is what it is, in one line: "last time 10/10/9 at 40 kg: stay at
        40 kg, aim for 10"."""
        from voicecoach.timeline.language.progress import explain

        return explain(advice, self)

    @abstractmethod
    def number(self, n: int) -> str:
        """The number `n` in words (0 to 100), as counted out loud."""

    def count(self, n: int) -> str:
        """The spoken rep count."""
        return self.number(n)

    @abstractmethod
    def duration(self, ms: int) -> str:
        """A length as people say it: "45 seconds", "one minute thirty", "two and a half
        minutes"."""

    @abstractmethod
    def reps(self, reps: Reps) -> str:
        """ "8 to 10 reps", "1 rep"."""

    # -- the dry run's header ---------------------------------------------------------------

    @abstractmethod
    def dry_run_total(self, total: str, cap: int | None, sets: int, exercises: int) -> str:
        """ "total 17 min 29 s (17:29.000), 9 sets, 5 exercises", with the AMRAP `cap` when
        open-ended AMRAP sets count to it."""

    @abstractmethod
    def speech_lengths(self, measured: bool, voice: str | None) -> str:
        """Where the phrase lengths came from: "speech lengths measured from the voice X"."""

    #: Heads the targets the history gives for today.
    todays_targets: ClassVar[str]

    # -- the session ------------------------------------------------------------------------

    @abstractmethod
    def welcome(self, name: str) -> str:
        """The first words of the session."""

    @abstractmethod
    def circuit(self, name: str, rounds: int) -> str:
        """The announcement of a circuit."""

    @abstractmethod
    def round(self, number: int, count: int) -> str:
        """ "Round 2 of 3."."""

    @abstractmethod
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
        """The announcement of an exercise: its name and what a set asks for."""

    @abstractmethod
    def weight(self, weight: str) -> str:
        """The weight, in the announcement."""

    def progress(self, advice: Advice) -> str | None:
        """Today's target from the history and why, in the announcement: "Last time 10, 10
        and 9 at 40 kilos. Today 40 kilos again: aim for 10 on every set." None the first time."""
        from voicecoach.timeline.language.progress import progress_phrase

        return progress_phrase(advice, self.code)

    @abstractmethod
    def set_call(self, call: SetCall) -> str | None:
        """ "Set 2 of 3, 8 to 10 reps, 40 kg."; None when there is nothing to say."""

    @abstractmethod
    def rest(self, ms: int) -> str:
        """ "Rest, two minutes."."""

    @abstractmethod
    def time_left(self, ms: int) -> str:
        """A time call in a rest: "One minute left.", "30 seconds left."."""

    @abstractmethod
    def next_up(self, name: str) -> str:
        """What comes after the rest."""

    @abstractmethod
    def switch_sides(self, side: str) -> str:
        """The call to change sides."""

    @abstractmethod
    def done(self, elapsed_ms: int) -> str:
        """The last words of the session."""

    # -- labels -------------------------------------------------------------------------------

    @abstractmethod
    def get_ready_label(self, name: str) -> str:
        """The label of the phase before an exercise's first set."""

    @abstractmethod
    def place(self, name: str, place: SetPlace) -> str:
        """Where in the session a set is: "Deadlift, set 1 of 3, left"."""

    def labelled(self, head: str, detail: str) -> str:
        """A label and what it is about: "Deadlift, set 1 of 3: 5 reps"."""
        return f"{head}: {detail}"

    @abstractmethod
    def rep_of(self, number: int, count: int) -> str:
        """The live panel's rep line: "rep 3 of 10"."""

    @abstractmethod
    def seconds_left(self, seconds: int) -> str:
        """The live panel's time left in a phase: "12 s left"."""

    @abstractmethod
    def rep_open(self, number: int) -> str:
        """The live panel's rep line in an open-ended AMRAP set."""

    @abstractmethod
    def lengthened(self, stretch: Stretch) -> str:
        """A note of the dry run and of `show`: "time before Deadlift, set 1 of 3 lengthened
        from 5.0 s to 6.2 s to fit what must be said"."""

    @abstractmethod
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
        """What a set is recorded as, on the live panel: "Deadlift set 2: 10 reps at 40 kg"."""

    @abstractmethod
    def reached(self, count: int, *, rounds: bool) -> str:
        """What an AMRAP phase reached, as typed: "12 reps", "3 rounds"."""

    @abstractmethod
    def rounds_done(self, rounds: int) -> str:
        """The live panel's message as a round of an AMRAP block is marked: "3 rounds done"."""

    # -- per-set targets, effort, AMRAP and blocks --------------------------------------------

    @abstractmethod
    def exercise_targets(
        self, name: str, *, warmups: int, work_sets: int, amrap_ms: int | None, amrap: bool
    ) -> str:
        """The announcement of an exercise whose sets have their own targets."""

    @abstractmethod
    def spoken_weight(self, weight: str) -> str:
        """A weight as lifters say it: "100 kg" as "100 kilos"."""

    @abstractmethod
    def drop_to(self, weight: str) -> str:
        """The call of a drop set with its weight: "Drop to 10 kilos. Go."."""

    @abstractmethod
    def amrap(self, seconds_ms: int | None) -> str:
        """ "as many reps as possible" (in a time)."""

    @abstractmethod
    def effort(self, rpe: float | None, rir: int | None) -> str | None:
        """ "Aim for RPE 8, two reps in reserve."; None without a target."""

    @abstractmethod
    def work_text(self, reps: Reps | None, seconds_ms: int | None, hold: bool) -> str:
        """What a set asks for, short: "10 reps", "30 seconds", "hold 30 seconds"."""

    @abstractmethod
    def go_name(self, name: str) -> str:
        """Said as interval work starts: "Mountain climbers, go."."""

    @abstractmethod
    def intervals(self, work_ms: int, rest_ms: int) -> str:
        """ "20 seconds work, 10 seconds rest."."""

    @abstractmethod
    def emom(self, every_ms: int) -> str:
        """ "Every minute on the minute."."""

    @abstractmethod
    def amrap_block(self, ms: int) -> str:
        """ "As many rounds as possible in 10 minutes."."""

    @abstractmethod
    def task(self, name: str, work: str) -> str:
        """One exercise of a block with its work: "Burpees, 10 reps."."""

    @abstractmethod
    def next_round(self, tasks: str) -> str:
        """Said when a finished round of an AMRAP block is marked."""

    @abstractmethod
    def seconds_call(self, ms: int) -> str:
        """The call before an EMOM boundary: "10 seconds."."""

    @abstractmethod
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
        """The one line printed when a session ends."""


def capitalized(text: str) -> str:
    """`text` with its first letter upper case (and nothing else changed)."""
    return text[:1].upper() + text[1:]
