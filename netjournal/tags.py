"""Tags shared by people, events, encounters and leads: one row per folded name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, exists, select

from .errors import InvalidInput
from .i18n import _
from .tables import encounter_tags, event_tags, lead_tags, person_tags
from .tables import tags as tag_table
from .text import fold
from .validate import tags as clean_tags

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from .models import Tag


def tag_ids(connection: Connection, names: Iterable[str] | str | None) -> list[int]:
    """The ids of the tags ``names`` (validated), created if needed, in the order given.

    ``INSERT ... ON CONFLICT DO NOTHING`` keeps two processes tagging at once from failing
    on the unique key.
    """
    wanted = {fold(n): n for n in clean_tags(names)}
    if not wanted:
        return []
    found = select(tag_table.c.key, tag_table.c.id).where(tag_table.c.key.in_(wanted))
    ids = {key: tag_id for key, tag_id in connection.execute(found)}
    missing = [{"name": n, "key": k} for k, n in wanted.items() if k not in ids]
    if missing:  # (tags that exist are not written again: an edit may change nothing)
        # Import only the dialect in use: the PostgreSQL one costs a SQLite journal ~30 ms.
        insert: Any
        if connection.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        connection.execute(
            insert(tag_table).values(missing).on_conflict_do_nothing(index_elements=["key"])
        )
        ids = {key: tag_id for key, tag_id in connection.execute(found)}
    return [ids[k] for k in wanted]


def known_ids(connection: Connection, names: Iterable[str] | str | None) -> list[int]:
    """The ids of the tags ``names``, in the order given, for a filter: a tag the journal
    does not have is refused in one line (unlike :func:`tag_ids`, nothing is created)."""
    wanted = {fold(n): n for n in clean_tags(names)}
    if not wanted:
        return []
    rows = connection.execute(
        select(tag_table.c.key, tag_table.c.id).where(tag_table.c.key.in_(wanted))
    )
    found = {key: tag_id for key, tag_id in rows}
    for key, name in wanted.items():
        if key not in found:
            raise InvalidInput(_("No tag '{name}' in this journal.").format(name=name))
    return [found[key] for key in wanted]


def get_or_create(session: Session, names: Iterable[str] | str | None) -> list[Tag]:
    """The :class:`~netjournal.models.Tag` rows for ``names``, created if needed."""
    from .models import Tag

    ids = tag_ids(session.connection(), names)
    if not ids:
        return []
    rows = {t.id: t for t in session.scalars(select(Tag).where(Tag.id.in_(ids)))}
    return [rows[i] for i in ids]


def merge_into(existing: list[Tag], extra: Iterable[Tag]) -> None:
    """Add the tags of ``extra`` that ``existing`` lacks, in place."""
    have = {t.key for t in existing}
    for tag in extra:
        if tag.key not in have:
            existing.append(tag)
            have.add(tag.key)


def retag(session: Session, record: Any, add: Iterable[str], remove: Iterable[str]) -> bool:
    """Add the tags ``add`` and remove the tags ``remove`` (by folded name) on a taggable
    record (person, event, encounter, lead); ``True`` if its tags changed."""
    before = [tag.key for tag in record.tags]
    merge_into(record.tags, get_or_create(session, add))
    drop = {fold(name) for name in ([remove] if isinstance(remove, str) else remove)}
    if drop & {tag.key for tag in record.tags}:
        record.tags = [tag for tag in record.tags if tag.key not in drop]
    return [tag.key for tag in record.tags] != before


def tag_ids_of(
    session: Session | Connection,
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


def drop_unused(session: Session | Connection, candidates: Iterable[int]) -> None:
    """Delete those of the ``candidates`` that nothing is tagged with any more.

    Called after forgetting a person or deleting an encounter: a tag can be personal data
    too (``quaglioni-family``), so a tag that only the deleted rows had goes with them. A
    tag with a cadence (``netjournal cadence``) stays: it is a setting you made for it.
    """
    ids = set(candidates)
    if not ids:
        return
    unused = [
        ~exists().where(link.c.tag_id == tag_table.c.id)
        for link in (person_tags, event_tags, encounter_tags, lead_tags)
    ]
    kept = tag_table.c.cadence_days.is_(None)
    session.execute(delete(tag_table).where(tag_table.c.id.in_(ids), kept, *unused))
