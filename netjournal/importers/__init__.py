"""File importers: parsers that turn contact and calendar exports into neutral records.

Each parser lives in its own module and imports its third-party library only when called,
so importing this package stays cheap (the CLI imports it on every start).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from netjournal.errors import InvalidInput
from netjournal.i18n import _
from netjournal.importers.records import ParseResult

FORMATS = {
    "vcard": ("netjournal.importers.vcard", "parse_vcard"),
    "linkedin": ("netjournal.importers.linkedin", "parse_linkedin"),
    "google": ("netjournal.importers.google", "parse_google"),
    "ical": ("netjournal.importers.ical", "parse_ical"),
}


def parse_file(format: str, path: str | Path, **kw: Any) -> ParseResult:
    """Parse ``path`` with the parser for ``format`` ("vcard", "linkedin", "google", "ical").

    Keyword arguments (``skip_invalid``, and ``today`` for ical) go to the parser.
    """
    try:
        module, function = FORMATS[format]
    except KeyError:
        known = ", ".join(FORMATS)
        message = _("unknown import format {format!r} (known: {known})")
        raise InvalidInput(message.format(format=format, known=known)) from None
    parser = getattr(import_module(module), function)
    result: ParseResult = parser(path, **kw)
    return result


__all__ = ["FORMATS", "ParseResult", "parse_file"]
