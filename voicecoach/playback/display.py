"""What the person sees while a session plays.

:class:`PlainDisplay` prints one line per phase and per sound, in the dry run's format, and suits
pipes, logs and screen readers. :class:`LiveDisplay` keeps a small panel up to date in a terminal:
the exercise, set x of y, the rep count or the seconds left, the progress of the phase and of the
session, and what comes next.
"""

from __future__ import annotations

from typing import IO

from voicecoach.timeline.language import Language, language_for
from voicecoach.timeline.model import Amrap, Event, EventKind, Phase, PhaseKind, Role, Timeline
from voicecoach.timetext import clock

_WORD = {EventKind.SPEAK: "say", EventKind.BEEP: "beep"}
#: What Enter does in an AMRAP phase, as the panel's key line says it.


class PlainDisplay:
    """One line per phase and per sound: ``MM:SS.mmm  KIND   TEXT``."""

    def __init__(self, out: IO[str], *, beeps: bool = True, language: str = "en") -> None:
        self.out = out
        self.beeps = beeps
        self.words: Language = language_for(language)

    def phase(self, phase: Phase, upcoming: Phase | None) -> None:
        name = self.words.phase_names[phase.kind]
        self._line(f"{clock(phase.start_ms)}  phase  [{name}] {phase.label}")

    def event(self, event: Event, *, played: bool) -> None:
        if event.kind is EventKind.BEEP and not self.beeps:
            return
        mark = "" if played else "  (not played)"
        self._line(f"{clock(event.at_ms)}  {_WORD[event.kind]:<5}  {event.text}{mark}")

    def progress(self, position_ms: int) -> None:
        """Plain output has no progress line."""

    def message(self, text: str) -> None:
        self._line(text)

    def retimed(self, timeline: Timeline) -> None:
        """Lines carry their own times: nothing to redraw."""

    def record(self, text: str) -> None:
        """What a set will be recorded as is printed only when it changes (as a message)."""

    def close(self) -> None:
        self.out.flush()

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def _bar(fraction: float, width: int) -> str:
    fraction = min(1.0, max(0.0, fraction))
    full = round(fraction * width)
    return "█" * full + "░" * (width - full)


class LiveDisplay:
    """A panel redrawn in place in a terminal (rich), refreshed by the player's ticks."""

    def __init__(self, timeline: Timeline, *, title: str) -> None:
        from rich.console import Console
        from rich.live import Live

        self.timeline = timeline
        self.title = title
        self.words: Language = language_for(timeline.language)
        self.console = Console()
        self._phase: Phase | None = None
        self._upcoming: Phase | None = None
        self._said = ""
        self._rep = 0
        self._message = ""
        self._record = ""
        self._position = 0
        self._live = Live(console=self.console, auto_refresh=False, transient=False)
        self._live.start()

    def phase(self, phase: Phase, upcoming: Phase | None) -> None:
        self._phase, self._upcoming = phase, upcoming
        self._rep = 0
        self._message = ""
        self._position = phase.start_ms
        self._draw()

    def event(self, event: Event, *, played: bool) -> None:
        self._position = event.at_ms
        self._message = ""
        if event.kind is EventKind.SPEAK:
            if event.role is Role.COUNT:
                self._rep += 1
            else:
                self._said = event.text
        self._draw()

    def progress(self, position_ms: int) -> None:
        self._position = position_ms
        self._draw()

    def message(self, text: str) -> None:
        self._message = text
        self._draw()

    def record(self, text: str) -> None:
        """What the set being played (or the one just done) will be recorded as."""
        self._record = text
        self._draw()

    def retimed(self, timeline: Timeline) -> None:
        self.timeline = timeline
        if self._phase is not None:
            self._phase = timeline.phases[self._phase.index]
            nxt = self._phase.index + 1
            self._upcoming = timeline.phases[nxt] if nxt < len(timeline.phases) else None
        self._draw()

    def close(self) -> None:
        self._live.stop()

    def render_text(self) -> str:
        """The panel's text (also what tests read)."""
        p = self._phase
        w = self.words
        total = self.timeline.total_ms
        lines = [f"{self.title}  {clock(self._position)} / {clock(total)}"]
        lines.append(f"{w.panel_session:<8}{_bar(self._position / total if total else 1, 30)}")
        if p is not None:
            head = p.label
            if p.is_work and p.exercise is not None:
                head = w.place(p.exercise, p.place)
            lines.append(f"{w.phase_names[p.kind].upper():<8} {head}")
            left = max(0, p.end_ms - self._position)
            done = (self._position - p.start_ms) / p.duration_ms if p.duration_ms else 1.0
            detail = w.seconds_left(round(left / 1000))
            if p.kind is PhaseKind.WORK and p.reps and self._rep:
                detail = f"{w.rep_of(self._rep, p.reps)}, {detail}"
            elif p.amrap is Amrap.OPEN and self._rep:
                detail = w.rep_open(self._rep)
            lines.append(f"{w.panel_phase:<8}{_bar(done, 30)}  {detail}")
        if self._upcoming is not None:
            lines.append(f"{w.panel_next:<8}{self._upcoming.label}")
        if self._said:
            lines.append(f"{w.panel_said:<8}{self._said}")
        if self._record:
            lines.append(f"{w.panel_record:<8}{self._record}  {w.panel_record_hint}")
        keys = w.panel_keys
        if p is not None and p.amrap is not None:
            keys += w.enter_hints[p.amrap]
        lines.append(self._message or keys)
        return "\n".join(lines)

    def _draw(self) -> None:
        from rich.text import Text

        self._live.update(Text(self.render_text()), refresh=True)
