"""The storage core: one :class:`Store` per journal owns its engines, sessions, transactions,
the mapping of database errors to the library's, and the history hooks of every write.

The record collections (``journal.people``, ``journal.encounters``...) receive the store and
do all their reading and writing through its public methods:

    with store.edit("lead.update") as session:        # one atomic change set
        ...
        store.describe(session, edited("lead #4", changed_attributes(lead)))

A write of kind ``None`` opens no change set (``people.forget`` must leave no copy behind).

After each write the store keeps, in :attr:`Store.last_change`, the change set it wrote (its
summary says what changed: ``Edited Lyon Tech Meetup (#3): cost, tags``), or ``None`` when it
wrote nothing: what ``Journal.last_change`` hands to callers.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from . import db, history, schema
from .cipher import driver_errors
from .errors import InvalidInput, JournalUnavailable, NetjournalError
from .i18n import N_, _
from .text import DEFAULT_PHONE_REGION, PHONE_REGION

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


class Store:
    """Sessions, transactions and error mapping for one journal (see the module docstring)."""

    def __init__(self, engine: Engine, location: db.Location) -> None:
        self.engine = engine
        self.write_engine = engine.execution_options(**{db.WRITE: True})
        self.location = location
        self._last = threading.local()
        self._region: str | None = None

    @property
    def last_change(self) -> history.Change | None:
        """The change set written by the last write made through this store in this thread,
        or ``None`` when that write changed nothing (or none was made yet). Set when the
        write commits; a write that fails or rolls back (a dry run) leaves ``None``."""
        change: history.Change | None = getattr(self._last, "change", None)
        return change

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.location.backend

    # -- reading -------------------------------------------------------------------------

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A read on a plain connection, for paths that need no ORM (search, records)."""
        with self.phones(), self.engine.connect() as connection:
            try:
                yield connection
            except DBAPIError as exc:
                raise self.database_error(exc) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read through the ORM; the objects read stay usable after the block."""
        from sqlalchemy.orm import Session

        with self.phones(), Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except DBAPIError as exc:
                raise self.database_error(exc) from exc

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def write(self, kind: str | None) -> Iterator[Session]:
        """One atomic write through the ORM: everything inside commits together or not at
        all, as one change set of ``kind`` (none when ``kind`` is ``None``)."""
        from sqlalchemy.orm import Session

        self._last.change = written = None
        with (
            self.phones(),
            Session(self.write_engine, expire_on_commit=False) as session,
            self.refusals(),
            session.begin(),
        ):
            connection = session.connection()
            opened = self._begin(connection, kind)
            try:
                yield session
                if opened:
                    session.flush()  # what the ORM still holds belongs to this change set
                    written = self._finish(connection)
            except BaseException:
                if opened:
                    history.abandon(connection)
                raise
        self._last.change = written

    @contextmanager
    def edit(self, kind: str) -> Iterator[Session]:
        """A :meth:`write` for an ``update``: queries in the block do not flush the session
        first, so that :func:`changed_attributes` sees every change made in it (once flushed,
        a change no longer shows, and the summary would miss it)."""
        with self.write(kind) as session, session.no_autoflush:
            yield session

    @contextmanager
    def transaction(self, kind: str | None) -> Iterator[Connection]:
        """One atomic write on a plain connection (Core), for paths that need no ORM."""
        self._last.change = written = None
        with self.phones(), self.refusals(), self.write_engine.begin() as connection:
            opened = self._begin(connection, kind)
            try:
                yield connection
                if opened:
                    written = self._finish(connection)
            except BaseException:
                if opened:
                    history.abandon(connection)
                raise
        self._last.change = written

    @staticmethod
    def _begin(connection: Connection, kind: str | None) -> bool:
        """Open a change set unless one is open already (the call is then part of it);
        ``True`` when this call opened it, and so must finish it."""
        if kind is None or connection.info.get(history.OPEN) is not None:
            return False
        history.begin(connection, kind)
        return True

    @staticmethod
    def _finish(connection: Connection) -> history.Change | None:
        """Close this write's change set; the change set as written, read back in the same
        transaction, or ``None`` when it recorded nothing (and was dropped)."""
        return history.finish(connection)

    @staticmethod
    def describe(target: Session | Connection, summary: str) -> None:
        """Set the one-line summary of the change set being written (``Deleted lead #4``)."""
        connection = target if isinstance(target, Connection) else target.connection()
        history.describe(connection, summary)

    @contextmanager
    def refusals(self) -> Iterator[None]:
        """Database refusals as the library's errors (the transaction is rolled back)."""
        try:
            yield
        except IntegrityError as exc:
            message = _("Refused by the journal: {reason}")
            raise InvalidInput(message.format(reason=first_line(exc))) from exc
        except DBAPIError as exc:
            raise self.database_error(exc) from exc
        except UnicodeEncodeError as exc:  # a lone surrogate: bytes that were not UTF-8
            bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
            message = _(
                "Text holding bytes that are not UTF-8 ({bytes}) cannot be stored or looked up."
            )
            raise InvalidInput(message.format(bytes=ascii(bad))) from exc
        except ValueError as exc:  # a type refusing a value at flush time
            if isinstance(exc, NetjournalError):
                raise
            raise InvalidInput(str(exc)) from exc

    def database_error(self, exc: DBAPIError) -> NetjournalError:
        """The user-facing error for a database failure (unreachable, read-only...)."""
        return JournalUnavailable(schema.describe_error(exc, self.location.display))

    def secure_delete(self, connection: Connection) -> bool:
        """At the start of a transaction that deletes personal data: where the SQLite in use
        has FTS5's ``secure-delete`` (3.44 and later, SQLCipher's included), turn it on, so
        that the search index drops the deleted words in place; :meth:`mark_scrub` then
        needs no full merge of the index, and turns it off again. ``True`` when turned on.

        A search index that used it is read by SQLite 3.42 and later only (``db decrypt``
        rebuilds it when the plain journal's SQLite is older)."""
        if self.backend != "sqlite":
            return False
        version = connection.exec_driver_sql("SELECT sqlite_version()").scalar() or ""
        if tuple(int(part) for part in version.split(".")[:2]) < SECURE_DELETE_SQLITE:
            return False
        connection.exec_driver_sql(
            "INSERT INTO search_fts(search_fts, rank) VALUES ('secure-delete', 1)"
        )
        connection.info[_SECURE_ON] = True
        return True

    def mark_scrub(self, connection: Connection) -> None:
        """Inside the transaction that deletes personal data: merge the search index now (so
        that a full disk refuses the whole deletion rather than leaving words behind), unless
        :meth:`secure_delete` already dropped its words, and mark the journal as holding
        bytes to erase, a mark that commits with the deletion and that :meth:`scrub` clears
        once the files are clean. A kill between the commit and the scrub is finished at the
        next opening (:meth:`finish_scrub`)."""
        if self.backend != "sqlite":
            return
        if connection.info.pop(_SECURE_ON, False):
            # Ordinary edits go on without it: each would rewrite index pages in place.
            connection.exec_driver_sql(
                "INSERT INTO search_fts(search_fts, rank) VALUES ('secure-delete', 0)"
            )
        else:
            # FTS5 without secure-delete keeps deleted words in old segments until they are
            # merged into one.
            connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        connection.exec_driver_sql(f"PRAGMA user_version = {SCRUB_PENDING}")

    def scrub(self, *, merged: bool = False) -> str | None:
        """Erase from the journal's files the bytes of deleted rows: merge the search index
        (unless the deleting transaction did, ``merged``: see :meth:`mark_scrub`), then copy
        the write-ahead log into the journal and empty it (SQLite overwrites freed space,
        ``secure_delete``). Safe to repeat. Returns ``None`` once done, or why it could not be
        done yet (another program reading the journal, a full disk, PostgreSQL)."""
        if self.backend != "sqlite":
            return _(POSTGRES_SCRUB)
        failures: tuple[type[Exception], ...] = (DBAPIError, *driver_errors())
        try:
            with self.engine.connect() as connection:
                driver = connection.connection.driver_connection
                assert driver is not None
                driver.execute(f"PRAGMA busy_timeout = {SCRUB_WAIT_S * 1000}")
                try:
                    if not merged:  # a merge costs a rewrite of the whole index
                        driver.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
                    if not _checkpoint(driver):
                        return _(
                            "another program is reading the journal, and what was deleted "
                            "stays in its files until that program closes it; close it, then "
                            "run 'netjournal db scrub'"
                        )
                    driver.execute("PRAGMA user_version = 0")
                    _checkpoint(driver)  # the mark's own page; nothing personal if it fails
                finally:
                    driver.execute(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_S * 1000}")
        except failures as exc:
            message = _(
                "cleaning the journal's files failed ({reason}); once that is "
                "fixed (disk space freed, other programs closed), run 'netjournal db scrub'"
            )
            return message.format(reason=first_line(exc))
        return None

    def finish_scrub(self) -> None:
        """At opening: if a deletion of personal data committed and its scrub never ran (the
        process was killed in between), run it now. One header read otherwise."""
        if self.backend != "sqlite":
            return
        with self.engine.connect() as connection:
            pending = connection.exec_driver_sql("PRAGMA user_version").scalar()
        if pending == SCRUB_PENDING:  # the mark committed with a merged index
            self.scrub(merged=True)  # still pending if it cannot be done yet: the mark stays

    @contextmanager
    def phones(self) -> Iterator[None]:
        """Inside the block, phone numbers written without a country code are read in this
        journal's region (:data:`netjournal.text.PHONE_REGION`), looked up only if needed."""
        token = PHONE_REGION.set(self.phone_region)
        try:
            yield
        finally:
            PHONE_REGION.reset(token)

    def phone_region(self) -> str:
        """The profile's phone region (FR when it names none), read once and kept until
        :meth:`forget_region` (the profile changed)."""
        if self._region is None:
            from .tables import profile

            with self.engine.connect() as connection:
                found = connection.scalar(select(profile.c.phone_region).where(profile.c.id == 1))
            self._region = found or DEFAULT_PHONE_REGION
        return self._region

    def forget_region(self) -> None:
        self._region = None

    # -- shared reads --------------------------------------------------------------------

    @staticmethod
    def currency(target: Session | Connection) -> str:
        """The profile's currency ("EUR" when no profile is set), read with Core."""
        from .tables import profile

        found = target.scalar(select(profile.c.currency).where(profile.c.id == 1))
        return found or "EUR"


#: The first SQLite whose FTS5 ``secure-delete`` :meth:`Store.secure_delete` uses.
SECURE_DELETE_SQLITE = (3, 44)
_SECURE_ON = "netjournal_secure_delete"  # connection.info: turned on in this transaction

#: ``PRAGMA user_version`` of a SQLite journal whose deleted personal data may still be in its
#: files (see :meth:`Store.mark_scrub`); 0 otherwise.
SCRUB_PENDING = 1

#: How long a scrub waits for readers to close the journal before saying it could not finish.
SCRUB_WAIT_S = 2

POSTGRES_SCRUB = N_(
    "PostgreSQL keeps deleted rows in its table files and its write-ahead log until VACUUM "
    "and checkpoints recycle them; run VACUUM FULL on the journal's database to erase them"
)


def _checkpoint(driver: sqlite3.Connection) -> bool:
    """Copy the write-ahead log into the journal and empty it; ``False`` when a reader kept
    part of it (its snapshot still needs the old pages)."""
    busy, _log, _done = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0


#: Columns a summary does not name: derived from another, or kept by the journal itself.
_UNNAMED = {"name_key", "field_key", "series_key", "updated_at", "status_changed_on"}


#: Attributes whose word for a user is not their name with spaces.
_WORDS = {
    "display_name": "name",
    "cadence_days": "cadence",
    "cadence_max_days": "cadence limit",
}


def changed_attributes(record: object) -> list[str]:
    """The attributes of an ORM ``record`` changed in its session and not yet flushed (its
    columns and single related records), in words for a user (``display_name`` is "name",
    ``start_date`` "start date"): what an "Edited ..." summary lists. A value set to what it
    already was is no change."""
    from sqlalchemy import inspect

    state = inspect(record)
    mapper = state.mapper
    names = []
    for attr in state.attrs:
        prop = mapper.attrs[attr.key]
        if attr.key in _UNNAMED or getattr(prop, "uselist", False):
            continue
        if attr.history.has_changes():
            names.append(_WORDS.get(attr.key, attr.key.replace("_", " ")))
    return names


def edited(subject: str, changed: list[str]) -> str:
    """The summary of an update: ``Edited Lyon Tech Meetup (#3): cost, tags`` (each field
    named once, in the order given)."""
    return f"Edited {subject}: {', '.join(dict.fromkeys(changed))}"


def first_line(exc: Exception) -> str:
    """The first line of a driver's message, without SQLAlchemy's trailer."""
    return str(getattr(exc, "orig", exc)).splitlines()[0]
