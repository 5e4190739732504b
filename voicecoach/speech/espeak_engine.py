"""The espeak-ng engine: the ``espeak-ng`` program, one process a phrase (never a shell)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from voicecoach.errors import SpeechUnavailable
from voicecoach.speech.engine import (
    SpeechSettings,
    UnknownVoiceError,
    VoiceInfo,
    check_text,
    timeout_s,
)
from voicecoach.speech.text import plain_text

#: The voice for a language when a routine names none, first one installed wins (espeak-ng's
#: voice ids, which pyttsx3's espeak driver shares).
ESPEAK_DEFAULT_VOICES: dict[str, tuple[str, ...]] = {
    "en": ("gmw/en-us", "en-us", "gmw/en", "en"),
    "de": ("gmw/de", "de"),
    "fr": ("roa/fr", "fr"),
}


def install_hint() -> str:
    """The command that installs espeak-ng on this platform."""
    if sys.platform == "darwin":
        return "brew install espeak-ng"
    if sys.platform == "win32":
        return "install eSpeak NG from https://github.com/espeak-ng/espeak-ng/releases"
    return "sudo apt-get install espeak-ng"


def espeak_default_voice(language: str, voices: Sequence[VoiceInfo]) -> str | None:
    """The voice of :data:`ESPEAK_DEFAULT_VOICES` for `language`, else the first that speaks it."""
    by_id = {v.id.lower(): v for v in voices}
    for candidate in ESPEAK_DEFAULT_VOICES.get(language, ()):
        if candidate in by_id:
            return by_id[candidate].id
    return next((v.id for v in voices if v.speaks(language)), None)


def _espeak_ng(executable: str | None) -> str:
    found = executable or shutil.which("espeak-ng")
    if not found or not Path(found).is_file():
        raise SpeechUnavailable(
            f"the espeak-ng program was not found; install it: {install_hint()}"
        )
    return found


class EspeakNgSynthesizer:
    """Synthesis by running the ``espeak-ng`` program, one process a phrase (no shell)."""

    def __init__(self, settings: SpeechSettings, *, executable: str | None = None) -> None:
        """Raise SpeechUnavailable if `executable` (default: espeak-ng on PATH) is missing."""
        self._settings = replace(settings, engine="espeak-ng")
        self._exe = _espeak_ng(executable)

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    def command(self, text: str, path: Path) -> list[str]:
        """The argument list that writes `text` to `path`."""
        s = self._settings
        return [
            self._exe,
            *("-w", str(path), "-v", s.voice_id, "-s", str(round(ESPEAK_NG.rate_control(s.rate)))),
            *("-a", str(round(s.volume * 100))),
            "--",  # the text may begin with "-": it is never read as an option
            text,
        ]

    def synthesize(self, text: str, path: Path) -> None:
        """Write `text` spoken to `path` as a mono 16-bit WAV."""
        text = plain_text(text)  # never an engine command, phonemes or markup
        check_text(text)
        try:
            done = subprocess.run(
                self.command(text, path),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout_s(text),
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise SpeechUnavailable(f"espeak-ng failed: {err}") from err
        message = done.stderr.decode(errors="replace").strip()
        if done.returncode != 0 or not path.is_file():
            if "voice does not exist" in message:
                raise UnknownVoiceError(f"espeak-ng has no voice {self._settings.voice_id!r}")
            raise SpeechUnavailable(f"espeak-ng failed (exit {done.returncode}): {message}")

    def check(self) -> None:
        """Speak one word to nowhere: SpeechUnavailable, with espeak-ng's reason, if it cannot
        (its voice data missing, say)."""
        try:
            done = subprocess.run(
                [self._exe, "-q", "--", "ready"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as err:
            raise SpeechUnavailable(f"espeak-ng failed: {err}") from err
        if done.returncode != 0:
            lines = done.stderr.decode(errors="replace").strip().splitlines()
            why = lines[-1] if lines else f"exit status {done.returncode}"
            raise SpeechUnavailable(f"espeak-ng cannot speak: {why}")

    def voices(self) -> list[VoiceInfo]:
        """The voices espeak-ng offers (``espeak-ng --voices``)."""
        try:
            done = subprocess.run(
                [self._exe, "--voices"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=30,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as err:
            raise SpeechUnavailable(f"espeak-ng --voices failed: {err}") from err
        return parse_espeak_voices(done.stdout.decode(errors="replace"))


_OTHER_LANGUAGE = re.compile(r"\(([\w-]+)\s+\d+\)")


def parse_espeak_variants(listing: str) -> list[VoiceInfo]:
    """Read the table ``espeak-ng --voices=variant`` prints: each variant's id (``f3``, ``m2``,
    ``Alex``: what goes after ``+`` in a voice id, in the file's own case) and name."""
    variants = []
    for line in listing.splitlines()[1:]:
        cols = line.split(None, 5)
        if len(cols) < 5 or not cols[4].startswith("!v/"):
            continue
        gender = cols[2].rsplit("/", 1)[-1]
        name = cols[3].replace("_", " ")
        label = {"M": "male", "F": "female"}.get(gender)
        variants.append(VoiceInfo(cols[4][3:], f"{name} ({label})" if label else name))
    return variants


def parse_espeak_voices(listing: str) -> list[VoiceInfo]:
    """Read the table ``espeak-ng --voices`` prints (ids lowercased, as pyttsx3 gives them)."""
    voices = []
    for line in listing.splitlines()[1:]:
        cols = line.split(None, 5)
        if len(cols) < 5:
            continue
        _, language, _, name, file = cols[:5]
        others = _OTHER_LANGUAGE.findall(cols[5]) if len(cols) > 5 else []
        langs = tuple(dict.fromkeys(x.lower() for x in (language, *others)))
        voices.append(VoiceInfo(file.lower(), name.replace("_", " "), langs, "espeak-ng"))
    return voices


class EspeakNgEngine:
    """The ``espeak-ng`` program (:class:`~voicecoach.speech.engine.Engine`)."""

    name = "espeak-ng"

    def open(self, settings: SpeechSettings) -> EspeakNgSynthesizer:
        synth = EspeakNgSynthesizer(settings)
        synth.check()
        return synth

    def voices(self) -> list[VoiceInfo]:
        synth = EspeakNgSynthesizer(SpeechSettings(engine=self.name))
        # The listing works even without the voice data; speaking does not.
        synth.check()
        return synth.voices()

    def default_voice(self, language: str, voices: Sequence[VoiceInfo]) -> str | None:
        return espeak_default_voice(language, voices)

    def variants(self) -> list[VoiceInfo]:
        """The voice variants (``+f3``, ``+m2``, …) any voice id can take; none when the
        espeak-ng program cannot list them."""
        try:
            exe = _espeak_ng(None)
            done = subprocess.run(
                [exe, "--voices=variant"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=30,
                check=True,
            )
        except (SpeechUnavailable, OSError, subprocess.SubprocessError):
            return []
        return parse_espeak_variants(done.stdout.decode(errors="replace"))

    def install_hint(self) -> str:
        return install_hint()

    def rate_control(self, words_per_minute: int) -> float:
        # espeak-ng's -s option is words per minute already.
        return float(words_per_minute)


ESPEAK_NG = EspeakNgEngine()
