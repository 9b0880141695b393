"""Migrations: pytest-alembic's standard checks on SQLite and PostgreSQL, plus the schema gate."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_alembic.tests import (  # noqa: F401  (collected as tests here)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import Engine, create_engine, text

from netjournal import Journal, schema
from netjournal.errors import JournalUnavailable, SchemaOutOfDate, SchemaTooNew

# pytest-alembic's walks run every migration, one by one, up and down again (a second or so
# each): the whole suite runs them, the quick lane does not.
for _walk in (test_model_definitions_match_ddl, test_up_down_consistency, test_upgrade):
    pytest.mark.slow(_walk)


@pytest.fixture
def alembic_config() -> object:
    return schema.alembic_config()


@pytest.fixture(params=["sqlite", "postgresql"])
def alembic_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'alembic.db'}")
        yield engine
        engine.dispose()
        return
    server = request.getfixturevalue("pg_server_url")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"nj_alembic_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(admin.url.set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_head_constant_matches_the_migration_scripts() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(schema.alembic_config())
    assert script.get_current_head() == schema.HEAD
    ordered = [rev.revision for rev in script.walk_revisions()][::-1]
    assert tuple(ordered) == schema.REVISIONS


def _set_revision(url: str, revision: str) -> None:
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_a_newer_journal_is_refused_untouched(journal_url: str) -> None:
    with Journal.open(journal_url) as journal:
        journal.log("Ada Lovelace")
    _set_revision(journal_url, "9999")
    try:
        with pytest.raises(SchemaTooNew, match="newer netjournal"):
            Journal.open(journal_url)
        with pytest.raises(SchemaTooNew):
            Journal.upgrade(journal_url)
        status = Journal.schema_status(journal_url)
        assert status.current == "9999" and not status.up_to_date
    finally:  # the PostgreSQL database is shared by the tests that run after this one
        _set_revision(journal_url, schema.HEAD)


@pytest.mark.skipif(len(schema.REVISIONS) < 2, reason="needs a schema older than head")
def test_an_older_journal_must_be_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "old.db"
    old = schema.REVISIONS[0]
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(schema.alembic_config(conn), old)
        conn.execute(
            text(
                "INSERT INTO people (display_name, name_key, created_at, updated_at) "
                "VALUES ('Ada Lovelace', 'ada lovelace', '2026-01-01', '2026-01-01')"
            )
        )
    engine.dispose()
    with pytest.raises(SchemaOutOfDate, match="netjournal db upgrade"):
        Journal.open(path)
    backup = Journal.upgrade(path)
    assert backup is not None and backup.exists()
    assert backup.stat().st_mode & 0o777 == 0o600
    with Journal.open(path) as journal:
        assert journal.people.get("ada").display_name == "Ada Lovelace"


def test_a_file_that_is_not_a_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"just some text, not SQLite" * 100)
    before = path.read_bytes()
    with pytest.raises(JournalUnavailable, match="not a netjournal journal"):
        Journal.open(path)
    assert path.read_bytes() == before


def test_a_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE stuff (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(JournalUnavailable, match="not a netjournal journal"):
        Journal.open(path)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(JournalUnavailable, match="is a directory"):
        Journal.open(tmp_path)


def test_a_failing_upgrade_says_so_and_changes_nothing(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "clash.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(schema.alembic_config(conn), "0006")
        # a column of 0007's name, added by hand, makes that revision fail
        conn.execute(text("ALTER TABLE encounters ADD COLUMN kind TEXT"))
    engine.dispose()
    with pytest.raises(JournalUnavailable, match="failed and changed nothing"):
        Journal.upgrade(path)
    assert Journal.schema_status(path).current == "0006"


def test_0008_refolds_keys_written_before_it(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(schema.alembic_config(conn), "0007")
        # keys as netjournal folded them before 0008: hyphens and apostrophes kept
        conn.execute(
            text(
                "INSERT INTO people (display_name, name_key, created_at, updated_at) VALUES "
                "('Jean-François Lefèvre', 'jean-francois lefevre', '2026-01-01', '2026-01-01'),"
                "('Zoé N''Diaye', 'zoe n''diaye', '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(text("INSERT INTO tags (name, key) VALUES ('follow-up', 'follow-up')"))
        # and a change set that deleted someone, recorded with the old key
        conn.execute(
            text("INSERT INTO changes (at, kind, summary) VALUES ('2099-01-01', 'x', 'y')")
        )
        conn.execute(
            text(
                "INSERT INTO change_rows (change_id, table_name, row_key, op, old) VALUES (1, "
                "'people', '99', 'D', json_object('id', 99, 'display_name', 'Anne-Sophie Roy', "
                "'name_key', 'anne-sophie roy', 'created_at', '2026-01-01 00:00:00', "
                "'updated_at', '2026-01-01 00:00:00'))"
            )
        )
    engine.dispose()
    assert Journal.upgrade(path) is not None
    with Journal.open(path) as journal:
        assert journal.people.get("jean francois").display_name == "Jean-François Lefèvre"
        assert journal.people.get("ndiaye").display_name == "Zoé N'Diaye"
        journal.undo(1)  # puts back the person deleted before 0008, with the new key
        assert journal.people.get("anne sophie").display_name == "Anne-Sophie Roy"
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT key FROM tags")).scalars().all() == ["follow up"]
    engine.dispose()


def test_0010_adds_cadences_and_keeps_the_history_undoable(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(schema.alembic_config(conn), "0009")
        # a change set that deleted someone, recorded before people had a cadence
        conn.execute(
            text("INSERT INTO changes (at, kind, summary) VALUES ('2099-01-01', 'x', 'y')")
        )
        conn.execute(
            text(
                "INSERT INTO change_rows (change_id, table_name, row_key, op, old) VALUES (1, "
                "'people', '99', 'D', json_object('id', 99, 'display_name', 'Anne Roy', "
                "'name_key', 'anne roy', 'created_at', '2026-01-01 00:00:00', "
                "'updated_at', '2026-01-01 00:00:00'))"
            )
        )
    engine.dispose()
    assert Journal.upgrade(path) is not None
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        old = conn.execute(text("SELECT old FROM change_rows WHERE change_id = 1")).scalar()
        assert '"cadence_days":null' in old and '"cadence_max_days":null' in old
    engine.dispose()
    with Journal.open(path) as journal:
        journal.undo(1)
        assert journal.people.get("anne").display_name == "Anne Roy"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE people SET cadence_days = 30, cadence_max_days = 60"))
        with pytest.raises(Exception, match="CHECK constraint failed"):
            conn.execute(text("UPDATE people SET cadence_max_days = 10"))
    engine.dispose()
