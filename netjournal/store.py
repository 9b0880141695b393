"""The storage core: one :class:`Store` per journal owns its engines, sessions, transactions,
the mapping of database errors to the library's, and the history hooks of every write.

The record collections (``journal.people``, ``journal.encounters``...) receive the store and
do all their reading and writing through its public methods:

    with store.write("lead.update") as session:       # one atomic change set
        ...
        store.describe(session, "Edited lead #4: status")

A write of kind ``None`` opens no change set (``people.forget`` must leave no copy behind).
"""

from __future__ import annotations

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
                    history.finish(connection)
            except BaseException:
                if opened:
                    history.abandon(connection)
                raise

    @contextmanager
    def transaction(self, kind: str | None) -> Iterator[Connection]:
        """One atomic write on a plain connection (Core), for paths that need no ORM."""
        with self.refusals(), self.write_engine.begin() as connection:
            opened = self._begin(connection, kind)
            try:
                yield connection
                if opened:
                    history.finish(connection)
            except BaseException:
                if opened:
                    history.abandon(connection)
                raise

    @staticmethod
    def _begin(connection: Connection, kind: str | None) -> bool:
        """Open a change set unless one is open already (the call is then part of it);
        ``True`` when this call opened it, and so must finish it."""
        if kind is None or connection.info.get(history.OPEN) is not None:
            return False
        history.begin(connection, kind)
        return True

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


def changed_attributes(record: object) -> list[str]:
    """The attributes of an ORM ``record`` changed in its session and not yet flushed (its
    columns and single related records, by name): what an "Edited ..." summary lists."""
    from sqlalchemy import inspect

    state = inspect(record)
    mapper = state.mapper
    names = []
    for attr in state.attrs:
        prop = mapper.attrs[attr.key]
        if attr.key in _UNNAMED or getattr(prop, "uselist", False):
            continue
        if attr.history.has_changes():
            names.append("name" if attr.key == "display_name" else attr.key)
    return names


def first_line(exc: Exception) -> str:
    """The first line of a driver's message, without SQLAlchemy's trailer."""
    return str(getattr(exc, "orig", exc)).splitlines()[0]
