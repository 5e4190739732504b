"""The `voicecoach` command line: a thin layer over the library.

Each command parses its options, makes one call into the core and prints the result. Errors of
the project become exit statuses here and nowhere else: 2 for bad input, 3 for a required audio
part that is missing, 130 for Ctrl-C.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from click.shell_completion import CompletionItem

from voicecoach import __version__
from voicecoach.errors import RoutineError, VoicecoachError

EPILOG_RUN = """\b
Examples:
  voicecoach run home-back-basics            speak a bundled routine
  voicecoach run my-back-day.yaml --dry-run  print every cue with its time
  voicecoach run full-body-a --dry-run --json | jq .total_ms
"""


class _Group(click.Group):
    """Turns the project's errors into messages and exit statuses, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RoutineError as err:
            for problem in err.problems:
                click.echo(str(problem), err=True)
            ctx.exit(err.exit_code)
        except VoicecoachError as err:
            click.echo(f"voicecoach: {err}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


def _complete_routine(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    from voicecoach.catalog import routine_names

    names = [CompletionItem(n) for n in routine_names() if n.startswith(incomplete)]
    return names or [CompletionItem(incomplete, type="file")]


_F = TypeVar("_F", bound=Callable[..., Any])


def _routine_argument() -> Callable[[_F], _F]:
    return click.argument("routine", shell_complete=_complete_routine)


def _load(routine_arg: str) -> Any:
    from voicecoach.catalog import resolve_routine
    from voicecoach.loader import load_routine

    return load_routine(resolve_routine(routine_arg))


def _print_warnings(timeline: Any) -> None:
    for warning in timeline.warnings:
        click.echo(str(warning), err=True)


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


@cli.command(epilog=EPILOG_RUN)
@_routine_argument()
@click.option("--dry-run", is_flag=True, help="Print every cue with its time; speak nothing.")
@click.option("--json", "as_json", is_flag=True, help="With --dry-run: print JSON instead.")
@click.option(
    "--estimate",
    is_flag=True,
    help="With --dry-run: estimate phrase lengths from words and rate instead of measuring them.",
)
@click.option("--rate", type=click.IntRange(80, 400), help="Speech rate in words per minute.")
def run(routine: str, dry_run: bool, as_json: bool, estimate: bool, rate: int | None) -> None:
    """Coach ROUTINE out loud (a bundled name, a name in your folder, or a file).

    ROUTINE is looked up as a path first, then by name in your own folder
    (~/.config/voicecoach/routines), then among the bundled routines.
    """
    from voicecoach.compiler import compile_routine
    from voicecoach.dryrun import format_text, to_json
    from voicecoach.durations import EstimatedDurations

    loaded = _load(routine)
    if as_json and not dry_run:
        raise click.UsageError("--json goes with --dry-run")
    timeline = compile_routine(loaded, EstimatedDurations(rate or loaded.voice.rate))
    _print_warnings(timeline)
    if not dry_run:
        raise click.UsageError("speaking the session needs --dry-run for now")
    if as_json:
        click.echo(json.dumps(to_json(loaded, timeline), ensure_ascii=False, indent=1))
    else:
        click.echo(format_text(loaded, timeline), nl=False)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: Sequence[str]) -> None:
    """Check routine FILES; print one located line per problem.

    Exit status 0 when every file is valid, 2 when any is not. Cues that
    will not fit in their time are reported as warnings.

    \b
    Example:
      voicecoach validate my-back-day.yaml routines/*.yaml
    """
    from voicecoach.compiler import compile_routine
    from voicecoach.dryrun import short_clock
    from voicecoach.durations import EstimatedDurations
    from voicecoach.loader import load_routine

    failed = False
    for name in files:
        try:
            routine = load_routine(Path(name))
        except RoutineError as err:
            failed = True
            for problem in err.problems:
                click.echo(str(problem), err=True)
            continue
        timeline = compile_routine(routine, EstimatedDurations(routine.voice.rate))
        _print_warnings(timeline)
        click.echo(
            f"{name}: ok ({len(routine.all_exercises())} exercises, "
            f"{timeline.set_count()} sets, {short_clock(timeline.total_ms)})"
        )
    if failed:
        sys.exit(2)


@cli.command()
@_routine_argument()
def show(routine: str) -> None:
    """Show what ROUTINE holds: exercises, sets, total time, muscles, equipment.

    \b
    Example:
      voicecoach show posterior-chain
    """
    from voicecoach.compiler import compile_routine
    from voicecoach.durations import EstimatedDurations
    from voicecoach.overview import format_overview

    loaded = _load(routine)
    timeline = compile_routine(loaded, EstimatedDurations(loaded.voice.rate))
    click.echo(format_overview(loaded, timeline), nl=False)


@cli.command(name="list")
def list_() -> None:
    """List the routines you can run by name: your own folder's, then the bundled ones.

    \b
    Example:
      voicecoach list
    """
    from voicecoach.catalog import list_routines, user_routines_dir

    entries = list_routines()
    width = max((len(e.name) for e in entries), default=0)
    for entry in entries:
        click.echo(f"{entry.name:<{width}}  {entry.origin:<7}  {entry.path}")
    click.echo(f"(your own routines go in {user_routines_dir()})", err=True)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the routine format (for editors and linters).

    \b
    Example:
      voicecoach schema > routine.schema.json
    """
    from voicecoach.schema import routine_schema

    click.echo(json.dumps(routine_schema(), indent=2, ensure_ascii=False))


def main() -> None:
    """The console entry point."""
    cli(prog_name="voicecoach")
