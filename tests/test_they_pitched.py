"""'Pitched' means they pitched their business to you (a seller): the flag, the batch key and
the old spellings, on SQLite and PostgreSQL."""

from __future__ import annotations

from clirun import ok, run

from netjournal import Journal


def _url(journal: Journal) -> str:
    return journal.location.url.render_as_string(hide_password=False)


def test_they_pitched_flag_key_and_old_spelling(journal: Journal) -> None:
    j = journal
    url = _url(j)
    ok("--db", url, "log", "Seller A", "--they-pitched", "--date", "2026-03-01")
    old = run("--db", url, "log", "Seller B", "--pitched", "--date", "2026-03-01")
    assert (
        old.code == 0 and old.err.strip() == "--pitched is now --they-pitched (they pitched to you)"
    )
    batch = (
        "event: Fair\ndate: 2026-03-02\n\n"
        "person: Seller C\nthey pitched: yes\n\n"
        "person: Seller D\npitched: yes\n"
    )
    assert run("--db", url, "log", "--batch", "-", input=batch).code == 0
    assert sorted(r.person for r in j.report("pitches").rows) == [
        "Seller A",
        "Seller B",
        "Seller C",
        "Seller D",
    ]
    help_text = ok("log", "--help")
    assert "They pitched their business to you (a seller)" in help_text
    assert "You pitched" not in help_text
    enc = j.log("Seller E", date="2026-03-03")
    ok("--db", url, "encounter", "edit", str(enc.id), "--they-pitched")
    assert j.encounters.get(enc.id).pitched is True
    ok("--db", url, "encounter", "edit", str(enc.id), "--not-pitched")
    assert j.encounters.get(enc.id).pitched is False
