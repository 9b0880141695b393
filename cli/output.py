"""How commands print: a table for people, JSON or CSV for scripts.

Every listing takes ``--json`` and ``--csv`` and every ``show`` takes ``--json`` through
:func:`output_options`. Tables, listings, search and reports alike, go through one renderer
(:mod:`netjournal.display`): rich only when stdout is a terminal; in a pipe plain aligned text
with no colour codes (and rich is never imported, which keeps commands quick). Stored text is
printed through :func:`cell`, :func:`field_lines`, :func:`heading` or :func:`say`, which show
control characters escaped (``\x1b``) instead of sending them to the terminal; JSON keeps the
exact text.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import click

from netjournal.display import (
    Block,
    TextTable,
    amount,
    day,
    number,
    print_rich,
    safe,
    safe_json,
    to_text,
)
from netjournal.i18n import _, using

F = TypeVar("F", bound=Callable[..., Any])


class Words(str):
    """The third item of a :data:`Column` whose values are codes of a vocabulary of
    :mod:`netjournal.vocab` (``Words("lead kind")``): tables show them in the user's language,
    JSON and CSV keep the codes."""


#: A column: (key path in the row dict such as ``"person.name"``, header), or with a third
#: item, the key of the currency: the column is then an amount, shown as :func:`amount` does
#: in tables (``€1,250.00``, ``1 250,00 €`` in French), and as two CSV columns (value,
#: currency); or a :class:`Words`: the column holds codes, shown in the user's language.
#: Headers are marked with ``N_`` and translated where the table is drawn.
Column = tuple[str, ...]


def output_options(*, listing: bool = True) -> Callable[[F], F]:
    """Add ``--json`` (and ``--csv`` for listings) as a ``fmt`` argument: table, json or csv."""

    def decorate(func: F) -> F:
        if listing:
            func = click.option(
                "--csv", "fmt", flag_value="csv", help="Print CSV (one row per record)."
            )(func)
        func = click.option(
            "--json",
            "fmt",
            flag_value="json",
            help="Print JSON (ids, ISO dates, amounts as strings) for scripts.",
        )(func)
        return func

    return decorate


def is_terminal() -> bool:
    return bool(getattr(sys.stdout, "isatty", lambda: False)())


def pick(row: Any, path: str) -> Any:
    """``pick(row, "person.name")``: a value inside nested dicts (``None`` if absent)."""
    value = row
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def cell(value: Any) -> str:
    """A value as one line of text for people, control characters escaped."""
    return safe(_text(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or "")
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):  # a date, from to_dict()
        with contextlib.suppress(ValueError):
            return day(dt.date.fromisoformat(value))
    if isinstance(value, dt.date):
        return day(value)
    return str(value)


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@contextlib.contextmanager
def progress_bar(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr (``label``, translated) for a long import or sync at a
    terminal, as a ``(done, total)`` callback; ``None`` otherwise (a pipe, ``--json``)."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(_(label), total=None)

        def update(done: int, total: int) -> None:
            if total >= 200:
                bar.update(task, completed=done, total=total)

        yield update


def confirm(question: str) -> None:
    """Ask ``question`` on stderr, no by default, and abort (``Aborted.``, status 1) unless
    the answer is yes: ``y``/``yes``, and ``o``/``oui`` too with a French interface (Click's own
    confirmation knows only the English letters)."""
    from netjournal.i18n import language

    yes = {"y", "yes"} | ({"o", "oui"} if language() == "fr" else set())
    no = {"", "n", "no", "non"}
    while True:
        answer = click.prompt(
            question + _(" [y/N]: "), default="", show_default=False, err=True, prompt_suffix=""
        )
        answer = str(answer).strip().casefold()
        if answer in yes:
            return
        if answer in no:
            raise click.Abort()
        click.echo(_("Please answer y or n."), err=True)


def say(text: str = "") -> None:
    """Print a message that may hold stored text: control characters escaped, newlines kept."""
    click.echo(safe(text, lines=True))


def print_json(data: Any) -> None:
    click.echo(safe_json(json.dumps(data, indent=2, ensure_ascii=False)))


def show(blocks: Sequence[Block]) -> None:
    """Print lines and tables through the one renderer: rich on a terminal, plain in a pipe."""
    if is_terminal():
        print_rich(blocks)
    else:
        click.echo(to_text(blocks), nl=False)


def table_of(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None
) -> TextTable:
    """Row dicts as a :class:`~netjournal.display.TextTable`: amounts formatted and with their
    currency, numbers and amounts aligned right."""
    numeric = [_numeric(pick(row, column[0]) for row in rows) for column in columns]
    body = [
        [
            _number_cell(pick(row, column[0]))
            if figures and not _is_amount(column)
            else _cell_of(row, column)
            for column, figures in zip(columns, numeric, strict=True)
        ]
        for row in rows
    ]
    right = [
        _is_amount(column) or figures for column, figures in zip(columns, numeric, strict=True)
    ]
    return TextTable([_(column[1]) for column in columns], body, right, title)


def _number_cell(value: Any) -> str:
    """A cell of a column of numbers (hours, tie strength): ``2.50`` is ``2,50`` in French.
    Only a figure with decimals is rewritten: text that is all digits (an organization named
    ``1789``, a title ``007``, an id) is shown as it is."""
    if isinstance(value, float | Decimal) or (
        isinstance(value, str) and _DECIMALS.fullmatch(value)
    ):
        return number(value)
    return _text(value)


def _is_amount(column: Column) -> bool:
    return len(column) == 3 and not isinstance(column[2], Words)


_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DECIMALS = re.compile(r"-?[0-9]+\.[0-9]+")


def _numeric(values: Iterable[Any]) -> bool:
    """Whether a column holds numbers only (ids, hours, tie strength): aligned right."""
    shown = [v for v in values if v is not None and v != ""]
    return bool(shown) and all(
        (isinstance(v, int | float) and not isinstance(v, bool))
        or (isinstance(v, str) and _NUMBER.fullmatch(v))
        for v in shown
    )


def _cell_of(row: dict[str, Any], column: Column) -> str:
    if len(column) == 3 and isinstance(column[2], Words):
        from netjournal.i18n import language
        from netjournal.vocab import label

        value = pick(row, column[0])
        codes = value if isinstance(value, list | tuple) else [value]
        return ", ".join(label(code, column[2], language()) for code in codes if code)
    if len(column) == 3:
        return amount(pick(row, column[0]), pick(row, column[2]))
    return _text(pick(row, column[0]))


def print_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None
) -> None:
    """Rows as a table: rich on a terminal, plain aligned columns in a pipe."""
    show([table_of(rows, columns, title=title)])


def print_csv(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> None:
    """CSV of the exact values (amounts as decimals, their currency in a column of its own);
    control characters are escaped only when the CSV goes to a terminal."""
    keys = [
        key
        for column in columns
        for key in ([column[0], column[2]] if _is_amount(column) else [column[0]])
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([key.replace(".", "_") for key in keys])
    with using("en"):  # a machine format: the same whatever the user's language
        for row in rows:
            writer.writerow([_text(pick(row, key)) for key in keys])
    text = buffer.getvalue()
    click.echo(safe(text, lines=True) if is_terminal() else text, nl=False)


def emit(
    records: Sequence[Any],
    columns: Sequence[Column],
    fmt: str | None,
    *,
    title: str | None = None,
    empty: str | None = None,
) -> None:
    """Print a listing of library records in the chosen format (``empty``: what to say when
    there is none, in the user's language)."""
    from netjournal.serialize import to_dict

    rows = [to_dict(r) for r in records]
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(rows, columns)
    elif not rows:
        click.echo(empty if empty is not None else _("Nothing to show."))
    else:
        print_table(rows, columns, title=title)


def heading(text: str) -> None:
    shown = safe(text)
    click.echo(click.style(shown, bold=True) if is_terminal() else shown)


def field_lines(pairs: Iterable[tuple[str, Any]]) -> None:
    """``Label: value`` lines, skipping empty values; a value of several lines (notes) keeps
    them, indented under its label; control characters are escaped."""
    for label, value in pairs:
        text = value if isinstance(value, str) else _text(value)
        if text:
            head = _("{label}: {value}").format(label=label, value="")
            shown = safe(text, lines=True).replace("\n", "\n" + " " * (len(head) + 2))
            click.echo("  " + _("{label}: {value}").format(label=label, value=shown))


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def stdin_is_terminal() -> bool:
    """Whether someone can answer a question (stdin is a terminal, not a pipe or a file)."""
    return bool(getattr(sys.stdin, "isatty", lambda: False)())
