"""Version 2 keys of the routine format: per-set targets, RPE and RIR, AMRAP, circuit styles.

Every rule gets its located message (FILE:LINE:COLUMN), and valid files get the model they mean.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from voicecoach.cli import cli
from voicecoach.errors import RoutineError
from voicecoach.routine.loader import load_routine_text
from voicecoach.routine.model import Circuit, CircuitStyle, Exercise, Reps
from voicecoach.routine.schema import routine_schema
from voicecoach.timeline.compiler import compile_routine
from voicecoach.timeline.durations import EstimatedDurations


def load(text: str) -> list[Exercise | Circuit]:
    routine = load_routine_text(textwrap.dedent(text), filename="routine.yaml")
    return list(routine.exercises)


def problems(text: str) -> list[str]:
    with pytest.raises(RoutineError) as info:
        load_routine_text(textwrap.dedent(text), filename="routine.yaml")
    return [str(p) for p in info.value.problems]


def one_exercise(body: str) -> str:
    """A routine whose only exercise has the given keys (written at column 5)."""
    lines = textwrap.dedent(body).strip("\n").splitlines()
    item = "\n".join(("  - " if i == 0 else "    ") + line for i, line in enumerate(lines))
    return f"name: Test\nexercises:\n{item}\n"


def one_circuit(body: str, exercises: str = "- {name: Burpees, reps: 5}") -> str:
    """A routine whose only item is a circuit with the given keys (column 5)."""
    lines = textwrap.dedent(body).strip("\n").splitlines()
    lines.append("exercises:")
    lines += ["  " + line for line in textwrap.dedent(exercises).strip("\n").splitlines()]
    item = "\n".join(("  - " if i == 0 else "    ") + line for i, line in enumerate(lines))
    return f"name: Test\nexercises:\n{item}\n"


# --- what valid files mean ----------------------------------------------------------------------


def test_set_list_fills_each_set_from_the_exercise() -> None:
    """The contract's example: two warm-up sets, then three work sets, the last at RPE 9."""
    (deadlift,) = load(
        """
        name: Test
        exercises:
          - name: Deadlift
            weight: 100 kg
            reps: 5
            rest: 120
            rest_after: 90
            sets:
              - {weight: 60 kg, warmup: true}
              - {weight: 80 kg, reps: 3, warmup: true, rest: 60}
              - {}
              - {}
              - {rpe: 9}
        """
    )
    assert isinstance(deadlift, Exercise)
    targets = deadlift.targets()
    assert deadlift.sets == 5
    assert [t.weight for t in targets] == ["60 kg", "80 kg", "100 kg", "100 kg", "100 kg"]
    assert [t.reps for t in targets] == [Reps(5, 5), Reps(3, 3), Reps(5, 5), Reps(5, 5), Reps(5, 5)]
    assert [t.warmup for t in targets] == [True, True, False, False, False]
    assert [t.rest_ms for t in targets] == [120_000, 60_000, 120_000, 120_000, 90_000]
    assert [t.rpe for t in targets] == [None, None, None, None, 9.0]
    assert deadlift.work_sets == 3


def test_effort_of_the_exercise_is_for_its_work_sets() -> None:
    (ex,) = load(
        one_exercise(
            """
            name: Squat
            reps: 5
            weight: 80 kg
            rpe: 8.5
            rir: 2
            sets: [{warmup: true, weight: 40 kg}, {}, {rir: 1}]
            """
        )
    )
    assert isinstance(ex, Exercise)
    assert [(t.rpe, t.rir) for t in ex.targets()] == [(None, None), (8.5, 2), (8.5, 1)]


def test_a_lighter_set_after_a_short_rest_is_a_drop_set() -> None:
    (ex,) = load(
        one_exercise(
            """
            name: Curl
            reps: 10
            sets:
              - {weight: 20 kg, rest: 0}
              - {weight: 15 kg, rest: 10}
              - {weight: 10 kg, rest: 60}
              - {weight: 8 kg}
            """
        )
    )
    assert isinstance(ex, Exercise)
    assert [t.drop for t in ex.targets()] == [False, True, True, False]


def test_same_weight_after_a_short_rest_is_not_a_drop() -> None:
    (ex,) = load(
        one_exercise(
            """
            name: Curl
            reps: 10
            weight: 20 kg
            sets: [{rest: 15}, {rest: 15}, {}]
            """
        )
    )
    assert isinstance(ex, Exercise)
    assert not any(t.drop for t in ex.targets())


def test_reps_max_is_an_amrap_set_with_or_without_a_time() -> None:
    open_ended, timed = load(
        """
        name: Test
        exercises:
          - {name: Push-ups, reps: max}
          - {name: Squats, reps: max, duration: 60}
        """
    )
    assert isinstance(open_ended, Exercise)
    assert isinstance(timed, Exercise)
    assert open_ended.amrap
    assert open_ended.reps is None
    assert open_ended.seconds_ms is None
    assert timed.amrap
    assert timed.seconds_ms == 60_000
    assert timed.targets()[0].amrap


def test_circuit_styles() -> None:
    tabata, emom, amrap = load(
        """
        name: Test
        exercises:
          - circuit: Tabata
            style: intervals
            rounds: 8
            rest: 10
            exercises: [{name: Climbers, duration: 20}]
          - circuit: Minute
            every: 60
            rounds: 5
            exercises: [{name: Burpees, reps: 10}]
          - circuit: Cindy
            amrap: 600
            exercises: [{name: Pull-up, reps: 5}, {name: Push-up, reps: 10}]
        """
    )
    assert isinstance(tabata, Circuit)
    assert isinstance(emom, Circuit)
    assert isinstance(amrap, Circuit)
    assert tabata.style is CircuitStyle.INTERVALS
    # In an intervals circuit the rest between rounds is the rest between exercises by default.
    assert (tabata.rest_ms, tabata.rest_between_rounds_ms) == (10_000, 10_000)
    assert emom.style is CircuitStyle.EMOM
    assert emom.every_ms == 60_000
    assert amrap.style is CircuitStyle.AMRAP
    assert amrap.amrap_ms == 600_000
    assert amrap.rounds == 1


def test_style_standard_is_version_1() -> None:
    (circuit,) = load(one_circuit("circuit: C\nstyle: standard\nrounds: 2"))
    assert isinstance(circuit, Circuit)
    assert circuit.style is CircuitStyle.STANDARD


# --- one located message per rule ----------------------------------------------------------------

CASES = [
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{reps: 5}, 3]"),
        [
            "routine.yaml:5:23: each set in 'sets' must be a mapping like {reps: 5, weight: "
            "60 kg} (or {} for the exercise's own target), got 3",
        ],
        id="set-not-a-mapping",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [" + ", ".join(["{}"] * 21) + "]"),
        [
            "routine.yaml:5:11: 'sets' as a list must hold 1 to 20 sets, got 21",
        ],
        id="set-list-too-long",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: []"),
        [
            "routine.yaml:5:11: 'sets' as a list must hold 1 to 20 sets, got 0",
        ],
        id="set-list-empty",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{wieght: 60 kg}]"),
        [
            "routine.yaml:5:13: unknown key 'wieght' in a set; did you mean 'weight'?",
        ],
        id="set-key-misspelt",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{tempo: 2-0-2-0}]"),
        [
            "routine.yaml:5:13: 'tempo' cannot be set in a set; it is the same for every "
            "set: put it on the exercise",
        ],
        id="set-key-of-the-exercise",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{hold: 30}]"),
        [
            "routine.yaml:5:13: this set gives 'hold' but its exercise does 'reps'; a set's "
            "target is of its exercise's kind",
        ],
        id="set-of-another-kind",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{reps: 5, hold: 3}]"),
        [
            "routine.yaml:5:22: a set gives at most one of 'reps', 'hold' or 'duration'; "
            "this one sets 'reps' and 'hold'",
        ],
        id="set-two-targets",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{reps: 0}]"),
        [
            "routine.yaml:5:19: 'reps' must be a whole number from 1 to 100, a range like "
            "[8, 10] or 'max', got 0",
        ],
        id="set-reps-zero",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{rest: 700}]"),
        [
            "routine.yaml:5:19: 'rest' must be a number of seconds from 0 to 600, got 700",
        ],
        id="set-rest-too-long",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{weight: 60}]"),
        [
            'routine.yaml:5:21: \'weight\' needs a unit, like "20 kg" or "45 lb", got 60',
        ],
        id="set-weight-without-unit",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{warmup: yes please}]"),
        [
            "routine.yaml:5:21: 'warmup' must be true or false, got \"yes please\"",
        ],
        id="set-warmup-not-boolean",
    ),
    pytest.param(
        "name: Test\ndefaults: {sets: [{}, {}]}\nexercises: [{name: Row, reps: 5}]\n",
        [
            "routine.yaml:2:18: 'sets' in 'defaults' must be a whole number from 1 to 20; a "
            "list of sets belongs on an exercise",
        ],
        id="set-list-in-defaults",
    ),
    pytest.param(
        one_circuit("circuit: C\nrounds: 2", "- {name: Row, reps: 5, sets: [{}, {}]}"),
        [
            "routine.yaml:6:36: inside a circuit 'sets' must be 1 or absent, got a list of "
            "sets; the circuit's 'rounds' repeat it",
        ],
        id="set-list-in-circuit",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nrpe: 11"),
        [
            "routine.yaml:5:10: 'rpe' must be a number from 5 to 10 in halves, like 8 or "
            "8.5, got 11",
        ],
        id="rpe-too-high",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nrpe: 8.3"),
        [
            "routine.yaml:5:10: 'rpe' must be a number from 5 to 10 in halves, like 8 or "
            "8.5, got 8.3",
        ],
        id="rpe-not-in-halves",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{rpe: hard}]"),
        [
            "routine.yaml:5:18: 'rpe' must be a number from 5 to 10 in halves, like 8 or "
            '8.5, got "hard"',
        ],
        id="set-rpe-text",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nrir: 6"),
        [
            "routine.yaml:5:10: 'rir' must be a whole number from 0 to 5, got 6",
        ],
        id="rir-too-high",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nsets: [{rir: 1.5}]"),
        [
            "routine.yaml:5:18: 'rir' must be a whole number from 0 to 5, got 1.5",
        ],
        id="set-rir-not-whole",
    ),
    pytest.param(
        one_exercise("name: Row\nrpr: 8\nreps: 5"),
        [
            "routine.yaml:4:5: unknown key 'rpr' in an exercise; did you mean 'rpe'?",
        ],
        id="rpe-misspelt",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: maximum"),
        [
            "routine.yaml:4:11: 'reps' must be a whole number from 1 to 100, a range like "
            "[8, 10] or 'max', got \"maximum\"",
        ],
        id="reps-max-misspelt",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nduration: 60"),
        [
            "routine.yaml:5:5: an exercise needs exactly one of 'reps', 'hold' or "
            "'duration'; this one sets 'reps' and 'duration' ('duration' goes with 'reps: "
            "max' only)",
        ],
        id="duration-with-counted-reps",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: max\nhold: 60"),
        [
            "routine.yaml:5:5: an exercise needs exactly one of 'reps', 'hold' or "
            "'duration'; this one sets 'reps' and 'hold'",
        ],
        id="reps-max-with-hold",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: max\nduration: 0"),
        [
            "routine.yaml:5:15: 'duration' must be a number of seconds from 1 to 3600, got 0",
        ],
        id="amrap-duration-out-of-range",
    ),
    pytest.param(
        one_circuit("circuit: C\nrounds: 2\nstyle: interval"),
        [
            "routine.yaml:5:12: 'style' must be one of standard, intervals, got \"interval\"; "
            "did you mean 'intervals'?",
        ],
        id="style-unknown",
    ),
    pytest.param(
        one_circuit("circuit: C\nrounds: 2\nevry: 60"),
        [
            "routine.yaml:5:5: unknown key 'evry' in a circuit; did you mean 'every'?",
        ],
        id="every-misspelt",
    ),
    pytest.param(
        one_exercise("name: Row\nreps: 5\nevery: 60"),
        [
            "routine.yaml:5:5: 'every' cannot be set in an exercise; it belongs to a "
            "circuit, an item with a 'circuit' name",
        ],
        id="every-on-an-exercise",
    ),
    pytest.param(
        one_circuit("circuit: C\nrounds: 2\nevery: 5"),
        [
            "routine.yaml:5:12: 'every' must be a number of seconds from 10 to 600, got 5",
        ],
        id="every-too-short",
    ),
    pytest.param(
        one_circuit("circuit: C\namrap: 30"),
        [
            "routine.yaml:4:12: 'amrap' must be a number of seconds from 60 to 3600, got 30",
        ],
        id="amrap-too-short",
    ),
    pytest.param(
        one_circuit("circuit: C\namrap: 600\nrounds: 3"),
        [
            "routine.yaml:5:5: an 'amrap' circuit has no 'rounds': it goes on for as many "
            "rounds as fit in its time",
        ],
        id="amrap-with-rounds",
    ),
    pytest.param(
        one_circuit("circuit: C\namrap: 600\nrest: 10"),
        [
            "routine.yaml:5:5: an 'amrap' circuit has no 'rest': the person rests when they "
            "need to, within the time",
        ],
        id="amrap-with-rest",
    ),
    pytest.param(
        one_circuit("circuit: C\nrounds: 3\nevery: 60\nrest_between_rounds: 30"),
        [
            "routine.yaml:6:5: a circuit with 'every' (EMOM) has no 'rest_between_rounds': each "
            "interval's rest is what its work leaves over",
        ],
        id="every-with-rest",
    ),
    pytest.param(
        one_circuit("circuit: C\nrounds: 3\nevery: 60\nrest: 10"),
        [
            "routine.yaml:6:5: a circuit with 'every' (EMOM) has no 'rest': each interval's "
            "rest is what its work leaves over",
        ],
        id="every-with-rest-key",
    ),
    pytest.param(
        one_circuit("circuit: C\nrounds: 3\nstyle: intervals\nevery: 60"),
        [
            "routine.yaml:6:5: a circuit is one of 'style: intervals', 'every' (EMOM) or "
            "'amrap'; this one sets 'style: intervals' and 'every'",
        ],
        id="intervals-and-every",
    ),
    pytest.param(
        one_circuit("circuit: C\nevery: 60\namrap: 600"),
        [
            "routine.yaml:5:5: a circuit is one of 'style: intervals', 'every' (EMOM) or "
            "'amrap'; this one sets 'every' and 'amrap'",
        ],
        id="every-and-amrap",
    ),
    pytest.param(
        one_circuit("circuit: C\nrounds: 3\nevery: 30", "- {name: Burpees, reps: 7}"),
        [
            "routine.yaml:7:9: 'Burpees' does not fit its EMOM interval of 30 s: 7 reps at "
            "tempo 2-0-2-0 take 28 s, and the 3 s countdown into the next interval needs 31 "
            "s in all; make 'every' at least 31 or ask for less work",
        ],
        id="emom-work-does-not-fit",
    ),
    pytest.param(
        one_circuit("circuit: C\nrounds: 3\nevery: 30", "- {name: Plank, hold: 30}"),
        [
            "routine.yaml:7:9: 'Plank' does not fit its EMOM interval of 30 s: its work "
            "takes 30 s, and the 3 s countdown into the next interval needs 33 s in all; "
            "make 'every' at least 33 or ask for less work",
        ],
        id="emom-hold-does-not-fit",
    ),
    pytest.param(
        one_circuit(
            "circuit: C\nrounds: 3\nstyle: intervals",
            "- {name: Side plank, hold: 20, sides: [left, right]}",
        ),
        [
            "routine.yaml:7:38: an exercise in an intervals circuit cannot have 'sides'; "
            "list each side as an exercise of its own, like 'Side plank, left'",
        ],
        id="sides-in-intervals",
    ),
    pytest.param(
        one_circuit("circuit: C\nrounds: 3\nstyle: intervals", "- {name: Push-ups, reps: max}"),
        [
            "routine.yaml:7:26: 'reps: max' cannot be used in an intervals circuit without "
            "a 'duration' to end it",
        ],
        id="open-amrap-in-intervals",
    ),
    pytest.param(
        one_circuit("circuit: C\namrap: 600", "- {name: Push-ups, reps: max, duration: 30}"),
        [
            "routine.yaml:6:26: 'reps: max' cannot be used in an 'amrap' circuit",
        ],
        id="amrap-set-in-amrap-block",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_version_2_problems(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_a_bad_version_2_file_exits_2_with_located_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(one_exercise("name: Row\nreps: 5\nrpe: 12\nsets: [{wramup: true}]"))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"{path}:5:10: 'rpe' must be a number from 5 to 10 in halves, like 8 or 8.5, got 12",
        f"{path}:6:13: unknown key 'wramup' in a set; did you mean 'warmup'?",
    ]


# --- the user documentation ----------------------------------------------------------------------

DOC = Path(__file__).parent.parent / "docs" / "routine-format.md"


def _documented_patterns() -> list[re.Pattern[str]]:
    section = DOC.read_text(encoding="utf-8").split("## When a file cannot be used", 1)[1]
    section = re.sub(r"```.*?```", "", section, flags=re.DOTALL)
    return [
        re.compile(re.sub(r"\\\{[^}]*\\\}|…", ".+?", re.escape(template)))
        for template in re.findall(r"`([^`\n]+)`", re.sub(r"\n\s+", " ", section))
    ]


@pytest.mark.parametrize(
    "message", sorted({m.split(": ", 1)[1] for case in CASES for m in case.values[1]})
)
def test_version_2_message_is_documented(message: str) -> None:
    assert any(p.fullmatch(message) for p in _documented_patterns()), message


def _structure_examples() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Training structures", 1)[1].split("## Defaults and precedence", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)


@pytest.mark.parametrize("example", _structure_examples())
def test_worked_examples_of_the_structures_load_and_compile(example: str) -> None:
    body = textwrap.indent(example, "  ")
    routine = load_routine_text(f"name: Example\nexercises:\n{body}", filename="example.yaml")
    timeline = compile_routine(routine, EstimatedDurations(170))
    assert timeline.total_ms > 0


def test_every_structure_has_a_worked_example() -> None:
    assert len(_structure_examples()) >= 9


# --- the JSON Schema agrees ----------------------------------------------------------------------

_SCHEMA_CATCHES = {
    "set-not-a-mapping",
    "set-list-too-long",
    "set-list-empty",
    "set-key-misspelt",
    "set-key-of-the-exercise",
    "set-two-targets",
    "set-reps-zero",
    "set-rest-too-long",
    "set-weight-without-unit",
    "set-warmup-not-boolean",
    "set-list-in-defaults",
    "set-list-in-circuit",
    "rpe-too-high",
    "rpe-not-in-halves",
    "set-rpe-text",
    "rir-too-high",
    "set-rir-not-whole",
    "rpe-misspelt",
    "reps-max-misspelt",
    "duration-with-counted-reps",
    "reps-max-with-hold",
    "style-unknown",
    "every-misspelt",
    "every-on-an-exercise",
    "every-too-short",
    "amrap-too-short",
    "amrap-with-rounds",
    "amrap-with-rest",
    "every-with-rest",
    "intervals-and-every",
    "every-and-amrap",
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(routine_schema())


@pytest.mark.parametrize(
    "text", [pytest.param(c.values[0], id=c.id) for c in CASES if c.id in _SCHEMA_CATCHES]
)
def test_schema_rejects_what_the_loader_rejects(
    validator: jsonschema.Draft202012Validator, text: str
) -> None:
    assert not validator.is_valid(yaml.safe_load(text))


@pytest.mark.parametrize("example", _structure_examples())
def test_schema_accepts_the_worked_examples(
    validator: jsonschema.Draft202012Validator, example: str
) -> None:
    document = yaml.safe_load(f"name: Example\nexercises:\n{textwrap.indent(example, '  ')}")
    assert [e.message for e in validator.iter_errors(document)] == []
