"""Français."""

from __future__ import annotations

from typing import ClassVar

from voicecoach.routine.model import Reps, WorkKind
from voicecoach.timeline.language.base import (
    HistoryWords,
    Language,
    SetCall,
    ShowWords,
    capitalized,
    weight_parts,
    whole_seconds,
)
from voicecoach.timeline.model import Amrap, PhaseKind, SetPlace, Stretch

_ONES = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
]
_TENS = ["_", "_", "vingt", "trente", "quarante", "cinquante", "soixante"]


class French(Language):
    """Les mots en français."""

    code = "fr"
    english_name = "French"
    get_ready = ("En position.", "Préparez-vous.", "Mettez-vous en place.")
    get_ready_soon = "10 secondes, préparez-vous."
    halfway = "À mi-parcours."
    ten_seconds_left = "Plus que dix secondes."
    paused = "En pause."
    resumed = "On reprend."
    rest_label = "Repos"
    switch_label = "Changement de côté"
    done_label = "Séance terminée"
    drop_label = "Série dégressive"
    drop_call = "Allégez la charge. Allez."
    rest_short = "Repos."
    warmup_word = "échauffement"
    show = ShowWords(
        sections={
            "warmup": "Échauffement",
            "exercises": "Exercices",
            "cooldown": "Retour au calme",
        },
        reps="{reps} répétitions",
        tempo="tempo {tempo}",
        hold="tenir {s} s",
        seconds="{s} s",
        sides="côtés : {sides}",
        max_reps="répétitions au maximum",
        max_reps_in="répétitions au maximum en {s} s",
        in_reserve="{rir} en réserve",
        warmup_n="échauffement {n}",
        set_n="série {n}",
        drop=" (dégressive)",
        rest=", repos {s} s",
        round_one="1 tour",
        rounds="{n} tours",
        amrap_block="autant de tours que possible en {time}",
        emom="{rounds}, toutes les {s} s (EMOM)",
        intervals="{rounds}, intervalles, repos {rest} s, {between} s entre les tours",
        sets="{sets} séries",
        after_warmups=" après {n} séries d'échauffement",
        circuit="Circuit {name} : {head}",
        note="note : {text}",
        today="aujourd'hui : {text}",
        total="total {time}{cap}, {sets} séries, langue {language}{estimated}",
        capped=" (séries AMRAP ouvertes comptées à leur plafond de {cap} répétitions)",
        estimated="; durées de parole estimées",
        muscles="Muscles : {muscles}",
        equipment="Matériel : {equipment}",
        not_given="non indiqués",
        no_equipment="aucun",
        stretched="Note : {text}",
    )
    history = HistoryWords(
        decimal=",",
        statuses={
            "completed": "terminée",
            "quit": "arrêtée",
            "interrupted": "interrompue",
            "running": "en cours",
        },
        entered={"typed": "saisie", "counted": "comptée", "logged": "corrigée"},
        reps=("{n} rép.", "{n} rép."),
        sets=("{n} série", "{n} séries"),
        work_sets=("{n} série de travail", "{n} séries de travail"),
        sessions=("{n} séance", "{n} séances"),
        weeks=("{n} semaine", "{n} semaines"),
        seconds="{s} s",
        log_session="Séance {id} : {routine}, {when}, {status}",
        skipped="sautée",
        done="faite",
        planned="prévu {what}",
        warmup="échauffement",
        log_hint='Corriger une série : voicecoach log --set "EXERCICE SÉRIE: RÉP [@ POIDS]"',
        history_header=("N°", "Début", "Routine", "Statut", "Séries", "Sautées", "Durée"),
        no_workouts="Aucune séance enregistrée pour l'instant.",
        no_history="Aucune séance enregistrée pour l'instant : pas d'historique à {path}.",
        none_of_routine="Aucune séance de {routine} enregistrée pour l'instant",
        recorded_of=" ; séances enregistrées : {names}",
        last_weeks=(
            "La dernière semaine : {first} à {last}",
            "Les {n} dernières semaines : {first} à {last}",
        ),
        stats_header=("Semaine", "Séances", "Séries", "Durée"),
        total="Total",
        sets_per_week="Séries par semaine",
        sets_per_muscle="Séries par groupe musculaire",
        no_sets="aucune série ces semaines-là",
        other_muscle="autres",
        streak="Régularité : {weeks} d'affilée avec au moins une séance",
        no_streak="Régularité : rien pour l'instant ; une séance cette semaine la lance",
        exercise_head="{name} : {sets} en {sessions}, du {first} au {last}",
        best_set="Meilleure série : {reps} à {load} le {day}",
        e1rm="Maximum estimé sur une répétition (1RM) : {value}, d'après {reps} à "
        "{load} le {day} ({formula})",
        e1rm_formula="Epley : poids × (1 + rép. / 30)",
        load_chart="Charge par séance (série de travail la plus lourde, {unit})",
        volume_chart="Volume par semaine (poids × rép. des séries de travail, {unit})",
        no_weight="Aucun poids enregistré : répétitions par semaine",
        no_work_sets="Aucune série de travail de {name} enregistrée pour l'instant.",
        per_week=(
            "{n} séance par semaine, à tour de rôle : {turn}",
            "{n} séances par semaine, à tour de rôle : {turn}",
        ),
        last_week=(
            "Semaine dernière ({week}) : {n} séance sur {planned} faite",
            "Semaine dernière ({week}) : {n} séances sur {planned} faites",
        ),
        missed=(", {n} manquée", ", {n} manquées"),
        this_week=(
            "Cette semaine ({week}) : {n} séance sur {planned} faite, {rest}",
            "Cette semaine ({week}) : {n} séances sur {planned} faites, {rest}",
        ),
        due="{n} à faire",
        plan_done="le programme de la semaine est fait",
        weekdays=("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
        next_session="Prochaine séance : {slot}. {name} ({ref})",
        start_with="Pour la lancer : voicecoach next {handle}",
        next_of="{program} : séance {slot} sur {count}, {routine}",
        at_weight="{work} à {weight}",
        warmup_target="échauffement {target}",
        sets_of="{n} x {work}",
        amrap_round="{work} par tour, autant de tours que possible en {time}",
        why_first="pas encore d'historique : comme écrit",
        why_last="la dernière fois {done}",
        why_at="{head} à {weight}",
        why_aim=", objectif {reps}",
        why_up="{head} : on monte à {target}{aim}",
        why_deload="{head}, {misses} séances de suite en dessous : on redescend à {target}{aim}",
        why_stay="{head} : on reste à {target}{aim}",
        why_top="{head} : {target}, le maximum de cette règle",
        why_reps="{reps} rép.",
        why_hold="{s} s",
    )
    phase_names: ClassVar[dict[PhaseKind, str]] = {
        PhaseKind.ANNOUNCE: "annonce",
        PhaseKind.PREPARE: "préparation",
        PhaseKind.WORK: "effort",
        PhaseKind.HOLD: "maintien",
        PhaseKind.REST: "repos",
        PhaseKind.SWITCH: "changement",
        PhaseKind.DONE: "fin",
    }
    section_names: ClassVar[dict[str, str]] = {
        "warmup": "Échauffement.",
        "exercises": "Partie principale.",
        "cooldown": "Retour au calme.",
    }
    panel_session = "séance"
    panel_phase = "phase"
    panel_next = "ensuite"
    panel_said = "dit"
    panel_keys = "touches : espace pause · n suivant · b retour · w charge · q quitter"
    panel_record = "noté"
    panel_record_hint = "(répétitions + Entrée pour changer)"
    note_line = "note : {text}"
    panel_nothing_to_record = "aucune série à noter pour l'instant"
    panel_whole_reps = "les répétitions sont des nombres entiers"
    panel_no_weight_target = "plus aucune série dont changer la charge"
    panel_type_weight = "tapez la charge des séries suivantes, puis Entrée"
    panel_typing_reps = "répétitions : {typed}, Entrée l'enregistre"
    panel_typing_weight = "charge : {typed}, Entrée l'enregistre"
    panel_recorded = "noté : {what}"
    panel_weight_from_now = "{exercise} : {weight} désormais"
    enter_hints: ClassVar[dict[Amrap, str]] = {
        Amrap.OPEN: " · Entrée : série finie (tapez d'abord les répétitions)",
        Amrap.TIMED: " · tapez les répétitions, puis Entrée",
        Amrap.ROUNDS: " · Entrée : tour fini",
    }

    def plural(self, n: int, forms: tuple[str, str], **fields: object) -> str:
        # French counts zero and one alike: "0 série", "1 série", "2 séries".
        return forms[0 if n <= 1 else 1].format(n=n, **fields)

    def number(self, n: int) -> str:
        if 0 <= n < 20:
            return _ONES[n]
        if 20 <= n < 70:
            tens, ones = divmod(n, 10)
            if not ones:
                return _TENS[tens]
            joint = " et " if ones == 1 else "-"
            return f"{_TENS[tens]}{joint}{_ONES[ones]}"
        if 70 <= n < 80:
            rest = n - 60
            joint = " et " if rest == 11 else "-"
            return f"soixante{joint}{_ONES[rest]}"
        if 80 <= n < 100:
            rest = n - 80
            return "quatre-vingts" if not rest else f"quatre-vingt-{_ONES[rest]}"
        if n == 100:
            return "cent"
        return str(n)

    def _minutes(self, n: int) -> str:
        return "une minute" if n == 1 else f"{self.number(n)} minutes"

    def duration(self, ms: int) -> str:
        s = whole_seconds(ms)
        minutes, seconds = divmod(s, 60)
        if minutes == 0:
            return f"{s} seconde" if s <= 1 else f"{s} secondes"
        if seconds == 0:
            return self._minutes(minutes)
        if seconds == 30 and minutes > 1:
            return f"{self._minutes(minutes)} et demie"
        return f"{self._minutes(minutes)} {self.number(seconds)}"

    def reps(self, reps: Reps) -> str:
        if reps.is_range:
            return f"{reps.low} à {reps.high} répétitions"
        return f"{reps.high} répétitions" if reps.high != 1 else "1 répétition"

    def welcome(self, name: str) -> str:
        return f"{name}. C'est parti."

    def circuit(self, name: str, rounds: int) -> str:
        return f"Circuit : {name}. {rounds} tours." if rounds != 1 else f"Circuit : {name}."

    def round(self, number: int, count: int) -> str:
        return f"Tour {number} sur {count}."

    def exercise(
        self,
        name: str,
        *,
        sets: int,
        reps: Reps | None,
        hold_ms: int | None,
        duration_ms: int | None,
        sided: bool,
    ) -> str:
        if reps is not None:
            work = self.reps(reps)
        elif hold_ms is not None:
            work = f"tenir {self.duration(hold_ms)}"
        else:
            work = self.duration(duration_ms or 0)
        head = f"{sets} séries, " if sets > 1 else ""
        each = ", de chaque côté" if sided else ""
        return f"{name}. {capitalized(head + work)}{each}."

    def weight(self, weight: str) -> str:
        return f"Charge : {weight}."

    def set_call(self, call: SetCall) -> str | None:
        head = "Série d'échauffement" if call.warmup else "Série"
        if call.work is None and not call.amrap:
            parts = [f"{head} {call.number} sur {call.count}"] if call.count > 1 else []
            if call.side:
                parts.append(f"côté {call.side}")
            if not parts:
                return None
            text = capitalized(", ".join(parts)) + "."
        else:
            hold = call.work is WorkKind.HOLD
            work = (
                self.amrap(call.seconds_ms)
                if call.amrap
                else self.work_text(call.reps, call.seconds_ms, hold)
            )
            if call.weight:
                spoken = self.spoken_weight(call.weight)
                work += f" à {spoken}" if weight_parts(call.weight) else f", {spoken}"
            if call.side:
                work += f", côté {call.side}"
            if call.count == 1 and not call.warmup:
                text = capitalized(work) + "."
            else:
                number = f" {call.number} sur {call.count}" if call.count > 1 else ""
                text = f"{head}{number} : {work}."
        effort = self.effort(call.rpe, call.rir)
        return f"{text} {effort}" if effort else text

    def dry_run_total(self, total: str, cap: int | None, sets: int, exercises: int) -> str:
        capped = f" (séries AMRAP ouvertes comptées jusqu'à {cap} répétitions)" if cap else ""
        return (
            f"total {total}{capped}, {sets} série{'s' if sets > 1 else ''}, "
            f"{exercises} exercice{'s' if exercises > 1 else ''}"
        )

    def speech_lengths(self, measured: bool, voice: str | None) -> str:
        if not measured:
            return "durées de parole estimées d'après les mots et le débit (aucune voix utilisée)"
        return (
            f"durées de parole mesurées sur la voix {voice}"
            if voice
            else ("durées de parole mesurées sur la voix")
        )

    todays_targets = "objectifs du jour, d'après l'historique :"

    def rest(self, ms: int) -> str:
        return f"Repos, {self.duration(ms)}."

    def time_left(self, ms: int) -> str:
        s = whole_seconds(ms)
        if s >= 60 and s % 60 == 0:
            minutes = s // 60
            return f"Encore {minutes} {'minute' if minutes == 1 else 'minutes'}."
        return f"Encore {self.duration(ms)}."

    def next_up(self, name: str) -> str:
        return f"Ensuite : {name}."

    def switch_sides(self, side: str) -> str:
        return f"Changement : côté {side}."

    def done(self, elapsed_ms: int) -> str:
        minutes = max(1, round(elapsed_ms / 60_000))
        unit = "minutes" if minutes != 1 else "minute"
        return f"Séance terminée : {minutes} {unit}. Bravo."

    def get_ready_label(self, name: str) -> str:
        return f"{name} : mise en place"

    def place(self, name: str, place: SetPlace) -> str:
        parts = [name]
        if place.warmup and place.set_number is not None and place.set_count is not None:
            parts.append(
                f"série d'échauffement {place.set_number} sur {place.set_count}"
                if place.set_count > 1
                else "série d'échauffement"
            )
        elif place.set_count is not None and place.set_number is not None and place.set_count > 1:
            parts.append(f"série {place.set_number} sur {place.set_count}")
        if place.round_count is not None and place.round_number and place.round_count > 1:
            parts.append(f"tour {place.round_number} sur {place.round_count}")
        if place.side:
            parts.append(place.side)
        return ", ".join(parts)

    def labelled(self, head: str, detail: str) -> str:
        return f"{head} : {detail}"

    def lengthened(self, stretch: Stretch) -> str:
        given, used = (s.replace(".", ",") for s in stretch.seconds)
        return (
            f"temps avant {stretch.where} allongé de {given} s à {used} s "
            "pour que tout ce qui doit être dit y tienne"
        )

    def set_done(
        self,
        exercise: str,
        number: int,
        side: str | None,
        *,
        reps: int | None,
        seconds: float | None,
        weight: str | None,
        rounds: int | None,
    ) -> str:
        head = f"{exercise} série {number}" + (f", {side}" if side else "")
        if rounds is not None:
            what = f"{rounds} tour{'s' if rounds > 1 else ''}"
        elif reps is not None:
            what = f"{reps} répétition{'s' if reps > 1 else ''}"
        else:
            what = f"{seconds or 0:g} s"
        return f"{head} : {what} à {weight}" if weight else f"{head} : {what}"

    def reached(self, count: int, *, rounds: bool) -> str:
        unit = "tour" if rounds else "répétition"
        return f"{count} {unit}{'s' if count > 1 else ''}"

    def rounds_done(self, rounds: int) -> str:
        return f"{rounds} tour{'s' if rounds > 1 else ''} terminé{'s' if rounds > 1 else ''}"

    def rep_of(self, number: int, count: int) -> str:
        return f"répétition {number} sur {count}"

    def seconds_left(self, seconds: int) -> str:
        return f"encore {seconds} s"

    def rep_open(self, number: int) -> str:
        return f"répétition {number}, autant que possible"

    def exercise_targets(
        self, name: str, *, warmups: int, work_sets: int, amrap_ms: int | None, amrap: bool
    ) -> str:
        sets = f"{work_sets} séries" if work_sets != 1 else "1 série"
        if warmups:
            warm = f"{warmups} séries d'échauffement" if warmups != 1 else "1 série d'échauffement"
            sets = f"{warm}, puis {sets}"
        tail = f", {self.amrap(amrap_ms)}" if amrap else ""
        return f"{name}. {capitalized(sets)}{tail}."

    def drop_to(self, weight: str) -> str:
        return f"Passez à {self.spoken_weight(weight)}. Allez."

    def spoken_weight(self, weight: str) -> str:
        parts = weight_parts(weight)
        units = {"kg": "kilos", "kgs": "kilos", "lb": "livres", "lbs": "livres"}
        if parts is None or parts[1] not in units:
            return weight
        return f"{parts[0].replace('.', ',')} {units[parts[1]]}"

    def amrap(self, seconds_ms: int | None) -> str:
        text = "autant de répétitions que possible"
        return f"{text} en {self.duration(seconds_ms)}" if seconds_ms else text

    def effort(self, rpe: float | None, rir: int | None) -> str | None:
        parts: list[str] = []
        if rpe is not None:
            whole = int(rpe)
            parts.append(f"RPE {whole} et demi" if rpe != whole else f"RPE {whole}")
        if rir is not None:
            word = "une" if rir == 1 else self.count(rir)
            reps = "répétition" if rir <= 1 else "répétitions"
            parts.append(f"{word} {reps} en réserve" if rir else "aucune répétition en réserve")
        return "Objectif : " + ", ".join(parts) + "." if parts else None

    def work_text(self, reps: Reps | None, seconds_ms: int | None, hold: bool) -> str:
        if reps is not None:
            return self.reps(reps)
        duration = self.duration(seconds_ms or 0)
        return f"tenir {duration}" if hold else duration

    def go_name(self, name: str) -> str:
        return f"{name}, allez."

    def intervals(self, work_ms: int, rest_ms: int) -> str:
        return f"{self.duration(work_ms)} d'effort, {self.duration(rest_ms)} de repos."

    def emom(self, every_ms: int) -> str:
        if every_ms == 60_000:
            return "Chaque minute, au début de la minute."
        return f"Toutes les {self.duration(every_ms)}."

    def amrap_block(self, ms: int) -> str:
        return f"Autant de tours que possible en {self.duration(ms)}."

    def task(self, name: str, work: str) -> str:
        return f"{name}, {work}."

    def next_round(self, tasks: str) -> str:
        return f"Tour suivant : {tasks}"

    def seconds_call(self, ms: int) -> str:
        return f"{capitalized(self.duration(ms))}."

    def summary(
        self,
        *,
        completed: bool,
        quit: bool,
        sets_done: int,
        sets_total: int,
        sets_skipped: int,
        position: str,
        total: str,
        where: str | None,
    ) -> str:
        skipped = f", {sets_skipped} sautées" if sets_skipped else ""
        sets = f"{sets_done} séries sur {sets_total} faites{skipped}"
        if completed:
            return f"Séance terminée : {sets} en {total}."
        head = "Arrêtée" if quit else "Interrompue"
        at = f" ({where})" if where else ""
        return f"{head} à {position} sur {total}{at} : {sets}."
