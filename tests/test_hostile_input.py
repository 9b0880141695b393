"""Hostile input: whatever text a user gives is stored and returned exactly, never interpreted.

Names, notes, questions, lead summaries, tags, search queries and imported files are fed
very long strings, control characters, right-to-left marks, emoji, combining characters, SQL,
FTS syntax and LIKE wildcards, on SQLite and PostgreSQL. The only changes allowed are the
documented ones: single-line fields (names, tags...) lose their surrounding white space, an
all-blank optional text is dropped, a tag loses a leading ``#``. NUL characters are refused
with :class:`InvalidInput` everywhere (PostgreSQL text cannot hold them), never stripped.
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import pytest
from helpers import FRAGMENTS, examples, fresh_sqlite
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from netjournal import Journal
from netjournal.errors import InvalidInput
from netjournal.models import Person
from netjournal.query import parse
from netjournal.validate import NAME_MAX, TAG_MAX

#: Any character but NUL (tested on its own) and lone surrogates (not valid text at all).
CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
HOSTILE = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(CHARACTERS, max_size=12)), max_size=8
).map("".join)
HOSTILE_NAMES = HOSTILE.filter(lambda s: s.strip() and len(s.strip()) <= NAME_MAX)
HOSTILE_NOTES = st.one_of(
    HOSTILE, HOSTILE.map(lambda s: ((s or "x") * (100_000 // max(len(s), 1)))[:100_000])
)

SETTINGS = settings(
    max_examples=examples(50),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_unique = itertools.count()


def _single_line(value: str) -> str:
    """What a single-line field (name, tag, title...) stores: the value without surrounding
    white space (documented in netjournal.validate.text)."""
    return value.strip()


def _free(value: str) -> str | None:
    """What a free-text field (notes, questions, summaries) stores: the value, exactly, or
    nothing when it is entirely blank."""
    return value if value.strip() else None


@SETTINGS
@given(name=HOSTILE_NAMES, notes=HOSTILE_NOTES, title=HOSTILE)
def test_people_fields_are_stored_exactly(
    journal: Journal, name: str, notes: str, title: str
) -> None:
    if len(title.strip()) > NAME_MAX:
        with pytest.raises(InvalidInput):
            journal.people.add(name, title=title)
        return
    person = journal.people.add(name, notes=notes, title=title)
    stored = journal.people.get(person.id)
    assert stored.display_name == _single_line(name)
    assert stored.notes == _free(notes)
    assert stored.title == (_single_line(title) or None)
    assert journal.people.show(person.id).person.display_name == _single_line(name)


@SETTINGS
@given(
    name=HOSTILE_NAMES,
    notes=HOSTILE_NOTES,
    asked=HOSTILE.filter(str.strip),
    learned=HOSTILE,
    summary=HOSTILE.filter(str.strip),
    stakes=HOSTILE,
    tags=st.lists(HOSTILE.filter(lambda s: len(s.strip()) <= TAG_MAX), max_size=4),
)
def test_an_encounter_with_hostile_text_comes_back_exactly(
    journal: Journal,
    name: str,
    notes: str,
    asked: str,
    learned: str,
    summary: str,
    stakes: str,
    tags: list[str],
) -> None:
    before = journal.counts()
    encounter = journal.log(
        name,
        new_person=True,
        notes=notes,
        stakes=stakes,
        questions=[(asked, learned)],
        leads=[("advice", summary)],
        tags=tags,
    )
    stored = journal.encounters.get(encounter.id)
    assert stored.notes == _free(notes) and stored.stakes == _free(stakes)
    assert stored.person.display_name == _single_line(name)
    assert [(q.asked, q.learned) for q in stored.questions] == [(asked, _free(learned))]
    assert [lead.summary for lead in stored.leads] == [summary]
    wanted = []
    for tag in tags:
        clean = tag.strip().lstrip("#").strip()
        if clean and all(_fold(clean) != _fold(w) for w in wanted):
            wanted.append(clean)
    assert sorted(t.name for t in stored.tags) == sorted(wanted)
    after = journal.counts()
    assert after["encounters"] == before["encounters"] + 1
    assert after["people"] == before["people"] + 1


def _fold(value: str) -> str:
    from netjournal.text import fold

    return fold(value)


@SETTINGS
@given(query=st.one_of(HOSTILE, st.lists(st.sampled_from(FRAGMENTS), max_size=6).map(" ".join)))
def test_any_search_query_is_read_as_words(journal: Journal, query: str) -> None:
    if not journal.people.count():
        journal.log("Searchable Person", notes='\'; DROP TABLE people; -- NEAR( "quoted" 100%')
    hits = journal.search(query)
    assert all(hit.kind in ("person", "encounter") for hit in hits)
    assert journal.people.count() == 1  # nothing was interpreted as SQL


@SETTINGS
@given(word=st.text(st.characters(whitelist_categories=("Lu", "Ll", "Lo")), min_size=3, max_size=8))
def test_a_note_is_found_by_any_of_its_words(journal: Journal, word: str) -> None:
    assume(parse(word).positive)  # not an operator (NOT, SAUF, OR... typed in capitals)
    tag = f"zq{next(_unique)}"
    encounter = journal.log(f"Person {tag}", notes=f"'; DROP TABLE x; -- {word} NEAR( {tag}*")
    hits = journal.search(f"{word} {tag}", kinds="encounter")
    assert encounter.id in {hit.id for hit in hits}


@pytest.mark.parametrize(
    "call",
    [
        lambda j: j.people.add("Nul\x00Name"),
        lambda j: j.people.add("Ok Name", notes="before\x00after"),
        lambda j: j.log("Ok Name", notes="a\x00b"),
        lambda j: j.log("Ok Name", questions=[("why\x00?", "because")]),
        lambda j: j.log("Ok Name", leads=[("advice", "lead\x00")]),
        lambda j: j.log("Ok Name", tags=["t\x00g"]),
        lambda j: j.events.add("Event\x00", "2026-01-01"),
    ],
)
def test_nul_characters_are_refused_clearly_and_nothing_is_written(
    journal: Journal, call: object
) -> None:
    before = journal.counts()
    with pytest.raises(InvalidInput, match="NUL character"):
        call(journal)  # type: ignore[operator]
    assert journal.counts() == before


def test_a_nul_in_a_search_query_is_read_as_a_word_break(journal: Journal) -> None:
    person = journal.log("Somebody Else", notes="text").person_id
    hits = journal.search("somebody\x00else", kinds="person")
    assert [hit.id for hit in hits] == [person]


def test_long_text_limits(journal: Journal) -> None:
    notes = "n" * 100_000
    encounter = journal.log("Long Notes", notes=notes, questions=[("q" * 100_000, "a" * 100_000)])
    assert journal.encounters.get(encounter.id).notes == notes
    assert journal.encounters.get(encounter.id).questions[0].asked == "q" * 100_000
    with pytest.raises(InvalidInput, match=f"longer than {NAME_MAX}"):
        journal.people.add("x" * (NAME_MAX + 1))
    with pytest.raises(InvalidInput, match=f"longer than {TAG_MAX}"):
        journal.log("Tagged", tags=["t" * (TAG_MAX + 1)])
    assert journal.people.add("y" * NAME_MAX).display_name == "y" * NAME_MAX


# -- files built from hostile strings ---------------------------------------------------


@pytest.mark.slow  # a long Hypothesis test
@SETTINGS
@given(
    name=HOSTILE_NAMES.filter(lambda s: len(s) < NAME_MAX - 10),
    notes=HOSTILE,
    organization=HOSTILE.filter(lambda s: len(s.strip()) <= NAME_MAX),
)
def test_a_vcard_of_hostile_text_round_trips(
    journal: Journal, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path,
    name: str, notes: str, organization: str,
) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("vcard")
    name = f"{name} u{next(_unique)}"  # unique: the journal keeps the earlier examples
    with Journal.open(fresh_sqlite(sqlite_template, folder)) as source:
        source.people.add(name, notes=notes, organization=organization)
        with (folder / "people.vcf").open("w", encoding="utf-8", newline="") as fp:
            source.export_vcard(fp)
    before = journal.people.count()
    report = journal.import_file("vcard", folder / "people.vcf")
    assert journal.people.count() == before + 1, report
    imported = _newest(journal)
    # vCard text knows one line break (\n); its importer reads a name as one line of words
    # and strips every value (netjournal.importers.vcard)
    assert imported.display_name == " ".join(_vcard_text(name).split())
    assert imported.organization == (_vcard_text(organization) or None)
    assert imported.notes == (_vcard_text(notes) or None)


def _newest(journal: Journal) -> Person:
    with journal.store.read() as session:
        return session.scalars(select(Person).order_by(Person.id.desc()).limit(1)).one()


def _vcard_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


@SETTINGS
@given(
    first=HOSTILE.filter(lambda s: s.strip() and "\x00" not in s),
    last=HOSTILE,
    company=HOSTILE,
)
def test_a_linkedin_csv_of_hostile_text_imports_exactly(
    journal: Journal, tmp_path_factory: pytest.TempPathFactory, first: str, last: str,
    company: str,
) -> None:  # fmt: skip
    last = f"{last} u{next(_unique)}"  # unique: the journal keeps the earlier examples
    full = f"{first.strip()} {last.strip()}".strip()
    if len(full) > NAME_MAX or len(company.strip()) > NAME_MAX:
        return
    path = tmp_path_factory.mktemp("linkedin") / "Connections.csv"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["First Name", "Last Name", "Email Address", "Company", "Position"])
    writer.writerow([first, last, "", company, "CTO"])
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    before = journal.people.count()
    journal.import_file("linkedin", path)
    assert journal.people.count() == before + 1
    imported = _newest(journal)
    assert imported.display_name == " ".join(full.split())  # a name is read as one line
    assert imported.organization == (company.strip() or None)


def test_files_with_nul_bytes_are_refused_clearly(journal: Journal, tmp_path: Path) -> None:
    vcf = tmp_path / "nul.vcf"
    vcf.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nul\x00Person\r\nEND:VCARD\r\n")
    with pytest.raises(InvalidInput):
        journal.import_file("vcard", vcf)
    evening = "event: Night\ndate: 2026-01-01\n\nperson: Nul\x00Person\n"
    with pytest.raises(InvalidInput):
        journal.encounters.batch(evening)
    assert journal.counts()["people"] == 0


def test_blank_text_in_an_update_clears_the_field(journal: Journal) -> None:
    person = journal.people.add("Blank Edit", notes="old notes", title="Old title")
    updated = journal.people.update(person.id, notes=" \t\n", title="\u2028 ")
    assert updated.notes is None and updated.title is None
    journal.events.add("Blank Event", "2026-01-01", location="Lyon", notes="kept?")
    event = journal.events.update("Blank Event", location="  ", notes="\t")
    assert event.location is None and event.notes is None
