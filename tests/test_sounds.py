"""The beep files in sounds/: lengths, pitches, level and clean edges, as the beeps table says."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from voicecoach.beeps import BEEP_HZ, BEEP_MS, Beep
from voicecoach.clip import Clip
from voicecoach.resources import sounds_dir

RATE = 22050
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_sounds.py"


def load(beep: Beep) -> Clip:
    return Clip.from_wav(sounds_dir() / f"{beep.value}.wav")


def samples(clip: Clip) -> np.ndarray:
    return np.frombuffer(clip.frames, dtype="<i2").astype(np.float64)


def peak_hz(x: np.ndarray) -> float:
    """The strongest frequency in `x`, to a fraction of a hertz (zero-padded FFT)."""
    window = np.hanning(len(x))
    spectrum = np.abs(np.fft.rfft(x * window, n=1 << 18))
    return float(np.argmax(spectrum) * RATE / (1 << 18))


@pytest.fixture(scope="module")
def make_sounds() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sounds", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_sounds", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("beep", list(Beep))
def test_format_and_exact_length(beep: Beep) -> None:
    """Mono 16-bit 22050 Hz, BEEP_MS long to the sample (rounded down: never past its slot)."""
    clip = load(beep)
    assert (clip.channels, clip.sample_width, clip.rate) == (1, 2, RATE)
    assert clip.frame_count == BEEP_MS[beep] * RATE // 1000
    assert clip.duration_ms == BEEP_MS[beep]


@pytest.mark.parametrize("beep", list(Beep))
def test_pitch(beep: Beep) -> None:
    """Each part (one per pitch, equal lengths) sounds at its pitch, within 1 %."""
    x = samples(load(beep))
    pitches = BEEP_HZ[beep]
    part = len(x) // len(pitches)
    for k, hz in enumerate(pitches):
        found = peak_hz(x[k * part : (k + 1) * part])
        assert found == pytest.approx(hz, rel=0.01), f"part {k + 1} of {beep}"


@pytest.mark.parametrize("beep", list(Beep))
def test_level_and_clean_edges(beep: Beep) -> None:
    """Peak about -6 dBFS; starts and ends at (near) zero, rising and falling smoothly."""
    x = samples(load(beep))
    peak_db = 20 * np.log10(np.max(np.abs(x)) / 32768)
    assert -6.5 < peak_db < -5.5
    assert abs(x[0]) <= 50
    assert abs(x[-1]) <= 50
    # No step anywhere larger than the steepest a full-level tone can take (no clicks).
    full = 32768 * 10 ** (-6 / 20)
    steepest = full * 2 * np.pi * max(BEEP_HZ[beep]) / RATE
    assert np.max(np.abs(np.diff(x))) <= steepest * 1.05


def test_files_are_what_the_script_writes(make_sounds: ModuleType, tmp_path: Path) -> None:
    """The committed files are current: the script, run again, writes the same sounds."""
    make_sounds.write_all(tmp_path)
    for beep in Beep:
        fresh = samples(Clip.from_wav(tmp_path / f"{beep.value}.wav"))
        committed = samples(load(beep))
        assert len(fresh) == len(committed)
        assert np.max(np.abs(fresh - committed)) <= 1, beep


def test_no_other_sounds() -> None:
    assert sorted(p.name for p in sounds_dir().glob("*.wav")) == sorted(
        f"{b.value}.wav" for b in Beep
    )
