"""The after-event text format, without a database: parsing, errors with lines, round trips."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from netjournal.batch import (
    Batch,
    EventHeader,
    parse_batch,
    parse_followup,
    parse_lead,
    parse_question,
    render_batch,
)
from netjournal.errors import ImportFormatError, InvalidInput
from netjournal.specs import EncounterSpec, FollowUpSpec, LeadSpec, QuestionSpec
from netjournal.text import fold
from netjournal.vocab import EVENT_KINDS, LEAD_KINDS

ROOT = Path(__file__).resolve().parents[1]

EVENING = """\
# typed in the taxi
event: Lyon Tech Meetup
date: 2026-11-20
where: La Cordée, Lyon
kind: Meetup
hours: 3
cost: 12,50

person: Hélène Dubois
Org: Emballix
title: Head of operations
e-mail: helene@emballix.example
asked: Who makes your boxes? => A Lyon firm, 20% cheaper
q: And your labels?
a: A printer in Villeurbanne
stakes: Moving production to Lyon
lead: supplier: Her box supplier
lead: Something without a kind
follow-up: 2026-11-27: Send her our volumes
tags: packaging, #lyon
tags: Packaging
pitched
She collects vintage posters.
note: Kids: two

new person: Marc Petit
intro: Hélène
outside: no
"""


def test_an_evening_parses_into_header_and_blocks() -> None:
    batch = parse_batch(EVENING, source_name="taxi.txt")
    assert batch.event == EventHeader(
        name="Lyon Tech Meetup",
        date=dt.date(2026, 11, 20),
        location="La Cordée, Lyon",
        kind="meetup",
        hours=Decimal("3.00"),
        cost=Decimal("12.50"),
        line=2,
    )
    helene, marc = batch.encounters
    assert helene.person == "Hélène Dubois" and helene.line == 9 and not helene.new_person
    assert helene.organization == "Emballix" and helene.email == "helene@emballix.example"
    assert helene.questions == [
        QuestionSpec("Who makes your boxes?", "A Lyon firm, 20% cheaper"),
        QuestionSpec("And your labels?", "A printer in Villeurbanne"),
    ]
    assert helene.leads == [
        LeadSpec("supplier", "Her box supplier"),
        LeadSpec("other", "Something without a kind"),
    ]
    assert helene.followups == [FollowUpSpec(dt.date(2026, 11, 27), "Send her our volumes")]
    assert helene.tags == ["packaging", "lyon"]
    assert helene.pitched is True
    assert helene.notes == "She collects vintage posters.\nKids: two"
    assert marc.new_person and marc.introduced_by == "Hélène" and marc.outside_field is False
    assert marc.line == 26


def test_the_documented_example_parses() -> None:
    text = (ROOT / "examples" / "after-event.txt").read_text(encoding="utf-8")
    batch = parse_batch(text, source_name="after-event.txt")
    assert batch.event is not None and len(batch.encounters) >= 3


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("Hélène Dubois\norg: X\n", 1, "Start each person with 'person: NAME'"),
        ("date: today\nperson: A\n", 1, "starts with 'event: NAME'"),
        ("event: E\nperson: A\nstakse: a lot\n", 3, "did you mean"),
        ("person: A\norg: X\norg: Y\n", 3, "already given on line 2"),
        ("person: A\na: an answer to nothing\n", 2, "follows a question"),
        ("person: A\nlead: suplier: boxes\n", 2, "did you mean 'supplier'"),
        ("person: A\nfollow-up: send the deck\n", 2, "needs a date"),
        ("person: A\nfollow-up: the 45th of never: x\n", 2, "Invalid follow-up date"),
        ("person: A\npitched: maybe\n", 2, "takes yes or no"),
        ("person: A\nwhere: Lyon\n", 2, "belongs to the event header"),
        ("person:\n", 1, "needs the person's name"),
        ("event: E\nkind: party\nperson: A\n", 2, "Unknown event kind"),
        ("event: E\ncost: -3\nperson: A\n", 2, "cannot be negative"),
        ("person: A\nasked: => nothing asked\n", 2, "question is missing"),
        ("person: A\nok\x00\n", 2, "NUL"),
        ("# only a comment\n\n", 2, "no encounter found"),
    ],
)
def test_mistakes_name_their_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_batch(text, source_name="evening.txt")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"evening.txt:{line}: ")
    assert reason in str(caught.value)


def test_small_parsers_used_by_the_command_line() -> None:
    assert parse_question("Q? => A => B") == QuestionSpec("Q?", "A => B")
    assert parse_question("Just asked") == QuestionSpec("Just asked", None)
    assert parse_lead("Customer: Three shops") == LeadSpec("customer", "Three shops")
    assert parse_lead("fournisseur: Un fournisseur") == LeadSpec("supplier", "Un fournisseur")
    with pytest.raises(InvalidInput, match="Unknown lead kind 'Note'"):  # not kept as other
        parse_lead("Note: not a kind")
    assert parse_lead("other: Note: a colon") == LeadSpec("other", "Note: a colon")
    assert parse_lead("A box maker, not: a kind") == LeadSpec("other", "A box maker, not: a kind")
    assert parse_followup("2026-12-01: call") == FollowUpSpec(dt.date(2026, 12, 1), "call")
    with pytest.raises(InvalidInput):
        parse_lead("supplier:")


# -- round trip ------------------------------------------------------------------------

_chars = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85")


def _line(max_size: int = 40) -> st.SearchStrategy[str]:
    """One-line values as the format stores them: stripped, not empty."""
    return (
        st.text(_chars, min_size=1, max_size=max_size)
        .map(lambda s: " ".join(s.split()))
        .filter(lambda s: bool(s) and not s.startswith("#") and len(s.splitlines()) == 1)
    )


_dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
_money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
_tags = st.lists(
    _line(20).filter(lambda t: "," not in t and not t.startswith("#")),
    max_size=3,
    unique_by=fold,
)
_lines_text = st.lists(_line(), min_size=1, max_size=3).map("\n".join)
#: E-mails are checked as the file is read (netjournal.validate.email): only valid ones.
_emails = st.from_regex(
    r"[a-z0-9][a-z0-9._+-]{0,10}@[a-z][a-z0-9]{0,8}\.(fr|com|test)", fullmatch=True
)
_emails = _emails.filter(lambda e: ".." not in e and ".@" not in e)


@st.composite
def _specs(draw: st.DrawFn) -> EncounterSpec:
    optional = lambda strategy: draw(st.none() | strategy)  # noqa: E731
    return EncounterSpec(
        person=draw(_line()),
        new_person=draw(st.booleans()),
        event=optional(_line()),
        date=optional(_dates),
        organization=optional(_line()),
        title=optional(_line()),
        field=optional(_line()),
        location=optional(_line()),
        email=optional(_emails),
        phone=optional(_line()),
        introduced_by=optional(_line()),
        notes=optional(_lines_text),
        stakes=optional(_lines_text),
        wishes=optional(_lines_text),
        pitched=draw(st.booleans()),
        outside_field=draw(st.none() | st.booleans()),
        tags=draw(_tags),
        questions=draw(
            st.lists(
                st.builds(
                    QuestionSpec, _line().filter(lambda q: "=>" not in q), st.none() | _line()
                ),
                max_size=3,
            )
        ),
        leads=draw(st.lists(st.builds(LeadSpec, st.sampled_from(LEAD_KINDS), _line()), max_size=3)),
        followups=draw(st.lists(st.builds(FollowUpSpec, _dates, _line()), max_size=2)),
    )


_headers = st.builds(
    EventHeader,
    name=_line(),
    date=st.none() | _dates,
    end_date=st.none() | _dates,
    location=st.none() | _line(),
    kind=st.none() | st.sampled_from(EVENT_KINDS),
    organizer=st.none() | _line(),
    series=st.none() | _line(),
    hours=st.none() | _money,
    cost=st.none() | _money,
    currency=st.none() | st.sampled_from(["EUR", "USD", "GBP"]),
)


def _without_lines(batch: Batch) -> Batch:
    header = batch.event and dataclasses.replace(batch.event, line=None)
    specs = [dataclasses.replace(s, line=None) for s in batch.encounters]
    return Batch(header, specs, batch.source_name)


@settings(max_examples=examples(150), deadline=None)
@given(st.none() | _headers, st.lists(_specs(), min_size=1, max_size=4))
def test_rendered_batches_parse_back_equal(header: EventHeader | None, specs: list) -> None:
    batch = Batch(header, specs, "<stdin>")
    parsed = parse_batch(render_batch(batch))
    assert _without_lines(parsed) == batch
    assert [s.line for s in parsed.encounters] == sorted({s.line for s in parsed.encounters})


_hostile = st.lists(
    st.one_of(
        st.text(max_size=60),
        st.sampled_from(
            [
                "person: A",
                "event: E",
                "date: ",
                "asked: =>",
                "lead: :",
                "follow-up: :",
                "follow-up: 31/02/2026: x",
                "a: b",
                "tags: ,,,#",
                "pitched: ",
                "hours: 1e400",
                "cost: NaN",
                "date: 99999-01-01",
                "\ufeffperson: B",
                "person: \u2028",
            ]
        ),
    ),
    max_size=12,
).map("\n".join)


@settings(max_examples=examples(300), deadline=None)
@given(_hostile)
def test_hostile_text_raises_only_invalid_input(text: str) -> None:
    try:
        batch = parse_batch(text, source_name="x.txt")
    except InvalidInput as exc:
        assert str(exc).startswith("x.txt")
    else:
        assert batch.encounters
