"""Reading YAML with libyaml gives exactly what the pure-Python reader gives.

:func:`voicecoach.routine.yamlsource.parse_yaml` reads with libyaml's parser when PyYAML has it
and falls back to the pure-Python reader on any problem. The value tree carries every value's
place, and later messages point there, so both readers must agree on values *and* places.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hostile_corpus import big_files, small_files
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecoach.errors import Problem
from voicecoach.routine import yamlsource
from voicecoach.routine.yamlsource import Map, Node, Seq, parse_yaml

Parsed = tuple[Node | None, tuple[Problem, ...]]
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    yamlsource._FastLoader is None, reason="PyYAML built without libyaml"
)


def both_readers(text: str) -> tuple[Parsed, Parsed]:
    fast = parse_yaml(text, filename="t.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlsource, "_FastLoader", None)
        pure = parse_yaml(text, filename="t.yaml")
    return fast, pure


def same(fast: Parsed, pure: Parsed) -> bool:
    """Equal trees and problems, a NaN equal to a NaN (which == says it is not)."""
    return fast == pure or repr(fast) == repr(pure)


def repository_yaml() -> list[Path]:
    files = [*ROOT.glob("routines/**/*.yaml"), *ROOT.glob("tests/data/**/*.yaml")]
    return sorted(p for p in files if p.is_file())


@pytest.mark.parametrize("path", repository_yaml(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_in_the_repository_reads_the_same(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
    fast, pure = both_readers(text)
    assert same(fast, pure)


def test_the_hostile_corpus_reads_the_same() -> None:
    corpus = {**small_files(), **big_files()}
    for name, content in corpus.items():
        text = content if isinstance(content, str) else content.decode("utf-8", errors="replace")
        fast, pure = both_readers(text)
        assert same(fast, pure), name


def test_places_after_wide_characters_are_the_same() -> None:
    # Columns count characters, not bytes: umlauts, accents and emoji before a value.
    text = (
        "name: Rücken 💪 zu Hause\n"
        "exercises:\n"
        '  - {name: "Übung 😀", reps: 5, cues: {setup: [ "é", x ]}}\n'
        "  - name: 😀😀 a\n"
        "    hold: 30\r\n"
    )
    fast, pure = both_readers(text)
    assert same(fast, pure)
    tree, problems = fast
    assert problems == ()
    assert isinstance(tree, Map)
    exercises = tree.get("exercises")
    assert isinstance(exercises, Seq)
    first = exercises.items[0]
    assert isinstance(first, Map)
    cues = first.get("cues")
    assert isinstance(cues, Map)
    setup = cues.get("setup")
    assert isinstance(setup, Seq)
    assert (setup.items[1].pos.line, setup.items[1].pos.column) == (3, 53)


def test_a_problem_is_told_by_the_pure_python_reader() -> None:
    # libyaml's own wording differs; the file is read again so the message is the usual one.
    text = "name: A\nexercises:\n  - name: Row\n     reps: 5\n"
    fast, pure = both_readers(text)
    assert same(fast, pure)
    _, problems = fast
    assert problems, "a bad indentation must be a problem"


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_leaf = st.one_of(_text, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
_values = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(value=_values, flow=st.sampled_from([None, True, False]), width=st.integers(20, 120))
def test_any_dumped_document_reads_the_same(value: object, flow: bool | None, width: int) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True, width=width)
    fast, pure = both_readers(text)
    assert same(fast, pure)
