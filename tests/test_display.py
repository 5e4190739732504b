"""What the person sees: the plain lines and the live panel's text."""

from __future__ import annotations

import io

from voicecoach.playback.display import LiveDisplay, PlainDisplay
from voicecoach.routine.model import Exercise, Reps, Routine, StartsWith, Tempo, WorkKind
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.durations import EstimatedDurations
from voicecoach.timeline.model import PhaseKind, Role, Timeline


def timeline(language: str = "en") -> Timeline:
    row = Exercise(
        name="Band Row",
        work=WorkKind.REPS,
        reps=Reps(4, 6),
        seconds_ms=None,
        sets=2,
        sides=(),
        tempo=Tempo(1000, 0, 1000, 1000),
        rest_ms=8_000,
        rest_after_ms=30_000,
        prepare_ms=6_000,
        side_switch_ms=5_000,
        countdown_s=3,
        starts_with=StartsWith.LIFT,
    )
    return compile_routine(
        Routine("Short", (), (row,), (), language=language), EstimatedDurations()
    )


def test_plain_display_prints_one_line_per_phase_and_event() -> None:
    tl = timeline()
    out = io.StringIO()
    display = PlainDisplay(out)
    work = next(p for p in tl.phases if p.kind is PhaseKind.WORK)
    display.phase(work, tl.phases[work.index + 1])
    first, second = list(tl.events_in(work))[:2]
    display.event(first, played=True)
    display.event(second, played=False)
    assert out.getvalue().splitlines() == [
        f"00:{work.start_ms // 1000:02d}.{work.start_ms % 1000:03d}  phase  [work] "
        "Band Row, set 1 of 2: 4 to 6 reps",
        f"00:{first.at_ms // 1000:02d}.{first.at_ms % 1000:03d}  beep   go",
        f"00:{second.at_ms // 1000:02d}.{second.at_ms % 1000:03d}  say    one  (not played)",
    ]


def test_live_panel_shows_set_rep_time_left_and_next() -> None:
    tl = timeline()
    display = LiveDisplay(tl, title="Short")
    try:
        work = next(p for p in tl.phases if p.kind is PhaseKind.WORK)
        display.phase(work, tl.phases[work.index + 1])
        counts = [e for e in tl.events_in(work) if e.role is Role.COUNT]
        for event in counts[:2]:
            display.event(event, played=True)
        display.progress(counts[1].at_ms + 500)
        lines = display.render_text().splitlines()
    finally:
        display.close()
    position = counts[1].at_ms + 500
    left = round((work.end_ms - position) / 1000)
    assert lines[2] == "WORK     Band Row, set 1 of 2"
    assert lines[3].endswith(f"rep 2 of 6, {left} s left")
    assert lines[4] == "next    Rest"
    assert lines[-1] == "keys: space pause · n next · b back · w weight · q quit"
    display.message("Paused.")
    assert display.render_text().splitlines()[-1] == "Paused."


def test_a_german_session_shows_german_words() -> None:
    """Phase names, labels, the panel's words and the end summary come from the German table."""
    tl = timeline("de")
    out = io.StringIO()
    work = next(p for p in tl.phases if p.kind is PhaseKind.WORK)
    rest = next(p for p in tl.phases if p.kind is PhaseKind.REST)
    PlainDisplay(out, language="de").phase(rest, None)
    assert out.getvalue().endswith("phase  [Pause] Pause\n")
    display = LiveDisplay(tl, title="Kurz")
    try:
        display.phase(work, tl.phases[work.index + 1])
        counts = [e for e in tl.events_in(work) if e.role is Role.COUNT]
        display.event(counts[0], played=True)
        lines = display.render_text().splitlines()
    finally:
        display.close()
    assert lines[1].startswith("Training")
    assert lines[2] == "SATZ     Band Row, Satz 1 von 2"
    assert "Wiederholung 1 von 6, noch " in lines[3]
    assert lines[4] == "danach  Pause"
    assert lines[-1] == "Tasten: Leertaste Pause · n weiter · b zurück · w Gewicht · q beenden"
