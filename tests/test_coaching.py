"""What the coach says and when: the rep model, cues at their moment, rests, and every language."""

from __future__ import annotations

import inspect
import string
from itertools import pairwise
from pathlib import Path

import pytest

from voicecoach.routine.loader import load_routine_text
from voicecoach.routine.model import (
    LANGUAGES,
    Circuit,
    Cue,
    Cues,
    Exercise,
    Reps,
    Routine,
    StartsWith,
    Tempo,
    WorkKind,
)
from voicecoach.timeline.compiler import GO_LEAD_MS, compile_routine
from voicecoach.timeline.dryrun import to_json
from voicecoach.timeline.durations import EstimatedDurations
from voicecoach.timeline.language import LANGUAGES as TABLES
from voicecoach.timeline.language import Language, SetCall, language_for
from voicecoach.timeline.model import Event, EventKind, PhaseKind, Role, Timeline


class _Lengths:
    """Counts last 400 ms, every other phrase 1 s: layouts easy to check by hand."""

    measured = True

    def duration_ms(self, text: str) -> int:
        return 400 if " " not in text and text.islower() else 1000


def exercise(name: str = "Row", **kw: object) -> Exercise:
    base: dict[str, object] = dict(
        work=WorkKind.REPS,
        reps=Reps(4, 4),
        seconds_ms=None,
        sets=1,
        sides=(),
        tempo=Tempo(2000, 1000, 1000, 2000),
        rest_ms=60_000,
        rest_after_ms=30_000,
        prepare_ms=10_000,
        side_switch_ms=5_000,
        countdown_s=3,
    )
    base.update(kw)
    return Exercise(name=name, **base)  # type: ignore[arg-type]


def compiled(*items: Exercise | Circuit, language: str = "en") -> Timeline:
    return compile_routine(Routine("Test", (), tuple(items), (), language=language), _Lengths())


def work_events(tl: Timeline, n: int = 0) -> tuple[int, list[Event]]:
    work = [p for p in tl.phases if p.is_work][n]
    return work.start_ms, list(tl.events_in(work))


# -- the rep -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_with", "count_at", "lower_at"),
    [
        # lift 1 s, top 2 s, lower 2 s, bottom 1 s: count at the start, lowering 3 s in
        pytest.param(StartsWith.LIFT, 0, 3000, id="lift-first"),
        # lower 2 s, bottom 1 s, lift 1 s, top 2 s: lowering at the start, count 3 s in
        pytest.param(StartsWith.LOWER, 3000, 0, id="lower-first"),
    ],
)
def test_the_count_is_spoken_as_the_lift_starts_and_the_rep_beep_as_the_lowering_starts(
    starts_with: StartsWith, count_at: int, lower_at: int
) -> None:
    tl = compiled(exercise(starts_with=starts_with))
    start, events = work_events(tl)
    first = start + GO_LEAD_MS
    counts = [e.at_ms - first for e in events if e.role is Role.COUNT]
    beeps = [e.at_ms - first for e in events if e.kind is EventKind.BEEP and e.text == "rep"]
    assert counts == [count_at + i * 6000 for i in range(4)]
    assert beeps == [lower_at + i * 6000 for i in range(4)]


def test_before_rep_cues_go_before_the_countdown_and_in_the_pause_at_the_bottom() -> None:
    """The deadlift: "Big breath, brace." before the countdown, then in the two seconds with the
    bar on the floor, never inside a rep, and not twice within the repeat gap."""
    ex = exercise(
        "Deadlift",
        reps=Reps(8, 8),
        tempo=Tempo(2000, 2000, 1000, 1000),
        starts_with=StartsWith.LIFT,
        cues=Cues(before_rep=(Cue("Big breath, brace."), Cue("Belly tight."))),
    )
    tl = compiled(ex)
    prepare = next(p for p in tl.phases if p.kind is PhaseKind.PREPARE)
    said = [e for e in tl.events_in(prepare) if e.kind is EventKind.SPEAK]
    ticks = [e for e in tl.events_in(prepare) if e.kind is EventKind.BEEP]
    assert said[-1].text == "Big breath, brace."
    assert said[-1].end_ms < ticks[0].at_ms
    start, events = work_events(tl)
    for e in (e for e in events if e.role is Role.BEFORE_REP):
        rep_start = start + GO_LEAD_MS + ((e.at_ms - start - GO_LEAD_MS) // 6000 + 1) * 6000
        assert rep_start - 2000 <= e.at_ms, e
        assert e.end_ms <= rep_start, e
    texts = [e.text for e in events if e.role is Role.BEFORE_REP]
    assert texts[0] == "Belly tight."  # the other one was said just before the countdown
    assert set(texts) == {"Belly tight.", "Big breath, brace."}


def test_during_cues_start_after_the_count_at_the_top_of_the_lift() -> None:
    ex = exercise(
        reps=Reps(10, 10),
        starts_with=StartsWith.LIFT,
        cues=Cues(during=(Cue("Crack the walnut."), Cue("Elbows back."))),
    )
    _start, events = work_events(compiled(ex))
    counts = [e.at_ms for e in events if e.role is Role.COUNT]
    during = [e for e in events if e.role is Role.DURING]
    assert during
    for e in during:
        lift = max(c for c in counts if c <= e.at_ms)
        assert e.at_ms < lift + 3000
        assert e.end_ms <= lift + 3000


def test_finish_is_said_before_the_last_rep() -> None:
    ex = exercise(starts_with=StartsWith.LIFT, cues=Cues(finish=(Cue("Last one, squeeze."),)))
    _, events = work_events(compiled(ex))
    counts = [e for e in events if e.role is Role.COUNT]
    (finish,) = [e for e in events if e.role is Role.FINISH]
    assert counts[-2].at_ms < finish.at_ms
    assert finish.end_ms < counts[-1].at_ms


def test_a_cue_too_long_for_the_top_is_said_before_the_set_not_lost() -> None:
    """The seed's walnut cue in a two-set one-arm row at the default tempo: heard every time
    it can be, before the sets, never silently dropped."""
    walnut = "Imagine cracking a walnut between your shoulder blades."
    ex = exercise(
        "One-arm row",
        reps=Reps(10, 10),
        sets=2,
        sides=("left", "right"),
        tempo=Tempo(2000, 0, 2000, 0),
        starts_with=StartsWith.LIFT,
        cues=Cues(during=(Cue(walnut), Cue("Pull towards your navel."))),
    )
    tl = compile_routine(Routine("Test", (), (ex,), ()), EstimatedDurations())
    kinds = [tl.phases[e.phase_index].kind for e in tl.events if e.text == walnut]
    assert kinds
    assert kinds[0] is PhaseKind.PREPARE
    assert PhaseKind.WORK not in kinds
    assert tl.warnings == ()


@pytest.mark.parametrize("kind", ["during", "before_rep"])
def test_a_quick_circuit_says_a_cue_that_fits_no_rep_once_not_every_round(kind: str) -> None:
    """A one-rep exercise in a two-round circuit without rests: the cue that fits nowhere in its
    rep is heard before the first round, and the second round, seconds later, does not repeat
    it within the repeat gap (a case hypothesis found)."""
    cue = Cue("Keep the back long and the bar close.")
    ex = exercise(
        "Deadlift",
        reps=Reps(1, 1),
        tempo=Tempo(0, 0, 1000, 0),
        rest_ms=0,
        rest_after_ms=0,
        prepare_ms=0,
        countdown_s=0,
        starts_with=StartsWith.LIFT,
        cues=Cues(**{kind: (cue,)}),  # type: ignore[arg-type]
    )
    circuit = Circuit("Quick", 2, (ex,), rest_ms=0, rest_between_rounds_ms=0, rest_after_ms=0)
    tl = compile_routine(Routine("Test", (), (circuit,), ()), EstimatedDurations(80))
    said = [e.at_ms for e in tl.events if e.text == cue.text]
    assert said, "the author's cue is heard"
    assert all(b - a >= 30_000 for a, b in pairwise(said))


# -- before a set --------------------------------------------------------------------------------


def test_prepare_zero_is_lengthened_for_the_setup_cue_and_the_countdown() -> None:
    ex = exercise(sets=2, prepare_ms=0, cues=Cues(setup=(Cue("Bar over mid-foot."),)))
    tl = compiled(ex)
    prepare = next(p for p in tl.phases if p.kind is PhaseKind.PREPARE)
    events = [(e.at_ms - prepare.start_ms, e.text) for e in tl.events_in(prepare)]
    assert events == [
        (0, "Bar over mid-foot."),
        (1100, "Set 1 of 2."),
        (2200, "tick"),
        (3200, "tick"),
        (4200, "tick"),
    ]
    (stretch,) = tl.stretched
    assert language_for("en").lengthened(stretch) == (
        "time before Row, set 1 of 2 lengthened from 0.0 s to 5.2 s to fit what must be said"
    )


def test_a_lengthening_note_never_reads_as_from_one_figure_to_the_same() -> None:
    """Rounded apart, in the routine's language: 5,000 ms to 5,040 ms is "5.0 s to 5.1 s"."""
    from voicecoach.timeline.model import Stretch

    stretch = Stretch("Diagonalstütz, Satz 1 von 2, rechts", 5000, 5040)
    assert language_for("de").lengthened(stretch) == (
        "Zeit vor Diagonalstütz, Satz 1 von 2, rechts von 5,0 s auf 5,1 s verlängert, "
        "damit alles Nötige Platz hat"
    )


def test_every_circuit_round_has_a_countdown_even_with_prepare_zero() -> None:
    a = exercise("Bridge", prepare_ms=0)
    b = exercise("Plank", work=WorkKind.HOLD, reps=None, seconds_ms=20_000, prepare_ms=0)
    tl = compiled(
        Circuit("Core", 3, (a, b), rest_ms=0, rest_between_rounds_ms=30_000, rest_after_ms=0)
    )
    for work in (p for p in tl.phases if p.is_work):
        before = tl.phases[work.index - 1]
        ticks = [e.at_ms for e in tl.events_in(before) if e.kind is EventKind.BEEP]
        assert ticks[-3:] == [work.start_ms - 3000, work.start_ms - 2000, work.start_ms - 1000]


def test_get_into_position_is_varied_and_replaced_by_the_setup_cue() -> None:
    plain = [exercise(f"Move {i}", prepare_ms=5_000, rest_after_ms=0) for i in range(3)]
    tl = compiled(*plain, exercise("Set up", cues=Cues(setup=(Cue("Feet flat."),))))
    said = [
        e.text
        for p in tl.phases
        if p.kind is PhaseKind.PREPARE
        for e in tl.events_in(p)
        if e.role is Role.ENGINE
    ]
    assert said == ["Get into position.", "Get set.", "Take your position."]


# -- rests ---------------------------------------------------------------------------------------


def test_a_long_rest_tells_the_time_left_and_the_next_set() -> None:
    ex = exercise(sets=2, rest_ms=150_000, weight="40 kg", reps=Reps(8, 10))
    tl = compiled(ex)
    rest = next(p for p in tl.phases if p.kind is PhaseKind.REST)
    said = [
        (e.at_ms - rest.start_ms, e.text) for e in tl.events_in(rest) if e.role is not Role.BEEP
    ]
    assert said == [
        (500, "Rest, two and a half minutes."),
        (30_000, "2 minutes left."),
        (90_000, "1 minute left."),
        (120_000, "30 seconds left."),
        (140_000, "10 seconds, get ready."),
        (150_000 - 3000 - 100 - 1000, "Set 2 of 2: 8 to 10 reps at 40 kilos."),
    ]


def test_a_rest_of_a_minute_and_a_bit_calls_the_minute() -> None:
    ex = exercise(sets=2, rest_ms=75_000, reps=Reps(8, 10))
    tl = compiled(ex)
    rest = next(p for p in tl.phases if p.kind is PhaseKind.REST)
    said = [(e.at_ms - rest.start_ms, e.text) for e in tl.events_in(rest) if e.role is Role.ENGINE]
    assert said[:4] == [
        (500, "Rest, one minute fifteen."),
        (15_000, "1 minute left."),
        (45_000, "30 seconds left."),
        (65_000, "10 seconds, get ready."),
    ]


def test_the_rest_before_a_new_exercise_names_it_and_its_first_setup_cue() -> None:
    nxt = exercise("Deadlift", cues=Cues(setup=(Cue("Bar over mid-foot."), Cue("Hips back."))))
    tl = compiled(exercise(rest_after_ms=60_000), nxt)
    rest = next(p for p in tl.phases if p.kind is PhaseKind.REST)
    said = [e.text for e in tl.events_in(rest) if e.kind is EventKind.SPEAK]
    assert said[:3] == ["Rest, one minute.", "Next up: Deadlift.", "Bar over mid-foot."]
    assert said[-1] == "10 seconds left."


def test_an_intro_is_said_once_per_exercise_in_a_session() -> None:
    hang = exercise("Dead Hang", cues=Cues(intro=(Cue("Just hang."),)))
    tl = compiled(hang, exercise("Row"), hang)
    assert [e.text for e in tl.events].count("Just hang.") == 1


# -- languages -----------------------------------------------------------------------------------


def _words(cls: type[Language]) -> set[str]:
    """The words a language class must set: the base class's annotated class attributes."""
    return {name for name in inspect.get_annotations(cls) if name != "code"}


def test_every_language_has_every_word_and_phrase() -> None:
    """A language missing a word or a phrase fails here, whatever the others have."""
    assert set(TABLES) == set(LANGUAGES)
    for code, table in TABLES.items():
        cls = type(table)
        assert table.code == code
        assert not getattr(cls, "__abstractmethods__", set()), code
        missing = {w for w in _words(Language) if w not in vars(cls)}
        assert not missing, (code, missing)
        assert set(table.phase_names) == set(PhaseKind), code
        assert set(table.section_names) == {"warmup", "exercises", "cooldown"}, code
        assert all(table.get_ready), code
        # Every text of `show` and of what is read back from the history is there, with the
        # same blanks to fill in as the English one, and the same keys and forms.
        for words in ("show", "history"):
            mine, english = _texts(getattr(table, words)), _texts(getattr(TABLES["en"], words))
            assert set(mine) == set(english), (code, words)
            for where, text in mine.items():
                assert text.strip(), (code, where)
                # A singular form may say "one" instead of filling in its number.
                spare = {"n"} if where.endswith("[0]") else set()
                assert _blanks(text) - spare == _blanks(english[where]) - spare, (code, where)


def _texts(words: object) -> dict[str, str]:
    """Every text of a table of words, by its place: "field", "field.key", "field[1]"."""
    out: dict[str, str] = {}
    for name, value in vars(words).items():
        if isinstance(value, dict):
            out.update({f"{name}.{k}": v for k, v in value.items()})
        elif isinstance(value, tuple):
            out.update({f"{name}[{i}]": v for i, v in enumerate(value)})
        else:
            out[name] = value
    return out


def _blanks(text: str) -> set[str]:
    """The names of a format string's blanks: "{n} sets" -> {"n"}."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize(
    ("code", "seconds", "spoken"),
    [
        pytest.param("en", 45, "45 seconds", id="en-45"),
        pytest.param("en", 60, "one minute", id="en-60"),
        pytest.param("en", 90, "one minute thirty", id="en-90"),
        pytest.param("en", 150, "two and a half minutes", id="en-150"),
        pytest.param("en", 180, "three minutes", id="en-180"),
        pytest.param("de", 90, "eineinhalb Minuten", id="de-90"),
        pytest.param("de", 150, "zweieinhalb Minuten", id="de-150"),
        pytest.param("de", 75, "eine Minute fünfzehn", id="de-75"),
        pytest.param("fr", 60, "une minute", id="fr-60"),
        pytest.param("fr", 90, "une minute trente", id="fr-90"),
        pytest.param("fr", 150, "deux minutes et demie", id="fr-150"),
    ],
)
def test_lengths_are_said_as_people_say_them(code: str, seconds: int, spoken: str) -> None:
    assert language_for(code).duration(seconds * 1000) == spoken


@pytest.mark.parametrize(
    ("code", "numbers"),
    [
        pytest.param("en", {21: "twenty-one", 100: "one hundred"}, id="en"),
        pytest.param("de", {21: "einundzwanzig", 17: "siebzehn"}, id="de"),
        pytest.param(
            "fr",
            {
                21: "vingt et un",
                71: "soixante et onze",
                80: "quatre-vingts",
                99: "quatre-vingt-dix-neuf",
            },
            id="fr",
        ),
    ],
)
def test_counts_are_words(code: str, numbers: dict[int, str]) -> None:
    for n, word in numbers.items():
        assert language_for(code).count(n) == word


def test_a_set_call_carries_the_targets_of_a_set() -> None:
    call = SetCall(2, 4, work=WorkKind.REPS, reps=Reps(8, 10), weight="40 kg", rpe=8.5, rir=2)
    assert language_for("en").set_call(call) == (
        "Set 2 of 4: 8 to 10 reps at 40 kilos. Aim for RPE 8 and a half, two reps in reserve."
    )
    assert (
        language_for("en").set_call(
            SetCall(2, 3, work=WorkKind.REPS, reps=Reps(5, 5), weight="heavy")
        )
        == "Set 2 of 3: 5 reps, heavy."
    )
    assert language_for("de").set_call(SetCall(1, 3, warmup=True)) == "Aufwärmsatz 1 von 3."
    assert language_for("fr").set_call(SetCall(1, 1, side="gauche")) == "Côté gauche."


@pytest.mark.parametrize("code", ["de", "fr"])
def test_a_routine_in_another_language_speaks_and_shows_only_that_language(code: str) -> None:
    ex = exercise("Rudern", sets=2, sides=("links", "rechts"), cues=Cues(setup=(Cue("Los."),)))
    tl = compiled(
        ex, exercise("Halten", work=WorkKind.HOLD, reps=None, seconds_ms=40_000), language=code
    )
    words, english = language_for(code), language_for("en")
    english_words = {
        english.rest_label,
        english.switch_label,
        english.done_label,
        *english.get_ready,
        english.halfway,
        english.ten_seconds_left,
    }
    assert not english_words & {p.label for p in tl.phases}
    assert not english_words & set(tl.phrases())
    assert {p.label for p in tl.phases if p.kind is PhaseKind.REST} == {words.rest_label}
    assert words.halfway in tl.phrases()


def test_french_is_a_routine_language() -> None:
    routine = load_routine_text(
        "name: Dos\nlanguage: fr\nexercises: [{name: Rameur, reps: 5, sets: 2}]\n",
        filename="dos.yaml",
    )
    tl = compile_routine(routine, EstimatedDurations())
    assert "Série 2 sur 2 : 5 répétitions." in tl.phrases()
    assert tl.phases[-1].label == "Séance terminée"


def test_the_dry_run_json_keeps_each_sounds_role_and_length() -> None:
    ex = exercise(
        "Deadlift",
        sets=2,
        starts_with=StartsWith.LIFT,
        cues=Cues(
            setup=(Cue("Bar over mid-foot."),),
            before_rep=(Cue("Brace."),),
            during=(Cue("Lock out."),),
            finish=(Cue("Last one."),),
        ),
    )
    routine = Routine("Test", (), (ex,), ())
    data = to_json(routine, compile_routine(routine, _Lengths()))
    sounds = [e for e in data["events"] if e["kind"] != "phase"]
    assert {e["role"] for e in sounds} >= {
        "count",
        "setup",
        "before_rep",
        "during",
        "finish",
        "engine",
        "set",
        "beep",
    }
    assert all(e["duration_ms"] > 0 for e in sounds)


def test_show_of_a_german_routine_is_german() -> None:
    """`voicecoach show` of a German routine: section titles, sets, rests and totals in German."""
    from voicecoach.timeline.overview import format_overview

    routine = load_routine_text(
        "name: Rücken\nlanguage: de\ndefaults: {rest: 60}\n"
        "warmup:\n  - {name: Armkreisen, duration: 30}\n"
        "exercises:\n  - {name: Rudern, sets: 3, reps: [8, 10], weight: 20 kg}\n"
        "  - {name: Unterarmstütz, sets: 2, hold: 30}\n",
        filename="de.yaml",
    )
    text = format_overview(routine, compile_routine(routine, EstimatedDurations()))
    assert "Aufwärmen:" in text
    assert "Übungen:" in text
    assert "  - Rudern: 3 x 8-10 Wiederholungen, Tempo 2-0-2-0, 20 kg, Pause 60 s" in text
    assert "  - Unterarmstütz: 2 x 30 s halten, Pause 60 s" in text
    assert "Sätze, Sprache de; Sprechlängen geschätzt" in text
    assert "Ausrüstung: keine" in text
    for english in ("Warm-up", "Exercises", "reps", "rest", "hold", "total", "Equipment"):
        assert english not in text, english


def test_captions_of_a_german_session_label_its_phases_in_german(tmp_path: Path) -> None:
    from voicecoach.render.captions import write_captions

    tl = compiled(exercise("Rudern", sets=2), language="de")
    path = tmp_path / "session.vtt"
    write_captions(tl, path)
    text = path.read_text(encoding="utf-8")
    assert "Pause" in text
    assert "Rudern: bereit machen" in text
    assert "Training beendet" in text
    assert "Rest" not in text
    assert "get ready" not in text


@pytest.mark.speech
def test_validate_warns_about_the_cues_the_run_warns_about(tmp_path: Path) -> None:
    """Both measure phrase lengths from the routine's voice: the same warnings, and validate
    says which lengths it used."""
    from click.testing import CliRunner

    from voicecoach.cli import cli

    path = tmp_path / "fast.yaml"
    path.write_text(
        "name: Fast\nexercises:\n  - name: Row\n    reps: 6\n    tempo: 0.5-0-0.5-0\n"
        "    cues: {finish: This finish cue is much too long for so quick a rep.}\n",
        encoding="utf-8",
    )
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    runner = CliRunner()
    checked = runner.invoke(cli, ["validate", str(path)], env=env)
    dry = runner.invoke(cli, ["run", str(path), "--dry-run"], env=env)
    assert checked.exit_code == 0, checked.output
    warnings = [line for line in checked.stderr.splitlines() if "warning: cue" in line]
    assert warnings
    assert warnings == [line for line in dry.stderr.splitlines() if "warning: cue" in line]
    assert "speech lengths measured from" in checked.stdout
