"""Hearing what voicecoach plays on a machine without a sound card.

ALSA can route its default device into WAV files: with the configuration below in
``<config home>/alsa/asoundrc``, a process started with ``XDG_CONFIG_HOME`` set to that config
home plays every sound into ``$SA_CAPTURE_DIR/play.wav``, then ``play.wav.0001``, and so on,
each file holding exactly the samples played. ALSA reads its configuration once, at the first
device open, so set ``XDG_CONFIG_HOME`` before that (or in the child's environment);
``SA_CAPTURE_DIR`` is read at every open. The tests and the benchmarks use this to check the real
simpleaudio and ALSA path; it is also a way to check a routine's sound on a headless machine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

#: Mono 16-bit 22050 Hz, the format of the speech clips and the beeps, into a `file` PCM.
CAPTURE_ASOUNDRC = """\
pcm.!default {
  type plug
  slave { pcm "capfile"; format S16_LE; rate 22050; channels 1 }
}
pcm.capfile {
  type file
  slave.pcm "null"
  file {
    @func concat
    strings [ { @func getenv vars [ SA_CAPTURE_DIR ] default "/tmp" } "/play.wav" ]
  }
  format "wav"
  truncate false
}
"""


def write_capture_config(config_home: Path, text: str = CAPTURE_ASOUNDRC) -> Path:
    """Write `text` as ``<config_home>/alsa/asoundrc``; returns the file's path."""
    path = config_home / "alsa" / "asoundrc"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def capture_env(
    config_home: Path, capture_dir: Path, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """An environment (`base`, default this process's) whose sounds land in `capture_dir`."""
    env = dict(os.environ if base is None else base)
    env["XDG_CONFIG_HOME"] = str(config_home)
    env["SA_CAPTURE_DIR"] = str(capture_dir)
    return env
