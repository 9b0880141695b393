"""The :class:`Journal`: one object, one database, the whole public API.

    with Journal.open("~/journal.db") as journal:
        journal.events.add("Lyon Tech Meetup", "2026-11-20", kind="meetup", hours=3)
        journal.log("Hélène Dubois", event="Lyon Tech Meetup", organization="Emballix",
                    field="packaging", questions=[("Who makes your boxes?", "A Lyon firm")],
                    leads=[("supplier", "Cheaper boxes from her supplier")],
                    followups=[("friday", "Send her our volumes")])

The records are reached through six collections with the same verbs (``get``, ``list``,
``add``, ``update``, ``delete``): :attr:`Journal.people`, :attr:`~Journal.events`,
:attr:`~Journal.encounters`, :attr:`~Journal.leads`, :attr:`~Journal.outcomes` and
:attr:`~Journal.followups`. Each call runs in its own short transaction (one change set of the
history, for a write) and hands back ORM objects that stay usable after it returns (their
columns and the relationships declared in :mod:`netjournal.models` are loaded). Sessions,
transactions and error mapping belong to :class:`netjournal.store.Store`; this class creates
the store and delegates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy.exc import DBAPIError

from . import db, schema
from .errors import InvalidInput, JournalUnavailable
from .exchange import ExportStats, ImportStats
from .history import DEFAULT_DAYS, Change, days
from .i18n import _
from .store import Store
from .text import DEFAULT_PHONE_REGION, fold, grouped, region_code
from .validate import amount, amount_currency, text
from .validate import currency as currency_code

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .cadence import Cadences
    from .catchup import CatchUp
    from .cipher import CipherKey, Passphrase
    from .encounters import Encounters
    from .events import Events
    from .followups import FollowUps
    from .importers.apply import ImportReport
    from .leads import Leads
    from .models import Encounter
    from .outcomes import Outcomes
    from .people import People
    from .reports.base import Report
    from .search import SearchResult
    from .vdir import SyncReport


@dataclass(frozen=True)
class ProfileInfo:
    """The user's own profile: what the reports compare against."""

    name: str | None
    fields: list[str]
    hourly_rate: Decimal | None
    currency: str
    history_days: int = DEFAULT_DAYS  # how long the history keeps change sets
    phone_region: str = "FR"  # where a phone written without its country code is read


@dataclass(frozen=True)
class SchemaStatus:
    """Where the journal is (never with a password), its schema revision and this
    netjournal's latest one."""

    location: str
    current: str | None
    head: str
    encrypted: bool = False
    key_source: str | None = None  # argument, file, session, keyring or prompt
    key_expires: dt.datetime | None = None  # when a session unlock's key ends (UTC)

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    def to_dict(self) -> dict[str, Any]:
        """The status as JSON-ready values (what ``netjournal db current --json`` prints)."""
        return {
            "location": self.location,
            "current": self.current,
            "head": self.head,
            "up_to_date": self.up_to_date,
            "encrypted": self.encrypted,
            "key_source": self.key_source,
            "key_expires": _iso(self.key_expires),
        }


class Journal:
    """A networking journal stored in SQLite (default) or PostgreSQL.

    Open it with :meth:`Journal.open`; use it as a context manager so the connection pool
    is released. Reach the records through :attr:`people`, :attr:`events`,
    :attr:`encounters`, :attr:`leads`, :attr:`outcomes` and :attr:`followups`; log an
    encounter with :meth:`log` (short for ``journal.encounters.log``).
    """

    def __init__(self, engine: Engine, location: db.Location) -> None:
        self.store = Store(engine, location)
        self.location = location

    # The record collections are built on first use: their modules import the ORM, which a
    # search or a quick read does not need (see docs/performance.md, command-line latency).

    @cached_property
    def people(self) -> People:
        """People: get, list, add, update, delete, merge, forget
        (:class:`netjournal.people.People`)."""
        from .people import People

        return People(self.store)

    @cached_property
    def events(self) -> Events:
        """Events: get, list, add, update, delete (:class:`netjournal.events.Events`)."""
        from .events import Events

        return Events(self.store)

    @cached_property
    def encounters(self) -> Encounters:
        """Encounters: get, list, log, update, delete, batch, bulk
        (:class:`netjournal.encounters.Encounters`)."""
        from .encounters import Encounters

        return Encounters(self.store)

    @cached_property
    def leads(self) -> Leads:
        """Leads: get, list, add, update, delete (:class:`netjournal.leads.Leads`)."""
        from .leads import Leads

        return Leads(self.store)

    @cached_property
    def outcomes(self) -> Outcomes:
        """What leads turned into: get, list, add, update, delete
        (:class:`netjournal.outcomes.Outcomes`)."""
        from .outcomes import Outcomes

        return Outcomes(self.store)

    @cached_property
    def followups(self) -> FollowUps:
        """Follow-ups: get, list, add, update, delete, done, reopen
        (:class:`netjournal.followups.FollowUps`)."""
        from .followups import FollowUps

        return FollowUps(self.store)

    @cached_property
    def cadences(self) -> Cadences:
        """The tags' cadences: list, get, set, clear (:class:`netjournal.cadence.Cadences`);
        a person's own is set with ``people.update(ref, every=..., at_most=...)``."""
        from .cadence import Cadences

        return Cadences(self.store)

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        url_or_path: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        passphrase: str | Passphrase | None = None,
    ) -> Journal:
        """Open a journal: a file path, a ``sqlite://`` or ``postgresql://`` URL, or (with no
        argument) ``$NETJOURNAL_DB`` or ``journal.db`` in the user data folder.

        An empty database gets the schema; an outdated one raises
        :class:`~netjournal.errors.SchemaOutOfDate` (netjournal never migrates silently).
        An encrypted SQLite journal opens with ``passphrase``, or the key remembered in the
        system keyring; a passphrase given for a new file creates it encrypted (see
        :mod:`netjournal.cipher`). Without the key it raises
        :class:`~netjournal.cipher.PassphraseNeeded`, with a wrong one
        :class:`~netjournal.cipher.WrongPassphrase`.
        """
        location = _unlocked(url_or_path, passphrase, create=create)
        engine = db.make_engine(location, create=create)
        try:
            schema.ensure(engine, display=location.display, create=create)
        except BaseException:
            engine.dispose()
            raise
        journal = cls(engine, location)
        journal.store.finish_scrub()  # a forget killed before its scrub is finished now
        return journal

    @staticmethod
    def schema_status(
        url_or_path: str | os.PathLike[str] | None = None,
        *,
        passphrase: str | Passphrase | None = None,
    ) -> SchemaStatus:
        """Which schema revision a journal uses, without requiring it to be current, whether
        it is encrypted and where its key came from."""
        location = _unlocked(url_or_path, passphrase, create=False)
        engine = db.make_engine(location, create=False)
        try:
            with engine.connect() as connection:
                current = schema.current_revision(connection)
        except DBAPIError as exc:
            raise JournalUnavailable(schema.describe_error(exc, location.display)) from exc
        finally:
            engine.dispose()
        key = location.key
        return SchemaStatus(
            location.display,
            current,
            schema.HEAD,
            encrypted=key is not None,
            key_source=key.source if key is not None else None,
            key_expires=key.expires if key is not None else None,
        )

    @staticmethod
    def upgrade(
        url_or_path: str | os.PathLike[str] | None = None,
        *,
        passphrase: str | Passphrase | None = None,
    ) -> Path | None:
        """Migrate a journal to this version's schema. A SQLite journal is first copied to
        a ``.bak`` file beside it (encrypted with the same key when the journal is); returns
        that file (``None`` if nothing was to do)."""
        location = _unlocked(url_or_path, passphrase, create=False)
        engine = db.make_engine(location, create=True)
        try:
            return schema.upgrade(engine, backup_of=location.path, key=location.key)
        except DBAPIError as exc:
            message = schema.describe_error(exc, location.display)
            if schema.unreachable(exc) and exc.statement is not None:
                # The server answered: the migration itself failed, inside its transaction.
                detail = str(getattr(exc, "orig", exc)).splitlines()[0]
                message = _("Upgrading {journal} failed and changed nothing: {reason}").format(
                    journal=location.display, reason=detail
                )
            raise JournalUnavailable(message) from exc
        finally:
            engine.dispose()

    # -- encryption ----------------------------------------------------------------------

    @property
    def encrypted(self) -> bool:
        """Whether the journal's file is encrypted (SQLCipher)."""
        return self.location.key is not None

    @property
    def key_source(self) -> str | None:
        """Where the key that opened this journal came from: ``"argument"``, ``"file"``,
        ``"session"`` (:meth:`unlock_session`), ``"keyring"`` or ``"prompt"``; ``None`` for a
        plain journal."""
        key = self.location.key
        return key.source if key is not None else None

    @property
    def key_expires(self) -> dt.datetime | None:
        """When the session unlock that opened this journal ends (UTC); ``None`` for a key
        from anywhere else."""
        key = self.location.key
        return key.expires if key is not None else None

    @staticmethod
    def unlock_session(
        url_or_path: str | os.PathLike[str] | None = None,
        *,
        passphrase: str | Passphrase | None = None,
        minutes: int = 15,
    ) -> dt.datetime:
        """Derive an encrypted journal's key once and keep it for ``minutes`` (at most 12
        hours) in the user's runtime folder (``$XDG_RUNTIME_DIR``, in memory), so that the
        opens that follow need no passphrase and skip the derivation; like sudo's timestamp,
        using it does not extend it. Refused, before the passphrase is used, where there is no
        private runtime folder (the key would go to disk). Returns when it ends (UTC); see
        :mod:`netjournal.session_keys`."""
        from . import session_keys

        session_keys.checked(minutes)
        session_keys.folder()
        location = _unlocked(url_or_path, passphrase, create=False)
        path = _file_of(location)
        if location.key is None:
            message = _("{journal} is not encrypted: it has no key.")
            raise InvalidInput(message.format(journal=location.display))
        return session_keys.keep(path, location.key, minutes)

    @staticmethod
    def lock_session(url_or_path: str | os.PathLike[str] | None = None) -> bool:
        """End the session unlock of a journal (:meth:`unlock_session`): it asks for its
        passphrase again. ``False`` if it was not unlocked."""
        from . import session_keys

        return session_keys.remove(_file_of(db.resolve(url_or_path), existing=False))

    @staticmethod
    def lock_all_sessions() -> int:
        """End the session unlock of every journal of this user; returns how many ended."""
        from . import session_keys

        return session_keys.remove_all()

    def remember_key(self) -> None:
        """Keep this encrypted journal's key in the system keyring, so that it opens without
        asking (and shell completion can read it). See :mod:`netjournal.keys`."""
        from . import keys

        path, key = self.location.path, self.location.key
        if path is None or key is None:
            message = _("{journal} is not encrypted: it has no key.")
            raise InvalidInput(message.format(journal=self.location.display))
        keys.remember(path, key)

    @staticmethod
    def forget_key(url_or_path: str | os.PathLike[str] | None = None) -> bool:
        """Remove the key the system keyring remembers for this journal (and end its session
        unlock); ``False`` if the keyring held none. The journal then asks for its passphrase
        again."""
        from . import keys, session_keys

        path = _file_of(db.resolve(url_or_path), existing=False)
        session_keys.remove(path)
        return keys.forget(path)

    @staticmethod
    def encrypt(
        url_or_path: str | os.PathLike[str] | None,
        passphrase: str | Passphrase | Callable[[], Passphrase],
        *,
        remember: bool = False,
    ) -> Path:
        """Turn a plain SQLite journal into an encrypted one, in one step that leaves either
        the plain journal or the encrypted one; the plain file and its ``-wal``/``-shm`` are
        then overwritten with zeros. ``passphrase`` may be a function that asks for it,
        called once the journal is known to be one to encrypt. ``remember`` keeps the key in
        the system keyring. Returns the journal's path."""
        from . import cipher

        location = db.resolve(url_or_path)
        path = _file_of(location)
        state = cipher.file_state(path)
        if state != "plain":
            raise InvalidInput(_not_plain(location.display, state))
        passphrase = _passphrase(passphrase)
        key = cipher.new_key(passphrase.secret, passphrase.source)
        cipher.convert(path, None, key, display=location.display)
        _keep_key(path, key if remember else None)
        return path

    @staticmethod
    def decrypt(
        url_or_path: str | os.PathLike[str] | None = None,
        *,
        passphrase: str | Passphrase | None = None,
    ) -> Path:
        """Turn an encrypted journal back into a plain SQLite file (atomically, like
        :meth:`encrypt`) and forget its remembered key. Returns the journal's path."""
        from . import cipher

        location = _unlocked(url_or_path, passphrase, create=False)
        path = _file_of(location)
        if location.key is None:
            raise InvalidInput(_("{journal} is not encrypted.").format(journal=location.display))
        cipher.convert(path, location.key, None, display=location.display)
        _keep_key(path, None)
        return path

    @staticmethod
    def rekey(
        url_or_path: str | os.PathLike[str] | None,
        new_passphrase: str | Passphrase | Callable[[], Passphrase],
        *,
        passphrase: str | Passphrase | None = None,
        remember: bool = False,
    ) -> Path:
        """Give an encrypted journal a new passphrase (a new salt too), atomically; the key
        remembered for the old one is replaced (``remember``) or forgotten. ``new_passphrase``
        may be a function that asks for it, called once the old one opened the journal."""
        from . import cipher

        location = _unlocked(url_or_path, passphrase, create=False)
        path = _file_of(location)
        if location.key is None:
            message = _("{journal} is not encrypted: encrypt it with 'netjournal db encrypt'.")
            raise InvalidInput(message.format(journal=location.display))
        new_passphrase = _passphrase(new_passphrase)
        key = cipher.new_key(new_passphrase.secret, new_passphrase.source)
        cipher.convert(path, location.key, key, display=location.display)
        _keep_key(path, key if remember else None)
        return path

    def check_writable(self) -> None:
        """Raise :class:`~netjournal.errors.JournalUnavailable` if nothing can be written
        (a read-only file or folder, a read-only database role). Writes nothing."""
        with self.store.write_engine.connect() as connection:
            try:
                connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
            except DBAPIError as exc:
                raise self.store.database_error(exc) from exc
            finally:
                connection.rollback()

    def scrub(self) -> str | None:
        """Erase from the journal's files the bytes of what was deleted or forgotten (the
        search index merged, SQLite's write-ahead log copied in and emptied). Safe to run
        again at any time. Returns ``None`` when done, or why it cannot be done yet: another
        program reading the journal, a full disk, or PostgreSQL, which keeps deleted rows
        until ``VACUUM FULL``."""
        return self.store.scrub()

    def close(self) -> None:
        self.store.engine.dispose()

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
        return self.store.backend

    @property
    def last_change(self) -> Change | None:
        """What the last write call made through this object (in this thread) changed: its
        change set of the history (``summary`` says it in words: ``Edited Lyon Tech Meetup
        (#3): cost, tags``, ``Deleted lead #4 ...``), or ``None`` when that call wrote
        nothing (an ``update`` to the values already stored, a dry run, a failed call,
        ``people.forget``). Reads leave it as it is. Costs no query."""
        return self.store.last_change

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for read-only queries of your own."""
        return self.store.engine

    # -- records for display (no ORM) ----------------------------------------------------

    def person_record(
        self, ref: int | str, *, today: dt.date | str | None = None
    ) -> dict[str, Any]:
        """Everything about one person as a JSON-ready dict: exactly what
        ``to_dict(journal.people.show(ref, today=today))`` gives (see
        :mod:`netjournal.serialize`), read with a few Core queries and no ORM, which is what
        makes ``people show`` quick. ``"tie"`` holds the tie strength as of ``today``."""
        from .records import person_record
        from .resolve import person_id
        from .ties import as_of

        day = as_of(today)
        with self.store.connect() as connection:
            found = person_id(connection, ref)
            assert found is not None
            return person_record(connection, found, day)

    # -- profile -------------------------------------------------------------------------

    def profile(self) -> ProfileInfo:
        """Your own fields, hourly rate and default currency."""
        from sqlalchemy import select

        from .models import Profile, ProfileField

        with self.store.read() as session:
            profile = session.get(Profile, 1)
            fields = list(session.scalars(select(ProfileField.name).order_by(ProfileField.id)))
            if profile is None:
                return ProfileInfo(None, fields, None, "EUR", DEFAULT_DAYS, DEFAULT_PHONE_REGION)
            days = DEFAULT_DAYS if profile.history_days is None else profile.history_days
            region = profile.phone_region or DEFAULT_PHONE_REGION
            return ProfileInfo(
                profile.name, fields, profile.hourly_rate, profile.currency, days, region
            )

    def set_profile(
        self,
        *,
        name: str | None = None,
        fields: Iterable[str] | None = None,
        hourly_rate: Decimal | int | str | None = None,
        currency: str | None = None,
        history_days: int | str | None = None,
        phone_region: str | None = None,
    ) -> ProfileInfo:
        """Set what you give; ``fields`` replaces your list of fields when given;
        ``history_days`` is how long :meth:`history` keeps change sets (180 by default);
        ``phone_region`` (a country code: FR, BE, CH, GB...) is where a phone number written
        without its country code is read from now on (FR by default).
        ``hourly_rate`` is read as :func:`netjournal.validate.amount` reads amounts; written
        with a currency (``"60 €"``), that must be your currency (or the ``currency`` given)."""
        from sqlalchemy import delete, select

        from .models import Profile, ProfileField

        with self.store.write("profile") as session:
            profile = session.get(Profile, 1) or Profile(id=1, currency="EUR")
            session.add(profile)
            if name is not None:
                profile.name = text(name, _("Your name"), max_len=300)
            mark = None
            if hourly_rate is not None:
                profile.hourly_rate, mark = amount(hourly_rate, _("The hourly rate"))
            amount_currency(mark, currency, _("The hourly rate"))  # they must agree
            profile.currency = currency_code(currency, profile.currency) or "EUR"
            if mark is not None and mark != profile.currency:
                message = _(
                    "The hourly rate is written in {mark} but your currency is "
                    "{currency}; give the currency {mark} too to change it."
                )
                raise InvalidInput(message.format(mark=mark, currency=profile.currency))
            if history_days is not None:
                profile.history_days = days(history_days)
            if phone_region is not None:
                profile.phone_region = region_code(phone_region)
            keys = ("name", "hourly_rate", "currency", "history_days", "phone_region")
            edited = [k for k in keys if _changed(profile, k)]
            if fields is not None:
                wanted: dict[str, str] = {}
                for raw in fields:
                    value = text(raw, _("A field"), max_len=200)
                    if value:
                        wanted.setdefault(fold(value), value)
                have = list(session.scalars(select(ProfileField).order_by(ProfileField.id)))
                if [(f.key, f.name) for f in have] != list(wanted.items()):
                    session.execute(delete(ProfileField))
                    session.add_all(ProfileField(name=v, key=k) for k, v in wanted.items())
                    edited.append("fields")
            if edited:
                self.store.describe(session, f"Edited your profile: {', '.join(edited)}")
        self.store.forget_region()
        return self.profile()

    # -- history -------------------------------------------------------------------------

    def history(self, *, limit: int | None = 20) -> list[Change]:
        """The most recent change sets, newest first: each call of the API that wrote
        something (a log, an edit, an import, an undo) is one; see :mod:`netjournal.history`."""
        from .history import changes

        with self.store.connect() as connection:
            return changes(connection, limit=limit)

    def undo(self, number: int | None = None) -> Change:
        """Undo change set ``number`` (the most recent one by default), exactly, in one
        transaction; returns the undo's own change set (``undoes`` is ``number``), which can
        be undone in turn (a redo). Raises :class:`~netjournal.errors.UndoConflict`, naming
        it, when a later change set touched or depends on the same records, and
        :class:`~netjournal.errors.NotFound` for an unknown number; nothing is written then."""
        from .errors import NotFound
        from .history import undo

        with self.store.transaction("undo") as connection:
            target = undo(connection, number)
        self.store.forget_region()  # the undo may have put back another profile
        done = self.store.last_change
        if done is None:  # its rows were created and removed again within it: nothing to do
            message = _("Change #{id} ({summary}) left nothing to undo.")
            raise NotFound(message.format(id=target.id, summary=target.summary))
        return done

    # -- encounters ----------------------------------------------------------------------

    def log(self, person: Any, **details: Any) -> Encounter:
        """Log one encounter: short for :meth:`journal.encounters.log
        <netjournal.encounters.Encounters.log>`."""
        return self.encounters.log(person, **details)

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
            with self.store.write("import") as session:
                options = {"overwrite": overwrite, "skip_invalid": skip_invalid}
                apply_people(session, parsed.people, report, progress=progress, **options)
                apply_events(
                    session,
                    parsed.events,
                    report,
                    default_currency=self.store.currency(session),
                    progress=progress,
                    **options,
                )
                what = "events" if format == "ical" else "people"
                count = len(report.created) + len(report.merged)
                self.store.describe(session, f"Imported {count} {what} from {Path(path).name}")
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
        with self.store.read() as session:
            return {
                name: session.scalar(select(func.count()).select_from(model)) or 0
                for name, model in zip(names, models, strict=True)
            }

    # -- reports -------------------------------------------------------------------------

    def report(self, name: str, **params: Any) -> Report:
        """Run one report (``payoff``, ``events``, ``fields``, ``questions``, ``leads``,
        ``pitches``, ``followups``, ``introducers``, ``prep``) and return its typed rows.

        ``params``: ``since`` / ``until`` (encounter dates; event start dates for ``events``),
        ``attribution`` (``first``, ``last`` or ``linear``, for ``payoff``), ``soon`` (days,
        for ``followups``), ``event`` (for ``prep``), ``today``, ``limit`` and
        ``include_connections`` (network connections, such as LinkedIn's "Connected On", are
        not meetings: left out of attribution and encounter counts unless true),
        ``credit_introducers`` (for ``payoff``: add the value credited to introducers up the
        chain, as the ``introducers`` report does). See :mod:`netjournal.reports` and
        docs/reports.md.
        """
        from .reports import run

        with self.store.read() as session:
            return run(session, name, **params)

    def catchup(
        self,
        *,
        limit: int | None = None,
        tags: Iterable[str] | str | None = None,
        today: dt.date | str | None = None,
    ) -> list[CatchUp]:
        """The people due or overdue for a catch-up on ``today`` (default: today), most late
        first: lateness is (days since the last touch − cadence) / cadence. Each
        :class:`~netjournal.catchup.CatchUp` holds the last touch, the last meeting (date,
        event), what you talked about, open leads and follow-ups, and a question worth asking
        next. ``tags`` (all of them) narrows to people carrying them; a tag the journal does
        not have is refused. See :mod:`netjournal.catchup` for what counts as a touch."""
        from .catchup import MAX_LIMIT, catchup
        from .validate import optional_date

        day = optional_date(today, _("today's date")) or dt.date.today()
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT
        ):
            message = _("The limit must be a whole number from 1 to {max}.")
            raise InvalidInput(message.format(max=grouped(MAX_LIMIT)))
        with self.store.connect() as connection:
            currency = self.store.currency(connection)
            return catchup(connection, day, limit=limit, tags=tags, currency=currency)

    # -- exports, imports and backups -------------------------------------------------------

    def export_json(self, fp: TextIO) -> ExportStats:
        """Write the whole journal to ``fp`` as one JSON document (see docs/export-format.md).

        Streamed in chunks from one consistent snapshot; :meth:`import_json` reads it back.
        """
        from .exchange.json_export import write_json

        try:
            return write_json(self.store.engine, fp)
        except DBAPIError as exc:
            raise self.store.database_error(exc) from exc

    def import_json(self, fp: TextIO, *, source_name: str) -> ImportStats:
        """Load a JSON export into this journal, which must be empty, in one transaction.

        Ids are kept, so the journal becomes exactly the one exported. ``source_name`` (the
        file name) is used in error messages.
        """
        from .exchange.json_import import import_document, read_document

        document = read_document(fp, source_name)
        with self.store.write("import.json") as session:
            stats = import_document(
                session.connection(), document, source_name, self.location.display
            )
            self.store.describe(session, f"Imported the JSON export {Path(source_name).name}")
        self.store.forget_region()  # the profile came with the file
        return stats

    def sync_vdir(
        self,
        path: str | os.PathLike[str],
        *,
        version: str = "3.0",
        prefer: str | None = None,
        prune: bool = False,
        notes: bool = False,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> SyncReport:
        """Sync the journal's people both ways with the vdir at ``path`` (a folder of one
        ``.vcf`` per contact, as vdirsyncer and khard keep it), so that an address book and
        the journal stay in step; see :mod:`netjournal.vdir.sync`.

        New cards become people and new people get a card (vCard ``version`` 3.0 or 4.0);
        names, organization, title, e-mails, phones, URLs (and ``notes`` if asked) go both
        ways, while what netjournal does not model stays in the card untouched. A contact
        changed on both sides is merged field by field, or reported as a conflict (both
        versions kept) unless ``prefer`` is ``"journal"`` or ``"vdir"``. A card deleted from
        the vdir unlinks its person (``prune``: deletes them); a person deleted or forgotten
        loses their card. One change set of the history; ``dry_run`` writes nothing.
        """
        from .vdir.sync import run

        return run(
            self.store,
            path,
            version=version,
            prefer=prefer,
            prune=prune,
            notes=notes,
            dry_run=dry_run,
            progress=progress,
        )

    def export_vcard(self, fp: TextIO, *, version: str = "3.0") -> ExportStats:
        """Write every person as a vCard (``version`` 3.0 or 4.0) for address books."""
        from .exchange.vcard import write_vcards

        with self.store.read() as session:
            return write_vcards(session, fp, version=version)

    def export_csv(
        self, fp: TextIO, *, excel: bool = False, language: str | None = None
    ) -> ExportStats:
        """Write one CSV row per encounter for spreadsheets; ``excel`` adds a UTF-8 BOM and
        neutralises cells that a spreadsheet would run as formulas, and for a French Excel
        (``language``, by default the interface's) separates fields with ``;`` and writes
        decimal commas."""
        from .exchange.spreadsheet import write_encounters_csv
        from .i18n import language as current

        with self.store.read() as session:
            return write_encounters_csv(
                session.connection(), fp, excel=excel, language=language or current()
            )

    def export_ical(
        self,
        fp: TextIO,
        *,
        todo: bool = False,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        tags: Iterable[str] | str | None = None,
    ) -> ExportStats:
        """Write open follow-ups and upcoming events to ``fp`` as an iCalendar file for a
        calendar to import or subscribe to (see :mod:`netjournal.exchange.ical`).

        Follow-ups are all-day events with a reminder at 09:00 on the due date, or to-dos
        (``todo=True``; Google Calendar does not show to-dos from a file); events are those
        not over yet. ``since``/``until`` keep the follow-ups due and the events held within
        that period; ``tags`` (all of them) the follow-ups whose person or encounter carries
        them and the events that do. UIDs stay the same from one export to the next.

        Each person due for a catch-up (:meth:`catchup`) gets a reminder too: on today when
        due or overdue, or on the day they fall due when that is by ``until``; its UID is the
        person's, so it moves in the calendar as you meet them.
        """
        from .exchange.ical import write_ical

        with self.store.connect() as connection:
            return write_ical(connection, fp, todo=todo, since=since, until=until, tags=tags)

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
    ) -> SearchResult:
        """Ranked :class:`~netjournal.search.Hit` s for what a user typed, best first.

        Searches people, events, encounters, questions, leads and outcomes, ignoring case
        and accents; apostrophes and hyphens separate words (``jean francois`` finds
        "Jean-François", ``ndiaye`` "N'Diaye"). Words match as prefixes (``pack`` finds
        "packaging"); ``"a phrase"``, ``-word`` or ``NOT word`` (exclude), ``OR`` and
        ``AND`` (the default) work; any other text is read as words, so no query fails.
        When no item has every word, the search widens to the items with most of them:
        the list returned (:class:`~netjournal.search.SearchResult`) is then ``widened``
        and each hit's ``missing`` names the words it lacks. Filters narrow the hits
        (``kinds``: person, event, encounter, question, lead, outcome; ``tags``: all of
        them, each carried by the item itself or by the encounter it was logged in, an
        outcome also by its lead; ``lead_kind``/``lead_status``: leads and their
        outcomes); with no words the matching items come newest first (a person by when
        they were added, an event by its start). A person hit is dated by the last
        encounter with them (``None`` if never met). A very common word ranks its 200
        most recently written matches (:data:`netjournal.search.RANKED`); scores are
        relative to the best hit (1.0).
        """
        from .search import search

        with self.store.connect() as connection:
            return search(
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


def _unlocked(
    url_or_path: str | os.PathLike[str] | None,
    passphrase: str | Passphrase | None,
    *,
    create: bool,
) -> db.Location:
    """The journal's location with the key that opens it (none for a plain journal)."""
    location = db.resolve(url_or_path)
    if location.backend == "sqlite" and location.path is not None or passphrase is not None:
        from . import keys

        return keys.unlock(location, passphrase, create=create)
    return location


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def _passphrase(given: str | Passphrase | Callable[[], Passphrase]) -> Passphrase:
    from .cipher import Passphrase

    if isinstance(given, str):
        return Passphrase(given)
    return given if isinstance(given, Passphrase) else given()


def _file_of(location: db.Location, *, existing: bool = True) -> Path:
    if location.backend != "sqlite":
        message = _(
            "{journal}: encryption applies to SQLite journal files; a PostgreSQL "
            "journal is protected by its server (disk encryption, TLS, roles)."
        )
        raise InvalidInput(message.format(journal=location.display))
    if location.path is None:
        raise InvalidInput(_("An in-memory journal has no file to encrypt."))
    if existing and not location.path.exists():
        message = _("No journal at {path}: run 'netjournal init'.")
        raise JournalUnavailable(message.format(path=location.path))
    return location.path


def _not_plain(display: str, state: str) -> str:
    if state == "encrypted":
        message = _(
            "{journal} is already encrypted (change its passphrase with 'netjournal db rekey')."
        )
    elif state == "empty":
        message = _(
            "{journal} is empty: create an encrypted journal with 'netjournal init --encrypt'."
        )
    else:
        message = _("{journal} is not a netjournal journal (not a SQLite database).")
    return message.format(journal=display)


def _keep_key(path: Path, key: CipherKey | None) -> None:
    """Remember ``key`` for ``path`` in the keyring, or forget what it held for the file's
    previous key (now useless) when ``key`` is ``None``; a session unlock of the previous key
    ends either way."""
    from . import keys, session_keys

    session_keys.remove(path)
    if key is not None:
        keys.remember(path, key)
        return
    with contextlib.suppress(JournalUnavailable):
        keys.forget(path)


def _changed(record: object, key: str) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(record).attrs[key].history.has_changes())
