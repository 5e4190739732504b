"""Render faults: a full disk for every format, targets that are not regular files, names that
differ only in case, and the temporary files of renders killed on the way."""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import on_small_file_system, small_file_system_missing
from test_render import FakeClips, awkward_timeline, leftovers

from voicecoach.render.mix import render_timeline
from voicecoach.render.writers import RenderError, captions_path

ROUTINE = """\
name: Long hold
defaults:
  countdown: 0
  prepare: 0
exercises:
  - name: Wall sit
    hold: 40
"""


VOICECOACH = (sys.executable, "-m", "voicecoach")


def render(out: Path) -> None:
    timeline, clips = awkward_timeline()
    render_timeline(timeline, clips=FakeClips(clips), beeps={}, out=out)


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device"])
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_alone(
    tmp_path: Path, kind: str
) -> None:
    if kind == "fifo":
        target = tmp_path / "out.wav"
        os.mkfifo(target)
        said = "it is a FIFO"
    elif kind == "symlink":
        target = tmp_path / "out.wav"
        (tmp_path / "real.wav").write_bytes(b"keep me")
        target.symlink_to(tmp_path / "real.wav")
        said = "it is a symbolic link"
    else:
        if os.geteuid() != 0:
            pytest.skip("needs root to make a device node")
        target = tmp_path / "out.wav"
        os.mknod(target, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # as /dev/null
        said = "it is a device"
    before = leftovers(tmp_path)
    with pytest.raises(RenderError) as caught:
        render(target)
    assert str(caught.value) == (
        f"cannot write {target}: {said}, which a render would replace; "
        "give the name of a regular file"
    )
    assert leftovers(tmp_path) == before
    if kind == "symlink":
        assert target.is_symlink()
        assert (tmp_path / "real.wav").read_bytes() == b"keep me"


def test_names_that_differ_only_in_case_get_their_own_captions(tmp_path: Path) -> None:
    render(tmp_path / "out.wav")
    render(tmp_path / "out.WAV")
    assert leftovers(tmp_path) == ["out.WAV", "out.WAV.vtt", "out.vtt", "out.wav"]
    assert captions_path(tmp_path / "out.Flac") == tmp_path / "out.Flac.vtt"


def test_temporary_files_of_killed_renders_are_removed_not_those_in_use(tmp_path: Path) -> None:
    dead = tmp_path / ".out.wav.0badf00d.tmp"
    dead.write_bytes(b"\0" * 4096)
    dead_captions = tmp_path / ".out.vtt.0badf00d.tmp"
    dead_captions.write_text("WEBVTT")
    busy = tmp_path / ".out.wav.c0ffee00.tmp"
    with open(busy, "wb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # another render, still writing
        render(tmp_path / "out.wav")
    assert leftovers(tmp_path) == [".out.wav.c0ffee00.tmp", "out.vtt", "out.wav"]


@pytest.mark.speech
@pytest.mark.parametrize("fmt", ["wav", "flac", "ogg", "mp3"])
def test_a_full_disk_is_one_clean_message_for_every_format(tmp_path: Path, fmt: str) -> None:
    """A 32 KiB file system, made for the render in a private mount namespace."""
    if (missing := small_file_system_missing()) is not None:
        pytest.skip(missing)
    routine = tmp_path / "long-hold.yaml"
    routine.write_text(ROUTINE)
    small = tmp_path / "small"
    small.mkdir()
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    # What is left on the small file system is listed before it goes with the namespace.
    done = subprocess.run(
        on_small_file_system(
            small,
            "32k",
            *(*VOICECOACH, "render", str(routine), "-o", f"{small}/out.{fmt}"),
            *("--background", "0.05"),
            then='ls -A "$d"',
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if not line.startswith("speech")]
    assert lines == [
        f"voicecoach: the disk is full: could not write {small}/out.{fmt}, and nothing was "
        "written; free some space or choose another folder"
    ]
    assert done.stdout == ""  # nothing left behind, not even a temporary file
