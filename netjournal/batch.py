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

Lines are ``key: value``; keys are case-insensitive and have short aliases. Lines before the
first ``person:`` describe the event; a line whose start is not a key is a free note. Blank
lines and lines starting with ``#`` are ignored. This module only reads and writes text
(:func:`read_batch`, :func:`parse_batch`, :func:`render_batch`); ``journal.encounters.batch``
writes it to the journal.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from .errors import ImportFormatError, InvalidInput
from .specs import (
    EncounterSpec,
    FollowUpSpec,
    LeadSpec,
    QuestionSpec,
    as_followup,
    as_lead,
    as_question,
)
from .validate import amount, amount_currency, choice, currency, email, money, parse_date
from .validate import tags as clean_tags
from .vocab import EVENT_KINDS, LEAD_KINDS

ANSWER = "=>"
_KEY_LINE = re.compile(r"^([^\W\d_][\w -]{0,23}?)\s*:(.*)$")
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

#: Keys that start a block.
PERSON_KEYS = {"person": False, "who": False, "met": False, "new person": True, "new": True}

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

_SINGLE = ("organization", "title", "field", "location", "email", "phone", "introduced_by")
_ALL_KEYS = sorted({*HEADER_KEYS, *PERSON_KEYS, *BLOCK_KEYS, "follow-up"})


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
        raise InvalidInput(f"A question is missing before '{ANSWER}': write 'Q {ANSWER} answer'.")
    return QuestionSpec(asked, learned.strip() or None if sep else None)


def parse_lead(value: str) -> LeadSpec:
    """``"supplier: Cheaper boxes"`` (kind, then summary); without a known kind, ``other``."""
    head, sep, rest = value.partition(":")
    if sep and head.strip() and len(head.split()) <= 2:
        word = head.strip().casefold().replace("-", " ").replace("_", " ")
        if word in LEAD_KINDS:
            summary = rest.strip()
            if not summary:
                raise InvalidInput(f"The {word} lead needs a summary after '{head.strip()}:'.")
            return LeadSpec(kind=word, summary=summary)
        if difflib.get_close_matches(word, LEAD_KINDS, n=1, cutoff=0.75):
            choice(word, LEAD_KINDS, "lead kind")  # raises with a suggestion
    summary = value.strip()
    if not summary:
        raise InvalidInput("A lead needs a summary: 'supplier: Cheaper boxes'.")
    return LeadSpec(kind="other", summary=summary)


def parse_followup(value: str) -> FollowUpSpec:
    """``"friday: Send the deck"``: when (a date people type, checked now but counted from
    the encounter's date when it is relative), then what."""
    due, sep, action = value.partition(":")
    if not sep or not due.strip() or not action.strip():
        raise InvalidInput(
            f"A follow-up needs a date and what to do, such as 'friday: Send the deck', "
            f"not '{value.strip()}'."
        )
    typed = due.strip()
    checked = parse_date(typed, "follow-up date", prefer="future")
    # An ISO date is the same day whenever it is read; anything else ("friday", "demain",
    # "12/10/26") is kept as typed and counted from the encounter's date when it is logged.
    return FollowUpSpec(checked if checked.isoformat() == typed else typed, action.strip())


def parse_flag(value: str, what: str) -> bool:
    word = value.strip().casefold()
    if word == "" or word in _YES:
        return True
    if word in _NO:
        return False
    raise InvalidInput(f"{what} takes yes or no, not '{value.strip()}'.")


# -- parsing ---------------------------------------------------------------------------


def _split_key(line: str) -> tuple[str, str] | None:
    """``(key, value)`` when the line starts with a known key; ``None`` for a free note.

    A key that is only a near miss of a known one is refused, so a typo is not silently
    turned into a note."""
    match = _KEY_LINE.match(line)
    if match is None:
        bare = line.strip().casefold()
        return (bare, "") if bare in ("pitched", "they pitched") else None
    key = " ".join(match.group(1).casefold().replace("-", " ").replace("_", " ").split())
    if key in HEADER_KEYS or key in PERSON_KEYS or key in BLOCK_KEYS:
        return key, match.group(2).strip()
    if len(key) >= 4 and difflib.get_close_matches(key, _ALL_KEYS, n=1, cutoff=0.8):
        close = difflib.get_close_matches(key, _ALL_KEYS, n=1, cutoff=0.8)[0]
        raise InvalidInput(
            f"Unknown key '{match.group(1).strip()}' (did you mean '{close}'?); "
            f"start the line with 'note:' to keep it as a note."
        )
    return None


class _Parser:
    def __init__(self, source_name: str) -> None:
        self.source_name = source_name
        self.header: EventHeader | None = None
        self.header_line: dict[str, int] = {}
        self.specs: list[EncounterSpec] = []
        self.seen: dict[str, int] = {}
        self.notes: list[str] = []

    def header_value(self, key: str, value: str, line: int) -> None:
        attr = HEADER_KEYS[key]
        if attr in self.header_line:
            raise InvalidInput(f"'{key}' is already given on line {self.header_line[attr]}.")
        self.header_line[attr] = line
        if not value:
            raise InvalidInput(f"'{key}:' needs a value.")
        if self.header is None:
            if attr != "name":
                raise InvalidInput(
                    f"The event header starts with 'event: NAME' before '{key}:' "
                    "(or start with 'person: NAME')."
                )
            self.header = EventHeader(name=value, line=line)
            return
        converters: dict[str, Callable[[str], object]] = {
            "date": lambda v: parse_date(v, "event date"),
            "end_date": lambda v: parse_date(v, "end date"),
            "kind": lambda v: choice(v, EVENT_KINDS, "event kind"),
            "hours": lambda v: money(v, "Hours spent"),
            "currency": lambda v: currency(v),
        }
        if attr == "cost":  # "cost: 40 €" gives the currency too
            self.header.cost, mark = amount(value, "The cost")
            self.header.currency = amount_currency(mark, self.header.currency, "The cost")
            return
        if attr == "currency" and self.header.currency is not None:  # from "cost: 40 €"
            self.header.currency = amount_currency(self.header.currency, value, "The cost")
            return
        convert = converters.get(attr)
        setattr(self.header, attr, convert(value) if convert else value)

    def start(self, key: str, value: str, line: int) -> None:
        self.finish()
        if not value:
            raise InvalidInput(f"'{key}:' needs the person's name.")
        self.specs.append(
            EncounterSpec(
                person=value,
                new_person=PERSON_KEYS[key],
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
        attr = BLOCK_KEYS[key]
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
            raise InvalidInput(f"'{key}:' needs a value.")
        if attr in _SINGLE or attr in ("date", "event"):
            if attr in self.seen:
                raise InvalidInput(f"'{key}' is already given on line {self.seen[attr]}.")
            self.seen[attr] = line
            if attr == "email":
                email(value)  # refused on its own line rather than the block's
            setattr(spec, attr, parse_date(value, "date") if attr == "date" else value)
        elif attr == "questions":
            spec.questions = [*spec.questions, parse_question(value)]
        elif attr == "learned":
            last = spec.questions[-1] if spec.questions else None
            if not isinstance(last, QuestionSpec) or last.learned is not None:
                raise InvalidInput(f"'{key}:' follows a question ('asked: ...') it answers.")
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
            raise InvalidInput("The line contains a NUL character.")
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            return
        split = _split_key(stripped)
        if not self.specs:
            if split is not None and split[0] in PERSON_KEYS:
                self.start(*split, line)
            elif split is not None and split[0] in HEADER_KEYS:
                self.header_value(*split, line)
            else:
                raise InvalidInput(
                    "Start each person with 'person: NAME' (lines before it describe the event)."
                )
        elif split is None:
            self.notes.append(stripped)
        elif split[0] in PERSON_KEYS:
            self.start(*split, line)
        elif split[0] in BLOCK_KEYS:
            self.block_value(*split, line)
        else:
            raise InvalidInput(f"'{split[0]}:' belongs to the event header, before any person.")


#: The largest evening's file read (4 MB: some 20,000 encounters); beyond it the file is
#: refused before it fills memory (``log --batch /dev/zero``).
MAX_BATCH_BYTES = 4 * 1024 * 1024


def read_batch(source: str | os.PathLike[str] | BinaryIO, *, name: str | None = None) -> str:
    """The text of an evening's file: a path, or a binary stream such as stdin (``name``
    names it in errors). UTF-8 with or without a BOM, at most :data:`MAX_BATCH_BYTES`;
    anything else raises :class:`ImportFormatError` naming the file."""
    from .importers.textio import read_bytes

    label = name or (Path(source).name if isinstance(source, str | os.PathLike) else "<stdin>")
    data = read_bytes(source, limit=MAX_BATCH_BYTES, name=label, what="an evening's file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFormatError(label, line, f"not UTF-8 text (byte {exc.start})") from None


def parse_batch(text: str, *, source_name: str = "<stdin>") -> Batch:
    """Read an evening's file; any mistake raises :class:`ImportFormatError` ``FILE:LINE``."""
    if not isinstance(text, str):
        raise InvalidInput(f"{source_name}: the batch must be text.")
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
            "no encounter found: start each person with 'person: NAME'.",
        )
    return Batch(parser.header, parser.specs, source_name)


# -- rendering -------------------------------------------------------------------------


def _one_line(value: object, what: str) -> str:
    text = str(value)
    if text != text.strip() or not text or len(text.splitlines()) != 1 or text.startswith("#"):
        raise InvalidInput(f"{what} cannot be written on one line: {text!r}.")
    return text


def _lines(value: str, what: str) -> list[str]:
    return [_one_line(part, what) for part in value.split("\n")]


def _date(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else _one_line(value, "A date")


def render_batch(batch: Batch) -> str:
    """The text :func:`parse_batch` reads back into an equal :class:`Batch`.

    Raises :class:`InvalidInput` for what the format cannot hold (multi-line single values,
    a question containing ``=>``, a tag containing a comma...)."""
    out: list[str] = []
    header = batch.event
    if header is not None:
        out.append(f"event: {_one_line(header.name, 'The event name')}")
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
    out = [f"{key}: {_one_line(spec.person, 'A name')}"]
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
        asked = _one_line(q.asked, "A question")
        if ANSWER in asked:
            raise InvalidInput(f"A question cannot contain '{ANSWER}': {asked!r}.")
        learned = f" {ANSWER} {_one_line(q.learned, 'What you learned')}" if q.learned else ""
        out.append(f"asked: {asked}{learned}")
    for attr in ("stakes", "wishes"):
        value = getattr(spec, attr)
        if value is not None:
            out.extend(f"{attr}: {part}" for part in _lines(value, attr))
    for lead_item in spec.leads:
        lead = as_lead(lead_item)
        out.append(f"lead: {lead.kind}: {_one_line(lead.summary, 'A lead summary')}")
    for followup in spec.followups:
        fu = as_followup(followup)
        due = _date(fu.due)
        if ":" in due:
            raise InvalidInput(f"A follow-up date cannot contain ':': {due!r}.")
        out.append(f"follow-up: {due}: {_one_line(fu.action, 'A follow-up')}")
    if spec.tags:
        for tag in spec.tags:
            if "," in tag:
                raise InvalidInput(f"A tag cannot contain a comma: {tag!r}.")
        out.append(f"tags: {', '.join(_one_line(t, 'A tag') for t in spec.tags)}")
    if spec.pitched:
        out.append("they pitched: yes")
    if spec.outside_field is not None:
        out.append(f"outside: {'yes' if spec.outside_field else 'no'}")
    if spec.again:
        out.append("again: yes")
    if spec.notes is not None:
        out.extend(f"note: {part}" for part in _lines(spec.notes, "A note"))
    return out
