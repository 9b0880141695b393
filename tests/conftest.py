"""Fixtures shared by the whole suite: a fresh journal on every backend.

``journal_url`` (and ``journal``) run each test on SQLite and on PostgreSQL. PostgreSQL is found
through ``NETJOURNAL_TEST_POSTGRES_URL`` (a server URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); the suite creates its own database
there and drops it at the end. Without the variable, the PostgreSQL runs skip with that reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from netjournal import Journal

PG_ENV = "NETJOURNAL_TEST_POSTGRES_URL"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A database of our own on the test server, created once and dropped at the end."""
    admin = _admin_url()
    if admin is None:
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/postgres)"
        )
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(admin)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = f"netjournal_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def _reset_postgres(url: str) -> None:
    """Empty every table (keeping the schema), so each test starts from a blank journal."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            if tables:
                joined = ", ".join(f'"{t}"' for t in tables)
                conn.execute(text(f"TRUNCATE {joined} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL (or path) of an empty journal, once per backend."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.db")
    url = request.getfixturevalue("pg_server_url")
    with Journal.open(url):  # creates the schema the first time
        pass
    _reset_postgres(url)
    return url


@pytest.fixture
def journal(journal_url: str) -> Iterator[Journal]:
    with Journal.open(journal_url) as opened:
        yield opened


@pytest.fixture
def sqlite_journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "journal.db") as opened:
        yield opened


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is absent ({CORPUS})")
    return CORPUS
