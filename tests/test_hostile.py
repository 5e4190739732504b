"""The hostile-input corpus (tests/hostile_corpus.py): every file gets its exit status, a located
first message and no traceback, and nothing printed holds a raw control character."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_corpus import EXPECTED, HOSTILE, big_files, small_files

from voicecoach.cli import cli
from voicecoach.textsafety import for_terminal

_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole corpus in one folder: the kept files, the big ones, and a FIFO."""
    folder = tmp_path_factory.mktemp("hostile")
    for path in HOSTILE.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    for name, text in big_files().items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    os.mkfifo(folder / "fifo")
    return folder


def test_kept_files_match_the_corpus() -> None:
    """tests/data/hostile holds exactly what small_files() makes (rewrite it when they differ)."""
    for name, data in small_files().items():
        kept = (HOSTILE / f"{name}.yaml").read_bytes()
        assert kept == (data if isinstance(data, bytes) else data.encode("utf-8")), name
    assert len(list(HOSTILE.glob("*.yaml"))) == len(small_files())


def test_every_file_has_an_expectation() -> None:
    assert set(EXPECTED) == set(small_files()) | set(big_files())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file(name: str, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`validate` answers with the expected status and message; `show` says the same; nothing
    reaches the terminal raw."""
    monkeypatch.chdir(corpus)
    status, message = EXPECTED[name]
    filename = f"{name}.yaml"
    commands = [["validate", filename]]
    if name in small_files():  # the big files cost a second or two a command
        commands.append(["show", filename])
        if status == 0:
            commands.append(["run", filename, "--dry-run", "--estimate"])
    results = [CliRunner().invoke(cli, command) for command in commands]
    for command, result in zip(commands, results, strict=True):
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        assert "Traceback" not in result.output + result.stderr
        assert _RAW.search(result.stdout + result.stderr) is None, command
        assert len(result.stderr.splitlines()) <= 51
    validated = results[0]
    assert validated.exit_code == status, validated.stderr
    if status == 0:
        assert validated.stdout.startswith(f"{filename}: ok"), validated.stdout
    else:
        first = validated.stderr.splitlines()[0]
        # Located in this file, or in the library file it names.
        assert re.match(r"[\w.-]+\.yaml:\d+:\d+: ", first), first
        assert first.split(": ", 1)[1].startswith(message), first


def test_for_terminal_escapes_what_could_steer_a_terminal() -> None:
    text = "a\x1b[2Jb\x9bc\u202ed\ud800e\x00f\x7fg\n\th"
    assert for_terminal(text) == "a\\u001b[2Jb\\u009bc\\u202ed\\ud800e\\u0000f\\u007fg\n\th"
    assert for_terminal("Kniebeuge – links") == "Kniebeuge – links"
