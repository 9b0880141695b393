"""``journal.leads``: what encounters opened up (their outcomes: :mod:`netjournal.outcomes`)."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from . import listings, records, resolve
from . import tags as tagging
from .i18n import _
from .specs import LeadSpec
from .store import changed_attributes, edited
from .text import plural
from .validate import optional_date, text
from .vocab import canonical
from .writers import lead_values

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .models import Encounter, Lead
    from .store import Store

# The ORM (models, sessions) is imported where it is used: ``records`` and the other quick
# paths of the command line must not pay for importing it (docs/performance.md).


def build_lead(session: Session, spec: LeadSpec, on: dt.date) -> Lead:
    """A validated :class:`Lead` for ``spec``, born on ``on`` (not yet attached)."""
    from .models import Lead

    return Lead(
        **lead_values(spec, on),
        tags=tagging.get_or_create(session, spec.tags),
        outcomes=[],  # loaded even when empty: usable after the session closes
    )


def loaded() -> tuple[Any, ...]:
    """How leads are read: with their encounter and its leads, which the default loading of
    a lead skips (it stops at the cycle lead -> encounter -> leads), so that nothing raises
    once the session is closed."""
    from sqlalchemy.orm import joinedload

    from .models import Encounter, Lead

    return (joinedload(Lead.encounter).selectinload(Encounter.leads),)


def lean() -> tuple[Any, ...]:
    """How a write that returns no lead reads it (recording an outcome): with its outcomes and
    its encounter's own columns, not the rest of the graph that :func:`loaded` reads (the
    encounter's person, event, questions, leads, follow-ups and tags: a dozen queries, most of
    the cost of recording an outcome)."""
    from sqlalchemy.orm import joinedload, lazyload, selectinload

    from .models import Lead

    return (
        joinedload(Lead.encounter).lazyload("*"),
        selectinload(Lead.outcomes),
        lazyload(Lead.tags),
    )


def get_lead(session: Session, ref: object, *, reload: bool = False, whole: bool = True) -> Lead:
    """The lead with the id ``ref`` gives, in ``session`` (read again with ``reload``); with
    ``whole=False``, read :func:`lean` (for a write that does not return it)."""
    from .models import Lead

    found: Lead = resolve.record(
        session, Lead, ref, "lead", options=loaded() if whole else lean(), populate_existing=reload
    )
    return found


class Leads:
    """The leads in a journal. Reach it as ``journal.leads``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        encounter: int | str | Encounter,
        kind: str,
        summary: str,
        *,
        details: str | None = None,
        points_to: str | None = None,
        status: str = "open",
        tags: Iterable[str] = (),
    ) -> Lead:
        """Add a lead to an existing encounter (given by id)."""
        from sqlalchemy.orm import lazyload

        from .models import Encounter

        with self._store.write("lead.add") as session:
            # the encounter's date and leads are all it needs: not its person, event, questions...
            found: Encounter = resolve.record(
                session, Encounter, encounter, "encounter", options=(lazyload("*"),)
            )
            lead = build_lead(
                session,
                LeadSpec(kind, summary, details, points_to, status, tuple(tags)),
                found.date,
            )
            found.leads.append(lead)
            session.flush()
            lead = get_lead(session, lead.id, reload=True)  # with the encounter it came from
            self._store.describe(
                session, f"Added lead #{lead.id} ({lead.kind}) to encounter #{found.id}"
            )
            return lead

    def get(self, lead_id: int | str | Lead) -> Lead:
        """The lead with this id, with the encounter it came from."""
        with self._store.read() as session:
            return get_lead(session, lead_id)

    def list(
        self,
        *,
        status: str | None = None,
        kind: str | None = None,
        person: int | str | None = None,
        event: int | str | None = None,
        tag: str | None = None,
        limit: int | None = None,
    ) -> list[Lead]:
        """Leads, newest encounter first, filtered by status, kind, person, event or tag."""
        from .models import Lead

        with self._store.read() as session:
            listing = listings.leads(
                session.connection(),
                status=status,
                kind=kind,
                person=person,
                event=event,
                tag=tag,
                limit=limit,
            )
            assert listing.source is not None
            stmt = select(Lead).select_from(listing.source).options(*loaded())
            return list(session.scalars(listing.apply(stmt)).unique())

    def records(
        self,
        *,
        status: str | None = None,
        kind: str | None = None,
        person: int | str | None = None,
        event: int | str | None = None,
        tag: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """What :meth:`list` returns, as JSON-ready dicts (``to_dict`` of each lead), read
        without the ORM: what ``netjournal lead list`` prints."""
        with self._store.connect() as connection:
            listing = listings.leads(
                connection,
                status=status,
                kind=kind,
                person=person,
                event=event,
                tag=tag,
                limit=limit,
            )
            return records.lead_records(connection, listing)

    def update(
        self,
        lead_id: int | str | Lead,
        *,
        status: str | None = None,
        on: dt.date | str | None = None,
        kind: str | None = None,
        summary: str | None = None,
        details: str | None = None,
        points_to: str | None = None,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
    ) -> Lead:
        """Change a lead; a new ``status`` is dated ``on`` (today by default).

        Returns the lead as stored. Nothing is written when nothing differs;
        :attr:`Journal.last_change <netjournal.journal.Journal.last_change>` then is ``None``,
        else its summary names what changed (``Edited lead #4: status, tags``).
        """
        with self._store.edit("lead.update") as session:
            lead = get_lead(session, lead_id)
            if status is not None:
                new = canonical(status, "lead status")
                if new != lead.status:
                    lead.status = new
                    lead.status_changed_on = optional_date(on, _("date")) or dt.date.today()
            if kind is not None:
                lead.kind = canonical(kind, "lead kind")
            if summary is not None:
                new_summary = text(summary, _("A lead's summary"), required=True)
                assert new_summary is not None
                lead.summary = new_summary
            if details is not None:
                lead.details = text(details, _("A lead's details"))
            if points_to is not None:
                lead.points_to = text(points_to, _("What the lead points to"))
            changed = changed_attributes(lead)
            if tagging.retag(session, lead, add_tags, remove_tags):
                changed.append("tags")
            if changed:
                self._store.describe(session, edited(f"lead #{lead.id}", changed))
            session.flush()
            return lead

    def delete(self, lead_id: int | str | Lead) -> Lead:
        """Remove a lead with its outcomes; returns it as it was."""
        from .models import Lead

        with self._store.write("lead.delete") as session:
            lead = get_lead(session, lead_id)
            session.execute(delete(Lead).where(Lead.id == lead.id))
            session.expunge(lead)
            count = len(lead.outcomes)
            also = f" and its {plural(count, 'outcome')}" if count else ""
            self._store.describe(
                session, f"Deleted lead #{lead.id} ({lead.kind}: {lead.summary}){also}"
            )
            return lead
