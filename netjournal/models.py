"""The journal's tables as typed SQLAlchemy 2 models.

Mental model: people and events; an *encounter* is meeting one person (at an event or not);
it holds the *questions* asked, the *leads* born there and the *follow-ups* promised; a lead
gathers *outcomes* (what it turned into). Deleting a person cascades to everything that
hangs off them, both in the ORM and in the database (``ON DELETE CASCADE``), so raw SQL
deletes leave no orphans either.

Names and fields carry a folded ``*_key`` column (lower case, no accents) so that lookups
are accent-insensitive and indexable on every backend.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from .vocab import (
    CONTACT_KINDS,
    EVENT_KINDS,
    LEAD_KINDS,
    LEAD_STATUSES,
    OUTCOME_KINDS,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Naive UTC timestamp: stored the same way on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Fixed(TypeDecorator[Decimal]):
    """An exact decimal stored as a scaled integer (hundredths by default).

    SQLite has no exact decimal type (NUMERIC becomes a float); integers are exact on both
    backends and ``SUM`` stays exact, so money and hours survive any round trip.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale
        self.factor = 10**scale

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * self.factor
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self.factor).quantize(Decimal(1).scaleb(-self.scale))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100), unique=True)

    def __repr__(self) -> str:
        return f"Tag({self.name!r})"


def _tag_table(owner: str, owner_table: str) -> Table:
    return Table(
        f"{owner}_tags",
        Base.metadata,
        Column(
            f"{owner}_id",
            ForeignKey(f"{owner_table}.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


person_tags = _tag_table("person", "people")
event_tags = _tag_table("event", "events")
encounter_tags = _tag_table("encounter", "encounters")
lead_tags = _tag_table("lead", "leads")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    given_name: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    organization: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(300))
    field: Mapped[str | None] = mapped_column(String(200))
    field_key: Mapped[str | None] = mapped_column(String(200), index=True)
    location: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(50))
    external_id: Mapped[str | None] = mapped_column(String(500), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    contacts: Mapped[list["ContactPoint"]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="ContactPoint.id",
    )
    tags: Mapped[list[Tag]] = relationship(secondary=person_tags, lazy="selectin", order_by=Tag.key)
    encounters: Mapped[list["Encounter"]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        passive_deletes=True,
        foreign_keys="Encounter.person_id",
    )
    followups: Mapped[list["FollowUp"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )

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

    __tablename__ = "contact_points"
    __table_args__ = (
        CheckConstraint(_in("kind", CONTACT_KINDS), name="kind"),
        Index("ix_contact_points_kind_value_key", "kind", "value_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(500))
    value_key: Mapped[str] = mapped_column(String(500))
    label: Mapped[str | None] = mapped_column(String(100))

    person: Mapped["Person"] = relationship(back_populates="contacts")

    def __repr__(self) -> str:
        return f"ContactPoint({self.kind}={self.value!r})"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(_in("kind", EVENT_KINDS), name="kind"),
        CheckConstraint("hours IS NULL OR hours >= 0", name="hours_positive"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost_positive"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    starts_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC, when a time is known
    ends_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    timezone: Mapped[str | None] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    organizer: Mapped[str | None] = mapped_column(String(300))
    series: Mapped[str | None] = mapped_column(String(300))
    series_key: Mapped[str | None] = mapped_column(String(300), index=True)
    hours: Mapped[Decimal | None] = mapped_column(Fixed(2))
    cost: Mapped[Decimal | None] = mapped_column(Fixed(2))
    currency: Mapped[str | None] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(500), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    tags: Mapped[list[Tag]] = relationship(secondary=event_tags, lazy="selectin", order_by=Tag.key)

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]

    def __repr__(self) -> str:
        return f"Event(id={self.id}, {self.name!r}, {self.start_date})"


class Encounter(Base):
    __tablename__ = "encounters"
    __table_args__ = (
        Index("ix_encounters_person_id_date", "person_id", "date"),
        # "people met per event" in the events report: an index-only count on PostgreSQL
        Index("ix_encounters_event_id_person_id", "event_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    stakes: Mapped[str | None] = mapped_column(Text)
    wishes: Mapped[str | None] = mapped_column(Text)
    pitched: Mapped[bool] = mapped_column(Boolean, default=False)
    introduced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    outside_field: Mapped[bool | None] = mapped_column(Boolean)  # None: derive from the profile
    source: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    person: Mapped["Person"] = relationship(
        back_populates="encounters", foreign_keys=[person_id], lazy="joined"
    )
    event: Mapped["Event | None"] = relationship(lazy="joined")
    introduced_by: Mapped["Person | None"] = relationship(
        foreign_keys=[introduced_by_id], lazy="joined"
    )
    tags: Mapped[list[Tag]] = relationship(
        secondary=encounter_tags, lazy="selectin", order_by=Tag.key
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="encounter",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="Question.position",
    )
    leads: Mapped[list["Lead"]] = relationship(
        back_populates="encounter",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="Lead.id",
    )
    followups: Mapped[list["FollowUp"]] = relationship(
        back_populates="encounter", passive_deletes=True, lazy="selectin", order_by="FollowUp.id"
    )

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]

    def __repr__(self) -> str:
        return f"Encounter(id={self.id}, person_id={self.person_id}, {self.date})"


class Question(Base):
    __tablename__ = "questions"
    # SQLite only: groups repeated questions without a sort (PostgreSQL hashes instead, and
    # its btree keys have a size limit that unbounded text could exceed). Migration 0004.
    __table_args__ = (
        Index("ix_questions_asked_key_encounter_id", "asked_key", "encounter_id").ddl_if(
            dialect="sqlite"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(
        ForeignKey("encounters.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    asked: Mapped[str] = mapped_column(Text)
    asked_key: Mapped[str] = mapped_column(Text)  # folded, punctuation-free: groups repeats
    learned: Mapped[str | None] = mapped_column(Text)

    encounter: Mapped["Encounter"] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"Question({self.asked!r})"


class Lead(Base):
    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint(_in("kind", LEAD_KINDS), name="kind"),
        CheckConstraint(_in("status", LEAD_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    encounter_id: Mapped[int] = mapped_column(
        ForeignKey("encounters.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), index=True)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    points_to: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    status_changed_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    encounter: Mapped["Encounter"] = relationship(back_populates="leads")
    outcomes: Mapped[list["Outcome"]] = relationship(
        back_populates="lead",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
        order_by="Outcome.date",
    )
    tags: Mapped[list[Tag]] = relationship(secondary=lead_tags, lazy="selectin", order_by=Tag.key)

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]

    def __repr__(self) -> str:
        return f"Lead(id={self.id}, {self.kind}, {self.summary!r}, {self.status})"


class Outcome(Base):
    __tablename__ = "outcomes"
    __table_args__ = (CheckConstraint(_in("kind", OUTCOME_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    value: Mapped[Decimal | None] = mapped_column(Fixed(2))
    currency: Mapped[str | None] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    lead: Mapped["Lead"] = relationship(back_populates="outcomes")

    def __repr__(self) -> str:
        return f"Outcome(id={self.id}, {self.kind}, {self.value} {self.currency})"


class FollowUp(Base):
    __tablename__ = "followups"
    __table_args__ = (Index("ix_followups_done_on_due", "done_on", "due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    encounter_id: Mapped[int | None] = mapped_column(
        ForeignKey("encounters.id", ondelete="CASCADE"), index=True
    )
    due: Mapped[dt.date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(Text)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped["Person"] = relationship(back_populates="followups", lazy="joined")
    encounter: Mapped["Encounter | None"] = relationship(back_populates="followups")

    def __repr__(self) -> str:
        return f"FollowUp(id={self.id}, {self.due}, {self.action!r})"


class Profile(Base):
    """The user: one row. Reports need the hourly rate, currency and own fields."""

    __tablename__ = "profile"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    name: Mapped[str | None] = mapped_column(String(300))
    hourly_rate: Mapped[Decimal | None] = mapped_column(Fixed(2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")


class ProfileField(Base):
    """One of the user's own fields; encounters with people outside them count as 'outside'."""

    __tablename__ = "profile_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), unique=True)


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
    "encounter_tags",
    "event_tags",
    "lead_tags",
    "person_tags",
]
