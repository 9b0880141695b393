"""Timing whole commands the way a user runs them: a fresh process each time, the runs of
each command interleaved with the others' so that a busy moment does not land on one."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path


def installed_script() -> str:
    """The ``netjournal`` command installed beside the Python running the benchmark (the one
    a user of this environment runs), else whichever ``netjournal`` is on the PATH."""
    return shutil.which("netjournal", path=str(Path(sys.executable).parent)) or "netjournal"


def timed(argv: list[str]) -> float:
    """Seconds ``argv`` took, from start to exit; a failing command ends the benchmark."""
    begin = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - begin
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    return elapsed


def sample(commands: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """``runs`` timings of each command (after one run each to warm the file cache)."""
    for argv in commands.values():
        timed(argv)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            samples[name].append(timed(argv))
    return samples
