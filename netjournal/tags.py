"""Tags shared by people, events, encounters and leads: one row per folded name."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from .models import Tag, encounter_tags, event_tags, lead_tags, person_tags
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


def tag_ids_of(
    session: Session,
    *,
    people: Iterable[int] = (),
    encounters: Iterable[int] = (),
    leads: Iterable[int] = (),
) -> set[int]:
    """The ids of the tags that these people, encounters and leads carry."""
    found: set[int] = set()
    for link, column, ids in (
        (person_tags, person_tags.c.person_id, people),
        (encounter_tags, encounter_tags.c.encounter_id, encounters),
        (lead_tags, lead_tags.c.lead_id, leads),
    ):
        wanted = list(ids)
        if wanted:
            found.update(session.scalars(select(link.c.tag_id).where(column.in_(wanted))))
    return found


def drop_unused(session: Session, candidates: Iterable[int]) -> None:
    """Delete those of the ``candidates`` that nothing is tagged with any more.

    Called after forgetting a person or deleting an encounter: a tag can be personal data
    too (``quaglioni-family``), so a tag that only the deleted rows had goes with them.
    """
    ids = set(candidates)
    if not ids:
        return
    unused = [
        ~exists().where(link.c.tag_id == Tag.id)
        for link in (person_tags, event_tags, encounter_tags, lead_tags)
    ]
    session.execute(delete(Tag).where(Tag.id.in_(ids), *unused))
