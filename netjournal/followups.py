"""``journal.followups``: what you promised to do after meeting someone, and when."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from . import resolve
from .errors import NotFound
from .models import Encounter, FollowUp, Person
from .validate import optional_date, parse_date, text

if TYPE_CHECKING:
    from .journal import Journal


class FollowUps:
    """Follow-ups in a journal. Reach it as ``journal.followups``."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def add(
        self,
        person: int | str | Person,
        due: dt.date | str,
        action: str,
        *,
        encounter_id: int | None = None,
    ) -> FollowUp:
        """Promise to do ``action`` for ``person`` by ``due`` ("friday" means the next one)."""
        with self._journal._write() as session:
            who = resolve.person(session, person)
            assert who is not None
            if encounter_id is not None and session.get(Encounter, encounter_id) is None:
                raise NotFound(f"No encounter with id {encounter_id}.")
            what = text(action, "What to do", required=True)
            assert what is not None
            followup = FollowUp(
                person=who,
                encounter_id=encounter_id,
                due=parse_date(due, "due date", prefer="future"),
                action=what,
            )
            session.add(followup)
            session.flush()
            return followup

    def list(
        self,
        *,
        due_by: dt.date | str | None = None,
        include_done: bool = False,
        person: int | str | None = None,
    ) -> list[FollowUp]:
        """Follow-ups by due date; ``due_by`` keeps those due on or before that day."""
        stmt = select(FollowUp).order_by(FollowUp.due, FollowUp.id)
        if not include_done:
            stmt = stmt.where(FollowUp.done_on.is_(None))
        limit = optional_date(due_by, "due date", prefer="future")
        if limit is not None:
            stmt = stmt.where(FollowUp.due <= limit)
        with self._journal._read() as session:
            if person is not None:
                who = resolve.person(session, person)
                assert who is not None
                stmt = stmt.where(FollowUp.person_id == who.id)
            return list(session.scalars(stmt))

    def due(self, on: dt.date | str | None = None) -> builtins.list[FollowUp]:
        """Open follow-ups due today (or on ``on``) or overdue."""
        return self.list(due_by=optional_date(on, "date") or dt.date.today())

    def done(self, followup_id: int, *, on: dt.date | str | None = None) -> FollowUp:
        """Mark a follow-up done (today by default)."""
        with self._journal._write() as session:
            fid = resolve.as_id(followup_id)
            followup = session.get(FollowUp, fid) if fid is not None else None
            if followup is None:
                raise NotFound(f"No follow-up with id {followup_id}.")
            followup.done_on = optional_date(on, "date") or dt.date.today()
            session.flush()
            return followup
