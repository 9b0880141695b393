"""Tie strength (issue 15 item 3): each component against values computed by hand, the score
and its ordering, ``people list --sort strength`` and ``people show --json``, on both backends.

The season, as of 2026-11-30 (half-life 180 days: 90 days ago weighs 0.5 ** 0.5 = 0.7071,
180 days ago 0.5):

- Lyon Tech, 2026-06-03, 3 hours: Ann and Bob met there (Bob introduced by Ann); Ann told
  her stakes and wishes, answered one question and left one unanswered;
- Dinner, 2026-09-01, 2 hours: Ann alone, one answered question, a lead: 500 EUR and
  200 USD gained; a second lead lost 100 EUR;
- Ann again: a LinkedIn connection on 2026-11-01 (not time together) and a meeting on
  2026-12-20 (after today: left out);
- Cleo, met today, introduced by Bob; Dan, never met.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from clirun import fails, ok
from sqlalchemy import update

from netjournal import Journal
from netjournal import tables as t
from netjournal.serialize import to_dict
from netjournal.ties import COMPONENTS, HALF_LIFE_DAYS, recency_weight

TODAY = "2026-11-30"
ROOT_HALF = 0.5**0.5  # the weight of an encounter 90 days old


def _season(journal: Journal) -> None:
    journal.events.add("Lyon Tech", "2026-06-03", hours="3")
    journal.events.add("Dinner", "2026-09-01", hours="2")
    journal.log(
        "Ann",
        event="Lyon Tech",
        stakes="Her budget was cut",
        wishes="A cheaper supplier",
        questions=[("Who makes your boxes?", "A Lyon firm"), "Budget?"],
    )
    journal.log("Bob", event="Lyon Tech", introduced_by="Ann")
    dinner = journal.log(
        "Ann",
        event="Dinner",
        questions=[("Kids?", "Two")],
        leads=[("supplier", "Her box maker"), ("customer", "Her sister's shop")],
    )
    won, lost = dinner.leads
    journal.outcomes.add(won.id, "First order", value="500", date="2026-10-01")
    journal.outcomes.add(won.id, "US order", value="200", currency="USD", date="2026-10-10")
    journal.outcomes.add(lost.id, "Bad debt", value="-100", date="2026-10-05")
    linked = journal.log("Ann", date="2026-11-01", notes="Connected on LinkedIn")
    with journal.engine.begin() as connection:
        connection.execute(
            update(t.encounters).where(t.encounters.c.id == linked.id).values(kind="connection")
        )
    journal.log("Ann", date="2026-12-20", questions=[("Later?", "Yes")], stakes="Future")
    journal.log("Cleo", date=TODAY, introduced_by="Bob")
    journal.people.add("Dan")


def _raws(journal: Journal, who: str) -> dict[str, float]:
    tie = journal.people.tie_strength(who, today=TODAY)
    return {part.name: part.raw for part in tie.parts}


def test_recency_weight_halves_every_half_life() -> None:
    assert HALF_LIFE_DAYS == 180
    assert recency_weight(0) == 1.0
    assert recency_weight(180) == 0.5
    assert recency_weight(360) == 0.25
    assert recency_weight(90) == pytest.approx(ROOT_HALF)
    assert sum(c.weight for c in COMPONENTS) == pytest.approx(1.0)


def test_each_component_of_ann_by_hand(journal: Journal) -> None:
    _season(journal)
    assert _raws(journal, "Ann") == {
        # Lyon Tech (0.5) + Dinner (0.7071); the connection and the later meeting: nothing
        "encounters": round(0.5 + ROOT_HALF, 4),
        # 3 h shared by the two people met at Lyon Tech, x 0.5; 2 h alone at Dinner x 0.7071
        "hours": round(3 / 2 * 0.5 + 2 * ROOT_HALF, 4),
        # two answered questions (1 each), one unanswered (0.5); the later one left out
        "questions": 2.5,
        # stakes and wishes at Lyon Tech; the stakes of the later meeting left out
        "confiding": 2.0,
        # she introduced Bob; nobody introduced her
        "introductions": 1.0,
        # 500 EUR and 200 USD are gains, the loss is not
        "outcomes": 2.0,
        # only gains in the profile's currency (EUR)
        "value": 500.0,
    }
    tie = journal.people.tie_strength("Ann", today=TODAY)
    assert tie.meetings == 2
    assert tie.last_met == dt.date(2026, 9, 1)
    assert [p.points for p in tie.parts] == [9.41, 7.8, 6.82, 7.5, 5.0, 6.67, 3.33]
    assert tie.score == 46.5  # docs/reports.md's example


def test_bob_cleo_and_dan_by_hand(journal: Journal) -> None:
    _season(journal)
    bob = _raws(journal, "Bob")
    assert bob["encounters"] == 0.5 and bob["hours"] == 0.75
    assert bob["introductions"] == 2.0  # Ann introduced him, he introduced Cleo
    assert bob["questions"] == bob["confiding"] == bob["outcomes"] == bob["value"] == 0.0
    cleo = _raws(journal, "Cleo")
    assert cleo["encounters"] == 1.0 and cleo["hours"] == 0.0 and cleo["introductions"] == 1.0
    assert set(_raws(journal, "Dan").values()) == {0.0}
    scores = {
        who: journal.people.tie_strength(who, today=TODAY).score
        for who in ("Ann", "Bob", "Cleo", "Dan")
    }
    assert scores == {"Ann": 46.5, "Bob": 15.8, "Cleo": 13.3, "Dan": 0.0}


def test_today_moves_recency_and_leaves_out_what_came_later(journal: Journal) -> None:
    _season(journal)
    # On the day of the dinner: Lyon Tech is 90 days old, the dinner 0; no outcome yet.
    raws = journal.people.tie_strength("Ann", today="2026-09-01")
    assert raws.part("encounters").raw == round(ROOT_HALF + 1, 4)
    assert raws.part("outcomes").raw == 0.0 and raws.part("value").raw == 0.0
    # Cleo was not met yet
    assert journal.people.tie_strength("Cleo", today="2026-09-01").score == 0.0
    # After the later meeting, it counts
    assert journal.people.tie_strength("Ann", today="2027-01-01").meetings == 3


def test_hours_split_only_among_people_met_not_connections(journal: Journal) -> None:
    journal.events.add("Salon", "2026-11-30", hours="4")
    journal.log("Eve", event="Salon")
    other = journal.log("Finn", event="Salon")
    assert journal.people.tie_strength("Eve", today=TODAY).part("hours").raw == 2.0
    with journal.engine.begin() as connection:
        connection.execute(
            update(t.encounters).where(t.encounters.c.id == other.id).values(kind="connection")
        )
    assert journal.people.tie_strength("Eve", today=TODAY).part("hours").raw == 4.0
    assert journal.people.tie_strength("Finn", today=TODAY).score == 0.0


def test_listing_sorted_by_strength(journal: Journal) -> None:
    _season(journal)
    by_name = journal.people.records(today=TODAY, strength=True)
    assert [(r["name"], r["strength"]) for r in by_name] == [
        ("Ann", 46.5),
        ("Bob", 15.8),
        ("Cleo", 13.3),
        ("Dan", 0.0),
    ]
    journal.log("Aaron", date=TODAY)  # 1 meeting today: 8.3, between Cleo and Dan
    strongest = journal.people.records(sort="strength", today=TODAY, strength=True)
    assert [r["name"] for r in strongest] == ["Ann", "Bob", "Cleo", "Aaron", "Dan"]
    assert strongest[3]["strength"] == 8.3
    assert [p.display_name for p in journal.people.list(sort="strength", today=TODAY)] == [
        "Ann",
        "Bob",
        "Cleo",
        "Aaron",
        "Dan",
    ]
    top = journal.people.records(sort="strength", today=TODAY, limit=2, offset=1)
    assert [r["name"] for r in top] == ["Bob", "Cleo"]
    assert "strength" not in top[0]  # only when asked
    records = journal.people.records(sort="strength", today=TODAY)
    assert json.dumps(records) == json.dumps(
        [to_dict(p) for p in journal.people.list(sort="strength", today=TODAY)]
    )


def test_show_carries_the_components(journal: Journal) -> None:
    _season(journal)
    record = journal.person_record("Ann", today=TODAY)
    assert record == to_dict(journal.people.show("Ann", today=TODAY))
    tie = record["tie"]
    assert tie["score"] == 46.5 and tie["half_life_days"] == 180 and tie["today"] == TODAY
    assert tie["last_met"] == "2026-09-01" and tie["meetings"] == 2
    assert [c["name"] for c in tie["components"]] == [c.name for c in COMPONENTS]
    assert tie["components"][-1] == {
        "name": "value",
        "dimension": "reciprocal services",
        "raw": 500.0,
        "normalised": 0.3333,
        "weight": 0.1,
        "points": 3.33,
    }


def test_cli_people_list_and_show(journal: Journal, journal_url: str) -> None:
    _season(journal)
    db = ["--db", journal_url]
    table = ok(*db, "people", "list", "--sort", "strength", "--today", TODAY)
    lines = [line for line in table.splitlines() if "Ann" in line or "Dan" in line]
    assert "Strength" in table and "46.5" in lines[0] and lines[1].rstrip().endswith("0.0")
    listed = json.loads(ok(*db, "people", "list", "--sort", "strength", "--today", TODAY, "--json"))
    assert [(r["name"], r["strength"]) for r in listed] == [
        ("Ann", 46.5),
        ("Bob", 15.8),
        ("Cleo", 13.3),
        ("Dan", 0.0),
    ]
    shown = ok(*db, "people", "show", "Ann", "--today", TODAY)
    assert "Tie strength: 46.5 / 100 as of 2026-11-30" in shown
    assert "encounters" in shown and "9.41" in shown and "value" in shown
    data = json.loads(ok(*db, "people", "show", "Ann", "--today", TODAY, "--json"))
    assert data["tie"] == journal.person_record("Ann", today=TODAY)["tie"]
    assert "Unknown sort 'strenght' (did you mean 'strength'?)" in fails(
        *db, "people", "list", "--sort", "strenght"
    )
    assert "today" in fails(*db, "people", "show", "Ann", "--today", "not a date")
