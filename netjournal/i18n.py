"""Messages in the user's language: English (the source text) or French.

A user-facing string is written in English and marked: ``_("...")`` where it is shown,
``N_("...")`` where it is defined before the language is known (tables of labels, help texts),
``ngettext`` where a count chooses the form. The French catalog is
``netjournal/locale/fr/LC_MESSAGES/netjournal.mo``, compiled from the ``.po`` files beside it
(see :mod:`netjournal.catalogs` for how they are extracted, updated, compiled and checked).

The language: :func:`set_language` (the CLI's ``--lang``), else ``$NETJOURNAL_LANG``, else
``LC_ALL``, ``LC_MESSAGES``, ``LANG`` (:func:`netjournal.lang.environment`); English otherwise.
It is read at each message, so a program may switch language between calls.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from .lang import environment, named

DOMAIN = "netjournal"
LOCALE_DIR = Path(__file__).with_name("locale")

_chosen: str | None = None


def language() -> str:
    """The language messages are written in now: ``"en"`` or ``"fr"``."""
    # The environment is read at each message: a program may change it between calls.
    return _chosen if _chosen is not None else environment()


def set_language(code: str | None) -> None:
    """Write messages in ``code`` (``"en"``, ``"fr"``, or a locale such as ``fr_FR.UTF-8``);
    ``None`` goes back to the environment's choice. An unknown language means English."""
    global _chosen
    _chosen = None if code is None else named((code,))


@contextmanager
def using(code: str | None) -> Iterator[None]:
    """Inside the block, messages are in ``code`` (``None``: the environment's); the choice in
    force before is back after it."""
    global _chosen
    saved = _chosen
    set_language(code)
    try:
        yield
    finally:
        _chosen = saved


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The catalog of ``code`` (English is the source text: no catalog)."""
    if code == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def _(message: str) -> str:
    """``message`` in the user's language."""
    return translations(language()).gettext(message)


def in_language(code: str, message: str) -> str:
    """``message`` in ``code`` whatever the interface's language: for the refusals that answer
    in the language the user typed in (a French key mistyped in an English session)."""
    return translations(named((code,))).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of ``singular``/``plural`` that ``count`` takes, in the user's language."""
    return translations(language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (it is translated where it
    is shown, with :func:`_`)."""
    return message
