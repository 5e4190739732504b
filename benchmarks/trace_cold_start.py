"""Where a cold start's time goes: one cold `run` with each step's time since it was spawned.

    .venv/bin/python benchmarks/trace_cold_start.py [--engine piper] [--routine home-back-basics]
        [--repeat 3] [--code OLD-CHECKOUT]

The whole process, ``python -m voicecoach run ROUTINE --plain --no-history --engine E``, on a
fresh cache with ALSA routed into WAV files, timed to its first sound and first phrase by
``bench_engines.timed_run``. A ``sitecustomize``
module put first on the child's ``PYTHONPATH`` (the worker process inherits it) wraps a few
functions of voicecoach, piper-tts and onnxruntime as they are imported, and writes when each
starts and ends, from both processes, in ``time.monotonic()`` seconds, which all processes of
the machine share. The
wrapping costs a little (a few milliseconds in all); the benchmark's own figures come without it.
Each step is printed with its median over the runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

from bench_engines import timed_run

HOOK = """
import functools, importlib.abc, importlib.util, os, sys, time

LOG, T0 = os.environ["TRACE_LOG"], float(os.environ["BENCH_SPAWNED_AT"])
WRAP = {
    "voicecoach.cli": ["_load"],
    "voicecoach.session.prepare": ["plan_session"],
    "voicecoach.speech.worker": ["WorkerProcess._start"],
    "voicecoach.speech.piper_engine": [
        "_load", "PiperInProcess.start", "PiperInProcess.synthesize"
    ],
    "voicecoach.speech.cache": ["PhraseCache._make", "PhraseCache._check_made"],
    "voicecoach.playback.player": ["Player.run"],
    "onnxruntime.capi.onnxruntime_inference_collection": ["InferenceSession.__init__"],
}


def log(what):
    with open(LOG, "a") as f:
        f.write(f"{time.monotonic() - T0:.4f} {os.getpid()} {what}\\n")


def wrap(owner, attr, name):
    function = getattr(owner, attr)

    @functools.wraps(function)
    def logged(*args, **kwargs):
        log("> " + name)
        try:
            return function(*args, **kwargs)
        finally:
            log("< " + name)

    setattr(owner, attr, logged)


class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname not in WRAP and fullname != "voicecoach.cli":
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            log("imported " + fullname)
            for name in WRAP.get(fullname, []):
                *outer, attr = name.split(".")
                owner = module
                for part in outer:
                    owner = getattr(owner, part)
                wrap(owner, attr, fullname.rsplit(".", 1)[-1] + "." + name)

        spec.loader.exec_module = exec_module
        return spec


log("started")
sys.meta_path.insert(0, Hook())
"""

#: (what, process, event): the first time `event` is logged by that process ("run": the session,
#: "worker": the piper worker), or a sound ("sound" for the first, "phrase" for the first that
#: is not a beep).
STEPS = [
    ("run: Python started", "run", "started"),
    ("run: command line imported", "run", "imported voicecoach.cli"),
    ("run: piper worker spawned", "run", "> worker.WorkerProcess._start"),
    ("run: routine loaded", "run", "< cli._load"),
    ("run: plan started", "run", "> prepare.plan_session"),
    ("first sound (lead-in beep)", "sound", ""),
    ("worker: Python started", "worker", "started"),
    ("worker: piper-tts, onnxruntime imported", "worker", "< piper_engine.PiperInProcess.start"),
    ("worker: voice loaded", "worker", "< piper_engine._load"),
    ("worker: first phrase made", "worker", "< piper_engine.PiperInProcess.synthesize"),
    ("run: first phrase levelled and stored", "run", "< cache.PhraseCache._make"),
    ("run: plan done, player starts", "run", "> player.Player.run"),
    ("first phrase heard", "phrase", ""),
]


def trace(routine: str, engine: str, code: Path | None = None) -> dict[str, float]:
    """The time of each step of :data:`STEPS` in one cold run (steps not seen are left out);
    with `code`, of the voicecoach in that source tree."""
    with tempfile.TemporaryDirectory(prefix="trace-cold-") as tmp:
        folder = Path(tmp)
        (folder / "hook").mkdir()
        (folder / "hook" / "sitecustomize.py").write_text(textwrap.dedent(HOOK))
        log = folder / "log.txt"
        os.environ["TRACE_LOG"] = str(log)
        try:
            sound, phrase, _ = timed_run(folder, routine, engine, code=code, before=folder / "hook")
        finally:
            del os.environ["TRACE_LOG"]
        return _steps(log.read_text().splitlines(), sound, phrase)


def _steps(lines: list[str], sound: float, phrase: float) -> dict[str, float]:
    firsts: dict[tuple[str, str], float] = {("sound", ""): sound, ("phrase", ""): phrase}
    run = lines[0].split(" ", 2)[1]  # the session's process logs first
    for line in lines:
        at, who, event = line.split(" ", 2)
        firsts.setdefault(("run" if who == run else "worker", event), float(at))
    return {what: firsts[(p, e)] for what, p, e in STEPS if (p, e) in firsts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", default="piper")
    parser.add_argument("--routine", default="home-back-basics")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--code", type=Path, metavar="DIR", help="trace the voicecoach of source tree DIR"
    )
    args = parser.parse_args()
    runs = [trace(args.routine, args.engine, args.code) for _ in range(args.repeat)]
    print(
        f"Python {sys.version.split()[0]}, {args.engine}, {args.routine}, {args.code or 'this'}"
        f" voicecoach, n={len(runs)}, load average {os.getloadavg()[0]:.1f} at the end"
    )
    for what, _, _ in STEPS:
        times = [r[what] for r in runs if what in r]
        if times:
            print(f"{statistics.median(times):7.3f} s  {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
