"""What a playing session costs the machine: CPU (share of one core) and memory (resident set).

Target (DESIGN.md, docs/performance.md): at most 1 % of a core and 60 MB while a session plays.

    python benchmarks/bench_session_load.py [--routine NAME] [--engine NAME] [--seconds S]
        [--cache warm|cold] [--repeat N]

The whole process, ``python -m voicecoach run ROUTINE --plain --no-history`` with ALSA routed into
WAV files (as in the tests), is sampled every 0.2 s from ``/proc``: its resident set and that of
every process it started (a speech worker), and the CPU time of all of them. The session is
playing from its first line on standard output; the figures are taken over the playing part only,
after `--settle` seconds (the cold cache's background synthesis and the final timeline come
first), until SIGINT stops it after `--seconds`. "warm" runs start on a cache that ``voicecoach
prepare`` filled; "cold" ones on an empty cache (synthesis then runs while the session plays, and
is part of the figures). Nothing is added to the product to measure it. Linux only.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from voicecoach.testing import capture_env, write_capture_config

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def env_for(folder: Path) -> dict[str, str]:
    config = folder / "config"
    write_capture_config(config)
    capture = folder / "capture"
    capture.mkdir(parents=True, exist_ok=True)
    env = capture_env(config, capture)
    env["XDG_CACHE_HOME"] = str(folder / "cache")
    env["XDG_DATA_HOME"] = str(folder / "data")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: split after it.
    return text[text.rindex(")") + 2 :].split()


def tree(root: int) -> list[int]:
    """`root` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_ticks(root: int, pids: list[int]) -> int:
    """CPU time of the live processes, plus what the root's waited-for children used."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is None:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if pid == root:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime
    return total


def rss_mb(pid: int) -> float:
    try:
        resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return resident * PAGE / 1e6


@dataclass
class Sample:
    t: float
    ticks: int
    main_mb: float
    tree_mb: float
    processes: int


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    first_line_s: float | None = None

    def window(self, settle_s: float) -> list[Sample]:
        if self.first_line_s is None:
            return []
        return [s for s in self.samples if s.t >= self.first_line_s + settle_s]


def one_run(routine: str, engine: str, seconds: float, cache: str, folder: Path) -> Run:
    env = env_for(folder)
    exe = [sys.executable, "-m", "voicecoach"]
    if cache == "warm":
        subprocess.run(
            [*exe, "prepare", routine, "--engine", engine],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    run = Run()
    start = time.monotonic()
    child = subprocess.Popen(
        [*exe, "run", routine, "--plain", "--no-history", "--engine", engine],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )

    def read() -> None:
        assert child.stdout is not None
        for _ in child.stdout:
            if run.first_line_s is None:
                run.first_line_s = time.monotonic() - start

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while child.poll() is None and time.monotonic() - start < seconds:
            pids = tree(child.pid)
            run.samples.append(
                Sample(
                    t=time.monotonic() - start,
                    ticks=cpu_ticks(child.pid, pids),
                    main_mb=rss_mb(child.pid),
                    tree_mb=sum(rss_mb(p) for p in pids),
                    processes=len(pids),
                )
            )
            time.sleep(0.2)
        child.send_signal(signal.SIGINT)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    reader.join(timeout=5)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routine", default="home-back-basics")
    parser.add_argument("--engine", default="piper")
    parser.add_argument("--seconds", type=float, default=90.0, help="how long each run plays")
    parser.add_argument("--settle", type=float, default=20.0, help="seconds left out at first")
    parser.add_argument("--cache", choices=("warm", "cold"), default="warm")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        raise SystemExit("this benchmark reads /proc: Linux only")

    print(
        f"{args.routine}, engine {args.engine}, {args.cache} cache, {args.seconds:.0f} s a run, "
        f"the first {args.settle:.0f} s of play left out; load {os.getloadavg()[0]:.1f}"
    )
    print("run   cpu % of a core (tree)   main MB max   tree MB max   processes max")
    cpus, mains, trees = [], [], []
    for k in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="vc-load-") as tmp:
            run = one_run(args.routine, args.engine, args.seconds, args.cache, Path(tmp))
        window = run.window(args.settle)
        if len(window) < 2:
            raise SystemExit(f"run {k + 1}: the session did not play long enough to measure")
        span = window[-1].t - window[0].t
        cpu = (window[-1].ticks - window[0].ticks) / TICK / span * 100
        main_mb = max(s.main_mb for s in window)
        tree_mb = max(s.tree_mb for s in window)
        processes = max(s.processes for s in window)
        cpus.append(cpu)
        mains.append(main_mb)
        trees.append(tree_mb)
        print(f"{k + 1:>3}   {cpu:>22.2f}   {main_mb:>11.1f}   {tree_mb:>11.1f}   {processes:>13}")
    if args.repeat > 1:
        print(
            f"median {statistics.median(cpus):>19.2f}   {statistics.median(mains):>11.1f}   "
            f"{statistics.median(trees):>11.1f}"
        )


if __name__ == "__main__":
    main()
