"""The HTML page of a report: its tables and charts in one self-contained file.

Charts are drawn with matplotlib (Agg backend, imported only here) and embedded as base64 PNG,
and the style sheet is inline, so the page opens anywhere without a network.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

from ..i18n import _, language, ngettext
from ..vocab import label
from .base import Report, shown
from .render import _params_line, row_cell
from .render import shown as table_columns

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;
color:#1f2933;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem}
.meta{color:#616e7c;font-size:.9rem}.note{background:#f0f4f8;border-left:4px solid #3e7cb1;
padding:.4rem .8rem;margin:.4rem 0}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.6rem 0}
th,td{border-bottom:1px solid #d9e2ec;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f7fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:hover td{background:#fafbfc}.empty{color:#616e7c;font-style:italic}
figure{margin:1rem 0}figure img{max-width:100%}
"""

_STATUS_COLOURS = {
    "open": "#9fb3c8",
    "exploring": "#f0b429",
    "won": "#3ebd93",
    "dropped": "#e66a6a",
}


def to_html(report: Report) -> str:
    """The page, in the user's language (its ``lang`` says which)."""
    title = html.escape(shown(report.title))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{language()}"><head><meta charset="utf-8">',
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        f'<p class="meta">{html.escape(_params_line(report))}</p>',
    ]
    parts += [f'<p class="note">{html.escape(shown(n))}</p>' for n in report.notes]
    for title, png in charts(report):
        parts.append(
            f'<figure><img alt="{html.escape(title)}" '
            f'src="data:image/png;base64,{png}"><figcaption>{html.escape(title)}</figcaption>'
            "</figure>"
        )
    for section in report.sections:
        parts.append(f"<h2>{html.escape(shown(section.title))}</h2>")
        if not section.rows:
            parts.append(f'<p class="empty">{html.escape(shown(section.empty))}</p>')
            continue
        cols = table_columns(section.row_type)
        parts.append("<table><thead><tr>")
        parts += [f"<th>{html.escape(c.title)}</th>" for c in cols]
        parts.append("</tr></thead><tbody>")
        for row in section.rows:
            parts.append("<tr>")
            for c in cols:
                value = getattr(row, c.name)
                numeric = isinstance(value, int | float) and not isinstance(value, bool)
                klass = ' class="n"' if numeric or c.percent or c.money else ""
                parts.append(f"<td{klass}>{html.escape(row_cell(row, c))}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def charts(report: Report) -> list[tuple[str, str]]:
    """(caption, base64 PNG) for the charts this report has: none when it is empty."""
    if report.empty:
        return []
    if report.name == "events":
        return _value_per_event(report)
    if report.name == "fields":
        return [_fields_chart(report)]
    if report.name == "leads":
        return [_funnel(report)]
    if report.name == "introducers":
        return [_introduction_graph(report)]
    return []


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure, figure.subplots()


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _value_per_event(report: Report, top: int = 15) -> list[tuple[str, str]]:
    rows = report.rows
    codes = sorted({c for r in rows for c in r.value}, key=lambda c: (c != report.currency, c))
    result = []
    for code in codes[:3]:
        valued = sorted((r for r in rows if r.value.get(code)), key=lambda r: r.value[code])
        valued = valued[-top:]
        figure, axes = _figure(9, 0.8 + 0.35 * len(valued))
        # shown as typed: a '$' in a name would start matplotlib's mathtext
        labels = [f"{r.event} ({r.date})".replace("$", r"\$") for r in valued]
        axes.barh(labels, [float(r.value[code]) for r in valued], color="#3e7cb1")
        axes.set_xlabel(_("Value ({currency})").format(currency=code))
        caption = _("Value per event, {currency} (top {count})").format(
            currency=code, count=len(valued)
        )
        result.append((caption, _png(figure)))
    return result


def _fields_chart(report: Report) -> tuple[str, str]:
    rows = report.rows
    figure, axes = _figure(7, 3.5)
    positions = range(len(rows))
    lead = [float(r.lead_share or 0) * 100 for r in rows]
    paid = [float(r.paid_share or 0) * 100 for r in rows]
    axes.bar(
        [p - 0.2 for p in positions],
        lead,
        width=0.4,
        label=_("produced a lead"),
        color="#3e7cb1",
    )
    axes.bar([p + 0.2 for p in positions], paid, width=0.4, label=_("paid off"), color="#3ebd93")
    group = report.sections[0].row_type
    column = next(c for c in table_columns(group) if c.name == "group")
    ticks = [
        # English: "encounters" whatever the count
        ngettext(
            "{group}\n({count} encounters)", "{group}\n({count} encounters)", r.encounters
        ).format(group=column.word(r.group), count=r.encounters)
        for r in rows
    ]
    axes.set_xticks(list(positions), ticks)
    axes.set_ylabel(_("% of encounters"))
    axes.legend()
    return (_("Inside vs outside your fields"), _png(figure))


def _funnel(report: Report) -> tuple[str, str]:
    rows = [r for r in report.rows if r.kind != "all kinds"]
    figure, axes = _figure(9, 1 + 0.4 * len(rows))
    labels = [label(r.kind, "lead kind", language()) for r in rows]
    left = [0.0] * len(rows)
    for status, colour in _STATUS_COLOURS.items():
        counts = [float(getattr(r, status)) for r in rows]
        name = label(status, "lead status", language())
        axes.barh(labels, counts, left=left, color=colour, label=name)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel(_("Leads"))
    axes.legend(ncols=4, loc="lower right")
    return (_("Lead funnel by kind"), _png(figure))


def _introduction_graph(report: Report, top: int = 80) -> tuple[str, str]:
    """Who introduced whom, as arrows from introducer to introduced (the ``top`` introductions
    by value), laid out by networkx's spring layout (seeded: the same journal gives the same
    picture); introducers in blue, the others in grey."""
    import networkx as nx

    from ..display import safe

    def label(name: str) -> str:  # shown as typed: a '$' would start matplotlib's mathtext
        return safe(name).replace("$", r"\$")

    rows = report.section("introductions").rows[:top]
    graph = nx.DiGraph()
    names: dict[int, str] = {}
    for row in rows:
        names[row.person_id] = label(row.person)
        names[row.introducer_id] = label(row.introduced_by)
        graph.add_edge(row.introducer_id, row.person_id)
    opened = {row.introducer_id for row in rows}
    size = min(14.0, 5 + 0.25 * len(graph))
    figure, axes = _figure(size, size * 0.7)
    positions = nx.spring_layout(graph, seed=15)
    nodes = list(graph)
    nx.draw_networkx(
        graph,
        positions,
        ax=axes,
        nodelist=nodes,
        node_color=["#3e7cb1" if n in opened else "#bcccdc" for n in nodes],
        labels={n: names[n] for n in nodes},
        font_size=8,
        node_size=300,
        arrows=True,
        edge_color="#616e7c",
    )
    axes.set_axis_off()
    if len(rows) == top:
        caption = _("Who introduced whom (top {count} by value)").format(count=len(rows))
    else:
        caption = _("Who introduced whom")
    return (caption, _png(figure))
