"""What every command shares: the journal address, opened on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netjournal.journal import Journal


class App:
    """``ctx.obj``: holds ``--db`` and opens the journal the first time a command needs it."""

    def __init__(self, db: str | None) -> None:
        self.db = db
        self._journal: Journal | None = None

    def journal(self, *, create: bool = True) -> Journal:
        if self._journal is None:
            from netjournal import Journal

            self._journal = Journal.open(self.db, create=create)
        return self._journal

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
