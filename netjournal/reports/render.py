"""Turning a :class:`~netjournal.reports.base.Report` into text a person or a script reads.

Formats: ``table`` (plain aligned columns through :mod:`netjournal.display`, the renderer every
command uses; fitted to a width by rich when one is given), ``markdown``, ``csv`` (one section;
money spread over one column per currency), ``json`` (stable, documented in docs/reports.md)
and ``html`` (one self-contained page with charts, see :mod:`netjournal.reports.html`).
:func:`save` writes a file readable by its owner only (0600): reports hold personal data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..display import (
    Block,
    Heading,
    TextTable,
    day,
    moment,
    money,
    number,
    percent,
    safe,
    to_rich,
    to_text,
)
from ..errors import InvalidInput
from ..i18n import N_, _
from .base import Column, OpenLeads, Report, Section, columns
from .base import shown as sentence

FORMATS = ("table", "markdown", "csv", "json", "html")
JSON_FORMAT_VERSION = 1


def render(
    report: Report, fmt: str = "table", *, section: str | None = None, width: int | None = None
) -> str:
    """``report`` as text in ``fmt``; ``section`` picks the CSV section (the main one by
    default); ``width`` is the table's width in characters."""
    if fmt == "table":
        return to_table(report, width=width)
    if fmt == "markdown":
        return to_markdown(report)
    if fmt == "csv":
        return to_csv(report, section)
    if fmt == "json":
        return to_json(report)
    if fmt == "html":
        from .html import to_html

        return to_html(report)
    raise InvalidInput(
        _("Unknown format '{format}'; choose from {choices}.").format(
            format=fmt, choices=", ".join(FORMATS)
        )
    )


def save(text: str, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``text`` to ``path`` through :func:`netjournal.files.write_text`: a new file (or,
    with ``overwrite``, a replaced one) of mode 0600, renamed into place when complete; a
    device or a FIFO is written in place."""
    from ..files import write_text

    return write_text(text, path, overwrite=overwrite)


# -- cells ---------------------------------------------------------------------------------


def money_text(amounts: Mapping[str, Decimal], *, grouped: bool = True) -> str:
    """Amounts per currency as tables show them (:func:`netjournal.display.money`:
    ``1,250.00 EUR``), or ungrouped (``1250.00 EUR``) for CSV."""
    if grouped:
        return money(amounts)
    return "; ".join(f"{v:.2f} {c}" for c, v in amounts.items())


def cell(value: Any, column: Column, *, grouped: bool = True) -> str:
    """One value as text for tables, Markdown and HTML (in the user's language), or for CSV
    (``grouped=False``: English, as stored)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal) and column.percent:
        return percent(value) if grouped else f"{value * 100:.1f}%"
    if isinstance(value, dict):
        return money_text(value, grouped=grouped)
    if isinstance(value, tuple | list):
        return "; ".join(sentence(v) if grouped else str(v) for v in value)
    if isinstance(value, dt.date):
        return day(value) if grouped else value.isoformat()
    if isinstance(value, Decimal | float) and grouped:
        return number(value)
    if grouped and isinstance(value, OpenLeads):
        return value.shown()
    if grouped and isinstance(value, str):
        return sentence(value)
    return str(value)


def row_cell(row: Any, column: Column) -> str:
    """One cell of ``row`` for tables, Markdown and HTML, control characters escaped; a figure
    of a provisional row is marked as such (with its open leads where the column says
    ``mark="full"``)."""
    text = cell(column.word(getattr(row, column.name)), column)
    if text and column.mark and getattr(row, "provisional", False):
        if column.mark == "full":
            text = _("{value} (provisional: {open_leads})").format(
                value=text, open_leads=row.open_leads.shown()
            )
        else:
            text = _("{value} (provisional)").format(value=text)
    return safe(text)


def shown(row_type: type) -> list[Column]:
    """The columns tables, Markdown and HTML show (JSON and CSV have them all)."""
    return [c for c in columns(row_type) if c.table]


def plain(value: Any) -> Any:
    """A value as JSON: amounts and ratios as strings, dates ISO, money as {currency: "1.00"},
    small records (such as open leads) as objects."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        stamp = value.replace(tzinfo=None).isoformat()
        return stamp + "Z" if value.tzinfo is not None else stamp
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def row_dict(row: Any) -> dict[str, Any]:
    return {f.name: plain(getattr(row, f.name)) for f in fields(row)}


# -- formats -------------------------------------------------------------------------------


def to_json(report: Report) -> str:
    return json.dumps(document(report), ensure_ascii=False, indent=2) + "\n"


def document(report: Report) -> dict[str, Any]:
    """The stable JSON document of a report (docs/reports.md), as plain Python values."""
    return {
        "format_version": JSON_FORMAT_VERSION,
        "report": report.name,
        "title": report.title,
        "parameters": plain(report.parameters),
        "generated_at": plain(report.generated_at),
        "currency": report.currency,
        "empty": report.empty,
        "notes": list(report.notes),
        "rows": [row_dict(r) for r in report.rows],
        "sections": [
            {
                "name": s.name,
                "title": s.title,
                "columns": [c.name for c in columns(s.row_type)],
                "empty": None if s.rows else s.empty,
                "rows": [row_dict(r) for r in s.rows],
            }
            for s in report.sections
        ],
    }


def _section(report: Report, name: str | None) -> Section:
    if name is None:
        return report.sections[0]
    try:
        return report.section(name)
    except KeyError:
        names = ", ".join(s.name for s in report.sections)
        raise InvalidInput(
            _("The {report} report has no section '{name}'; use {names}.").format(
                report=report.name, name=name, names=names
            )
        ) from None


def to_csv(report: Report, section: str | None = None) -> str:
    """One section as CSV; money columns become one column per currency (``value_EUR``)."""
    chosen = _section(report, section)
    cols = columns(chosen.row_type)
    currencies: dict[str, list[str]] = {}
    for c in cols:
        codes = (
            sorted({code for r in chosen.rows for code in (getattr(r, c.name) or {})})
            if c.money
            else []
        )
        currencies[c.name] = codes
    out = io.StringIO()
    writer = csv.writer(out)
    header: list[str] = []
    for c in cols:
        header.extend([f"{c.name}_{code}" for code in currencies[c.name]] if c.money else [c.name])
    writer.writerow(header)
    for row in chosen.rows:
        line: list[str] = []
        for c in cols:
            value = getattr(row, c.name)
            if c.money:
                line.extend(str(value.get(code, "")) for code in currencies[c.name])
            elif isinstance(value, bool):
                line.append("true" if value else "false")
            elif isinstance(value, Decimal):
                line.append(str(value))
            else:
                line.append(cell(value, Column(c.name, c.label, False), grouped=False))
        writer.writerow(line)
    return out.getvalue()


def to_markdown(report: Report) -> str:
    lines = [f"# {sentence(report.title)}", "", _params_line(report), ""]
    lines += [f"> {sentence(note)}" for note in report.notes]
    if report.notes:
        lines.append("")
    for section in report.sections:
        if len(report.sections) > 1:
            lines += [f"## {sentence(section.title)}", ""]
        if not section.rows:
            lines += [sentence(section.empty), ""]
            continue
        cols = shown(section.row_type)
        lines.append("| " + " | ".join(c.title for c in cols) + " |")
        lines.append("| " + " | ".join("---" for _ in cols) + " |")
        for row in section.rows:
            cells = [_md_escape(row_cell(row, c)) for c in cols]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return safe("\n".join(lines), lines=True)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


#: How pages name a report's parameters (JSON keeps the keys; English shows them as they are).
PARAMETERS = {
    "since": N_("since"),
    "until": N_("until"),
    "attribution": N_("attribution"),
    "include_connections": N_("include_connections"),
    "credit_introducers": N_("credit_introducers"),
    "soon": N_("soon"),
    "today": N_("today"),
    "event": N_("event"),
    "event_id": N_("event_id"),
    "chain_credit": N_("chain_credit"),
    "max_hops": N_("max_hops"),
}
#: Parameter values pages show in words (the others, dates, numbers and names, as they are).
WORDS = {"first": N_("first"), "last": N_("last"), "linear": N_("linear"), "equal": N_("equal")}


def _parameter(value: Any) -> str:
    if isinstance(value, bool):
        return _("True") if value else _("False")
    if isinstance(value, str) and value in WORDS:
        return _(WORDS[value])
    return str(plain(value))


def _params_line(report: Report) -> str:
    shown = [
        _("{name}: {value}").format(name=_(PARAMETERS.get(k, k)), value=_parameter(v))
        for k, v in report.parameters.items()
        if v is not None
    ]
    stamp = moment(report.generated_at)
    if shown:
        return _("Generated {stamp} ({parameters}).").format(
            stamp=stamp, parameters=", ".join(shown)
        )
    return _("Generated {stamp}.").format(stamp=stamp)


def to_table(report: Report, *, width: int | None = None) -> str:
    """The report as plain text tables (:func:`blocks` through :func:`netjournal.display.to_text`):
    aligned columns, one line per row; with ``width``, fitted to that many columns by rich,
    words wrapped whole."""
    if width is None:
        return to_text(blocks(report))
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, highlight=False, soft_wrap=False)
    for renderable in to_rich(blocks(report), width):
        console.print(renderable)
    return out.getvalue()


def blocks(report: Report) -> list[Block]:
    """The report as the renderer's blocks: its title, parameters and notes, then each section
    as a :class:`~netjournal.display.TextTable` (or its empty message)."""
    shown_blocks: list[Block] = [
        Heading(sentence(report.title)),
        _params_line(report),
        *(sentence(note) for note in report.notes),
    ]
    several = len(report.sections) > 1
    for section in report.sections:
        shown_blocks.append("")
        if not section.rows:
            empty = sentence(section.empty)
            shown_blocks += [Heading(sentence(section.title)), empty] if several else [empty]
            continue
        cols = shown(section.row_type)
        first = section.rows[0]
        right = [
            c.money
            or isinstance(getattr(first, c.name), int | Decimal)
            and not isinstance(getattr(first, c.name), bool)
            for c in cols
        ]
        shown_blocks.append(
            TextTable(
                [c.title for c in cols],
                [[row_cell(row, c) for c in cols] for row in section.rows],
                right,
                title=sentence(section.title) if several else None,
            )
        )
    return shown_blocks
