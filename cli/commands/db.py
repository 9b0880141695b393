"""``netjournal init`` and ``netjournal db``: schema upgrade and status, scrub, and encryption
(encrypt, decrypt, rekey, remember-key, forget-key, unlock, lock)."""

from __future__ import annotations

import datetime as dt
import sys

import click

from netjournal.i18n import N_, _

from ..app import App
from ..output import output_options, print_json

REMEMBER_HELP = (
    "Keep the key in the system keyring, so the journal opens without asking "
    "('netjournal db forget-key' removes it)."
)


@click.command()
@click.option(
    "--encrypt",
    is_flag=True,
    help="Create the journal encrypted (SQLCipher): the new passphrase is typed twice, or "
    "read with --passphrase-file. Needs pip install 'netjournal[encrypted]'.",
)
@click.option("--remember", is_flag=True, help=REMEMBER_HELP)
@click.pass_obj
def init(app: App, encrypt: bool, remember: bool) -> None:
    """Create the journal (if needed) and print where it is."""
    journal = app.create_encrypted(app.new_passphrase()) if encrypt else app.journal(create=True)
    journal.check_writable()
    if remember:
        journal.remember_key()
    if journal.encrypted:
        ready = _("Journal ready at {location} (encrypted)")
    else:
        ready = _("Journal ready at {location}")
    click.echo(ready.format(location=journal.location.display))


@click.group()
def db() -> None:
    """Inspect, upgrade, encrypt or decrypt the journal."""


@db.command()
@click.pass_obj
def upgrade(app: App) -> None:
    """Upgrade the journal's schema to this version (SQLite: a backup is written first,
    encrypted with the same key when the journal is)."""
    from netjournal import Journal, schema
    from netjournal.db import resolve

    backup = app.unlocked(lambda p: Journal.upgrade(app.db, passphrase=p))
    if backup is not None:
        click.echo(_("Backup written to {file}").format(file=backup))
    # Upgraded (it raises otherwise): not opened a second time, which would ask an encrypted
    # journal's passphrase again.
    click.echo(
        _("{location} is at schema {revision} (latest).").format(
            location=resolve(app.db).display, revision=schema.HEAD
        )
    )


@db.command()
@output_options(listing=False)
@click.pass_obj
def current(app: App, fmt: str | None) -> None:
    """Show the journal's schema revision, whether it is the latest, and whether the journal
    is encrypted and where its key came from."""
    from netjournal import Journal

    status = app.unlocked(lambda p: Journal.schema_status(app.db, passphrase=p))
    if fmt == "json":
        print_json(status.to_dict())
        return
    revision = status.current or _("none")
    if status.up_to_date:
        line = _("{location}: schema {revision} (latest)")
    else:
        line = _("{location}: schema {revision} (this netjournal needs {head})")
    click.echo(line.format(location=status.location, revision=revision, head=status.head))
    if status.encrypted and status.key_expires is not None:
        line = _(
            "Encrypted; key from the session unlock, until {until} ('netjournal db lock' ends it)."
        )
        click.echo(line.format(until=until(status.key_expires)))
    elif status.encrypted:
        source = KEY_SOURCES.get(status.key_source or "")
        click.echo(_("Encrypted; key from {source}.").format(source=_(source) if source else "?"))
    else:
        click.echo(_("Not encrypted."))


KEY_SOURCES = {
    "argument": N_("the caller"),
    "file": N_("the passphrase file"),
    "keyring": N_("the system keyring (remembered)"),
    "prompt": N_("the passphrase typed"),
}


@db.command()
@click.option("--remember", is_flag=True, help=REMEMBER_HELP)
@click.pass_obj
def encrypt(app: App, remember: bool) -> None:
    """Encrypt a plain SQLite journal with a new passphrase (typed twice, or read with
    --passphrase-file), in one step; the plain file and its -wal and -shm are then
    overwritten. Close other netjournal sessions first."""
    from netjournal import Journal

    path = Journal.encrypt(app.db, app.new_passphrase, remember=remember)
    click.echo(_("{file} is now encrypted; the plain file was overwritten.").format(file=path))


@db.command()
@click.pass_obj
def decrypt(app: App) -> None:
    """Turn an encrypted journal back into a plain SQLite file (and forget its remembered
    key). Anyone who copies the file can then read it."""
    from netjournal import Journal

    path = app.unlocked(lambda p: Journal.decrypt(app.db, passphrase=p))
    click.echo(
        _("{file} is no longer encrypted: anyone who copies it can read it.").format(file=path)
    )


@db.command()
@click.option(
    "--new-passphrase-file",
    metavar="FILE",
    help="Read the new passphrase from the first line of FILE (default: typed twice).",
)
@click.option("--remember", is_flag=True, help=REMEMBER_HELP)
@click.pass_obj
def rekey(app: App, new_passphrase_file: str | None, remember: bool) -> None:
    """Change an encrypted journal's passphrase, in one step."""
    from netjournal import Journal
    from netjournal.cipher import Passphrase
    from netjournal.keys import read_passphrase_file

    from ..app import ask_passphrase

    def new() -> Passphrase:
        if new_passphrase_file is not None:
            return read_passphrase_file(new_passphrase_file)
        if not sys.stdin.isatty():
            raise click.UsageError(_("Give the new passphrase with --new-passphrase-file FILE."))
        return ask_passphrase(_("New passphrase"), confirm=True)

    path = app.unlocked(lambda p: Journal.rekey(app.db, new, passphrase=p, remember=remember))
    click.echo(_("{file} has its new passphrase.").format(file=path))


@db.command("remember-key")
@click.pass_obj
def remember_key(app: App) -> None:
    """Keep the encrypted journal's key in the system keyring, so it opens without asking
    (and shell completion can offer names)."""
    journal = app.journal(create=False)
    journal.remember_key()
    click.echo(
        _("The key of {location} is in the system keyring.").format(
            location=journal.location.display
        )
    )


@db.command("forget-key")
@click.pass_obj
def forget_key(app: App) -> None:
    """Remove the encrypted journal's key from the system keyring: it asks again."""
    from netjournal import Journal

    if Journal.forget_key(app.db):
        click.echo(_("The keyring no longer holds the journal's key."))
    else:
        click.echo(_("The keyring held no key for this journal."))


@db.command()
@click.pass_obj
def scrub(app: App) -> None:
    """Erase the bytes of what was forgotten or deleted from the journal's files (safe to
    run again; use it when 'people forget' says it could not finish)."""
    pending = app.journal(create=False).scrub()
    if pending:
        raise click.ClickException(
            _("Not every byte could be erased yet: {pending}.").format(pending=pending)
        )
    click.echo(_("The journal's files hold nothing that was forgotten or deleted."))


@db.command()
@click.option(
    "--for",
    "duration",
    default="15m",
    show_default=True,
    metavar="DURATION",
    help="How long the key is kept: minutes or hours (15m, 2h; at most 12h).",
)
@click.pass_obj
def unlock(app: App, duration: str) -> None:
    """Unlock the encrypted journal for a while: its key, derived once, is kept in your
    runtime folder (in memory, gone at logout), so commands need no passphrase until then.
    Using it does not extend it; 'netjournal db lock' ends it sooner."""
    from netjournal import Journal
    from netjournal.session_keys import minutes

    count = minutes(duration)
    ends = app.unlocked(lambda p: Journal.unlock_session(app.db, passphrase=p, minutes=count))
    click.echo(
        _("The journal is unlocked until {until} ('netjournal db lock' ends it sooner).").format(
            until=until(ends)
        )
    )


@db.command()
@click.option("--all", "every", is_flag=True, help="End the session unlock of every journal.")
@click.pass_obj
def lock(app: App, every: bool) -> None:
    """End the session unlock: the journal asks for its passphrase again."""
    from netjournal import Journal
    from netjournal.i18n import ngettext

    if every:
        count = Journal.lock_all_sessions()
        text = ngettext("{count} journal locked.", "{count} journals locked.", count)
        click.echo(text.format(count=count))
    elif Journal.lock_session(app.db):
        click.echo(_("The journal is locked: it asks for its passphrase again."))
    else:
        click.echo(_("The journal was not unlocked."))


def until(moment: dt.datetime) -> str:
    """When a session unlock ends, in local time: ``21:15``, with the day if not today."""
    from netjournal.display import day

    local = moment.astimezone()
    if local.date() == dt.datetime.now().astimezone().date():
        return f"{local:%H:%M}"
    return f"{day(local.date())} {local:%H:%M}"
