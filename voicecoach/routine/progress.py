"""The ``progress`` key of an exercise: how its target changes from one session to the next.

Parsing and checking only; the decisions, made from the history, are in
:mod:`voicecoach.history.progression`. Forms (ROUTINE_FORMAT.md, version 2, "Progression"):

- ``double 2.5 kg``  or ``{rule: double, step: 2.5 kg}``
- ``linear 2.5 kg``  or ``{rule: linear, step: 2.5 kg, deload: 10%, after: 3}``
- ``reps 1``         or ``{rule: reps, step: 1, up_to: 20}``
- ``time 5``         or ``{rule: time, step: 5, up_to: 120}``

Weights are exact decimals in the unit written (kg or lb); nothing is ever converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

DEFAULT_DELOAD: Final = Decimal("0.10")
DEFAULT_AFTER: Final = 3
DEFAULT_UP_TO: Final = {"reps": 20, "time": 120}
AFTER_RANGE: Final = (1, 10)
DELOAD_RANGE: Final = (1, 50)  # percent
UP_TO_RANGE: Final = {"reps": (1, 100), "time": (1, 3600)}
STEP_RANGE: Final = {"reps": (1, 10), "time": (1, 60)}
UNITS: Final = ("kg", "lb")
#: The keys of the mapping form.
PROGRESS_KEYS: Final = ("rule", "step", "deload", "after", "up_to")

_LOAD: Final = re.compile(r"(?P<amount>\d{1,4}(?:[.,]\d{1,3})?)\s*(?P<unit>kg|kgs|lb|lbs)", re.I)
_TEXT_FORM: Final = re.compile(r"(?P<rule>[a-z]+)\s+(?P<step>.+)", re.I)


class RuleKind(StrEnum):
    """The four progression rules."""

    DOUBLE = "double"
    LINEAR = "linear"
    REPS = "reps"
    TIME = "time"

    @property
    def by_weight(self) -> bool:
        """Whether the rule moves a weight (double, linear) rather than reps or seconds."""
        return self in (RuleKind.DOUBLE, RuleKind.LINEAR)


def number_text(value: Decimal) -> str:
    """A decimal as written: ``42.5``, ``40``, never ``4E+1``."""
    text = format(value.normalize(), "f")
    return text


@dataclass(frozen=True, order=True)
class Load:
    """A weight in its unit, as written: ``Load(Decimal("42.5"), "kg")`` is "42.5 kg"."""

    amount: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{number_text(self.amount)} {self.unit}"


def parse_load(text: str | None) -> Load | None:
    """The load a weight text names ("40 kg", "22,5 kg", "95 lbs"); None for "moderate"."""
    if text is None:
        return None
    found = _LOAD.fullmatch(" ".join(text.split()))
    if found is None:
        return None
    try:
        amount = Decimal(found["amount"].replace(",", "."))
    except InvalidOperation:
        return None
    unit = "lb" if found["unit"].lower().startswith("lb") else "kg"
    return Load(amount, unit)


@dataclass(frozen=True)
class Rule:
    """A checked progression rule. `step` is in the load's unit for double and linear, reps for
    reps, seconds for time; `unit` is None for the last two."""

    kind: RuleKind
    step: Decimal
    unit: str | None = None
    deload: Decimal = DEFAULT_DELOAD
    after: int = DEFAULT_AFTER
    up_to: int | None = None

    def __str__(self) -> str:
        if self.kind.by_weight:
            text = f"{self.kind} {number_text(self.step)} {self.unit}"
            if self.kind is RuleKind.LINEAR and (
                self.deload != DEFAULT_DELOAD or self.after != DEFAULT_AFTER
            ):
                text += f", deload {number_text(self.deload * 100)}% after {self.after}"
            return text
        text = f"{self.kind} {number_text(self.step)}"
        return text + (f" up to {self.up_to}" if self.up_to is not None else "")


_EXAMPLES: Final = '"double 2.5 kg", "linear 2.5 kg", "reps 1" or "time 5"'


def rule_from_text(text: str) -> Rule | str:
    """The rule a text form names, or a message saying what is wrong with it."""
    found = _TEXT_FORM.fullmatch(" ".join(text.split()))
    if found is None:
        return f"'progress' must look like {_EXAMPLES}, got {text!r}"
    return rule_from_parts(found["rule"].lower(), found["step"])


def _weight_rule(
    kind: RuleKind, step_text: str, deload: str | None, after: int | None, up_to: int | None
) -> Rule | str:
    load = parse_load(step_text)
    if load is None or load.amount <= 0:
        return f"the step of '{kind}' must be a weight like \"2.5 kg\", got {step_text!r}"
    if up_to is not None:
        return f"'up_to' belongs to the 'reps' and 'time' rules, not to '{kind}'"
    if kind is RuleKind.DOUBLE and (deload is not None or after is not None):
        return "'deload' and 'after' belong to the 'linear' rule, not to 'double'"
    fraction = DEFAULT_DELOAD
    if deload is not None:
        percent = re.fullmatch(r"\s*(\d{1,2}(?:\.\d)?)\s*%\s*", deload)
        low, high = DELOAD_RANGE
        if percent is None or not low <= Decimal(percent[1]) <= high:
            return f"'deload' must be a percentage from {low}% to {high}%, got {deload!r}"
        fraction = Decimal(percent[1]) / 100
    low, high = AFTER_RANGE
    if after is not None and not low <= after <= high:
        return f"'after' must be a whole number from {low} to {high}, got {after}"
    return Rule(kind, load.amount, load.unit, fraction, after or DEFAULT_AFTER)


def rule_from_parts(
    kind_text: str,
    step_text: str,
    *,
    deload: str | None = None,
    after: int | None = None,
    up_to: int | None = None,
) -> Rule | str:
    """A rule from its parts as written; a message instead when one is wrong."""
    try:
        kind = RuleKind(kind_text)
    except ValueError:
        return f"unknown progression rule {kind_text!r}; expected one of {', '.join(RuleKind)}"
    if kind.by_weight:
        return _weight_rule(kind, step_text, deload, after, up_to)
    if deload is not None or after is not None:
        return f"'deload' and 'after' belong to the 'linear' rule, not to '{kind}'"
    low, high = STEP_RANGE[kind.value]
    what = "reps" if kind is RuleKind.REPS else "seconds"
    text = step_text.strip()
    if not re.fullmatch(r"\d{1,4}", text) or not low <= int(text) <= high:
        return f"the step of '{kind}' must be {low} to {high} {what}, got {step_text!r}"
    low, high = UP_TO_RANGE[kind.value]
    if up_to is not None and not low <= up_to <= high:
        return f"'up_to' must be a whole number of {what} from {low} to {high}, got {up_to}"
    return Rule(kind, Decimal(int(text)), None, up_to=up_to or DEFAULT_UP_TO[kind.value])


class Change(StrEnum):
    """How today's target differs from last time's."""

    #: No history of the exercise yet: the routine's own target.
    FIRST = "first"
    STAY = "stay"
    UP = "up"
    DELOAD = "deload"
    #: At ``up_to`` already: it stays there.
    TOP = "top"


@dataclass(frozen=True)
class Advice:
    """Today's target of an exercise under its rule, and why: what the announcement speaks and
    ``show`` and the dry run print (:meth:`voicecoach.timeline.language.Language.explain`)."""

    rule: Rule
    change: Change
    #: Reps (or seconds held) of each work set done last time, in order.
    last_done: tuple[int, ...] = ()
    #: The working weight of last time.
    last_weight: Load | None = None
    #: Today's weight; reps aimed at on every work set; seconds to hold.
    weight: Load | None = None
    reps: int | None = None
    hold_s: int | None = None
    #: Sessions in a row that fell short (linear), the last one included.
    misses: int = 0


def progress_problem(
    rule: Rule, work: str, reps: tuple[int, int] | None, weight: str | None
) -> str | None:
    """What keeps `rule` from applying to an exercise with this work ("reps", "hold",
    "duration"), reps (low, high) and weight; None when it applies."""
    kind = rule.kind
    if kind is RuleKind.TIME:
        if work == "hold":
            return None
        return f"'progress: {kind}' lengthens a 'hold'; this exercise sets '{work}'"
    if work != "reps":
        return f"'progress: {kind}' needs 'reps'; this exercise sets '{work}'"
    if kind is RuleKind.REPS:
        return None
    if kind is RuleKind.DOUBLE and (reps is None or reps[0] == reps[1]):
        return (
            "'progress: double' needs a reps range like [8, 10]: the weight goes up once "
            "every set reaches the top"
        )
    load = parse_load(weight)
    if load is None:
        shown = "none" if weight is None else repr(weight)
        return (
            f"'progress: {kind}' needs a 'weight' in {rule.unit}, like \"40 {rule.unit}\"; "
            f"this exercise's weight is {shown}"
        )
    if load.unit != rule.unit:
        return (
            f"'progress: {kind}' steps in {rule.unit} but the weight is in {load.unit} "
            f"({weight}); write both in the same unit"
        )
    return None
