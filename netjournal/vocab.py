"""The closed vocabularies: kinds and statuses the journal accepts.

Kept apart from the models so that the CLI can offer them as choices without importing
SQLAlchemy.
"""

from __future__ import annotations

EVENT_KINDS = ("meetup", "conference", "trade show", "dinner", "online", "other")
LEAD_KINDS = (
    "supplier",
    "customer",
    "partner",
    "recruiting",
    "fundraising",
    "marketing",
    "advice",
    "introduction",
    "other",
)
LEAD_STATUSES = ("open", "exploring", "won", "dropped")
OUTCOME_KINDS = ("revenue", "savings", "hire", "funding", "idea applied", "other")
CONTACT_KINDS = ("email", "phone", "url")

#: What an encounter records: a meeting, or a connection made on a network (LinkedIn), which
#: the reports leave out unless asked to include connections.
ENCOUNTER_KINDS = ("meeting", "connection")
