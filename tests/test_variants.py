"""espeak-ng's voice variants (``gmw/en-us+f3``): chosen as voices, listed by `voices`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from voicecoach.cli import cli
from voicecoach.routine.model import Voice
from voicecoach.speech.cache import PhraseCache
from voicecoach.speech.engine import UnknownVoiceError, VoiceInfo
from voicecoach.speech.espeak_engine import parse_espeak_variants
from voicecoach.speech.voices import open_voice

LISTING = """\
Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  variant         --/M      Alex               !v/Alex
 5  variant         --/F      female3            !v/f3
 5  variant         --/M      Mr_Serious         !v/Mr
 5  mb             --/F      not_a_variant      mb/mb-de1
"""


def test_the_variant_table_is_read_with_the_file_case_kept() -> None:
    assert parse_espeak_variants(LISTING) == [
        VoiceInfo("Alex", "Alex (male)"),
        VoiceInfo("f3", "female3 (female)"),
        VoiceInfo("Mr", "Mr Serious (male)"),
    ]


@pytest.mark.speech
@pytest.mark.parametrize("engine", ["pyttsx3", "espeak-ng"])
def test_a_variant_is_a_voice_of_its_own(engine: str, tmp_path: Path) -> None:
    """`gmw/en-us+f3` speaks, in either engine, and not like `gmw/en-us`; any case works."""
    plain, _ = open_voice(Voice(id="gmw/en-us", engine=engine), "en")
    female, note = open_voice(Voice(id="gmw/en-us+F3", engine=engine), "en")
    assert note is None
    assert female.settings.voice_id == "gmw/en-us+f3"
    first = PhraseCache(tmp_path / "a", synthesizer=plain).clip("Breathe in and brace.")
    second = PhraseCache(tmp_path / "b", synthesizer=female).clip("Breathe in and brace.")
    assert first.frames != second.frames


@pytest.mark.speech
def test_an_unknown_variant_names_the_close_ones() -> None:
    with pytest.raises(UnknownVoiceError, match=r"unknown voice variant 'f9'; did you mean f\d"):
        open_voice(Voice(id="gmw/en-us+f9", engine="pyttsx3"), "en")


@pytest.mark.speech
def test_voices_lists_the_variants_and_validate_accepts_them(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["voices", "--engine", "espeak-ng", "--language", "de"])
    assert result.exit_code == 0, result.output
    assert "variants of espeak-ng voices, after a + (gmw/en-us+f3):" in result.output
    assert " f3 " in result.output
    path = tmp_path / "r.yaml"
    path.write_text(
        "name: R\nvoice: {id: gmw/en-us+m2}\nexercises: [{name: Plank, hold: 5}]\n",
        encoding="utf-8",
    )
    checked = CliRunner().invoke(cli, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
