"""Tags shared by people, events, encounters and leads: one row per folded name."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Tag
from .text import fold
from .validate import tags as clean_tags


def get_or_create(session: Session, names: Iterable[str] | str | None) -> list[Tag]:
    """The :class:`Tag` rows for ``names``, created if needed.

    ``INSERT ... ON CONFLICT DO NOTHING`` keeps two processes tagging at once from failing
    on the unique key.
    """
    wanted = {fold(n): n for n in clean_tags(names)}
    if not wanted:
        return []
    # Import only the dialect in use: the PostgreSQL one costs a SQLite journal ~30 ms at start.
    values = [{"name": n, "key": k} for k, n in wanted.items()]
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(
            pg_insert(Tag).values(values).on_conflict_do_nothing(index_elements=["key"])
        )
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(
            sqlite_insert(Tag).values(values).on_conflict_do_nothing(index_elements=["key"])
        )
    rows = {t.key: t for t in session.scalars(select(Tag).where(Tag.key.in_(wanted)))}
    return [rows[k] for k in wanted]


def merge_into(existing: list[Tag], extra: Iterable[Tag]) -> None:
    """Add the tags of ``extra`` that ``existing`` lacks, in place."""
    have = {t.key for t in existing}
    for tag in extra:
        if tag.key not in have:
            existing.append(tag)
            have.add(tag.key)
