"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 03:24:55.786942
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("organizer", sa.String(length=300), nullable=True),
        sa.Column("series", sa.String(length=300), nullable=True),
        sa.Column("series_key", sa.String(length=300), nullable=True),
        sa.Column("hours", sa.BigInteger(), nullable=True),
        sa.Column("cost", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("external_id", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('meetup', 'conference', 'trade show', 'dinner', 'online', 'other')",
            name=op.f("ck_events_kind"),
        ),
        sa.CheckConstraint("cost IS NULL OR cost >= 0", name=op.f("ck_events_cost_positive")),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name=op.f("ck_events_dates_ordered")
        ),
        sa.CheckConstraint("hours IS NULL OR hours >= 0", name=op.f("ck_events_hours_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_external_id"), ["external_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_name_key"), ["name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_series_key"), ["series_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_start_date"), ["start_date"], unique=False)

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("given_name", sa.String(length=200), nullable=True),
        sa.Column("family_name", sa.String(length=200), nullable=True),
        sa.Column("organization", sa.String(length=300), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("field", sa.String(length=200), nullable=True),
        sa.Column("field_key", sa.String(length=200), nullable=True),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=50), nullable=True),
        sa.Column("external_id", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_external_id"), ["external_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_people_field_key"), ["field_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_people_name_key"), ["name_key"], unique=False)

    op.create_table(
        "profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("hourly_rate", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_profile_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile")),
    )
    op.create_table(
        "profile_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_fields")),
        sa.UniqueConstraint("key", name=op.f("uq_profile_fields_key")),
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("key", name=op.f("uq_tags_key")),
    )
    op.create_table(
        "contact_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("value_key", sa.String(length=500), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.CheckConstraint(
            "kind IN ('email', 'phone', 'url')", name=op.f("ck_contact_points_kind")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_contact_points_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_points")),
    )
    with op.batch_alter_table("contact_points", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_points_kind_value_key", ["kind", "value_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_points_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "encounters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("stakes", sa.Text(), nullable=True),
        sa.Column("wishes", sa.Text(), nullable=True),
        sa.Column("pitched", sa.Boolean(), nullable=False),
        sa.Column("introduced_by_id", sa.Integer(), nullable=True),
        sa.Column("outside_field", sa.Boolean(), nullable=True),
        sa.Column("source", sa.String(length=50), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_encounters_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introduced_by_id"],
            ["people.id"],
            name=op.f("fk_encounters_introduced_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_encounters_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounters")),
    )
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_encounters_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_encounters_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_encounters_introduced_by_id"), ["introduced_by_id"], unique=False
        )
        batch_op.create_index("ix_encounters_person_id_date", ["person_id", "date"], unique=False)

    op.create_table(
        "event_tags",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_tags_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_event_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "tag_id", name=op.f("pk_event_tags")),
    )
    with op.batch_alter_table("event_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "person_tags",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_person_tags_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_person_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "tag_id", name=op.f("pk_person_tags")),
    )
    with op.batch_alter_table("person_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "encounter_tags",
        sa.Column("encounter_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.id"],
            name=op.f("fk_encounter_tags_encounter_id_encounters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_encounter_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("encounter_id", "tag_id", name=op.f("pk_encounter_tags")),
    )
    with op.batch_alter_table("encounter_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_encounter_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.id"],
            name=op.f("fk_followups_encounter_id_encounters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_followups_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followups")),
    )
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.create_index("ix_followups_done_on_due", ["done_on", "due"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_followups_encounter_id"), ["encounter_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_followups_person_id"), ["person_id"], unique=False)

    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("points_to", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_changed_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('supplier', 'customer', 'partner', 'recruiting', 'fundraising', 'marketing', 'advice', 'introduction', 'other')",
            name=op.f("ck_leads_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'exploring', 'won', 'dropped')", name=op.f("ck_leads_status")
        ),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.id"],
            name=op.f("fk_leads_encounter_id_encounters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_encounter_id"), ["encounter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_status"), ["status"], unique=False)

    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("asked", sa.Text(), nullable=False),
        sa.Column("asked_key", sa.Text(), nullable=False),
        sa.Column("learned", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.id"],
            name=op.f("fk_questions_encounter_id_encounters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questions_encounter_id"), ["encounter_id"], unique=False
        )

    op.create_table(
        "lead_tags",
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_tags_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_lead_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("lead_id", "tag_id", name=op.f("pk_lead_tags")),
    )
    with op.batch_alter_table("lead_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('revenue', 'savings', 'hire', 'funding', 'idea applied', 'other')",
            name=op.f("ck_outcomes_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_outcomes_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
    )
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcomes_lead_id"), ["lead_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcomes_lead_id"))

    op.drop_table("outcomes")
    with op.batch_alter_table("lead_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_tags_tag_id"))

    op.drop_table("lead_tags")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questions_encounter_id"))

    op.drop_table("questions")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_status"))
        batch_op.drop_index(batch_op.f("ix_leads_kind"))
        batch_op.drop_index(batch_op.f("ix_leads_encounter_id"))

    op.drop_table("leads")
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followups_person_id"))
        batch_op.drop_index(batch_op.f("ix_followups_encounter_id"))
        batch_op.drop_index("ix_followups_done_on_due")

    op.drop_table("followups")
    with op.batch_alter_table("encounter_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_encounter_tags_tag_id"))

    op.drop_table("encounter_tags")
    with op.batch_alter_table("person_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_tags_tag_id"))

    op.drop_table("person_tags")
    with op.batch_alter_table("event_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_tags_tag_id"))

    op.drop_table("event_tags")
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.drop_index("ix_encounters_person_id_date")
        batch_op.drop_index(batch_op.f("ix_encounters_introduced_by_id"))
        batch_op.drop_index(batch_op.f("ix_encounters_event_id"))
        batch_op.drop_index(batch_op.f("ix_encounters_date"))

    op.drop_table("encounters")
    with op.batch_alter_table("contact_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_points_person_id"))
        batch_op.drop_index("ix_contact_points_kind_value_key")

    op.drop_table("contact_points")
    op.drop_table("tags")
    op.drop_table("profile_fields")
    op.drop_table("profile")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_name_key"))
        batch_op.drop_index(batch_op.f("ix_people_field_key"))
        batch_op.drop_index(batch_op.f("ix_people_external_id"))

    op.drop_table("people")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_start_date"))
        batch_op.drop_index(batch_op.f("ix_events_series_key"))
        batch_op.drop_index(batch_op.f("ix_events_name_key"))
        batch_op.drop_index(batch_op.f("ix_events_external_id"))

    op.drop_table("events")
