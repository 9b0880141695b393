"""The vdirs netjournal syncs, read and edited by real clients: khard (as a program, with a
config pointing at the vdir), vobject, the vCard 4.0 rules (RFC 6350), and the corpus of real
vCards, whose properties netjournal does not model must come back byte for byte."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import corpus_location, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netjournal import Journal
from netjournal.vdir.cards import Fields, edit_card, fields_of, new_card, read_card

KHARD = shutil.which("khard") or str(Path(sys.executable).with_name("khard"))
MODELLED = {"FN", "N", "ORG", "TITLE", "EMAIL", "TEL", "URL"}
_START = re.compile(rb"^(?:[\w-]+\.)?([\w-]+)[;:]")


def logical_lines(data: bytes) -> list[bytes]:
    """A card's content lines as bytes, folding and line breaks included (a line that does not
    start a property continues the one before, as folded and quoted-printable lines do)."""
    out: list[bytes] = []
    for physical in re.findall(rb"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$", data):
        starts = _START.match(physical) or physical.upper().startswith((b"BEGIN:", b"END:"))
        if out and not starts:
            out[-1] += physical
        else:
            out.append(physical)
    return out


def unmodelled(data: bytes) -> list[bytes]:
    """The card's lines netjournal must keep as they are (all but the modelled properties)."""
    kept = []
    for line in logical_lines(data):
        match = _START.match(line)
        if not (match and match.group(1).decode().upper() in MODELLED):
            kept.append(line.rstrip(b"\r\n"))
    return kept


# -- khard ------------------------------------------------------------------------------------


def khard(home: Path, *args: str) -> str:
    """Run khard with a config in ``home`` (never the user's), from outside the checkout."""
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [KHARD, *args],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def khard_home(tmp_path: Path) -> Path:
    if not Path(KHARD).exists():
        pytest.skip("khard is not installed (pip install '.[test]')")
    home = tmp_path / "home"
    (home / "config" / "khard").mkdir(parents=True)
    (home / "contacts").mkdir()
    editor = home / "editor.py"
    editor.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "path = sys.argv[-1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "text = text.replace('Organisation: Engines', 'Organisation: Babbage Ltd')\n"
        "text = text.replace('Title:\\n', 'Title: Countess\\n', 1)\n"
        "text = text.replace('    INTERNET: ada@engines.test\\n',\n"
        "    '    INTERNET: ada@engines.test\\n    work: ada@babbage.test\\n', 1)\n"
        "open(path, 'w', encoding='utf-8').write(text)\n"
    )
    editor.chmod(0o700)
    (home / "config" / "khard" / "khard.conf").write_text(
        "[addressbooks]\n[[journal]]\n"
        f"path = {home / 'contacts'}\n"
        "[general]\ndebug = no\ndefault_action = list\n"
        f"editor = {editor}\nmerge_editor = {editor}\n"
        "[contact table]\ndisplay = formatted_name\n"
    )
    return home


def test_khard_reads_the_vdir_netjournal_wrote(journal: Journal, khard_home: Path) -> None:
    journal.people.add(
        "Ada Lovelace",
        emails=["ada@engines.test"],
        phones=["+44 20 7946 0958"],
        organization="Engines",
    )
    journal.people.add("Alan Turing", emails=["alan@bletchley.test"], title="Cryptanalyst")
    journal.sync_vdir(khard_home / "contacts")
    listing = khard(khard_home, "list")
    assert "Ada Lovelace" in listing and "Alan Turing" in listing
    shown = khard(khard_home, "show", "Ada")
    assert "Organisation: Engines" in shown and "+44 20 7946 0958" in shown
    emails = khard(khard_home, "email", "--parsable")
    assert "ada@engines.test\tAda Lovelace" in emails
    assert "alan@bletchley.test\tAlan Turing" in emails


def test_an_edit_made_with_khard_comes_back_at_the_next_sync(
    journal: Journal, khard_home: Path
) -> None:
    journal.people.add("Ada Lovelace", emails=["ada@engines.test"], organization="Engines")
    journal.sync_vdir(khard_home / "contacts")
    khard(khard_home, "modify", "Ada")  # khard's own editing path, through $EDITOR
    report = journal.sync_vdir(khard_home / "contacts")
    assert [i.name for i in report.journal_updated] == ["Ada Lovelace"] and report.clean
    ada = journal.people.get("Ada")
    assert (ada.organization, ada.title) == ("Babbage Ltd", "Countess")
    assert sorted(ada.emails) == ["ada@babbage.test", "ada@engines.test"]
    assert journal.sync_vdir(khard_home / "contacts").journal_updated == []


# -- vobject and the vCard rules ------------------------------------------------------------


def _people(journal: Journal) -> None:
    journal.people.add(
        "Hélène Dubois-Martin",
        emails=["helene@emballix.test"],
        phones=["06 12 34 56 78"],
        urls=["https://emballix.test/helene"],
        organization="Emballix; Lyon, France",
        title="Head of operations, packaging and everything else that fills a long line",
    )
    journal.people.add("Prince")
    journal.people.add("Ada Lovelace", phones=["not a number"], emails=["ada@engines.test"])


def test_cards_written_in_3_0_are_valid_for_vobject(journal: Journal, tmp_path: Path) -> None:
    import vobject

    _people(journal)
    journal.sync_vdir(tmp_path, version="3.0")
    for path in tmp_path.glob("*.vcf"):
        card = vobject.readOne(path.read_text(encoding="utf-8"))
        assert card.version.value == "3.0"
        assert card.fn.value and card.n.value is not None and card.uid.value  # required in 3.0
    hélène = next(p for p in tmp_path.glob("*.vcf") if "Hélène" in p.read_text())
    assert vobject.readOne(hélène.read_text()).org.value == ["Emballix; Lyon, France"]


def test_cards_written_in_4_0_follow_rfc_6350(journal: Journal, tmp_path: Path) -> None:
    import vobject

    _people(journal)
    journal.sync_vdir(tmp_path, version="4.0")
    for path in tmp_path.glob("*.vcf"):
        data = path.read_bytes()
        lines = data.split(b"\r\n")
        assert lines[:2] == [b"BEGIN:VCARD", b"VERSION:4.0"] and lines[-2:] == [b"END:VCARD", b""]
        assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF line breaks only
        assert all(len(line) <= 75 for line in lines)  # folded at 75 octets
        card = vobject.readOne(data.decode("utf-8"))
        assert card.fn.value and card.uid.value  # FN is required, UID identifies the card
        assert card.kind.value in ("individual", "group", "org", "location")
        for email in card.contents.get("email", []):
            assert "INTERNET" not in str(email.params).upper()  # a 3.0 type 4.0 dropped
        for tel in card.contents.get("tel", []):
            value = tel.params.get("VALUE", ["text"])[0].lower()
            assert value in ("uri", "text")
            if value == "uri":
                assert re.fullmatch(r"tel:\+?[0-9-]+", tel.value), tel.value


# -- the corpus: unknown properties come back byte for byte -----------------------------------


def _corpus_vdir(folder: Path) -> dict[str, bytes]:
    corpus = corpus_location()
    if not corpus.is_dir():
        pytest.skip(f"the shared corpus is absent ({corpus})")
    folder.mkdir()
    for source in sorted(corpus.glob("*.vcf")):
        data = source.read_bytes()
        cards = re.findall(rb"BEGIN:VCARD.*?END:VCARD[ \t]*(?:\r\n|\n|\r)?", data, re.S | re.I)
        if len(cards) <= 1:
            (folder / source.name).write_bytes(data)
            continue
        for n, card in enumerate(cards, start=1):  # vdir: one card per file
            (folder / f"{source.stem}-{n}.vcf").write_bytes(card)
    return {p.name: p.read_bytes() for p in folder.glob("*.vcf")}


def test_corpus_round_trip_keeps_unknown_properties_byte_for_byte(
    journal: Journal, tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    before = _corpus_vdir(folder)
    report = journal.sync_vdir(folder)
    refused = {r.href for r in report.refused}
    synced = set(before) - refused
    assert len(synced) >= 40 and not report.conflicts
    for n, person in enumerate(journal.people.list()):
        journal.people.update(
            person,
            display_name=f"{person.display_name} Jr",
            title="Synced title",
            organization="Synced Org",
            phones=[f"+33 6 12 34 {n // 100:02d} {n % 100:02d}"],
            emails=[f"synced{n}@example.test"],
        )
    report = journal.sync_vdir(folder)
    written = {i.href for i in report.vdir_updated}
    assert written == synced - {f.href for f in report.failed}
    assert not report.failed, report.failed
    for name, data in before.items():
        after = (folder / name).read_bytes()
        if name not in written:
            assert after == data, name
            continue
        assert unmodelled(after) == unmodelled(data), name
        assert b"Synced title" in after and b"Synced Org" in after
    for name in written:  # and the journal reads back what it wrote: nothing left to do
        assert read_card((folder / name).read_bytes(), name, notes=False).fields.scalars[
            "title"
        ] == ("Synced title")
    again = journal.sync_vdir(folder)
    assert not (again.vdir_updated or again.journal_updated or again.conflicts)


# -- Hypothesis: any values, any unknown lines --------------------------------------------------

_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40
).map(lambda s: " ".join(s.split()))
_names = _text.filter(lambda s: bool(s.strip()))
_emails = st.from_regex(r"[a-z][a-z0-9]{0,8}@[a-z]{1,8}\.test", fullmatch=True)
_x_lines = st.lists(
    st.tuples(
        st.from_regex(r"X-[A-Z]{1,10}", fullmatch=True),
        st.text(
            st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
            max_size=120,
        ),
    ),
    max_size=4,
)


def _fields(name: str, org: str, title: str, emails: list[str]) -> Fields:
    return fields_of(
        {"display_name": name, "organization": org or None, "title": title or None},
        [("email", e, None) for e in emails],
        notes=False,
    )


@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_names,
    org=_text,
    title=_text,
    emails=st.lists(_emails, max_size=3, unique=True),
    version=st.sampled_from(["3.0", "4.0"]),
)
def test_a_new_card_reads_back_as_written(
    name: str, org: str, title: str, emails: list[str], version: str
) -> None:
    fields = _fields(name, org, title, emails)
    text = new_card(fields, "urn:uuid:00000000-0000-0000-0000-000000000001", version)
    back = read_card(text.encode("utf-8"), "x.vcf", notes=False).fields.agreed()
    for key in ("display_name", "organization", "title", "email"):
        assert back[key] == fields.agreed()[key]


@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.tuples(_names, _text, _text, st.lists(_emails, max_size=3, unique=True)),
    second=st.tuples(_names, _text, _text, st.lists(_emails, max_size=3, unique=True)),
    extra=_x_lines,
)
def test_editing_a_card_keeps_every_unknown_line(
    first: tuple[str, str, str, list[str]],
    second: tuple[str, str, str, list[str]],
    extra: list[tuple[str, str]],
) -> None:
    import vobject

    text = new_card(_fields(*first), "urn:uuid:00000000-0000-0000-0000-000000000002", "3.0")
    unknown = "".join(
        vobject.base.ContentLine(name, [], value).serialize() for name, value in extra
    )
    text = text.replace("END:VCARD", unknown + "END:VCARD")
    card = read_card(text.encode("utf-8"), "x.vcf", notes=False)
    wanted = _fields(*second)
    edited = edit_card(card, wanted)
    assert unmodelled(edited.encode()) == unmodelled(text.encode())
    back = read_card(edited.encode("utf-8"), "x.vcf", notes=False).fields
    for key in ("display_name", "organization", "title", "email"):
        assert back.agreed()[key] == wanted.agreed()[key]


# -- the three-way merge ------------------------------------------------------------------------

_value = st.sampled_from([None, "a", "b", "c"])
_keys = st.frozensets(st.sampled_from(["x@a.test", "y@a.test", "z@a.test"]))


def _side(title: str | None, emails: frozenset[str]) -> Fields:
    return fields_of(
        {"display_name": "Ada", "title": title}, [("email", e, None) for e in emails], notes=False
    )


@settings(max_examples=examples(200))
@given(
    base=st.tuples(_value, _keys), mine=st.tuples(_value, _keys), theirs=st.tuples(_value, _keys)
)
def test_the_merge_takes_each_sides_changes_and_never_invents(
    base: tuple[str | None, frozenset[str]],
    mine: tuple[str | None, frozenset[str]],
    theirs: tuple[str | None, frozenset[str]],
) -> None:
    from netjournal.vdir.plan import merge

    agreed = _side(*base).agreed()
    merged, conflicts = merge(agreed, _side(*mine), _side(*theirs), None)
    title, emails = merged.scalars["title"], set(merged.contacts["email"])
    if mine[0] == base[0]:
        assert title == theirs[0] and not conflicts  # only the vdir changed it
    elif theirs[0] == base[0] or mine[0] == theirs[0]:
        assert title == mine[0] and not conflicts
    else:
        assert conflicts == {"title": (mine[0], theirs[0])}
        for side in ("journal", "vdir"):
            resolved, left = merge(agreed, _side(*mine), _side(*theirs), side)
            wanted = mine[0] if side == "journal" else theirs[0]
            assert not left and resolved.scalars["title"] == wanted
    assert emails <= mine[1] | theirs[1]  # nothing invented
    assert (mine[1] - base[1]) | (theirs[1] - base[1]) <= emails  # additions kept
    assert not emails & ((base[1] - mine[1]) | (base[1] - theirs[1]))  # removals applied
