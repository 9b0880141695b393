"""Search and names after a season of real use (issue items 12-15), on both backends."""

from __future__ import annotations

import datetime as dt
import json

from clirun import ok

from netjournal import Journal


def test_a_widened_search_says_so(journal: Journal, journal_url: str) -> None:
    journal.log("Awa Traoré", date="2026-05-02", notes="Cartonnier installé à Lyon")
    journal.log("Issa Ouédraogo", date="2026-05-03", notes="Retour du Burkina")
    journal.log("Paul Sanou", date="2026-05-04", notes="Cartonnier au Burkina")

    # every word somewhere: nothing widened ("AND" is the operator, not a word)
    strict = journal.search("cartonnier AND burkina")
    assert not strict.widened
    assert [h.person for h in strict] == ["Paul Sanou"]
    assert all(h.missing == () for h in strict)

    journal.people.delete("Paul Sanou")
    widened = journal.search("cartonnier AND burkina")
    assert widened.widened
    assert {h.person for h in widened} == {"Awa Traoré", "Issa Ouédraogo"}
    missing = {h.person: h.missing for h in widened}
    assert missing == {"Awa Traoré": ("burkina",), "Issa Ouédraogo": ("cartonnier",)}

    out = ok("--db", journal_url, "search", "cartonnier AND burkina")
    assert "No hit has every word" in out.splitlines()[0]
    assert "No hit has every word" not in ok("--db", journal_url, "search", "cartonnier")
    hits = json.loads(ok("--db", journal_url, "search", "cartonnier AND burkina", "--json"))
    assert sorted(h["missing"] for h in hits) == [["burkina"], ["cartonnier"]]
    hits = json.loads(ok("--db", journal_url, "search", "cartonnier", "--json"))
    assert [h["missing"] for h in hits] == [[]]
    assert "every word" in ok("search", "--help")


def test_a_tag_on_an_encounter_covers_everything_logged_in_it(journal: Journal) -> None:
    encounter = journal.log(
        "Hélène Dubois",
        date="2026-05-02",
        notes="Paie par chèque",
        tags=["export"],
        questions=[("Le chèque ou le virement ?", "Le chèque")],
        leads=[("customer", "Chèques cadeaux en gros")],
    )
    journal.outcomes.add(encounter.leads[0].id, "Commande de chèques", value="300")
    journal.log("Marc Petit", date="2026-05-03", notes="Un chèque aussi")  # not tagged

    hits = journal.search("cheque", tags="export")
    assert sorted(h.kind for h in hits) == ["encounter", "lead", "outcome", "question"]
    assert {h.encounter_id for h in hits} == {encounter.id}
    listed = journal.search(tags="export")  # the filters alone, newest first
    assert sorted(h.kind for h in listed) == ["encounter", "lead", "outcome", "question"]


def test_apostrophes_and_hyphens_fold_like_spaces(journal: Journal, journal_url: str) -> None:
    zoe = journal.people.add("Zoé N’Diaye", organization="Emballix SAS")
    jf = journal.people.add("Jean-François Lefèvre", organization="Cartonnerie d'Ardèche")
    journal.people.add("Marc O'Brien", organization="Emballages Martin")

    for typed, person in [
        ("ndiaye", zoe),
        ("n'diaye", zoe),
        ("diaye", zoe),
        ("zoe n diaye", zoe),
        ("jean francois", jf),
        ("jean-françois lefevre", jf),
        ("francois", jf),
    ]:
        assert journal.people.get(typed).id == person.id, typed
    assert "Zoé N’Diaye" in ok("--db", journal_url, "people", "show", "ndiaye")

    ok("--db", journal_url, "log", "jean francois", "--date", "2026-05-02", "--note", "Café")
    assert journal.people.count() == 3
    assert [e.person.id for e in journal.encounters.list()] == [jf.id]

    assert [h.id for h in journal.search("ndiaye", kinds="person")] == [zoe.id]
    assert [h.id for h in journal.search("jean francois", kinds="person")] == [jf.id]
    assert [h.id for h in journal.search("obrien", kinds="person")] != []

    assert [p.id for p in journal.people.list(organization="emballix")] == [zoe.id]
    assert [p.id for p in journal.people.list(organization="ardeche")] == [jf.id]
    assert [p.id for p in journal.people.list(organization="emballix sas")] == [zoe.id]
    assert journal.people.list(organization="ballix") == []
    listed = ok("--db", journal_url, "people", "list", "--org", "emballix")
    assert "Zoé N’Diaye" in listed and "O'Brien" not in listed


def test_a_person_hit_is_dated_by_the_last_encounter(journal: Journal) -> None:
    journal.people.add("Zoé Martin", notes="Rencontrée via Anne")
    journal.log("Awa Martin", date="2024-01-10", notes="Premier café")
    journal.log("Awa Martin", date="2025-03-04", notes="Deuxième café")

    dates = {h.person: h.date for h in journal.search("martin", kinds="person")}
    assert dates == {"Zoé Martin": None, "Awa Martin": dt.date(2025, 3, 4)}
    listed = {h.person: h.date for h in journal.search(kinds="person")}
    assert listed["Awa Martin"].isoformat() == "2025-03-04"
    assert listed["Zoé Martin"] is None


def test_refold_brings_keys_stored_by_the_old_rule_up_to_date(journal: Journal) -> None:
    from sqlalchemy import select, update

    from netjournal import tables as t
    from netjournal.refold import refold

    jf = journal.people.add("Jean-François Lefèvre", tags=["follow-up"], field="e-commerce")
    anne = journal.people.add("Anne Roy", tags=["later"])
    journal.events.add("Meet-up Lyon", "2026-05-02", series="Tech-Lunch")
    with journal.engine.begin() as connection:  # keys as the old rule wrote them
        connection.execute(
            update(t.people)
            .where(t.people.c.id == jf.id)
            .values(name_key="jean-francois lefevre", field_key="e-commerce")
        )
        connection.execute(
            update(t.events).values(name_key="meet-up lyon", series_key="tech-lunch")
        )
        connection.execute(
            update(t.tags).where(t.tags.c.name == "follow-up").values(key="follow-up")
        )
        connection.execute(  # two tags the new rule reads alike
            update(t.tags).where(t.tags.c.name == "later").values(name="follow up", key="follow up")
        )
    with journal.engine.begin() as connection:
        changed = refold(connection)
    assert changed["people.name_key"] == 1 and changed["tags.key"] == 1
    assert journal.people.get("jean francois").id == jf.id
    assert journal.events.get("meet up").name == "Meet-up Lyon"
    assert {p.id for p in journal.people.list(tag="follow-up")} == {jf.id, anne.id}
    assert [p.id for p in journal.people.list(field="e commerce")] == [jf.id]
    assert [e.name for e in journal.events.list(series="tech lunch")] == ["Meet-up Lyon"]
    with journal.engine.connect() as connection:
        assert connection.execute(select(t.tags.c.key)).scalars().all() == ["follow up"]
    with journal.engine.begin() as connection:
        assert set(refold(connection).values()) == {0}
