"""What the announcement says of progression: what was done last time and today's target.

One table of sentences per language (`_PROGRESS`); :meth:`Language.progress` speaks it.
:func:`explain` writes the same in one line for `show`, the dry run and `program`, from the
language's :class:`HistoryWords`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voicecoach.routine.progress import Advice, Change, Load, RuleKind, number_text

if TYPE_CHECKING:
    from voicecoach.timeline.language.base import Language

_UNIT_WORDS = {
    "en": {"kg": ("kilo", "kilos"), "lb": ("pound", "pounds")},
    "de": {"kg": ("Kilo", "Kilo"), "lb": ("Pfund", "Pfund")},
    "fr": {"kg": ("kilo", "kilos"), "lb": ("livre", "livres")},
}
_PROGRESS = {
    "en": {
        "and": "and",
        "last": "Last time {done}{at}.",
        "at": " at {weight}",
        "seconds": "{done} seconds",
        "stay": "Today {weight} again: aim for {reps} on every set.",
        "up": "Today {weight}: aim for {reps} on every set.",
        "deload": "{misses} sessions short in a row. Today {weight}, to build back up: "
        "aim for {reps} on every set.",
        "reps_up": "Today {reps} on every set.",
        "reps_stay": "Today {reps} again on every set.",
        "hold_up": "Today hold {seconds} seconds.",
        "hold_stay": "Today {seconds} seconds again.",
        "top": "That is the top: keep it there.",
    },
    "de": {
        "and": "und",
        "last": "Letztes Mal {done}{at}.",
        "at": " mit {weight}",
        "seconds": "{done} Sekunden",
        "stay": "Heute wieder {weight}: Ziel {reps} in jedem Satz.",
        "up": "Heute {weight}: Ziel {reps} in jedem Satz.",
        "deload": "{misses} Mal in Folge zu wenig. Heute {weight}, um wieder aufzubauen: "
        "Ziel {reps} in jedem Satz.",
        "reps_up": "Heute {reps} in jedem Satz.",
        "reps_stay": "Heute wieder {reps} in jedem Satz.",
        "hold_up": "Heute {seconds} Sekunden halten.",
        "hold_stay": "Heute wieder {seconds} Sekunden.",
        "top": "Das ist das Ziel: dabei bleiben.",
    },
    "fr": {
        "and": "et",
        "last": "La dernière fois {done}{at}.",
        "at": " à {weight}",
        "seconds": "{done} secondes",
        "stay": "Aujourd'hui encore {weight} : visez {reps} à chaque série.",
        "up": "Aujourd'hui {weight} : visez {reps} à chaque série.",
        "deload": "{misses} séances de suite en dessous. Aujourd'hui {weight}, pour repartir : "
        "visez {reps} à chaque série.",
        "reps_up": "Aujourd'hui {reps} à chaque série.",
        "reps_stay": "Aujourd'hui encore {reps} à chaque série.",
        "hold_up": "Aujourd'hui tenez {seconds} secondes.",
        "hold_stay": "Aujourd'hui encore {seconds} secondes.",
        "top": "C'est le maximum : gardez-le.",
    },
}


def spoken_weight(load: Load, language: str) -> str:
    """A load as spoken: "42.5 kilos", "42,5 Kilo", "100 pounds"."""
    one, many = _UNIT_WORDS.get(language, _UNIT_WORDS["en"])[load.unit]
    amount = number_text(load.amount)
    if language != "en":
        amount = amount.replace(".", ",")
    return f"{amount} {one if load.amount == 1 else many}"


def progress_phrase(advice: Advice, language: str) -> str | None:
    """What the announcement says of today's target; None when there is no history yet."""
    if advice.change is Change.FIRST or not advice.last_done:
        return None
    lang = language if language in _PROGRESS else "en"
    t = _PROGRESS[lang]
    numbers = [str(n) for n in advice.last_done]
    done = numbers[0]
    if len(numbers) > 1:
        done = ", ".join(numbers[:-1]) + f" {t['and']} {numbers[-1]}"
    kind = advice.rule.kind
    if kind is RuleKind.TIME:
        done = t["seconds"].format(done=done)
    at = ""
    if kind.by_weight and advice.last_weight is not None:
        at = t["at"].format(weight=spoken_weight(advice.last_weight, lang))
    parts = [t["last"].format(done=done, at=at)]
    up = advice.change is Change.UP
    if kind.by_weight:
        assert advice.weight is not None
        key = "up" if up else "deload" if advice.change is Change.DELOAD else "stay"
        weight = spoken_weight(advice.weight, lang)
        parts.append(t[key].format(weight=weight, reps=advice.reps, misses=advice.misses))
    elif kind is RuleKind.REPS:
        parts.append(t["reps_up" if up else "reps_stay"].format(reps=advice.reps))
    else:
        parts.append(t["hold_up" if up else "hold_stay"].format(seconds=advice.hold_s))
    if advice.change is Change.TOP:
        parts.append(t["top"])
    return " ".join(parts)


def explain(advice: Advice, language: Language) -> str:
    """One line: "last time 10/10/9 at 40 kg: stay at 40 kg, aim for 10", in `language`."""
    w = language.history
    if advice.change is Change.FIRST:
        return w.why_first
    head = w.why_last.format(done="/".join(str(n) for n in advice.last_done))
    if advice.rule.kind is RuleKind.TIME:
        head += " s"
    if advice.last_weight is not None:
        head = w.why_at.format(head=head, weight=language.written_weight(str(advice.last_weight)))
    if advice.rule.kind.by_weight:
        aim = w.why_aim.format(reps=advice.reps) if advice.reps is not None else ""
        target = language.written_weight(str(advice.weight))
        if advice.change is Change.UP:
            return w.why_up.format(head=head, target=target, aim=aim)
        if advice.change is Change.DELOAD:
            return w.why_deload.format(head=head, misses=advice.misses, target=target, aim=aim)
        return w.why_stay.format(head=head, target=target, aim=aim)
    if advice.rule.kind is RuleKind.REPS:
        what = w.why_reps.format(reps=advice.reps)
    else:
        what = w.why_hold.format(s=advice.hold_s)
    if advice.change is Change.UP:
        return w.why_up.format(head=head, target=what, aim="")
    if advice.change is Change.TOP:
        return w.why_top.format(head=head, target=what)
    return w.why_stay.format(head=head, target=what, aim="")
