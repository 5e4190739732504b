"""What is read back from the history, in the language the sessions were played in: `log`,
`history`, `stats`, `stats --exercise`, `program` and `next`, and why progression chose today's
target in `show` and the dry run; exactly as printed, in German and French (the English is
pinned in test_coach_cli.py, test_history_cli.py and test_programs.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_coach_cli import record as pull_day
from test_coach_cli import three_weeks_of_pulling

from voicecoach.cli import cli
from voicecoach.history.stats import history_report, stats_report
from voicecoach.history.store import HistoryStore
from voicecoach.outcome import Outcome
from voicecoach.session.program import program_report

CET = timezone(timedelta(hours=1))
MONDAY = datetime(2026, 11, 2, 18, 0, tzinfo=CET)
#: (routine, deadlift, plank) as each language's routine names them.
NAMES = {
    "de": ("Zugtag", "Kreuzheben", "Unterarmstütz"),
    "fr": ("Journée tirage", "Soulevé de terre", "Gainage"),
    "en": ("Pull Day", "Deadlift", "Plank"),
}


def invoke(*args: object) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def record(
    store: HistoryStore,
    language: str | None,
    started: datetime,
    deadlift: list[tuple[int, str]],
    *,
    names: str | None = None,
) -> int:
    """A pull day in `language` (None: recorded before the history kept it), its exercises
    named in the language `names` (default: `language`)."""
    return pull_day(
        store, started, deadlift, language=language, names=NAMES[names or language or "en"]
    )


def three_weeks(db: Path, language: str | None, *, start: datetime = MONDAY) -> Path:
    return three_weeks_of_pulling(db, start, language=language, names=NAMES[language or "en"])


@pytest.fixture(params=["de", "fr"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


LOG = {
    "de": (
        "Training 3: Zugtag, 2026-11-16 18:00, abgebrochen\n"
        "  kreuzheben 1:     8 Wdh. @ 42,5 kg  geplant 10 Wdh. @ 40 kg, eingetippt\n"
        "  kreuzheben 2:     8 Wdh. @ 42,5 kg  geplant 10 Wdh. @ 40 kg, eingetippt\n"
        "  kreuzheben 3:     7 Wdh. @ 40 kg    geplant 10 Wdh. @ 40 kg, nachgetragen\n"
        "  unterarmstütz 1:  25 s              geplant 30 s, eingetippt\n"
        'Einen Satz korrigieren: voicecoach log --set "ÜBUNG SATZ: WDH [@ GEWICHT]"\n'
    ),
    "fr": (
        "Séance 3 : Journée tirage, 2026-11-16 18:00, arrêtée\n"
        "  soulevé de terre 1:  8 rép. @ 42,5 kg  prévu 10 rép. @ 40 kg, saisie\n"
        "  soulevé de terre 2:  8 rép. @ 42,5 kg  prévu 10 rép. @ 40 kg, saisie\n"
        "  soulevé de terre 3:  7 rép. @ 40 kg    prévu 10 rép. @ 40 kg, corrigée\n"
        "  gainage 1:           25 s              prévu 30 s, saisie\n"
        'Corriger une série : voicecoach log --set "EXERCICE SÉRIE: RÉP [@ POIDS]"\n'
    ),
}


def test_log_is_in_the_session_language(tmp_path: Path, language: str) -> None:
    db = three_weeks(tmp_path / "history.sqlite3", language)
    deadlift = NAMES[language][1].lower()
    # An entry is written as the log names the set, in any language.
    shown = invoke("log", "--history", db, "--set", f"{deadlift} 3: 7 @ 40 kg")
    assert shown == LOG[language]
    assert "skipped" not in invoke("log", "--history", db, "--session", 1)


HISTORY = {
    "de": (
        "Nr.  Beginn            Routine  Status       Sätze  Ausgelassen  Dauer\n"
        "  3  2026-11-16 18:00  Zugtag   abgebrochen      3            1   6:00\n"
        "  2  2026-11-05 18:00  Zugtag   beendet          4            0   6:00\n"
        "  1  2026-11-02 18:00  Zugtag   beendet          4            0   6:00\n"
    ),
    "fr": (
        "N°  Début             Routine         Statut    Séries  Sautées  Durée\n"
        " 3  2026-11-16 18:00  Journée tirage  arrêtée        3        1   6:00\n"
        " 2  2026-11-05 18:00  Journée tirage  terminée       4        0   6:00\n"
        " 1  2026-11-02 18:00  Journée tirage  terminée       4        0   6:00\n"
    ),
}
NOT_PLAYED = {
    "de": "Noch kein Training von 'Beintag' aufgezeichnet; aufgezeichnet sind: Zugtag.\n",
    "fr": "Aucune séance de 'Beintag' enregistrée pour l'instant ; séances enregistrées : "
    "Journée tirage.\n",
}


def test_history_table_is_in_the_language_of_its_sessions(tmp_path: Path, language: str) -> None:
    db = three_weeks(tmp_path / "history.sqlite3", language)
    assert invoke("history", "--history", db) == HISTORY[language]
    assert invoke("history", "--history", db, "--routine", "Beintag") == NOT_PLAYED[language]


STATS = {
    "de": (
        "Die letzten 3 Wochen: 2026-W45 bis 2026-W47\n"
        "\n"
        "Woche     Trainings  Sätze   Zeit\n"
        "2026-W45          2      8  12:00\n"
        "2026-W46          0      0   0:00\n"
        "2026-W47          1      3   6:00\n"
        "Gesamt            3     11  18:00\n"
        "\n"
        "Sätze pro Woche\n"
        "2026-W45 │████████████████████████████ 8\n"
        "2026-W46 │                             0\n"
        "2026-W47 │██████████▌                  3\n"
        "\n"
        "Sätze pro Muskelgruppe\n"
        "sonstige │███████████████████████████ 11\n"
        "\n"
        "Serie: 1 Woche in Folge mit mindestens einem Training"
    ),
    "fr": (
        "Les 3 dernières semaines : 2026-W45 à 2026-W47\n"
        "\n"
        "Semaine   Séances  Séries  Durée\n"
        "2026-W45        2       8  12:00\n"
        "2026-W46        0       0   0:00\n"
        "2026-W47        1       3   6:00\n"
        "Total           3      11  18:00\n"
        "\n"
        "Séries par semaine\n"
        "2026-W45 │████████████████████████████ 8\n"
        "2026-W46 │                             0\n"
        "2026-W47 │██████████▌                  3\n"
        "\n"
        "Séries par groupe musculaire\n"
        "autres │█████████████████████████████ 11\n"
        "\n"
        "Régularité : 1 semaine d'affilée avec au moins une séance"
    ),
}


def test_stats_are_in_the_language_of_the_weeks_sessions(tmp_path: Path, language: str) -> None:
    db = three_weeks(tmp_path / "history.sqlite3", language)
    now = MONDAY + timedelta(days=15)
    assert stats_report(db, now=now, weeks=3, width=40) == STATS[language]


EXERCISE = {
    "de": (
        "Kreuzheben: 8 Arbeitssätze in 3 Trainings, 2026-11-02 bis 2026-11-16\n"
        "Bester Satz: 8 Wdh. mit 42,5 kg am 2026-11-16\n"
        "Geschätztes Maximum für eine Wiederholung (1RM): 53,8 kg, aus 8 Wdh. mit 42,5 kg am "
        "2026-11-16 (Epley: Gewicht × (1 + Wdh. / 30))\n"
        "\n"
        "Gewicht pro Training (schwerster Arbeitssatz, kg)\n"
        "2026-11-02 │████████████████████████████████████████▌     40\n"
        "2026-11-05 │████████████████████████████████████████▌     40\n"
        "2026-11-16 │███████████████████████████████████████████ 42,5\n"
        "\n"
        "Volumen pro Woche (Gewicht × Wdh. der Arbeitssätze, kg)\n"
        "2026-W45 │█████████████████████████████████████████████ 2360\n"
        "2026-W46 │                                                 0\n"
        "2026-W47 │█████████████                                  680\n"
    ),
    "fr": (
        "Soulevé de terre : 8 séries de travail en 3 séances, du 2026-11-02 au 2026-11-16\n"
        "Meilleure série : 8 rép. à 42,5 kg le 2026-11-16\n"
        "Maximum estimé sur une répétition (1RM) : 53,8 kg, d'après 8 rép. à 42,5 kg le "
        "2026-11-16 (Epley : poids × (1 + rép. / 30))\n"
        "\n"
        "Charge par séance (série de travail la plus lourde, kg)\n"
        "2026-11-02 │████████████████████████████████████████▌     40\n"
        "2026-11-05 │████████████████████████████████████████▌     40\n"
        "2026-11-16 │███████████████████████████████████████████ 42,5\n"
        "\n"
        "Volume par semaine (poids × rép. des séries de travail, kg)\n"
        "2026-W45 │█████████████████████████████████████████████ 2360\n"
        "2026-W46 │                                                 0\n"
        "2026-W47 │█████████████                                  680\n"
    ),
}


def test_stats_of_one_exercise_are_in_its_sessions_language(tmp_path: Path, language: str) -> None:
    db = three_weeks(tmp_path / "history.sqlite3", language)
    name = NAMES[language][1]
    assert invoke("stats", "--exercise", name, "--history", db) == EXERCISE[language]


# -- which language a table of several sessions is in -----------------------------------------


def test_sessions_in_several_languages_are_listed_in_english(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    with HistoryStore.open(db) as store:
        record(store, "de", MONDAY, [(10, "40 kg")])
        record(store, "fr", MONDAY + timedelta(days=1), [(10, "40 kg")])
        # A session recorded before the history kept its language does not count.
        record(store, None, MONDAY + timedelta(days=2), [(10, "40 kg")], names="de")
    table = history_report(db)
    assert table.splitlines()[0].startswith("ID  Started           Routine         Status ")
    assert "completed" in table
    # Each session's own sets are in its own language.
    assert invoke("log", "--history", db, "--session", 1).startswith("Training 1: Zugtag, ")
    assert invoke("log", "--history", db, "--session", 2).startswith("Séance 2 : Journée ")
    # One of unknown language: the settings file's, else English.
    assert invoke("log", "--history", db, "--session", 3).startswith("Session 3: Zugtag, ")
    with HistoryStore.open(db) as store:
        record(store, None, MONDAY + timedelta(days=3), [(10, "40 kg")], names="de")
    only_german = history_report(db, routine="Zugtag")
    assert only_german.startswith("Nr.  Beginn ")


def test_the_settings_language_heads_every_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    (config / "voicecoach").mkdir(parents=True)
    (config / "voicecoach" / "config.yaml").write_text("language: fr\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    db = tmp_path / "history.sqlite3"
    now = datetime.now(CET)
    three_weeks(db, "de", start=now - timedelta(days=16))
    with HistoryStore.open(db) as store:
        record(store, None, now - timedelta(days=1), [(10, "40 kg")], names="de")
    assert invoke("history", "--history", db).startswith("N°  Début ")
    assert invoke("stats", "--history", db).startswith("Les 8 dernières semaines : ")
    assert invoke("stats", "--exercise", "kreuzheben", "--history", db).startswith(
        "Kreuzheben : 9 séries de travail en 4 séances, du "
    )
    # One session is shown in its own language; one of unknown language in the settings'.
    assert invoke("log", "--history", db, "--session", 1).startswith("Training 1: Zugtag, ")
    assert invoke("log", "--history", db).startswith("Séance 4 : Zugtag, ")
    empty = tmp_path / "none.sqlite3"
    assert invoke("history", "--history", empty) == (
        f"Aucune séance enregistrée pour l'instant : pas d'historique à {empty}.\n"
    )


# -- program, next, show and the dry run --------------------------------------------------------

PULL_A = {
    "de": """\
name: Zugtag A
language: de
defaults: {prepare: 5, rest: 60}
exercises:
  - {name: Kreuzheben, sets: 3, reps: [8, 10], weight: 40 kg, progress: double 2.5 kg}
  - {name: Unterarmstütz, sets: 2, hold: 30, progress: time 5}
""",
    "fr": """\
name: Tirage A
language: fr
defaults: {prepare: 5, rest: 60}
exercises:
  - {name: Soulevé de terre, sets: 3, reps: [8, 10], weight: 40 kg, progress: double 2.5 kg}
  - {name: Gainage, sets: 2, hold: 30, progress: time 5}
""",
}
PULL_B = {
    "de": """\
name: Zugtag B
language: de
exercises:
  - {name: Rudern, sets: 3, reps: 10, weight: 20 kg, progress: linear 2.5 kg}
  - {name: Klimmzug, sets: 3, reps: 5, progress: {rule: reps, step: 1, up_to: 8}}
""",
    "fr": """\
name: Tirage B
language: fr
exercises:
  - {name: Rowing, sets: 3, reps: 10, weight: 20 kg, progress: linear 2.5 kg}
  - {name: Traction, sets: 3, reps: 5, progress: {rule: reps, step: 1, up_to: 8}}
""",
}
PROGRAM = {"de": "Ziehen, zweimal die Woche", "fr": "Tirage, deux fois par semaine"}


def pulling_program(folder: Path, language: str) -> tuple[Path, Path]:
    """A program of two routines in `language`, and a history of three of its sessions."""
    (folder / "a.yaml").write_text(PULL_A[language], encoding="utf-8")
    (folder / "b.yaml").write_text(PULL_B[language], encoding="utf-8")
    program = folder / "pull.yaml"
    program.write_text(
        f"program: {PROGRAM[language]}\nsessions: [a.yaml, b.yaml]\nper_week: 2\n",
        encoding="utf-8",
    )
    db = folder / "history.sqlite3"
    a, b = PULL_A[language].split("\n")[0][6:], PULL_B[language].split("\n")[0][6:]
    row = "Rudern" if language == "de" else "Rowing"
    with HistoryStore.open(db) as store:
        for day, name, slot, reps, status in (
            (-4, a, 0, [10, 10, 10], Outcome.COMPLETED),
            (0, b, 1, [10, 10, 9], Outcome.COMPLETED),
            (2, a, 0, [10, 9, 8], Outcome.QUIT),
        ):
            at = MONDAY + timedelta(days=day)
            sid = store.start_session(
                routine_name=name,
                routine_path=None,
                content_hash=None,
                started_at=at,
                program=PROGRAM[language],
                program_slot=slot,
                language=language,
            )
            exercise, weight = (NAMES[language][1], "40 kg") if slot == 0 else (row, "20 kg")
            for n, done in enumerate(reps, 1):
                store.record_set(
                    sid,
                    exercise=exercise,
                    exercise_index=0,
                    round_number=None,
                    set_number=n,
                    side=None,
                    reps=done,
                    seconds=None,
                    weight=weight,
                    skipped=False,
                    finished_at=at + timedelta(minutes=3 * n),
                    planned_reps=10,
                    planned_weight=weight,
                )
            store.end_session(sid, status=status, ended_at=at + timedelta(minutes=20))
    return program, db


PROGRAM_SHOWN = {
    "de": (
        "Ziehen, zweimal die Woche\n"
        "2 Trainings pro Woche, im Wechsel: 1. Zugtag A (a.yaml), 2. Zugtag B (b.yaml)\n"
        "\n"
        "Letzte Woche (2026-W44): 1 von 2 erledigt, 1 verpasst\n"
        "Diese Woche (2026-W45): 2 von 2 erledigt, der Wochenplan ist erfüllt\n"
        "  Mo 2026-11-02 18:00  2. Zugtag B  beendet, 3 Sätze\n"
        "  Mi 2026-11-04 18:00  1. Zugtag A  abgebrochen, 3 Sätze\n"
        "\n"
        "Als Nächstes: 2. Zugtag B (b.yaml)\n"
        "  Rudern: 3 x 10 Wiederholungen mit 20 kg (letztes Mal 10/10/9 mit 20 kg: bleibt bei "
        "20 kg, Ziel 10)\n"
        "  Klimmzug: 3 x 5 Wiederholungen (noch kein Verlauf: wie geschrieben)\n"
        "Starten mit: voicecoach next {program}"
    ),
    "fr": (
        "Tirage, deux fois par semaine\n"
        "2 séances par semaine, à tour de rôle : 1. Tirage A (a.yaml), 2. Tirage B (b.yaml)\n"
        "\n"
        "Semaine dernière (2026-W44) : 1 séance sur 2 faite, 1 manquée\n"
        "Cette semaine (2026-W45) : 2 séances sur 2 faites, le programme de la semaine est fait\n"
        "  lun. 2026-11-02 18:00  2. Tirage B  terminée, 3 séries\n"
        "  mer. 2026-11-04 18:00  1. Tirage A  arrêtée, 3 séries\n"
        "\n"
        "Prochaine séance : 2. Tirage B (b.yaml)\n"
        "  Rowing: 3 x 10 répétitions à 20 kg (la dernière fois 10/10/9 à 20 kg : on reste à "
        "20 kg, objectif 10)\n"
        "  Traction: 3 x 5 répétitions (pas encore d'historique : comme écrit)\n"
        "Pour la lancer : voicecoach next {program}"
    ),
}


def test_program_is_in_its_routines_language(tmp_path: Path, language: str) -> None:
    program, db = pulling_program(tmp_path, language)
    shown = program_report(str(program), db, now=MONDAY + timedelta(days=3))
    assert shown == PROGRAM_SHOWN[language].replace("{program}", str(program))
    # The settings file's language is for programs whose routines speak several.
    assert program_report(str(program), db, now=MONDAY, language="en") == program_report(
        str(program), db, now=MONDAY
    )
    result = CliRunner().invoke(
        cli, ["next", str(program), "--history", str(db), "--dry-run", "--estimate"]
    )
    assert result.exit_code == 0, result.output
    said = {
        "de": "Ziehen, zweimal die Woche: Training 2 von 2, Zugtag B\n",
        "fr": "Tirage, deux fois par semaine : séance 2 sur 2, Tirage B\n",
    }
    assert result.stderr == said[language]


TODAY = {
    "de": [
        "heutige Ziele, aus dem Verlauf:",
        "  Kreuzheben: 3 x 9 Wiederholungen mit 40 kg (letztes Mal 10/9/8 mit 40 kg: bleibt "
        "bei 40 kg, Ziel 9)",
        "  Unterarmstütz: 2 x 30 s halten (noch kein Verlauf: wie geschrieben)",
    ],
    "fr": [
        "objectifs du jour, d'après l'historique :",
        "  Soulevé de terre: 3 x 9 répétitions à 40 kg (la dernière fois 10/9/8 à 40 kg : on "
        "reste à 40 kg, objectif 9)",
        "  Gainage: 2 x tenir 30 s (pas encore d'historique : comme écrit)",
    ],
}


def test_show_and_the_dry_run_explain_todays_targets_in_the_routines_language(
    tmp_path: Path, language: str
) -> None:
    _, db = pulling_program(tmp_path, language)
    routine = tmp_path / "a.yaml"
    lines = invoke("run", routine, "--dry-run", "--estimate", "--history", db).splitlines()
    assert lines[3:6] == TODAY[language]
    shown = invoke("show", routine, "--history", db).splitlines()
    why = [line.strip() for line in shown if line.strip().startswith(("heute", "aujourd"))]
    assert why == SHOW_WHY[language]


SHOW_WHY = {
    "de": [
        "heute: letztes Mal 10/9/8 mit 40 kg: bleibt bei 40 kg, Ziel 9",
        "heute: noch kein Verlauf: wie geschrieben",
    ],
    "fr": [
        "aujourd'hui : la dernière fois 10/9/8 à 40 kg : on reste à 40 kg, objectif 9",
        "aujourd'hui : pas encore d'historique : comme écrit",
    ],
}
