"""The routine format's JSON Schema: valid, in step with the loader, and right about real files."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from voicecoach import resources
from voicecoach.errors import RoutineError
from voicecoach.routine.fields import (
    CIRCUIT_KEYS,
    CUE_KINDS,
    DEFAULTS_KEYS,
    EXERCISE_KEYS,
    SECONDS_RANGES,
    TOP_KEYS,
    VOICE_KEYS,
)
from voicecoach.routine.loader import load_routine_text
from voicecoach.routine.model import LANGUAGES
from voicecoach.routine.schema import routine_schema

GOOD = Path(__file__).parent / "data" / "good"
#: The routines among the good fixtures (the rest are library files).
GOOD_ROUTINES = sorted(p for p in GOOD.glob("*.yaml") if "library" not in p.name)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(routine_schema())


def test_schema_is_valid_draft_2020_12() -> None:
    schema = routine_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_each_call_gives_a_fresh_copy() -> None:
    first = routine_schema()
    first["title"] = "changed"
    assert routine_schema()["title"] == "voicecoach routine"


ROUTINE_FILES = [
    *(pytest.param(p, id=f"bundled-{p.stem}") for p in resources.bundled_routines().values()),
    *(pytest.param(p, id=f"fixture-{p.stem}") for p in GOOD_ROUTINES),
]


def test_there_are_routines_to_check() -> None:
    assert len(GOOD_ROUTINES) >= 3


@pytest.mark.parametrize("path", ROUTINE_FILES)
def test_schema_accepts_good_routine(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(document)] == []


BAD = [
    pytest.param("exercises: [{name: X, reps: 5}]", id="missing-name"),
    pytest.param("name: A", id="missing-exercises"),
    pytest.param("name: A\nexercises: []", id="no-exercises"),
    pytest.param("name: A\nauthor: me\nexercises: [{name: X, reps: 5}]", id="unknown-top-key"),
    pytest.param("name: A\nlanguage: it\nexercises: [{name: X, reps: 5}]", id="language"),
    pytest.param("name: A\nvoice: {rate: 50}\nexercises: [{name: X, reps: 5}]", id="rate"),
    pytest.param("name: A\nvoice: {volume: true}\nexercises: [{name: X, reps: 5}]", id="volume"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, rset: 3}]", id="unknown-key"),
    pytest.param("name: A\nexercises: [{reps: 5}]", id="no-name-or-use"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, hold: 3}]", id="reps-and-hold"),
    pytest.param("name: A\nexercises: [{name: X, reps: 101}]", id="reps-range"),
    pytest.param("name: A\nexercises: [{name: X, reps: [8, 10, 12]}]", id="reps-three"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, sets: 25}]", id="sets"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, sets: true}]", id="sets-boolean"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, tempo: fast}]", id="tempo"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, tempo: 21-0-2-0}]", id="tempo-21"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, tempo: 0-0-0-0}]", id="tempo-zero"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, weight: 20}]", id="weight-number"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, weight: '20'}]", id="weight-text"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, sides: [l, l]}]", id="sides-twice"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, rest: 601}]", id="rest"),
    pytest.param("name: A\nexercises: [{name: X, reps: 5, cues: {durring: a}}]", id="cue-kind"),
    pytest.param("name: A\nexercises: [{name: X, hold: 0}]", id="hold-zero"),
    pytest.param(
        "name: A\nexercises: [{circuit: C, rounds: 2, exercises: [{name: X, reps: 5, sets: 3}]}]",
        id="sets-in-circuit",
    ),
    pytest.param(
        "name: A\nexercises: [{circuit: C, rounds: 2, exercises: "
        "[{circuit: D, rounds: 2, exercises: [{name: X, reps: 5}]}]}]",
        id="nested-circuit",
    ),
    pytest.param(
        "name: A\nexercises: [{circuit: C, exercises: [{name: X, reps: 5}]}]", id="no-rounds"
    ),
    pytest.param(
        "name: A\nexercises: [{circuit: C, rounds: 2, reps: 5, exercises: [{name: X, reps: 5}]}]",
        id="exercise-key-on-circuit",
    ),
    pytest.param("name: A\ndefaults: {name: X}\nexercises: [{name: X, reps: 5}]", id="defaults"),
    pytest.param("name: A\ndefaults: {countdown: 11}\nexercises: [{name: X, reps: 5}]", id="cd"),
]


@pytest.mark.parametrize("text", BAD)
def test_schema_and_loader_both_reject(
    validator: jsonschema.Draft202012Validator, text: str
) -> None:
    assert not validator.is_valid(yaml.safe_load(textwrap.dedent(text)))
    with pytest.raises(RoutineError):
        load_routine_text(text, filename="routine.yaml", base_dir=None)


def _object_keys(schema: dict[str, Any], name: str) -> list[str]:
    return list(schema["$defs"][name]["properties"])


def test_schema_keys_match_the_loader() -> None:
    schema = routine_schema()
    assert list(schema["properties"]) == list(TOP_KEYS)
    assert _object_keys(schema, "exercise") == list(EXERCISE_KEYS)
    assert sorted(_object_keys(schema, "defaults")) == sorted(DEFAULTS_KEYS)
    assert _object_keys(schema, "circuit") == list(CIRCUIT_KEYS)
    assert _object_keys(schema, "voice") == list(VOICE_KEYS)
    assert _object_keys(schema, "cues") == list(CUE_KINDS)
    assert schema["properties"]["language"]["enum"] == list(LANGUAGES)


def test_schema_ranges_match_the_loader() -> None:
    schema = routine_schema()
    exercise = schema["$defs"]["exercise"]["properties"]
    circuit = schema["$defs"]["circuit"]["properties"]
    for key, (low, high) in SECONDS_RANGES.items():
        prop = circuit[key] if key == "rest_between_rounds" else exercise[key]
        assert (prop["minimum"], prop["maximum"]) == (low, high), key
