"""Consistent copies of a live SQLite journal, private like the journal itself."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

from .db import Location
from .errors import InvalidInput, JournalUnavailable
from .files import private_file
from .i18n import _

if TYPE_CHECKING:
    from .cipher import CipherKey


def sqlite_backup(source: Path, target: Path, key: CipherKey | None = None) -> Path:
    """Copy ``source`` into the existing private file ``target`` with SQLite's online backup:
    safe while others write. An encrypted ``source`` (``key``) gives a copy encrypted with the
    same key."""
    if key is not None:
        return _cipher_backup(source, target, key)
    try:
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
        message = _("Cannot write the backup {target}: {reason}")
        raise JournalUnavailable(message.format(target=target, reason=exc)) from exc
    return target


def _cipher_backup(source: Path, target: Path, key: CipherKey) -> Path:
    from . import cipher
    from .db import BUSY_TIMEOUT_S

    src = cipher.connect(source, key, timeout=BUSY_TIMEOUT_S, display=str(source))
    try:
        dst = cipher.connect(target, key, timeout=BUSY_TIMEOUT_S, display=str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    except cipher.driver().Error as exc:
        message = _("Cannot write the backup {target}: {reason}")
        raise JournalUnavailable(message.format(target=target, reason=exc)) from exc
    finally:
        src.close()
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
    never a half-written file; an existing ``target`` is replaced only with ``overwrite``.
    """
    if location.backend == "postgresql":
        message = _(
            "netjournal backup copies SQLite journals; back up this PostgreSQL journal with "
            "pg_dump: {command}"
        )
        raise InvalidInput(message.format(command=pg_dump_command(location.url)))
    source = location.path
    if source is None:
        raise InvalidInput(_("An in-memory journal has no file to back up."))
    final = default_backup_path(source) if target is None else Path(target).expanduser()
    if final.is_file() and final.resolve() == source.resolve():
        raise InvalidInput(_("The backup cannot overwrite the journal itself."))
    return complete_backup(source, final, overwrite=overwrite, key=location.key)


def complete_backup(
    source: Path, final: Path, *, overwrite: bool = False, key: CipherKey | None = None
) -> Path:
    """Back ``source`` up to ``final`` through :func:`netjournal.files.private_file`: a 0600
    temporary file renamed when complete, so ``final`` never names a half-written copy and a
    failure leaves no ``.part``. ``final`` must be a file (not a device); an existing one is
    replaced only with ``overwrite``."""
    with private_file(final, overwrite=overwrite) as temp:
        sqlite_backup(source, temp, key)
    return final
