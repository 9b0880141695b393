"""The export, backup and duplicates commands through the CLI's single exit point."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest
import vobject
from helpers import seed
from netjournal.cli.main import main

from netjournal import Journal


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


def test_export_each_format_to_a_private_file_or_stdout(
    journal_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Journal.open(journal_url) as journal:
        seed(journal)
    target = tmp_path / "journal.json"
    old_umask = os.umask(0o022)
    try:
        code, out, err = run(capsys, "--db", journal_url, "export", "json", "-o", str(target))
    finally:
        os.umask(old_umask)
    assert code == 0 and out == ""
    assert err.startswith("Exported 5 tags, 2 people, 1 events, 1 encounters")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    document = json.loads(target.read_text(encoding="utf-8"))
    assert len(document["people"]) == 2

    code, out, _ = run(capsys, "--db", journal_url, "export", "json")
    assert code == 0 and json.loads(out) == document

    code, out, _ = run(capsys, "--db", journal_url, "export", "vcard", "--version", "4.0")
    cards = list(vobject.readComponents(out))
    assert code == 0 and {c.fn.value for c in cards} == {"Paul Martin", "Hélène Dubois"}

    code, out, _ = run(capsys, "--db", journal_url, "export", "CSV", "--excel")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert code == 0 and out.startswith("\ufeff") and rows[0]["person"] == "Hélène Dubois"

    copy = tmp_path / "copy.db"
    with Journal.open(copy) as restored:
        with target.open(encoding="utf-8") as fp:
            restored.import_json(fp, source_name=str(target))
        with Journal.open(journal_url) as original:
            assert restored.counts() == original.counts()


def test_export_errors_exit_1_or_2(
    journal_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Journal.open(journal_url).close()
    code, _, err = run(capsys, "--db", journal_url, "export", "xml")
    assert code == 2 and "xml" in err
    (tmp_path / "file").write_text("")
    code, _, err = run(
        capsys, "--db", journal_url, "export", "json", "-o", str(tmp_path / "file" / "x")
    )
    assert code == 1 and err.startswith("Error: Cannot write") and len(err.splitlines()) == 1


def test_backup_command(
    journal_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Journal.open(journal_url).close()
    target = tmp_path / "backup.db"
    code, out, err = run(capsys, "--db", journal_url, "backup", str(target))
    if journal_url.startswith("postgresql"):
        assert code == 1 and "pg_dump --format=custom" in err and not target.exists()
        return
    assert code == 0 and out == f"Backup written to {target}\n"
    code, _, err = run(capsys, "--db", journal_url, "backup", str(target))
    assert code == 1 and "already exists" in err
    code, _, _ = run(capsys, "--db", journal_url, "backup", str(target), "--overwrite")
    assert code == 0


def test_duplicates_command(journal_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    Journal.open(journal_url).close()
    code, out, _ = run(capsys, "--db", journal_url, "people", "duplicates")
    assert code == 0 and out.startswith("No likely duplicates")
    with Journal.open(journal_url) as journal:
        first = journal.people.add("John Smith", organization="Acme").id
        second = journal.people.add("Jon Smith", organization="Acme").id
    code, out, _ = run(capsys, "--db", journal_url, "people", "duplicates", "--json")
    assert code == 0
    assert json.loads(out) == [
        {
            "score": 100,
            "first": {"id": first, "name": "John Smith", "organization": "Acme"},
            "second": {"id": second, "name": "Jon Smith", "organization": "Acme"},
            "reasons": ["similar names (90)", "same organization (Acme)"],
        }
    ]
    code, out, _ = run(capsys, "--db", journal_url, "people", "duplicates", "--min-score", "50")
    # in a pipe: the plain table alone (the hint to merge is for a terminal)
    assert code == 0 and out.splitlines()[0].split() == ["Score", "First", "Second", "Why"]
    assert f"#{second} Jon Smith" in out and "people merge" not in out
    code, out, _ = run(capsys, "--db", journal_url, "people", "duplicates", "--csv")
    assert code == 0 and out.splitlines() == [
        "score,first_id,first_name,first_organization,second_id,second_name,"
        "second_organization,reasons",
        f'100,{first},John Smith,Acme,{second},Jon Smith,Acme,"similar names (90), '
        'same organization (Acme)"',
    ]
    code, _, err = run(capsys, "--db", journal_url, "people", "duplicates", "--min-score", "101")
    assert code == 2
