"""Crash safety: SIGKILL a process in the middle of a write, many times, at random points.

After each kill the SQLite journal must pass ``PRAGMA integrity_check``, hold all or none of the
interrupted operation, and accept the next write. The worker prints ``START`` just before the
operation, so every kill lands while it runs (or just after it committed).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from netjournal import Journal
from netjournal.specs import EncounterSpec

KILLS = int(os.environ.get("NETJOURNAL_CRASH_KILLS", "20"))


def run_and_kill(script: str, args: list[str], max_delay: float, rng: random.Random) -> bool:
    """Start the worker, wait for START, kill it after a random delay up to ``max_delay``.
    ``True`` if it was killed before it finished by itself."""
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=Path(args[0]).parent,  # the installed package, not a checkout's netjournal/
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "START", proc.stderr.read() if proc.stderr else line
    time.sleep(rng.uniform(0, max_delay))
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    if not killed:
        assert proc.returncode == 0, err
    return killed


def time_operation(script: str, args: list[str]) -> float:
    """How long the worker runs from START to its exit, so kills can be spread over it."""
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=Path(args[0]).parent,  # the installed package, not a checkout's netjournal/
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "START"
    started = time.perf_counter()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return time.perf_counter() - started


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def crash_loop(
    path: Path,
    script: str,
    observe: Callable[[Journal], object],
    allowed: Callable[[object, object], bool],
    seed: int,
) -> tuple[int, int]:
    """Kill the worker ``KILLS`` times; check the invariants after each run."""
    rng = random.Random(seed)
    killed = completed = 0
    max_delay = time_operation(script, [str(path)])  # also a first, uninterrupted run
    for _ in range(KILLS):
        with Journal.open(path) as journal:
            before = observe(journal)
        if run_and_kill(script, [str(path)], max_delay, rng):
            killed += 1
        else:
            completed += 1
        assert integrity(path) == "ok"
        with Journal.open(path) as journal:
            after = observe(journal)
            assert allowed(before, after), (before, after)
            journal.log("After the crash", notes="the next write succeeds")
    return killed, completed


LOG_MANY = """
    import sys
    from netjournal import Journal
    from netjournal.specs import EncounterSpec
    with Journal.open(sys.argv[1]) as journal:
        specs = [
            EncounterSpec(person=f"Batch person {i}", notes="batch " * 20,
                          questions=[("q?", "a")], leads=[("advice", f"lead {i}")], tags=["b"])
            for i in range(400)
        ]
        print("START", flush=True)
        journal.log_many(specs)
"""


def test_killing_a_batch_log_leaves_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"

    def observe(journal: Journal) -> object:
        counts = journal.counts()
        return counts["encounters"], counts["questions"], counts["leads"]

    def allowed(before: object, after: object) -> bool:
        b, a = before, after
        assert isinstance(b, tuple) and isinstance(a, tuple)
        # each run adds its 400 encounters (with their questions and leads) or nothing
        delta = a[0] - b[0]
        return delta in (0, 400) and a[1] - b[1] == delta and a[2] - b[2] == delta

    killed, completed = crash_loop(path, LOG_MANY, observe, allowed, seed=1)
    assert killed >= KILLS // 2, f"only {killed} of {KILLS} runs were killed mid-operation"


MERGE = """
    import sys
    from netjournal import Journal
    with Journal.open(sys.argv[1]) as journal:
        keep, other = [p.id for p in journal.people.find("Merge")][:2]
        print("START", flush=True)
        journal.people.merge(keep, other)
"""


def test_killing_a_merge_leaves_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    rng = random.Random(2)
    killed = 0
    max_delay = 0.0
    for run in range(KILLS + 1):
        path.unlink(missing_ok=True)
        with Journal.open(path) as journal:
            journal.people.add(f"Merge Keep {run}", emails=["keep@x.test"], tags=["k"])
            journal.people.add(f"Merge Other {run}", emails=["other@x.test"], tags=["o"])
            specs = [
                EncounterSpec(
                    person=f"Merge Other {run}", notes=str(i), followups=[("2027-01-01", "x")]
                )
                for i in range(300)
            ]
            journal.log_many(specs)
        if run == 0:  # an uninterrupted first run tells how long a merge takes
            max_delay = time_operation(MERGE, [str(path)])
        else:
            killed += run_and_kill(MERGE, [str(path)], max_delay, rng)
        assert integrity(path) == "ok"
        with Journal.open(path) as journal:
            people = {p.display_name: p for p in journal.people.find("Merge")}
            counts = journal.counts()
            assert counts["encounters"] == 300 and counts["followups"] == 300
            if len(people) == 2:  # rolled back: untouched
                detail = journal.people.show(f"Merge Other {run}")
                assert len(detail.encounters) == 300
            else:  # committed: everything moved over
                assert list(people) == [f"Merge Keep {run}"]
                detail = journal.people.show(f"Merge Keep {run}")
                assert len(detail.encounters) == 300
                assert sorted(detail.person.emails) == ["keep@x.test", "other@x.test"]
            journal.log("After the crash")
    assert killed >= KILLS // 2, f"only {killed} of {KILLS} merges were killed mid-operation"
