"""Inputs are read with a ceiling, and the values that used to overflow are refused in one
line (issue 19, items 9 and 12): each refusal is one line on stderr, exit status 1, and the
journal is left exactly as it was, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import run

from netjournal import Journal
from netjournal import batch as batch_module
from netjournal.exchange import json_import
from netjournal.importers import textio

SCRIPT = Path(sys.executable).with_name("netjournal")
HUGE_ID = "99999999999999999999999"


def _export(url: str) -> str:
    with Journal.open(url) as journal:
        out = io.StringIO()
        journal.export_json(out)
        return out.getvalue()


def _one_line(url: str, *args: str, input: str | None = None) -> str:
    """Run ``netjournal --db URL ARGS``: one line on stderr, status 1, the journal unchanged."""
    before = _export(url)
    result = run("--db", url, *args, input=input)
    assert result.code == 1, (args, result)
    assert "Traceback" not in result.err
    assert result.err.count("\n") == 1 and result.err.startswith("Error: "), result.err
    assert _export(url) == before
    return result.err.strip()


@pytest.fixture
def used_url(journal_url: str) -> str:
    """A journal holding a person, an event, an encounter, a lead and a follow-up."""
    with Journal.open(journal_url) as journal:
        journal.events.add("Lyon Meetup", start_date="2026-11-20")
        journal.log(
            "Ada Lovelace",
            event="Lyon Meetup",
            date="2026-11-20",
            leads=[{"kind": "supplier", "summary": "Boxes"}],
            followups=[{"due": "2026-12-01", "action": "Send volumes"}],
        )
    return journal_url


def _limited() -> None:
    """The child's address space is capped, so reading without a limit fails, not swaps."""
    cap = 1536 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


@pytest.mark.slow  # a process per format, under a memory limit
@pytest.mark.parametrize(
    "args",
    [
        ["import", "vcard", "/dev/zero"],
        ["import", "ical", "/dev/zero"],
        ["import", "linkedin", "/dev/zero"],
        ["import", "google", "/dev/zero"],
        ["import", "json", "/dev/zero"],
        ["log", "--batch", "/dev/zero"],
    ],
    ids=lambda args: "-".join(args[:2]),
)
def test_an_endless_input_is_refused_in_bounded_memory(
    used_url: str, args: list[str], tmp_path: Path
) -> None:
    before = _export(used_url)
    done = subprocess.run(
        [str(SCRIPT), "--db", used_url, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        preexec_fn=_limited,
        check=False,
    )
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "zero" in lines[0]
    expected = "not a netjournal JSON export" if args[1] == "json" else "the file is too large"
    assert expected in lines[0]
    assert _export(used_url) == before


def test_an_import_file_over_the_ceiling_is_refused_before_it_is_parsed(
    journal_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textio, "MAX_IMPORT_BYTES", 1024)
    vcf = tmp_path / "big.vcf"
    vcf.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Big\nNOTE:" + "x" * 2000 + "\nEND:VCARD\n")
    line = _one_line(journal_url, "import", "vcard", str(vcf))
    assert line == "Error: big.vcf: the file is too large (0 MB): an import file is read up to 0 MB"
    vcf.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Small\nEND:VCARD\n")
    assert run("--db", journal_url, "import", "vcard", str(vcf)).code == 0


def test_the_ceiling_applies_to_streams_without_a_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textio, "MAX_IMPORT_BYTES", 10)
    assert textio.read_bytes(io.BytesIO(b"0123456789")) == b"0123456789"
    with pytest.raises(textio.ImportFormatError, match=r"^<stdin>: the file is too large: "):
        textio.read_bytes(io.BytesIO(b"0123456789A"))


def test_a_batch_on_stdin_over_the_ceiling_is_refused(
    used_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_module, "MAX_BATCH_BYTES", 200)
    evening = "event: Lyon Meetup\ndate: 2026-11-20\n\nperson: Bob Stone\n"
    line = _one_line(used_url, "log", "--batch", "-", input=evening + "note\n" * 60)
    assert line.startswith("Error: <stdin>: the file is too large: an evening's file is read up to")
    assert run("--db", used_url, "log", "--batch", "-", input=evening).code == 0


def test_a_batch_that_is_not_utf8_names_its_line(used_url: str, tmp_path: Path) -> None:
    evening = tmp_path / "evening.txt"
    evening.write_bytes(b"event: Lyon Meetup\ndate: 2026-11-20\n\nperson: B\xe9a\n")
    line = _one_line(used_url, "log", "--batch", str(evening))
    assert line == f"Error: {evening}:4: not UTF-8 text (byte 46)"


def test_a_json_export_over_the_ceiling_is_refused(
    journal_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_import, "MAX_DOCUMENT_CHARS", 100)
    monkeypatch.setattr(json_import, "_CHUNK", 16)
    document = tmp_path / "export.json"
    document.write_text(json.dumps({"format": "netjournal", "padding": "x" * 200}))
    line = _one_line(journal_url, "import", "json", str(document))
    assert line == "Error: export.json: the file is too large: a JSON export is read up to 0 MB"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "not valid JSON: nested too deeply"),
        ('{"format": "netjournal", "format_version": ' + "7" * 5000 + "}", "too many digits"),
        (
            '{"format": "netjournal", "format_version": 1, "schema_revision": "'
            + "r" * 5000
            + '"}',
            "written by a newer netjournal (schema 'rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr...)",
        ),
        ('{"format": "netjournal", "format_version": true}', "version True is not supported"),
    ],
    ids=["deep-array", "long-version", "long-revision", "true-version"],
)
def test_a_hostile_json_document_is_refused_in_one_line(
    journal_url: str, tmp_path: Path, content: str, reason: str
) -> None:
    document = tmp_path / "export.json"
    document.write_text(content)
    line = _one_line(journal_url, "import", "json", str(document))
    assert line.startswith("Error: export.json: ") and reason in line
    assert len(line) < 200


def test_a_json_id_beyond_what_a_column_holds_names_the_record(
    journal_url: str, tmp_path: Path
) -> None:
    document = json.loads(_export(journal_url))
    document["people"] = [{"id": 10**40, "display_name": "Ada Lovelace"}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    line = _one_line(journal_url, "import", "json", str(path))
    assert "people[0]" in line and "'id' is out of range" in line


@pytest.mark.parametrize(
    "args",
    [
        ["report", "followups", "--soon", "999999999"],
        ["report", "events", "--limit", "99999999999999999999"],
        ["lead", "update", HUGE_ID, "--status", "won"],
        ["lead", "edit", HUGE_ID, "--summary", "Crates"],
        ["outcome", "add", HUGE_ID, "--kind", "revenue", "--value", "10", "--note", "x"],
        ["encounter", "edit", HUGE_ID, "--notes", "x"],
        ["followup", "done", HUGE_ID],
        ["people", "show", HUGE_ID],
    ],
    ids=lambda args: "-".join(args[:2]),
)
def test_numbers_too_large_are_refused_in_one_line(used_url: str, args: list[str]) -> None:
    line = _one_line(used_url, *args)
    assert "Overflow" not in line and "out of range" not in line


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql+nodriver://ann:secret@127.0.0.1/db", "Unknown PostgreSQL driver"),
        ("postgresql://[::1", "Not a database URL or file path"),
    ],
)
def test_a_database_url_that_cannot_work_is_refused_in_one_line(url: str, reason: str) -> None:
    result = run("--db", url, "people", "list")
    assert result.code == 1, result
    assert result.err.count("\n") == 1 and reason in result.err, result.err
    assert "secret" not in result.err
