"""How commands print: a table for people, JSON or CSV for scripts.

Every listing takes ``--json`` and ``--csv`` and every ``show`` takes ``--json`` through
:func:`output_options`. Tables use rich only when stdout is a terminal; in a pipe they are plain
aligned text with no colour codes (and rich is never imported, which keeps commands quick).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

#: A column: (key path in the row dict such as ``"person.name"``, header).
Column = tuple[str, str]


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
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or "")
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value)
    return str(value)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def print_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None
) -> None:
    """Rows as a table: rich on a terminal, plain aligned columns in a pipe."""
    body = [[cell(pick(row, key)) for key, _ in columns] for row in rows]
    headers = [header for _, header in columns]
    if is_terminal():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
        for header in headers:
            table.add_column(header, overflow="fold")
        for line in body:
            table.add_row(*line)
        Console().print(table)
        return
    if title:
        click.echo(title)
    widths = [max([len(h), *(len(line[i]) for line in body)]) for i, h in enumerate(headers)]
    for line in [headers, *body]:
        click.echo("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())


def print_csv(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([key.replace(".", "_") for key, _ in columns])
    for row in rows:
        writer.writerow([cell(pick(row, key)) for key, _ in columns])
    click.echo(buffer.getvalue(), nl=False)


def emit(
    records: Sequence[Any],
    columns: Sequence[Column],
    fmt: str | None,
    *,
    title: str | None = None,
    empty: str = "Nothing to show.",
) -> None:
    """Print a listing of library records in the chosen format."""
    from netjournal.serialize import to_dict

    rows = [to_dict(r) for r in records]
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(rows, columns)
    elif not rows:
        click.echo(empty)
    else:
        print_table(rows, columns, title=title)


def heading(text: str) -> None:
    click.echo(click.style(text, bold=True) if is_terminal() else text)


def field_lines(pairs: Iterable[tuple[str, Any]]) -> None:
    """``Label: value`` lines, skipping empty values."""
    for label, value in pairs:
        shown = cell(value)
        if shown:
            click.echo(f"  {label}: {shown}")


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def stdin_is_terminal() -> bool:
    """Whether someone can answer a question (stdin is a terminal, not a pipe or a file)."""
    return bool(getattr(sys.stdin, "isatty", lambda: False)())
