"""``Journal.backup``: a consistent private copy of SQLite, a pg_dump pointer for PostgreSQL."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from netjournal import Journal
from netjournal.backup import pg_dump_command
from netjournal.errors import InvalidInput


def test_backup_copies_sqlite_privately_or_points_to_pg_dump(
    journal: Journal, tmp_path: Path
) -> None:
    journal.people.add("Hélène Dubois", emails=["helene@emballix.test"])
    if journal.backend == "postgresql":
        with pytest.raises(InvalidInput) as caught:
            journal.backup(tmp_path / "copy.db")
        message = str(caught.value)
        url = journal.location.url.set(drivername="postgresql")
        assert "pg_dump --format=custom" in message
        assert url.render_as_string(hide_password=False) in message
        assert "+psycopg" not in message
        assert not (tmp_path / "copy.db").exists()
        return
    old_umask = os.umask(0o022)
    try:
        default = journal.backup()
        chosen = journal.backup(tmp_path / "chosen.db")
    finally:
        os.umask(old_umask)
    assert journal.location.path is not None
    assert default.parent == journal.location.path.parent
    assert default.name.startswith("journal.backup-") and default.suffix == ".db"
    for copy in (default, chosen):
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        with Journal.open(copy, create=False) as restored:
            assert restored.people.get("helene").emails == ["helene@emballix.test"]
    assert journal.backup() != default  # never overwrites an earlier default backup
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_backup_never_overwrites_by_accident(sqlite_journal: Journal, tmp_path: Path) -> None:
    target = tmp_path / "existing.db"
    target.write_text("precious")
    with pytest.raises(InvalidInput, match="already exists"):
        sqlite_journal.backup(target)
    assert target.read_text() == "precious"
    sqlite_journal.people.add("Ann")
    sqlite_journal.backup(target, overwrite=True)
    with Journal.open(target, create=False) as restored:
        assert restored.people.count() == 1
    assert sqlite_journal.location.path is not None
    with pytest.raises(InvalidInput, match="journal itself"):
        sqlite_journal.backup(sqlite_journal.location.path, overwrite=True)
    with pytest.raises(InvalidInput, match="is a directory"):
        sqlite_journal.backup(tmp_path)


def test_pg_dump_command_leaves_the_password_out() -> None:
    url = make_url("postgresql+psycopg://ann:s3cret@db.example:5433/journal")
    command = pg_dump_command(url)
    assert "s3cret" not in command and "***" not in command
    assert command.endswith("postgresql://ann@db.example:5433/journal")
