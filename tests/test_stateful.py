"""A Hypothesis state machine drives the public API with hostile text, on SQLite and PostgreSQL.

Rules: log an encounter (new or known person, questions, a lead, a follow-up, an introducer),
edit a person, add a lead and move it on, record an outcome, merge two people, forget one,
import a small vCard, delete an encounter, export to JSON and import it elsewhere, and undo
the latest step not yet undone (the merge included): after the undo the JSON export equals the
export taken before that step, undoing the undo gives back the export after it, and undoing
again returns to the one before. After every
step: no orphan rows, ``journal.counts()`` equals the machine's own model, and search finds
every live person by a word of their name and nothing of anyone forgotten. The JSON round trip
(export, import into an empty journal, export again: the same document) runs as a rule and at
the end of every run.
"""

from __future__ import annotations

import copy
import io
import itertools
import json
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import FRAGMENTS, assert_no_orphans, fresh_sqlite, reset_postgres
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import create_engine, text

from netjournal import Journal

TEXT = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8
        ),
    ),
    max_size=4,
).map("".join)
#: A name is hostile text followed by a word of its own, unique in the run, to search for.
PREFIX = TEXT.filter(lambda s: len(s.strip()) < 200)

pytestmark = pytest.mark.slow  # a long Hypothesis test: minutes on a busy machine

MACHINE_SETTINGS = settings(
    max_examples=12,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class EncounterModel:
    person: int
    questions: int
    leads: dict[int, int] = field(default_factory=dict)  # lead id -> outcomes
    followups: int = 0


@pytest.fixture
def spare_url(journal_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty journal of the same backend, for the export/import round trip."""
    if "://" not in journal_url:
        yield str(tmp_path / "spare.db")
        return
    admin = create_engine(journal_url, isolation_level="AUTOCOMMIT")
    name = f"nj_spare_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _export(journal: Journal) -> dict[str, object]:
    buffer = io.StringIO()
    journal.export_json(buffer)
    document: dict[str, object] = json.loads(buffer.getvalue())
    return document


def _fresh(url: str, template: Path) -> str:
    """Empty the journal at ``url`` (PostgreSQL), or copy the empty ``template`` to a new file
    beside it (SQLite: creating one would run every migration, for each example and each
    round trip)."""
    if "://" in url:
        with Journal.open(url):
            pass
        reset_postgres(url)
        return url
    return str(fresh_sqlite(template, Path(tempfile.mkdtemp(dir=Path(url).parent))))


def test_the_public_api_keeps_its_invariants(
    journal_url: str, spare_url: str, sqlite_template: Path
) -> None:
    words = (f"qx{n:05d}x" for n in itertools.count())

    class JournalMachine(RuleBasedStateMachine):
        encounters = Bundle("encounters")

        def __init__(self) -> None:
            super().__init__()
            self.journal = Journal.open(_fresh(journal_url, sqlite_template))
            self.people: dict[int, str] = {}  # live person id -> their search word
            self.gone: dict[str, int] = {}  # search word -> id, of people forgotten or merged
            self.forgotten: set[str] = set()
            self.encounter_rows: dict[int, EncounterModel] = {}
            self.events = 0
            # what each undoable step wrote: (its change sets, export and model before it)
            self.undoable: list[tuple[list[int], dict[str, object], tuple[object, ...]]] = []
            self._before: tuple[int, dict[str, object], tuple[object, ...]] | None = None

        # -- history: each step below is recorded, then may be undone ------------------

        def _model(self) -> tuple[object, ...]:
            return copy.deepcopy(
                (self.people, self.gone, self.forgotten, self.encounter_rows, self.events)
            )

        def _last_change(self) -> int:
            latest = self.journal.history(limit=1)
            return latest[0].id if latest else 0

        def _start(self) -> None:
            self._before = (self._last_change(), _export(self.journal), self._model())

        def _done(self) -> None:
            assert self._before is not None
            last, document, model = self._before
            made = [c.id for c in self.journal.history(limit=10) if c.id > last]
            if made:
                self.undoable.append((sorted(made), document, model))
            self._before = None

        @precondition(lambda self: self.undoable)
        @rule()
        def undo(self) -> None:
            made, before, model = self.undoable.pop()
            after = _export(self.journal)
            for change in reversed(made):
                self.journal.undo(change)
            assert _export(self.journal) == before
            if len(made) == 1:  # undoing the undo redoes; undoing that again undoes
                self.journal.undo()
                assert _export(self.journal) == after
                self.journal.undo()
                assert _export(self.journal) == before
            (self.people, self.gone, self.forgotten, self.encounter_rows, self.events) = model

        # -- rules -----------------------------------------------------------------

        @rule(
            target=encounters,
            prefix=PREFIX,
            notes=TEXT,
            asked=TEXT.filter(str.strip),
            summary=TEXT.filter(str.strip),
            data=st.data(),
            followup=st.booleans(),
        )
        def log(
            self, prefix: str, notes: str, asked: str, summary: str, data: st.DataObject,
            followup: bool,
        ) -> int:  # fmt: skip
            existing = data.draw(st.sampled_from([None, *sorted(self.people)]), label="person")
            introducer = data.draw(
                st.sampled_from([None, *sorted(set(self.people) - {existing})]), label="intro"
            )
            if existing is None:
                word = next(words)
                ref: object = f"{prefix} {word}"
            else:
                ref = existing
            self._start()
            encounter = self.journal.log(
                ref,
                new_person=existing is None,
                notes=notes,
                questions=[(asked, notes)],
                leads=[("advice", summary)],
                followups=[("2027-01-01", summary)] if followup else [],
                introduced_by=introducer,
                tags=[prefix[:50]] if prefix.strip() else [],
                again=True,  # the model meets the same people many times a day
            )
            if existing is None:
                self.people[encounter.person_id] = word
            self.encounter_rows[encounter.id] = EncounterModel(
                encounter.person_id, 1, {lead.id: 0 for lead in encounter.leads}, int(followup)
            )
            self._done()
            return encounter.id

        @precondition(lambda self: self.people)
        @rule(data=st.data(), title=TEXT, notes=TEXT, tag=TEXT)
        def edit_person(self, data: st.DataObject, title: str, notes: str, tag: str) -> None:
            person = data.draw(st.sampled_from(sorted(self.people)))
            title = title[:300]
            self._start()
            updated = self.journal.people.update(
                person, title=title or "", notes=notes or "", add_tags=[tag[:100]]
            )
            self._done()
            assert updated.title == (title.strip() or None)
            assert updated.notes == (notes if notes.strip() else None)

        @rule(encounter=encounters, summary=TEXT.filter(str.strip))
        def add_lead(self, encounter: int, summary: str) -> None:
            if encounter not in self.encounter_rows:
                return
            self._start()
            lead = self.journal.leads.add(encounter, "supplier", summary, tags=[summary[:100]])
            assert lead.summary == summary
            self.encounter_rows[encounter].leads[lead.id] = 0
            self._done()

        @rule(encounter=encounters, description=TEXT.filter(str.strip), cents=st.integers(0, 10**8))
        def record_outcome(self, encounter: int, description: str, cents: int) -> None:
            model = self.encounter_rows.get(encounter)
            if model is None or not model.leads:
                return
            lead = min(model.leads)
            self._start()
            self.journal.leads.update(lead, status="exploring")
            outcome = self.journal.outcomes.add(
                lead, description, value=f"{cents // 100}.{cents % 100:02d}", again=True
            )
            assert outcome.description == description
            model.leads[lead] += 1
            self._done()

        @precondition(lambda self: len(self.people) >= 2)
        @rule(data=st.data())
        def merge(self, data: st.DataObject) -> None:
            keep, other = data.draw(
                st.lists(st.sampled_from(sorted(self.people)), min_size=2, max_size=2, unique=True)
            )
            self._start()
            self.journal.people.merge(keep, other)
            self.gone[self.people.pop(other)] = other
            for model in self.encounter_rows.values():
                if model.person == other:
                    model.person = keep
            self._done()

        @precondition(lambda self: self.people)
        @rule(data=st.data())
        def forget(self, data: st.DataObject) -> None:
            person = data.draw(st.sampled_from(sorted(self.people)))
            self.journal.people.forget(person)
            self.undoable.clear()  # forgetting cannot be undone, nor what came before it
            word = self.people.pop(person)
            self.gone[word] = person
            self.forgotten.add(word)
            for encounter, model in list(self.encounter_rows.items()):
                if model.person == person:
                    del self.encounter_rows[encounter]

        @rule(encounter=consumes(encounters))
        def delete_encounter(self, encounter: int) -> None:
            if encounter not in self.encounter_rows:
                return
            self._start()
            self.journal.encounters.delete(encounter)
            del self.encounter_rows[encounter]
            self._done()

        @rule(prefixes=st.lists(PREFIX, min_size=1, max_size=3), note=TEXT)
        def import_vcard(self, prefixes: list[str], note: str) -> None:
            cards = []
            names = {}
            for prefix in prefixes:
                word = next(words)
                person = f"{' '.join(prefix.split())} {word}".strip()
                names[word] = person
                cards.append(_vcard(person, note))
            folder = Path(tempfile.mkdtemp())
            path = folder / "contacts.vcf"
            path.write_text("".join(cards), encoding="utf-8", newline="")
            self._start()
            report = self.journal.import_file("vcard", path)
            assert len(report.created) == len(cards), report
            assert report.encounters_created == 0
            for word in names:
                (hit,) = self.journal.search(word, kinds="person")
                self.people[hit.id] = word
            self._done()

        @rule()
        def round_trip(self) -> None:
            self._round_trip()

        # -- invariants ------------------------------------------------------------

        @invariant()
        def no_orphans(self) -> None:
            assert_no_orphans(self.journal)

        @invariant()
        def counts_match_the_model(self) -> None:
            rows = self.encounter_rows.values()
            expected = {
                "people": len(self.people),
                "events": self.events,
                "encounters": len(self.encounter_rows),
                "questions": sum(m.questions for m in rows),
                "leads": sum(len(m.leads) for m in rows),
                "outcomes": sum(sum(m.leads.values()) for m in rows),
                "followups": sum(m.followups for m in rows),
            }
            assert self.journal.counts() == expected

        @invariant()
        def search_agrees_with_the_data(self) -> None:
            for person, word in self.people.items():
                hits = self.journal.search(word, kinds="person")
                assert [hit.id for hit in hits] == [person], (word, hits)
            for word, person in self.gone.items():
                hits = self.journal.search(word, limit=1000)
                assert person not in {h.person_id for h in hits}, (word, hits)
                if word in self.forgotten:
                    assert hits == [], (word, hits)

        def _round_trip(self) -> None:
            document = _export(self.journal)
            with Journal.open(_fresh(spare_url, sqlite_template)) as copy:
                copy.import_json(io.StringIO(json.dumps(document)), source_name="export.json")
                assert _export(copy) == document
                assert copy.counts() == self.journal.counts()

        def teardown(self) -> None:
            try:
                self._round_trip()
            finally:
                self.journal.close()

    run_state_machine_as_test(JournalMachine, settings=MACHINE_SETTINGS)


def _vcard(name: str, note: str) -> str:
    def escape(value: str) -> str:
        value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")

    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{escape(name)}"]
    if note.strip():
        lines.append(f"NOTE:{escape(note)}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
