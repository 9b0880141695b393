"""``journal.followups``: what you promised to do after meeting someone, and when."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from . import listings, records, resolve
from .errors import InvalidInput
from .i18n import _
from .store import changed_attributes, edited
from .validate import optional_date, parse_date, text

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .models import Encounter, FollowUp, Person
    from .store import Store

# The ORM (models, sessions) is imported where it is used: ``records`` and the other quick
# paths of the command line must not pay for importing it (docs/performance.md).


class FollowUps:
    """Follow-ups in a journal. Reach it as ``journal.followups``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        person: int | str | Person,
        due: dt.date | str,
        action: str,
        *,
        encounter: int | str | Encounter | None = None,
    ) -> FollowUp:
        """Promise to do ``action`` for ``person`` by ``due`` ("friday" means the next one),
        optionally after an encounter (given by id)."""
        from .models import Encounter, FollowUp

        with self._store.write("followup.add") as session:
            who = resolve.person(session, person)
            assert who is not None
            encounter_id = None
            if encounter is not None:
                encounter_id = resolve.record(session, Encounter, encounter, "encounter").id
            what = text(action, _("What to do"), required=True)
            assert what is not None
            followup = FollowUp(
                person=who,
                encounter_id=encounter_id,
                due=parse_date(due, _("due date"), prefer="future"),
                action=what,
            )
            session.add(followup)
            session.flush()
            self._store.describe(
                session, f"Added follow-up #{followup.id} for {who.display_name}: {what}"
            )
            return followup

    def get(self, followup_id: int | str | FollowUp) -> FollowUp:
        """The follow-up with this id."""
        with self._store.read() as session:
            return _get(session, followup_id)

    def list(
        self,
        *,
        due_by: dt.date | str | None = None,
        include_done: bool = False,
        person: int | str | None = None,
    ) -> list[FollowUp]:
        """Follow-ups by due date; ``due_by`` keeps those due on or before that day."""
        from .models import FollowUp

        with self._store.read() as session:
            listing = listings.followups(
                session.connection(), due_by=due_by, include_done=include_done, person=person
            )
            return list(session.scalars(listing.apply(select(FollowUp))))

    def records(
        self,
        *,
        due_by: dt.date | str | None = None,
        include_done: bool = False,
        person: int | str | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """What :meth:`list` returns, as JSON-ready dicts (``to_dict`` of each follow-up),
        read without the ORM: what ``netjournal followup list`` prints."""
        with self._store.connect() as connection:
            listing = listings.followups(
                connection, due_by=due_by, include_done=include_done, person=person
            )
            return records.followup_records(connection, listing)

    def due(self, on: dt.date | str | None = None) -> builtins.list[FollowUp]:
        """Open follow-ups due today (or on ``on``) or overdue."""
        return self.list(due_by=optional_date(on, "date") or dt.date.today())

    def update(
        self,
        followup_id: int | str | FollowUp,
        *,
        due: dt.date | str | None = None,
        action: str | None = None,
    ) -> FollowUp:
        """Change when a follow-up is due or what it is.

        Returns the follow-up as stored. Nothing is written when nothing differs;
        :attr:`Journal.last_change <netjournal.journal.Journal.last_change>` then is ``None``,
        else its summary names what changed (``Edited follow-up #5: due``).
        """
        with self._store.edit("followup.update") as session:
            followup = _get(session, followup_id)
            if due is not None:
                followup.due = parse_date(due, _("due date"), prefer="future")
            if action is not None:
                what = text(action, _("What to do"), required=True)
                assert what is not None
                followup.action = what
            changed = changed_attributes(followup)
            if changed:
                self._store.describe(session, edited(f"follow-up #{followup.id}", changed))
            session.flush()
            return followup

    def done(
        self, followup_id: int | str | FollowUp, *, on: dt.date | str | None = None
    ) -> FollowUp:
        """Mark a follow-up done (today by default, else ``on``: not a day still to come).

        A follow-up already done is refused (``reopen`` it first), so that its date is
        never moved by mistake."""
        with self._store.write("followup.done") as session:
            followup = _get(session, followup_id)
            if followup.done_on is not None:
                message = _("Follow-up #{id} was already done on {date}; reopen it first.")
                raise InvalidInput(message.format(id=followup.id, date=followup.done_on))
            today = dt.date.today()
            when = optional_date(on, _("date")) or today
            if when > today:
                message = _("Follow-up #{id} cannot be done on {date}: that is in the future.")
                raise InvalidInput(message.format(id=followup.id, date=when))
            followup.done_on = when
            self._store.describe(
                session, f"Did follow-up #{followup.id} on {followup.done_on}: {followup.action}"
            )
            session.flush()
            return followup

    def reopen(self, followup_id: int | str | FollowUp) -> FollowUp:
        """Mark a follow-up as not done yet."""
        with self._store.write("followup.reopen") as session:
            followup = _get(session, followup_id)
            followup.done_on = None
            self._store.describe(session, f"Reopened follow-up #{followup.id}: {followup.action}")
            session.flush()
            return followup

    def delete(self, followup_id: int | str | FollowUp) -> FollowUp:
        """Remove a follow-up; returns it as it was."""
        from .models import FollowUp

        with self._store.write("followup.delete") as session:
            followup = _get(session, followup_id)
            session.execute(delete(FollowUp).where(FollowUp.id == followup.id))
            session.expunge(followup)
            self._store.describe(session, f"Deleted follow-up #{followup.id}: {followup.action}")
            return followup


def _get(session: Session, ref: object) -> FollowUp:
    from .models import FollowUp

    found: FollowUp = resolve.record(session, FollowUp, ref, "follow-up")
    return found
