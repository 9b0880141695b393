"""The command line in French (--lang fr): messages, headers, field labels and vocabulary
words are French; what scripts read (--json, --csv) is the same as in English."""

from __future__ import annotations

import json

import pytest
from clirun import ok


@pytest.fixture
def fr(journal_url: str) -> list[str]:
    """A journal with one encounter that has a question, a lead and a follow-up."""
    db = ["--db", journal_url]
    ok(*db, "event", "add", "Lyon Tech Meetup", "--date", "2026-11-20", "--kind", "meetup")
    return ["--lang", "fr", *db]


def test_log_and_show_in_french(fr: list[str]) -> None:
    out = ok(
        *fr,
        "log",
        "Hélène Dubois",
        "--event",
        "lyon tech",
        "--org",
        "Emballix",
        "--asked",
        "Qui fabrique vos cartons ? => Une entreprise lyonnaise",
        "--lead",
        "fournisseur:Cartons moins chers",
        "--follow-up",
        "2026-11-27:Envoyer nos volumes",
    )
    assert out.startswith("Rencontre n°\u00a01 enregistrée\u00a0: Hélène Dubois (n°\u00a01) à ")
    assert "(1 question, 1 piste, 1 relance)." in out
    shown = ok(*fr, "people", "show", "Hélène")
    assert "  Organisation\u00a0: Emballix\n" in shown
    assert "1 rencontre\u00a0:\n" in shown
    assert "(fournisseur, ouverte)\u00a0: Cartons moins chers" in shown
    assert "Force du lien\u00a0: " in shown and "À faire\u00a0:" in shown


def test_listings_in_french_and_machine_output_unchanged(fr: list[str]) -> None:
    ok(*fr, "log", "Hélène Dubois", "--event", "lyon tech", "--lead", "client:Savons")
    table = ok(*fr, "lead", "list")
    header, row = table.splitlines()[:2]
    assert header.split() == ["N°", "Date", "Personne", "Événement", "Type", "Statut", "Résumé"]
    assert "client" in row and "ouverte" in row
    english = fr[2:]
    assert ok(*fr, "lead", "list", "--csv") == ok(*english, "lead", "list", "--csv")
    assert ok(*fr, "lead", "list", "--json") == ok(*english, "lead", "list", "--json")
    (lead,) = json.loads(ok(*fr, "lead", "list", "--json"))
    assert lead["kind"] == "customer" and lead["status"] == "open"
    assert ok(*fr, "outcome", "list") == "Aucun résultat ne correspond.\n"
    assert ok(*english, "outcome", "list") == "No outcomes match.\n"


def test_a_french_confirmation_takes_oui(journal_url: str) -> None:
    """Click's own confirmation knows only y/yes: a French interface asks « [o/N] » and takes
    o or oui; anything else is asked again, and no (or nothing) aborts."""
    from clirun import run

    db = ["--db", journal_url]
    ok(*db, "log", "Zoé Martin", "--date", "2026-11-02")
    ok(*db, "log", "Paul Roux", "--date", "2026-11-02")
    kept = run("--lang", "fr", *db, "people", "forget", "Zoé", input="peut-être\nnon\n")
    assert kept.code == 1 and "[o/N]\u00a0:" in kept.err and "Répondez o ou n." in kept.err
    gone = run("--lang", "fr", *db, "people", "forget", "Zoé", input="oui\n")
    assert gone.code == 0, gone
    english = run(*db, "people", "forget", "Paul", input="o\ny\n")  # o is not English
    assert english.code == 0 and "Please answer y or n." in english.err
    assert json.loads(ok(*db, "people", "list", "--json")) == []
