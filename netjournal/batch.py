"""The after-event text format: an evening's encounters typed on a phone, one block per person.

    event: Lyon Tech Meetup
    date: 20/11/2026
    where: La Cordée, Lyon

    person: Hélène Dubois
    org: Emballix
    asked: Who makes your boxes? => A Lyon firm, 20% cheaper
    lead: supplier: Her box supplier
    follow-up: friday: Send her our volumes
    tags: packaging, lyon
    She collects vintage posters.

Lines are ``key: value``; keys are case-insensitive, accents optional, have short aliases and
French names (``personne``, ``société``, ``piste``, ``relance``...), mixed freely with the
English ones. Lines before the first person describe the event; a line that does not start
like a key is a free note, and one that does (one to three words and a colon) but names no key
is refused with the nearest key. Blank lines and lines starting with ``#`` are ignored. This
module only reads and writes text (:func:`read_batch`, :func:`parse_batch`,
:func:`render_batch`); ``journal.encounters.batch`` writes it to the journal.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from .errors import ImportFormatError, InvalidInput
from .i18n import N_, _, in_language
from .i18n import language as ui_language
from .specs import (
    EncounterSpec,
    FollowUpSpec,
    LeadSpec,
    QuestionSpec,
    as_followup,
    as_lead,
    as_question,
)
from .text import fold
from .validate import amount, amount_currency, currency, email, money, parse_date
from .validate import tags as clean_tags
from .vocab import canonical, lookup
from .vocab import label as vocab_label

ANSWER = "=>"
_KEY_LINE = re.compile(r"^([^\W\d_][\w '\u2019-]{0,23}?)\s*:(.*)$")
_YES = {"yes", "y", "true", "1", "oui", "x"}
_NO = {"no", "n", "false", "0", "non"}

#: Event header keys (lines before the first person) -> EventHeader attribute.
HEADER_KEYS = {
    "event": "name",
    "date": "date",
    "end": "end_date",
    "where": "location",
    "location": "location",
    "place": "location",
    "venue": "location",
    "kind": "kind",
    "organizer": "organizer",
    "host": "organizer",
    "series": "series",
    "hours": "hours",
    "cost": "cost",
    "currency": "currency",
}
#: The same in French (accents optional, as in every key).
HEADER_KEYS_FR = {
    "événement": "name",
    "évènement": "name",
    "fin": "end_date",
    "lieu": "location",
    "type": "kind",
    "organisateur": "organizer",
    "série": "series",
    "heures": "hours",
    "durée": "hours",
    "coût": "cost",
    "prix": "cost",
    "devise": "currency",
}

#: Keys that start a block.
PERSON_KEYS = {
    "person": False,
    "who": False,
    "met": False,
    "new person": True,
    "new": True,
}
PERSON_KEYS_FR = {
    "personne": False,
    "qui": False,
    "nouvelle personne": True,
    "nouveau": True,
    "nouvelle": True,
}

#: Block keys -> the encounter attribute they fill.
BLOCK_KEYS = {
    "org": "organization",
    "organization": "organization",
    "company": "organization",
    "title": "title",
    "role": "title",
    "job": "title",
    "field": "field",
    "sector": "field",
    "industry": "field",
    "from": "location",
    "city": "location",
    "location": "location",
    "email": "email",
    "e mail": "email",
    "mail": "email",
    "phone": "phone",
    "tel": "phone",
    "mobile": "phone",
    "asked": "questions",
    "ask": "questions",
    "q": "questions",
    "question": "questions",
    "learned": "learned",
    "a": "learned",
    "answer": "learned",
    "stakes": "stakes",
    "stake": "stakes",
    "wishes": "wishes",
    "wish": "wishes",
    "wants": "wishes",
    "needs": "wishes",
    "lead": "leads",
    "follow up": "followups",
    "followup": "followups",
    "follow": "followups",
    "todo": "followups",
    "tags": "tags",
    "tag": "tags",
    "they pitched": "pitched",  # they pitched their business to you (a seller)
    "pitched": "pitched",  # the former key, still read
    "again": "again",
    "intro": "introduced_by",
    "introduced by": "introduced_by",
    "via": "introduced_by",
    "outside": "outside_field",
    "note": "notes",
    "notes": "notes",
    "date": "date",
    "event": "event",
}
BLOCK_KEYS_FR = {
    "société": "organization",
    "entreprise": "organization",
    "boîte": "organization",
    "organisation": "organization",
    "poste": "title",
    "fonction": "title",
    "titre": "title",
    "domaine": "field",
    "secteur": "field",
    "ville": "location",
    "lieu": "location",
    "courriel": "email",
    "téléphone": "phone",
    "portable": "phone",
    "r": "learned",
    "réponse": "learned",
    "appris": "learned",
    "enjeux": "stakes",
    "enjeu": "stakes",
    "souhaits": "wishes",
    "souhait": "wishes",
    "besoins": "wishes",
    "besoin": "wishes",
    "piste": "leads",
    "relance": "followups",
    "à faire": "followups",
    "étiquettes": "tags",
    "étiquette": "tags",
    "m'a démarché": "pitched",
    "m'a démarchée": "pitched",
    "encore": "again",
    "présenté par": "introduced_by",
    "présentée par": "introduced_by",
    "hors domaine": "outside_field",
    "remarque": "notes",
    "événement": "event",
    "évènement": "event",
}

_SINGLE = ("organization", "title", "field", "location", "email", "phone", "introduced_by")


def fold_key(key: str) -> str:
    """How keys are compared: :func:`netjournal.text.fold`, an underscore read as a space
    too (``"M’a Démarché"``, ``m_a_demarche`` -> ``"m a demarche"``)."""
    return fold(key.replace("_", " "))


#: Each folded key and how it is written, for suggestions (``societe`` -> ``société``).
_FRENCH = (*HEADER_KEYS_FR, *PERSON_KEYS_FR, *BLOCK_KEYS_FR)
_SPELLED = {fold_key(k): k for k in (*HEADER_KEYS, *PERSON_KEYS, *BLOCK_KEYS, "follow-up")}
_SPELLED |= {fold_key(k): k for k in _FRENCH if fold_key(k) not in _SPELLED}
_FRENCH_KEYS = {fold_key(k) for k in _FRENCH} - {fold_key(k) for k in BLOCK_KEYS}
_HEADER = {fold_key(k): v for k, v in (HEADER_KEYS | HEADER_KEYS_FR).items()}
_PERSON = {fold_key(k): v for k, v in (PERSON_KEYS | PERSON_KEYS_FR).items()}
_BLOCK = {fold_key(k): v for k, v in (BLOCK_KEYS | BLOCK_KEYS_FR).items()}
_BARE_PITCHED = ("pitched", "they pitched", "m a demarche", "m a demarchee")


@dataclass
class EventHeader:
    """The event an evening's file is about; ``Journal.log_batch`` finds or creates it."""

    name: str
    date: dt.date | None = None
    end_date: dt.date | None = None
    location: str | None = None
    kind: str | None = None
    organizer: str | None = None
    series: str | None = None
    hours: Decimal | None = None
    cost: Decimal | None = None
    currency: str | None = None
    line: int | None = None


@dataclass
class Batch:
    """A parsed file: the optional event header and one spec per person block."""

    event: EventHeader | None
    encounters: list[EncounterSpec] = field(default_factory=list)
    source_name: str = "<stdin>"


# -- the small parsers, shared with the command line ------------------------------------


def parse_question(value: str) -> QuestionSpec:
    """``"Who makes your boxes? => A Lyon firm"``: what you asked and what you learned."""
    asked, sep, learned = value.partition(ANSWER)
    asked = asked.strip()
    if not asked:
        message = _("A question is missing before '{answer}': write 'Q {answer} answer'.")
        raise InvalidInput(message.format(answer=ANSWER))
    return QuestionSpec(asked, learned.strip() or None if sep else None)


def parse_lead(value: str) -> LeadSpec:
    """``"supplier: Cheaper boxes"``, ``"fournisseur: Un fournisseur"``: the kind in either
    language, then the summary. Text without ``KIND:`` is a lead of kind ``other``; a single
    word before the colon that is not a kind is refused with the nearest kind (write
    ``other: Emballix: cheaper boxes`` to keep such a colon in the summary)."""
    head, sep, rest = value.partition(":")
    if sep and head.strip() and len(head.split()) <= 3:
        kind = lookup(head, "lead kind")
        if kind is not None:
            summary = rest.strip()
            if not summary:
                message = _("The {kind} lead needs a summary after '{head}:'.")
                shown = vocab_label(kind, "lead kind", ui_language())
                raise InvalidInput(message.format(kind=shown, head=head.strip()))
            return LeadSpec(kind=kind, summary=summary)
        if len(head.split()) == 1 and head.strip().isalpha():
            canonical(head, "lead kind")  # raises, with the nearest kind
    summary = value.strip()
    if not summary:
        raise InvalidInput(_("A lead needs a summary: 'supplier: Cheaper boxes'."))
    return LeadSpec(kind="other", summary=summary)


_TIMED_DUE = re.compile(r"^([^:]*?\d{1,2}:\d{2}(?:\s*[ap]m)?)\s*:(.*)$", re.I)


def parse_followup(value: str) -> FollowUpSpec:
    """``"friday: Send the deck"``: when (a date people type, checked now but counted from
    the encounter's date when it is relative), then what."""
    timed = _TIMED_DUE.match(value)  # "jeudi 14:30: Appeler" splits after the time
    due, sep, action = (timed[1], ":", timed[2]) if timed else value.partition(":")
    if not sep or not due.strip() or not action.strip():
        message = _(
            "A follow-up needs a date and what to do, such as 'friday: Send the deck', "
            "not '{value}'."
        )
        raise InvalidInput(message.format(value=value.strip()))
    typed = due.strip()
    checked = parse_date(typed, _("follow-up date"), prefer="future")
    # An ISO date is the same day whenever it is read; anything else ("friday", "demain",
    # "12/10/26") is kept as typed and counted from the encounter's date when it is logged.
    return FollowUpSpec(checked if checked.isoformat() == typed else typed, action.strip())


def parse_flag(value: str, what: str) -> bool:
    word = value.strip().casefold()
    if word == "" or word in _YES:
        return True
    if word in _NO:
        return False
    message = _("{what} takes yes or no, not '{value}'.")
    raise InvalidInput(message.format(what=what, value=value.strip()))


# -- parsing ---------------------------------------------------------------------------


def _split_key(line: str, *, french: bool = False) -> tuple[str, str] | None:
    """``(folded key, value)`` when the line starts with a known key; ``None`` for a free note.

    A line that starts like a key (one to three words and a colon, not a web address) but
    names none is refused with the nearest key, so ``société: Datakoo`` or a typo is never
    silently turned into a note; the refusal is in French when ``french`` (the file has used
    French keys), when the nearest key is French, or when the key looks French."""
    match = _KEY_LINE.match(line)
    if match is None:
        bare = fold_key(line)
        return (bare, "") if bare in _BARE_PITCHED else None
    key = fold_key(match.group(1))
    if key in _HEADER or key in _PERSON or key in _BLOCK:
        return key, match.group(2).strip()
    if len(key.split()) > 3 or match.group(2).startswith("//"):
        return None
    from rapidfuzz import fuzz, process

    from .lang import of_input

    typed = match.group(1).strip()
    close = process.extractOne(key, list(_SPELLED), scorer=fuzz.ratio, score_cutoff=70)
    french = (  # (of_input: French if it looks French, else the interface's language)
        french or (close is not None and close[0] in _FRENCH_KEYS) or of_input(typed) == "fr"
    )
    language = "fr" if french else "en"
    hint = (
        in_language(language, N_(" (did you mean '{word}'?)")).format(word=_SPELLED[close[0]])
        if close
        else ""
    )
    message = N_("Unknown key '{key}'{hint}; start the line with 'note:' to keep it as a note.")
    raise InvalidInput(in_language(language, message).format(key=typed, hint=hint))


class _Parser:
    def __init__(self, source_name: str) -> None:
        self.source_name = source_name
        self.header: EventHeader | None = None
        self.header_line: dict[str, int] = {}
        self.specs: list[EncounterSpec] = []
        self.seen: dict[str, int] = {}
        self.notes: list[str] = []
        self.french = False  # whether the file has used French keys, for its refusals

    def header_value(self, key: str, value: str, line: int) -> None:
        attr = _HEADER[key]
        if attr in self.header_line:
            message = _("'{key}' is already given on line {line}.")
            shown = _SPELLED.get(key, key)
            raise InvalidInput(message.format(key=shown, line=self.header_line[attr]))
        self.header_line[attr] = line
        if not value:
            message = _("'{key}:' needs a value.")
            raise InvalidInput(message.format(key=_SPELLED.get(key, key)))
        if self.header is None:
            if attr != "name":
                message = _(
                    "The event header starts with 'event: NAME' before "
                    "'{key}:' (or start with 'person: NAME')."
                )
                raise InvalidInput(message.format(key=_SPELLED.get(key, key)))
            self.header = EventHeader(name=value, line=line)
            return
        converters: dict[str, Callable[[str], object]] = {
            "date": lambda v: parse_date(v, _("event date")),
            "end_date": lambda v: parse_date(v, _("end date")),
            "kind": lambda v: canonical(v, "event kind"),
            "hours": lambda v: money(v, _("Hours spent")),
            "currency": lambda v: currency(v),
        }
        if attr == "cost":  # "cost: 40 €" gives the currency too
            self.header.cost, mark = amount(value, _("The cost"))
            self.header.currency = amount_currency(mark, self.header.currency, _("The cost"))
            return
        if attr == "currency" and self.header.currency is not None:  # from "cost: 40 €"
            self.header.currency = amount_currency(self.header.currency, value, _("The cost"))
            return
        convert = converters.get(attr)
        setattr(self.header, attr, convert(value) if convert else value)

    def start(self, key: str, value: str, line: int) -> None:
        self.finish()
        if not value:
            message = _("'{key}:' needs the person's name.")
            raise InvalidInput(message.format(key=_SPELLED.get(key, key)))
        self.specs.append(
            EncounterSpec(
                person=value,
                new_person=_PERSON[key],
                line=line,
                tags=[],
                questions=[],
                leads=[],
                followups=[],
            )
        )
        self.seen = {}
        self.notes = []

    def finish(self) -> None:
        if self.specs and self.notes:
            self.specs[-1].notes = "\n".join(self.notes)

    def block_value(self, key: str, value: str, line: int) -> None:
        spec = self.specs[-1]
        attr = _BLOCK[key]
        if attr == "pitched":
            spec.pitched = parse_flag(value, "'they pitched'")
            return
        if attr == "outside_field":
            spec.outside_field = parse_flag(value, "'outside'")
            return
        if attr == "again":
            spec.again = parse_flag(value, "'again'")
            return
        if not value:
            message = _("'{key}:' needs a value.")
            raise InvalidInput(message.format(key=_SPELLED.get(key, key)))
        if attr in _SINGLE or attr in ("date", "event"):
            if attr in self.seen:
                message = _("'{key}' is already given on line {line}.")
                raise InvalidInput(message.format(key=_SPELLED.get(key, key), line=self.seen[attr]))
            self.seen[attr] = line
            if attr == "email":
                email(value)  # refused on its own line rather than the block's
            setattr(spec, attr, parse_date(value, _("date")) if attr == "date" else value)
        elif attr == "questions":
            spec.questions = [*spec.questions, parse_question(value)]
        elif attr == "learned":
            last = spec.questions[-1] if spec.questions else None
            if not isinstance(last, QuestionSpec) or last.learned is not None:
                message = _("'{key}:' follows a question ('asked: ...') it answers.")
                raise InvalidInput(message.format(key=_SPELLED.get(key, key)))
            last.learned = value
        elif attr == "leads":
            spec.leads = [*spec.leads, parse_lead(value)]
        elif attr == "followups":
            spec.followups = [*spec.followups, parse_followup(value)]
        elif attr == "tags":
            spec.tags = clean_tags([*spec.tags, *value.split(",")])
        elif attr == "notes":
            self.notes.append(value)
        else:  # stakes, wishes: several lines join
            before = getattr(spec, attr)
            setattr(spec, attr, f"{before}\n{value}" if before else value)

    def feed(self, raw: str, line: int) -> None:
        if "\x00" in raw:
            raise InvalidInput(_("The line contains a NUL character."))
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            return
        split = _split_key(stripped, french=self.french)
        if split is not None and split[0] in _FRENCH_KEYS:
            self.french = True
        if not self.specs:
            if split is not None and split[0] in _PERSON:
                self.start(*split, line)
            elif split is not None and split[0] in _HEADER:
                self.header_value(*split, line)
            else:
                raise InvalidInput(
                    _(
                        "Start each person with 'person: NAME' or 'personne: NOM' (lines before "
                        "it describe the event: 'event:'/'événement:', 'date:', "
                        "'where:'/'lieu:'...)."
                    )
                )
        elif split is None:
            self.notes.append(stripped)
        elif split[0] in _PERSON:
            self.start(*split, line)
        elif split[0] in _BLOCK:
            self.block_value(*split, line)
        else:
            message = _("'{key}:' belongs to the event header, before any person.")
            raise InvalidInput(message.format(key=split[0]))


#: The largest evening's file read (4 MB: some 20,000 encounters); beyond it the file is
#: refused before it fills memory (``log --batch /dev/zero``).
MAX_BATCH_BYTES = 4 * 1024 * 1024


def read_batch(source: str | os.PathLike[str] | BinaryIO, *, name: str | None = None) -> str:
    """The text of an evening's file: a path, or a binary stream such as stdin (``name``
    names it in errors). UTF-8 with or without a BOM, at most :data:`MAX_BATCH_BYTES`;
    anything else raises :class:`ImportFormatError` naming the file."""
    from .importers.textio import read_bytes

    label = name or (Path(source).name if isinstance(source, str | os.PathLike) else "<stdin>")
    data = read_bytes(source, limit=MAX_BATCH_BYTES, name=label, what=N_("an evening's file"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        reason = _("not UTF-8 text (byte {byte})").format(byte=exc.start)
        raise ImportFormatError(label, line, reason) from None


def parse_batch(text: str, *, source_name: str = "<stdin>") -> Batch:
    """Read an evening's file; any mistake raises :class:`ImportFormatError` ``FILE:LINE``."""
    if not isinstance(text, str):
        raise InvalidInput(_("{source}: the batch must be text.").format(source=source_name))
    parser = _Parser(source_name)
    number = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            parser.feed(raw, number)
        except ImportFormatError:
            raise
        except InvalidInput as exc:
            raise ImportFormatError(source_name, number, str(exc)) from None
    parser.finish()
    if not parser.specs:
        raise ImportFormatError(
            source_name,
            number or None,
            _("no encounter found: start each person with 'person: NAME'."),
        )
    return Batch(parser.header, parser.specs, source_name)


# -- rendering -------------------------------------------------------------------------


def _one_line(value: object, what: str) -> str:
    text = str(value)
    if text != text.strip() or not text or len(text.splitlines()) != 1 or text.startswith("#"):
        message = _("{what} cannot be written on one line: {text!r}.")
        raise InvalidInput(message.format(what=what, text=text))
    return text


def _lines(value: str, what: str) -> list[str]:
    return [_one_line(part, what) for part in value.split("\n")]


def _date(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else _one_line(value, _("A date"))


def render_batch(batch: Batch) -> str:
    """The text :func:`parse_batch` reads back into an equal :class:`Batch`.

    Raises :class:`InvalidInput` for what the format cannot hold (multi-line single values,
    a question containing ``=>``, a tag containing a comma...)."""
    out: list[str] = []
    header = batch.event
    if header is not None:
        name = _one_line(header.name, _("The event name"))
        out.append(f"event: {name}")
        for key, attr in (
            ("date", "date"),
            ("end", "end_date"),
            ("where", "location"),
            ("kind", "kind"),
            ("organizer", "organizer"),
            ("series", "series"),
            ("hours", "hours"),
            ("cost", "cost"),
            ("currency", "currency"),
        ):
            value = getattr(header, attr)
            if value is not None:
                shown = _date(value) if isinstance(value, dt.date) else str(value)
                out.append(f"{key}: {_one_line(shown, key)}")
        out.append("")
    for spec in batch.encounters:
        out.extend(_render_spec(spec))
        out.append("")
    return "\n".join(out)


def _render_spec(spec: EncounterSpec) -> list[str]:
    key = "new person" if spec.new_person else "person"
    person = _one_line(spec.person, _("A name"))
    out = [f"{key}: {person}"]
    for attr, label in (
        ("event", "event"),
        ("organization", "org"),
        ("title", "title"),
        ("field", "field"),
        ("location", "from"),
        ("email", "email"),
        ("phone", "phone"),
        ("introduced_by", "intro"),
    ):
        value = getattr(spec, attr)
        if value is not None:
            out.append(f"{label}: {_one_line(value, label)}")
    if spec.date is not None:
        out.append(f"date: {_date(spec.date)}")
    for question in spec.questions:
        q = as_question(question)
        asked = _one_line(q.asked, _("A question"))
        if ANSWER in asked:
            message = _("A question cannot contain '{answer}': {asked!r}.")
            raise InvalidInput(message.format(answer=ANSWER, asked=asked))
        learned = f" {ANSWER} {_one_line(q.learned, _('What you learned'))}" if q.learned else ""
        out.append(f"asked: {asked}{learned}")
    for attr in ("stakes", "wishes"):
        value = getattr(spec, attr)
        if value is not None:
            out.extend(f"{attr}: {part}" for part in _lines(value, attr))
    for lead_item in spec.leads:
        lead = as_lead(lead_item)
        summary = _one_line(lead.summary, _("A lead summary"))
        out.append(f"lead: {lead.kind}: {summary}")
    for followup in spec.followups:
        fu = as_followup(followup)
        due = _date(fu.due)
        if ":" in due:
            raise InvalidInput(_("A follow-up date cannot contain ':': {due!r}.").format(due=due))
        action = _one_line(fu.action, _("A follow-up"))
        out.append(f"follow-up: {due}: {action}")
    if spec.tags:
        for tag in spec.tags:
            if "," in tag:
                raise InvalidInput(_("A tag cannot contain a comma: {tag!r}.").format(tag=tag))
        tags = ", ".join(_one_line(t, _("A tag")) for t in spec.tags)
        out.append(f"tags: {tags}")
    if spec.pitched:
        out.append("they pitched: yes")
    if spec.outside_field is not None:
        out.append(f"outside: {'yes' if spec.outside_field else 'no'}")
    if spec.again:
        out.append("again: yes")
    if spec.notes is not None:
        out.extend(f"note: {part}" for part in _lines(spec.notes, _("A note")))
    return out
