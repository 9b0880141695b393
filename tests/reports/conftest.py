"""A small journal built by hand through the public API; the report tests check every figure
against numbers worked out by hand in the comments below (never by the same SQL).

Profile: own field "Software", 40 EUR an hour.

Events                     date        series     hours  cost
E1 Lyon Tech #1            2026-01-15  Lyon Tech  3      30 EUR
E2 Lyon Tech #2            2026-02-15  Lyon Tech  2      -
E3 Packaging Expo          2026-03-10  -          8      200 USD
E4 Quiet Dinner            2026-03-20  -          2      50 EUR

Encounters (field -> group)
enc1 Alice @E1  Packaging -> outside   asks "Who makes your boxes?" twice (2 spellings)
enc2 Alice @E2  outside                asks "who makes your boxes !"; L1 supplier
enc3 Bob   @E1  Software -> inside     asks "What keeps you up at night?"; L2 customer
enc4 Carol @E3  no field -> unknown    pitched; asks "What do you sell?" (learned); L3 supplier
enc5 Dan   @E3  Logistics, marked inside; pitched; asks "what keeps you up at night";
                L4 partner (dropped), L7 advice (open)
enc6 Eve   @E4  Software, marked outside
enc7 Alice 2026-03-25, no event; L5 customer (exploring), L6 customer

Outcomes: L1 60.00 EUR 2026-03-01 and 40.01 EUR 2026-04-01; L2 250.00 USD 2026-02-01;
L3 30.00 EUR 2026-03-20; L6 10.00 EUR 2026-04-10.
Follow-ups: F1 Alice (enc2) due 03-01; F2 Carol (enc4) due 03-28; F3 Alice (enc7) due 04-02;
F4 Bob (enc3) due 04-20; F5 Bob (enc3) due 03-05, done.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from helpers import Seeds

from netjournal import Journal

TODAY = "2026-03-28"


@dataclass
class Scenario:
    journal: Journal
    enc: dict[int, int]  # enc number -> encounter id
    lead: dict[int, int]  # lead number -> lead id


@pytest.fixture
def scenario(journal_url: str, seeds: Seeds) -> Iterator[Scenario]:
    """The journal above, built once per test process and backend and copied for each test
    (helpers.Seeds)."""
    enc, lead = seeds.restore(journal_url, build_scenario)
    with Journal.open(journal_url) as journal:
        yield Scenario(journal, enc, lead)


def build_scenario(j: Journal) -> tuple[dict[int, int], dict[int, int]]:
    """Write the journal above; its encounter and lead numbers mapped to their ids."""
    j.set_profile(fields=["Software"], hourly_rate="40", currency="EUR")
    j.events.add("Lyon Tech #1", "2026-01-15", series="Lyon Tech", hours=3, cost=30)
    j.events.add("Lyon Tech #2", "2026-02-15", series="Lyon Tech", hours=2)
    j.events.add("Packaging Expo", "2026-03-10", hours=8, cost=200, currency="USD")
    j.events.add("Quiet Dinner", "2026-03-20", hours=2, cost=50)

    e1 = j.log(
        "Alice Martin",
        event="Lyon Tech #1",
        field="Packaging",
        questions=["Who makes your boxes?", "Who makes your boxes"],
    )
    e2 = j.log(
        "Alice Martin",
        event="Lyon Tech #2",
        questions=["who makes your boxes !"],
        leads=[("supplier", "Cheaper boxes")],
        followups=[("2026-03-01", "Send volumes")],
    )
    e3 = j.log(
        "Bob Stone",
        event="Lyon Tech #1",
        field="software",
        questions=["What keeps you up at night?"],
        leads=[("customer", "Pilot project")],
        followups=[("2026-04-20", "Quarterly check"), ("2026-03-05", "Thank-you note")],
    )
    e4 = j.log(
        "Carol Diaz",
        event="Packaging Expo",
        pitched=True,
        stakes="Wants a distributor",
        notes="Pushy but useful",
        questions=[("What do you sell?", "Label printers")],
        leads=[("supplier", "Label printers")],
        followups=[("2026-03-28", "Call back")],
    )
    e5 = j.log(
        "Dan Wu",
        event="Packaging Expo",
        field="Logistics",
        outside_field=False,
        pitched=True,
        questions=["what keeps you up at night"],
        leads=[("partner", "Joint stand"), ("advice", "Talk to his accountant")],
    )
    e6 = j.log("Eve Laurent", event="Quiet Dinner", field="Software", outside_field=True)
    e7 = j.log(
        "Alice Martin",
        date="2026-03-25",
        leads=[("customer", "Referral to her boss"), ("customer", "Second order")],
        followups=[("2026-04-02", "Intro to boss")],
    )
    lead = {
        1: e2.leads[0].id,
        2: e3.leads[0].id,
        3: e4.leads[0].id,
        4: e5.leads[0].id,
        7: e5.leads[1].id,
        5: e7.leads[0].id,
        6: e7.leads[1].id,
    }
    j.outcomes.add(lead[1], "First order", value="60.00", date="2026-03-01")
    j.outcomes.add(lead[1], "Second order", value="40.01", date="2026-04-01")
    j.outcomes.add(lead[2], "Pilot", value="250", currency="USD", date="2026-02-01")
    j.outcomes.add(lead[3], "Cheaper labels", value="30", date="2026-03-20", kind="savings")
    j.outcomes.add(lead[6], "Reorder", value="10", date="2026-04-10")
    j.leads.update(lead[4], status="dropped", on="2026-03-15")
    j.leads.update(lead[5], status="exploring", on="2026-03-26")
    thank_you = next(f for f in e3.followups if f.action == "Thank-you note")
    j.followups.done(thank_you.id, on="2026-03-06")
    enc = {i + 1: e.id for i, e in enumerate((e1, e2, e3, e4, e5, e6, e7))}
    return enc, lead
