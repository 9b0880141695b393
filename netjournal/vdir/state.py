"""The sync state kept in the journal (``vdir_cards``, migration 0012) and the vdir's lock.

What forgetting a person must do here is written here too (:func:`forget_links` inside the
forgetting transaction, :func:`delete_forgotten_cards` after it): the row keeps nothing of the
person but the card's file name, and the card goes at once when it can.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, delete, select, update

from .. import tables as t
from ..errors import InvalidInput
from ..i18n import _

#: The lock file in the vdir (a hidden file: vdir tools read only ``*.vcf``).
LOCK_NAME = ".netjournal-sync.lock"


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the vdir's lock: one sync of a folder at a time. Raises :class:`InvalidInput`
    when another holds it or the folder cannot be written (a read-only vdir)."""
    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        message = _("Cannot sync {folder}: cannot write its lock file ({reason}).")
        raise InvalidInput(message.format(folder=folder, reason=reason)) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                message = _("Another sync of {folder} is running; try again when it has finished.")
                raise InvalidInput(message.format(folder=folder)) from exc
            raise
        yield
    finally:
        os.close(fd)  # closing releases the lock


def forget_links(connection: Connection, person_id: int) -> list[tuple[str, str]]:
    """Inside the transaction that forgets ``person_id``: strip their rows of everything but
    the card's file name (to delete it), drop a row with no card; returns (vdir, href) of the
    cards to delete."""
    vc = t.vdir_cards
    rows = connection.execute(select(vc.c.vdir, vc.c.href).where(vc.c.person_id == person_id)).all()
    connection.execute(delete(vc).where(vc.c.person_id == person_id, vc.c.href.is_(None)))
    connection.execute(
        update(vc)
        .where(vc.c.person_id == person_id)
        .values(
            person_id=None,
            uid=None,
            etag=None,
            mtime_ns=None,
            size=None,
            fingerprint=None,
            base=None,
        )
    )
    return [(vdir, href) for vdir, href in rows if href is not None]


def delete_forgotten_cards(connection: Connection, cards: list[tuple[str, str]]) -> None:
    """After a forget: delete the forgotten person's cards and their rows; a card that cannot
    be deleted now (a read-only vdir, an unmounted disk) keeps its row and goes at the next
    sync of its vdir."""
    vc = t.vdir_cards
    for vdir, href in cards:
        try:
            (Path(vdir) / href).unlink(missing_ok=True)
        except OSError:
            continue
        connection.execute(
            delete(vc).where(vc.c.vdir == vdir, vc.c.href == href, vc.c.person_id.is_(None))
        )
