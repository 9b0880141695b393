"""What every command shares: the journal address, opened on demand, and the passphrase of an
encrypted journal (from --passphrase-file, the keyring, or a hidden prompt on a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from netjournal.cipher import Passphrase
    from netjournal.journal import Journal

T = TypeVar("T")


class App:
    """``ctx.obj``: holds ``--db`` and opens the journal the first time a command needs it."""

    def __init__(self, db: str | None, passphrase_file: str | None = None) -> None:
        self.db = db
        self.passphrase_file = passphrase_file
        self._journal: Journal | None = None
        self._prompted: Passphrase | None = None

    def journal(self, *, create: bool = True) -> Journal:
        if self._journal is None:
            from netjournal import Journal

            self._journal = self.unlocked(
                lambda passphrase: Journal.open(self.db, create=create, passphrase=passphrase)
            )
        return self._journal

    def create_encrypted(self, passphrase: Passphrase) -> Journal:
        """Open (creating it if needed) the journal encrypted with ``passphrase``."""
        from netjournal import Journal

        self._journal = Journal.open(self.db, create=True, passphrase=passphrase)
        return self._journal

    def given_passphrase(self) -> Passphrase | None:
        """The passphrase of --passphrase-file, or the one typed earlier in this command."""
        if self.passphrase_file is not None:
            from netjournal.keys import read_passphrase_file

            return read_passphrase_file(self.passphrase_file)
        return self._prompted

    def unlocked(self, call: Callable[[Passphrase | None], T]) -> T:
        """Run ``call`` with the passphrase given (or ``None``: a plain journal, or the
        keyring's key); if the journal turns out encrypted with no key at hand, ask for the
        passphrase on the terminal and run it again."""
        from netjournal.cipher import PassphraseNeeded

        given = self.given_passphrase()
        try:
            return call(given)
        except PassphraseNeeded:
            if given is not None or not sys.stdin.isatty():
                raise
        from netjournal.i18n import _

        self._prompted = ask_passphrase(_("Passphrase of the journal"))
        return call(self._prompted)

    def new_passphrase(self, file: str | None = None) -> Passphrase:
        """A passphrase being set: from ``file`` (or --passphrase-file), else typed twice."""
        from netjournal.keys import read_passphrase_file

        file = file or self.passphrase_file
        if file is not None:
            return read_passphrase_file(file)
        from netjournal.i18n import _

        if not sys.stdin.isatty():
            from netjournal.errors import InvalidInput

            raise InvalidInput(
                _("A new passphrase is typed on a terminal, or read with --passphrase-file FILE.")
            )
        return ask_passphrase(_("New passphrase"), confirm=True)

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None


def ask_passphrase(text: str, *, confirm: bool = False) -> Passphrase:
    """A passphrase typed on the terminal, hidden (twice with ``confirm``)."""
    import click

    from netjournal.cipher import Passphrase
    from netjournal.i18n import _

    secret: str = click.prompt(
        text, hide_input=True, confirmation_prompt=_("Repeat it") if confirm else False
    )
    return Passphrase(secret, "prompt")
