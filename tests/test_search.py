"""journal.search on both backends: what users type, what they find, in what order."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import Seeds

from netjournal import Journal
from netjournal.errors import InvalidInput, NotFound


@pytest.fixture
def filled(journal: Journal, journal_url: str, seeds: Seeds) -> Journal:
    """The journal below, built once per test process and backend (helpers.Seeds)."""
    seeds.restore(journal_url, fill)
    return journal


def fill(journal: Journal) -> None:
    journal.events.add("Lyon Tech Meetup", "2026-03-12", kind="meetup", tags=["lyon"])
    journal.events.add("Salon de l'été", "2026-07-02", kind="trade show", location="Paris")
    journal.log(
        "Hélène Dubois",
        event="Lyon Tech Meetup",
        organization="Emballix",
        field="packaging",
        notes="Elle cherche un réseau de fournisseurs de carton.",
        questions=[("Who makes your boxes?", "A firm near Villeurbanne")],
        leads=[("supplier", "Cheaper cardboard from her supplier")],
        tags=["warm"],
    )
    journal.log(
        "Marc Petit",
        event="Salon de l'été",
        organization="Brightwave",
        notes="Mentioned they need a CTO hire before the funding round; send a follow-up.",
        stakes="Recruiting is their bottleneck",
        leads=[{"kind": "recruiting", "summary": "Intro to their CTO search", "status": "won"}],
    )
    journal.log(
        "Zoé Martin",
        date="2026-01-05",
        organization="Atelier Cœur",
        notes="Met at a café; she does bookkeeping for small shops.",
        wishes="Wants more clients in Lyon",
    )


def kinds_ids(hits: list) -> list[tuple[str, int]]:
    return [(h.kind, h.id) for h in hits]


def people_of(hits: list) -> set[str]:
    """Whose hits these are (an event's own hit belongs to nobody)."""
    return {h.person for h in hits if h.person is not None}


ACCENT_CASES = [
    ("reseau", "Hélène Dubois"),
    ("RÉSEAU", "Hélène Dubois"),
    ("Helene", "Hélène Dubois"),
    ("hélène", "Hélène Dubois"),
    ("HELENE DUBOIS", "Hélène Dubois"),
    ("zoe", "Zoé Martin"),
    ("cafe", "Zoé Martin"),
    ("coeur", "Zoé Martin"),
    ("cœur", "Zoé Martin"),
]


def test_accents_and_case_fold_both_ways(filled: Journal) -> None:
    for typed, person in ACCENT_CASES:
        hits = filled.search(typed)
        assert hits, typed
        assert people_of(hits) == {person}, typed


def test_an_accented_query_finds_plain_text_and_back(journal: Journal) -> None:
    journal.log("Anna", notes="resume of the ete programme")
    journal.log("Bruno", notes="Le résumé de l'ÉTÉ")
    assert people_of(journal.search("ÉTÉ")) == {"Anna", "Bruno"}
    assert people_of(journal.search("été")) == {"Anna", "Bruno"}
    assert people_of(journal.search("ete")) == {"Anna", "Bruno"}
    assert people_of(journal.search("résumé")) == {"Anna", "Bruno"}


def test_prefixes_match_and_exact_words_too(filled: Journal) -> None:
    assert people_of(filled.search("pack")) == {"Hélène Dubois"}
    assert people_of(filled.search("packaging")) == {"Hélène Dubois"}
    assert people_of(filled.search("bookkeep*")) == {"Zoé Martin"}
    assert filled.search("packagingz") == []


def test_every_kind_is_searchable_with_its_person_event_and_date(filled: Journal) -> None:
    by_kind = {h.kind: h for h in filled.search("Emballix OR carton OR boxes OR cardboard")}
    assert set(by_kind) == {"person", "encounter", "question", "lead"}
    helene = filled.people.get("Hélène")
    meetup = filled.events.get("Lyon Tech")
    for kind in ("encounter", "question", "lead"):
        assert by_kind[kind].person_id == helene.id
        assert by_kind[kind].event == "Lyon Tech Meetup"
        assert by_kind[kind].event_id == meetup.id
        assert by_kind[kind].date == dt.date(2026, 3, 12)
    assert by_kind["person"].id == helene.id
    [event] = filled.search("Villeurbanne OR Salon", kinds="event")
    assert (event.kind, event.event, event.date) == ("event", "Salon de l'été", dt.date(2026, 7, 2))
    lead = filled.leads.list(kind="supplier")[0]
    [outcome_lead] = filled.search("cardboard", kinds="lead")
    assert outcome_lead.id == lead.id
    outcome = filled.outcomes.add(lead.id, "Saved on packaging invoices", value="1200")
    [found] = filled.search("invoices")
    assert (found.kind, found.id, found.person, found.event) == (
        "outcome",
        outcome.id,
        "Hélène Dubois",
        "Lyon Tech Meetup",
    )


def test_snippets_mark_the_matched_words(filled: Journal) -> None:
    [hit] = filled.search("fournisseurs", kinds="encounter")
    assert "**fournisseurs**" in hit.snippet
    marked = [hit.text[a:b] for a, b in hit.spans]
    assert marked == ["fournisseurs"]
    [hit] = filled.search("reseau", kinds="encounter")
    assert "**réseau**" in hit.snippet
    assert hit.marked("[", "]").count("[") == 1


def test_long_text_gets_an_excerpt_around_the_match(journal: Journal) -> None:
    filler = " ".join(f"word{i}" for i in range(200))
    journal.log("Long Notes", notes=f"{filler} the needle is here {filler}")
    [hit] = journal.search("needle")
    assert len(hit.text) <= 170
    assert hit.text.startswith("…") and hit.text.endswith("…")
    assert "**needle**" in hit.snippet


def test_phrases_need_the_words_in_order(filled: Journal) -> None:
    assert kinds_ids(filled.search('"Tech Meetup"', kinds="event")) == [("event", 1)]
    assert filled.search('"Meetup Tech"', kinds="event") == []
    assert people_of(filled.search('"CTO hire"')) == {"Marc Petit"}


def test_minus_excludes_and_or_widens(filled: Journal) -> None:
    lyon = filled.search("lyon")
    assert {"Hélène Dubois", "Zoé Martin"} <= people_of(lyon)
    assert "Zoé Martin" not in people_of(filled.search("lyon -clients"))
    assert people_of(filled.search("carton OR bookkeeping")) == {"Hélène Dubois", "Zoé Martin"}
    only_excluding = filled.search("-lyon", kinds="encounter")
    assert people_of(only_excluding) == {"Marc Petit"}


def test_fragments_of_memory_find_the_person(filled: Journal) -> None:
    # Not every word is anywhere: the encounter with most of them comes first.
    best = filled.search("the packaging guy from the Lyon meetup")[0]
    assert (best.kind, best.person) == ("encounter", "Hélène Dubois")
    assert filled.search("someone who mentioned a CTO hire")[0].person == "Marc Petit"


def test_best_match_comes_first(journal: Journal) -> None:
    journal.log("Paul Network", notes="nothing about it")
    journal.log("Other Person", notes="Paul said the network of Paul was useful, Paul again")
    journal.log("Third", notes="a very long note " * 30 + " with Paul once")
    hits = journal.search("paul network")
    assert (hits[0].kind, hits[0].person) == ("person", "Paul Network")
    # A short note that repeats the word outranks a long one that mentions it once.
    paul = [h.person for h in journal.search("paul", kinds="encounter")]
    assert paul.index("Other Person") < paul.index("Third")


def test_scores_are_relative_to_the_best_hit(filled: Journal) -> None:
    hits = filled.search("lyon")
    scores = [h.score for h in hits]
    assert scores[0] == 1.0 and scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_the_newest_matches_are_the_latest_written_whatever_their_kind(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the newest RANKED matches are ranked. Many older questions (a table with more
    # rows than leads) must not crowd out the lead written last.
    from netjournal import search

    monkeypatch.setattr(search, "RANKED", 3)
    for i in range(8):
        journal.log(f"Person {i}", questions=[(f"Which supplier {i}?", ""), ("Supplier?", "")])
    journal.log("Last", leads=[("supplier", "A supplier of recycled cardboard")])
    assert "lead" in [h.kind for h in journal.search("supplier", limit=3)]


def test_long_prefixes_find_exactly_their_words(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A word longer than SQLite's longest prefix index (12 letters) is read through that
    # index, which "internationale" shares with "internationalisation": only true matches
    # come back, even when the newest of the wider set hold none of them.
    from netjournal import search

    journal.log("Old", notes="Un projet d'internationalisation à Lyon")
    for i in range(6):
        journal.log(f"New {i}", notes=f"Une conférence internationale, {i} pays")
    monkeypatch.setattr(search, "RANKED", 3)
    news = {f"New {i}" for i in range(6)}
    assert people_of(journal.search("internationalisation", limit=2)) == {"Old"}
    assert people_of(journal.search("internationalisations", limit=2)) == set()
    assert people_of(journal.search("internationale", limit=50)) == news
    assert people_of(journal.search("internationa -internationalisation", limit=50)) == news
    assert people_of(journal.search("conference -internationalisations", limit=50)) == news


def test_writes_show_at_once_updates_and_deletes_included(filled: Journal) -> None:
    filled.people.update("Marc Petit", display_name="Marcus Small", organization="Tidewave")
    assert filled.search("Brightwave") == []
    assert kinds_ids(filled.search("Tidewave", kinds="person")) != []
    assert filled.search("Petit") == []
    # The encounter's document follows its person's new name.
    assert {h.kind for h in filled.search("Marcus")} >= {"person", "encounter"}
    lead = filled.leads.list(kind="supplier")[0]
    filled.leads.update(lead.id, summary="Corrugated boxes from a Lyon mill")
    assert filled.search("cardboard") == []
    assert kinds_ids(filled.search("corrugated")) == [("lead", lead.id)]
    filled.events.update("Lyon Tech Meetup", name="Rhône Builders")
    hits = filled.search("rhone", kinds="encounter")
    assert [h.event for h in hits] == ["Rhône Builders"]
    encounter = filled.encounters.list(person="Hélène")[0]
    filled.encounters.delete(encounter.id)
    assert filled.search("fournisseurs") == []
    assert filled.search("Villeurbanne") == []
    assert filled.search("corrugated") == []
    filled.events.delete("Salon de l'été")
    assert filled.search("salon") == []
    [marc] = filled.search("funding round")
    assert (marc.event, marc.event_id) == (None, None)


def test_merge_moves_hits_to_the_kept_person(filled: Journal) -> None:
    other = filled.people.add("Helene D.", notes="Duplicate card from the badge scanner")
    filled.log(other.id, notes="Talked about pallets")
    kept = filled.people.merge("Hélène Dubois", other.id)
    [pallets] = filled.search("pallets")
    assert (pallets.person_id, pallets.person) == (kept.id, "Hélène Dubois")
    assert {h.id for h in filled.search("badge", kinds="person")} == {kept.id}


def test_forget_leaves_nothing_to_find(filled: Journal) -> None:
    filled.people.forget("Hélène Dubois")
    for word in ("Helene", "Emballix", "reseau", "Villeurbanne", "cardboard", "carton"):
        assert filled.search(word) == [], word
    assert "Hélène Dubois" not in people_of(filled.search(""))


def test_filters_combine_with_text(filled: Journal) -> None:
    at_meetup = filled.search("lyon", event="Lyon Tech Meetup")
    assert {(h.kind, h.person) for h in at_meetup} == {
        ("event", None),
        ("encounter", "Hélène Dubois"),
    }
    assert people_of(filled.search("lyon", person="Zoé")) == {"Zoé Martin"}
    assert people_of(filled.search("lyon", since="2026-03-01")) == {"Hélène Dubois"}
    assert people_of(filled.search("lyon", until="2026-02-01")) == {"Zoé Martin"}
    assert filled.search("lyon", kinds=["question"]) == []
    assert people_of(filled.search("their", lead_kind="recruiting")) == {"Marc Petit"}
    assert filled.search("their", lead_kind="recruiting", lead_status="open") == []
    assert [h.kind for h in filled.search("reseau", tags=["#Warm"])] == ["encounter"]
    # A question and a lead carry their encounter's tags.
    assert [h.kind for h in filled.search("cheaper", tags=["warm"])] == ["lead"]
    assert [h.kind for h in filled.search("cheaper", tags=["lyon"])] == []
    assert [h.kind for h in filled.search("boxes", tags="warm")] == ["question"]
    assert filled.search("boxes", tags=["warm", "lyon"]) == []


def test_filters_alone_list_newest_first(filled: Journal) -> None:
    hits = filled.search(kinds="encounter")
    assert [h.person for h in hits] == ["Marc Petit", "Hélène Dubois", "Zoé Martin"]
    assert [h.date for h in hits] == sorted((h.date for h in hits), reverse=True)
    assert all(h.score == 0 for h in hits)
    meetup = filled.search(event="Lyon Tech")
    assert {h.kind for h in meetup} == {"event", "encounter", "question", "lead"}
    assert kinds_ids(filled.search(tags="lyon")) == [("event", 1)]
    won = filled.search(lead_status="won")
    assert [(h.kind, h.person) for h in won] == [("lead", "Marc Petit")]
    dated = filled.search("", since="2026-02-01", until="2026-06-30", kinds=["encounters"])
    assert people_of(dated) == {"Hélène Dubois"}
    assert len(filled.search(limit=2)) == 2


FILTER_CASES = [
    {"tags": "warm"},
    {"tags": "lyon"},
    {"tags": "vip"},
    {"tags": ["warm", "vip"]},
    {"tags": "warm", "kinds": "question"},
    {"tags": "vip", "kinds": ["person", "lead"]},
    {"lead_kind": "supplier"},
    {"lead_status": "won"},
    {"lead_kind": "recruiting", "lead_status": "won", "kinds": "outcome"},
    {"lead_kind": "supplier", "tags": "vip"},
    {"query": "cardboard", "tags": "warm"},
    {"query": "their", "lead_kind": "recruiting"},
    {"query": "lyon", "tags": "lyon"},
    {"query": "tidewave OR cardboard", "tags": "vip"},
]


def fill_with_vera(journal: Journal) -> None:
    """The journal of ``fill``, with a tagged person, a tagged lead and an outcome."""
    fill(journal)
    journal.people.add("Vera Vip", organization="Tidewave", tags=["vip"])
    journal.log("Vera Vip", leads=[{"kind": "supplier", "summary": "Pallets", "tags": ["vip"]}])
    lead = journal.leads.list(kind="recruiting")[0]
    journal.outcomes.add(lead.id, "Hired a CTO through their intro", value=1000)


@pytest.mark.parametrize("case", FILTER_CASES, ids=lambda c: ",".join(map(str, c.items())))
def test_tag_and_lead_filters_find_the_same_whichever_way_they_are_read(
    journal: Journal, journal_url: str, seeds: Seeds, monkeypatch: pytest.MonkeyPatch, case: dict
) -> None:
    # A tag or lead filter is read from its own rows when they are few, or checked while
    # walking the documents newest first when they are many: both must agree.
    from netjournal import filters

    seeds.restore(journal_url, fill_with_vera)
    filled = journal
    found = {}
    for few in (10**9, 1):
        monkeypatch.setattr(filters, "_few", lambda _connection, _limit, few=few: few)
        found[few] = kinds_ids(filled.search(**case))
    assert found[1] == found[10**9]
    # No row carries both tags (the lead with cardboard carries its encounter's).
    empty = case == {"tags": ["warm", "vip"]}
    assert bool(found[1]) != empty, found


def test_filters_read_either_way_find_something(
    filled: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netjournal import filters

    monkeypatch.setattr(filters, "_few", lambda _connection, _limit: 1)  # always walk
    assert [h.kind for h in filled.search("boxes", tags="warm")] == ["question"]
    assert kinds_ids(filled.search(tags="lyon")) == [("event", 1)]
    assert [(h.kind, h.person) for h in filled.search(lead_status="won")] == [
        ("lead", "Marc Petit")
    ]
    assert people_of(filled.search("their", lead_kind="recruiting")) == {"Marc Petit"}
    assert {h.kind for h in filled.search(tags="warm")} == {"encounter", "question", "lead"}


def test_bad_filters_are_refused_clearly(filled: Journal) -> None:
    with pytest.raises(InvalidInput, match="lead kind"):
        filled.search("x", lead_kind="bogus")
    with pytest.raises(InvalidInput, match="kind"):
        filled.search("x", kinds="nonsense")
    with pytest.raises(InvalidInput, match="limit"):
        filled.search("x", limit=0)
    with pytest.raises(InvalidInput):
        filled.search("x", since="not a date at all")
    with pytest.raises(NotFound):
        filled.search("x", person="Nobody Atall")


NASTY = [
    "follow-up",
    "don't",
    '"unbalanced',
    "AND",
    "OR",
    "NOT",
    "*",
    "(",
    ")",
    "col:value",
    "",
    "   ",
    "-",
    "--",
    '""',
    "a OR OR b",
    "NEAR(a b)",
    "^start",
    "'; DROP TABLE people; --",
    "\\",
    "%_%",
    "x" * 10_000,
    "é" * 3000,
    "\x00",
    "\u200b\u00ad",
    "🙂 emoji",
    "a:* & !b | (c <-> d)",
    "title:CTO",
    "{head body}: x",
]


def test_anything_typed_is_a_valid_query(filled: Journal) -> None:
    for typed in NASTY:
        for kinds in (None, "encounter"):
            hits = filled.search(typed, kinds=kinds)
            assert isinstance(hits, list), typed


def test_follow_up_and_dont_match_what_was_written(filled: Journal) -> None:
    assert people_of(filled.search("follow-up")) == {"Marc Petit"}
    filled.log("Dora", notes="I don't think so")
    assert people_of(filled.search("don't")) == {"Dora"}


def _raw_bytes(path: str) -> bytes:
    import os

    found = b""
    for suffix in ("", "-wal", "-journal"):
        if os.path.exists(path + suffix):
            with open(path + suffix, "rb") as handle:
                found += handle.read()
    return found


@pytest.mark.parametrize("how", ["forget", "delete_encounter"])
def test_forgotten_words_leave_the_sqlite_files(sqlite_journal: Journal, how: str) -> None:
    """Not just unsearchable: gone from the database and WAL bytes, index included."""
    import sqlite3

    secret = ["Qwyxtrand", "Blorfendip", "Zarquonia", "Plimsovert", "Grunthos"]
    for i in range(30):  # enough rows that the index has several segments to merge
        sqlite_journal.log(f"Bystander {i}", notes=f"ordinary notes number {i} about boxes")
    person = sqlite_journal.people.add("Qwyxtrand Blorfendip", organization="Zarquonia")
    encounter = sqlite_journal.log(
        person.id,
        notes="Plimsovert plans",
        questions=[("Grunthos?", "Grunthos again")],
        leads=[("advice", "Plimsovert advice")],
    )
    for i in range(30):
        sqlite_journal.log(f"Later {i}", notes=f"more ordinary notes {i}")
    path = str(sqlite_journal.location.path)
    raw = _raw_bytes(path).lower()
    assert all(word.lower().encode() in raw for word in secret)  # the check can fail
    if how == "forget":
        sqlite_journal.people.forget(person.id)
    else:
        sqlite_journal.encounters.delete(encounter.id)
        secret = ["Plimsovert", "Grunthos"]
    for word in secret:
        assert sqlite_journal.search(word) == []
    if how == "delete_encounter":
        # A deletion can be undone: the history keeps the rows until it is pruned.
        from netjournal import history

        with sqlite_journal.engine.begin() as connection:
            assert history.prune(connection, days=0) > 0
        sqlite_journal.store.scrub()
    raw = _raw_bytes(path).lower()
    leaks = [word for word in secret if word.lower().encode() in raw]
    assert leaks == []
    with sqlite3.connect(path) as check:  # and the index is still sound
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        check.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
    assert len(sqlite_journal.search("ordinary", limit=100)) == 60
