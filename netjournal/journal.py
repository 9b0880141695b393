"""The :class:`Journal`: one object, one database, the whole public API.

    with Journal.open("~/journal.db") as journal:
        journal.events.add("Lyon Tech Meetup", "2026-11-20", kind="meetup", hours=3)
        journal.log("Hélène Dubois", event="Lyon Tech Meetup", organization="Emballix",
                    field="packaging", questions=[("Who makes your boxes?", "A Lyon firm")],
                    leads=[("supplier", "Cheaper boxes from her supplier")],
                    followups=[("friday", "Send her our volumes")])

Each call runs in its own short transaction and hands back ORM objects that stay usable after
it returns (their columns and the collections shown in :mod:`netjournal.models` are loaded).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy.exc import DBAPIError, IntegrityError

from . import db, schema
from .errors import (
    AmbiguousName,
    ImportFormatError,
    InvalidInput,
    JournalUnavailable,
    NetjournalError,
    NotFound,
)
from .exchange import ExportStats, ImportStats
from .specs import EncounterSpec
from .text import fold
from .validate import currency, money, optional_date, text

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

    from .events import Events
    from .followups import FollowUps
    from .importers.apply import ImportReport
    from .leads import Leads
    from .models import Encounter
    from .people import People
    from .reports.base import Report
    from .search import Hit


@dataclass(frozen=True)
class ProfileInfo:
    """The user's own profile: what the reports compare against."""

    name: str | None
    fields: list[str]
    hourly_rate: Decimal | None
    currency: str


@dataclass(frozen=True)
class SchemaStatus:
    location: str
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


class Journal:
    """A networking journal stored in SQLite (default) or PostgreSQL.

    Open it with :meth:`Journal.open`; use it as a context manager so the connection pool
    is released. Reach the records through :attr:`people`, :attr:`events`, :attr:`leads`
    and :attr:`followups`; log encounters with :meth:`log` or :meth:`log_many`.
    """

    def __init__(self, engine: Engine, location: db.Location) -> None:
        self._engine = engine
        self._write_engine = engine.execution_options(**{db.WRITE: True})
        self.location = location

    # The record collections are built on first use: their modules import the ORM, which a
    # search or a quick read does not need (see docs/performance.md, command-line latency).

    @cached_property
    def people(self) -> People:
        """People: list, show, update, merge, forget (:class:`netjournal.people.People`)."""
        from .people import People

        return People(self)

    @cached_property
    def events(self) -> Events:
        """Events: add, list, show, update (:class:`netjournal.events.Events`)."""
        from .events import Events

        return Events(self)

    @cached_property
    def leads(self) -> Leads:
        """Leads and their outcomes (:class:`netjournal.leads.Leads`)."""
        from .leads import Leads

        return Leads(self)

    @cached_property
    def followups(self) -> FollowUps:
        """Follow-ups: list, mark done (:class:`netjournal.followups.FollowUps`)."""
        from .followups import FollowUps

        return FollowUps(self)

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(
        cls, url_or_path: str | os.PathLike[str] | None = None, *, create: bool = True
    ) -> Journal:
        """Open a journal: a file path, a ``sqlite://`` or ``postgresql://`` URL, or (with no
        argument) ``$NETJOURNAL_DB`` or ``journal.db`` in the user data folder.

        An empty database gets the schema; an outdated one raises
        :class:`~netjournal.errors.SchemaOutOfDate` (netjournal never migrates silently).
        """
        location = db.resolve(url_or_path)
        engine = db.make_engine(location, create=create)
        try:
            schema.ensure(engine, display=location.display, create=create)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, location)

    @staticmethod
    def schema_status(url_or_path: str | os.PathLike[str] | None = None) -> SchemaStatus:
        """Which schema revision a journal uses, without requiring it to be current."""
        location = db.resolve(url_or_path)
        engine = db.make_engine(location, create=False)
        try:
            with engine.connect() as connection:
                current = schema.current_revision(connection)
        except DBAPIError as exc:
            raise JournalUnavailable(schema.describe_error(exc, location.display)) from exc
        finally:
            engine.dispose()
        return SchemaStatus(location.display, current, schema.HEAD)

    @staticmethod
    def upgrade(url_or_path: str | os.PathLike[str] | None = None) -> Path | None:
        """Migrate a journal to this version's schema. A SQLite journal is first copied to
        a ``.bak`` file beside it; returns that file (``None`` if nothing was to do)."""
        location = db.resolve(url_or_path)
        engine = db.make_engine(location, create=True)
        try:
            return schema.upgrade(engine, backup_of=location.path)
        except DBAPIError as exc:
            message = schema.describe_error(exc, location.display)
            if message.startswith("Cannot reach") and exc.statement is not None:
                # The server answered: the migration itself failed, inside its transaction.
                detail = str(getattr(exc, "orig", exc)).splitlines()[0]
                message = f"Upgrading {location.display} failed and changed nothing: {detail}"
            raise JournalUnavailable(message) from exc
        finally:
            engine.dispose()

    def check_writable(self) -> None:
        """Raise :class:`~netjournal.errors.JournalUnavailable` if nothing can be written
        (a read-only file or folder, a read-only database role). Writes nothing."""
        with self._write_engine.connect() as connection:
            try:
                connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
            except DBAPIError as exc:
                raise self._database_error(exc) from exc
            finally:
                connection.rollback()

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({self.location.display!r})"

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.location.backend

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for read-only queries of your own."""
        return self._engine

    # -- sessions ------------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A read on a plain connection, for paths that need no ORM (search)."""
        with self._engine.connect() as connection:
            try:
                yield connection
            except DBAPIError as exc:
                raise self._database_error(exc) from exc

    @contextmanager
    def _read(self) -> Iterator[Session]:
        from sqlalchemy.orm import Session

        with Session(self._engine, expire_on_commit=False) as session:
            try:
                yield session
            except DBAPIError as exc:
                raise self._database_error(exc) from exc

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One atomic write: everything inside commits together or not at all."""
        from sqlalchemy.orm import Session

        with (
            Session(self._write_engine, expire_on_commit=False) as session,
            self._refusals(),
            session.begin(),
        ):
            yield session

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One atomic write on a plain connection (Core), for paths that need no ORM."""
        with self._refusals(), self._write_engine.begin() as connection:
            yield connection

    @contextmanager
    def _refusals(self) -> Iterator[None]:
        """Database refusals as the library's errors (the transaction is rolled back)."""
        try:
            yield
        except IntegrityError as exc:
            raise InvalidInput(f"Refused by the journal: {_first_line(exc)}") from exc
        except DBAPIError as exc:
            raise self._database_error(exc) from exc
        except ValueError as exc:  # a type refusing a value at flush time
            if isinstance(exc, NetjournalError):
                raise
            raise InvalidInput(str(exc)) from exc

    def _database_error(self, exc: DBAPIError) -> NetjournalError:
        return JournalUnavailable(schema.describe_error(exc, self.location.display))

    def _scrub(self) -> None:
        """After a deletion of personal data, leave no copy of it in SQLite's files."""
        if self.backend != "sqlite":
            return
        with self._engine.connect() as connection:
            driver = connection.connection.driver_connection
            assert driver is not None
            # Merge the search index into one segment: FTS5 (before SQLite 3.42's
            # secure-delete) keeps deleted words in old segments until they are merged.
            driver.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- records for display (no ORM) ----------------------------------------------------

    def person_record(self, ref: int | str) -> dict[str, Any]:
        """Everything about one person as a JSON-ready dict: exactly what
        ``to_dict(journal.people.show(ref))`` gives (see :mod:`netjournal.serialize`), read
        with a few Core queries and no ORM, which is what makes ``people show`` quick."""
        from .records import person_record
        from .resolve import person_id

        with self._connect() as connection:
            found = person_id(connection, ref)
            assert found is not None
            return person_record(connection, found)

    # -- profile -------------------------------------------------------------------------

    def _currency(self, session: Session) -> str:
        from .models import Profile

        profile = session.get(Profile, 1)
        return profile.currency if profile else "EUR"

    def profile(self) -> ProfileInfo:
        """Your own fields, hourly rate and default currency."""
        from sqlalchemy import select

        from .models import Profile, ProfileField

        with self._read() as session:
            profile = session.get(Profile, 1)
            fields = list(session.scalars(select(ProfileField.name).order_by(ProfileField.id)))
            if profile is None:
                return ProfileInfo(None, fields, None, "EUR")
            return ProfileInfo(profile.name, fields, profile.hourly_rate, profile.currency)

    def set_profile(
        self,
        *,
        name: str | None = None,
        fields: Iterable[str] | None = None,
        hourly_rate: Decimal | int | str | None = None,
        currency_code: str | None = None,
    ) -> ProfileInfo:
        """Set what you give; ``fields`` replaces your list of fields when given."""
        from sqlalchemy import delete

        from .models import Profile, ProfileField

        with self._write() as session:
            profile = session.get(Profile, 1) or Profile(id=1, currency="EUR")
            session.add(profile)
            if name is not None:
                profile.name = text(name, "Your name", max_len=300)
            if hourly_rate is not None:
                profile.hourly_rate = money(hourly_rate, "The hourly rate")
            profile.currency = currency(currency_code, profile.currency) or "EUR"
            if fields is not None:
                wanted: dict[str, str] = {}
                for raw in fields:
                    value = text(raw, "A field", max_len=200)
                    if value:
                        wanted.setdefault(fold(value), value)
                session.execute(delete(ProfileField))
                session.add_all(ProfileField(name=v, key=k) for k, v in wanted.items())
        return self.profile()

    # -- encounters ----------------------------------------------------------------------

    def log(self, person: Any, **details: Any) -> Encounter:
        """Log one encounter with its questions, leads and follow-ups, atomically.

        ``details`` are the fields of :class:`~netjournal.specs.EncounterSpec`: event, date,
        notes, stakes, wishes, pitched, introduced_by, outside_field, tags, questions, leads,
        followups, and person fields (organization, title, field, location, email, phone).
        """
        return self.log_many([_spec(person, details)])[0]

    def log_record(self, person: Any, **details: Any) -> dict[str, Any]:
        """Log one encounter like :meth:`log`, and return it as the JSON-ready record that
        ``to_dict(journal.log(...))`` would give, without importing the ORM: the quick path
        of ``netjournal log``."""
        from .records import encounter_records
        from .tables import encounters

        with self._transaction() as connection:
            (logged,) = self._log_specs(connection, [_spec(person, details)])
        with self._connect() as connection:
            return encounter_records(connection, encounters.c.id == logged)[0]

    def log_many(self, specs: Iterable[EncounterSpec]) -> list[Encounter]:
        """Log several encounters in one transaction: all of them are written, or none.

        A spec that fails names its ``line`` (when it came from a batch file) in the error.
        """
        with self._transaction() as connection:
            logged = self._log_specs(connection, specs)
            return self._encounters_by_id(connection, logged)

    def _log_specs(
        self,
        connection: Connection,
        specs: Iterable[EncounterSpec],
        source_name: str | None = None,
    ) -> list[int]:
        from .encounters import Cache, log_one

        cache = Cache()
        logged = []
        for spec in specs:
            try:
                logged.append(log_one(connection, spec, cache))
            except NetjournalError as exc:
                if spec.line is None or isinstance(exc, JournalUnavailable):
                    raise
                if source_name is not None:
                    raise ImportFormatError(source_name, spec.line, str(exc)) from exc
                if isinstance(exc, AmbiguousName):
                    raise AmbiguousName(f"line {spec.line}: {exc}", exc.candidates) from exc
                if isinstance(exc, ImportFormatError):
                    raise
                raise type(exc)(f"line {spec.line}: {exc}") from exc
        return logged

    @staticmethod
    def _encounters_by_id(connection: Connection, ids: Sequence[int]) -> list[Encounter]:
        """The encounters ``ids`` as loaded, detached ORM objects, in that order, read in the
        transaction that wrote them (nothing can delete them in between)."""
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from .models import Encounter

        found: dict[int, Encounter] = {}
        with Session(bind=connection) as session:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                found.update(
                    (e.id, e)
                    for e in session.scalars(select(Encounter).where(Encounter.id.in_(chunk)))
                )
        return [found[i] for i in ids]

    def bulk_log(self, specs: Iterable[EncounterSpec], *, chunk: int = 5000) -> int:
        """Log a large number of encounters quickly; returns how many were logged.

        Each ``chunk`` of specs is one transaction: a failing spec rolls back its own chunk
        only, the chunks before it stay written. Use :meth:`log_many` when the whole batch
        must be atomic. A name seen earlier in the same call means the same person (no
        lookup). Nothing is read back, so a bulk load costs only the writes.
        """
        if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
            raise InvalidInput("The chunk size must be a positive whole number.")
        from .encounters import Cache, log_one

        cache = Cache()
        total = 0
        iterator = iter(specs)
        while batch := list(itertools.islice(iterator, chunk)):
            with self._transaction() as connection:
                for spec in batch:
                    try:
                        log_one(connection, spec, cache)
                    except NetjournalError as exc:
                        where = spec.line if spec.line is not None else total + 1
                        raise type(exc)(f"line {where}: {exc}") from exc
                    total += 1
        return total

    def encounter(self, encounter_id: int) -> Encounter:
        from .models import Encounter

        with self._read() as session:
            found = session.get(Encounter, encounter_id)
            if found is None:
                raise NotFound(f"No encounter with id {encounter_id}.")
            return found

    def encounters(
        self,
        *,
        person: Any = None,
        event: Any = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        limit: int | None = None,
    ) -> list[Encounter]:
        """Encounters, newest first, optionally of one person, at one event, within dates."""
        from sqlalchemy import select

        from . import resolve
        from .models import Encounter

        stmt = select(Encounter).order_by(Encounter.date.desc(), Encounter.id.desc())
        start = optional_date(since, "since date")
        end = optional_date(until, "until date")
        if start:
            stmt = stmt.where(Encounter.date >= start)
        if end:
            stmt = stmt.where(Encounter.date <= end)
        with self._read() as session:
            if person is not None:
                who = resolve.person(session, person)
                assert who is not None
                stmt = stmt.where(Encounter.person_id == who.id)
            if event is not None:
                stmt = stmt.where(Encounter.event_id == resolve.event(session, event).id)
            return list(session.scalars(stmt.limit(limit)))

    def delete_encounter(self, encounter_id: int) -> None:
        """Remove one encounter with its questions, leads, outcomes and follow-ups."""
        from sqlalchemy import delete, select

        from . import tags as tagging
        from .models import Encounter, Lead

        with self._write() as session:
            found = session.get(Encounter, encounter_id)
            if found is None:
                raise NotFound(f"No encounter with id {encounter_id}.")
            leads = session.scalars(select(Lead.id).where(Lead.encounter_id == encounter_id))
            tag_ids = tagging.tag_ids_of(session, encounters=[encounter_id], leads=list(leads))
            session.execute(delete(Encounter).where(Encounter.id == encounter_id))
            session.expunge(found)
            tagging.drop_unused(session, tag_ids)
        self._scrub()

    def import_file(
        self,
        format: str,
        path: str | os.PathLike[str],
        *,
        dry_run: bool = False,
        overwrite: bool = False,
        skip_invalid: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportReport:
        """Import people (``vcard``, ``linkedin``, ``google``) or events (``ical``) from a file.

        Duplicates of people or events already known are merged (new information only;
        ``overwrite`` lets the file win). The file imports completely or not at all; with
        ``skip_invalid`` the bad records are listed in the report and the rest imports.
        ``dry_run`` reports exactly what would happen and writes nothing.
        """
        from .importers import parse_file
        from .importers.apply import DryRun, ImportReport, apply_events, apply_people

        parsed = parse_file(format, Path(path), skip_invalid=skip_invalid)
        report = ImportReport(file=str(path), dry_run=dry_run, skipped=list(parsed.skipped))
        try:
            with self._write() as session:
                options = {"overwrite": overwrite, "skip_invalid": skip_invalid}
                apply_people(session, parsed.people, report, progress=progress, **options)
                apply_events(
                    session,
                    parsed.events,
                    report,
                    default_currency=self._currency(session),
                    progress=progress,
                    **options,
                )
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        return report

    def counts(self) -> dict[str, int]:
        """How many rows of each kind the journal holds (people, events, encounters...)."""
        from sqlalchemy import func, select

        from .models import Encounter, Event, FollowUp, Lead, Outcome, Person, Question

        models: Sequence[Any] = (Person, Event, Encounter, Question, Lead, Outcome, FollowUp)
        names = ("people", "events", "encounters", "questions", "leads", "outcomes", "followups")
        with self._read() as session:
            return {
                name: session.scalar(select(func.count()).select_from(model)) or 0
                for name, model in zip(names, models, strict=True)
            }

    def log_batch(self, text: str, *, source_name: str = "<stdin>") -> list[Encounter]:
        """Log an evening's file (see :mod:`netjournal.batch`) in one transaction.

        The header's event is found by name (on the header's date, when one is given); an
        unknown event is created from the header when it gives a date, so a new edition of
        a recurring meetup needs no separate ``events.add``. Any error raises
        :class:`~netjournal.errors.ImportFormatError` ``FILE:LINE: reason`` and writes nothing.
        """
        from sqlalchemy.orm import Session

        from .batch import parse_batch
        from .events import edition_for

        batch = parse_batch(text, source_name=source_name)
        with self._transaction() as connection:
            if batch.event is not None:
                # The session joins the connection's transaction: one commit for all.
                with Session(bind=connection) as session:
                    try:
                        event = edition_for(session, batch.event, self._currency(session))
                        session.flush()
                    except NetjournalError as exc:
                        if isinstance(exc, JournalUnavailable):
                            raise
                        raise ImportFormatError(source_name, batch.event.line, str(exc)) from exc
                    for spec in batch.encounters:
                        if spec.event is None:
                            spec.event = event.id
            for spec in batch.encounters:
                spec.source = spec.source or "batch"
            logged = self._log_specs(connection, batch.encounters, source_name)
            return self._encounters_by_id(connection, logged)

    # -- reports -------------------------------------------------------------------------

    def report(self, name: str, **params: Any) -> Report:
        """Run one report (``payoff``, ``events``, ``fields``, ``questions``, ``leads``,
        ``pitches``, ``followups``, ``prep``) and return its typed rows.

        ``params``: ``since`` / ``until`` (encounter dates; event start dates for ``events``),
        ``attribution`` (``first``, ``last`` or ``linear``, for ``payoff``), ``soon`` (days,
        for ``followups``), ``event`` (for ``prep``), ``today`` and ``limit``. See
        :mod:`netjournal.reports` and docs/reports.md.
        """
        from .reports import run

        with self._read() as session:
            return run(session, name, **params)

    # -- exports, imports and backups -------------------------------------------------------

    def export_json(self, fp: TextIO) -> ExportStats:
        """Write the whole journal to ``fp`` as one JSON document (see docs/export-format.md).

        Streamed in chunks from one consistent snapshot; :meth:`import_json` reads it back.
        """
        from .exchange.json_export import write_json

        try:
            return write_json(self._engine, fp)
        except DBAPIError as exc:
            raise self._database_error(exc) from exc

    def import_json(self, fp: TextIO, *, source_name: str) -> ImportStats:
        """Load a JSON export into this journal, which must be empty, in one transaction.

        Ids are kept, so the journal becomes exactly the one exported. ``source_name`` (the
        file name) is used in error messages.
        """
        from .exchange.json_import import import_document, read_document

        document = read_document(fp, source_name)
        with self._write() as session:
            return import_document(
                session.connection(), document, source_name, self.location.display
            )

    def export_vcard(self, fp: TextIO, *, version: str = "3.0") -> ExportStats:
        """Write every person as a vCard (``version`` 3.0 or 4.0) for address books."""
        from .exchange.vcard import write_vcards

        with self._read() as session:
            return write_vcards(session, fp, version=version)

    def export_csv(self, fp: TextIO, *, excel: bool = False) -> ExportStats:
        """Write one CSV row per encounter for spreadsheets; ``excel`` adds a UTF-8 BOM and
        neutralises cells that a spreadsheet would run as formulas."""
        from .exchange.spreadsheet import write_encounters_csv

        with self._read() as session:
            return write_encounters_csv(session.connection(), fp, excel=excel)

    def backup(
        self, target: str | os.PathLike[str] | None = None, *, overwrite: bool = False
    ) -> Path:
        """A consistent copy of this SQLite journal, safe while others write; returns its path.

        Without ``target`` the copy goes beside the journal as ``NAME.backup-YYYYmmdd-HHMMSS.db``.
        The file is created 0600. A PostgreSQL journal is backed up with ``pg_dump``: the error
        raised says how.
        """
        from .backup import backup_journal

        return backup_journal(self.location, target, overwrite=overwrite)

    # -- search --------------------------------------------------------------------------

    def search(
        self,
        query: str | None = None,
        *,
        kinds: Iterable[str] | str | None = None,
        event: Any = None,
        person: Any = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        tags: Iterable[str] | str | None = None,
        lead_kind: str | None = None,
        lead_status: str | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        """Ranked :class:`~netjournal.search.Hit` s for what a user typed, best first.

        Searches people, events, encounters, questions, leads and outcomes, ignoring case
        and accents. Words match as prefixes (``pack`` finds "packaging"); ``"a phrase"``,
        ``-word`` (exclude) and ``OR`` work; any other text is read as words, so no query
        fails; when no item has every word, the items with most of them come first.
        Filters narrow the hits (``kinds``: person, event, encounter, question, lead,
        outcome; ``tags``: all of them; ``lead_kind``/``lead_status``: leads and their
        outcomes); with no words the matching items come newest first (a person is dated
        by when they were added, an event by its start). A very common word ranks its
        200 most recently written matches (:data:`netjournal.search.RANKED`); scores are
        relative to the best hit (1.0).
        """
        from .search import search

        with self._connect() as connection:
            return list(
                search(
                    connection,
                    query,
                    kinds=kinds,
                    event=event,
                    person=person,
                    since=since,
                    until=until,
                    tags=tags,
                    lead_kind=lead_kind,
                    lead_status=lead_status,
                    limit=limit,
                )
            )


def _spec(person: Any, details: dict[str, Any]) -> EncounterSpec:
    try:
        return EncounterSpec(person=person, **details)
    except TypeError as exc:
        raise InvalidInput(f"Unknown encounter detail: {exc}.") from None


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "orig", exc)).splitlines()[0]
