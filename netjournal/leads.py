"""``journal.leads``: what encounters opened up, and what each lead turned into."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from . import resolve
from . import tags as tagging
from .encounters import lead_values
from .errors import InvalidInput, NotFound
from .models import Encounter, Lead, Outcome
from .specs import LeadSpec
from .text import fold
from .validate import choice, currency, money, optional_date, text
from .vocab import LEAD_KINDS, LEAD_STATUSES, OUTCOME_KINDS

if TYPE_CHECKING:
    from .journal import Journal


def build_lead(session: Session, spec: LeadSpec, on: dt.date) -> Lead:
    """A validated :class:`Lead` for ``spec``, born on ``on`` (not yet attached)."""
    return Lead(
        **lead_values(spec, on),
        tags=tagging.get_or_create(session, spec.tags),
        outcomes=[],  # loaded even when empty: usable after the session closes
    )


def _get(session: Session, lead_id: int | Lead) -> Lead:
    lid = lead_id.id if isinstance(lead_id, Lead) else resolve.as_id(lead_id)
    lead = session.get(Lead, lid, options=[joinedload(Lead.encounter)]) if lid is not None else None
    if lead is None:
        raise NotFound(f"No lead with id {lead_id}.")
    return lead


class Leads:
    """The leads in a journal. Reach it as ``journal.leads``."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def add(
        self,
        encounter_id: int,
        kind: str,
        summary: str,
        *,
        details: str | None = None,
        points_to: str | None = None,
        status: str = "open",
        tags: Iterable[str] = (),
    ) -> Lead:
        """Add a lead to an existing encounter."""
        with self._journal._write() as session:
            encounter = session.get(Encounter, encounter_id)
            if encounter is None:
                raise NotFound(f"No encounter with id {encounter_id}.")
            lead = build_lead(
                session,
                LeadSpec(kind, summary, details, points_to, status, tuple(tags)),
                encounter.date,
            )
            encounter.leads.append(lead)
            session.flush()
            return lead

    def get(self, lead_id: int) -> Lead:
        with self._journal._read() as session:
            return _get(session, lead_id)

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
        stmt = (
            select(Lead)
            .join(Encounter, Lead.encounter_id == Encounter.id)
            .options(joinedload(Lead.encounter))
            .order_by(Encounter.date.desc(), Lead.id.desc())
            .limit(limit)
        )
        if status:
            stmt = stmt.where(Lead.status == choice(status, LEAD_STATUSES, "lead status"))
        if kind:
            stmt = stmt.where(Lead.kind == choice(kind, LEAD_KINDS, "lead kind"))
        if tag:
            stmt = stmt.where(Lead.tags.any(key=fold(tag)))
        with self._journal._read() as session:
            if person is not None:
                who = resolve.person(session, person)
                assert who is not None
                stmt = stmt.where(Encounter.person_id == who.id)
            if event is not None:
                stmt = stmt.where(Encounter.event_id == resolve.event(session, event).id)
            return list(session.scalars(stmt))

    def update(
        self,
        lead_id: int,
        *,
        status: str | None = None,
        on: dt.date | str | None = None,
        kind: str | None = None,
        summary: str | None = None,
        details: str | None = None,
        points_to: str | None = None,
        add_tags: Iterable[str] = (),
    ) -> Lead:
        """Change a lead; a new ``status`` is dated ``on`` (today by default)."""
        with self._journal._write() as session:
            lead = _get(session, lead_id)
            if status is not None:
                new = choice(status, LEAD_STATUSES, "lead status")
                if new != lead.status:
                    lead.status = new
                    lead.status_changed_on = optional_date(on, "date") or dt.date.today()
            if kind is not None:
                lead.kind = choice(kind, LEAD_KINDS, "lead kind")
            if summary is not None:
                new_summary = text(summary, "A lead's summary", required=True)
                assert new_summary is not None
                lead.summary = new_summary
            if details is not None:
                lead.details = text(details, "A lead's details")
            if points_to is not None:
                lead.points_to = text(points_to, "What the lead points to")
            tagging.merge_into(lead.tags, tagging.get_or_create(session, add_tags))
            session.flush()
            return lead

    def record_outcome(
        self,
        lead_id: int,
        description: str,
        *,
        value: Decimal | int | str | None = None,
        currency_code: str | None = None,
        date: dt.date | str | None = None,
        kind: str = "other",
        mark_won: bool = True,
    ) -> Outcome:
        """Record what a lead turned into (money saved or earned, a hire, funding, an idea).

        ``value`` is exact (at most two decimals) in ``currency_code`` (the profile's currency
        by default). An open or exploring lead is marked won unless ``mark_won`` is false.
        """
        with self._journal._write() as session:
            lead = _get(session, lead_id)
            when = optional_date(date, "outcome date") or dt.date.today()
            amount = money(value, "The value", allow_negative=True)
            description_text = text(description, "The outcome's description", required=True)
            assert description_text is not None
            outcome = Outcome(
                date=when,
                description=description_text,
                value=amount,
                currency=currency(currency_code, self._journal._currency(session))
                if amount is not None
                else currency(currency_code),
                kind=choice(kind, OUTCOME_KINDS, "outcome kind"),
            )
            if when < lead.encounter.date:
                raise InvalidInput(
                    f"The outcome ({when}) predates the encounter the lead came from "
                    f"({lead.encounter.date})."
                )
            lead.outcomes.append(outcome)
            if mark_won and lead.status in ("open", "exploring"):
                lead.status = "won"
                lead.status_changed_on = when
            session.flush()
            return outcome
