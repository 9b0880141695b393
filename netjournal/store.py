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

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from . import db, history, schema
from .errors import InvalidInput, JournalUnavailable, NetjournalError

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
        with self.engine.connect() as connection:
            try:
                yield connection
            except DBAPIError as exc:
                raise self.database_error(exc) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read through the ORM; the objects read stay usable after the block."""
        from sqlalchemy.orm import Session

        with Session(self.engine, expire_on_commit=False) as session:
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
        with self.refusals(), self.write_engine.begin() as connection:
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
        change_id = history.finish(connection)
        return None if change_id is None else history.change(connection, change_id)

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
            raise InvalidInput(f"Refused by the journal: {first_line(exc)}") from exc
        except DBAPIError as exc:
            raise self.database_error(exc) from exc
        except ValueError as exc:  # a type refusing a value at flush time
            if isinstance(exc, NetjournalError):
                raise
            raise InvalidInput(str(exc)) from exc

    def database_error(self, exc: DBAPIError) -> NetjournalError:
        """The user-facing error for a database failure (unreachable, read-only...)."""
        return JournalUnavailable(schema.describe_error(exc, self.location.display))

    def scrub(self) -> None:
        """After a deletion of personal data, leave no copy of it in SQLite's files."""
        if self.backend != "sqlite":
            return
        with self.engine.connect() as connection:
            driver = connection.connection.driver_connection
            assert driver is not None
            # Merge the search index into one segment: FTS5 (before SQLite 3.42's
            # secure-delete) keeps deleted words in old segments until they are merged.
            driver.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- shared reads --------------------------------------------------------------------

    @staticmethod
    def currency(target: Session | Connection) -> str:
        """The profile's currency ("EUR" when no profile is set), read with Core."""
        from .tables import profile

        found = target.scalar(select(profile.c.currency).where(profile.c.id == 1))
        return found or "EUR"


#: Columns a summary does not name: derived from another, or kept by the journal itself.
_UNNAMED = {"name_key", "field_key", "series_key", "updated_at", "status_changed_on"}


#: Attributes whose word for a user is not their name with spaces.
_WORDS = {"display_name": "name"}


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
