"""`voicecoach render`: the command around the renderer, with the real voice."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli import cli
from voicecoach.errors import UsageError
from voicecoach.resources import bundled_routines
from voicecoach.routine.loader import load_routine
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.durations import EstimatedDurations
from voicecoach.timeline.seek import window

pytestmark = pytest.mark.speech


def test_render_writes_audio_and_captions_of_the_run_timeline(tmp_path: Path) -> None:
    """The file is as long as the measured timeline `run --dry-run` prints, to the sample."""
    out = tmp_path / "session.wav"
    result = CliRunner().invoke(cli, ["render", "pull-up-progression", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out} (")
    assert result.stdout.rstrip().endswith(f"and {out.with_suffix('.vtt')}")
    dry = CliRunner().invoke(cli, ["run", "pull-up-progression", "--dry-run", "--json"])
    import json

    total_ms = json.loads(dry.stdout)["total_ms"]
    with wave.open(str(out)) as w:
        assert w.getframerate() == 22050
        assert w.getnchannels() == 1
        assert w.getnframes() == round(total_ms * 22050 / 1000)
    captions = out.with_suffix(".vtt").read_text(encoding="utf-8")
    assert captions.startswith("WEBVTT")
    assert "Pull-Up Progression. Let's begin." in captions


def test_render_a_window_from_one_exercise_to_another(tmp_path: Path) -> None:
    out = tmp_path / "part.wav"
    result = CliRunner().invoke(
        cli,
        ["render", "full-body-a", "-o", str(out), "--from", "deadlift", "--to", "Deadlift"],
    )
    assert result.exit_code == 0, result.output
    captions = out.with_suffix(".vtt").read_text(encoding="utf-8")
    assert "Deadlift. 3 sets" in captions
    assert "Let's begin" not in captions


def test_render_into_a_missing_folder_fails_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "session.wav"
    result = CliRunner().invoke(cli, ["render", "home-back-basics", "-o", str(out)])
    assert result.exit_code == 1
    assert "voicecoach: " in result.stderr
    assert not out.parent.exists()


def test_window_bounds() -> None:
    routine = load_routine(bundled_routines()["full-body-a"])
    timeline = compile_routine(routine, EstimatedDurations())
    assert window(timeline, None, None) == (0, timeline.total_ms)
    start, end = window(timeline, "Deadlift", "Deadlift")
    deadlift = [p for p in timeline.phases if p.exercise == "Deadlift"]
    assert start == deadlift[0].start_ms
    assert end == [p for p in deadlift if p.is_work][-1].end_ms
    with pytest.raises(UsageError, match="comes before"):
        window(timeline, "Deadlift", "Hip Hinge with Broomstick")
