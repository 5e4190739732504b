"""The command line: help, exit codes, golden dry runs of every bundled routine, JSON, lists."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from voicecoach.cli import cli
from voicecoach.resources import bundled_routines

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("VOICECOACH_UPDATE_GOLDEN") == "1"


def invoke(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def all_commands() -> list[str]:
    return sorted(cli.commands)


@pytest.mark.parametrize("name", all_commands())
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = invoke(name, "--help")
    assert result.exit_code == 0
    assert cli.commands[name].help, f"{name} has no help text"
    assert "voicecoach " + name in result.output or name == "run"
    assert "Example" in result.output


@pytest.mark.parametrize("name", sorted(bundled_routines()))
def test_golden_dry_run_of_every_bundled_routine(name: str) -> None:
    """The whole session of each bundled routine, pinned (estimated speech lengths)."""
    result = invoke("run", name, "--dry-run", "--estimate")
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"{name}.txt"
    if UPDATE:
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(bundled_routines()))
def test_bundled_routines_compile_without_cue_warnings(name: str) -> None:
    result = invoke("run", name, "--dry-run", "--estimate")
    assert result.stderr == ""


def test_json_dry_run_matches_the_text_dry_run() -> None:
    text = invoke("run", "home-back-basics", "--dry-run", "--estimate").stdout.splitlines()
    data = json.loads(invoke("run", "home-back-basics", "--dry-run", "--estimate", "--json").stdout)
    assert set(data) >= {"total_ms", "events"}
    body = text[4:]
    assert len(body) == len(data["events"])
    for line, event in zip(body, data["events"], strict=True):
        assert set(event) >= {"at_ms", "kind", "text"}
        assert event["kind"] in ("speak", "beep", "phase")
        assert line.endswith(event["text"])
    assert data["events"][-1]["at_ms"] < data["total_ms"]


def test_bad_routine_exits_2_with_located_messages(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\nexercises:\n  - name: Row\n    reps: 5\n    rset: 30\n")
    result = invoke("run", str(bad), "--dry-run")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{bad}:5:5: unknown key 'rset' in an exercise; did you mean 'rest'?\n"
    )
    assert "Traceback" not in result.output


def test_validate_reports_each_file(tmp_path: Path) -> None:
    good = bundled_routines()["home-back-basics"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\n")
    result = invoke("validate", "--estimate", str(good), str(bad))
    assert result.exit_code == 2
    assert result.stdout.startswith(f"{good}: ok (")
    assert result.stdout.rstrip().endswith("; speech lengths estimated)")
    assert result.stderr.startswith(f"{bad}:1:1: ")


def test_validate_counts_one_set_and_one_exercise_in_the_singular(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text("name: One\nexercises: [{name: Plank, hold: 30}]\n")
    result = invoke("validate", "--estimate", str(one))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{one}: ok (1 exercise, 1 set, ")


def test_unknown_routine_name_suggests_close_names() -> None:
    result = invoke("run", "home-back-basic", "--dry-run")
    assert result.exit_code == 2
    assert "did you mean home-back-basics" in result.stderr


def test_list_shows_bundled_and_user_routines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    mine = tmp_path / "voicecoach" / "routines"
    mine.mkdir(parents=True)
    (mine / "my-day.yaml").write_text("name: Mine\nexercises:\n  - use: band-row\n")
    result = invoke("list")
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names[0] == "my-day"
    assert set(bundled_routines()) <= set(names)
    assert "user" in result.stdout.splitlines()[0]
    run = invoke("run", "my-day", "--dry-run", "--estimate")
    assert run.exit_code == 0
    assert run.stdout.startswith("Mine\n")


def test_show_lists_exercises_muscles_and_equipment() -> None:
    result = invoke("show", "full-body-b")
    assert result.exit_code == 0
    assert "Deadlift: 3 x 8-10 reps" in result.stdout
    assert "Muscles: " in result.stdout
    assert "Equipment: " in result.stdout


def test_show_says_its_total_is_estimated_as_validate_estimates_it() -> None:
    shown = invoke("show", "full-body-a").stdout.splitlines()
    total = next(line for line in shown if line.startswith("total "))
    assert total.endswith("; speech lengths estimated")
    validated = invoke("validate", "--estimate", str(bundled_routines()["full-body-a"])).stdout
    assert f", {total.split(',')[0].removeprefix('total ')}; speech lengths estimated)" in validated
    assert "The total time is estimated" in invoke("show", "--help").stdout


def test_schema_command_prints_the_shipped_schema() -> None:
    from voicecoach.routine.schema import routine_schema

    assert json.loads(invoke("schema").stdout) == routine_schema()


def test_routine_names_complete() -> None:
    from click.shell_completion import ShellComplete

    comp = ShellComplete(cli, {}, "voicecoach", "_VOICECOACH_COMPLETE")
    items = comp.get_completions(["run"], "full")
    assert [i.value for i in items] == ["full-body-a", "full-body-b"]


def test_json_needs_dry_run() -> None:
    result = invoke("run", "home-back-basics", "--json")
    assert result.exit_code == 2


def test_installed_command_finds_bundled_files_from_any_folder(tmp_path: Path) -> None:
    """The console script, run from an unrelated folder, finds routines, library and sounds."""
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "voicecoach"
    result = subprocess.run(
        [str(exe), "run", "full-body-a", "--dry-run", "--estimate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Full Body A")
    code = "from voicecoach.beeps import load_beeps; print(len(load_beeps()))"
    beeps = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert beeps.stdout.strip() == "6"
