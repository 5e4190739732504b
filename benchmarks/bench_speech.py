"""How long speech takes to get ready: the figures behind "first sound within 1 s, cold cache".

Each figure is measured in a fresh Python process (so nothing is warm that would not be on a
real first run), with an empty cache folder, a few times; the median and the worst are printed.

    .venv/bin/python benchmarks/bench_speech.py [--repeat N]

Figures:
- pyttsx3 start: ``import pyttsx3`` and ``pyttsx3.init()``, as the library does it;
- synthesizer start: :func:`open_synthesizer` (pyttsx3, including its warm-up phrase);
- first clip: open the synthesizer and make the first phrase of a session, cold cache;
- one phrase: one short phrase once the engine runs;
- 50 phrases: 50 distinct short phrases, cold, through :class:`PhraseCache`, per engine;
- warm run: the same 50 again from a new cache on the same folder (must synthesize nothing).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXERCISES = [
    ("Deadlift", "Brace your core."),
    ("Bent-over row", "Squeeze at the top."),
    ("Pull-up", "Shoulders down."),
    ("Superman", "Lift slowly."),
    ("Bird dog", "Keep your hips level."),
    ("Glute bridge", "Drive through the heels."),
    ("Plank", "Breathe steadily."),
    ("Good morning", "Keep the spine neutral."),
    ("Reverse fly", "Lead with the elbows."),
    ("Dead bug", "Press the lower back down."),
]
#: 50 distinct cue-length phrases, like a session's.
PHRASES = [f"{name}, set {n} of 5. {cue}" for n in range(1, 6) for name, cue in EXERCISES]
assert len(set(PHRASES)) == 50


def child(mode: str, folder: Path) -> dict[str, float]:
    """One measurement, in this (fresh) process."""
    started = time.perf_counter()
    if mode == "pyttsx3-init":
        import pyttsx3

        pyttsx3.init()
        return {"seconds": time.perf_counter() - started}

    from voicecoach.speech.cache import PhraseCache
    from voicecoach.speech.engine import SpeechSettings
    from voicecoach.speech.voices import open_synthesizer

    if mode == "first-clip":
        synth = open_synthesizer(SpeechSettings())
        opened = time.perf_counter()
        PhraseCache(folder, synthesizer=synth).clip("Deadlift. Three sets of eight.")
        done = time.perf_counter()
        return {"open": opened - started, "seconds": done - started}
    if mode == "one-phrase":
        synth = open_synthesizer(SpeechSettings())
        synth.synthesize("Warm up.", folder / "warm.wav")
        t = time.perf_counter()
        synth.synthesize("Rest.", folder / "rest.wav")
        return {"seconds": time.perf_counter() - t}
    engine = mode.removeprefix("fifty-")
    synth = open_synthesizer(SpeechSettings(engine=engine))
    assert synth.settings.engine == engine
    cache = PhraseCache(folder, synthesizer=synth)
    t = time.perf_counter()
    cache.ensure(PHRASES)
    cold = time.perf_counter() - t
    again = PhraseCache(folder, synthesizer=synth)
    t = time.perf_counter()
    again.ensure(PHRASES)
    warm = time.perf_counter() - t
    assert cache.synthesized == 50
    assert again.synthesized == 0
    return {"seconds": cold, "warm": warm}


def measure(mode: str, repeat: int) -> list[dict[str, float]]:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, folder],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    return runs


def show(label: str, values: list[float], unit: str = "ms", scale: float = 1000.0) -> None:
    med, worst = statistics.median(values) * scale, max(values) * scale
    print(f"{label:<44} median {med:8.1f} {unit}   worst {worst:8.1f} {unit}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return 0

    n = args.repeat
    print(f"Python {sys.version.split()[0]}, {n} fresh processes per figure")
    show("pyttsx3 import + init", [r["seconds"] for r in measure("pyttsx3-init", n)])
    first = measure("first-clip", n)
    show("open_synthesizer (pyttsx3, with warm-up)", [r["open"] for r in first])
    show("open + first phrase, cold cache", [r["seconds"] for r in first])
    show("one short phrase, engine running", [r["seconds"] for r in measure("one-phrase", n)])
    for engine in ("pyttsx3", "espeak-ng"):
        runs = measure(f"fifty-{engine}", n)
        show(f"50 phrases cold, {engine}", [r["seconds"] for r in runs])
        show(f"50 phrases warm (0 synthesized), {engine}", [r["warm"] for r in runs])
    return 0


if __name__ == "__main__":
    sys.exit(main())
