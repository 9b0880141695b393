"""The journal's records as typed SQLAlchemy 2 ORM classes, mapped onto :mod:`netjournal.tables`.

The columns are declared once, in :mod:`netjournal.tables` (read it for the mental model);
here each class names its columns' Python types and adds the relationships that the library
loads with every object (so that nothing raises once the session is closed). Deleting a person
cascades to everything that hangs off them in the database itself (``ON DELETE CASCADE``).
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from . import tables
from .tables import (
    Fixed,
    encounter_tags,
    event_tags,
    lead_tags,
    person_tags,
)


class Base(DeclarativeBase):
    metadata = tables.metadata


class Tag(Base):
    __table__ = tables.tags

    id: Mapped[int]
    name: Mapped[str]
    key: Mapped[str]
    cadence_days: Mapped[int | None]
    cadence_max_days: Mapped[int | None]

    def __repr__(self) -> str:
        return f"Tag({self.name!r})"


class Person(Base):
    __table__ = tables.people

    id: Mapped[int]
    display_name: Mapped[str]
    name_key: Mapped[str]
    given_name: Mapped[str | None]
    family_name: Mapped[str | None]
    organization: Mapped[str | None]
    title: Mapped[str | None]
    field: Mapped[str | None]
    field_key: Mapped[str | None]
    location: Mapped[str | None]
    notes: Mapped[str | None]
    source: Mapped[str | None]
    external_id: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    cadence_days: Mapped[int | None]
    cadence_max_days: Mapped[int | None]

    contacts: Mapped[list["ContactPoint"]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="ContactPoint.id",
    )
    tags: Mapped[list[Tag]] = relationship(secondary=person_tags, lazy="selectin", order_by=Tag.key)

    @property
    def emails(self) -> list[str]:
        return [c.value for c in self.contacts if c.kind == "email"]

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]

    def __repr__(self) -> str:
        return f"Person(id={self.id}, {self.display_name!r})"


class ContactPoint(Base):
    """An e-mail, phone or URL; its own row so that duplicates can be found by any of them."""

    __table__ = tables.contact_points

    id: Mapped[int]
    person_id: Mapped[int]
    kind: Mapped[str]
    value: Mapped[str]
    value_key: Mapped[str]
    label: Mapped[str | None]

    def __repr__(self) -> str:
        return f"ContactPoint({self.kind}={self.value!r})"


class Event(Base):
    __table__ = tables.events

    id: Mapped[int]
    name: Mapped[str]
    name_key: Mapped[str]
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date | None]
    starts_at: Mapped[dt.datetime | None]  # UTC, when a time is known
    ends_at: Mapped[dt.datetime | None]
    timezone: Mapped[str | None]
    location: Mapped[str | None]
    kind: Mapped[str]
    organizer: Mapped[str | None]
    series: Mapped[str | None]
    series_key: Mapped[str | None]
    hours: Mapped[Decimal | None]
    cost: Mapped[Decimal | None]
    currency: Mapped[str | None]
    notes: Mapped[str | None]
    external_id: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    tags: Mapped[list[Tag]] = relationship(secondary=event_tags, lazy="selectin", order_by=Tag.key)

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]

    def __repr__(self) -> str:
        return f"Event(id={self.id}, {self.name!r}, {self.start_date})"


class Encounter(Base):
    __table__ = tables.encounters

    id: Mapped[int]
    person_id: Mapped[int]
    event_id: Mapped[int | None]
    date: Mapped[dt.date]
    notes: Mapped[str | None]
    stakes: Mapped[str | None]
    wishes: Mapped[str | None]
    pitched: Mapped[bool]
    introduced_by_id: Mapped[int | None]
    outside_field: Mapped[bool | None]  # None: derive from the profile
    source: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    kind: Mapped[str]  # "meeting", or "connection" (a network connection, not a meeting)

    person: Mapped["Person"] = relationship(
        foreign_keys=[tables.encounters.c.person_id], lazy="joined"
    )
    event: Mapped["Event | None"] = relationship(lazy="joined")
    introduced_by: Mapped["Person | None"] = relationship(
        foreign_keys=[tables.encounters.c.introduced_by_id], lazy="joined"
    )
    tags: Mapped[list[Tag]] = relationship(
        secondary=encounter_tags, lazy="selectin", order_by=Tag.key
    )
    questions: Mapped[list["Question"]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="Question.position",
    )
    leads: Mapped[list["Lead"]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="Lead.id",
    )
    followups: Mapped[list["FollowUp"]] = relationship(
        passive_deletes=True, lazy="selectin", order_by="FollowUp.id"
    )

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]

    def __repr__(self) -> str:
        return f"Encounter(id={self.id}, person_id={self.person_id}, {self.date})"


class Question(Base):
    __table__ = tables.questions

    id: Mapped[int]
    encounter_id: Mapped[int]
    position: Mapped[int]
    asked: Mapped[str]
    asked_key: Mapped[str]  # folded, punctuation-free: groups repeats
    learned: Mapped[str | None]

    def __repr__(self) -> str:
        return f"Question({self.asked!r})"


class Lead(Base):
    __table__ = tables.leads

    id: Mapped[int]
    encounter_id: Mapped[int]
    kind: Mapped[str]
    summary: Mapped[str]
    details: Mapped[str | None]
    points_to: Mapped[str | None]
    status: Mapped[str]
    status_changed_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]

    # Joined, so that a lead read on its own says where it came from (see docs/library.md).
    encounter: Mapped["Encounter"] = relationship(lazy="joined", innerjoin=True, viewonly=True)
    outcomes: Mapped[list["Outcome"]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by=[tables.outcomes.c.date, tables.outcomes.c.id],
    )
    tags: Mapped[list[Tag]] = relationship(secondary=lead_tags, lazy="selectin", order_by=Tag.key)

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]

    def __repr__(self) -> str:
        return f"Lead(id={self.id}, {self.kind}, {self.summary!r}, {self.status})"


class Outcome(Base):
    __table__ = tables.outcomes

    id: Mapped[int]
    lead_id: Mapped[int]
    date: Mapped[dt.date]
    description: Mapped[str]
    value: Mapped[Decimal | None]
    currency: Mapped[str | None]
    kind: Mapped[str]
    created_at: Mapped[dt.datetime]

    def __repr__(self) -> str:
        return f"Outcome(id={self.id}, {self.kind}, {self.value} {self.currency})"


class FollowUp(Base):
    __table__ = tables.followups

    id: Mapped[int]
    person_id: Mapped[int]
    encounter_id: Mapped[int | None]
    due: Mapped[dt.date]
    action: Mapped[str]
    done_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime]

    person: Mapped["Person"] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"FollowUp(id={self.id}, {self.due}, {self.action!r})"


class Profile(Base):
    """The user: one row. Reports need the hourly rate, currency and own fields."""

    __table__ = tables.profile

    id: Mapped[int]
    name: Mapped[str | None]
    hourly_rate: Mapped[Decimal | None]
    currency: Mapped[str]
    history_days: Mapped[int | None]  # how long change sets are kept (None: 180 days)
    phone_region: Mapped[str | None]  # where national phone numbers are read (None: FR)


class ProfileField(Base):
    """One of the user's own fields; encounters with people outside them count as 'outside'."""

    __table__ = tables.profile_fields

    id: Mapped[int]
    name: Mapped[str]
    key: Mapped[str]


class VdirCard(Base):
    """Where a person stands with a vdir since the last sync (see :mod:`netjournal.vdir`)."""

    __table__ = tables.vdir_cards

    id: Mapped[int]
    vdir: Mapped[str]
    href: Mapped[str | None]
    person_id: Mapped[int | None]
    uid: Mapped[str | None]
    etag: Mapped[str | None]
    mtime_ns: Mapped[int | None]
    size: Mapped[int | None]
    fingerprint: Mapped[str | None]
    base: Mapped[str | None]


__all__ = [
    "Base",
    "ContactPoint",
    "Encounter",
    "Event",
    "Fixed",
    "FollowUp",
    "Lead",
    "Outcome",
    "Person",
    "Profile",
    "ProfileField",
    "Question",
    "Tag",
    "VdirCard",
    "encounter_tags",
    "event_tags",
    "lead_tags",
    "person_tags",
]
