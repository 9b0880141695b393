"""Fixtures shared by the whole suite: a fresh journal on every backend, the corpus, the profiles.

``journal_url`` (and ``journal``) run each test on SQLite and on PostgreSQL. PostgreSQL is found
through ``NETJOURNAL_TEST_POSTGRES_URL`` (a server URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); each pytest-xdist worker creates a
database of its own there (named after the run and the worker) and drops it at the end. Without
the variable, the PostgreSQL runs skip with that reason.

Speed: a SQLite journal is a copy of one migrated at the start of the session (running the
migrations for every test would cost a fifth of a second each); a PostgreSQL journal is the
worker's database, emptied between tests with ``DELETE`` rather than ``TRUNCATE``, over
connections parked from one test to the next (``helpers.ParkedConnections``). A journal that
several tests fill alike is written once per worker and copied (``seeds``, ``helpers.Seeds``).
The PostgreSQL run of a test that drives the command line is ``slow`` (see
``pytest_collection_modifyitems``).

Hypothesis: the ``ci`` profile (when ``$CI`` is set) runs each test's full budget; ``dev`` (the
default) runs a fifth of it, for a quick answer while developing. Neither has a deadline: a busy
machine must not fail a test. ``--hypothesis-profile=ci`` picks one by hand.
"""

from __future__ import annotations

import functools
import gc
import itertools
import os
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    PG_ENV,
    ParkedConnections,
    Seeds,
    SharedCompiledCache,
    corpus_location,
    corpus_missing_reason,
    dispose_engines,
    drives_the_command_line,
    fresh_sqlite,
    kept_engine,
    pg_admin_url,
    pg_worker_database,
    reset_postgres,
)
from hypothesis import HealthCheck, settings
from sqlalchemy import Connection, Engine, event

from netjournal import Journal

_LOAD_PROOF = [HealthCheck.too_slow]  # a loaded machine is slow, not wrong
settings.register_profile("ci", deadline=None, suppress_health_check=_LOAD_PROOF, print_blob=True)
settings.register_profile("dev", max_examples=20, deadline=None, suppress_health_check=_LOAD_PROOF)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The PostgreSQL run of a test that drives the command line is ``slow``: the whole suite
    runs it, the quick lane does not. The command line holds no SQL (it parses, calls the
    library, renders), so on PostgreSQL such a test runs again the library calls the library's
    own PostgreSQL tests make, which the quick lane keeps; its SQLite run stays in the quick
    lane too. Without this, the quick lane took half again as long."""
    slow = pytest.mark.slow
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or callspec.params.get("journal_url") != "postgresql":
            continue
        test = getattr(item, "obj", None)
        test = getattr(getattr(test, "hypothesis", None), "inner_test", test)
        if test is not None and drives_the_command_line(test):
            item.add_marker(slow)


def pytest_unconfigure(config: pytest.Config) -> None:
    """A test process ends without the garbage collector walking every object it made: at
    exit, a worker's heap after some 800 tests took four seconds to collect, while the whole
    run waited. What is left open then is closed by the end of the process."""
    gc.freeze()


#: Every engine a test opened, to close what a test left open (see _leftover_engines).
_OPENED: weakref.WeakSet[Engine] = weakref.WeakSet()
_COMPILED = SharedCompiledCache()


@event.listens_for(Engine, "engine_connect")
def _on_engine_connect(connection: Connection) -> None:
    """Each engine compiles into the process's shared cache (helpers.SharedCompiledCache) and
    is remembered, to be closed after the test."""
    engine = connection.engine
    if engine._compiled_cache is not None and engine._compiled_cache is not _COMPILED:
        engine._compiled_cache = _COMPILED  # type: ignore[assignment]
    _OPENED.add(engine)


@pytest.fixture(autouse=True)
def _leftover_engines() -> Iterator[None]:
    """Close the pooled connections of the journals a test did not close: left to the garbage
    collector, they piled up to PostgreSQL's limit of 100 clients and failed later tests with
    "too many clients"."""
    yield
    for engine in list(_OPENED):
        if not kept_engine(engine):
            engine.dispose()
            # Forgotten once closed: an engine lives on in reference cycles until the garbage
            # collector runs, and disposing each again after every later test cost 70 calls
            # a test (a tenth of the quick lane's time).
            _OPENED.discard(engine)


@pytest.fixture(scope="session", autouse=True)
def _no_personal_journal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Neither the tests nor the processes they start can reach the user's own journal: the
    default journal lives in a folder of the session, and ``$NETJOURNAL_DB`` and
    ``$XDG_RUNTIME_DIR`` (the session unlocks) are unset. They
    speak English whatever the machine's locale (``$NETJOURNAL_LANG`` wins over ``LANG``): a
    test of French says so."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))
        patch.delenv("NETJOURNAL_DB", raising=False)
        patch.delenv("XDG_RUNTIME_DIR", raising=False)  # no session unlock unless a test makes one
        patch.setenv("NETJOURNAL_LANG", "en")
        yield


@pytest.fixture(scope="session", autouse=True)
def _each_key_derived_once() -> Iterator[None]:
    """SQLCipher's key derivation (PBKDF2, 256,000 rounds) takes a tenth of a second by design,
    and a test of an encrypted journal opens it again and again with the same passphrase. It is
    a pure function of the passphrase and the file's salt: the test process derives each key
    once (the processes a test starts still derive theirs)."""
    from netjournal import cipher

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cipher, "derive", functools.lru_cache(maxsize=None)(cipher.derive))
        yield


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """This worker's database on the test server, at the schema's head; dropped at the end."""
    admin = pg_admin_url()
    if admin is None:
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/postgres)"
        )
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(admin)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = pg_worker_database()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database = url.set(database=name).render_as_string(hide_password=False)
    parked = ParkedConnections(name)

    def do_connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return parked.connect(dialect, tuple(cargs), cparams)

    event.listen(Engine, "do_connect", do_connect)
    try:
        with Journal.open(database):  # the schema, once per worker
            pass
        yield database
    finally:
        event.remove(Engine, "do_connect", do_connect)
        dispose_engines()
        parked.close()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite journal at head, migrated once per worker and copied by each test."""
    path = tmp_path_factory.mktemp("template") / "journal.db"
    with Journal.open(path):
        pass
    return path


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    """Journals built once per worker and backend, copied into each test's (helpers.Seeds)."""
    return Seeds(tmp_path_factory.mktemp("seeds"))


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL (or path) of an empty journal, once per backend."""
    if request.param == "sqlite":
        return str(fresh_sqlite(request.getfixturevalue("sqlite_template"), tmp_path))
    url: str = request.getfixturevalue("pg_server_url")
    reset_postgres(url)
    return url


@pytest.fixture
def blank_journals(
    request: pytest.FixtureRequest, journal_url: str, tmp_path: Path
) -> Callable[[], str]:
    """A function giving an empty journal (a URL or path) at each call, on the test's backend:
    one per Hypothesis example (PostgreSQL's is the worker's database, emptied again)."""
    counter = itertools.count()

    def make() -> str:
        if journal_url.startswith("postgresql"):
            reset_postgres(journal_url)
            return journal_url
        folder = tmp_path / f"example-{next(counter)}"
        folder.mkdir()
        return str(fresh_sqlite(request.getfixturevalue("sqlite_template"), folder))

    return make


@pytest.fixture
def journal(journal_url: str) -> Iterator[Journal]:
    with Journal.open(journal_url) as opened:
        yield opened


@pytest.fixture
def sqlite_journal(sqlite_template: Path, tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(fresh_sqlite(sqlite_template, tmp_path)) as opened:
        yield opened


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No system keyring for the length of the test: one that refuses everything."""
    import keyring
    from keyring.backends.fail import Keyring as Fail

    previous = keyring.get_keyring()
    keyring.set_keyring(Fail())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def corpus() -> Path:
    """The third-party import corpus (see ``helpers.corpus_location``); skips, saying how to
    get it, when it is absent."""
    location = corpus_location()
    if not location.is_dir():
        pytest.skip(corpus_missing_reason(location))
    return location
