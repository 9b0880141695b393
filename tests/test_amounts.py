"""Amounts as people write them ("1250€", "1 250 €", "€1250", "1250 EUR", "1.250,50 €"),
read by one rule (netjournal.validate.amount) wherever an amount is read: outcome values,
event costs, the hourly rate and batch files, in the library and the CLI, on both backends."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from clirun import fails, ok

from netjournal import Journal
from netjournal.errors import InvalidInput
from netjournal.validate import amount, money


def _url(journal: Journal) -> str:
    return journal.location.url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("text", "number", "mark"),
    [
        ("1250€", "1250", "EUR"),
        ("1 250 €", "1250", "EUR"),
        ("\u20ac1250", "1250", "EUR"),
        ("1250 EUR", "1250", "EUR"),
        ("1250 eur", "1250", "EUR"),
        ("1.250,50 €", "1250.50", "EUR"),
        ("1,250.50", "1250.50", None),
        ("1\u202f250,50\u00a0€", "1250.50", "EUR"),
        ("1'250", "1250", None),
        ("1.250.000", "1250000", None),
        ("1250,5", "1250.50", None),
        ("12.50", "12.50", None),
        ("CHF 40", "40", "CHF"),
        ("-500 €", "-500", "EUR"),
        ("€-500", "-500", "EUR"),
        ("\u2212500", "-500", None),
        ("£12", "12", "GBP"),
    ],
)
def test_the_amount_rule_reads_what_people_write(text: str, number: str, mark: str) -> None:
    assert amount(text, "The value", allow_negative=True) == (Decimal(number), mark)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.250", "'1.250' is ambiguous (1 250, or 1.25?); write '1 250' for thousands."),
        ("1,250", "'1,250' is ambiguous (1 250, or 1.25?)"),
        ("1.234", "or 1.234 with more than two decimal places?"),
        ("1.25.000", "groups digits oddly"),
        ("12 34", "groups digits oddly"),
        ("1.000,5.5", "two decimal separators"),
        ("$12", "'$' names several currencies"),
        ("12%", "must be a number, not '12%'"),
        ("1250 EURO", "must be a number"),
        ("1.2345", "more than two decimal places"),
    ],
)
def test_ambiguous_or_malformed_amounts_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        amount(text, "The value")
    assert message in str(refused.value) and "\n" not in str(refused.value)


def test_a_plain_number_refuses_a_currency() -> None:
    assert money("1 250,5", "Hours spent") == Decimal("1250.50")
    with pytest.raises(InvalidInput, match="plain number"):
        money("3 €", "Hours spent")


def test_library_reads_amounts_with_their_currency(journal: Journal) -> None:
    j = journal
    enc = j.log("Hélène Dubois", date="2026-11-10", leads=[("supplier", "boxes")])
    lead = enc.leads[0]
    won = j.outcomes.add(lead.id, "Order", value="1.250,50 €", date="2026-11-20")
    assert (won.value, won.currency) == (Decimal("1250.50"), "EUR")
    other = j.outcomes.add(lead.id, "Swiss order", value="CHF 40", date="2026-11-21")
    assert (other.value, other.currency) == (Decimal("40.00"), "CHF")
    assert j.outcomes.update(other.id, value="1 300 €").currency == "EUR"
    with pytest.raises(InvalidInput, match="written in EUR but the currency given is CHF"):
        j.outcomes.add(lead.id, "x", value="12 €", currency="CHF", date="2026-11-22")
    with pytest.raises(InvalidInput, match="ambiguous"):
        j.outcomes.update(other.id, value="1.300")
    assert j.outcomes.get(other.id).value == Decimal("1300.00")

    event = j.events.add("Salon", "2026-11-05", cost="€1250", hours="3,5")
    assert (event.cost, event.currency, event.hours) == (Decimal("1250.00"), "EUR", Decimal("3.50"))
    gbp = j.events.update(event.id, cost="£80")
    assert (gbp.cost, gbp.currency) == (Decimal("80.00"), "GBP")
    with pytest.raises(InvalidInput, match="written in EUR but the currency given is CHF"):
        j.events.add("Salon 2", "2026-11-06", cost="40 €", currency="CHF")
    with pytest.raises(InvalidInput, match="plain number"):
        j.events.add("Salon 3", "2026-11-06", hours="3 €")

    assert j.set_profile(hourly_rate="60 €").hourly_rate == Decimal("60.00")
    with pytest.raises(InvalidInput, match="written in CHF but your currency is EUR"):
        j.set_profile(hourly_rate="90 CHF")
    swiss = j.set_profile(hourly_rate="90 CHF", currency="CHF")
    assert (swiss.hourly_rate, swiss.currency) == (Decimal("90.00"), "CHF")
    assert [e.name for e in j.events.list()] == ["Salon"]


def test_cli_and_batch_read_amounts(journal: Journal, tmp_path: Path) -> None:
    j = journal
    db = ["--db", _url(j)]
    enc = j.log("Hélène Dubois", date="2026-11-10", leads=[("supplier", "boxes")])
    lid = str(enc.leads[0].id)
    ok(*db, "outcome", "add", lid, "--note", "Order", "--value", "1250€", "--date", "2026-11-20")
    (outcome,) = j.outcomes.list()
    assert (outcome.value, outcome.currency) == (Decimal("1250.00"), "EUR")
    before = j.counts()
    assert "ambiguous" in fails(*db, "outcome", "add", lid, "--note", "x", "--value", "1.250")
    assert "written in EUR" in fails(
        *db, "outcome", "add", lid, "--note", "x", "--value", "5 €", "--currency", "CHF"
    )
    assert j.counts() == before
    ok(*db, "event", "add", "Gala", "--date", "2026-11-12", "--cost", "1 250 €", "--hours", "4")
    (gala,) = j.events.list()
    assert (gala.cost, gala.currency) == (Decimal("1250.00"), "EUR")
    ok(*db, "me", "--hourly-rate", "75 EUR")
    assert j.profile().hourly_rate == Decimal("75.00")
    batch = tmp_path / "evening.txt"
    batch.write_text("event: Fair\ndate: 2026-11-14\ncost: 1.250,50 €\n\nperson: Anne\n")
    ok(*db, "log", "--batch", str(batch))
    fair = next(e for e in j.events.list() if e.name == "Fair")
    assert (fair.cost, fair.currency) == (Decimal("1250.50"), "EUR")
    batch.write_text("event: Fair 2\ndate: 2026-11-15\ncost: 40 €\ncurrency: CHF\n\nperson: Bob\n")
    err = fails(*db, "log", "--batch", str(batch))
    assert f"{batch}:4:" in err and "written in EUR but the currency given is CHF" in err
