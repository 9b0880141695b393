"""Consistent copies of a live SQLite journal, private like the journal itself."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import URL

from .db import Location
from .errors import InvalidInput, JournalUnavailable


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (or reset an existing file to 0600)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    os.close(fd)


def sqlite_backup(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target`` with SQLite's online backup: safe while others write."""
    if target.exists() and target.is_dir():
        raise JournalUnavailable(f"{target} is a directory.")
    try:
        private_file(target)
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except (OSError, sqlite3.Error) as exc:
        raise JournalUnavailable(f"Cannot write the backup {target}: {exc}") from exc
    return target


def default_backup_path(journal: Path, now: dt.datetime | None = None) -> Path:
    """``journal.backup-YYYYmmdd-HHMMSS.db`` beside ``journal``, not yet taken."""
    stamp = f"{now or dt.datetime.now():%Y%m%d-%H%M%S}"
    suffix = journal.suffix or ".db"
    candidate = journal.with_name(f"{journal.stem}.backup-{stamp}{suffix}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = journal.with_name(f"{journal.stem}.backup-{stamp}-{number}{suffix}")
    return candidate


def pg_dump_command(url: URL) -> str:
    """The ``pg_dump`` command that backs up the PostgreSQL journal at ``url``.

    The password is left out (pg_dump asks for it, or reads ``~/.pgpass`` / ``PGPASSWORD``), and
    the driver suffix is dropped: pg_dump speaks plain ``postgresql://``.
    """
    plain = URL.create(  # url.set(password=None) would keep the password
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    )
    address = plain.render_as_string(hide_password=False)
    return f"pg_dump --format=custom --file=netjournal.dump {shlex.quote(address)}"


def backup_journal(
    location: Location, target: str | os.PathLike[str] | None, *, overwrite: bool = False
) -> Path:
    """Copy the SQLite journal at ``location`` to ``target`` (or a dated file beside it).

    The copy is written under a temporary name and renamed when complete, so ``target`` is
    never a half-written file.
    """
    if location.backend == "postgresql":
        raise InvalidInput(
            "netjournal backup copies SQLite journals; back up this PostgreSQL journal with "
            f"pg_dump: {pg_dump_command(location.url)}"
        )
    source = location.path
    if source is None:
        raise InvalidInput("An in-memory journal has no file to back up.")
    final = default_backup_path(source) if target is None else Path(target).expanduser()
    if final.is_dir():
        raise InvalidInput(f"{final} is a directory: give the backup file's name.")
    if final.exists():
        if final.resolve() == source.resolve():
            raise InvalidInput("The backup cannot overwrite the journal itself.")
        if not overwrite:
            raise InvalidInput(f"{final} already exists (overwrite it explicitly, or pick a name).")
    return complete_backup(source, final)


def complete_backup(source: Path, final: Path) -> Path:
    """Back ``source`` up to ``final`` through a temporary file renamed when complete, so
    ``final`` never names a half-written copy (a crash or a full disk leaves a ``.part``)."""
    folder = final.parent
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise JournalUnavailable(f"Cannot write the backup in {folder}: {exc.strerror}.") from exc
    os.close(fd)
    temp = Path(temp_name)
    try:
        sqlite_backup(source, temp)
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)
    return final
