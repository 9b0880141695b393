"""``journal.sync_vdir``: two-way sync with a vdir, on both backends.

Each test builds a real folder of ``.vcf`` files and a real journal, syncs, changes one side
(or both) by hand, syncs again, and checks both sides and the report.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers import edit, read_only, snapshot
from helpers import vcard as card

from netjournal import Journal
from netjournal.errors import InvalidInput


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.vcf"))}


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in folder.glob("*.vcf")}


@pytest.fixture
def vdir(tmp_path: Path) -> Path:
    folder = tmp_path / "contacts"
    folder.mkdir()
    (folder / "ada.vcf").write_text(card(1, "Ada Lovelace", "ada@engines.test"), newline="")
    (folder / "alan.vcf").write_text(card(2, "Alan Turing", "alan@bletchley.test"), newline="")
    return folder


def test_first_sync_brings_each_side_to_the_other(journal: Journal, vdir: Path) -> None:
    journal.people.add("Grace Hopper", emails=["grace@navy.test"], phones=["+1 202 555 0143"])
    report = journal.sync_vdir(vdir)
    assert sorted(i.name for i in report.journal_added) == ["Ada Lovelace", "Alan Turing"]
    assert [i.name for i in report.vdir_added] == ["Grace Hopper"]
    assert report.clean and journal.people.count() == 3
    ada = journal.people.get("Ada")
    assert ada.emails == ["ada@engines.test"] and ada.source == "vdir"
    assert ada.external_id == "card-1"
    new = vdir / report.vdir_added[0].href
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    text = new.read_text()
    assert "FN:Grace Hopper" in text and "grace@navy.test" in text and "UID:" in text
    assert not list(vdir.glob("*.part"))
    assert journal.last_change is not None and journal.last_change.kind == "sync.vdir"


def test_a_second_run_with_no_change_writes_no_file_and_no_row(
    journal: Journal, vdir: Path
) -> None:
    journal.people.add("Grace Hopper", emails=["grace@navy.test"])
    journal.sync_vdir(vdir)
    before, on_disk, when = snapshot(journal), files(vdir), stats(vdir)
    report = journal.sync_vdir(vdir)
    assert report.to_dict() == {
        **{name: [] for name in report.SECTIONS},
        "vdir": str(vdir.resolve()),
        "dry_run": False,
    }
    assert snapshot(journal) == before and files(vdir) == on_disk and stats(vdir) == when
    assert journal.last_change is None


def test_a_card_edited_in_the_vdir_comes_back_and_keeps_its_other_lines(
    journal: Journal, vdir: Path
) -> None:
    journal.sync_vdir(vdir)
    path = vdir / "ada.vcf"
    edit(path, "FN:Ada Lovelace", "FN:Ada King")
    report = journal.sync_vdir(vdir)
    assert [i.name for i in report.journal_updated] == ["Ada Lovelace"]
    assert journal.people.get("Ada King").emails == ["ada@engines.test"]
    # the journal edit is an ordinary change set: undo takes it back
    journal.undo()
    assert journal.people.get("Ada").display_name == "Ada Lovelace"


def test_a_journal_edit_replaces_only_the_lines_it_changes(journal: Journal, vdir: Path) -> None:
    journal.sync_vdir(vdir)
    before = (vdir / "ada.vcf").read_bytes()
    journal.people.update("Ada", title="Countess", phones=["06 11 22 33 44"])
    report = journal.sync_vdir(vdir)
    assert [i.href for i in report.vdir_updated] == ["ada.vcf"]
    after = (vdir / "ada.vcf").read_bytes()
    added = [line for line in after.split(b"\r\n") if line not in before.split(b"\r\n")]
    assert sorted(added) == [b"TEL:06 11 22 33 44", b"TITLE:Countess"]
    assert [line for line in after.split(b"\r\n") if line in before.split(b"\r\n")] == [
        line for line in before.split(b"\r\n")
    ]
    assert stat.S_IMODE((vdir / "ada.vcf").stat().st_mode) == 0o600
    assert journal.sync_vdir(vdir).to_dict()["vdir_updated"] == []


def test_phones_are_compared_in_e164(journal: Journal, vdir: Path) -> None:
    journal.people.add("Ada Lovelace", emails=["ada@engines.test"], phones=["06 11 22 33 44"])
    path = vdir / "ada.vcf"
    edit(path, "BDAY", "TEL:+33 6 11 22 33 44\r\nBDAY")
    report = journal.sync_vdir(vdir)  # Ada's card is linked to her by her unique e-mail
    assert [i.name for i in report.journal_added] == ["Alan Turing"] and report.clean
    assert journal.people.count() == 2 and report.vdir_updated == []
    assert journal.people.get("Ada").family_name == "Lovelace"  # filled in from the card
    assert [c.value for c in journal.people.get("Ada").contacts if c.kind == "phone"] == [
        "06 11 22 33 44"
    ]
    assert (vdir / "ada.vcf").read_text().count("TEL") == 1


def test_changes_on_both_sides_merge_field_by_field(journal: Journal, vdir: Path) -> None:
    journal.sync_vdir(vdir)
    journal.people.update("Ada", title="Countess")
    path = vdir / "ada.vcf"
    edit(path, "BDAY", "EMAIL:ada@home.test\r\nBDAY")
    report = journal.sync_vdir(vdir)
    assert report.clean, report
    ada = journal.people.get("Ada")
    assert ada.title == "Countess" and sorted(ada.emails) == ["ada@engines.test", "ada@home.test"]
    assert "TITLE:Countess" in path.read_text()


def test_a_conflict_keeps_both_versions_until_a_side_is_preferred(
    journal: Journal, vdir: Path
) -> None:
    journal.sync_vdir(vdir)
    journal.people.update("Ada", organization="Journal Org")
    path = vdir / "ada.vcf"
    edit(path, "BDAY", "ORG:Vdir Org\r\nBDAY")
    on_disk = path.read_bytes()
    report = journal.sync_vdir(vdir)
    assert [(c.name, c.fields) for c in report.conflicts] == [
        ("Ada Lovelace", {"organization": ("Journal Org", "Vdir Org")})
    ]
    assert journal.people.get("Ada").organization == "Journal Org"
    assert path.read_bytes() == on_disk
    assert len(journal.sync_vdir(vdir).conflicts) == 1  # still there: nothing was settled
    report = journal.sync_vdir(vdir, prefer="vdir")
    assert report.clean and journal.people.get("Ada").organization == "Vdir Org"
    assert path.read_bytes() == on_disk


def test_prefer_journal_writes_the_journal_value_into_the_card(
    journal: Journal, vdir: Path
) -> None:
    journal.sync_vdir(vdir)
    journal.people.update("Ada", display_name="Ada, Countess of Lovelace")
    path = vdir / "ada.vcf"
    edit(path, "FN:Ada Lovelace", "FN:A. L.")
    assert journal.sync_vdir(vdir, prefer="journal").clean
    assert "FN:Ada\\, Countess of Lovelace" in path.read_text()
    assert journal.people.get("Ada").display_name == "Ada, Countess of Lovelace"


def test_a_card_deleted_from_the_vdir_unlinks_and_prune_deletes(
    journal: Journal, vdir: Path
) -> None:
    journal.sync_vdir(vdir)
    journal.log("Ada Lovelace", notes="Met at the engine show")
    (vdir / "ada.vcf").unlink()
    report = journal.sync_vdir(vdir)
    assert [i.name for i in report.journal_unlinked] == ["Ada Lovelace"]
    assert journal.encounters.list(person="Ada")[0].notes == "Met at the engine show"
    assert journal.sync_vdir(vdir).vdir_added == []  # unlinked: no new card
    assert not (vdir / "ada.vcf").exists() and len(files(vdir)) == 1
    (vdir / "alan.vcf").unlink()
    report = journal.sync_vdir(vdir, prune=True)
    assert [i.name for i in report.journal_deleted] == ["Alan Turing"]
    assert [p.display_name for p in journal.people.list()] == ["Ada Lovelace"]
    journal.undo()  # a prune is a deletion like any other
    assert journal.people.count() == 2


def test_a_person_deleted_in_the_journal_loses_their_card(journal: Journal, vdir: Path) -> None:
    journal.sync_vdir(vdir)
    journal.people.delete("Alan")
    report = journal.sync_vdir(vdir)
    assert [i.href for i in report.vdir_deleted] == ["alan.vcf"]
    assert sorted(files(vdir)) == ["ada.vcf"]
    assert journal.sync_vdir(vdir).to_dict()["vdir_deleted"] == []


def test_forget_deletes_the_card_at_once_and_keeps_no_trace(journal: Journal, vdir: Path) -> None:
    journal.sync_vdir(vdir)
    edit(vdir / "alan.vcf", "BDAY", "TITLE:Mathematician\r\nBDAY")
    journal.sync_vdir(vdir)  # the history now holds the link's old values (its agreed fields)
    journal.people.forget("Alan")
    assert sorted(files(vdir)) == ["ada.vcf"]
    with journal.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT href, uid, base FROM vdir_cards").all()
    assert [tuple(r) for r in rows] == [("ada.vcf", "card-1", rows[0][2])]
    assert "alan" not in repr(snapshot(journal)).lower()


def test_forget_with_a_read_only_vdir_leaves_only_the_file_name(
    journal: Journal, vdir: Path
) -> None:
    journal.sync_vdir(vdir)
    with read_only(vdir):
        journal.people.forget("Alan")
        assert (vdir / "alan.vcf").exists()
        with journal.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT href, person_id, uid, etag, fingerprint, base FROM vdir_cards "
                "WHERE href = 'alan.vcf'"
            ).all()
        assert [tuple(r) for r in rows] == [("alan.vcf", None, None, None, None, None)]
    report = journal.sync_vdir(vdir)
    assert [i.href for i in report.vdir_deleted] == ["alan.vcf"]
    assert sorted(files(vdir)) == ["ada.vcf"]


def test_a_card_without_uid_is_synced_by_its_file_name(journal: Journal, vdir: Path) -> None:
    path = vdir / "nouid.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Uid\r\nEND:VCARD\r\n", newline="")
    assert [i.href for i in journal.sync_vdir(vdir).journal_added][-1] == "nouid.vcf"
    journal.people.update("No Uid", title="Anonymous")
    report = journal.sync_vdir(vdir)
    assert [i.href for i in report.vdir_updated] == ["nouid.vcf"]
    assert path.read_bytes() == (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Uid\r\nTITLE:Anonymous\r\nEND:VCARD\r\n"
    )


def test_a_malformed_card_is_refused_by_name_and_the_rest_synced(
    journal: Journal, vdir: Path
) -> None:
    (vdir / "broken.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Never closed\r\n")
    (vdir / "two.vcf").write_text(
        card(3, "One Person", "one@x.test") + card(4, "Two P", "t@x.test")
    )
    (vdir / "bad-mail.vcf").write_text(card(5, "Bad Mail", "not an address@"))
    report = journal.sync_vdir(vdir)
    assert sorted(r.href for r in report.refused) == ["bad-mail.vcf", "broken.vcf", "two.vcf"]
    assert "never closed" in {r.href: r.reason for r in report.refused}["broken.vcf"]
    assert sorted(p.display_name for p in journal.people.list()) == ["Ada Lovelace", "Alan Turing"]


def test_a_card_too_long_or_misnamed_is_refused_alone(journal: Journal, vdir: Path) -> None:
    """A name over the journal's limit, or a file name in another encoding than UTF-8, refuses
    that card by its name; the others are synced (before, either one aborted the whole sync)."""
    (vdir / "long.vcf").write_text(card(6, "Nina " + "N" * 350, "long@x.test"))
    os.close(os.open(os.fsencode(vdir) + b"/M\xfcller.vcf", os.O_WRONLY | os.O_CREAT, 0o600))
    report = journal.sync_vdir(vdir)
    refused = {r.href: r.reason for r in report.refused}
    assert set(refused) == {"long.vcf", "M\\xfcller.vcf"}, refused
    assert "longer than" in refused["long.vcf"]
    assert sorted(p.display_name for p in journal.people.list()) == ["Ada Lovelace", "Alan Turing"]


def test_a_read_only_vdir_is_refused_before_anything_changes(journal: Journal, vdir: Path) -> None:
    journal.people.add("Grace Hopper")
    before, on_disk = snapshot(journal), files(vdir)
    with read_only(vdir), pytest.raises(InvalidInput, match="Cannot sync .*lock file"):
        journal.sync_vdir(vdir)
    assert snapshot(journal) == before and files(vdir) == on_disk


def test_a_read_only_card_is_reported_and_tried_again(journal: Journal, vdir: Path) -> None:
    journal.sync_vdir(vdir)
    journal.people.update("Ada", title="Countess")
    with read_only(vdir / "ada.vcf"):
        report = journal.sync_vdir(vdir)
    assert [f.href for f in report.failed] == ["ada.vcf"] and report.vdir_updated == []
    assert [i.href for i in journal.sync_vdir(vdir).vdir_updated] == ["ada.vcf"]


def test_dry_run_reports_both_sides_and_writes_nothing(journal: Journal, vdir: Path) -> None:
    journal.people.add("Grace Hopper")
    before, on_disk = snapshot(journal), files(vdir)
    report = journal.sync_vdir(vdir, dry_run=True)
    assert report.dry_run and len(report.journal_added) == 2 and len(report.vdir_added) == 1
    assert snapshot(journal) == before and files(vdir) == on_disk


def test_one_sync_at_a_time(journal: Journal, vdir: Path) -> None:
    from netjournal.vdir.state import locked

    with locked(vdir.resolve()), pytest.raises(InvalidInput, match="Another sync"):
        journal.sync_vdir(vdir)


def test_vcard_4_for_new_cards_and_bad_options(journal: Journal, tmp_path: Path) -> None:
    journal.people.add("Grace Hopper", phones=["+1 202 555 0143"])
    report = journal.sync_vdir(tmp_path, version="4.0")
    text = (tmp_path / report.vdir_added[0].href).read_text()
    assert "VERSION:4.0" in text and "TEL;VALUE=uri:tel:+1-202-555-0143" in text
    with pytest.raises(InvalidInput, match="3.0 or 4.0"):
        journal.sync_vdir(tmp_path, version="2.1")
    with pytest.raises(InvalidInput, match="not a folder"):
        journal.sync_vdir(tmp_path / "missing")


def test_notes_go_only_when_asked(journal: Journal, tmp_path: Path) -> None:
    journal.people.add("Grace Hopper", notes="Private remark")
    report = journal.sync_vdir(tmp_path)
    path = tmp_path / report.vdir_added[0].href
    assert "Private remark" not in path.read_text()
    journal.sync_vdir(tmp_path, notes=True)
    assert "NOTE:Private remark" in path.read_text()


def test_undoing_a_sync_removes_its_people_and_the_next_finds_them_again(
    journal: Journal, vdir: Path
) -> None:
    journal.people.add("Grace Hopper")
    journal.sync_vdir(vdir)
    on_disk = files(vdir)
    journal.undo()
    assert [p.display_name for p in journal.people.list()] == ["Grace Hopper"]
    assert files(vdir) == on_disk  # an undo changes the journal, never the folder
    report = journal.sync_vdir(vdir)  # Grace's card is found again by its UID: no second one
    assert sorted(i.name for i in report.journal_added) == ["Ada Lovelace", "Alan Turing"]
    assert report.vdir_added == [] and files(vdir) == on_disk and report.clean


def test_undoing_a_deletion_before_the_next_sync_keeps_the_card_linked(
    journal: Journal, vdir: Path
) -> None:
    journal.sync_vdir(vdir)
    journal.people.delete("Alan")
    journal.undo()
    report = journal.sync_vdir(vdir)
    assert report.vdir_deleted == [] and report.vdir_added == [] and report.journal_added == []
    journal.people.update("Alan", title="Mathematician")
    assert [i.href for i in journal.sync_vdir(vdir).vdir_updated] == ["alan.vcf"]


def test_progress_is_reported_while_cards_are_read(journal: Journal, tmp_path: Path) -> None:
    for n in range(150):
        (tmp_path / f"c{n}.vcf").write_text(card(n, f"Person N{n}", f"p{n}@x.test"))
    calls: list[tuple[int, int]] = []
    journal.sync_vdir(tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (100, 150) and calls[-1] == (150, 150)
    assert journal.people.count() == 150


def test_a_card_edited_after_its_person_was_deleted_comes_back_as_new(
    journal: Journal, vdir: Path
) -> None:
    journal.sync_vdir(vdir)
    journal.people.delete("Alan")
    edit(vdir / "alan.vcf", "BDAY", "TITLE:Mathematician\r\nBDAY")
    report = journal.sync_vdir(vdir)
    assert report.vdir_deleted == [] and [i.href for i in report.journal_added] == ["alan.vcf"]
    assert journal.people.get("Alan").title == "Mathematician"


def test_a_deleted_card_put_back_relinks_its_person(journal: Journal, vdir: Path) -> None:
    journal.sync_vdir(vdir)
    kept = (vdir / "ada.vcf").read_bytes()
    (vdir / "ada.vcf").unlink()
    journal.sync_vdir(vdir)
    (vdir / "ada-restored.vcf").write_bytes(kept)  # the same card (UID card-1) comes back
    report = journal.sync_vdir(vdir)
    assert report.journal_added == [] and report.clean and journal.people.count() == 2
    journal.people.update("Ada", title="Countess")
    assert [i.href for i in journal.sync_vdir(vdir).vdir_updated] == ["ada-restored.vcf"]
    with journal.engine.connect() as conn:
        hrefs = conn.exec_driver_sql("SELECT href FROM vdir_cards ORDER BY href").scalars()
        assert list(hrefs) == ["ada-restored.vcf", "alan.vcf"]
