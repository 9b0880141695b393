"""Schema versions: create a new journal at head, refuse an old or newer one, upgrade on request.

The fast path (every open) reads ``alembic_version`` with one query and compares it with
:data:`HEAD`, without importing Alembic: a CLI command must not pay for the migration machinery
it does not use. Alembic is imported only to create or upgrade a schema.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError

from .errors import JournalUnavailable, SchemaOutOfDate, SchemaTooNew
from .i18n import _

if TYPE_CHECKING:
    from alembic.config import Config

    from .cipher import CipherKey

#: Every revision this version knows, oldest first; the last one is the head.
REVISIONS: tuple[str, ...] = (
    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010",
    "0011", "0012", "0013", "0014", "0015",
)  # fmt: skip
HEAD = REVISIONS[-1]
VERSION_TABLE = "alembic_version"


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic configuration pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    from . import migrations_path

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    """The journal's revision, or ``None`` for a database netjournal has not initialised."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _user_tables(connection: Connection) -> list[str]:
    return [t for t in inspect(connection).get_table_names() if t != VERSION_TABLE]


def ensure(engine: Engine, *, display: str, create: bool = True) -> str:
    """Check the schema; create it on an empty database. Returns the revision in use."""
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
            if revision == HEAD:
                return revision
            if revision is None:
                if _user_tables(connection):
                    message = _("{journal} holds tables that are not a netjournal journal.")
                    raise JournalUnavailable(message.format(journal=display))
                if not create:
                    message = _("{journal} is empty: run 'netjournal init'.")
                    raise JournalUnavailable(message.format(journal=display))
        if revision is None:
            upgrade(engine)
            return HEAD
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        raise JournalUnavailable(describe_error(exc, display)) from exc
    if revision in REVISIONS:
        message = _(
            "The journal {journal} uses schema {revision}, this netjournal needs {head}: "
            "run 'netjournal db upgrade' (a backup is written first)."
        )
        raise SchemaOutOfDate(message.format(journal=display, revision=revision, head=HEAD))
    message = _(
        "The journal {journal} was written by a newer netjournal (schema {revision}); "
        "upgrade netjournal to use it."
    )
    raise SchemaTooNew(message.format(journal=display, revision=revision))


def describe_error(exc: Exception, display: str) -> str:
    """What a database error means for the user, in one sentence naming the journal."""
    message = _detail(exc)
    if "not a database" in message or "malformed" in message:
        wording = _("{journal} is not a netjournal journal (not a SQLite database).")
    elif "readonly" in message or "read-only" in message:
        wording = _("{journal} is read-only: netjournal cannot write to it.")
    elif "disk is full" in message or "No space left" in message:
        wording = _("The disk holding {journal} is full: nothing was written.")
    elif "unable to open" in message:
        wording = _("Cannot open {journal}: check that its folder exists and is writable.")
    elif unreachable(exc):
        wording = _("Cannot reach the journal {journal}: {reason}")
    else:
        wording = _("Cannot use the journal {journal}: {reason}")
    return wording.format(journal=display, reason=message)


def unreachable(exc: Exception) -> bool:
    """Whether :func:`describe_error` says the journal cannot be reached (an operational
    error that is none of the plainer cases: a server down, a refused login...)."""
    message = _detail(exc)
    plainer = (
        "not a database",
        "malformed",
        "readonly",
        "read-only",
        "disk is full",
        "No space left",
        "unable to open",
    )
    return isinstance(exc, OperationalError) and not any(p in message for p in plainer)


def _detail(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc)).splitlines()[0]


def upgrade(
    engine: Engine, *, backup_of: Path | None = None, key: CipherKey | None = None
) -> Path | None:
    """Bring the schema to :data:`HEAD`; for a SQLite file, write a backup beside it first
    (encrypted with ``key`` when the journal is)."""
    from alembic import command

    backup = None
    with engine.connect() as connection:
        revision = current_revision(connection)
    if revision == HEAD:
        return None
    if revision is not None and revision not in REVISIONS:
        message = _("The journal uses schema {revision}, newer than this netjournal ({head}).")
        raise SchemaTooNew(message.format(revision=revision, head=HEAD))
    if backup_of is not None and revision is not None:
        # Named after the revision and the second; a second upgrade within the same second
        # (one retried after a failure or a kill) gets -2, -3...: a backup is never replaced.
        stamp = f"{backup_of.name}.{revision}-{dt.datetime.now():%Y%m%d-%H%M%S}"
        backup = backup_of.with_name(f"{stamp}.bak")
        for attempt in range(2, 1000):
            if not backup.exists():
                break
            backup = backup_of.with_name(f"{stamp}-{attempt}.bak")
        from .backup import complete_backup

        complete_backup(backup_of, backup, key=key)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    return backup
