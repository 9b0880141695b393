"""How journal text looks to a person: one renderer for every table, one amount format, and
control characters shown, never obeyed.

Listings, search, reports and ``people duplicates`` all describe their output as a
:class:`TextTable` and print it through this module, so they share the header style, the
column layout and the cell format:

- :func:`to_text` is the plain form (pipes, files): aligned columns separated by two spaces,
  a header line of the column names, no colour, no markup, one line per row.
- :func:`to_rich` is the terminal form, drawn by rich (imported only then): the same columns
  and headers in bold, fitted to the terminal by :func:`fit`, which wraps text on word
  boundaries and never gives a column less than its longest word. When even the longest words
  cannot stand side by side, each row is shown as ``Header  value`` lines instead (a record
  per row); a word longer than the whole terminal is the only one shortened (ellipsis).

Stored text is the user's, and may come from a hostile vCard: :func:`safe` shows every
control character (C0 and C1 controls, DEL, and the bidirectional overrides and isolates that
reorder what a terminal shows) as a Python-style escape such as ``\\x1b``, so that an escape
sequence in a name is printed, not executed. A cell is one line: a newline or a tab in it is
shown as a space. Multi-line fields (notes) keep their newlines and tabs where they are shown
as lines (:func:`safe` with ``lines=True``). JSON output keeps the exact text (see
:func:`safe_json`), CSV too when it goes to a file or a pipe.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType

#: Characters never sent to a terminal as they are: C0 controls, DEL, C1 controls, and the
#: bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # json.dumps leaves these
_BLANKS = re.compile("\r\n|[\n\t]")
GAP = 2  # spaces between two columns
ELLIPSIS = "…"


# -- cells ---------------------------------------------------------------------------------


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str, *, lines: bool = False) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\u202e``).

    One line by default (a cell): a newline, a CRLF or a tab becomes a space. ``lines=True``
    keeps newlines (a CRLF becomes a newline) and tabs, for fields shown line by line."""
    if lines:
        return _CONTROL_IN_LINES.sub(lambda m: _escaped(m.group()), text.replace("\r\n", "\n"))
    return CONTROL.sub(lambda m: _escaped(m.group()), _BLANKS.sub(" ", text))


def safe_json(text: str) -> str:
    """JSON text (from ``json.dumps``, which escapes C0 controls) with the characters it
    leaves raw (DEL, C1 controls, bidirectional overrides) escaped as ``\\u0085``: the same
    JSON value, harmless on a terminal. Such characters only occur inside JSON strings."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: The CLDR locale each interface language formats numbers, amounts and dates in.
LOCALES = {"en": "en", "fr": "fr_FR"}


def _locale() -> str:
    from .i18n import language

    return LOCALES.get(language(), "en")


def amount(value: Any, currency: str | None = None) -> str:
    """An amount as every table shows it, in the interface's language (Babel, CLDR): grouped
    thousands, two decimals, the currency where the locale puts it (``amount(Decimal("1250.5"),
    "EUR")`` is ``"€1,250.50"`` in English, ``"1 250,50 €"`` in French); ``""`` for no
    amount. Machine formats (JSON, CSV) do not come here."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return safe(str(value))
    from babel.numbers import format_currency, format_decimal, list_currencies

    figure = format_decimal(number, format="#,##0.00", locale=_locale())
    if not currency:
        return figure
    if currency not in list_currencies():  # a code CLDR does not know: after the figure,
        return f"{figure} {safe(currency)}"  # not glued before it as "XYZ1,250.50"
    return format_currency(number, currency, locale=_locale())


def money(amounts: Mapping[str, Any]) -> str:
    """Amounts per currency (``{"EUR": 12, "CHF": 3}``): ``"€12.00; CHF3.00"``."""
    separator = "\u00a0; " if _locale().startswith("fr") else "; "
    return separator.join(amount(value, code) for code, value in amounts.items())


def number(value: Any, *, decimals: int | None = None) -> str:
    """A number as text in the interface's language (``1.50``, ``1,50`` in French), with
    ``decimals`` decimals, else as many as the value has."""
    figure = Decimal(str(value))
    if decimals is None:
        exponent = figure.as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if not _locale().startswith("fr"):
        return f"{figure:.{decimals}f}"
    from babel.numbers import format_decimal

    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(figure, format=pattern, locale=_locale())


def percent(ratio: Any) -> str:
    """A ratio as a percentage with one decimal: ``12.5%``, ``12,5 %`` in French."""
    text = number(Decimal(str(ratio)) * 100, decimals=1)
    return f"{text}\u202f%" if _locale().startswith("fr") else f"{text}%"


def moment(value: dt.datetime) -> str:
    """A moment (when a report was made) as pages show it: ISO 8601 in English
    (``2026-11-30T20:11:00Z``), ``30 nov. 2026 à 20:11 UTC`` in French."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    if not _locale().startswith("fr"):
        stamp = value.replace(tzinfo=None).isoformat()
        return stamp + "Z" if value.tzinfo is not None else stamp
    zone = "\u00a0UTC" if value.tzinfo is not None else ""
    return f"{day(value.date())} à {value:%H:%M}{zone}"


def day(value: dt.date) -> str:
    """A date as tables show it: ISO in English (``2026-11-30``: unambiguous, and what the
    options take), CLDR's medium form in French (``30 nov. 2026``)."""
    if not _locale().startswith("fr"):
        return value.isoformat()
    from babel.dates import format_date

    return format_date(value, "medium", locale=_locale())


@dataclass(frozen=True)
class Marked:
    """A cell whose parts ``spans`` (``(start, end)`` offsets in ``text``) are highlighted on a
    terminal: a search hit's matched words. Plain output shows the text alone."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def safe(self) -> Marked:
        """The cell with control characters escaped (see :func:`safe`), spans moved to match."""
        if not CONTROL.search(self.text):
            return self
        pieces: list[str] = []
        moved: list[int] = []  # the new offset of each old one
        offset = 0
        for i, char in enumerate(self.text):
            moved.append(offset)
            piece = "" if self.text.startswith("\r\n", i) else safe(char)
            pieces.append(piece)
            offset += len(piece)
        moved.append(offset)
        spans = tuple(
            (moved[start], moved[end])
            for start, end in self.spans
            if 0 <= start < end <= len(self.text)
        )
        return Marked("".join(pieces), spans)


Cell = str | Marked


@dataclass
class TextTable:
    """A table for people: ``headers``, ``rows`` of cells (text or :class:`Marked`), which
    columns are ``right``-aligned (numbers, amounts), and an optional ``title``."""

    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    right: Sequence[bool] = ()
    title: str | None = None
    _safe: list[list[Marked]] = field(default_factory=list, init=False, repr=False)

    def cells(self) -> list[list[Marked]]:
        """Header and rows as escaped :class:`Marked` cells (computed once)."""
        if not self._safe:
            self._safe = [
                [(c if isinstance(c, Marked) else Marked(c)).safe() for c in line]
                for line in [list(self.headers), *self.rows]
            ]
        return self._safe

    def is_right(self, index: int) -> bool:
        return index < len(self.right) and bool(self.right[index])


class Heading(str):
    """A line of text shown in bold on a terminal (a report's title)."""


#: What the renderers print, in order: lines of text (a :class:`Heading` in bold), and tables.
Block = str | TextTable


# -- layout --------------------------------------------------------------------------------


def width_of(text: str) -> int:
    """Terminal columns ``text`` takes: wide East Asian characters count 2, combining marks 0
    (rich's own measure is used on a terminal)."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def fit(table: TextTable, width: int | None, measure: Callable[[str], int] = width_of) -> list[int]:
    """The width of each column of ``table`` in ``width`` terminal columns (``None``: as wide
    as their content). Columns keep their content's width when it fits; otherwise the widest
    ones shrink first, but no column gets less than its longest word (a word is never broken),
    and only if those words cannot fit side by side are the longest shortened (ellipsis)."""
    cells = table.cells()
    natural = [max(measure(line[i].text) for line in cells) for i in range(len(table.headers))]
    if width is None:
        return natural
    words = [
        max([measure(word) for line in cells for word in line[i].text.split()] or [0])
        for i in range(len(natural))
    ]
    room = max(width - GAP * (len(natural) - 1), len(natural))
    if sum(natural) <= room:
        return natural
    floors = words if sum(words) <= room else _capped(words, room, [1] * len(words))
    return _capped(natural, room, floors)


def _capped(wanted: list[int], room: int, floors: list[int]) -> list[int]:
    """``wanted`` widths, the largest cut down to one cap (never under ``floors``) so that
    they sum to at most ``room``; the room left is given back one column at a time."""

    def widths(cap: int) -> list[int]:
        return [max(f, min(w, cap)) for w, f in zip(wanted, floors, strict=True)]

    low, high = 0, max(wanted)
    while low < high:  # the largest cap that fits
        middle = (low + high + 1) // 2
        if sum(widths(middle)) <= room:
            low = middle
        else:
            high = middle - 1
    result = widths(low)
    spare = room - sum(result)
    for i, want in enumerate(wanted):
        if spare <= 0:
            break
        if result[i] < want:
            result[i] += 1
            spare -= 1
    return result


# -- plain ---------------------------------------------------------------------------------


def to_text(blocks: Iterable[Block]) -> str:
    """Blocks as plain text: lines as they are (escaped), tables as aligned columns."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, TextTable):
            out += _table_lines(block)
        else:
            out.append(safe(block, lines=True))
    return "".join(line + "\n" for line in out)


def _table_lines(table: TextTable) -> list[str]:
    cells = table.cells()
    widths = fit(table, None)
    lines = [safe(table.title)] if table.title else []
    for line in cells:
        padded = [
            _pad(c.text, w, table.is_right(i))
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        lines.append("  ".join(padded).rstrip())
    return lines


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(width - width_of(text), 0)
    return space + text if right else text + space


# -- terminal ------------------------------------------------------------------------------


def to_rich(blocks: Iterable[Block], width: int) -> list[RenderableType]:
    """Blocks as rich renderables for a terminal ``width`` columns wide: bold headers and
    titles, highlighted :class:`Marked` spans, columns fitted by :func:`fit`."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    shown: list[RenderableType] = []
    for block in blocks:
        if not isinstance(block, TextTable):
            style = "bold" if isinstance(block, Heading) else ""
            shown.append(Text(safe(block, lines=True), style=style))
            continue
        cells = block.cells()
        if not fits(block, width, cell_len):
            shown += _records(block, width, cell_len)
            continue
        widths = fit(block, width, cell_len)
        table = Table(
            title=Text(safe(block.title), style="bold") if block.title else None,
            title_justify="left",
            box=None,
            pad_edge=False,
            show_edge=False,
            header_style="bold",
        )
        for i, (header, w) in enumerate(zip(cells[0], widths, strict=True)):
            table.add_column(
                Text(header.text),
                width=w,
                justify="right" if block.is_right(i) else "left",
                overflow="ellipsis",
            )
        for line in cells[1:]:
            texts = []
            for c in line:
                text = Text(c.text)  # Text, never markup: stored text may hold [brackets]
                for start, end in c.spans:
                    text.stylize("bold yellow", start, end)
                texts.append(text)
            table.add_row(*texts)
        shown.append(table)
    return shown


def fits(table: TextTable, width: int, measure: Callable[[str], int] = width_of) -> bool:
    """Whether the longest word of every column can stand side by side in ``width``."""
    cells = table.cells()
    words = [
        max([measure(word) for line in cells for word in line[i].text.split()] or [0])
        for i in range(len(table.headers))
    ]
    return sum(words) + GAP * (len(words) - 1) <= width


def _records(block: TextTable, width: int, measure: Callable[[str], int]) -> list[RenderableType]:
    """A table too wide for the terminal, as one ``Header  value`` record per row."""
    from rich.table import Table
    from rich.text import Text

    cells = block.cells()
    label = min(max(measure(h.text) for h in cells[0]), max(width // 3, 1))
    shown: list[RenderableType] = []
    if block.title:
        shown.append(Text(safe(block.title), style="bold"))
    for line in cells[1:]:
        record = Table(box=None, pad_edge=False, show_header=False)
        record.add_column(width=label, style="bold", overflow="ellipsis")
        record.add_column(width=max(width - label - GAP, 1), overflow="ellipsis")
        for header, c in zip(cells[0], line, strict=True):
            if c.text:
                text = Text(c.text)
                for start, end in c.spans:
                    text.stylize("bold yellow", start, end)
                record.add_row(Text(header.text), text)
        shown += [record, Text("")]
    return shown


def print_rich(blocks: Iterable[Block], *, width: int | None = None, file: Any = None) -> None:
    """Print blocks on the terminal (or ``file``) through rich, fitted to its width."""
    from rich.console import Console

    console = Console(file=file, width=width, highlight=False, soft_wrap=False)
    for renderable in to_rich(blocks, console.width):
        console.print(renderable)
