"""Alembic environment shipped with netjournal (installed as ``netjournal.migrations``)."""
