"""Crash safety: SIGKILL a process in the middle of a write, many times, at random points.

After each kill the SQLite journal must pass ``PRAGMA integrity_check``, hold all or none of the
interrupted operation, and accept the next write. The worker prints ``START`` just before the
operation, so every kill lands while it runs (or just after it committed).

Only a defect fails these tests. A busy machine changes how long an operation takes, so kills
can miss it (the run finishes first): each test then goes on with more runs, up to
``MAX_RUNS``, until ``TARGET`` kills have landed inside the operation; if even that is not
enough, it skips and says so, since nothing wrong was found.
"""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import cipher_checks, passphrase_file

from netjournal import Journal, cipher, schema
from netjournal.errors import JournalUnavailable, SchemaOutOfDate
from netjournal.specs import EncounterSpec

#: Runs of each test (each killed at a random point, or let finish)...
KILLS = int(os.environ.get("NETJOURNAL_CRASH_KILLS", "20"))
#: ...of which at least this many must be killed before the operation finished...
TARGET = KILLS // 2
#: ...else more runs follow, up to this many in all.
MAX_RUNS = 4 * KILLS

pytestmark = pytest.mark.slow


class KillWindow:
    """Where kills land: a random delay after START, up to ``limit`` seconds.

    ``limit`` starts at the duration of an uninterrupted run and adapts: a run that finished
    before the kill shrinks it, a killed run widens it a little. So the kills keep landing
    inside the operation even when a loaded machine (CI, parallel tests) changes its speed;
    about three runs in four are killed and the rest complete, which tests both outcomes.
    """

    def __init__(self, limit: float) -> None:
        self.limit = limit

    def delay(self, rng: random.Random) -> float:
        return rng.uniform(0, self.limit)

    def update(self, killed: bool) -> None:
        self.limit *= 1.05 if killed else 0.85


#: The parent of every worker: Python, netjournal and what the worker scripts import, loaded
#: once. Each run is a fork of it, so that a run costs its operation and not an interpreter's
#: start-up (a third of a second, for hundreds of runs). It reads one run per line (JSON: the
#: script, its arguments, its folder, where its stdout and stderr go), answers the worker's pid,
#: then, once the worker has ended, its exit status (negative: the signal that ended it).
FORK_SERVER = """
import json, os, sys, traceback
import netjournal, netjournal.journal, netjournal.keys, netjournal.specs, netjournal.batch
import netjournal.importers.linkedin
import netjournal.cli.main, netjournal.cli.commands.importing, netjournal.cli.commands.log
import netjournal.cli.commands.db
for line in sys.stdin:
    run = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.dup2(os.open(run["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
        os.dup2(os.open(run["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
        os.chdir(run["cwd"])
        sys.argv = ["-c", *run["args"]]
        code = 0
        try:
            exec(compile(run["script"], "<worker>", "exec"), {"__name__": "__main__"})
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    print(pid, flush=True)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


class Worker:
    """One run of a worker script, forked from the :class:`ForkServer`."""

    def __init__(self, server: ForkServer, pid: int, out: Path, err: Path) -> None:
        self.server, self.pid, self.out, self.err = server, pid, out, err
        self.code: int | None = None

    def started(self) -> None:
        """Wait for the worker's ``START`` (it fails the test if the worker ends without it)."""
        while not self.out.read_text(encoding="utf-8").startswith("START\n"):
            if self.poll(0.001) is not None:
                assert self.out.read_text(encoding="utf-8").startswith("START"), self.stderr()
                return

    def poll(self, timeout: float = 0) -> int | None:
        """The exit status if the worker has ended (waiting up to ``timeout`` seconds)."""
        if self.code is None:
            line = self.server.line(timeout)
            if line is not None:
                self.code = int(line)
        return self.code

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> int:
        code = self.poll(900)  # a busy machine is slow, not wrong
        assert code is not None, "the worker did not end"
        return code

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")


class ForkServer:
    """A :data:`FORK_SERVER` process; its runs' output files go in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runs = 0
        self.process = subprocess.Popen(
            [sys.executable, "-c", FORK_SERVER],
            cwd=folder,  # the installed package, not a checkout's netjournal/
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.buffer = b""

    def line(self, timeout: float) -> str | None:
        """The server's next line, if one comes within ``timeout`` seconds. Read from the pipe
        itself, unbuffered: a buffered reader could hold a line that ``select`` no longer sees."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if not select.select([fd], [], [], max(left, 0))[0]:
                return None
            chunk = os.read(fd, 4096)
            assert chunk, "the fork server ended"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def start(self, script: str, args: list[str]) -> Worker:
        self.runs += 1
        out, err = self.folder / f"run{self.runs}.out", self.folder / f"run{self.runs}.err"
        for file in (out, err):  # there before the worker writes: started() reads ``out`` at once
            file.touch(0o600)
        run = {
            "script": textwrap.dedent(script),
            "args": args,
            "cwd": str(Path(args[0]).parent),
            "out": str(out),
            "err": str(err),
        }
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(run).encode() + b"\n")
        self.process.stdin.flush()
        pid = self.line(60)
        assert pid is not None and pid.isdigit(), f"the fork server failed: {pid!r}"
        return Worker(self, int(pid), out, err)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


_SERVER: list[ForkServer] = []


@pytest.fixture(autouse=True, scope="module")
def _fork_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    _SERVER.append(ForkServer(tmp_path_factory.mktemp("fork-server")))
    yield
    _SERVER.pop().close()


def start(script: str, args: list[str]) -> Worker:
    """Run the worker ``script`` with ``args`` (the journal's path first), forked."""
    return _SERVER[-1].start(script, args)


def run_and_kill(script: str, args: list[str], window: KillWindow, rng: random.Random) -> bool:
    """Start the worker, wait for START, kill it after a random delay inside ``window``.
    ``True`` if it was killed before it finished by itself."""
    worker = start(script, args)
    worker.started()
    time.sleep(window.delay(rng))
    killed = worker.poll() is None
    if killed:
        worker.kill()
    code = worker.wait()
    if not killed:
        assert code == 0, worker.stderr()
    window.update(killed)
    return killed


def time_operation(script: str, args: list[str]) -> float:
    """How long the worker runs from START to its exit, so kills can be spread over it."""
    worker = start(script, args)
    worker.started()
    begun = time.perf_counter()
    assert worker.wait() == 0, worker.stderr()
    return time.perf_counter() - begun


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def kill_campaign(
    name: str,
    script: str,
    prepare: Callable[[int], list[str]],
    check: Callable[[int], object],
    seed: int,
    enough: Callable[[], bool] = lambda: True,
) -> tuple[int, int]:
    """Run the worker ``script`` at least ``KILLS`` times, killing it at random points, and
    call ``check(run)`` after each run; returns the kills and the runs.

    ``prepare(run)`` readies a run and gives the worker's arguments (the journal's path first).
    Run 0 is let finish, to measure how long the operation takes. Runs go on (up to
    ``MAX_RUNS``) while fewer than ``TARGET`` kills landed mid-operation or ``enough()`` is
    false; if they never do, the test skips: the machine was too busy, not the journal wrong."""
    rng = random.Random(seed)
    window = KillWindow(time_operation(script, prepare(0)))
    check(0)
    killed = runs = 0
    while runs < KILLS or ((killed < TARGET or not enough()) and runs < MAX_RUNS):
        runs += 1
        killed += run_and_kill(script, prepare(runs), window, rng)
        check(runs)
    print(f"crash figures: {name}: {killed} of {runs} runs killed mid-operation")
    if killed < TARGET or not enough():
        pytest.skip(
            f"{name}: only {killed} of {runs} runs were killed mid-operation (the machine is "
            "too busy for the kills to land); every run left a sound journal"
        )
    return killed, runs


def crash_loop(
    name: str,
    path: Path,
    script: str,
    observe: Callable[[Journal], object],
    allowed: Callable[[object, object], bool],
    seed: int,
    args: Callable[[int], list[str]] | None = None,
    next_write: Callable[[Journal, int], object] | None = None,
) -> tuple[int, int]:
    """A :func:`kill_campaign` on one journal; after each run it must pass the integrity check,
    show ``allowed(before, after)`` and accept ``next_write`` (by default, a new encounter).

    ``args(run)`` gives the worker's arguments after the journal's path."""
    extra = args or (lambda run: [])
    before: list[object] = []

    def prepare(run: int) -> list[str]:
        with Journal.open(path) as journal:
            before[:] = [observe(journal)]
        return [str(path), *extra(run)]

    def check(run: int) -> None:
        assert integrity(path) == "ok"
        with Journal.open(path) as journal:
            after = observe(journal)
            assert allowed(before[0], after), (before[0], after)
            if next_write is not None:
                next_write(journal, run)
            else:
                journal.log("After the crash", notes="the next write succeeds", again=True)

    return kill_campaign(name, script, prepare, check, seed)


#: Encounters that one ``log_many`` call of :data:`LOG_MANY` writes.
LOG_MANY_COUNT = 200
#: ``LOG_MANY PATH [PASSPHRASE_FILE]``: :data:`LOG_MANY_COUNT` encounters in one batch, on a
#: plain journal or an encrypted one.
LOG_MANY = """
    import sys
    from netjournal import Journal
    from netjournal.keys import read_passphrase_file
    from netjournal.specs import EncounterSpec
    passphrase = read_passphrase_file(sys.argv[2]) if len(sys.argv) > 2 else None
    with Journal.open(sys.argv[1], passphrase=passphrase) as journal:
        specs = [
            EncounterSpec(person=f"Batch person {i}", notes="batch " * 20,
                          questions=[("q?", "a")], leads=[("advice", f"lead {i}")], tags=["b"],
                          again=True)
            for i in range(COUNT)
        ]
        print("START", flush=True)
        journal.encounters.log_many(specs)
""".replace("COUNT", str(LOG_MANY_COUNT))


def test_killing_a_batch_log_leaves_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"

    def observe(journal: Journal) -> object:
        counts = journal.counts()
        return counts["encounters"], counts["questions"], counts["leads"]

    def allowed(before: object, after: object) -> bool:
        b, a = before, after
        assert isinstance(b, tuple) and isinstance(a, tuple)
        # each run adds its encounters (with their questions and leads) or nothing
        delta = a[0] - b[0]
        return delta in (0, LOG_MANY_COUNT) and a[1] - b[1] == delta and a[2] - b[2] == delta

    crash_loop("log_many", path, LOG_MANY, observe, allowed, seed=1)


MERGE = """
    import sys
    from netjournal import Journal
    with Journal.open(sys.argv[1]) as journal:
        keep, other = [p.id for p in journal.people.find("Merge")][:2]
        print("START", flush=True)
        journal.people.merge(keep, other)
"""


def test_killing_a_merge_leaves_all_or_nothing(tmp_path: Path) -> None:
    template = tmp_path / "template.db"
    with Journal.open(template) as journal:
        journal.people.add("Merge Keep", emails=["keep@x.test"], tags=["k"])
        journal.people.add("Merge Other", emails=["other@x.test"], tags=["o"])
        journal.encounters.log_many(
            EncounterSpec(
                person="Merge Other", notes=str(i), followups=[("2027-01-01", "x")], again=True
            )
            for i in range(300)
        )

    def path(run: int) -> Path:
        return tmp_path / f"run{run}" / "journal.db"

    def prepare(run: int) -> list[str]:  # each run merges the two in a copy of the template
        path(run).parent.mkdir()
        shutil.copy(template, path(run))
        return [str(path(run))]

    def check(run: int) -> None:
        assert integrity(path(run)) == "ok"
        with Journal.open(path(run)) as journal:
            people = {p.display_name: p for p in journal.people.find("Merge")}
            counts = journal.counts()
            assert counts["encounters"] == 300 and counts["followups"] == 300
            if len(people) == 2:  # rolled back: untouched
                detail = journal.people.show("Merge Other")
                assert len(detail.encounters) == 300
            else:  # committed: everything moved over
                assert list(people) == ["Merge Keep"]
                detail = journal.people.show("Merge Keep")
                assert len(detail.encounters) == 300
                assert sorted(detail.person.emails) == ["keep@x.test", "other@x.test"]
            journal.log("After the crash", again=True)

    kill_campaign("merge", MERGE, prepare, check, seed=2)


# The CLI itself, run in the worker after START: the same code path as `netjournal ...` in a
# shell, without counting the interpreter's start-up in the kill window.
CLI = """
    import sys
    from netjournal.cli.main import main
    import netjournal.cli.commands.importing, netjournal.cli.commands.log  # noqa: F401
    import netjournal.cli.commands.db  # noqa: F401
    from netjournal import Journal  # noqa: F401  (the library, imported before START)
    import netjournal.importers.linkedin, netjournal.batch  # noqa: F401
    print("START", flush=True)
    main(["--db", sys.argv[1], *sys.argv[2:]])
"""
IMPORT_ROWS = 1000


def _connections_csv(path: Path, run: int) -> Path:
    """A LinkedIn export of ``IMPORT_ROWS`` people nobody has imported before."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as fp:
        writer = csv.writer(fp)
        writer.writerow(
            ["First Name", "Last Name", "URL", "Email Address", "Company", "Position"]
            + ["Connected On"]
        )
        for i in range(IMPORT_ROWS):
            writer.writerow(
                [
                    f"Run{run}",
                    f"Contact{i}",
                    f"https://www.linkedin.com/in/run{run}-contact{i}",
                    f"run{run}.contact{i}@example.test",
                    f"Company {i % 40}",
                    "Head of something",
                    "09 Oct 2024",
                ]
            )
    return path


def test_killing_a_large_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"

    def args(run: int) -> list[str]:
        csv_file = _connections_csv(tmp_path / f"Connections-{run}.csv", run)
        return ["import", "linkedin", str(csv_file)]

    def observe(journal: Journal) -> object:
        counts = journal.counts()
        return counts["people"], counts["encounters"]

    def allowed(before: object, after: object) -> bool:
        assert isinstance(before, tuple) and isinstance(after, tuple)
        people, encounters = after[0] - before[0], after[1] - before[1]
        # an imported LinkedIn connection is a person and the encounter of connecting
        return people in (0, IMPORT_ROWS) and encounters in (0, people)

    crash_loop("import", path, CLI, observe, allowed, seed=3, args=args)
    with Journal.open(path) as journal:  # every completed import is whole, person by person
        people = journal.people.find("Run", limit=100_000)
        runs = Counter(person.display_name.split()[0] for person in people)
        assert set(runs.values()) == {IMPORT_ROWS}, runs


BATCH_BLOCKS = 150


def _evening(path: Path) -> Path:
    lines = ["event: Crash Night", "date: 2026-01-10", "kind: meetup", ""]
    for i in range(BATCH_BLOCKS):
        lines += [
            f"person: Batch Guest {i}",
            f"org: Guest Org {i % 30}",
            f"asked: What keeps you busy, guest {i}? => Shipping release {i}",
            f"lead: advice: Lead number {i}",
            f"follow-up: 2027-01-01: Call guest {i}",
            f"tags: crash, t{i % 5}",
            f"Notes about guest {i}.",
            "again: yes",  # every run logs the same evening again
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_killing_log_batch_leaves_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    evening = _evening(tmp_path / "evening.txt")

    def observe(journal: Journal) -> object:
        c = journal.counts()
        return c["people"], c["encounters"], c["questions"], c["leads"], c["followups"]

    def allowed(before: object, after: object) -> bool:
        assert isinstance(before, tuple) and isinstance(after, tuple)
        people, *rest = (a - b for a, b in zip(after, before, strict=True))
        # every block adds one encounter, question, lead and follow-up; a block's person is new
        # only the first time the evening is logged (later runs find them by name)
        return (
            rest[0] in (0, BATCH_BLOCKS)
            and set(rest) == {rest[0]}
            and (people == 0 or (people == BATCH_BLOCKS and rest[0] == BATCH_BLOCKS))
        )

    crash_loop(
        "log --batch",
        path,
        CLI,
        observe,
        allowed,
        seed=4,
        args=lambda run: ["log", "--batch", str(evening)],
    )
    with Journal.open(path) as journal:
        event = journal.events.get("Crash Night")
        encounters = journal.encounters.list(event=event.id)
        assert len(encounters) % BATCH_BLOCKS == 0


UPGRADE_ENCOUNTERS = 10_000


def _old_journal(path: Path) -> dict[str, int]:
    """A journal full of data at the revision before head, as an older netjournal left it.

    A few hundred encounters with everything they can hold come through the API at head, then
    the journal is migrated down one revision; plain encounters are then added in SQL, so the
    upgrade (its backup, then the last migration) has a real amount of data to go through.
    Returns its counts."""
    from alembic import command
    from sqlalchemy import create_engine

    with Journal.open(path) as journal:
        journal.events.add("Upgrade Night", "2026-01-10", tags=["upgrade"])
        journal.encounters.log_many(
            EncounterSpec(
                person=f"Upgrade Person {i}",
                event="Upgrade Night",
                notes=f"Talked about shipment {i}",
                questions=[(f"Question {i}?", "an answer")],
                leads=[("advice", f"Lead {i}")],
                followups=[("2027-01-01", f"Call {i}")],
                tags=["upgrade"],
            )
            for i in range(300)
        )
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), schema.REVISIONS[-2])
        conn.exec_driver_sql(
            "INSERT INTO encounters (person_id, date, notes, pitched, created_at, updated_at) "
            "VALUES (?, '2026-02-01', ?, 0, '2026-02-01 10:00:00', '2026-02-01 10:00:00')",
            [(1 + i % 300, f"Talked about shipment {300 + i}") for i in range(UPGRADE_ENCOUNTERS)],
        )
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    counts = {"people": 300, "events": 1, "encounters": 300 + UPGRADE_ENCOUNTERS}
    return counts | {"questions": 300, "leads": 300, "outcomes": 0, "followups": 300}


def _revision(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.skipif(len(schema.REVISIONS) < 2, reason="needs a schema older than head")
def test_killing_a_schema_upgrade_leaves_the_old_or_the_new_journal(tmp_path: Path) -> None:
    template = tmp_path / "template.db"
    counts = _old_journal(template)
    old = schema.REVISIONS[-2]
    assert _revision(template) == old
    seen: Counter[str] = Counter()

    def folder(run: int) -> Path:
        return tmp_path / f"run{run}"

    def prepare(run: int) -> list[str]:
        folder(run).mkdir()
        path = folder(run) / "journal.db"
        shutil.copyfile(template, path)
        path.chmod(0o600)
        return [str(path), "db", "upgrade"]

    def check(run: int) -> None:
        path = folder(run) / "journal.db"
        assert integrity(path) == "ok"
        revision = _revision(path)
        assert revision in (old, schema.HEAD)
        seen[revision] += 1
        if revision == old:  # rolled back: still the old journal, refused until upgraded
            with pytest.raises(SchemaOutOfDate):
                Journal.open(path)
        for leftover in folder(run).iterdir():  # a backup is complete or absent; all private
            assert leftover.stat().st_mode & 0o777 == 0o600, leftover
            if leftover.name.endswith(".bak"):
                assert integrity(leftover) == "ok" and _revision(leftover) == old
        Journal.upgrade(path)  # the retried upgrade succeeds
        assert _revision(path) == schema.HEAD and integrity(path) == "ok"
        with Journal.open(path) as journal:
            assert journal.counts() == counts
            last = 300 + UPGRADE_ENCOUNTERS - 1
            hits = journal.search(f"shipment {last}", kinds="encounter", limit=1)
            assert [h.person for h in hits] == [f"Upgrade Person {last % 300}"]
            assert len(journal.search("lead", kinds="lead", limit=1000)) == 300
            assert len(journal.search(tags="upgrade", kinds="encounter", limit=1000)) == 300
            journal.log("After the crash", again=True)

    # some kill must land before the upgrade committed (the old journal is then kept)
    kill_campaign("upgrade", CLI, prepare, check, seed=5, enough=lambda: seen[old] > 0)


@pytest.mark.skipif(len(schema.REVISIONS) < 2, reason="needs a schema older than head")
def test_an_upgrade_whose_backup_fails_leaves_no_backup_and_the_old_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import netjournal.backup as backup

    path = tmp_path / "journal.db"
    counts = _old_journal(path)
    real = backup.sqlite_backup

    def fails_after_writing(source: Path, target: Path, key: object = None) -> Path:
        real(source, target, key)  # type: ignore[arg-type]  # the copy is written...
        raise JournalUnavailable("No space left on device.")  # ...then the disk fills up

    monkeypatch.setattr(backup, "sqlite_backup", fails_after_writing)
    with pytest.raises(JournalUnavailable, match="No space"):
        Journal.upgrade(path)
    assert sorted(p.name for p in tmp_path.iterdir() if "bak" in p.name or "part" in p.name) == []
    assert _revision(path) == schema.REVISIONS[-2]
    monkeypatch.undo()
    assert Journal.upgrade(path) is not None
    with Journal.open(path) as journal:
        assert journal.counts() == counts


UNDO = """
    import sys
    from netjournal import Journal
    with Journal.open(sys.argv[1]) as journal:
        # the most recent large change set: the batch, or the latest undo or redo of it
        big = next(c for c in journal.history(limit=None) if c.rows >= 1600)
        print("START", flush=True)
        journal.undo(big.id)
"""


def test_killing_an_undo_leaves_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        journal.encounters.log_many(
            EncounterSpec(
                person=f"Undo person {i}",
                notes="undo " * 20,
                questions=[("q?", "a")],
                leads=[("advice", f"lead {i}")],
                tags=["u"],
            )
            for i in range(400)
        )

    def observe(journal: Journal) -> object:
        counts = journal.counts()
        return counts["encounters"], counts["questions"], counts["leads"], counts["people"]

    def allowed(before: object, after: object) -> bool:
        assert isinstance(before, tuple) and isinstance(after, tuple)
        # each run undoes (or redoes) the whole batch of 400, or nothing
        deltas = {a - b for a, b in zip(after, before, strict=True)}
        return len(deltas) == 1 and deltas.pop() in (0, 400, -400)

    def next_write(journal: Journal, run: int) -> object:
        # a write that takes no id the batch had: SQLite hands freed ids out again, and a new
        # encounter holding one of them would (rightly) block redoing the batch
        return journal.set_profile(name=f"After crash {run}")

    crash_loop("undo", path, UNDO, observe, allowed, seed=7, next_write=next_write)


QUICK = """
    print("START", flush=True)
"""


def test_a_machine_too_busy_to_land_kills_skips_and_a_defect_still_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crash tests themselves: a worker that always finishes before the kill (as on a
    machine so busy that the kill window keeps missing) makes more runs, then a skip, never a
    failure; a broken invariant fails at once, however many kills landed."""
    monkeypatch.setattr(sys.modules[__name__], "KILLS", 2)
    monkeypatch.setattr(sys.modules[__name__], "TARGET", 1)
    monkeypatch.setattr(sys.modules[__name__], "MAX_RUNS", 4)

    def finishes_first(script: str, args: list[str], window: KillWindow, rng: object) -> bool:
        subprocess.run([sys.executable, "-c", textwrap.dedent(script)], check=True)
        return False  # the kill came too late: the worker had finished

    monkeypatch.setattr(sys.modules[__name__], "run_and_kill", finishes_first)
    checked: list[int] = []
    with pytest.raises(pytest.skip.Exception, match="only 0 of 4 runs were killed"):
        kill_campaign("quick", QUICK, lambda run: [str(tmp_path)], checked.append, seed=0)
    assert checked == [0, 1, 2, 3, 4]  # every run, the measuring one included, was checked

    def defect(run: int) -> None:
        assert run < 2, "a partial write"

    with pytest.raises(AssertionError, match="a partial write"):
        kill_campaign("quick", QUICK, lambda run: [str(tmp_path)], defect, seed=0)


# -- an encrypted journal (SQLCipher, issue 17) ----------------------------------------------
# A killed batch log leaves all or nothing and pages whose every HMAC checks; a killed
# ``db encrypt`` or ``db rekey`` leaves the old journal or the new one, whole, never a mix.

ENCRYPTED_PASS = "phrase de passe «longue»"
ENCRYPTED_NEW = "une toute autre phrase"


def test_killing_a_batch_log_on_an_encrypted_journal_leaves_all_or_nothing(
    tmp_path: Path,
) -> None:
    pytest.importorskip("sqlcipher3")
    path = tmp_path / "journal.db"
    secret = passphrase_file(tmp_path, ENCRYPTED_PASS)
    Journal.open(path, passphrase=ENCRYPTED_PASS).close()
    before: list[int] = []

    def prepare(run: int) -> list[str]:
        with Journal.open(path, passphrase=ENCRYPTED_PASS) as journal:
            before[:] = [journal.counts()["encounters"]]
        return [str(path), str(secret)]

    def check(run: int) -> None:
        assert cipher_checks(path, ENCRYPTED_PASS) == ("ok", "ok")
        with Journal.open(path, passphrase=ENCRYPTED_PASS) as journal:
            added = journal.counts()["encounters"] - before[0]
            assert added in (0, LOG_MANY_COUNT), added
            journal.log("After the crash", notes="the next write succeeds", again=True)

    kill_campaign("encrypted log_many", LOG_MANY, prepare, check, seed=1701)


CONVERT_ENCRYPTION = """
    import sys
    from netjournal import Journal
    from netjournal.keys import read_passphrase_file
    path, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
    print("START", flush=True)
    if old == "-":
        Journal.encrypt(path, read_passphrase_file(new))
    else:
        Journal.rekey(path, read_passphrase_file(new), passphrase=read_passphrase_file(old))
"""


def _plain_template(tmp_path: Path) -> tuple[Path, int]:
    """A plain journal of some size, and its number of people."""
    from netjournal.specs import EncounterSpec

    template = tmp_path / "template" / "journal.db"
    with Journal.open(template) as journal:
        journal.encounters.log_many(
            [EncounterSpec(person=f"Person {i}", notes="words " * 40) for i in range(600)]
        )
        people = journal.counts()["people"]
    return template, people


@pytest.mark.parametrize("conversion", ["encrypt", "rekey"])
def test_killing_a_conversion_leaves_the_old_journal_or_the_new_one(
    tmp_path: Path, conversion: str
) -> None:
    pytest.importorskip("sqlcipher3")
    template, people = _plain_template(tmp_path)
    path = tmp_path / "run" / "journal.db"
    path.parent.mkdir()
    old_secret = passphrase_file(tmp_path, ENCRYPTED_PASS, "old.txt")
    new_secret = passphrase_file(tmp_path, ENCRYPTED_NEW, "new.txt")
    outcomes: list[str] = []

    def prepare(run: int) -> list[str]:
        for stale in path.parent.iterdir():
            stale.unlink()
        shutil.copy(template, path)
        if conversion == "rekey":
            Journal.encrypt(path, ENCRYPTED_PASS)
            return [str(path), str(old_secret), str(new_secret)]
        return [str(path), "-", str(new_secret)]

    def check(run: int) -> None:
        state = cipher.file_state(path)
        side = [p.name for p in path.parent.iterdir() if p.name.startswith("journal.db-")]
        if conversion == "encrypt" and state == "plain":
            outcome, passphrase = "old", None
        elif state == "encrypted":
            try:
                Journal.open(path, passphrase=ENCRYPTED_NEW, create=False).close()
                outcome, passphrase = "new", ENCRYPTED_NEW
            except cipher.WrongPassphrase:
                assert conversion == "rekey"
                outcome, passphrase = "old", ENCRYPTED_PASS
        else:
            pytest.fail(f"run {run}: the journal is {state}")
        if outcome == "new":
            assert side == [], side  # no log of the old file beside the new one
        if passphrase is not None:
            assert cipher_checks(path, passphrase) == ("ok", "ok")
        with Journal.open(path, passphrase=passphrase, create=False) as journal:
            assert journal.counts()["people"] == people
            journal.log("After the crash", again=True)
        outcomes.append(outcome)

    kill_campaign(f"{conversion} killed", CONVERT_ENCRYPTION, prepare, check, seed=1702)
    print(f"crash figures: {conversion}: outcomes {sorted(set(outcomes))}")
