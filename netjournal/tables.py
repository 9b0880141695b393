"""The journal's schema as SQLAlchemy Core tables: the one place columns are declared.

Mental model: people and events; an *encounter* is meeting one person (at an event or not);
it holds the *questions* asked, the *leads* born there and the *follow-ups* promised; a lead
gathers *outcomes* (what it turned into). Deleting a person cascades to everything that
hangs off them in the database (``ON DELETE CASCADE``), so raw SQL deletes leave no orphans.

Names and fields carry a folded ``*_key`` column (lower case, no accents) so that lookups
are accent-insensitive and indexable on every backend.

The typed ORM classes of :mod:`netjournal.models` are mapped onto these tables. Paths that
must start fast (``netjournal log``, ``people show``, ``search``) use the tables directly and
never import the ORM: importing and configuring it costs more than the rest of such a command.
"""

from __future__ import annotations

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
from sqlalchemy.types import TypeDecorator

from .i18n import _
from .vocab import (
    CONTACT_KINDS,
    ENCOUNTER_KINDS,
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

metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: A cadence is a number of days, and its "at most" limit no shorter than it.
CADENCE_CHECK = (
    "(cadence_days IS NULL OR cadence_days > 0) AND (cadence_max_days IS NULL OR "
    "(cadence_max_days > 0 AND (cadence_days IS NULL OR cadence_max_days >= cadence_days)))"
)


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
            message = _("{value} has more than {scale} decimal places")
            raise ValueError(message.format(value=value, scale=self.scale))
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self.factor).quantize(Decimal(1).scaleb(-self.scale))


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _stamps() -> list[Column[dt.datetime]]:
    return [
        Column("created_at", DateTime, nullable=False, default=utcnow),
        Column("updated_at", DateTime, nullable=False, default=utcnow, onupdate=utcnow),
    ]


tags = Table(
    "tags",
    metadata,
    _id(),
    Column("name", String(100), nullable=False),
    Column("key", String(100), nullable=False, unique=True),
    # The rhythm wished for people with this tag (a person's own setting wins): see
    # netjournal.cadence. Days; ``cadence_max_days`` is the "at most" limit.
    Column("cadence_days", Integer),
    Column("cadence_max_days", Integer),
    CheckConstraint(CADENCE_CHECK, name="cadence"),
)


def _tag_table(owner: str, owner_table: str) -> Table:
    return Table(
        f"{owner}_tags",
        metadata,
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

people = Table(
    "people",
    metadata,
    _id(),
    Column("display_name", String(300), nullable=False),
    Column("name_key", String(300), nullable=False, index=True),
    Column("given_name", String(200)),
    Column("family_name", String(200)),
    Column("organization", String(300)),
    Column("title", String(300)),
    Column("field", String(200)),
    Column("field_key", String(200), index=True),
    Column("location", String(300)),
    Column("notes", Text),
    Column("source", String(50)),
    Column("external_id", String(500), index=True),
    *_stamps(),
    # The rhythm wished with this person, in days (see netjournal.cadence); added by 0010.
    Column("cadence_days", Integer),
    Column("cadence_max_days", Integer),
    CheckConstraint(CADENCE_CHECK, name="cadence"),
)

# An e-mail, phone or URL; its own row so that duplicates can be found by any of them.
contact_points = Table(
    "contact_points",
    metadata,
    _id(),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("value", String(500), nullable=False),
    Column("value_key", String(500), nullable=False),
    Column("label", String(100)),
    CheckConstraint(_in("kind", CONTACT_KINDS), name="kind"),
    Index("ix_contact_points_kind_value_key", "kind", "value_key"),
)

events = Table(
    "events",
    metadata,
    _id(),
    Column("name", String(300), nullable=False),
    Column("name_key", String(300), nullable=False, index=True),
    Column("start_date", Date, nullable=False, index=True),
    Column("end_date", Date),
    Column("starts_at", DateTime),  # UTC, when a time is known
    Column("ends_at", DateTime),
    Column("timezone", String(64)),
    Column("location", String(300)),
    Column("kind", String(20), nullable=False, default="other"),
    Column("organizer", String(300)),
    Column("series", String(300)),
    Column("series_key", String(300), index=True),
    Column("hours", Fixed(2)),
    Column("cost", Fixed(2)),
    Column("currency", String(3)),
    Column("notes", Text),
    Column("external_id", String(500), index=True),
    *_stamps(),
    CheckConstraint(_in("kind", EVENT_KINDS), name="kind"),
    CheckConstraint("hours IS NULL OR hours >= 0", name="hours_positive"),
    CheckConstraint("cost IS NULL OR cost >= 0", name="cost_positive"),
    CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_ordered"),
)

encounters = Table(
    "encounters",
    metadata,
    _id(),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", ForeignKey("events.id", ondelete="SET NULL"), index=True),
    Column("date", Date, nullable=False, index=True),
    Column("notes", Text),
    Column("stakes", Text),
    Column("wishes", Text),
    # they pitched their business to me (a seller; `log --they-pitched`, `report pitches`)
    Column("pitched", Boolean, nullable=False, default=False),
    Column("introduced_by_id", ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("outside_field", Boolean),  # None: derive from the profile
    Column("source", String(50)),
    *_stamps(),
    # a meeting, or a network connection (LinkedIn's "Connected On"), which reports leave out
    # unless asked (migration 0007)
    Column("kind", String(20), nullable=False, default="meeting", server_default="meeting"),
    CheckConstraint(_in("kind", ENCOUNTER_KINDS), name="kind"),
    Index("ix_encounters_person_id_date", "person_id", "date"),
    # "people met per event" in the events report: an index-only count on PostgreSQL
    Index("ix_encounters_event_id_person_id", "event_id", "person_id"),
)

questions = Table(
    "questions",
    metadata,
    _id(),
    Column(
        "encounter_id", ForeignKey("encounters.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("position", Integer, nullable=False, default=0),
    Column("asked", Text, nullable=False),
    Column("asked_key", Text, nullable=False),  # folded, punctuation-free: groups repeats
    Column("learned", Text),
    # SQLite only: groups repeated questions without a sort (PostgreSQL hashes instead, and
    # its btree keys have a size limit that unbounded text could exceed). Migration 0004.
    Index("ix_questions_asked_key_encounter_id", "asked_key", "encounter_id").ddl_if(
        dialect="sqlite"
    ),
    # PostgreSQL finds a key's questions by a hash index instead, made by migration 0014 and
    # not declared here: a postgresql_using argument would import SQLAlchemy's PostgreSQL
    # dialect (20 ms) in every command, SQLite journals' included.
)

leads = Table(
    "leads",
    metadata,
    _id(),
    Column(
        "encounter_id", ForeignKey("encounters.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("kind", String(20), nullable=False, index=True),
    Column("summary", Text, nullable=False),
    Column("details", Text),
    Column("points_to", Text),
    Column("status", String(20), nullable=False, default="open", index=True),
    Column("status_changed_on", Date, nullable=False),
    *_stamps(),
    CheckConstraint(_in("kind", LEAD_KINDS), name="kind"),
    CheckConstraint(_in("status", LEAD_STATUSES), name="status"),
    # Search counts a lead filter's matches before choosing how to list them (0005).
    Index("ix_leads_kind_status", "kind", "status"),
)

outcomes = Table(
    "outcomes",
    metadata,
    _id(),
    Column("lead_id", ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("date", Date, nullable=False),
    Column("description", Text, nullable=False),
    Column("value", Fixed(2)),
    Column("currency", String(3)),
    Column("kind", String(20), nullable=False, default="other"),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    CheckConstraint(_in("kind", OUTCOME_KINDS), name="kind"),
)

followups = Table(
    "followups",
    metadata,
    _id(),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("encounter_id", ForeignKey("encounters.id", ondelete="CASCADE"), index=True),
    Column("due", Date, nullable=False),
    Column("action", Text, nullable=False),
    Column("done_on", Date),
    Column("created_at", DateTime, nullable=False, default=utcnow),
    Index("ix_followups_done_on_due", "done_on", "due"),
    # A person's last touch: their last encounter or their last follow-up done (0010).
    Index("ix_followups_person_id_done_on", "person_id", "done_on"),
)

# The user: one row. Reports need the hourly rate, currency and own fields.
profile = Table(
    "profile",
    metadata,
    Column("id", Integer, primary_key=True, default=1),
    Column("name", String(300)),
    Column("hourly_rate", Fixed(2)),
    Column("currency", String(3), nullable=False, default="EUR"),
    Column("history_days", Integer),  # how long change sets are kept (None: 180 days)
    # Where a phone number written without its country code is read (None: FR); 0011.
    Column("phone_region", String(2)),
    CheckConstraint("id = 1", name="single_row"),
)

# One of the user's own fields; encounters with people outside them count as 'outside'.
profile_fields = Table(
    "profile_fields",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("key", String(200), nullable=False, unique=True),
)

# -- vdir sync (migration 0012, netjournal.vdir) ---------------------------------------------

#: Where each person stands with a vdir (a folder of one ``.vcf`` per contact) since the last
#: sync: the card's file name and UID, what the file was (hash, mtime, size: an unchanged file
#: is not read again), the fields both sides agreed on (JSON, for a field-by-field merge) and a
#: fingerprint of the journal side. ``href`` NULL: the card was deleted from the vdir and the
#: person unlinked (no new card is written for them); ``person_id`` NULL: the person was
#: deleted or forgotten, and the card is deleted at the next sync (a forgotten person's row
#: keeps nothing but the file name). Recorded by the history: undoing a sync removes the links
#: it made, undoing a deletion puts the person's link back.
vdir_cards = Table(
    "vdir_cards",
    metadata,
    _id(),
    Column("vdir", String(1000), nullable=False),
    Column("href", String(500)),
    Column("person_id", ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("uid", String(500)),
    Column("etag", String(64)),
    Column("mtime_ns", BigInteger),
    Column("size", BigInteger),
    Column("fingerprint", String(64)),
    Column("base", Text),
    Index("ix_vdir_cards_vdir_href", "vdir", "href", unique=True),
)

# -- derived (kept by triggers) ----------------------------------------------------------------

#: For each person a cadence applies to: that cadence (``tag_code`` when it comes from a tag:
#: rhythm * 1,000,000 + limit, 999,999 for none) and the day of their last touch of all time
#: (``date.toordinal()``). Kept by triggers on people, tags, encounters and follow-ups
#: (migration 0013); read by the catch-up list (netjournal.catchup). Derived: never written by
#: netjournal itself, nor recorded by the history, nor exported.
person_touch = Table(
    "person_touch",
    metadata,
    Column(
        "person_id",
        ForeignKey("people.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("every", Integer, nullable=False),
    Column("at_most", Integer),
    Column("tag_code", BigInteger),
    Column("touch_day", Integer, nullable=False, index=True),
    Index("ix_person_touch_every_touch_day", "every", "touch_day"),
)

#: Per question key (the folded question): the leads that followed it in meetings (each lead
#: once), the leads won, and the first question of that key that surfaced a lead (its text is
#: shown). Kept by triggers (migration 0014); read by the catch-up list's question to ask.
question_scores = Table(
    "question_scores",
    metadata,
    Column("key", Text, primary_key=True),
    Column("leads", Integer, nullable=False),
    Column("won", Integer, nullable=False),
    Column("first_id", Integer),
    Index("ix_question_scores_leads_won", "leads", "won"),
)

#: Per question key and currency: the value of the outcomes of the leads that followed it,
#: in hundredths (as ``outcomes.value``). Kept by the same triggers.
question_worth = Table(
    "question_worth",
    metadata,
    Column("key", Text, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# -- history (migration 0006, netjournal.history) -------------------------------------------

#: One change set: everything one call of the API wrote (a log, an edit, an import, an undo).
changes = Table(
    "changes",
    metadata,
    _id(),
    Column("at", DateTime, nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("undoes", Integer),  # the change set this one reverted, for an undo
)

#: One row a change set touched: its table and key, and for an update or a deletion the row
#: as it was (JSON of the stored values), which is what undoing needs.
change_rows = Table(
    "change_rows",
    metadata,
    _id(),
    Column("change_id", ForeignKey("changes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("table_name", String(40), nullable=False),
    Column("row_key", String(60), nullable=False),
    Column("op", String(1), nullable=False),  # I(nserted), U(pdated), D(eleted)
    Column("old", Text),
    Index("ix_change_rows_table_name_row_key", "table_name", "row_key", "change_id"),
)

#: The change set being written: one row, inside the writing transaction only (see
#: netjournal.history); the history triggers read it.
change_open = Table(
    "change_open",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
)
