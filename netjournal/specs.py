"""What a caller describes when logging: plain dataclasses, no database.

``journal.encounters.log(...)`` builds one :class:`EncounterSpec` from its keyword
arguments; ``journal.encounters.log_many([...])`` takes several (a whole evening, a batch file,
a generator) and writes them in one transaction. Tuples are accepted wherever a small spec is
expected: ``("Who is your supplier?", "Emballix")`` for a question, ``("supplier", "Cheaper
boxes")`` for a lead, ``("friday", "send the deck")`` for a follow-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import InvalidInput
from .i18n import _


@dataclass
class QuestionSpec:
    asked: str
    learned: str | None = None


@dataclass
class LeadSpec:
    kind: str
    summary: str
    details: str | None = None
    points_to: str | None = None
    status: str = "open"
    tags: Sequence[str] = ()


@dataclass
class FollowUpSpec:
    due: dt.date | str
    action: str


@dataclass
class EncounterSpec:
    """One encounter to log: who, where, when, and what came of it.

    ``person`` is an id, a name, or a :class:`~netjournal.models.Person`; an unknown name
    creates the person (``new_person=True`` forces a new one even if the name exists).
    The person fields (``organization`` ... ``phone``) fill in what the journal lacks and
    never overwrite what it has. A second encounter with a known person at the same event on
    the same day (with no event: on the same day) is refused unless ``again`` is true.

    ``date`` also picks the edition when several events share the ``event`` name (the one
    held that day). A date more than 7 days before the event starts or after it ends is
    refused unless ``any_date`` is true. Relative follow-up dates (``"friday"``,
    ``"demain"``, ``"in 3 days"``) count from the encounter's date.
    """

    person: Any
    event: Any = None
    date: dt.date | str | None = None
    notes: str | None = None
    stakes: str | None = None
    wishes: str | None = None
    pitched: bool = False  # they pitched their business to you (a seller), not you to them
    introduced_by: Any = None
    outside_field: bool | None = None
    tags: Sequence[str] = ()
    questions: Sequence[QuestionSpec | tuple[str, str | None] | str] = ()
    leads: Sequence[LeadSpec | tuple[str, str] | dict[str, Any]] = ()
    followups: Sequence[FollowUpSpec | tuple[dt.date | str, str]] = ()
    organization: str | None = None
    title: str | None = None
    field: str | None = None
    location: str | None = None
    email: str | None = None
    phone: str | None = None
    new_person: bool = False
    again: bool = False  # log it even if the same person was logged that day at that event
    any_date: bool = False  # log it even if dated more than a week away from its event
    source: str | None = None
    line: int | None = None  # where a batch file described it, for error messages


def as_question(item: object) -> QuestionSpec:
    if isinstance(item, QuestionSpec):
        return item
    if isinstance(item, str):
        return QuestionSpec(item)
    if isinstance(item, tuple | list) and len(item) in (1, 2):
        return QuestionSpec(*item)
    if isinstance(item, dict):
        return QuestionSpec(**item)
    message = _("A question must be text or (asked, learned), not {item!r}.")
    raise InvalidInput(message.format(item=item))


def as_lead(item: object) -> LeadSpec:
    if isinstance(item, LeadSpec):
        return item
    if isinstance(item, tuple | list) and len(item) == 2:
        return LeadSpec(kind=item[0], summary=item[1])
    if isinstance(item, dict):
        try:
            return LeadSpec(**item)
        except TypeError as exc:
            message = _("Invalid lead {item!r}: {error}.")
            raise InvalidInput(message.format(item=item, error=exc)) from None
    message = _("A lead must be (kind, summary) or a LeadSpec, not {item!r}.")
    raise InvalidInput(message.format(item=item))


def as_followup(item: object) -> FollowUpSpec:
    if isinstance(item, FollowUpSpec):
        return item
    if isinstance(item, tuple | list) and len(item) == 2:
        return FollowUpSpec(due=item[0], action=item[1])
    if isinstance(item, dict):
        return FollowUpSpec(**item)
    message = _("A follow-up must be (due, action), not {item!r}.")
    raise InvalidInput(message.format(item=item))
