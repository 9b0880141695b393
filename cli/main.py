"""Entry point: the root group, lazy subcommands and the one place errors become exit codes.

Subcommands are imported only when invoked, so ``netjournal --help`` and ``--version`` never
import SQLAlchemy. Every library error (:class:`netjournal.errors.NetjournalError`) is printed as
one line on stderr with exit status 1; usage errors keep Click's status 2. Output that cannot be
written (a full disk, ``ulimit -f``) is one line and status 1 too, never a cut document with
status 0; a reader that goes away (``| head``) is not an error.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import os
import sys
from typing import Any

import click

from netjournal._version import __version__
from netjournal.errors import NetjournalError
from netjournal.i18n import N_, _, set_language, using

from .localize import chosen_language, click_messages, localize

#: command name -> "module:attribute" under netjournal.cli.commands, with its one-line help.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("db:init", N_("Create the journal and print where it is.")),
    "db": ("db:db", N_("Inspect, upgrade, encrypt or decrypt the journal.")),
    "me": ("me:me", N_("Show or set your profile: fields, hourly rate, currency.")),
    "event": ("event:event", N_("Add, list, show, edit and delete events.")),
    "encounter": ("encounter:encounter", N_("Show, edit and delete a logged encounter.")),
    "history": ("history:history", N_("List the recent changes (each log, edit, import, undo).")),
    "undo": ("history:undo", N_("Undo the last change, or a given one.")),
    "log": ("log:log", N_("Log an encounter, or a whole evening from a file (--batch, --edit).")),
    "people": (
        "people:people",
        N_("List, show, edit, merge, forget people; find duplicates."),
    ),
    "lead": ("lead:lead", N_("List, edit and delete leads.")),
    "outcome": ("lead:outcome", N_("Record, list, edit and delete what leads turned into.")),
    "followup": ("followup:followup", N_("Add, list, edit, delete follow-ups; mark them done.")),
    "demo": ("demo:demo", N_("Build a demo journal of a season of events and show it.")),
    "import": (
        "importing:import_",
        N_("Import contacts or events (vCard, LinkedIn, Google, iCalendar)."),
    ),
    "report": (
        "report:report",
        N_("Reports: payoff, events, fields, questions, leads, pitches..."),
    ),
    "prep": ("report:prep", N_("Before an event: who you met there and what worked.")),
    "cadence": ("cadence:cadence", N_("List or set how often to see people with a tag.")),
    "catchup": ("cadence:catchup", N_("Who is due for a catch-up, most late first.")),
    "export": ("export:export", N_("Export the journal as JSON, vCards or a CSV of encounters.")),
    "backup": ("export:backup", N_("Copy the SQLite journal safely while it is in use.")),
    "search": ("search:search", N_("Search people, events, encounters, questions and leads.")),
    "sync": ("sync:sync", N_("Sync people both ways with an address book folder (vdir).")),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (Click's LazyGroup recipe)."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            target, _ = self.lazy[cmd_name]
            module_name, attr = target.split(":")
            module = importlib.import_module(f"netjournal.cli.commands.{module_name}")
            command: click.Command = getattr(module, attr)
            return localize(command)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help texts come from the table, so listing commands imports none of them.
        rows = [(name, _(self.lazy[name][1])) for name in sorted(self.lazy)]
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="netjournal")
@click.option(
    "--lang",
    type=click.Choice(["en", "fr"]),
    expose_value=False,
    is_eager=True,
    callback=lambda _ctx, _param, value: set_language(value) if value else None,
    help=N_(
        "Language of messages: en or fr (default: $NETJOURNAL_LANG, else LC_ALL, "
        "LC_MESSAGES, LANG; English otherwise)."
    ),
)
@click.option(
    "--db",
    "db",
    envvar="NETJOURNAL_DB",
    show_envvar=True,
    metavar="URL_OR_PATH",
    help="Journal file or database URL (default: journal.db in your user data folder).",
)
@click.option(
    "--passphrase-file",
    envvar="NETJOURNAL_PASSPHRASE_FILE",
    show_envvar=True,
    metavar="FILE",
    help="Read an encrypted journal's passphrase from the first line of FILE "
    "(default: the keyring if remembered, else a hidden prompt).",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None, passphrase_file: str | None) -> None:
    """netjournal: turn networking events into evidence.

    Log who you met and what you learned, track the leads, and see which events paid off.
    """
    from .app import App

    ctx.obj = App(db, passphrase_file)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; the single exit point that maps errors to statuses."""
    # A command lives for well under a second and what it allocates while importing SQLAlchemy
    # and mapping the models lives until exit: collecting cycles among them costs up to a fifth
    # of the start-up for nothing (docs/performance.md). Collections still run, just rarely.
    gc.set_threshold(100_000, 50, 100)
    if "_NETJOURNAL_COMPLETE" in os.environ:  # a shell asking for completions
        from . import complete

        complete.install()  # bash: completed names arrive quoted (spaces, quotes)
    _buffer_stdout()
    args = sys.argv[1:] if argv is None else argv
    with using(chosen_language(args)), click_messages():  # no --lang: the environment's
        _run(args)


def _run(args: list[str]) -> None:
    """Run the command line ``args``; the single exit point that maps errors to statuses."""
    localize(cli)
    undecodable = _not_utf8(args)
    if undecodable is not None:
        message = _(
            "an argument is not UTF-8 text: {argument} (check the terminal's or the "
            "script's encoding)."
        ).format(argument=undecodable)
        click.echo(_("Error: {message}").format(message=message), err=True)
        sys.exit(1)
    try:
        cli.main(args=args, prog_name="netjournal", standalone_mode=False)
        sys.stdout.flush()  # what is still buffered must reach its file now, or fail here
    except NetjournalError as exc:
        from netjournal.display import safe  # a stored name in a message: escapes shown

        click.echo(_("Error: {message}").format(message=safe(str(exc))), err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(_("Interrupted: nothing was written by the unfinished command."), err=True)
        sys.exit(130)
    except BrokenPipeError:  # the reader went away (| head): not an error of ours, quiet
        _silence_stdout()
        sys.exit(0)
    except OSError as exc:  # stdout could not be written: a full disk, ulimit -f, /dev/full
        _silence_stdout()
        reason = exc.strerror or str(exc)
        if exc.filename:
            message = _("{file}: {reason}.").format(file=exc.filename, reason=reason)
        else:
            message = _("the output is incomplete: {reason}.").format(reason=reason)
        with contextlib.suppress(OSError):  # stderr broken too: the status still says it
            click.echo(_("Error: {message}").format(message=message), err=True)
        sys.exit(1)
    sys.exit(0)


def _not_utf8(args: list[str]) -> str | None:
    """The first argument holding bytes that are not UTF-8 (Python passes them on as lone
    surrogates, ``'\\udcff'``), shown with those bytes escaped (``'caf\\xff'``); else ``None``."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raw = arg.encode("utf-8", "surrogateescape")
            return "'" + raw.decode("utf-8", "backslashreplace") + "'"
    return None


def _buffer_stdout() -> None:
    """Give an unbuffered stdout (``PYTHONUNBUFFERED``, ``python -u``) a buffer again: a text
    stream straight over a raw file ignores a short write (``ulimit -f``, a nearly full disk) and
    loses the rest silently, where a buffered one retries it and raises the error."""
    raw = getattr(sys.stdout, "buffer", None)
    if isinstance(raw, io.RawIOBase) and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(raw),
            encoding=sys.stdout.encoding,
            errors=sys.stdout.errors,
            line_buffering=True,
        )


def _silence_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush of what could not
    be written neither fails again nor turns the exit status into 120."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass  # not a file descriptor (tests, embedding): nothing will be flushed to it


if __name__ == "__main__":
    main()
