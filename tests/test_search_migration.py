"""Migration 0002 indexes what a 0001 journal already holds, and goes back down cleanly."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from netjournal import Journal, schema

pytestmark = pytest.mark.slow  # each test walks the migrations down and up again


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    admin = create_engine(request.getfixturevalue("pg_server_url"), isolation_level="AUTOCOMMIT")
    name = f"nj_search_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_backfills_and_downgrade_removes(empty_url: str) -> None:
    from alembic import command

    engine = create_engine(empty_url)
    with engine.begin() as conn:
        command.upgrade(schema.alembic_config(conn), "0001")
        conn.execute(
            text(
                "INSERT INTO people (display_name, name_key, organization, created_at, "
                "updated_at) VALUES ('Hélène Dubois', 'helene dubois', 'Emballix', "
                "'2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO encounters (person_id, date, notes, pitched, created_at, "
                "updated_at) VALUES (1, '2026-02-03', 'Un réseau de fournisseurs', false, "
                "'2026-02-03', '2026-02-03')"
            )
        )
    engine.dispose()
    Journal.upgrade(empty_url)
    with Journal.open(empty_url) as journal:
        assert [(h.kind, h.id) for h in journal.search("emballix")] == [
            ("person", 1),
            ("encounter", 1),
        ]
        [hit] = journal.search("reseau")
        assert (hit.kind, hit.person, str(hit.date)) == ("encounter", "Hélène Dubois", "2026-02-03")
        journal.log("Hélène Dubois", notes="Second meeting about pallets")
        assert len(journal.search("pallets")) == 1
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0001")
        assert not [t for t in inspect(conn).get_table_names() if t.startswith("search_")]
        conn.execute(text("UPDATE people SET display_name = 'Renamed' WHERE id = 1"))
        conn.execute(text("DELETE FROM encounters"))
    engine.dispose()


def test_0005_numbers_documents_by_date_and_goes_back(empty_url: str) -> None:
    from alembic import command

    engine = create_engine(empty_url)
    with engine.begin() as conn:
        command.upgrade(schema.alembic_config(conn), "0004")
        conn.execute(
            text(
                "INSERT INTO people (display_name, name_key, created_at, updated_at) "
                "VALUES ('Ada Lovelace', 'ada lovelace', '2026-05-01', '2026-05-01')"
            )
        )
        for day in ("2026-03-01", "2026-01-10"):
            conn.execute(
                text(
                    "INSERT INTO encounters (person_id, date, notes, pitched, created_at, "
                    "updated_at) VALUES (1, :day, 'Engines and looms', false, :at, :at)"
                ),
                {"day": dt.date.fromisoformat(day), "at": dt.datetime.fromisoformat(day)},
            )
    engine.dispose()
    Journal.upgrade(empty_url)
    engine = create_engine(empty_url)
    with engine.connect() as conn:
        ordered = conn.execute(text("SELECT kind, ref_id FROM search_docs ORDER BY id")).all()
    assert [tuple(row) for row in ordered] == [("encounter", 2), ("encounter", 1), ("person", 1)]
    with Journal.open(empty_url) as journal:
        assert [h.id for h in journal.search("looms")] == [1, 2]  # same score: newest first
        journal.log("Ada Lovelace", notes="Looms again")
        assert [h.kind for h in journal.search("ada", limit=1)] == ["person"]
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0004")
        ids = conn.execute(text("SELECT id, kind, ref_id FROM search_docs ORDER BY id")).all()
        codes = {"person": 1, "encounter": 3}
        assert [row.id for row in ids] == sorted(r.ref_id * 8 + codes[r.kind] for r in ids)
        assert len(ids) == 4
    engine.dispose()
