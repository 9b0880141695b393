"""``report introducers`` and ``payoff --credit-introducers``: who opened which doors, with the
credit shared along the chain of introductions. Every figure is worked out by hand in the
comments; each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import csv
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from clirun import fails, ok
from helpers import Seeds
from sqlalchemy import update

from netjournal import Journal
from netjournal.errors import InvalidInput
from netjournal.reports.introducers import MAX_HOPS
from netjournal.reports.render import render
from netjournal.tables import encounters

D = Decimal


def _url(journal: Journal) -> str:
    return journal.location.url.render_as_string(hide_password=False)


def _lead(j: Journal, name: str, date: str, summary: str, **details: object) -> int:
    enc = j.log(name, date=date, leads=[("customer", summary)], **details)
    return j.encounters.get(enc.id).leads[0].id


def _chain(j: Journal) -> None:
    """Ann -> Ben -> Cat -> Dan (three links), with outcomes at each person.

    Ann 1000.00 EUR: nobody introduced her, so nobody is credited.
    Ben 30.00 EUR: chain [Ann]: Ann 30.00.
    Cat 100.01 EUR: chain [Ann, Ben]: 10001 / 2 = 5000 rest 1, the cent to Ann (farthest up):
        Ann 50.01, Ben 50.00.
    Dan 10.00 EUR, -0.05 EUR (a loss on a second lead) and 7.00 USD: per currency, net
        995 cents / 3 = 331 rest 2: Ann 3.32, Ben 3.32, Cat 3.31; 700 / 3 = 233 rest 1:
        Ann 2.34, Ben 2.33, Cat 2.33.
    Credited: Ann 30.00 + 50.01 + 3.32 = 83.33 EUR, 2.34 USD; Ben 50.00 + 3.32 = 53.32 EUR,
    2.33 USD; Cat 3.31 EUR, 2.33 USD. The EUR shares add up: 83.33 + 53.32 + 3.31 = 139.96 =
    30.00 + 100.01 + 9.95.
    Dan names Cat's introducer again on a later encounter ("Dan introduced Cat"): only the
    first encounter naming an introducer counts, so this makes no cycle.
    """
    j.set_profile(currency="EUR")
    a = _lead(j, "Ann", "2026-01-01", "Ann's order")
    b = _lead(j, "Ben", "2026-01-02", "Ben's order", introduced_by="Ann")
    c = _lead(j, "Cat", "2026-01-03", "Cat's order", introduced_by="Ben")
    d = _lead(j, "Dan", "2026-01-04", "Dan's order", introduced_by="Cat")
    d2 = _lead(j, "Dan", "2026-01-05", "Dan's flop")
    j.log("Cat", date="2026-01-06", introduced_by="Dan")
    j.outcomes.add(a, "Ann's", value="1000", date="2026-02-01")
    j.outcomes.add(b, "Ben's", value="30", date="2026-02-01")
    j.outcomes.add(c, "Cat's", value="100.01", date="2026-02-01")
    j.outcomes.add(d, "Dan's", value="10", date="2026-02-01")
    j.outcomes.add(d, "Dan's dollars", value="7", currency="USD", date="2026-02-02")
    j.outcomes.add(d2, "Dan's loss", value="-0.05", date="2026-02-03")


@pytest.fixture
def chain(journal_url: str, seeds: Seeds) -> None:
    """``_chain`` in the test's journal, written once per test process and backend."""
    seeds.restore(journal_url, _chain)


@pytest.mark.usefixtures("chain")
def test_credit_along_a_three_link_chain_by_hand(journal: Journal) -> None:
    report = journal.report("introducers")
    got = [
        (r.introducer, r.introduced, r.people_reached, r.leads, r.outcomes, r.value)
        for r in report.rows
    ]
    assert got == [
        ("Ann", ("Ben",), 3, 4, 5, {"EUR": D("83.33"), "USD": D("2.34")}),
        ("Ben", ("Cat",), 2, 3, 4, {"EUR": D("53.32"), "USD": D("2.33")}),
        ("Cat", ("Dan",), 1, 2, 3, {"EUR": D("3.31"), "USD": D("2.33")}),
    ]
    people = {r.person: r for r in report.section("introductions").rows}
    assert set(people) == {"Ben", "Cat", "Dan"}
    assert (people["Dan"].introduced_by, people["Dan"].introducers) == ("Cat", 3)
    assert people["Dan"].value == {"EUR": D("9.95"), "USD": D("7.00")}
    assert people["Cat"].introduced_by == "Ben"  # her first introducer, not Dan
    assert report.parameters["chain_credit"] == "equal"
    assert report.parameters["max_hops"] == MAX_HOPS
    # The period keeps leads born in it: only Cat's (2026-01-03), shared by Ann and Ben.
    narrow = journal.report("introducers", since="2026-01-03", until="2026-01-03")
    assert [(r.introducer, r.value) for r in narrow.rows] == [
        ("Ann", {"EUR": D("50.01")}),
        ("Ben", {"EUR": D("50.00")}),
        ("Cat", {}),
    ]


def test_a_cycle_is_followed_once_and_never_loops(journal: Journal) -> None:
    """Xia was introduced by Yan, Yan by Xia, Zoe by Yan.

    Zoe 9.00: chain Yan, Xia (then Yan again: stop): 4.50 each. Yan 1.00: chain Xia (then Yan
    herself: stop): Xia 1.00. Xia 2.00: Yan 2.00. Xia 5.50, Yan 6.50."""
    j = journal
    j.set_profile(currency="EUR")
    j.people.add("Yan")
    x = _lead(j, "Xia", "2026-01-01", "Xia's", introduced_by="Yan")
    y = _lead(j, "Yan", "2026-01-02", "Yan's", introduced_by="Xia")
    z = _lead(j, "Zoe", "2026-01-03", "Zoe's", introduced_by="Yan")
    j.outcomes.add(x, "x", value="2", date="2026-02-01")
    j.outcomes.add(y, "y", value="1", date="2026-02-01")
    j.outcomes.add(z, "z", value="9", date="2026-02-01")
    rows = journal.report("introducers").rows
    assert [(r.introducer, r.introduced, r.people_reached, r.value) for r in rows] == [
        ("Yan", ("Xia", "Zoe"), 2, {"EUR": D("6.50")}),
        ("Xia", ("Yan",), 2, {"EUR": D("5.50")}),
    ]


def test_currencies_are_kept_apart(journal: Journal) -> None:
    """Ann introduced Ben; Ben's 5.00 EUR and 900.00 JPY stay two amounts; ranked by the
    journal's currency (EUR): Cid, who brought 6.00 EUR, before Ann."""
    j = journal
    j.set_profile(currency="EUR")
    j.people.add("Ann")
    j.people.add("Cid")
    ben = _lead(j, "Ben", "2026-01-01", "Ben's", introduced_by="Ann")
    eve = _lead(j, "Eve", "2026-01-01", "Eve's", introduced_by="Cid")
    j.outcomes.add(ben, "eur", value="5", date="2026-02-01")
    j.outcomes.add(ben, "yen", value="900", currency="JPY", date="2026-02-01")
    j.outcomes.add(eve, "eur", value="6", date="2026-02-01")
    rows = journal.report("introducers").rows
    assert [(r.introducer, r.value) for r in rows] == [
        ("Cid", {"EUR": D("6.00")}),
        ("Ann", {"EUR": D("5.00"), "JPY": D("900.00")}),
    ]
    text = render(journal.report("introducers", limit=1), "csv")
    assert list(csv.DictReader(io.StringIO(text))) == [
        {
            "person_id": str(rows[0].person_id),
            "introducer": "Cid",
            "introduced": "Eve",
            "people_reached": "1",
            "leads": "1",
            "outcomes": "1",
            "value_EUR": "6.00",
        }
    ]


def test_an_introduction_at_a_connection_counts_only_when_asked(journal: Journal) -> None:
    j = journal
    j.set_profile(currency="EUR")
    j.people.add("Ann")
    enc = j.log("Ben", date="2026-01-01", introduced_by="Ann", leads=[("customer", "Deal")])
    lead = j.encounters.get(enc.id).leads[0].id
    j.outcomes.add(lead, "won", value="12", date="2026-02-01")
    with j.store.engine.begin() as c:
        c.execute(update(encounters).where(encounters.c.id == enc.id).values(kind="connection"))
    report = j.report("introducers")
    assert report.rows == () and report.empty is not None
    assert "Nobody introduced anyone" in report.empty
    shown = j.report("introducers", include_connections=True).rows
    assert [(r.introducer, r.value) for r in shown] == [("Ann", {"EUR": D("12.00")})]


@pytest.mark.usefixtures("chain")
def test_payoff_credits_introducers_when_asked(journal: Journal) -> None:
    plain = journal.report("payoff")
    assert [s.name for s in plain.sections] == ["payoff"]
    assert plain.parameters["credit_introducers"] is False
    credited = journal.report("payoff", credit_introducers=True)
    assert [s.name for s in credited.sections] == ["payoff", "introducers"]
    assert credited.parameters["credit_introducers"] is True
    assert credited.rows == plain.rows  # the encounters keep their own credit
    section = credited.section("introducers")
    assert [(r.introducer, r.value["EUR"]) for r in section.rows] == [
        ("Ann", D("83.33")),
        ("Ben", D("53.32")),
        ("Cat", D("3.31")),
    ]
    assert any(n.startswith("Chain credit") for n in credited.notes)
    with pytest.raises(InvalidInput, match="payoff report, not leads"):
        journal.report("leads", credit_introducers=True)


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


@pytest.mark.usefixtures("chain")
def test_cli_formats_and_the_graph(journal: Journal) -> None:
    url = _url(journal)
    doc = json.loads(ok("--db", url, "report", "introducers", "--format", "json"))
    assert doc["report"] == "introducers"
    assert [(r["introducer"], r["value"]) for r in doc["rows"]] == [
        ("Ann", {"EUR": "83.33", "USD": "2.34"}),
        ("Ben", {"EUR": "53.32", "USD": "2.33"}),
        ("Cat", {"EUR": "3.31", "USD": "2.33"}),
    ]
    assert [s["name"] for s in doc["sections"]] == ["introducers", "introductions"]
    markdown = ok("--db", url, "report", "introducers", "--format", "markdown")
    assert "| Ann | Ben | 3 | 4 | 5 | €83.33; $2.34 |" in markdown
    out = ok("--db", url, "report", "introducers", "--format", "csv", "--section", "introductions")
    assert out.splitlines()[0].startswith("person_id,person,introducer_id,introduced_by")
    table = ok("--db", url, "report", "introducers")
    assert "Who opened which doors" in table and "€83.33" in table
    payoff = json.loads(
        ok("--db", url, "report", "payoff", "--credit-introducers", "--format", "json")
    )
    assert [s["name"] for s in payoff["sections"]] == ["payoff", "introducers"]
    assert payoff["parameters"]["credit_introducers"] is True
    assert "payoff report, not leads" in fails(
        "--db", url, "report", "leads", "--credit-introducers"
    )

    parser = _Images()
    parser.feed(ok("--db", url, "report", "introducers", "--format", "html"))
    graphs = [i for i in parser.images if (i.get("alt") or "").startswith("Who introduced whom")]
    assert len(graphs) == 1
    source = graphs[0]["src"] or ""
    assert source.startswith("data:image/png;base64,")
    assert base64.b64decode(source.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    # Nothing is loaded from elsewhere: every image is inline.
    assert all((i.get("src") or "").startswith("data:") for i in parser.images)


def test_a_long_chain_stops_at_the_depth_limit(journal: Journal) -> None:
    """A chain of MAX_HOPS + 5 introductions: the last person's outcome is shared by the
    MAX_HOPS introducers nearest to them, and the report still finishes."""
    j = journal
    j.set_profile(currency="EUR")
    j.people.add("P0")
    for i in range(1, MAX_HOPS + 6):
        j.log(f"P{i}", date="2026-01-01", introduced_by=f"P{i - 1}")
    last = MAX_HOPS + 5
    lead = _lead(j, f"P{last}", "2026-01-02", "Deal")
    j.outcomes.add(lead, "won", value=str(MAX_HOPS), date="2026-02-01")
    rows = {r.introducer: r for r in j.report("introducers").rows}
    credited = {name for name, r in rows.items() if r.value}
    assert credited == {f"P{i}" for i in range(last - MAX_HOPS, last)}
    assert all(rows[name].value == {"EUR": D("1.00")} for name in credited)
    people = {r.person: r for r in j.report("introducers").section("introductions").rows}
    assert people[f"P{last}"].introducers == MAX_HOPS


def test_the_graph_draws_names_as_typed(journal: Journal) -> None:
    """A name with '$' is text, not matplotlib mathtext ("$x^{$" is bad mathtext: drawing it
    as mathtext fails)."""
    j = journal
    j.people.add("Ann $x^{$")
    j.log("Ben $", date="2026-01-01", introduced_by="Ann $x^{$")
    page = render(j.report("introducers"), "html")
    parser = _Images()
    parser.feed(page)
    assert [i["alt"] for i in parser.images] == ["Who introduced whom"]


def test_the_events_chart_draws_names_as_typed(journal: Journal) -> None:
    """The same for an event's name in the value-per-event chart."""
    j = journal
    event = j.events.add("Meetup $x^{$", "2026-01-01", cost="10")
    encounter = j.log("Cash Person", event=event.id, leads=[("customer", "Paid")])
    j.outcomes.add(encounter.leads[0].id, "Paid", value="100", date="2026-01-05")
    page = render(j.report("events"), "html")
    assert "data:image/png;base64," in page
