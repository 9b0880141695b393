"""``journal.encounters``: logging whom you met (one, a batch file, a bulk load), reading,
correcting and deleting encounters.

Logging goes through the Core writer of :mod:`netjournal.writers`; everything is handed back
as detached ORM :class:`~netjournal.models.Encounter` objects with their person, event,
introducer, questions, leads (with outcomes), follow-ups and tags loaded.
"""

from __future__ import annotations

import builtins
import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, select

from . import resolve
from . import tables as t
from . import tags as tagging
from .errors import (
    AmbiguousName,
    ImportFormatError,
    InvalidInput,
    JournalUnavailable,
    NetjournalError,
)
from .i18n import N_, _
from .specs import EncounterSpec, as_question
from .store import changed_attributes, edited
from .text import plural, question_key
from .validate import parse_date, text
from .writers import COLLECTIONS, Cache, log_one, log_specs

if TYPE_CHECKING:
    from .models import Encounter, Person
    from .store import Store

# The ORM (models, sessions) is imported where it is used: ``log_record`` and the other quick
# paths of the command line must not pay for importing it (docs/performance.md).


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that it rolls back."""


class BatchResult(builtins.list["Encounter"]):
    """What :meth:`Encounters.batch` returns: a list of the encounters logged (in a dry run:
    that would be logged), in the file's order, with :attr:`new_people`."""

    def __init__(
        self, encounters: Iterable[Encounter] = (), new_people: Iterable[Person] = ()
    ) -> None:
        super().__init__(encounters)
        #: The people the batch created (in a dry run: would create, their ids then mean
        #: nothing), each once, in the order the file first names them.
        self.new_people: builtins.list[Person] = builtins.list(new_people)


#: An encounter's free-text fields as a refusal names them ("The stakes is longer than...").
_TEXT_NAMES = {"notes": N_("The notes"), "stakes": N_("The stakes"), "wishes": N_("The wishes")}


def spec_of(person: Any, details: dict[str, Any]) -> EncounterSpec:
    """The :class:`EncounterSpec` of a call like ``log(person, **details)``."""
    try:
        return EncounterSpec(person=person, **details)
    except TypeError as exc:
        raise InvalidInput(_("Unknown encounter detail: {error}.").format(error=exc)) from None


def encounters_by_id(
    connection: Connection, ids: Sequence[int], filled: Iterable[str] = COLLECTIONS
) -> list[Encounter]:
    """The encounters ``ids`` as loaded, detached ORM objects, in that order, read in the
    transaction that wrote them (nothing can delete them in between).

    A collection not in ``filled`` is known to be empty (the caller just wrote these
    encounters and none of them has such rows): it is set empty without a query, which
    spares a logged encounter half of its reading back."""
    from sqlalchemy.orm import Session, lazyload
    from sqlalchemy.orm.attributes import set_committed_value

    from .models import Encounter

    written = set(filled)
    empty = [name for name in COLLECTIONS if name not in written]
    stmt = select(Encounter).options(*(lazyload(getattr(Encounter, name)) for name in empty))
    found: dict[int, Encounter] = {}
    with Session(bind=connection) as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update((e.id, e) for e in session.scalars(stmt.where(Encounter.id.in_(chunk))))
        for encounter in found.values():
            for name in empty:
                set_committed_value(encounter, name, [])
    return [found[i] for i in ids]


def summary_of(connection: Connection, ids: Sequence[int], source: str | None = None) -> str:
    """ "Logged Hélène Dubois at Lyon Tech Meetup (encounter #12)", or "Logged 5 encounters"."""
    origin = f" from {source}" if source else ""
    if len(ids) != 1:
        return f"Logged {len(ids)} encounters{origin}"
    e = t.encounters
    row = connection.execute(
        select(t.people.c.display_name, t.events.c.name)
        .select_from(e)
        .join(t.people, t.people.c.id == e.c.person_id)
        .outerjoin(t.events, t.events.c.id == e.c.event_id)
        .where(e.c.id == ids[0])
    ).one()
    at = f" at {row.name}" if row.name is not None else ""
    return f"Logged {row.display_name}{at} (encounter #{ids[0]}){origin}"


class Encounters:
    """The encounters in a journal. Reach it as ``journal.encounters``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- logging -------------------------------------------------------------------------

    def log(self, person: Any, **details: Any) -> Encounter:
        """Log one encounter with its questions, leads and follow-ups, atomically.

        ``details`` are the fields of :class:`~netjournal.specs.EncounterSpec`: event, date,
        notes, stakes, wishes, pitched, introduced_by, outside_field, tags, questions, leads,
        followups, person fields (organization, title, field, location, email, phone),
        ``again`` (log a second encounter with the same person at the same event that day) and
        ``any_date`` (log it even if dated more than 7 days before or after its event). The
        date picks the edition of an event name several editions share; relative follow-up
        dates ("friday") count from it.
        """
        return self.log_many([spec_of(person, details)])[0]

    add = log  # the collections' common verb

    def log_many(self, specs: Iterable[EncounterSpec]) -> list[Encounter]:
        """Log several encounters in one transaction: all of them are written, or none.

        A spec that fails names its ``line`` (when it came from a batch file) in the error.
        """
        cache = Cache()
        with self._store.transaction("encounter.log") as connection:
            logged = log_specs(connection, specs, cache=cache)
            self._store.describe(connection, summary_of(connection, logged))
            return encounters_by_id(connection, logged, cache.filled)

    def log_record(self, person: Any, **details: Any) -> dict[str, Any]:
        """Log one encounter like :meth:`log`, and return it as the JSON-ready record that
        ``to_dict(journal.encounters.log(...))`` would give, without importing the ORM: the
        quick path of ``netjournal log``."""
        from .listings import Listing
        from .records import encounter_records

        with self._store.transaction("encounter.log") as connection:
            logged = log_specs(connection, [spec_of(person, details)])
            self._store.describe(connection, summary_of(connection, logged))
        with self._store.connect() as connection:
            mine = Listing((t.encounters.c.id == logged[0],), ())
            return encounter_records(connection, mine)[0]

    def batch(
        self,
        text: str,
        *,
        source_name: str = "<stdin>",
        dry_run: bool = False,
        again: bool = False,
        any_date: bool = False,
    ) -> BatchResult:
        """Log an evening's file (see :mod:`netjournal.batch`) in one transaction.

        The header's event is found by name (on the header's date, when one is given); an
        unknown event is created from the header when it gives a date, so a new edition of
        a recurring meetup needs no separate ``events.add``. Any error raises
        :class:`~netjournal.errors.ImportFormatError` ``FILE:LINE: reason`` and writes nothing.
        With ``dry_run`` everything is checked and written, then rolled back: the encounters
        that would be logged are returned and the journal is left as it was. The result is a
        list of the encounters; its ``new_people`` attribute lists the people the file adds
        to the journal (would add, in a dry run; see :class:`BatchResult`). A person logged
        already at that event that day is refused unless the block says ``again: yes`` or
        ``again`` is true (for the whole file); a block dated more than 7 days away from its
        event, unless ``any_date`` is true.
        """
        from sqlalchemy.orm import Session

        from .batch import parse_batch
        from .events import edition_for

        batch = parse_batch(text, source_name=source_name)
        logged = BatchResult()
        cache = Cache()
        try:
            with self._store.transaction("encounter.batch") as connection:
                if batch.event is not None:
                    # The session joins the connection's transaction: one commit for all.
                    with Session(bind=connection) as session:
                        try:
                            default = self._store.currency(connection)
                            event = edition_for(session, batch.event, default)
                            session.flush()
                        except NetjournalError as exc:
                            if isinstance(exc, JournalUnavailable):
                                raise
                            line = batch.event.line
                            raise ImportFormatError(source_name, line, str(exc)) from exc
                        for spec in batch.encounters:
                            if spec.event is None:
                                spec.event = event.id
                for spec in batch.encounters:
                    spec.source = spec.source or "batch"
                    spec.again = spec.again or again
                    spec.any_date = spec.any_date or any_date
                ids = log_specs(connection, batch.encounters, source_name, cache)
                self._store.describe(connection, summary_of(connection, ids, source_name))
                encounters = encounters_by_id(connection, ids, cache.filled)
                created = {e.person.id: e.person for e in encounters}
                logged = BatchResult(encounters, (created[i] for i in cache.created))
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        return logged

    def bulk(self, specs: Iterable[EncounterSpec], *, chunk: int = 5000) -> int:
        """Log a large number of encounters quickly; returns how many were logged.

        Each ``chunk`` of specs is one transaction (and one change set): a failing spec
        rolls back its own chunk only, the chunks before it stay written. Use
        :meth:`log_many` when the whole batch must be atomic. A name seen earlier in the same
        call means the same person (no lookup). Nothing is read back, so a bulk load costs
        only the writes.
        """
        if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
            raise InvalidInput(_("The chunk size must be a positive whole number."))
        cache = Cache()
        total = 0
        iterator = iter(specs)
        while batch := list(itertools.islice(iterator, chunk)):
            with self._store.transaction("encounter.batch") as connection:
                for spec in batch:
                    try:
                        log_one(connection, spec, cache)
                    except (ImportFormatError, JournalUnavailable):
                        raise  # already says where
                    except NetjournalError as exc:
                        where = spec.line if spec.line is not None else total + 1
                        raise located(exc, _("line {line}").format(line=where)) from exc
                    total += 1
                self._store.describe(connection, f"Logged {len(batch)} encounters (bulk load)")
        return total

    # -- reading -------------------------------------------------------------------------

    def get(self, encounter_id: int | str | Encounter) -> Encounter:
        """The encounter with this id (``12`` or ``"#12"``)."""
        from .models import Encounter

        with self._store.read() as session:
            found: Encounter = resolve.record(session, Encounter, encounter_id, "encounter")
            return found

    def list(
        self,
        *,
        person: Any = None,
        event: Any = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        limit: int | None = None,
    ) -> builtins.list[Encounter]:
        """Encounters, newest first, optionally of one person, at one event, within dates."""
        from .listings import encounters
        from .models import Encounter

        with self._store.read() as session:
            listing = encounters(
                session.connection(),
                person=person,
                event=event,
                since=since,
                until=until,
                limit=limit,
            )
            return builtins.list(session.scalars(listing.apply(select(Encounter))))

    def records(
        self,
        *,
        person: Any = None,
        event: Any = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        limit: int | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """What :meth:`list` returns, as JSON-ready dicts (``to_dict`` of each encounter),
        read without the ORM."""
        from .listings import encounters
        from .records import encounter_records

        with self._store.connect() as connection:
            listing = encounters(
                connection, person=person, event=event, since=since, until=until, limit=limit
            )
            return encounter_records(connection, listing)

    # -- correcting ----------------------------------------------------------------------

    def update(
        self,
        encounter_id: int | str | Encounter,
        *,
        date: dt.date | str | None = None,
        event: Any = None,
        notes: str | None = None,
        stakes: str | None = None,
        wishes: str | None = None,
        questions: Sequence[Any] | None = None,
        pitched: bool | None = None,
        introduced_by: Any = None,
        outside_field: bool | None = None,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
    ) -> Encounter:
        """Correct an encounter. ``None`` leaves a value as it is; ``""`` clears ``event``,
        ``introduced_by`` and the texts; ``questions`` replaces the list when given.

        Returns the encounter as stored. Nothing is written when nothing differs;
        :attr:`Journal.last_change <netjournal.journal.Journal.last_change>` then is ``None``,
        else its summary names what changed (``Edited encounter #12 (Hélène Dubois): notes``).
        """
        from .models import Encounter

        with self._store.edit("encounter.update") as session:
            found: Encounter = resolve.record(session, Encounter, encounter_id, "encounter")
            changed: builtins.list[str] = []
            if date is not None:
                found.date = parse_date(date, _("date"))
                _refuse_later_than_outcomes(found)
            if event is not None:
                found.event = None if event == "" else resolve.event(session, event)
            for key, value in (("notes", notes), ("stakes", stakes), ("wishes", wishes)):
                if value is not None:
                    setattr(found, key, text(value, _(_TEXT_NAMES[key])))
            if pitched is not None:
                found.pitched = bool(pitched)
            if outside_field is not None:
                found.outside_field = bool(outside_field)
            if introduced_by is not None:
                intro = None if introduced_by == "" else resolve.person(session, introduced_by)
                if intro is not None and intro.id == found.person_id:
                    raise InvalidInput(_("Someone cannot introduce you to themselves."))
                found.introduced_by = intro
            if questions is not None and _replace_questions(found, questions):
                changed.append("questions")
            if tagging.retag(session, found, add_tags, remove_tags):
                changed.append("tags")
            changed = changed_attributes(found) + changed
            if changed:
                subject = f"encounter #{found.id} ({found.person.display_name})"
                self._store.describe(session, edited(subject, changed))
            session.flush()
            return found

    def delete(self, encounter_id: int | str | Encounter) -> Encounter:
        """Remove one encounter with its questions, leads, outcomes and follow-ups; returns
        it as it was."""
        from .models import Encounter, Lead

        with self._store.write("encounter.delete") as session:
            found: Encounter = resolve.record(session, Encounter, encounter_id, "encounter")
            leads = session.scalars(select(Lead.id).where(Lead.encounter_id == found.id))
            tag_ids = tagging.tag_ids_of(session, encounters=[found.id], leads=list(leads))
            where = f" at {found.event.name}" if found.event is not None else ""
            removed = [
                plural(len(found.questions), "question"),
                plural(len(found.leads), "lead"),
                plural(sum(len(lead.outcomes) for lead in found.leads), "outcome"),
                plural(len(found.followups), "follow-up"),
            ]
            session.execute(delete(Encounter).where(Encounter.id == found.id))
            session.expunge(found)
            tagging.drop_unused(session, tag_ids)
            self._store.describe(
                session,
                f"Deleted encounter #{found.id} ({found.person.display_name}{where}, "
                f"{found.date}) with {', '.join(removed)}",
            )
        self._store.scrub()
        return found


def _replace_questions(encounter: Encounter, items: Sequence[Any]) -> bool:
    """Give ``encounter`` exactly these questions; ``True`` if they differ from its own."""
    from .models import Question

    wanted = []
    for item in items:
        question = as_question(item)
        asked = text(question.asked, _("A question"), required=True)
        assert asked is not None
        wanted.append((asked, text(question.learned, _("What you learned"))))
    if wanted == [(q.asked, q.learned) for q in encounter.questions]:
        return False
    encounter.questions = [
        Question(position=i, asked=asked, asked_key=question_key(asked), learned=learned)
        for i, (asked, learned) in enumerate(wanted)
    ]
    return True


def located(exc: NetjournalError, where: str) -> NetjournalError:
    """The same error, its message prefixed with ``where``, keeping what it carries (an
    ambiguous name's candidates). An import error (its own file and line) and an unusable
    journal are raised as they are, not through here."""
    if isinstance(exc, AmbiguousName):
        return AmbiguousName(f"{where}: {exc}", exc.candidates)
    return type(exc)(f"{where}: {exc}")


def _refuse_later_than_outcomes(encounter: Encounter) -> None:
    """An outcome never predates the encounter its lead came from (``outcomes.add`` refuses
    it): an encounter is not moved past the outcomes of its leads either."""
    for lead in encounter.leads:
        for outcome in lead.outcomes:
            if outcome.date < encounter.date:
                message = _(
                    "The encounter cannot be dated {date}: outcome #{outcome} "
                    "of lead #{lead} is dated {outcome_date}, before it."
                )
                raise InvalidInput(
                    message.format(
                        date=encounter.date,
                        outcome=outcome.id,
                        lead=lead.id,
                        outcome_date=outcome.date,
                    )
                )
