"""Migration 0002 indexes what a 0001 journal already holds, and goes back down cleanly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from netjournal import Journal, schema


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
