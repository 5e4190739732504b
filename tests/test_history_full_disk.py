"""The history on a real full disk: a small tmpfs, filled while a session plays and freed later.

Each session plays in a child process (the small file system is mounted in a private mount
namespace, seen by that process alone) on a fake clock, with real speech from a cache made
beforehand. The history's files are copied out before the file system goes, and read here.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import on_small_file_system, small_file_system_missing
from test_history import raw

from voicecoach.history.store import HistoryStore
from voicecoach.outcome import Outcome
from voicecoach.routine.loader import load_routine
from voicecoach.session.prepare import measured_timeline, open_speech
from voicecoach.timeline.language import language_for
from voicecoach.timeline.model import SetKey

ROUTINE = Path(__file__).parent / "data" / "quick-test.yaml"
ROW_1: SetKey = (0, None, 1, None)
ROW_2: SetKey = (0, None, 2, None)
LEFT: SetKey = (1, None, 1, "left")
RIGHT: SetKey = (1, None, 1, "right")

#: One session of the routine, played in-process on a fake clock; the disk is filled when the
#: display shows a phase containing FILL_ON and freed at one containing FREE_ON. Prints what
#: the session said and how it ended, as one JSON line.
_SESSION = textwrap.dedent(
    """
    import io, json, os, sys
    from pathlib import Path
    from voicecoach.routine.loader import load_routine
    from voicecoach.session.run import RunOptions, run_routine
    from voicecoach.testing import FakeClock, RecordingSink

    small, routine, cache, fill_on, free_on, resume = sys.argv[1:]
    filler = Path(small) / "filler"

    def fill():
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            while True:
                os.write(fd, bytes(4096))
        except OSError:
            pass
        finally:
            os.close(fd)

    class Display(io.StringIO):
        def write(self, text):
            if fill_on and fill_on in text:
                fill()
            if free_on and free_on in text:
                filler.unlink(missing_ok=True)
            return super().write(text)

    out, notes, clock = Display(), [], FakeClock()
    result = run_routine(
        load_routine(Path(routine)),
        RunOptions(
            plain=True,
            resume=resume == "resume",
            history_path=Path(small) / "history.sqlite3",
            cache_root=Path(cache),
        ),
        out=out,
        notify=notes.append,
        interactive=False,
        live=False,
        clock=clock,
        sink=RecordingSink(clock.now),
    )
    phases = [l.split("  phase  ", 1)[1] for l in out.getvalue().splitlines() if "  phase  " in l]
    print(json.dumps({"notes": notes, "outcome": result.summary.outcome.value, "first": phases[0]}))
    """
)


@pytest.fixture(scope="module")
def speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A speech cache holding every phrase of the routine, so that no phrase is made mid-run."""
    root = tmp_path_factory.mktemp("speech")
    routine = load_routine(ROUTINE)
    cache = open_speech(routine, cache_root=root)
    measured_timeline(routine, cache, rate=routine.voice.rate)
    cache.ensure([language_for(routine.language).paused])
    return root


def sessions_on_a_small_disk(
    tmp_path: Path, cache: Path, *steps: tuple[str, str, str] | str
) -> tuple[list[dict[str, object]], Path, str]:
    """On a fresh 256 KiB file system, take `steps` in order: a session (fill on, free on,
    "resume" or ""), each in its own process, or a shell line (``$d`` is the mount point).
    Returns what each session said, the history copied out, and the standard error of all."""
    if (missing := small_file_system_missing()) is not None:
        pytest.skip(missing)
    small, kept = tmp_path / "small", tmp_path / "kept"
    small.mkdir()
    kept.mkdir()
    session = tmp_path / "session.py"
    session.write_text(_SESSION, encoding="utf-8")
    play = shlex.join([sys.executable, str(session), str(small), str(ROUTINE), str(cache)])
    lines = [step if isinstance(step, str) else f"{play} {shlex.join(step)}" for step in steps]
    script = tmp_path / "steps.sh"
    script.write_text(f"d={shlex.quote(str(small))}\n" + " &&\n".join(lines) + "\n")
    done = subprocess.run(
        on_small_file_system(small, "256k", "sh", script, then=f'cp "$d"/history.sqlite3* {kept}'),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    said = [json.loads(out) for out in done.stdout.splitlines()]
    assert len(said) == sum(not isinstance(step, str) for step in steps)
    return said, kept / "history.sqlite3", done.stderr


def full(path: Path) -> str:
    return (
        f"warning: history not saved: the disk is full ({path}); the workout goes on, and its "
        "sets are saved if space is freed before it ends"
    )


@pytest.mark.speech
def test_sets_kept_while_the_disk_is_full_are_written_once_it_is_freed(
    tmp_path: Path, speech_cache: Path
) -> None:
    """Filled after the first set, freed at the switch between the sides: every set is in the
    file, in order, and the session ended completed. Said: one line each way."""
    [said], db, stderr = sessions_on_a_small_disk(
        tmp_path, speech_cache, ("[rest] Rest", "[switch] Switch sides", "")
    )

    assert stderr == ""
    assert said["outcome"] == "completed"
    assert said["notes"] == [
        full(tmp_path / "small" / "history.sqlite3"),
        "history saved: space was freed, and every set of this session is recorded",
    ]
    assert raw(db, "PRAGMA integrity_check") == [("ok",)]
    assert raw(db, "SELECT status FROM sessions") == [("completed",)]
    with HistoryStore.open_read_only(db) as store:
        (session,) = store.recent_sessions(5)
        assert [s.key for s in store.sets_for(session.id)] == [ROW_1, ROW_2, LEFT, RIGHT]


@pytest.mark.speech
def test_a_disk_full_to_the_end_and_the_runs_after_it(tmp_path: Path, speech_cache: Path) -> None:
    """Filled after the first set and never freed: the first set is kept, and the row, which
    could not be ended, reads as interrupted. The next run, on the disk still full, reads the
    history (it resumes at the second set) and says one line; once space is freed, the run after
    settles the row as interrupted and records its own sets."""
    said, db, stderr = sessions_on_a_small_disk(
        tmp_path,
        speech_cache,
        ("[rest] Rest", "", ""),
        ("", "", "resume"),
        'rm "$d/filler"',
        ("", "", "resume"),
    )
    assert stderr == ""
    full_line = full(tmp_path / "small" / "history.sqlite3")
    first, still_full, freed = said
    assert (first["outcome"], first["notes"]) == ("completed", [full_line])
    assert (still_full["outcome"], still_full["notes"]) == ("completed", [full_line])
    assert still_full["first"] == "[rest] Rest"
    assert freed == {"notes": [], "outcome": "completed", "first": "[rest] Rest"}
    assert raw(db, "PRAGMA integrity_check") == [("ok",)]
    with HistoryStore.open_read_only(db) as store:
        old, new = sorted(store.recent_sessions(5), key=lambda s: s.id)
        assert [s.key for s in store.sets_for(old.id)] == [ROW_1]
        assert [s.key for s in store.sets_for(new.id)] == [ROW_2, LEFT, RIGHT]
        assert (old.status, new.status, new.resumes) == (
            Outcome.INTERRUPTED,
            Outcome.COMPLETED,
            old.id,
        )
    assert raw(db, "SELECT status FROM sessions ORDER BY id") == [("interrupted",), ("completed",)]


@pytest.mark.speech
def test_a_history_on_a_disk_that_filled_after_it_was_closed(
    tmp_path: Path, speech_cache: Path
) -> None:
    """A history closed cleanly (no log beside it), then the disk fills: its log's index cannot
    be made, yet `voicecoach history` lists it, and a new session plays through, saying one
    line, and is read back by the history it plays with (today's targets, a resumption)."""
    listing = tmp_path / "listing.txt"
    said, db, stderr = sessions_on_a_small_disk(
        tmp_path,
        speech_cache,
        ("", "", ""),
        'cat /dev/zero > "$d/filler" 2>/dev/null; test -s "$d/filler"',
        ("", "", ""),
        f"{shlex.join([sys.executable, '-m', 'voicecoach', 'history'])} --history "
        f'"$d/history.sqlite3" > {shlex.quote(str(listing))}',
    )
    assert stderr == ""
    assert said[0]["notes"] == []
    assert said[1] == {
        "notes": [full(tmp_path / "small" / "history.sqlite3")],
        "outcome": "completed",
        "first": "[announce] Band Row",
    }
    [_, line] = listing.read_text().splitlines()
    assert line.split()[3:6] == ["Quick", "Test", "completed"]
    assert raw(db, "SELECT status FROM sessions") == [("completed",)]


@pytest.mark.speech
def test_a_run_begun_on_a_full_disk_is_saved_whole_once_space_is_freed(
    tmp_path: Path, speech_cache: Path
) -> None:
    """The history cannot be opened for writing when the run begins; space is freed at the
    switch between the sides: the history is opened then, and the session's start, its sets
    and its end are all written."""
    said, db, stderr = sessions_on_a_small_disk(
        tmp_path,
        speech_cache,
        ("", "", ""),
        'cat /dev/zero > "$d/filler" 2>/dev/null; test -s "$d/filler"',
        ("", "[switch] Switch sides", ""),
    )
    assert stderr == ""
    assert said[1]["notes"] == [
        full(tmp_path / "small" / "history.sqlite3"),
        "history saved: space was freed, and every set of this session is recorded",
    ]
    assert raw(db, "SELECT status FROM sessions ORDER BY id") == [("completed",), ("completed",)]
    with HistoryStore.open_read_only(db) as store:
        _, new = sorted(store.recent_sessions(5), key=lambda s: s.id)
        assert [s.key for s in store.sets_for(new.id)] == [ROW_1, ROW_2, LEFT, RIGHT]
