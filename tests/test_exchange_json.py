"""JSON export and re-import on both backends: exact round trips, refusals, atomicity."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from helpers import seed, snapshot

from netjournal import Journal, schema
from netjournal.errors import ImportFormatError, InvalidInput
from netjournal.exchange.jsonformat import FORMAT_VERSION
from netjournal.files import private_output


def export_text(journal: Journal) -> str:
    out = io.StringIO()
    journal.export_json(out)
    return out.getvalue()


def populated(journal: Journal) -> str:
    encounter = seed(journal)
    journal.people.update("Paul Martin", add_tags=["vip"], notes="Line 1\nLine 2 🎉")
    journal.outcomes.add(
        encounter.leads[0].id, "Cheaper boxes", value="1234.56", date="2026-12-01", kind="savings"
    )
    journal.outcomes.add(
        encounter.leads[1].id, "Refund", value="-0.01", currency="USD", date="2026-12-02"
    )
    followup = journal.followups.add("Paul Martin", "2026-12-10", "Thank him")
    journal.followups.done(followup.id, on="2026-11-11")
    return export_text(journal)


def test_export_is_versioned_and_imports_back_exactly(journal: Journal, tmp_path: Path) -> None:
    text = populated(journal)
    document = json.loads(text)
    assert document["format"] == "netjournal"
    assert document["format_version"] == FORMAT_VERSION
    assert document["schema_revision"] == schema.HEAD
    assert list(document)[:3] == ["format", "format_version", "schema_revision"]
    (paul,) = [p for p in document["people"] if p["display_name"] == "Paul Martin"]
    assert paul["tags"] == ["vip"] and paul["notes"] == "Line 1\nLine 2 🎉"
    (won,) = [lead for lead in document["leads"] if lead["kind"] == "supplier"]
    assert won["outcomes"][0]["value"] == "1234.56"
    assert "name_key" not in paul  # derived data stays out of the file

    with Journal.open(tmp_path / "copy.db") as copy:
        stats = copy.import_json(io.StringIO(text), source_name="export.json")
        assert stats.counts["people"] == 2 and stats.counts["encounters"] == 1
        assert export_text(copy) == text
        assert snapshot(copy, history=False) == snapshot(journal, history=False)
        # New records continue after the imported ids.
        assert copy.people.add("Someone New").id == 3


def test_import_into_postgresql_resets_the_id_sequences(
    sqlite_journal: Journal, pg_server_url: str
) -> None:
    text = populated(sqlite_journal)
    with Journal.open(pg_server_url) as target:
        _wipe(target)
        target.import_json(io.StringIO(text), source_name="export.json")
        assert export_text(target) == text
        assert target.people.add("Someone New").id == 3
        encounter = target.log(3, notes="after the import", questions=["Why?"])
        assert encounter.id == 2 and encounter.questions[0].id == 3


def test_import_into_a_non_empty_journal_is_refused(journal: Journal) -> None:
    text = populated(journal)
    before = snapshot(journal)
    with pytest.raises(InvalidInput, match="not empty .*2 people.*only be imported into an empty"):
        journal.import_json(io.StringIO(text), source_name="export.json")
    assert snapshot(journal) == before


def test_malformed_json_names_the_line(journal: Journal) -> None:
    broken = '{\n"format": "netjournal",\n"format_version": 1,\n"people": [ {"id": 1,, }\n]}\n'
    with pytest.raises(ImportFormatError) as caught:
        journal.import_json(io.StringIO(broken), source_name="broken.json")
    assert caught.value.file == "broken.json" and caught.value.line == 4
    assert str(caught.value).startswith("broken.json:4: not valid JSON")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format_version": 2}, "format version 2 is not supported"),
        ({"format": "other"}, "not a netjournal JSON export"),
        ({"schema_revision": "9999"}, "newer netjournal"),
        ({"extra": []}, "unknown section"),
    ],
)
def test_a_wrong_header_is_refused(journal: Journal, change: dict[str, Any], message: str) -> None:
    document = {"format": "netjournal", "format_version": 1, "schema_revision": "0001"}
    document.update(change)
    with pytest.raises(ImportFormatError, match=message) as caught:
        journal.import_json(io.StringIO(json.dumps(document)), source_name="x.json")
    assert caught.value.line is None


@pytest.fixture(scope="module")
def good_document(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The export of a populated journal, written once for the tests that spoil it."""
    with Journal.open(tmp_path_factory.mktemp("source") / "source.db") as source:
        return populated(source)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["people"][1].update(display_name=None), r"people\[1\] \(id 2\).*required"),
        (lambda d: d["events"][0].update(cost="1.234"), "more than two decimal places"),
        (lambda d: d["encounters"][0].update(date="20/11/2026"), "not an ISO date"),
        (
            lambda d: d["encounters"][0].update(person_id=99),
            r"encounters\[0\] \(id 1\): 'person_id' refers to people id 99, which the file",
        ),
        (lambda d: d["leads"][0].update(kind="bribe"), r"leads\[0\] \(id 1\): Unknown lead kind"),
        (lambda d: d["people"][0].update(tags=["nope"]), "tag 'nope' is not in the 'tags'"),
        (lambda d: d["people"][0].update(nickname="P"), "unknown field.*nickname"),
        (lambda d: d["encounters"][0]["questions"][0].update(asked=3), "must be a string"),
    ],
)
def test_a_bad_record_imports_nothing(
    journal: Journal, good_document: str, edit: Any, message: str
) -> None:
    document = json.loads(good_document)
    edit(document)
    with pytest.raises(ImportFormatError, match=message):
        journal.import_json(io.StringIO(json.dumps(document)), source_name="bad.json")
    assert all(n == 0 for n in journal.counts().values())
    assert journal.profile().fields == []


def test_an_empty_journal_exports_and_imports(journal: Journal, tmp_path: Path) -> None:
    text = export_text(journal)
    assert json.loads(text)["people"] == [] and json.loads(text)["profile"] is None
    with Journal.open(tmp_path / "copy.db") as copy:
        copy.import_json(io.StringIO(text), source_name="empty.json")
        assert export_text(copy) == text


def test_export_files_are_private_and_complete(journal: Journal, tmp_path: Path) -> None:
    populated(journal)
    target = tmp_path / "export.json"
    old_umask = os.umask(0o022)
    try:
        with private_output(target) as fp:
            journal.export_json(fp)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "netjournal"
    # A failed export leaves the previous file untouched and no temporary file behind.
    with pytest.raises(RuntimeError), private_output(target, overwrite=True) as fp:
        fp.write("partial")
        raise RuntimeError("boom")
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "netjournal"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _wipe(journal: Journal) -> None:
    """Empty a PostgreSQL test journal, ids restarting at 1."""
    from sqlalchemy import inspect, text

    with journal.engine.begin() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
