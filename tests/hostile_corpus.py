"""The hostile-input corpus: files an attacker or a hurried author might hand to voicecoach.

Small files live in ``tests/data/hostile/`` (written by ``python tests/hostile_corpus.py``);
files near the 1 MiB limit are made on the fly by :func:`big_files`, and the special files
(a FIFO, a device) by the test itself. :data:`EXPECTED` says what `voicecoach validate` must
answer for each: the exit status and the start of the first line, after ``FILE:LINE:COLUMN:``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HOSTILE = Path(__file__).parent / "data" / "hostile"
MIB = 1 << 20

_HEAD = "name: Hostile\nexercises:\n"


def _one(body: str) -> str:
    return _HEAD + "  - name: Squat\n    reps: 5\n" + body


def _named(name: str) -> str:
    return f"name: {name}\nexercises:\n  - {{name: Squat, reps: 5}}\n"


def small_files() -> dict[str, str | bytes]:
    """The corpus files kept in the repository, by name."""
    lol = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lol += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    merge = ["b0: &b0 {rest: 1, rest_after: 2}"]
    merge += [
        f"b{i}: &b{i}\n  <<: [" + ", ".join([f"*b{i - 1}"] * 8) + f"]\n  k{i}: 1"
        for i in range(1, 12)
    ]
    return {
        # Text that would steer a speech engine or a terminal.
        "cue-embedded-volume": _one('    cues: {setup: "\\x010A ok"}\n'),
        "cue-embedded-speed": _one('    cues: {during: ["\\x01450S ok"]}\n'),
        "cue-phoneme-brackets": _one('    cues: {intro: "[[h@\'loU]] brace"}\n'),
        "cue-ssml": _one("    cues: {intro: \"<prosody volume='0'>quiet</prosody> now\"}\n"),
        "name-osc-title": _named('"\\e]0;owned\\a Back day"'),
        "name-clear-screen": _named('"\\e[2J\\e[H Day"'),
        "notes-c1-csi": _one('    notes: "x \\x9b2J y"\n'),
        "name-bidi-override": _named('"Day \\u202e gnp.exe"'),
        "name-lone-surrogate": _named('"Back \\ud800 day"'),
        "cue-lone-surrogate": _one('    cues: {setup: "brace \\udfff"}\n'),
        "cue-nul": _one('    cues: {setup: "\\0 ok"}\n'),
        "weight-delete": _one('    weight: "20 kg\\x7f"\n'),
        "name-zero-width": _named('"\\u200b\\u200b\\u2060"'),
        "exercise-name-filler": _HEAD + '  - name: "\\u3164 \\u200b"\n    reps: 5\n',
        "side-label-invisible": _one('    sides: ["\\u200b", right]\n'),
        "escape-raw": (_one("") + "    notes: a\x1b[2Jb\n").encode(),
        "cue-too-long": _one("    cues: {during: " + "brace " * 700 + "}\n"),
        "voice-id-huge": "name: X\nvoice: {id: " + "v" * 5000 + "}\nexercises:\n"
        "  - {name: Squat, reps: 5}\n",
        "nul-raw": (_one("") + "\x00\n").encode(),
        # Files that are not routines or libraries.
        "library-etc-shadow": "name: X\nlibrary: /etc/shadow\nexercises:\n  - use: deadlift\n",
        "library-etc-passwd": "name: X\nlibrary: /etc/passwd\nexercises:\n  - use: deadlift\n",
        "library-dev-zero": "name: X\nlibrary: /dev/zero\nexercises:\n  - use: deadlift\n",
        "library-folder": "name: X\nlibrary: /\nexercises:\n  - use: deadlift\n",
        "library-fifo": "name: X\nlibrary: fifo\nexercises:\n  - use: deadlift\n",
        "library-missing": "name: X\nlibrary: nowhere.yaml\nexercises:\n"
        + "".join(f"  - use: mine-{i}\n" for i in range(20)),
        # Numbers.
        "number-nan": _one("    rest: .nan\n"),
        "number-inf": _HEAD + "  - name: Plank\n    hold: .inf\n",
        "number-negative-inf": _one("    rest_after: -.inf\n"),
        "number-huge-float": _one("    rest: 1e999999\n"),
        "time-minutes-seconds": _one("    rest: 1:30\n"),
        # YAML mistakes.
        "yaml-indent-three": "name: X\nexercises:\n  - name: Squat\n     reps: 5\n",
        "yaml-indent-list": "name: X\nexercises:\n  - name: Squat\n    reps: 5\n"
        "   - name: Row\n    reps: 5\n",
        "yaml-tab": "name: X\nexercises:\n  - name: Squat\n\treps: 5\n",
        "yaml-unquoted-colon": "name: Back day: the hard one\nexercises:\n"
        "  - {name: Squat, reps: 5}\n",
        "yaml-missing-space": "name: X\nexercises:\n  - name: Squat\n    reps:5\n    sets: 3\n",
        "yaml-missing-space-top": "name:X\nexercises:\n  - {name: Squat, reps: 5}\n",
        "yaml-unclosed-double-quote": 'name: "Back day\nexercises:\n  - {name: Squat, reps: 5}\n',
        "yaml-unclosed-single-quote": "name: X\nexercises:\n  - name: 'Squat\n    reps: 5\n",
        "yaml-unclosed-bracket": _one("    sides: [left, right\n"),
        "yaml-unclosed-brace": "name: X\nexercises:\n  - {name: Squat, reps: 5\n",
        "multiple-documents": _one("")
        + "---\nname: Second\nexercises:\n  - {name: Row, reps: 5}\n",
        "document-end-then-more": _one("") + "...\nname: Second\n",
        # Encodings and line endings.
        "bom-utf8": ("\ufeff" + _one("")).encode("utf-8"),
        "bom-utf16": ("\ufeff" + _one("")).encode("utf-16-le"),
        "not-utf8": b"name: Caf\xe9\nexercises:\n  - {name: Squat, reps: 5}\n",
        "line-endings-crlf": _one("").replace("\n", "\r\n").encode(),
        "line-endings-cr": _one("").replace("\n", "\r").encode(),
        "line-endings-mixed": b"name: X\r\nexercises:\r  - name: Squat\n    reps: 5\r\n",
        # Tags and structure.
        "tag-python-object": "name: !!python/object/apply:os.system ['echo hi']\nexercises:\n"
        "  - {name: Squat, reps: 5}\n",
        "tag-custom": _one("    rest: !seconds 30\n"),
        "tag-binary": _one("    notes: !!binary aGVsbG8=\n"),
        "empty": "",
        "only-comments": "# nothing here\n",
        "top-level-list": "- name: Squat\n  reps: 5\n",
        "top-level-text": "just text\n",
        "alias-bomb": "\n".join(lol) + "\nname: X\nexercises: *a8\n",
        "merge-key-bomb": "\n".join(merge)
        + "\nname: X\nexercises:\n  - <<: *b11\n    name: Squat\n    reps: 5\n",
        "deep-nesting-block": "name: X\nexercises:\n"
        + "".join("  " * i + "- \n" for i in range(1, 80)),
        "session-too-long": "name: X\nexercises:\n" + "  - {name: E, reps: 100, sets: 20}\n" * 50,
        "session-too-many-sets": "name: X\nexercises:\n"
        + "  - {name: E, reps: 5, sets: 20, rest: 0, rest_after: 0, sides: [l, r]}\n" * 6,
        "circuit-with-sets": "name: X\nexercises:\n  - circuit: C\n    rounds: 2\n    sets: 3\n"
        "    exercises:\n      - {name: S, reps: 5}\n",
    }


def big_files() -> dict[str, str]:
    """Files near the 1 MiB limit, made when needed rather than kept in the repository."""
    library = "exercises:\n" + "".join(
        f"  ex-{i}: {{name: Exercise {i}, reps: 5}}\n" for i in range(1000)
    )
    return {
        "deep-nesting-flow": "name: X\nexercises: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "list-350k-items": "name: X\nexercises: [" + ", ".join(["1"] * 349_000) + "]\n",
        "aliases-200k": "name: X\nexercises: [&e {name: E, reps: 1}, "
        + ", ".join(["*e"] * 200_000)
        + "]\n",
        "problems-30k": "name: X\nexercises:\n"
        + "".join(f"  - {{name: E{i}, reps: 0}}\n" for i in range(30_000)),
        "values-20k": "name: X\nexercises:\n"
        + "".join(
            "  - name: S\n    reps: 5\n" + "".join(f"    k{i}x{j}: 1\n" for j in range(990))
            for i in range(11)
        ),
        "keys-65k": "name: X\nexercises:\n  - name: S\n    reps: 5\n"
        + "".join(f"    k{i}: 1\n" for i in range(65_000)),
        "duplicate-keys-65k": "name: X\nexercises:\n  - name: S\n    reps: 5\n"
        + "    rest: 1\n" * 65_000,
        "use-huge-id": _HEAD + "  - use: " + "a" * 300_000 + "\n",
        "key-huge": _one("    " + "k" * 300_000 + ": 1\n"),
        "number-huge": _one("    rest: " + "9" * 900_000 + "\n"),
        "comment-one-mib": _one("") + "#" + "c" * (MIB - 200) + "\n",
        "text-one-mib": _one("    notes: " + "n" * (MIB - 200) + "\n"),
        "over-one-mib": _one("") + "#" * (MIB + 10) + "\n",
        "library-1000": library,
        "library-1001": library + "  one-more: {name: One more, reps: 5}\n",
        "unknown-ids-990": "name: X\nlibrary: library-1000.yaml\nexercises:\n"
        + "".join(f"  - use: ex-{i}x\n" for i in range(990)),
        "library-too-big": "name: X\nlibrary: library-1001.yaml\nexercises:\n  - use: ex-1\n",
    }


#: What `validate` answers: exit status and the start of the first message after the place
#: ("ok" for a valid file). Files marked None in the place are reported without a line.
EXPECTED: dict[str, tuple[int, str]] = {
    "cue-embedded-volume": (2, "'setup' holds a control character U+0001 (Ctrl-A)"),
    "cue-embedded-speed": (2, "'during' holds a control character U+0001 (Ctrl-A)"),
    "cue-phoneme-brackets": (0, "ok"),
    "cue-ssml": (0, "ok"),
    "name-osc-title": (2, "'name' holds a control character U+001B (escape)"),
    "name-clear-screen": (2, "'name' holds a control character U+001B (escape)"),
    "notes-c1-csi": (2, "'notes' holds a control character U+009B"),
    "name-bidi-override": (2, "'name' holds a direction control U+202E"),
    "name-lone-surrogate": (2, "'name' holds a lone surrogate U+D800"),
    "cue-lone-surrogate": (2, "'setup' holds a lone surrogate U+DFFF"),
    "cue-nul": (2, "'setup' holds a control character U+0000 (NUL)"),
    "weight-delete": (2, "'weight' holds a control character U+007F (delete)"),
    "name-zero-width": (2, "'name' shows nothing"),
    "exercise-name-filler": (2, "'name' shows nothing"),
    "side-label-invisible": (2, "'sides' shows nothing"),
    "escape-raw": (2, "character U+001B is not allowed in a YAML file"),
    "cue-too-long": (2, "a cue must be at most 4,000 characters, got 4,199"),
    "voice-id-huge": (2, "'id' must be at most 200 characters, got 5000"),
    "nul-raw": (2, "character U+0000 is not allowed in a YAML file"),
    "library-etc-shadow": (2, "'/etc/shadow' is not an exercise library"),
    "library-etc-passwd": (2, "'/etc/passwd' is not an exercise library"),
    "library-dev-zero": (2, "cannot read library file '/dev/zero': it is a device"),
    "library-folder": (2, "cannot read library file '/': it is a folder"),
    "library-fifo": (2, "cannot read library file 'fifo': it is a FIFO"),
    "library-missing": (2, "library file 'nowhere.yaml' not found"),
    "number-nan": (2, "'rest' must be a number of seconds from 0 to 600, got .nan"),
    "number-inf": (2, "'hold' must be a number of seconds from 1 to 3600, got .inf"),
    "number-negative-inf": (2, "'rest_after' must be a number of seconds from 0 to 900"),
    "number-huge-float": (2, "'rest' must be a number of seconds from 0 to 600"),
    "time-minutes-seconds": (2, "'rest' is written 1:30, which reads as minutes and seconds"),
    "yaml-indent-three": (2, "this key is not lined up with the keys above it"),
    "yaml-indent-list": (2, "the indentation does not line up"),
    "yaml-tab": (2, "a tab character; YAML indents with spaces only"),
    "yaml-unquoted-colon": (2, "a colon followed by a space inside a text"),
    "yaml-missing-space": (2, "put a space after the colon of 'reps:'"),
    "yaml-missing-space-top": (2, "put a space after the colon of 'name:'"),
    "yaml-unclosed-double-quote": (2, 'the text opened with " here is never closed'),
    "yaml-unclosed-single-quote": (2, "the text opened with ' here is never closed"),
    "yaml-unclosed-bracket": (2, "the list opened with '[' here is not closed"),
    "yaml-unclosed-brace": (2, "the mapping opened with '{' here is not closed"),
    "multiple-documents": (2, "a second YAML document"),
    "document-end-then-more": (2, "a second YAML document"),
    "bom-utf8": (0, "ok"),
    "bom-utf16": (2, "file is not UTF-8"),
    "not-utf8": (2, "file is not UTF-8 (byte 0xe9 here)"),
    "line-endings-crlf": (0, "ok"),
    "line-endings-cr": (0, "ok"),
    "line-endings-mixed": (0, "ok"),
    "tag-python-object": (2, "tag '!!python/object/apply:os.system' is not supported"),
    "tag-custom": (2, "tag '!seconds' is not supported"),
    "tag-binary": (2, "tag '!!binary' is not supported"),
    "empty": (2, "file is empty"),
    "only-comments": (2, "file is empty"),
    "top-level-list": (2, "this is not a routine, an exercise library or a program"),
    "top-level-text": (2, "this is not a routine, an exercise library or a program"),
    "alias-bomb": (2, "alias expansion too large"),
    "merge-key-bomb": (2, "alias expansion too large"),
    "deep-nesting-block": (2, "lists and mappings nest more than 50 levels deep"),
    "session-too-long": (2, "the session passes 12 hours here"),
    "session-too-many-sets": (2, "the session passes 200 sets here"),
    "circuit-with-sets": (2, "'sets' cannot be set in a circuit; a circuit repeats with 'rounds'"),
    "deep-nesting-flow": (2, "lists and mappings nest more than 50 levels deep"),
    "list-350k-items": (2, "a list of more than 1,000 items"),
    "aliases-200k": (2, "a list of more than 1,000 items"),
    "problems-30k": (2, "a list of more than 1,000 items"),
    "values-20k": (2, "the file holds more than 20,000 values"),
    "keys-65k": (2, "a mapping of more than 1,000 keys"),
    "duplicate-keys-65k": (2, "a mapping of more than 1,000 keys"),
    "use-huge-id": (2, "unknown exercise 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... (300,000 "),
    "key-huge": (2, "a key here has no ':' after it"),
    "number-huge": (2, '"9999999999999999999999999999999999999... (900,000 characters)"'),
    "comment-one-mib": (0, "ok"),
    "text-one-mib": (0, "ok"),
    "over-one-mib": (2, "file is 1,048,640 bytes; routine files are at most 1 MiB"),
    "library-1000": (0, "ok"),
    "library-1001": (2, "a mapping of more than 1,000 keys"),
    "unknown-ids-990": (2, "unknown exercise 'ex-0x' in 'use'; did you mean 'ex-0'?"),
    "library-too-big": (2, "a mapping of more than 1,000 keys"),
}


def write_small_files(folder: Path = HOSTILE) -> None:
    """Write the small corpus files (run when the corpus changes)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in small_files().items():
        path = folder / f"{name}.yaml"
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


if __name__ == "__main__":
    write_small_files(Path(sys.argv[1]) if len(sys.argv) > 1 else HOSTILE)
