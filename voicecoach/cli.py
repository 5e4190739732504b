"""The `voicecoach` command line: a thin layer over the library.

Each command parses its options, makes one call into the core and prints the result. Errors of
the project become exit statuses here and nowhere else: 2 for bad input, 3 for a required audio
part that is missing, 130 for Ctrl-C.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast

import click
from click.shell_completion import CompletionItem

from voicecoach import __version__
from voicecoach.errors import RoutineError, VoicecoachError

if TYPE_CHECKING:
    from voicecoach.settings import InForce
from voicecoach.textsafety import for_terminal

EPILOG_RUN = """\b
Examples:
  voicecoach run home-back-basics            speak a bundled routine
  voicecoach run my-back-day.yaml --dry-run  print every cue with its time
  voicecoach run full-body-a --dry-run --json | jq .total_ms
"""


def _echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print text that may come from a file (a name, a cue, a message quoting a value, a history
    entry): control characters and the like are shown as escapes, never sent to the terminal."""
    click.echo(for_terminal(text), err=err, nl=nl)


def _plural(n: int, word: str) -> str:
    """ "1 set", "3 sets"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _echo_problems(err: RoutineError) -> None:
    for line in err.report():
        _echo(line, err=True)


class _Group(click.Group):
    """Turns the project's errors into messages and exit statuses, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RoutineError as err:
            _echo_problems(err)
            ctx.exit(err.exit_code)
        except VoicecoachError as err:
            _echo(f"voicecoach: {err}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            _echo("interrupted", err=True)
            ctx.exit(130)


def _complete_routine(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    from voicecoach.routine.catalog import routine_names

    names = [CompletionItem(n) for n in routine_names() if n.startswith(incomplete)]
    return names or [CompletionItem(incomplete, type="file")]


_F = TypeVar("_F", bound=Callable[..., Any])


def _routine_argument() -> Callable[[_F], _F]:
    return click.argument("routine", shell_complete=_complete_routine)


def _load(routine_arg: str) -> Any:
    from voicecoach.routine.catalog import resolve_routine
    from voicecoach.routine.loader import load_routine

    return load_routine(resolve_routine(routine_arg))


def _in_force(routine: Any = None, **flags: Any) -> InForce:
    """The settings in force: options over the routine over the settings file over defaults."""
    from voicecoach.settings import Overrides, load_settings, resolve

    return resolve(load_settings(), Overrides(**flags), routine)


def _settings_language() -> str | None:
    """The settings file's `language`, if it sets one: what tables of several sessions, or of
    sessions in several languages, are shown in (docs/history.md, "Languages")."""
    from voicecoach.settings import load_settings

    return load_settings().language


def _notify(message: str) -> None:
    """A one-time message of a command (a fallback, a missing part) on stderr."""
    _echo(message, err=True)


def _print_warnings(timeline: Any) -> None:
    for warning in timeline.warnings:
        _echo(str(warning), err=True)


def _print_language_warnings(routine: Any) -> None:
    """Warn of the exercises whose spoken words come from a library in another language."""
    from voicecoach.session.checks import library_language_warnings

    for warning in library_language_warnings(routine):
        _echo(str(warning), err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voicecoach")
def cli() -> None:
    """A voice-guided workout runner: routines in YAML, spoken hands-free.

    \b
    Start with:
      voicecoach list                       the routines you can run by name
      voicecoach show home-back-basics      what a routine holds
      voicecoach run home-back-basics       coach the session out loud
      voicecoach run FILE.yaml --dry-run    every cue with its time, nothing spoken
    """


def _engine_option(default: str) -> Callable[[_F], _F]:
    from voicecoach.speech.registry import engine_names

    names = " or ".join(", ".join(engine_names()).rsplit(", ", 1))
    return click.option("--engine", metavar="NAME", help=f"Speech engine: {names} ({default}).")


def _beeps_option(f: _F) -> _F:
    return click.option(
        "--beeps",
        "beeps_db",
        type=click.FloatRange(-40, 12),
        metavar="DB",
        help="Beeps in dB next to the voice: 0 as loud, -6 quieter (default -6).",
    )(f)


def _voice_options(f: _F) -> _F:
    f = _engine_option("default: the routine's, else the settings file's, else piper")(f)
    f = click.option(
        "--volume", type=click.FloatRange(0.0, 1.0), help="Speech volume, 0.0 to 1.0."
    )(f)
    f = click.option(
        "--rate", type=click.IntRange(80, 400), help="Speech rate in words per minute."
    )(f)
    f = click.option(
        "--voice", "voice_id", metavar="ID", help="Voice id (see 'voicecoach voices')."
    )(f)
    return f


def _progress(label: str) -> Callable[[int, int], None] | None:
    """A one-line progress counter on a terminal's stderr; None when stderr is not one."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        click.echo(f"\r{label}: {done}/{total}", err=True, nl=False)
        if end:
            click.echo(err=True)

    return report


class _SlowProgress:
    """Says what a preparation is doing once it has taken more than a second: a bar on a
    terminal's stderr, else one line. Called as ``(done, total)``, first with 0."""

    def __init__(self, label: str, *, after_s: float = 1.0) -> None:
        self.label = label
        self.after_s = after_s
        self.tty = sys.stderr is not None and sys.stderr.isatty()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._shown = False
        self._done = self._total = 0

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self._done, self._total = done, total
            if self._timer is None and done < total:
                self._timer = threading.Timer(self.after_s, self._show)
                self._timer.daemon = True
                self._timer.start()
            elif self._shown and self.tty:
                self._draw()
            if done >= total:
                if self._timer is not None:
                    self._timer.cancel()
                if self._shown and self.tty:
                    _echo(err=True)

    def _show(self) -> None:
        with self._lock:
            if self._done >= self._total:
                return
            self._shown = True
            if self.tty:
                self._draw()
            else:
                phrases = "phrase" if self._total == 1 else "phrases"
                _echo(f"{self.label}: {self._total} {phrases}...", err=True)

    def _draw(self) -> None:
        width = 30
        filled = width * self._done // max(self._total, 1)
        bar = "#" * filled + "-" * (width - filled)
        _echo(f"\r{self.label} [{bar}] {self._done}/{self._total}", err=True, nl=False)


def _history_file_option(f: _F) -> _F:
    return click.option(
        "--history",
        "history_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="History database file (default: in your data folder).",
    )(f)


@dataclass(frozen=True)
class _PlayArgs:
    """The options `run` and `next` share."""

    dry_run: bool
    as_json: bool
    estimate: bool
    voice_id: str | None
    rate: int | None
    volume: float | None
    engine: str | None
    beeps_db: float | None
    plain: bool
    start_at: str | None
    resume: bool
    require_audio: bool
    no_history: bool
    history_path: Path | None
    no_progress: bool


def _play_options(f: _F) -> _F:
    """The options of `run` and `next`, gathered into one `play` argument (a :class:`_PlayArgs`)."""
    options = [
        click.option(
            "--dry-run", is_flag=True, help="Print every cue with its time; speak nothing."
        ),
        click.option("--json", "as_json", is_flag=True, help="With --dry-run: print JSON instead."),
        click.option(
            "--estimate",
            is_flag=True,
            help="With --dry-run: estimate phrase lengths from words and rate instead of "
            "measuring them.",
        ),
        _voice_options,
        _beeps_option,
        click.option(
            "--plain", is_flag=True, help="One plain line per event instead of the live panel."
        ),
        click.option(
            "--start-at",
            metavar="EXERCISE",
            help="Start at this exercise: its name, its library id or a circuit's name "
            "(case and dashes ignored). With --dry-run: print from there.",
        ),
        click.option(
            "--resume",
            is_flag=True,
            help="Start at the first set not done in the last interrupted run, from the "
            "exercise it was started at.",
        ),
        click.option(
            "--require-audio",
            is_flag=True,
            help="Fail (exit 3) instead of going on without speech or sound.",
        ),
        click.option("--no-history", is_flag=True, help="Do not record this session."),
        _history_file_option,
        click.option(
            "--no-progress",
            is_flag=True,
            help="Play the file's own weights, reps and holds, not today's targets from the "
            "history.",
        ),
    ]

    @functools.wraps(f)
    def gather(*args: Any, **kwargs: Any) -> Any:
        fields = {name: kwargs.pop(name) for name in _PlayArgs.__dataclass_fields__}
        return f(*args, play=_PlayArgs(**fields), **kwargs)

    for option in reversed(options):
        gather = option(gather)
    return cast(_F, gather)


@cli.command(epilog=EPILOG_RUN)
@_routine_argument()
@_play_options
def run(routine: str, play: _PlayArgs) -> None:
    """Coach ROUTINE out loud (a bundled name, a name in your folder, or a file).

    ROUTINE is looked up as a path first, then by name in your own folder
    (~/.config/voicecoach/routines), then among the bundled routines.

    While it plays, in a terminal: space pauses and resumes, n skips to the
    next phase, b goes back to the start of the set, q quits. Typing a number
    and Enter during a set, or in the rest after it, records that many reps
    (seconds, for a hold) instead of the target; w, a number and Enter sets
    the weight of the next sets. Ctrl-C stops at once with a summary (exit
    status 130). Every session is recorded in the workout history unless
    --no-history is given.

    Exercises with a progression rule ('progress' in the routine) get
    today's targets from the history; --no-progress plays the file's own.

    --dry-run prints the session instead, with phrase lengths measured from
    the voice when one is installed (synthesizing into the speech cache),
    or estimated with --estimate or when there is no voice.
    """
    with _speech_warming_up(play):
        _play(_load(routine), play)


@contextlib.contextmanager
def _speech_warming_up(play: _PlayArgs) -> Iterator[None]:
    """Start the engine in force before the routine's own voice is known (piper's worker process,
    which takes a few tenths of a second to import onnxruntime) while the routine is read: on a
    cold speech cache the first phrase comes that much sooner. The session stops it when no
    phrase is to be made (a warm cache, another engine); at the latest it stops here."""
    from voicecoach.speech.registry import cool_down, warm_up

    engine = None
    if not play.dry_run:
        try:
            engine = _in_force(engine=play.engine, voice=play.voice_id).engine.value
        except VoicecoachError:
            engine = None  # a mistake in the settings file: the run says it, after the routine's
    warmed = isinstance(engine, str) and warm_up(engine)
    try:
        yield
    finally:
        if warmed:
            cool_down()


def _today(loaded: Any, history_path: Path | None, *, progress: bool) -> Any:
    """The routine with today's targets from the history, which is only read (none: as it is)."""
    from voicecoach.history.progression import todays_routine
    from voicecoach.history.store import open_existing

    if not progress or not any(e.progress for e in loaded.all_exercises()):
        return loaded
    store = open_existing(history_path, read_only=True)
    if store is None:
        return loaded
    with store:
        return todays_routine(loaded, store)


def _play(
    loaded: Any, play: _PlayArgs, *, program: str | None = None, slot: int | None = None
) -> None:
    from voicecoach.outcome import Outcome
    from voicecoach.session.prepare import dry_run_timeline
    from voicecoach.session.run import RunOptions, run_routine

    in_force = _in_force(
        loaded,
        engine=play.engine,
        voice=play.voice_id,
        rate=play.rate,
        volume=play.volume,
        beeps_db=play.beeps_db,
        history=play.history_path,
    )
    loaded = in_force.apply(loaded)
    voice = loaded.voice
    _print_language_warnings(loaded)
    if play.as_json and not play.dry_run:
        raise click.UsageError("--json goes with --dry-run")
    if play.estimate and not play.dry_run:
        raise click.UsageError("--estimate goes with --dry-run")
    if play.dry_run and play.resume:
        raise click.UsageError("--dry-run prints the session as planned: drop --resume")
    if play.dry_run:
        from voicecoach.timeline.dryrun import format_text, to_json
        from voicecoach.timeline.seek import find_start

        progress = not (play.no_progress or play.no_history)
        loaded = _today(loaded, in_force.history_path, progress=progress)
        timeline, measured_with = dry_run_timeline(
            loaded, voice, estimate=play.estimate, on_progress=_progress("measuring phrases")
        )
        _print_warnings(timeline)
        from_ms = 0
        if play.start_at:
            start = find_start(timeline, play.start_at, routine=loaded)
            from_ms = timeline.phases[start].start_ms
        if play.as_json:
            data = to_json(loaded, timeline)
            if play.start_at:
                data["start_ms"] = from_ms
            _echo(json.dumps(data, ensure_ascii=False, indent=1))
        else:
            _echo(format_text(loaded, timeline, voice=measured_with, from_ms=from_ms), nl=False)
        return
    options = RunOptions(
        voice=voice,
        plain=play.plain,
        start_at=play.start_at,
        resume=play.resume,
        require_audio=play.require_audio,
        history=not play.no_history,
        history_path=in_force.history_path,
        beeps_db=in_force.beeps,
        progress=not play.no_progress,
        program=program,
        program_slot=slot,
    )
    live = not play.plain and sys.stdout.isatty()
    result = run_routine(
        loaded,
        options,
        out=sys.stdout,
        notify=_notify,
        interactive=sys.stdin.isatty(),
        live=live,
        on_prepare=_SlowProgress("preparing speech"),
    )
    _echo(result.summary.line(loaded.language))
    if result.summary.outcome is Outcome.INTERRUPTED:
        sys.exit(130)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--estimate",
    is_flag=True,
    help="Estimate phrase lengths from words and rate instead of measuring them.",
)
def validate(files: Sequence[str], estimate: bool) -> None:
    """Check routine, exercise library and program FILES; print one located
    line per problem.

    Each file is checked as what it is: a routine, an exercise library
    (a file with only 'exercises:' mapping ids to exercises), or a program
    (a file with 'program:'). Exit status 0
    when every file is valid, 2 when any is not. Cues that will not fit in
    their time are reported as warnings, the same ones as `run` gives:
    phrase lengths are measured from the routine's voice as `run` measures
    them (estimated with --estimate, or when there is no voice); each
    routine's line says which.

    \b
    Example:
      voicecoach validate my-back-day.yaml routines/*.yaml
    """
    from voicecoach.routine.loader import check_file
    from voicecoach.session.checks import check_voice
    from voicecoach.session.prepare import dry_run_timeline
    from voicecoach.timetext import short_clock

    failed = False
    for name in files:
        try:
            checked = check_file(Path(name))
        except RoutineError as err:
            failed = True
            _echo_problems(err)
            continue
        routine = checked.routine
        if checked.program is not None:
            plan = checked.program
            count = len(plan.sessions)
            _echo(
                f"{name}: ok (program, {count} session{'s' if count != 1 else ''} in turn, "
                f"{plan.per_week} a week)"
            )
            continue
        if routine is None:
            _echo(f"{name}: ok (exercise library, {checked.entries} exercises)")
            continue
        checked_voice = check_voice(routine)
        if checked_voice.problem is not None:
            failed = True
            _echo(str(checked_voice.problem), err=True)
            continue
        if checked_voice.note is not None:
            _echo(str(checked_voice.note), err=True)
        _print_language_warnings(routine)
        # A voice that could not be checked cannot be measured either: estimate then.
        unchecked = checked_voice.note is not None
        timeline, voice = dry_run_timeline(routine, estimate=estimate or unchecked)
        _print_warnings(timeline)
        lengths = f"speech lengths measured from {voice}" if voice else "speech lengths estimated"
        _echo(
            f"{name}: ok ({_plural(len(routine.all_exercises()), 'exercise')}, "
            f"{_plural(timeline.set_count(), 'set')}, {short_clock(timeline.total_ms)}; {lengths})"
        )
    if failed:
        sys.exit(2)


@cli.command()
@_routine_argument()
@_history_file_option
@click.option(
    "--no-progress", is_flag=True, help="Show the file's own targets, not today's from the history."
)
def show(routine: str, history_path: Path | None, no_progress: bool) -> None:
    """Show what ROUTINE holds: exercises, sets, total time, muscles, equipment.

    Exercises with a progression rule show today's target and why, from the
    workout history. The total time is estimated from words and speaking
    rate; validate and run --dry-run measure the voice, a few seconds apart.

    \b
    Example:
      voicecoach show posterior-chain
    """
    from voicecoach.timeline.compiler import compile_routine
    from voicecoach.timeline.durations import EstimatedDurations
    from voicecoach.timeline.overview import format_overview

    path = _in_force(history=history_path).history_path
    loaded = _today(_load(routine), path, progress=not no_progress)
    timeline = compile_routine(loaded, EstimatedDurations(loaded.voice.rate))
    _echo(format_overview(loaded, timeline), nl=False)


@cli.command(name="list")
def list_() -> None:
    """List the routines you can run by name, your own folder's then the
    bundled ones, and then the programs (plans of sessions played in turn).

    \b
    Example:
      voicecoach list
    """
    from voicecoach.routine.catalog import list_routines, user_routines_dir
    from voicecoach.routine.program import list_programs, user_programs_dir

    routines = list_routines()
    programs = list_programs()
    rows = [(e.name, e.origin, e.path) for e in routines]
    rows += [
        (e.name, "program" if e.origin == "bundled" else "program (yours)", e.path)
        for e in programs
    ]
    width = max((len(name) for name, _, _ in rows), default=0)
    origin_width = max((len(origin) for _, origin, _ in rows), default=0)
    for name, origin, path in rows:
        _echo(f"{name:<{width}}  {origin:<{origin_width}}  {path}")
    _echo(
        f"(your own routines go in {user_routines_dir()}, programs in {user_programs_dir()}; "
        "'voicecoach program NAME' shows a program, 'voicecoach next NAME' plays its next session)",
        err=True,
    )


@cli.command(name="program")
@click.argument("program", required=False)
@_history_file_option
def program_(program: str | None, history_path: Path | None) -> None:
    """Show PROGRAM: its sessions in turn, this week's sessions done and due,
    and what the next session will ask for, loads included.

    PROGRAM is a program's name ('voicecoach list' shows them) or a file;
    without it, the program last played with 'voicecoach next'. It is shown
    in the language of the program's routines (the settings file's language,
    else English, when they speak several).

    \b
    Example:
      voicecoach program full-body-twice-a-week
    """
    from datetime import datetime

    from voicecoach.session.program import program_report

    path = _in_force(history=history_path).history_path
    now = datetime.now().astimezone()
    _echo(program_report(program, path, now=now, language=_settings_language()))


@cli.command(name="next")
@click.argument("program", required=False)
@_play_options
def next_(program: str | None, play: _PlayArgs) -> None:
    """Play PROGRAM's next session: the one after the last session of the
    program in the history (after A comes B, even when A was stopped early).

    PROGRAM is a program's name ('voicecoach list' shows them) or a file;
    without it, the program last played with 'voicecoach next'. The options
    are those of 'voicecoach run'.

    \b
    Example:
      voicecoach next full-body-twice-a-week
      voicecoach next --dry-run
    """
    from voicecoach.history.store import open_existing
    from voicecoach.session.program import choose_program, next_session, remember_program

    path = _in_force(history=play.history_path).history_path
    store = None if play.no_history else open_existing(path, read_only=True)
    try:
        plan = choose_program(program, store)
        upcoming = next_session(plan, store, progress=False)
    finally:
        if store is not None:
            store.close()
    if not play.no_history and not play.dry_run:
        remember_program(plan, path)
    from voicecoach.timeline.language import language_for

    slot = upcoming.slot
    said = language_for(upcoming.routine.language).history.next_of.format(
        program=plan.name, slot=slot + 1, count=len(plan.sessions), routine=upcoming.routine.name
    )
    _echo(said, err=True)
    _play(upcoming.routine, play, program=plan.name, slot=slot)


@cli.command()
@click.argument("names", metavar="ROUTINE|PROGRAM...", nargs=-1, required=True)
@_voice_options
def prepare(
    names: Sequence[str],
    voice_id: str | None,
    rate: int | None,
    volume: float | None,
    engine: str | None,
) -> None:
    """Synthesize every phrase of routines, or of every session of programs,
    into the speech cache ahead of time, so each run starts at once.

    Worth it with a slow voice (piper): a 35-minute routine takes it about
    half a minute. The voice is the one 'run' would use (options, routine,
    settings file).

    \b
    Examples:
      voicecoach prepare home-back-basics
      voicecoach prepare full-body-twice-a-week --engine piper
    """
    from voicecoach.errors import UsageError
    from voicecoach.routine.program import load_program, resolve_program
    from voicecoach.session.prepare import prepare_speech

    routines = []
    for name in names:
        try:
            routines.append(_load(name))
            continue
        except UsageError:
            plan = load_program(resolve_program(name))
        except RoutineError as not_a_routine:
            try:
                plan = load_program(Path(name))
            except RoutineError:
                raise not_a_routine from None
        routines.extend(_load(str(session.path)) for session in plan.sessions)
    for written in routines:
        in_force = _in_force(written, engine=engine, voice=voice_id, rate=rate, volume=volume)
        loaded = in_force.apply(written)
        with _bar(f"speech for {loaded.name}") as on_synthesis:
            done = prepare_speech(loaded, loaded.voice, on_progress=on_synthesis, notify=_notify)
        _echo(f"{done.routine}: {done.phrases} phrases ready, {done.made} made now, {done.voice}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the routine format (for editors and linters).

    \b
    Example:
      voicecoach schema > routine.schema.json
    """
    from voicecoach.routine.schema import routine_schema

    _echo(json.dumps(routine_schema(), indent=2, ensure_ascii=False))


@cli.command()
@click.option(
    "--language", "-l", metavar="LANG", help="Only voices for this language (en, de, ...)."
)
@_engine_option("default: every engine that is installed")
def voices(language: str | None, engine: str | None) -> None:
    """List the installed voices: id, name and languages, engine by engine.

    Piper voices are the bundled one and those in your voices folder
    (~/.local/share/voicecoach/voices: NAME.onnx with NAME.onnx.json).
    espeak-ng's voices take a variant after a +: gmw/en-us+f3.

    \b
    Examples:
      voicecoach voices --language de
      voicecoach voices --engine espeak-ng
    """
    from voicecoach.speech.voices import voice_listing

    listing = voice_listing(language, engine=engine)
    found = [v for _, voices, _ in listing.engines for v in voices]
    width = max((len(v.id) for v in found), default=0)
    indent = "" if engine else "  "
    for name, voices, same_as in listing.engines:
        if not engine:
            _echo(f"{name}: the same voices as {same_as}" if same_as else f"{name}:")
            if same_as:
                continue
            if not voices:
                _echo("  (none for this language)" if language else "  (none)")
        for voice in voices:
            _echo(f"{indent}{voice.id:<{width}}  {voice.name}  ({', '.join(voice.languages)})")
    engines_, variants = listing.variants
    if variants:
        import textwrap

        ids = sorted((v.id for v in variants), key=str.casefold)
        example = "gmw/en-us+" + ("f3" if "f3" in ids else ids[0])
        _echo(f"\nvariants of {' and '.join(engines_)} voices, after a + ({example}):")
        _echo(textwrap.fill(" ".join(ids), width=79, initial_indent="  ", subsequent_indent="  "))
    if not found:
        _echo(f"no voice speaks {language!r}", err=True)
        sys.exit(1)


@cli.command()
@click.argument("routine", required=False, shell_complete=_complete_routine)
@_voice_options
@_beeps_option
@click.option("--language", "-l", metavar="LANG", help="Language (en, de).")
@_history_file_option
def config(
    routine: str | None,
    voice_id: str | None,
    rate: int | None,
    volume: float | None,
    engine: str | None,
    beeps_db: float | None,
    language: str | None,
    history_path: Path | None,
) -> None:
    """Show the settings in force and where each comes from.

    Each value comes from the first place that sets it: an option, then the
    routine (when ROUTINE is given), then the settings file
    (~/.config/voicecoach/config.yaml), then voicecoach's default. The
    settings file holds what you set once: engine, voice, rate, volume,
    beeps (dB next to the voice), language, history and routines (folder).
    An engine that is not installed is shown with the one that speaks instead.

    \b
    Examples:
      voicecoach config
      voicecoach config home-back-basics --rate 150
    """
    from voicecoach.settings import describe_in_force, settings_path

    in_force = _in_force(
        _load(routine) if routine else None,
        engine=engine,
        voice=voice_id,
        rate=rate,
        volume=volume,
        beeps_db=beeps_db,
        language=language,
        history=history_path,
    )
    _echo(describe_in_force(in_force, settings_path()), nl=False)


@cli.command()
@click.argument("text")
@_voice_options
@click.option(
    "--language", "-l", metavar="LANG", help="Language of TEXT (default: the settings', else en)."
)
def say(
    text: str,
    voice_id: str | None,
    rate: int | None,
    volume: float | None,
    engine: str | None,
    language: str | None,
) -> None:
    """Speak TEXT once, to try a voice, rate and volume before putting them in a routine.

    \b
    Example:
      voicecoach say "Breathe in and brace." --voice gmw/en-gb --rate 150
    """
    from voicecoach.session.say import say_once

    if not text.strip():
        raise click.UsageError("TEXT is empty: give the words to say")
    in_force = _in_force(engine=engine, voice=voice_id, rate=rate, volume=volume, language=language)
    clip = say_once(
        text, language=in_force.language_code, voice=in_force.voice_settings, notify=_notify
    )
    _echo(f"{clip.duration_ms / 1000:.2f} s")


@cli.command()
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of a table, with every set."
)
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="Print every set of every session as CSV (for a spreadsheet; see docs/history.md).",
)
@click.option(
    "--routine",
    metavar="NAME",
    help="Only the sessions of this routine: its name or its file name (case ignored).",
)
@click.option(
    "--limit",
    metavar="N",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="How many sessions to list, newest first; 0 lists them all. --csv lists them all.",
)
@_history_file_option
def history(
    as_json: bool, as_csv: bool, routine: str | None, limit: int, history_path: Path | None
) -> None:
    """List recent workouts, newest first: when, which routine, how it ended, sets and time.

    A session stopped by Ctrl-C, a crash or a power cut is listed as
    interrupted; 'voicecoach run ROUTINE --resume' carries on from it.
    --json adds every set with what it asked for and what was done; --csv
    prints every set, oldest first, one row each, in the columns listed in
    docs/history.md (LibreOffice Calc, Excel and Google Sheets open it).
    Reading never creates a history: when there is none yet, this says so
    (and --json prints an empty list).

    The table is in the settings file's language if it sets one, else in
    the language the sessions listed were played in (English when they
    were played in several); --json and --csv are the same in every
    language.

    \b
    Examples:
      voicecoach history
      voicecoach history --routine "Home Back Basics" --limit 5
      voicecoach history --json | jq '.[0].status'
      voicecoach history --csv > workouts.csv
    """
    from voicecoach.history.stats import history_report

    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    path = _in_force(history=history_path).history_path
    text = history_report(
        path,
        routine=routine,
        limit=None if as_csv else limit or None,
        as_json=as_json,
        as_csv=as_csv,
        language=_settings_language(),
    )
    _echo(text, nl=not as_csv)


@cli.command(name="log")
@click.option(
    "--set",
    "entries",
    metavar="ENTRY",
    multiple=True,
    help='What was done in one set: "EXERCISE SET: REPS", "EXERCISE SET: REPS @ WEIGHT", '
    '"EXERCISE SET SIDE: REPS"; seconds for a hold. Repeat for more sets.',
)
@click.option(
    "--session", "session_id", metavar="ID", type=int, help="This session (see 'history')."
)
@_history_file_option
def log(entries: Sequence[str], session_id: int | None, history_path: Path | None) -> None:
    """Show the last finished session set by set, planned and done, and
    correct what was done with --set.

    Each set is shown as an entry would name it, in the language of the
    session's routine. Every --set is checked before any is applied: a bad
    entry is shown with the column where it goes wrong, and nothing is
    changed.

    \b
    Examples:
      voicecoach log
      voicecoach log --set "deadlift 3: 8"
      voicecoach log --set "deadlift 2: 9 @ 42.5 kg" --set "split squat 1 left: 7"
    """
    from voicecoach.history.log import log_report

    path = _in_force(history=history_path).history_path
    _echo(log_report(path, entries, session_id=session_id, language=_settings_language()))


@cli.command()
@click.option(
    "--weeks",
    metavar="N",
    type=click.IntRange(1, 520),
    default=8,
    show_default=True,
    help="How many weeks to show, up to this one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables and charts.")
@click.option(
    "--exercise",
    metavar="NAME",
    help="One exercise (its name or library id): best set, estimated one-rep maximum, load per "
    "session, volume per week.",
)
@_history_file_option
def stats(weeks: int, as_json: bool, exercise: str | None, history_path: Path | None) -> None:
    """Show what your workouts add up to, week by week, and your streak.

    Sessions, sets and time per ISO week (Monday to Sunday), sets per
    muscle group, and the streak: weeks in a row with at least one workout.
    A session counts once at least one of its sets was done. Muscles come
    from the exercise library and from the routine files the sessions were
    played from. Reading never creates a history: when there is none yet,
    this says so.

    With --exercise, one exercise's work sets: the best set, the estimated
    one-rep maximum (Epley: weight x (1 + reps / 30)), a chart of its load
    session by session, and its volume (weight x reps) per week.

    The text is in the settings file's language if it sets one, else in
    the language of the sessions it counts (English when they were played
    in several); --json is the same in every language.

    \b
    Examples:
      voicecoach stats
      voicecoach stats --weeks 12
      voicecoach stats --json | jq .streak_weeks
      voicecoach stats --exercise deadlift
    """
    from datetime import datetime

    from voicecoach.history.stats import stats_report

    now = datetime.now().astimezone()
    path = _in_force(history=history_path).history_path
    if exercise is not None:
        from voicecoach.history.exercise import exercise_report

        if as_json:
            raise click.UsageError("--exercise prints text: drop --json")
        _echo(exercise_report(path, exercise, language=_settings_language()))
        return
    _echo(stats_report(path, now=now, weeks=weeks, as_json=as_json, language=_settings_language()))


@cli.command()
@_routine_argument()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The audio file: .wav, or .flac, .ogg, .mp3 (need the 'formats' extra).",
)
@_voice_options
@_beeps_option
@click.option(
    "--sample-rate",
    type=click.Choice(["22050", "44100"]),
    default="22050",
    show_default=True,
    help="Samples per second of the file.",
)
@click.option("--stereo", is_flag=True, help="Two channels (the same sound in both).")
@click.option(
    "--background",
    type=click.FloatRange(0.0, 0.2),
    help="A quiet steady tone under the session at this level (e.g. 0.01), for speakers "
    "that switch off in silence.",
)
@click.option("--from", "start_at", metavar="EXERCISE", help="Start at this exercise.")
@click.option("--to", "end_at", metavar="EXERCISE", help="End after this exercise's last set.")
def render(
    routine: str,
    output: Path,
    voice_id: str | None,
    rate: int | None,
    volume: float | None,
    engine: str | None,
    beeps_db: float | None,
    sample_rate: str,
    stereo: bool,
    background: float | None,
    start_at: str | None,
    end_at: str | None,
) -> None:
    """Render ROUTINE to one audio file, with captions beside it (FILE.vtt).

    Every phrase and beep is placed at its exact sample from the same
    timeline that 'voicecoach run' plays, with the same voice and speech
    cache. The file appears only when complete: an error or Ctrl-C leaves
    nothing half-written at its name.

    \b
    Examples:
      voicecoach render full-body-a -o full-body-a.wav
      voicecoach render posterior-chain -o chain.ogg --sample-rate 44100 --stereo
      voicecoach render full-body-b -o rows.mp3 --from "Bent-Over Dumbbell Row"
    """
    from voicecoach.session.render import render_routine
    from voicecoach.timetext import clock

    written = _load(routine)
    in_force = _in_force(
        written, engine=engine, voice=voice_id, rate=rate, volume=volume, beeps_db=beeps_db
    )
    loaded = in_force.apply(written)
    _print_language_warnings(loaded)
    with _render_progress() as (on_synthesis, on_render):
        result = render_routine(
            loaded,
            output,
            voice=loaded.voice,
            beeps_db=in_force.beeps,
            sample_rate=int(sample_rate),
            channels=2 if stereo else 1,
            background=background,
            start_at=start_at,
            end_at=end_at,
            on_synthesis=on_synthesis,
            on_render=on_render,
            notify=_notify,
        )
    size = result.size_bytes / 1_000_000
    _echo(f"wrote {result.path} ({clock(result.duration_ms)}, {size:.1f} MB) and {result.captions}")


@contextlib.contextmanager
def _bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """One progress bar on a terminal's stderr; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bars:
        task = bars.add_task(label, total=None)
        yield lambda done, total: bars.update(task, completed=done, total=total)


@contextlib.contextmanager
def _render_progress() -> Iterator[tuple[Any, Any]]:
    """Progress bars on a terminal's stderr for synthesis and rendering; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bars:
        speech = bars.add_task("speech", total=None)
        audio = bars.add_task("render", total=None)

        def on_synthesis(done: int, total: int) -> None:
            bars.update(speech, completed=done, total=total)

        def on_render(done: int, total: int) -> None:
            bars.update(audio, completed=done, total=total)

        yield on_synthesis, on_render


class _Outlet:
    """Standard output that may go away mid-session (``| head -1``, a closed terminal): once a
    write finds the reader gone, the rest is dropped and the workout goes on with sound."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._drop()

    def isatty(self) -> bool:
        return not self.gone and self.stream.isatty()

    def _drop(self) -> None:
        self.gone = True
        # Python flushes standard output once more at exit: let that go nowhere, quietly.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _standard_streams() -> None:
    """Closed standard streams (``<&-``, ``>&-``) become /dev/null, before anything else takes
    their file descriptors; standard output survives a reader that goes away."""
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the whole process
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.stdout = cast(TextIO, _Outlet(sys.stdout))


def main() -> None:
    """The console entry point."""
    _standard_streams()
    cli(prog_name="voicecoach")
