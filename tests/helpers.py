"""What several test files share: where the corpus and the PostgreSQL server are, how to empty a
PostgreSQL journal fast, Hypothesis budgets, and the journals and inputs the tests build on.

Test files import from here (``from helpers import seed``), never from one another; fixtures
live in ``conftest.py``.
"""

from __future__ import annotations

import os
import subprocess
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy import Engine

    from netjournal import Journal
    from netjournal.models import Encounter

#: A PostgreSQL server URL (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``):
#: with it, every ``journal``/``journal_url`` test also runs on PostgreSQL.
PG_ENV = "NETJOURNAL_TEST_POSTGRES_URL"

#: The third-party import corpus: by default ``shared/corpus`` beside the checkout
#: (``<checkout>/../shared/corpus``), or wherever this variable points.
CORPUS_ENV = "NETJOURNAL_CORPUS"
DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def corpus_location() -> Path:
    """Where the tests look for the corpus (``$NETJOURNAL_CORPUS``, else beside the checkout)."""
    configured = os.environ.get(CORPUS_ENV)
    return Path(configured).expanduser().resolve() if configured else DEFAULT_CORPUS


def corpus_missing_reason(location: Path) -> str:
    """The skip reason of a corpus test, telling a newcomer how to get the corpus."""
    return (
        f"the shared import corpus is absent ({location}): put a shared/ folder holding "
        f"corpus/ beside the checkout, or set {CORPUS_ENV}=/path/to/corpus"
    )


def pg_admin_url() -> str | None:
    """The PostgreSQL server the tests may create databases on, if any."""
    return os.environ.get(PG_ENV) or None


def pg_worker_database() -> str:
    """A database name of this test run and this pytest-xdist worker: two workers, or two runs
    started at once by different people on the same server, never share a database."""
    import uuid

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or os.environ.setdefault(
        "NETJOURNAL_TEST_RUN", uuid.uuid4().hex
    )
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"netjournal_test_{run[:10]}_{worker}"


class SharedCompiledCache:
    """One cache of compiled SQL for every engine of a test process.

    SQLAlchemy keeps compiled statements per engine, keyed by the dialect object; each test
    opens a journal of its own, hence an engine of its own, and compiled every statement again:
    two fifths of a typical test's time. Here the key names the dialect by its class and
    driver instead (every engine of a process talks to the same SQLite library or the same
    server, and netjournal creates them alike), so a statement is compiled once per process.
    A test-suite measure: the command line opens one engine per process anyway."""

    def __init__(self, size: int = 20_000) -> None:
        from sqlalchemy.util import LRUCache

        self._cache: Any = LRUCache(size)

    @staticmethod
    def _key(key: tuple[Any, ...]) -> tuple[Any, ...]:
        dialect = key[0]
        return ((type(dialect), getattr(dialect.dbapi, "__name__", None)), *key[1:])

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        return self._cache.get(self._key(key), default)

    def __setitem__(self, key: tuple[Any, ...], value: Any) -> None:
        self._cache[self._key(key)] = value


class ParkedConnections:
    """PostgreSQL connections to this worker's database, kept open from one test to the next.

    Each test opens journals of its own, hence engines of its own, and closing a journal
    closes its connections: every test paid for a new server process (its fork, its login,
    SQLAlchemy's first-connection queries) and then for that process's cold caches (the
    history triggers' PL/pgSQL compiled again, the catalog read again), about a fifth of a
    PostgreSQL test's time. Here a connection a journal closes is parked instead, and the next
    engine that connects to the same database takes it, as a connection pool in front of the
    server would hand it over: rolled back, its session settings reset (``RESET ALL``,
    ``DISCARD TEMP``...) and its notice handlers removed (SQLAlchemy adds its own on each
    connect). Only the worker's own database is served so; a connection the server broke is
    closed, not parked. A test-suite measure: the command line connects once per process.
    """

    #: More idle connections than a test ever holds at once would only keep server processes.
    KEEP = 8
    _RESET = (
        "RESET ALL; DISCARD TEMP; DISCARD SEQUENCES; UNLISTEN *; SELECT pg_advisory_unlock_all()"
    )

    def __init__(self, database: str) -> None:
        import psycopg

        self.database = database
        self._idle: dict[tuple[Any, ...], list[Any]] = {}
        idle = self._idle
        keep = self.KEEP

        class Parkable(psycopg.Connection):  # type: ignore[type-arg]
            park_key: tuple[Any, ...] | None = None

            def close(self) -> None:
                key = self.park_key
                if key is not None and not self.closed and not self.broken:
                    stack = idle.setdefault(key, [])
                    if len(stack) < keep:
                        try:
                            self.rollback()
                        except psycopg.Error:
                            pass
                        else:
                            stack.append(self)
                            return
                super().close()

            def really_close(self) -> None:
                super().close()

        self._class = Parkable

    def connect(self, dialect: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]) -> Any:
        """A connection for SQLAlchemy's ``do_connect`` event: a parked one, else a new one;
        ``None`` (SQLAlchemy connects as usual) for any other database or backend."""
        if dialect.name != "postgresql" or cparams.get("dbname") != self.database:
            return None
        # SQLAlchemy gives each engine's dialect its own (identically set up) adapters map
        key = (cargs, tuple(sorted((k, repr(v)) for k, v in cparams.items() if k != "context")))
        stack = self._idle.get(key, [])
        while stack:
            connection = stack.pop()
            try:
                connection.autocommit = True
                connection.execute(self._RESET)
                connection.autocommit = False
                connection.isolation_level = None
                connection.read_only = None
                for handler in list(connection._notice_handlers):
                    connection.remove_notice_handler(handler)
            except Exception:
                connection.really_close()
                continue
            return connection
        connection = self._class.connect(*cargs, **cparams)
        connection.park_key = key
        return connection

    def close(self) -> None:
        """Close every parked connection (before the database is dropped)."""
        for stack in self._idle.values():
            for connection in stack:
                connection.really_close()
        self._idle.clear()


_engines: dict[str, Engine] = {}
_emptying: dict[str, tuple[list[str], list[str]]] = {}


def _engine(url: str) -> Engine:
    from sqlalchemy import create_engine

    if url not in _engines:
        _engines[url] = create_engine(url, pool_size=1)
    return _engines[url]


def kept_engine(engine: Engine) -> bool:
    """Whether ``engine`` is one :func:`reset_postgres` keeps between tests."""
    return any(engine is kept for kept in _engines.values())


def dispose_engines() -> None:
    """Close the connections :func:`reset_postgres` keeps (before a database is dropped)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _emptying.clear()


def reset_postgres(url: str) -> None:
    """Empty every table of a PostgreSQL journal (keeping the schema) and restart its ids, so a
    test starts from a blank journal, as a new one would be.

    ``DELETE``, children first, is several times faster than ``TRUNCATE`` on tables this small
    (``TRUNCATE`` rewrites each table's files); the open change set goes first so that the
    history triggers record nothing. Tables the order cannot handle fall back to ``TRUNCATE``."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = _engine(url)
    tables, sequences = _tables_of(url)
    # one round trip; setval rather than ALTER SEQUENCE ... RESTART, which rewrites the catalog
    statements = [f'DELETE FROM "{table}"' for table in tables]
    statements += [f"SELECT setval('\"{sequence}\"', 1, false)" for sequence in sequences]
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("; ".join(statements))
    except DBAPIError:
        with engine.begin() as conn:
            joined = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {joined} RESTART IDENTITY CASCADE"))


def fresh_sqlite(template: Path, folder: Path) -> Path:
    """``folder/journal.db``: a copy of the template (its content and its private mode), an
    empty journal without running the migrations (``sqlite_template`` in conftest.py)."""
    import shutil

    path = folder / "journal.db"
    shutil.copy(template, path)
    return path


def _tables_of(url: str) -> tuple[list[str], list[str]]:
    """The tables of the journal at ``url`` (children first, the open change set first of
    all) and its sequences, read once."""
    from sqlalchemy import MetaData, text

    if url in _emptying:
        return _emptying[url]
    with _engine(url).begin() as conn:
        metadata = MetaData()
        metadata.reflect(conn)
        tables = [t.name for t in reversed(metadata.sorted_tables)]
        tables = [t for t in tables if t != "alembic_version"]
        if "change_open" in tables:
            tables.remove("change_open")
            tables.insert(0, "change_open")
        query = (
            "SELECT sequence_name FROM information_schema.sequences "
            "WHERE sequence_schema = current_schema()"
        )
        sequences = list(conn.execute(text(query)).scalars())
    _emptying[url] = (tables, sequences)
    return _emptying[url]


class Seeds:
    """Journals that several tests build alike, built once per test process and backend, then
    copied into each test's empty journal instead of being written again through the API.

    ``restore(url, build)``: the first time, ``build(journal)`` runs on the journal at ``url``
    (it must be empty) and what it wrote is kept; later calls put the same rows in the empty
    journal at ``url``. Returns what ``build`` returned (ids, never the journal). A SQLite
    journal is copied with SQLite's backup API (page by page, through its locks, so a
    connection already open on it sees the copy); a PostgreSQL one table by table with
    ``COPY``, triggers off (the history and the search index are copied as rows), then its
    sequences. The copy holds exactly what the build wrote, its history included, and the
    same ids; a few milliseconds instead of a few hundred. Turning triggers off takes a
    superuser: for a PostgreSQL test user that is not one, every test builds its journal.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._kept: dict[tuple[str, str], tuple[Any, Any]] = {}

    def restore(self, url: str, build: Any) -> Any:
        from netjournal import Journal

        postgresql = url.startswith("postgresql")
        key = ("postgresql" if postgresql else "sqlite", f"{build.__module__}.{build.__qualname__}")
        copied = not postgresql or _superuser(url)
        if copied and key in self._kept:
            kept, value = self._kept[key]
            if postgresql:
                self._load_postgresql(url, kept)
            else:
                _sqlite_copy(kept, url)
            return value
        with Journal.open(url) as journal:
            value = build(journal)
        if copied:
            kept = self._dump_postgresql(url) if postgresql else self._dump_sqlite(url, key)
            self._kept[key] = (kept, value)
        return value

    def _dump_sqlite(self, path: str, key: tuple[str, str]) -> Path:
        copy = self._folder / f"{len(self._kept)}-{key[1].rsplit('.', 1)[-1]}.db"
        _sqlite_copy(path, copy)
        return copy

    @staticmethod
    def _dump_postgresql(url: str) -> tuple[dict[str, bytes], list[tuple[str, int, bool]]]:
        from sqlalchemy import text

        tables, sequences = _tables_of(url)
        rows: dict[str, bytes] = {}
        with _engine(url).connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            for table in tables:
                with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                    data = b"".join(bytes(block) for block in copy)
                if data:
                    rows[table] = data
            states = [
                (name, *conn.execute(text(f'SELECT last_value, is_called FROM "{name}"')).one())
                for name in sequences
            ]
            conn.rollback()
        return rows, states

    @staticmethod
    def _load_postgresql(
        url: str, kept: tuple[dict[str, bytes], list[tuple[str, int, bool]]]
    ) -> None:
        rows, states = kept
        with _engine(url).begin() as conn:
            cursor = conn.connection.driver_connection.cursor()
            cursor.execute("SET LOCAL session_replication_role = replica")  # no trigger fires
            for table, data in rows.items():
                with cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                    copy.write(data)
            for name, value, called in states:
                cursor.execute("SELECT setval(%s, %s, %s)", (f'"{name}"', value, called))


_superusers: dict[str, bool] = {}


def _superuser(url: str) -> bool:
    """Whether the PostgreSQL user of ``url`` may turn triggers off (asked once)."""
    from sqlalchemy import text

    if url not in _superusers:
        with _engine(url).connect() as conn:
            _superusers[url] = conn.execute(text("SHOW is_superuser")).scalar() == "on"
    return _superusers[url]


def _sqlite_copy(source: str | Path, target: str | Path) -> None:
    import sqlite3

    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def drives_the_command_line(test: Any) -> bool:
    """Whether the test function ``test`` (or a function nested in it) calls the command line:
    the helpers of ``clirun``, click's test runner or the entry point itself."""
    import types

    def names(code: types.CodeType) -> Iterator[str]:
        yield from code.co_names
        for constant in code.co_consts:
            if isinstance(constant, types.CodeType):
                yield from names(constant)

    namespace = getattr(test, "__globals__", {})
    for name in names(test.__code__):
        value = namespace.get(name)
        origin = getattr(value, "__module__", None) or getattr(value, "__name__", None) or ""
        if origin == "clirun" or origin.startswith(("click.testing", "netjournal.cli")):
            return True
    return False


def examples(thorough: int) -> int:
    """A Hypothesis test's example budget: ``thorough`` under the ``ci`` profile, scaled down
    like the profile's default under ``dev`` (``tests/conftest.py`` registers both)."""
    from hypothesis import settings

    scaled = round(thorough * settings.default.max_examples / 100)
    return max(scaled, min(thorough, 10))


#: The history's own tables: a copy of a journal (export, import) does not copy them.
HISTORY_TABLES = {"changes", "change_rows", "change_open"}


def snapshot(journal: Journal, *, history: bool = True) -> dict[str, Any]:
    """Every row of every table (but for the history's without ``history``), to prove that a
    refused call changed nothing, or that a copy holds the same records."""
    from netjournal.models import Base

    with journal.engine.connect() as conn:
        return {
            table.name: sorted(map(tuple, conn.execute(table.select()).all()), key=repr)
            for table in Base.metadata.sorted_tables
            if history or table.name not in HISTORY_TABLES
        }


def seed(journal: Journal) -> Encounter:
    """An evening with a bit of everything: a profile, an event, a person met, one introducer."""
    from netjournal.specs import LeadSpec

    journal.set_profile(fields=["Software"], hourly_rate="80", currency="EUR")
    journal.events.add(
        "Lyon Tech Meetup",
        "2026-11-20",
        kind="meetup",
        location="Lyon",
        series="Lyon Tech",
        hours="3.5",
        cost="25.00",
        tags=["lyon", "tech"],
    )
    journal.people.add("Paul Martin", organization="Acme", emails=["paul@acme.test"])
    return journal.log(
        "Hélène Dubois",
        event="lyon tech",
        organization="Emballix",
        title="Head of operations",
        field="Packaging",
        email="helene@emballix.test",
        phone="+33 6 12 34 56 78",
        notes="Met at the bar; très sympa",
        stakes="Needs to cut packaging costs",
        wishes="Wants a CRM that works offline",
        introduced_by="Paul",
        tags=["follow", "packaging"],
        questions=[
            ("Who supplies your boxes?", "A Lyon firm 20% cheaper than ours"),
            "What keeps you up at night?",
        ],
        leads=[
            ("supplier", "Her box supplier in Lyon"),
            LeadSpec("marketing", "Trade-show booth idea", details="Share a booth", tags=["idea"]),
        ],
        followups=[("2026-11-27", "Send our volumes")],
    )


def rich(journal: Journal) -> None:
    """Seed's evening plus what it lacks: outcomes, a second encounter, tags on the person,
    follow-ups done and open, an introducer who is also met, a person with no encounter."""
    seed(journal)
    lead = journal.leads.list()[0]
    journal.outcomes.add(lead.id, "Switched supplier", value="1200.50", date="2026-12-01")
    journal.outcomes.add(lead.id, "Second order", value="99", date="2026-12-01")
    journal.log("Hélène Dubois", date="2026-12-03", notes="Coffee", pitched=True, tags=["warm"])
    journal.log("Paul Martin", date="2026-11-01", followups=[("2026-11-02", "Call back")])
    journal.people.update("Paul Martin", add_tags=["friend"], phones=["+33 1 00 00 00 00"])
    journal.people.add("Zoé Nobody")
    done = journal.followups.list()[0]
    journal.followups.done(done.id)


def assert_no_orphans(journal: Journal) -> None:
    """No row points at a person, encounter or lead that is gone."""
    from sqlalchemy import text

    checks = {
        "contact points": "SELECT count(*) FROM contact_points c "
        "LEFT JOIN people p ON p.id = c.person_id WHERE p.id IS NULL",
        "encounters": "SELECT count(*) FROM encounters e "
        "LEFT JOIN people p ON p.id = e.person_id WHERE p.id IS NULL",
        "introductions": "SELECT count(*) FROM encounters e LEFT JOIN people p "
        "ON p.id = e.introduced_by_id WHERE e.introduced_by_id IS NOT NULL AND p.id IS NULL",
        "questions": "SELECT count(*) FROM questions q "
        "LEFT JOIN encounters e ON e.id = q.encounter_id WHERE e.id IS NULL",
        "leads": "SELECT count(*) FROM leads l "
        "LEFT JOIN encounters e ON e.id = l.encounter_id WHERE e.id IS NULL",
        "outcomes": "SELECT count(*) FROM outcomes o "
        "LEFT JOIN leads l ON l.id = o.lead_id WHERE l.id IS NULL",
        "followups": "SELECT count(*) FROM followups f "
        "LEFT JOIN people p ON p.id = f.person_id WHERE p.id IS NULL",
        "person tags": "SELECT count(*) FROM person_tags t "
        "LEFT JOIN people p ON p.id = t.person_id WHERE p.id IS NULL",
        "encounter tags": "SELECT count(*) FROM encounter_tags t "
        "LEFT JOIN encounters e ON e.id = t.encounter_id WHERE e.id IS NULL",
        "lead tags": "SELECT count(*) FROM lead_tags t "
        "LEFT JOIN leads l ON l.id = t.lead_id WHERE l.id IS NULL",
    }
    with journal.engine.connect() as conn:
        found = {name: conn.execute(text(sql)).scalar_one() for name, sql in checks.items()}
    assert found == dict.fromkeys(checks, 0)


#: Text that means something to SQL, FTS, LIKE, shells, terminals or Unicode layout.
FRAGMENTS = [
    "'; DROP TABLE people; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM encounters;--",
    "%",
    "_",
    "\\",
    "\\%",
    '"',
    "*",
    "NEAR(",
    "NEAR(a b, 2)",
    "head:",
    "body:x",
    "-",
    "OR",
    "AND NOT",
    "^",
    "()",
    "{",
    "$1",
    ":name",
    "?",
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
    "مرحبا",
    "שלום",
    "👩🏽‍💻",
    "🇫🇷",
    "e\u0301",  # e + combining acute
    "Å",
    "ǅ",
    "ß",
    "\t",
    "\r\n",
    "\x1b[31m",
    "\x7f",
    "\x01",
    "\u2028",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "${jndi:ldap://x}",
    "%s%n",
]


# -- vdirs (netjournal sync vdir) -----------------------------------------------------------

#: A vCard 3.0 with properties netjournal does not model (a birthday, an X- property, an
#: Apple-style grouped address with its label, a folded photo): see :func:`vcard`.
VCARD = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "UID:card-{n}\r\n"
    "FN:{name}\r\n"
    "N:{family};{given};;;\r\n"
    "EMAIL;TYPE=INTERNET:{email}\r\n"
    "BDAY:1980-02-03\r\n"
    "X-CUSTOM;X-PARAM=1:kept as it is\r\n"
    "item1.ADR:;;1 Main Street;Lyon;;69001;France\r\n"
    "item1.X-ABLabel:home\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEB\r\n"
    " AQEBAkGBgUGBwkIBwcHBwgJCgsNDAsKCAkKCwoKDAsMDQ4NDAwPDg8OEA8PDxAQEA==\r\n"
    "END:VCARD\r\n"
)


def vcard(n: int, name: str, email: str) -> str:
    """One card of :data:`VCARD` (UID ``card-N``) for a vdir sync test."""
    given, family = name.split(" ", 1)
    return VCARD.format(n=n, name=name, given=given, family=family, email=email)


def edit(path: Path, old: str, new: str) -> None:
    """Change a card as another program would (a new file, so a new mtime)."""
    data = path.read_bytes()
    assert old.encode() in data
    path.write_bytes(data.replace(old.encode(), new.encode(), 1))


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` cannot be written, even by root (who ignores modes: the immutable attribute)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o500 if path.is_dir() else 0o400)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        import pytest

        pytest.skip("running as root where chattr +i is unavailable: cannot make it read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)


# -- encrypted journals ----------------------------------------------------------------------


def passphrase_file(folder: Path, secret: str, name: str = "pass.txt") -> Path:
    """A private file holding ``secret`` on its first line, as ``--passphrase-file`` reads it."""
    file = folder / name
    file.write_text(secret + "\n", encoding="utf-8")
    file.chmod(0o600)
    return file


def cipher_checks(path: Path, passphrase: str) -> tuple[str, str]:
    """SQLite's integrity check and SQLCipher's (every page's HMAC) of an encrypted file.

    SQLCipher's check reads the pages of the file itself, not the WAL. A process killed in
    the middle of a checkpoint leaves pages of the file not yet written (the file already
    extended, the pages still zeros), whose committed copies are in the WAL: SQLite reads
    those, and the next checkpoint writes them. So the WAL is checkpointed first, as the next
    use of the journal would; a page that is wrong with no copy in the WAL still fails."""
    from netjournal import cipher

    key = cipher.derive(passphrase, cipher.salt_of(path))
    connection = cipher.connect(path, key, timeout=60, display=str(path))
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        pages = connection.execute("PRAGMA cipher_integrity_check").fetchall()
    finally:
        connection.close()
    return str(integrity), "ok" if not pages else "; ".join(str(p[0]) for p in pages)


def stand_in_keyring(file: Path) -> Any:
    """keyrings.alt's file keyring in ``file``, rated as a system keyring (priority 1) so that
    netjournal agrees to remember a key in it: the mechanics of remembering and forgetting,
    tested without a desktop session. (The real PlaintextKeyring, rated 0.5, is refused.)"""
    from keyrings.alt.file import PlaintextKeyring

    class StandIn(PlaintextKeyring):  # type: ignore[misc]
        priority = 1

    backend = StandIn()
    backend.file_path = str(file)
    return backend


def assert_touch_kept(journal: Journal) -> None:
    """``person_touch`` (kept by triggers, migration 0013) holds what the records say: each
    person with a cadence, the cadence that applies and the day of their last touch."""
    import datetime as dt

    from sqlalchemy import select

    from netjournal import tables as t
    from netjournal.catchup import _recomputed

    with journal.engine.connect() as conn:
        kept = set(conn.execute(select(t.person_touch)).all())
        query = _recomputed(conn, dt.date(9999, 12, 31), None, lambda _id: [])
        fresh = set(conn.execute(query).all())
    assert kept == fresh


#: One row per lead and question key that followed it (each lead once per key).
PER_LEAD = (
    "SELECT q.asked_key AS key, l.id AS lead_id, l.status AS status, min(q.id) AS first_id "
    "FROM leads l JOIN encounters e ON e.id = l.encounter_id AND e.kind = 'meeting' "
    "JOIN questions q ON q.encounter_id = l.encounter_id GROUP BY q.asked_key, l.id, l.status"
)


def assert_scores_kept(journal: Journal) -> None:
    """``question_scores`` and ``question_worth`` (kept by triggers, migration 0014) hold what
    the records count: per question key, the leads that followed it in meetings, the leads
    won, the first question that surfaced one, and their outcomes' value per currency."""
    from sqlalchemy import select, text

    from netjournal import tables as t

    with journal.engine.connect() as connection:
        kept = set(connection.execute(select(t.question_scores)).all())
        counted = set(
            connection.execute(
                text(
                    "SELECT key, count(*), sum(CASE WHEN status = 'won' THEN 1 ELSE 0 END), "
                    f"min(first_id) FROM ({PER_LEAD}) p GROUP BY key"
                )
            ).all()
        )
        assert kept == counted
        worth = {r for r in connection.execute(select(t.question_worth)).all() if r.value}
        summed = connection.execute(
            text(
                "SELECT p.key, o.currency, sum(o.value) FROM "
                f"({PER_LEAD}) p JOIN outcomes o ON o.lead_id = p.lead_id "
                "WHERE o.value IS NOT NULL GROUP BY p.key, o.currency"
            )
        ).all()
        assert worth == {tuple(r) for r in summed if r[2]}


#: A process logging ``COUNT`` encounters with the same 25 people as the other workers (the
#: concurrency tests run eight at once): ``python -c LOGGING_WORKER URL WORKER COUNT
#: [PASSPHRASE_FILE]``, the file for an encrypted journal.
LOGGING_WORKER = """
import sys
from netjournal import Journal
from netjournal.keys import read_passphrase_file

url, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
passphrase = read_passphrase_file(sys.argv[4]) if len(sys.argv) > 4 else None
with Journal.open(url, passphrase=passphrase) as journal:
    for i in range(count):
        journal.log(
            f"Worker {worker} person {i % 25}",
            notes=f"encounter {i}",
            tags=["concurrency", f"w{worker}"],
            leads=[("advice", f"lead {worker}-{i}")] if i % 10 == 0 else [],
            again=True,  # the same 25 people, met many times today
        )
"""
