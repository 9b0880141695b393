"""The closed vocabularies: kinds and statuses the journal accepts, in English and French.

Each word is stored under one canonical code (the English word: ``supplier``, ``trade
show``), so a journal is the same whichever language wrote it. :data:`TERMS` gives every code
its label in each language and the other words that mean it; :func:`canonical` reads any of
them, accents and case optional (``fournisseur``, ``Levée de fonds``, ``conference``), and
:func:`label` names a code in a language. An unknown word is refused with the nearest known
one, never kept as ``other``.

Kept apart from the models so that the CLI can offer them as choices without importing
SQLAlchemy.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .errors import InvalidInput
from .i18n import N_


@dataclass(frozen=True)
class Term:
    """A stored code, its label in each language, and other words read as it."""

    code: str
    fr: str
    aliases: tuple[str, ...] = ()

    def label(self, language: str = "en") -> str:
        return self.fr if language == "fr" else self.code


TERMS: dict[str, tuple[Term, ...]] = {
    "event kind": (
        Term("meetup", "meetup", ("rencontre", "afterwork", "after work", "apero", "soiree")),
        Term("conference", "conférence", ("colloque", "congres", "forum", "sommet", "summit")),
        Term("trade show", "salon", ("salon professionnel", "foire", "expo", "exhibition")),
        Term("dinner", "dîner", ("repas", "diner d'affaires")),
        Term("online", "en ligne", ("webinaire", "webinar", "visio", "visioconference")),
        Term("other", "autre"),
    ),
    "lead kind": (
        Term("supplier", "fournisseur", ("vendor", "prestataire")),
        Term("customer", "client", ("cliente", "client potentiel", "prospect")),
        Term("partner", "partenaire", ("partenariat", "partnership")),
        Term("recruiting", "recrutement", ("embauche", "hiring", "recrue")),
        Term("fundraising", "levée de fonds", ("financement", "investissement", "funding")),
        Term("marketing", "marketing", ("communication",)),
        Term("advice", "conseil", ("conseils", "avis", "mentorat")),
        Term("introduction", "mise en relation", ("intro", "presentation")),
        Term("other", "autre"),
    ),
    "lead status": (
        Term("open", "ouverte", ("ouvert", "nouvelle", "nouveau")),
        Term("exploring", "en cours", ("exploration", "en exploration", "a explorer")),
        Term("won", "gagnée", ("gagne", "gagnee", "conclue", "conclu", "signe", "signee")),
        Term("dropped", "abandonnée", ("abandonne", "abandonnee", "perdue", "perdu", "lost")),
    ),
    "record kind": (  # what a search hit is (netjournal.search, --kind)
        Term("person", "personne", ("people", "persons", "personnes", "contact", "contacts")),
        Term("event", "événement", ("events", "evenements", "evenement")),
        Term("encounter", "rencontre", ("encounters", "rencontres", "meeting")),
        Term("question", "question", ("questions",)),
        Term("lead", "piste", ("leads", "pistes")),
        Term("outcome", "résultat", ("outcomes", "resultats", "resultat")),
    ),
    "outcome kind": (
        Term("revenue", "chiffre d’affaires", ("ca", "vente", "ventes", "revenu", "revenus")),
        Term("savings", "économies", ("economie", "saving")),
        Term("hire", "embauche", ("recrutement", "recrue")),
        Term("funding", "financement", ("levee de fonds", "investissement")),
        Term("idea applied", "idée appliquée", ("idee mise en pratique", "idee")),
        Term("other", "autre"),
    ),
}

#: What each vocabulary is called in messages ("Unknown event kind..."), for the catalog.
NAMES = (
    N_("event kind"),
    N_("lead kind"),
    N_("lead status"),
    N_("outcome kind"),
    N_("record kind"),
)
assert set(NAMES) == set(TERMS)

EVENT_KINDS = tuple(t.code for t in TERMS["event kind"])
LEAD_KINDS = tuple(t.code for t in TERMS["lead kind"])
LEAD_STATUSES = tuple(t.code for t in TERMS["lead status"])
OUTCOME_KINDS = tuple(t.code for t in TERMS["outcome kind"])
CONTACT_KINDS = ("email", "phone", "url")

#: What an encounter records: a meeting, or a connection made on a network (LinkedIn), which
#: the reports leave out unless asked to include connections.
ENCOUNTER_KINDS = ("meeting", "connection")

_JOINERS = str.maketrans(dict.fromkeys("-_\u2010\u2011", " ") | dict.fromkeys("\u2019\u2018`", "'"))


def fold(word: str) -> str:
    """``"Levée-de-Fonds"`` -> ``"levee de fonds"``: how vocabulary words are compared."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_JOINERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.split())


def _index(vocabulary: str) -> dict[str, str]:
    words: dict[str, str] = {}
    for term in TERMS[vocabulary]:
        for word in (term.code, term.fr, *term.aliases):
            words.setdefault(fold(word), term.code)
    return words


_INDEX = {name: _index(name) for name in TERMS}


def lookup(value: str, vocabulary: str) -> str | None:
    """The code ``value`` names in ``vocabulary``, or ``None``; no error, no suggestion."""
    return _INDEX[vocabulary].get(fold(value))


def canonical(value: object, vocabulary: str) -> str:
    """The stored code for ``value``: a code, a label in any language or an alias
    (``"fournisseur"`` -> ``"supplier"``). Anything else raises :class:`InvalidInput` with the
    nearest word (in the language it was typed in) and the choices."""
    from . import lang
    from .i18n import N_, _, in_language
    from .i18n import language as ui_language

    if not isinstance(value, str) or not value.strip():
        message = _("The {vocabulary} is required; choose from {choices}.")
        listed = choices(vocabulary, ui_language())
        raise InvalidInput(message.format(vocabulary=_(vocabulary), choices=listed))
    code = lookup(value, vocabulary)
    if code is not None:
        return code
    from rapidfuzz import fuzz, process

    typed = value.strip()
    if not typed.isprintable():  # a line break or a control character: shown escaped
        typed = repr(typed)[1:-1]
    match = process.extractOne(
        fold(typed), list(_INDEX[vocabulary]), scorer=fuzz.ratio, score_cutoff=60
    )
    language = lang.of_input(typed)  # French if it looks French, else the interface's
    if match is not None and _is_french(match[0], vocabulary):
        language = "fr"
    spelled = _spelled(match[0], vocabulary) if match else ""
    hint = in_language(language, N_(" (did you mean '{word}'?)")).format(word=spelled)
    message = N_("Unknown {vocabulary} '{typed}'{hint}; choose from {choices}.")
    raise InvalidInput(
        in_language(language, message).format(
            vocabulary=in_language(language, vocabulary),
            typed=typed,
            hint=hint if match else "",
            choices=choices(vocabulary, language),
        )
    )


def _is_french(folded: str, vocabulary: str) -> bool:
    return any(fold(t.fr) == folded != fold(t.code) for t in TERMS[vocabulary])


def _spelled(folded: str, vocabulary: str) -> str:
    """A folded word as a person writes it (``levee de fonds`` -> ``levée de fonds``)."""
    for term in TERMS[vocabulary]:
        for word in (term.code, term.fr, *term.aliases):
            if fold(word) == folded:
                return word
    return folded  # pragma: no cover - every folded word comes from a term


def choices(vocabulary: str, language: str = "en") -> str:
    """The words of ``vocabulary`` in ``language``, for a message: ``supplier, customer...``."""
    return ", ".join(t.label(language) for t in TERMS[vocabulary])


def label(code: str, vocabulary: str, language: str = "en") -> str:
    """How ``code`` is shown in ``language`` (``supplier`` is ``fournisseur`` in French)."""
    for term in TERMS[vocabulary]:
        if term.code == code:
            return term.label(language)
    return code


def words(vocabulary: str) -> tuple[str, ...]:
    """Every word read for ``vocabulary`` (codes, labels, aliases), for shell completion."""
    return tuple(dict.fromkeys(w for t in TERMS[vocabulary] for w in (t.code, t.fr, *t.aliases)))
