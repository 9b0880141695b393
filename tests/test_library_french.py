"""The library's refusals in French: the same call refused in one sentence in the user's
language, with French typography (no-break space before ``:`` ``;`` ``?``, « » quotes, ’),
whole sentences chosen by the case rather than pieced together, English unchanged, and import
locations (``file:line:``) kept as they are."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netjournal import Journal, i18n
from netjournal.cadence import describe
from netjournal.errors import AmbiguousName, ImportFormatError, InvalidInput, NotFound
from netjournal.importers import parse_file

NBSP = "\u00a0"


def _refusal(error: type[Exception], call: object, language: str) -> str:
    assert callable(call)
    with i18n.using(language), pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_unknown_person_in_french_and_in_english(journal: Journal) -> None:
    def call() -> object:
        return journal.people.get("Personne Inconnue")

    assert _refusal(NotFound, call, "fr") == (
        f"Aucune personne ne correspond à «{NBSP}Personne Inconnue{NBSP}»."
    )
    assert _refusal(NotFound, call, "en") == "No person matches 'Personne Inconnue'."


def test_a_label_and_its_sentence_agree_whatever_the_field(journal: Journal) -> None:
    message = _refusal(InvalidInput, lambda: journal.events.add("Salon", cost="-5"), "fr")
    assert message == "Le coût ne peut pas être un nombre négatif (-5)."
    message = _refusal(InvalidInput, lambda: journal.events.add("Salon", cost="12 $"), "fr")
    assert message.startswith(f"Le coût{NBSP}: «{NBSP}${NBSP}» désigne plusieurs devises")
    english = _refusal(InvalidInput, lambda: journal.events.add("Salon", cost="-5"), "en")
    assert english == "The cost cannot be negative (-5)."


def test_editions_held_on_no_day_are_one_whole_sentence(journal: Journal) -> None:
    for day in ("2026-03-05", "2026-04-02"):
        journal.events.add("Lyon Tech Meetup", day)

    def call() -> object:
        return journal.log("Alan Turing", event="Lyon Tech Meetup", date="2026-05-07")

    message = _refusal(AmbiguousName, call, "fr")
    assert message.startswith(
        f"«{NBSP}Lyon Tech Meetup{NBSP}» désigne plusieurs éditions, "
        f"dont aucune le 2026-05-07{NBSP}:"
    )
    assert message.endswith("Précisez la date de l’édition voulue, ou son identifiant.")
    english = _refusal(AmbiguousName, call, "en")
    assert english.startswith("'Lyon Tech Meetup' names several editions, none held on 2026-05-07:")


def test_a_follow_up_done_twice(journal: Journal) -> None:
    journal.log("Ada Lovelace")
    followup = journal.followups.add("Ada Lovelace", "2026-01-10", "Send the deck")
    journal.followups.done(followup.id, on=dt.date(2026, 1, 9))
    message = _refusal(InvalidInput, lambda: journal.followups.done(followup.id), "fr")
    assert message == (
        f"La relance #{followup.id} a déjà été faite le 2026-01-09{NBSP}; rouvrez-la d’abord."
    )


def test_import_errors_keep_their_location(tmp_path: Path) -> None:
    card = tmp_path / "carnet.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nNOTE:sans nom\nEND:VCARD\n", encoding="utf-8")
    message = _refusal(ImportFormatError, lambda: parse_file("vcard", card), "fr")
    assert message == "carnet.vcf:1: la fiche n’a ni nom (FN ou N), ni organisation, ni e-mail"
    message = _refusal(ImportFormatError, lambda: parse_file("vcard", card), "en")
    assert message == "carnet.vcf:1: the card has no name (FN or N), organization or e-mail"


def test_counts_choose_the_french_plural() -> None:
    with i18n.using("fr"):
        assert describe(30, 60) == "tous les 30 jours, au plus 60"
        assert describe(None, None) == "aucun rythme"
    assert describe(30, None) == "every 30 days"
