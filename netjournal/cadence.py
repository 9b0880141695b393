"""Cadences: how often you wish to see someone ("clients: every 30 days, at most 60").

A cadence is a rhythm in days (``every``) with an optional limit (``at_most``, never shorter
than the rhythm). It is set on a person (``journal.people.update(ref, every="30d")``, ``people
edit --every 30d``) or on a tag (``journal.cadences.set("clients", every="30d",
at_most="60d")``, ``netjournal cadence clients --every 30d``), and the catch-up list
(:mod:`netjournal.catchup`) says who is due. Which cadence applies to a person:

- their own, when they have one (both numbers come from it);
- else, of the tags they carry that have a cadence, the one with the shortest rhythm (then the
  shortest limit, then the tag's name): the most demanding tag wins.

Durations are written as a number of days (``30``), or with a unit: ``30d`` days, ``6w`` weeks,
``3m`` months of 30 days, ``1y`` a year of 365 days (``30 days``, ``6 weeks``... too). ``none``
or ``""`` clears. Every change is a change set of the history (``netjournal undo`` takes it
back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from . import tables as t
from .errors import InvalidInput, NotFound
from .i18n import _, ngettext
from .text import fold, grouped

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from .store import Store

#: Days per unit of a written duration (a month is 30 days, a year 365).
UNITS = {"d": 1, "w": 7, "m": 30, "y": 365}
#: The longest cadence: a century.
MAX_DAYS = 36_500
#: The words that clear a cadence.
CLEAR = ("", "none")

_DURATION = re.compile(
    r"(?P<n>[0-9]{1,6})\s*(?P<unit>d|days?|w|weeks?|m|months?|y|years?)?", re.IGNORECASE
)


def duration(value: object, what: str | None = None) -> int | None:
    """A written duration in days: ``30``, ``"30d"``, ``"6w"``, ``"3m"`` (30-day months),
    ``"1y"`` (365 days); ``None`` for ``"none"`` or ``""`` (clear). Anything else, zero, or
    more than a century raises :class:`~netjournal.errors.InvalidInput` naming ``what``."""
    what = what or _("The cadence")
    if isinstance(value, bool) or not isinstance(value, int | str):
        message = _("{what} must be a number of days or a duration like 30d, 6w, 3m.")
        raise InvalidInput(message.format(what=what))
    if isinstance(value, int):
        days = value
    else:
        written = value.strip()
        if written.lower() in CLEAR:
            return None
        match = _DURATION.fullmatch(written)
        if match is None:
            message = _(
                "{what} must be a number of days or a duration like 30d, 6w, 3m "
                "(months of 30 days), not '{written}'."
            )
            raise InvalidInput(message.format(what=what, written=written[:40]))
        unit = (match["unit"] or "d")[0].lower()
        days = int(match["n"]) * UNITS[unit]
    if not 1 <= days <= MAX_DAYS:
        message = _("{what} must be from 1 day to {max} days, not {days}.")
        raise InvalidInput(message.format(what=what, max=grouped(MAX_DAYS), days=days))
    return days


def checked(every: int | None, at_most: int | None) -> tuple[int | None, int | None]:
    """The pair as it may be stored: a limit needs a rhythm and is no shorter than it."""
    if at_most is not None and every is None:
        message = _("An 'at most' limit needs a rhythm too: give every (--every) as well.")
        raise InvalidInput(message)
    if at_most is not None and every is not None and at_most < every:
        message = _(
            "The 'at most' limit ({at_most} days) is shorter than the rhythm ({every} days)."
        )
        raise InvalidInput(message.format(at_most=at_most, every=every))
    return every, at_most


def describe(every: int | None, at_most: int | None) -> str:
    """``every 30 days, at most 60`` (``no cadence`` when there is none), in the user's
    language."""
    if every is None:
        return _("no cadence")
    if at_most is None:
        return ngettext("every {count} day", "every {count} days", every).format(count=every)
    message = ngettext(
        "every {count} day, at most {limit}", "every {count} days, at most {limit}", every
    )
    return message.format(count=every, limit=at_most)


def _stored(every: int | None, at_most: int | None) -> str:
    """:func:`describe` as the history stores it (in English, whatever the user's language)."""
    if every is None:
        return "no cadence"
    text = f"every {every} day{'s' if every != 1 else ''}"
    return text + (f", at most {at_most}" if at_most is not None else "")


@dataclass(frozen=True)
class TagCadence:
    """A tag's cadence and how many people carry the tag."""

    tag: str
    every: int | None
    at_most: int | None
    people: int

    def __str__(self) -> str:
        return f"{self.tag}: {describe(self.every, self.at_most)}"


class Cadences:
    """The tags' cadences. Reach it as ``journal.cadences``; a person's own cadence is set
    with :meth:`People.update <netjournal.people.People.update>` (``every``, ``at_most``)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def list(self) -> list[TagCadence]:
        """The tags that have a cadence, in name order, with how many people carry each."""
        with self._store.connect() as connection:
            return _tag_cadences(connection, t.tags.c.cadence_days.is_not(None))

    def get(self, tag: str) -> TagCadence:
        """One tag's cadence (``every`` is ``None`` when it has none); an unknown tag raises
        :class:`~netjournal.errors.NotFound`."""
        with self._store.connect() as connection:
            return _tag_cadences(connection, t.tags.c.id == _tag_id(connection, tag))[0]

    def set(self, tag: str, *, every: int | str, at_most: int | str | None = None) -> TagCadence:
        """Give the people carrying ``tag`` a cadence: ``every`` (days, or ``"30d"``,
        ``"6w"``, ``"3m"``), and at most ``at_most`` (optional); replaces the tag's cadence.
        The tag must exist (tag someone first): a mistyped tag is refused, not created."""
        days = duration(every, _("The cadence (every)"))
        if days is None:
            raise InvalidInput(_("A cadence needs a rhythm (every); use clear to remove one."))
        limit = None if at_most is None else duration(at_most, _("The 'at most' limit"))
        return self._write(tag, *checked(days, limit))

    def clear(self, tag: str) -> TagCadence:
        """Remove ``tag``'s cadence; its people keep their own, or another tag's."""
        return self._write(tag, None, None)

    def _write(self, tag: str, every: int | None, at_most: int | None) -> TagCadence:
        with self._store.transaction("tag.cadence") as connection:
            tag_id = _tag_id(connection, tag)
            _update_tag(connection, tag_id, every, at_most)  # only when it differs
            (found,) = _tag_cadences(connection, t.tags.c.id == tag_id)
            self._store.describe(
                connection, f"Cadence of tag {found.tag}: {_stored(every, at_most)}"
            )
            return found


def _update_tag(
    connection: Connection, tag_id: int, every: int | None, at_most: int | None
) -> None:
    current = connection.execute(
        select(t.tags.c.cadence_days, t.tags.c.cadence_max_days).where(t.tags.c.id == tag_id)
    ).one()
    if tuple(current) != (every, at_most):
        connection.execute(
            update(t.tags)
            .where(t.tags.c.id == tag_id)
            .values(cadence_days=every, cadence_max_days=at_most)
        )


def _tag_id(connection: Connection, tag: str) -> int:
    if not isinstance(tag, str) or not tag.strip():
        raise InvalidInput(_("Which tag? Give its name."))
    found = connection.scalar(select(t.tags.c.id).where(t.tags.c.key == fold(tag.strip())))
    if found is None:
        message = _(
            "No tag '{tag}' in this journal (tag someone first: people edit NAME --tag TAG)."
        )
        raise NotFound(message.format(tag=tag.strip()[:100]))
    return int(found)


def _tag_cadences(connection: Connection, where: Any) -> list[TagCadence]:
    tg, pt = t.tags, t.person_tags
    carriers = select(func.count()).where(pt.c.tag_id == tg.c.id).correlate(tg).scalar_subquery()
    rows = connection.execute(
        select(tg.c.name, tg.c.cadence_days, tg.c.cadence_max_days, carriers)
        .where(where)
        .order_by(tg.c.key)
    )
    return [TagCadence(name, every, at_most, int(n)) for name, every, at_most, n in rows]


def person_cadence(
    stored: tuple[int | None, int | None], every: Any, at_most: Any
) -> tuple[int | None, int | None]:
    """A person's cadence after an edit: ``None`` leaves a value as stored, ``""`` or
    ``"none"`` clears it (clearing the rhythm clears the limit too)."""
    new_every, new_max = stored
    if every is not None:
        new_every = duration(every, _("The cadence (every)"))
        if new_every is None:
            new_max = None
    if at_most is not None:
        new_max = duration(at_most, _("The 'at most' limit"))
    return checked(new_every, new_max)
