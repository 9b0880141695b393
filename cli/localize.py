"""Help texts in the user's language, chosen when they are shown, not when they are defined.

Commands define their help in English (docstrings, ``help=`` of options). Click keeps those
strings on its objects from the moment a module is imported; translating them there would fix
them in whatever language the first caller used. Instead, :func:`localize` swaps each text for
its translation each time a command is about to run or show its help, from the English kept
aside on first sight, and :func:`help_texts` lists those texts for the catalog.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager

import click

from netjournal.i18n import _

_ORIGINAL = "_netjournal_english"
_FIELDS = ("help", "short_help", "epilog")


def _english(thing: object) -> dict[str, str | None]:
    kept: dict[str, str | None] | None = getattr(thing, _ORIGINAL, None)
    if kept is None:
        kept = {name: getattr(thing, name, None) for name in _FIELDS}
        setattr(thing, _ORIGINAL, kept)
    return kept


def _clean(text: str) -> str:
    # Click shows a docstring up to a form feed, cleaned of its indentation.
    return inspect.cleandoc(text).partition("\f")[0]


def localize(command: click.Command) -> click.Command:
    """Put ``command``'s help texts, its parameters' and (for a group) its subcommands' in the
    current language."""
    for thing in _tree(command):
        for name, english in _english(thing).items():
            if english:
                setattr(thing, name, _(_clean(english)))
        if isinstance(thing, click.Command) and hasattr(thing, "_help_option"):
            thing._help_option = None  # Click keeps --help's own help: made again, translated
    return command


def help_texts(command: click.Command) -> Iterator[str]:
    """Every help text of ``command``'s tree, as the catalog knows it (cleaned, in English)."""
    for thing in _tree(command):
        for english in _english(thing).values():
            if english:
                yield _clean(english)


def _tree(command: click.Command) -> Iterator[object]:
    yield command
    for param in command.params:
        if isinstance(param, click.Option):
            yield param
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _tree(sub)


@contextmanager
def click_messages() -> Iterator[None]:
    """Inside the block, Click's own messages ("Usage:", "Missing argument", "No such option")
    come from netjournal's catalog in the current language. Click asks :mod:`gettext`'s global
    domain, which reads ``$LANGUAGE`` first: both are set for the block and put back after."""
    import gettext
    import os

    from netjournal.i18n import DOMAIN, LOCALE_DIR, language

    domain = gettext.textdomain()
    saved = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language()
    try:
        yield
    finally:
        gettext.textdomain(domain)
        if saved is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = saved


#: The root's options that take a value (the value is not the command's name).
VALUED = frozenset({"--db", "--passphrase-file", "--lang"})


def chosen_language(args: list[str]) -> str | None:
    """The value of ``--lang`` among the root's arguments (before the command name), if any:
    read before Click parses them, so that its own errors are in that language too."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if not arg.startswith("-"):
            return None  # the command's name: what follows is the command's
        index += 2 if arg in VALUED else 1
    return None
