"""Issue 19 item 14: what an adversary typed gets one clear line, exit status 1 and an
unchanged journal: bytes that are not UTF-8 in an argument, a 200,000-character LinkedIn
field, a date whose sign and 'ago' disagree (e-mails and vCard categories: test_contacts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import fails, ok, run

from netjournal import Journal
from netjournal.errors import InvalidInput
from netjournal.validate import parse_date

SCRIPT = Path(sys.executable).with_name("netjournal")


def _url(journal: Journal) -> str:
    return journal.location.url.render_as_string(hide_password=False)


def test_an_argument_that_is_not_utf8_is_one_line(journal: Journal, tmp_path: Path) -> None:
    j = journal
    db = ["--db", _url(j)]
    j.log("Anne", date="2026-11-10")
    before = j.counts()
    for args in (["log", "caf\udcff"], ["people", "show", "caf\udcff"], ["search", "\udcc3"]):
        err = fails(*db, *args)
        assert "an argument is not UTF-8 text" in err and "codec" not in err
    assert "'caf\\xff'" in fails(*db, "log", "Anne", "--notes", "caf\udcff")
    # As a shell passes it: real bytes, decoded by Python with surrogateescape.
    done = subprocess.run(
        [SCRIPT, "--db", _url(j), "log", os.fsencode("caf\udcff")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr == (
        "Error: an argument is not UTF-8 text: 'caf\\xff' (check the terminal's or the "
        "script's encoding).\n"
    )
    assert j.counts() == before
    with pytest.raises(InvalidInput, match="not valid text"):
        j.people.add("caf\udcff")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        j.log("caf\udcff")


@pytest.mark.parametrize("typed", ["-3 days ago", "+3 days ago", "in -3 days", "il y a -2 jours"])
def test_a_sign_and_ago_together_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput, match="both say which way to count"):
        parse_date(typed)


def test_signed_dates_on_the_command_line(journal: Journal) -> None:
    j = journal
    db = ["--db", _url(j)]
    err = fails(*db, "log", "Anne", "--date", "-3 days ago")
    assert "Invalid date '-3 days ago'" in err and "'3 days ago'" in err
    assert j.counts()["encounters"] == 0
    ok(*db, "log", "Anne", "--date", "-3 days")
    ok(*db, "log", "Bob", "--date", "3 days ago")
    (bob,) = [e for e in j.encounters.list() if e.person.display_name == "Bob"]
    (anne,) = [e for e in j.encounters.list() if e.person.display_name == "Anne"]
    assert anne.date == bob.date


def test_a_huge_linkedin_field_is_named(journal: Journal, tmp_path: Path) -> None:
    j = journal
    db = ["--db", _url(j)]
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,Company,Position,Connected On\n"
        "Ann,Lee,Acme,CEO,09 Oct 2024\n"
        f"Bob,Ray,{'x' * 200_000},CTO,10 Oct 2024\n",
        encoding="utf-8",
    )
    err = fails(*db, "import", "linkedin", str(path))
    assert err == f"Error: {path}:3: the organization is longer than 300 characters"
    assert j.counts()["people"] == 0
    done = run(*db, "import", "linkedin", str(path), "--skip-invalid")
    assert done.code == 0 and "organization is longer than 300" in done.out + done.err
    assert [p.display_name for p in j.people.list()] == ["Ann Lee"]
