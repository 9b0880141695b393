"""French input wherever input is read: a French evening's file with French keys and dates,
French kinds and statuses in options and in the library, French search operators; stored
under the same codes as English, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from clirun import fails, ok, run
from hypothesis import given
from hypothesis import strategies as st

from netjournal import Journal
from netjournal.batch import parse_batch, parse_followup, parse_lead
from netjournal.errors import ImportFormatError, InvalidInput
from netjournal.query import parse
from netjournal.specs import FollowUpSpec, LeadSpec
from netjournal.vocab import TERMS, canonical, fold, label

NB = "\u00a0"  # the no-break space French puts inside « » and before : ; ? !

FRENCH_EVENING = """\
événement: Salon Emballage Lyon
date: vendredi dernier
lieu: Eurexpo, Lyon
type: salon
heures: 6
coût: 40 €

personne: Hélène Dubois
société: Emballix
poste: Directrice achats
domaine: emballage
question: Qui fabrique vos cartons ? => Un cartonnier à Vénissieux
q: Et vos étiquettes ?
r: Un imprimeur à Villeurbanne
enjeux: Passer au local d'ici le printemps
souhaits: Des fournisseurs lyonnais
piste: fournisseur: Son cartonnier de Vénissieux
relance: vendredi prochain: Envoyer le devis
étiquettes: emballage, lyon
m’a démarché: oui
hors domaine: non
note: Préfère les mails.

Personne: Karim Benali
Entreprise: Fonds Rhône
présenté par: Hélène Dubois
piste: levee de fonds: Son business angel
relance: dans 3 jours: Appeler
"""

ENGLISH_EVENING = """\
event: Salon Emballage Lyon
date: last friday
where: Eurexpo, Lyon
kind: trade show
hours: 6
cost: 40 €

person: Hélène Dubois
org: Emballix
title: Directrice achats
field: emballage
asked: Qui fabrique vos cartons ? => Un cartonnier à Vénissieux
q: Et vos étiquettes ?
a: Un imprimeur à Villeurbanne
stakes: Passer au local d'ici le printemps
wishes: Des fournisseurs lyonnais
lead: supplier: Son cartonnier de Vénissieux
follow-up: next friday: Envoyer le devis
tags: emballage, lyon
they pitched: yes
outside: no
note: Préfère les mails.

person: Karim Benali
company: Fonds Rhône
intro: Hélène Dubois
lead: fundraising: Son business angel
follow-up: in 3 days: Appeler
"""


def _last_friday() -> dt.date:
    today = dt.date.today()
    return next(d for d in (today - dt.timedelta(k) for k in range(1, 8)) if d.weekday() == 4)


def _stable(value: Any) -> Any:
    """JSON without the moments of writing, which differ between two journals."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if not k.endswith(("_at", "_on"))}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _season(db: list[str]) -> dict[str, Any]:
    listings = {
        "people": ("people", "list"),
        "events": ("event", "list"),
        "leads": ("lead", "list"),
        "followups": ("followup", "list"),
    }
    return {k: _stable(json.loads(ok(*db, *cmd, "--json"))) for k, cmd in listings.items()}


def test_a_french_evening_is_the_english_one(journal_url: str, tmp_path: Path) -> None:
    french = ["--db", journal_url]
    batch = tmp_path / "soirée.txt"
    batch.write_text(FRENCH_EVENING, encoding="utf-8")
    ok(*french, "log", "--batch", str(batch))
    english = ["--db", str(tmp_path / "english.db")]
    ok(*english, "init")
    ok(*english, "log", "--batch", "-", input=ENGLISH_EVENING)
    season = _season(french)
    assert season == _season(english)

    friday = _last_friday()
    (event,) = season["events"]
    assert event["kind"] == "trade show" and event["start_date"] == friday.isoformat()
    leads = {lead["summary"]: lead["kind"] for lead in season["leads"]}
    assert leads == {
        "Son cartonnier de Vénissieux": "supplier",
        "Son business angel": "fundraising",
    }
    dues = {f["action"]: f["due"] for f in season["followups"]}
    assert dues == {
        "Envoyer le devis": (friday + dt.timedelta(7)).isoformat(),  # the Friday after
        "Appeler": (friday + dt.timedelta(3)).isoformat(),
    }
    with Journal.open(journal_url) as journal:
        (helene,) = journal.encounters.list(person="Hélène")
        assert helene.pitched and helene.outside_field is False
        assert helene.notes == "Préfère les mails."
        assert [q.learned for q in helene.questions] == [
            "Un cartonnier à Vénissieux",
            "Un imprimeur à Villeurbanne",
        ]
        assert journal.people.get("Karim Benali").organization == "Fonds Rhône"

    # French search operators: OU, SAUF, ET
    def found(query: str) -> set[str]:
        hits = json.loads(ok(*french, "search", query, "--kind", "question", "--json"))
        return {h["snippet"].replace("**", "") for h in hits}

    assert len(found("cartonnier OU imprimeur")) == 2
    assert found("cartonnier OU imprimeur SAUF villeurbanne") == found("cartonnier")
    assert found("cartonnier ET venissieux") == found("cartonnier venissieux")
    assert found("imprimeur -villeurbanne") == set()


def test_the_french_example_file_logs(journal_url: str) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "apres-evenement.txt"
    out = ok("--db", journal_url, "log", "--batch", str(example))
    assert "3" in out
    leads = json.loads(ok("--db", journal_url, "lead", "list", "--json"))
    assert sorted(lead["kind"] for lead in leads) == ["advice", "partner", "supplier"]
    followups = json.loads(ok("--db", journal_url, "followup", "list", "--json"))
    thursday = next(f for f in followups if f["action"].startswith("L'appeler"))
    assert dt.date.fromisoformat(thursday["due"]).weekday() == 3  # "jeudi 14h30"


def test_french_options_on_the_command_line(journal_url: str) -> None:
    db = ["--db", journal_url]
    ok(*db, "event", "add", "Webinaire SEO", "--date", "hier", "--kind", "webinaire")
    ok(*db, "event", "add", "Dîner des fondateurs", "--date", "avant-hier", "--kind", "diner")
    kinds = {e["name"]: e["kind"] for e in json.loads(ok(*db, "event", "list", "--json"))}
    assert kinds == {"Webinaire SEO": "online", "Dîner des fondateurs": "dinner"}
    ok(
        *db,
        "log",
        "Paul Martin",
        "-d",
        "hier",
        "--lead",
        "fournisseur:Un fournisseur",
        "--follow-up",
        "vendredi prochain:Envoyer le devis",
    )
    (lead,) = json.loads(ok(*db, "lead", "list", "--kind", "fournisseur", "--json"))
    assert (lead["kind"], lead["summary"]) == ("supplier", "Un fournisseur")
    yesterday = dt.date.today() - dt.timedelta(1)
    (followup,) = json.loads(ok(*db, "followup", "list", "--json"))
    due = dt.date.fromisoformat(followup["due"])
    assert due.weekday() == 4 and 1 <= (due - yesterday).days <= 7
    lid = str(lead["id"])
    ok(*db, "lead", "edit", lid, "--status", "En cours")
    ok(*db, "outcome", "add", lid, "--value", "900", "--note", "Moins cher", "--kind", "économies")
    (won,) = json.loads(ok(*db, "lead", "list", "--status", "gagnée", "--json"))
    assert won["status"] == "won" and won["outcomes"][0]["kind"] == "savings"
    hits = json.loads(
        ok(*db, "search", "--lead-kind", "fournisseur", "--status", "gagnee", "--json")
    )
    assert {h["kind"] for h in hits} == {"lead", "outcome"}
    # an unknown kind is refused with the nearest one, in the language it was typed in
    err = fails(*db, "log", "Zoé", "--lead", "fournisseu:Des cartons")
    assert "«\u00a0fournisseur\u00a0»" in err and "fournisseur, client" in err
    assert "did you mean 'supplier'" in fails(*db, "lead", "list", "--kind", "suplier")
    assert len(json.loads(ok(*db, "lead", "list", "--json"))) == 1  # nothing else written


def test_the_library_reads_french_words(journal: Journal) -> None:
    journal.events.add("Salon Bio", "2026-09-20", kind="Salon")
    journal.log("Léa Moreau", event="Salon Bio", leads=[("Mise-en-relation", "Son avocat")])
    (lead,) = journal.leads.list(kind="mise en relation")
    assert lead.kind == "introduction"
    journal.leads.update(lead.id, status="abandonnée")
    assert [found.id for found in journal.leads.list(status="dropped")] == [lead.id]
    with pytest.raises(InvalidInput, match="Unknown lead kind 'bribe'"):
        journal.log("Léa Moreau", leads=[("bribe", "x")], again=True)
    assert len(journal.leads.list()) == 1


# -- the evening's file: French keys ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            "personne: A\nsociete: Datakoo\nsocite: X\n",
            3,
            f"Clé inconnue «{NB}socite{NB}» (vouliez",
        ),
        ("personne: A\nsocite: X\n", 2, "vouliez-vous dire «\u00a0société\u00a0»\u00a0?"),
        ("personne: A\nsurnom: Jo\n", 2, "pour la garder comme note"),
        ("person: A\nnickname: Jo\n", 2, "start the line with 'note:'"),
        ("événement: E\ntype: fête\npersonne: A\n", 2, f"le type d’événement{NB}: «{NB}fête{NB}»"),
        ("event: E\nkind: party\nperson: A\n", 2, "Unknown event kind 'party'"),
        ("personne: A\npiste: fournisseu: x\n", 2, "vouliez-vous dire «\u00a0fournisseur\u00a0»"),
        ("personne: A\nrelance: vendredi procain: x\n", 2, "«\u00a0vendredi prochain\u00a0»"),
        ("person: A\nNB: call back\n", 2, "Unknown key 'NB'"),
        ("personne: A\nlieu de naissance: Lyon\n", 2, f"Clé inconnue «{NB}lieu de naissance{NB}»"),
    ],
)
def test_french_mistakes_name_the_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_batch(text, source_name="soir.txt")
    assert caught.value.line == line and reason in str(caught.value)


def test_a_bare_m_a_demarche_line_says_they_pitched() -> None:
    (spec,) = parse_batch("personne: A\nM’a démarché\n").encounters
    assert spec.pitched is True and spec.notes is None


def test_free_notes_and_web_addresses_stay_notes() -> None:
    (spec,) = parse_batch(
        "personne: A\nRencontrée au bar, elle adore le jazz.\nhttps://emballix.example\n"
        "Rappel pour plus tard, après le salon: les tarifs\n"
    ).encounters
    assert spec.notes is not None and spec.notes.count("\n") == 2


def test_french_keys_fill_what_english_ones_do() -> None:
    french = parse_batch(FRENCH_EVENING.replace("date: vendredi dernier", "date: 20/11/2026"))
    english = parse_batch(ENGLISH_EVENING.replace("date: last friday", "date: 20/11/2026"))
    assert french.event == english.event
    for fr, en in zip(french.encounters, english.encounters, strict=True):
        fr.followups = en.followups = []  # kept as typed: "vendredi prochain", "next friday"
        assert fr == en


def test_a_follow_up_due_at_a_time_splits_after_the_time() -> None:
    assert parse_followup("jeudi 14:30: Appeler") == FollowUpSpec("jeudi 14:30", "Appeler")
    assert parse_followup("friday 2:30pm:Call") == FollowUpSpec("friday 2:30pm", "Call")
    assert parse_followup("vendredi prochain:Envoyer le devis") == FollowUpSpec(
        "vendredi prochain", "Envoyer le devis"
    )
    assert parse_followup("dans quinze jours: Relancer").due == "dans quinze jours"


def test_leads_in_either_language() -> None:
    assert parse_lead("fournisseur: Un fournisseur") == LeadSpec("supplier", "Un fournisseur")
    assert parse_lead("Levée de fonds: BA") == LeadSpec("fundraising", "BA")
    assert parse_lead("mise en relation: Son avocat") == LeadSpec("introduction", "Son avocat")
    assert parse_lead("Son cartonnier") == LeadSpec("other", "Son cartonnier")


# -- the vocabulary -----------------------------------------------------------------------------

_accents = str.maketrans("éèêëàâîïôûùç", "eeeeaaiiouuc")


@given(data=st.data())
def test_every_word_reads_to_its_code_however_written(data: st.DataObject) -> None:
    vocabulary = data.draw(st.sampled_from(sorted(TERMS)))
    term = data.draw(st.sampled_from(TERMS[vocabulary]))
    word = data.draw(st.sampled_from((term.code, term.fr, *term.aliases)))
    if data.draw(st.booleans()):
        word = word.translate(_accents)
    if data.draw(st.booleans()):
        word = word.upper()
    word = word.replace(" ", data.draw(st.sampled_from([" ", "-", "_", "  "])))
    assert canonical(f" {word} ", vocabulary) == term.code


@given(st.text(max_size=30), st.sampled_from(sorted(TERMS)))
def test_any_word_is_a_code_or_refused(word: str, vocabulary: str) -> None:
    try:
        code = canonical(word, vocabulary)
    except InvalidInput as exc:
        assert "\n" not in str(exc) and ("Unknown" in str(exc) or "inconnu" in str(exc) or
                                          "required" in str(exc))  # fmt: skip
        return
    assert code in {t.code for t in TERMS[vocabulary]}
    assert fold(word) in {fold(w) for t in TERMS[vocabulary] for w in (t.code, t.fr, *t.aliases)}


def test_each_word_names_one_code() -> None:
    for vocabulary, terms in TERMS.items():
        seen: dict[str, str] = {}
        for term in terms:
            for word in (term.code, term.fr, *term.aliases):
                assert seen.setdefault(fold(word), term.code) == term.code, (vocabulary, word)


def test_labels_for_showing_codes_later() -> None:
    assert label("supplier", "lead kind", "fr") == "fournisseur"
    assert label("trade show", "event kind", "fr") == "salon"
    assert label("won", "lead status") == "won"


def test_unknown_words_are_refused_in_the_language_typed() -> None:
    with pytest.raises(
        InvalidInput, match=f"le type d’événement{NB}: «{NB}salom{NB}» \\(vouliez-vous"
    ):
        canonical("salom", "event kind")
    with pytest.raises(InvalidInput, match=r"'conferance' \(did you mean 'conference'\?\)"):
        canonical("conferance", "event kind")
    with pytest.raises(InvalidInput, match=r"Unknown lead status 'wom' \(did you mean 'won'"):
        canonical("wom", "lead status")


# -- search operators ------------------------------------------------------------------------


def test_search_reads_french_operators() -> None:
    assert parse("fournisseur OU prestataire SAUF recruteur") == parse(
        "fournisseur OR prestataire NOT recruteur"
    )
    assert parse("cartons ET lyon") == parse("cartons lyon")
    assert parse("thé ou café") != parse("thé OU café")  # lower case: words, as OR's "or"
    assert run("search", "--help").code == 0


def test_search_kinds_in_either_language(journal_url: str) -> None:
    """``--kind piste`` is ``--kind lead`` (and plurals, accents optional); an unknown kind is
    refused with the nearest, in the language typed; the JSON keeps the codes."""
    db = ["--db", journal_url]
    ok(*db, "log", "Hélène Dubois", "-d", "hier", "--lead", "fournisseur:Son cartonnier")

    def kinds(*kind: str) -> list[str]:
        options = [word for k in kind for word in ("--kind", k)]
        hits = json.loads(ok(*db, "search", "cartonnier", *options, "--json"))
        return sorted(h["kind"] for h in hits)

    assert kinds("piste") == kinds("lead") == kinds("Pistes") == ["lead"]
    assert kinds("rencontre", "resultat") == []  # the words are in the lead only
    assert kinds("personne") == [] and kinds("people") == []
    assert f"«{NB}piste{NB}»" in fails(*db, "search", "carton", "--kind", "pisste")
    assert "did you mean 'lead'" in fails(*db, "search", "carton", "--kind", "leed")
