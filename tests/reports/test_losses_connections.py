"""A season of real use: a loss or a refusal is not a win, and LinkedIn connections are not
meetings. Each on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal

from clirun import ok, run
from sqlalchemy import update

from netjournal import Journal
from netjournal.tables import encounters

D = Decimal


def _url(journal: Journal) -> str:
    return journal.location.url.render_as_string(hide_password=False)


def _connection(journal: Journal, encounter_id: int) -> None:
    """Mark an encounter as a LinkedIn connection, as the importer writes it."""
    with journal.store.engine.begin() as c:
        c.execute(
            update(encounters).where(encounters.c.id == encounter_id).values(kind="connection")
        )


def _pitch_with_lead(j: Journal, name: str, date: str) -> int:
    enc = j.log(name, date=date, pitched=True, leads=[("supplier", f"{name}'s quote")])
    return j.encounters.get(enc.id).leads[0].id


def test_a_loss_drops_the_lead_and_pays_nothing_off(journal: Journal) -> None:
    j = journal
    j.set_profile(currency="EUR", fields=["Software"])
    lost = _pitch_with_lead(j, "Seller One", "2026-03-01")
    gained = _pitch_with_lead(j, "Seller Two", "2026-03-02")
    j.leads.update(lost, status="exploring")
    j.outcomes.add(lost, "Devis refusé", value="-500", date="2026-03-10")
    j.outcomes.add(gained, "Cheaper boxes", value="120", date="2026-03-10")
    assert j.leads.get(lost).status == "dropped"
    assert j.leads.get(gained).status == "won"
    payoff = j.report("payoff")
    assert [r.person for r in payoff.rows] == ["Seller Two"]
    assert any("Losses: 1 outcome with a negative value (-500.00 EUR)" in n for n in payoff.notes)
    pitches = j.report("pitches")
    assert {r.person: r.useful_supplier for r in pitches.rows} == {
        "Seller One": False,
        "Seller Two": True,
    }
    assert "2 pitches; 1 became a useful supplier." in pitches.notes
    (unknown,) = j.report("fields").rows
    assert (unknown.encounters, unknown.paid_off) == (2, 1)
    assert unknown.value == {"EUR": D("-380.00")}  # the loss is subtracted, not hidden


def test_a_loss_on_an_encounter_that_also_gained_reduces_its_value(journal: Journal) -> None:
    j = journal
    enc = j.log("Mixed Bag", date="2026-03-01", leads=[("supplier", "A"), ("customer", "B")])
    a, b = (lead.id for lead in j.encounters.get(enc.id).leads)
    j.outcomes.add(a, "Saved", value="100", currency="EUR", date="2026-03-05")
    j.outcomes.add(b, "Bad debt", value="-30", currency="EUR", date="2026-03-06")
    (row,) = j.report("payoff").rows
    assert (row.outcomes, row.value) == (2, {"EUR": D("70.00")})


def test_a_refusal_drops_the_lead_without_a_value(journal: Journal) -> None:
    j = journal
    lead = _pitch_with_lead(j, "Seller Three", "2026-03-01")
    out = run("--db", _url(j), "outcome", "add", str(lead), "--refused", "--note", "Devis refusé")
    assert out.code == 0, out
    (outcome,) = j.outcomes.list(lead=lead)
    assert (outcome.value, outcome.kind, outcome.description) == (None, "other", "Devis refusé")
    assert j.leads.get(lead).status == "dropped"
    assert j.report("payoff").rows == ()
    assert [r.useful_supplier for r in j.report("pitches").rows] == [False]
    # A refusal has no value: refused, nothing written.
    bad = run(
        "--db",
        _url(j),
        "outcome",
        "add",
        str(lead),
        "--refused",
        "--value",
        "10",
        "--note",
        "x",
        "--again",
    )
    assert bad.code == 1 and len(bad.err.strip().splitlines()) == 1
    assert len(j.outcomes.list(lead=lead)) == 1


def test_connections_get_no_credit_and_are_not_counted(journal: Journal) -> None:
    j = journal
    j.set_profile(currency="EUR", fields=["Software"])
    j.events.add("Expo", "2026-03-01")
    linked = j.log("Alice Martin", date="2025-06-01", field="Software")
    _connection(j, linked.id)
    met = j.log("Alice Martin", event="Expo", date="2026-03-01", leads=[("customer", "Order")])
    lead = j.encounters.get(met.id).leads[0].id
    j.outcomes.add(lead, "Order", value="200", date="2026-03-10")
    (row,) = j.report("payoff", attribution="first").rows
    assert row.encounter_id == met.id
    (row,) = j.report("payoff", attribution="first", include_connections=True).rows
    assert row.encounter_id == linked.id
    (inside,) = j.report("fields").rows
    assert inside.encounters == 1
    (inside,) = j.report("fields", include_connections=True).rows
    assert inside.encounters == 2
    doc = json.loads(
        ok("--db", _url(j), "report", "fields", "--include-connections", "--format", "json")
    )
    assert doc["rows"][0]["encounters"] == 2
    assert doc["parameters"]["include_connections"] is True
    doc = json.loads(ok("--db", _url(j), "report", "fields", "--format", "json"))
    assert doc["rows"][0]["encounters"] == 1
    shown = ok("--db", _url(j), "people", "show", "Alice Martin")
    assert f"#{linked.id} 2025-06-01 connected on LinkedIn" in shown
    assert "connected on LinkedIn" in ok("--db", _url(j), "encounter", "show", str(linked.id))
    assert "Connected On dates are kept as connections" in ok("import", "--help")
