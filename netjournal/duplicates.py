"""Likely duplicates: pairs of people that are probably, but not certainly, the same person.

A pair's score (0-100) starts from how alike the names are (rapidfuzz ``token_sort_ratio`` on
folded names, so "Smith, John" = "John Smith" and "Hélène" = "Helene"), and rises with what the
two share: the same organization, an e-mail address, a phone number, a web address, or the
same e-mail user name at another domain. Every score comes with its reasons, for the user to
decide before ``people merge``.

Comparing every person with every other is quadratic, so candidates are blocked first:
people sharing a name word or an organization are compared among themselves (``cdist``, in C),
and people sharing a contact point or an e-mail user name are paired by SQL ``GROUP BY``.
A block larger than :data:`MAX_CONTACT_BLOCK` (a switchboard number, a shared inbox) says
nothing about identity and is ignored.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils
from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from .errors import InvalidInput
from .i18n import N_, _
from .models import ContactPoint, Person
from .text import contact_key, fold

ORG_BOOST = 10
CONTACT_BOOST = {"email": 30, "phone": 25, "url": 25}
EMAIL_USER_BOOST = 15
MAX_CONTACT_BLOCK = 20
#: Why a shared contact point makes two people look alike, one whole phrase per kind.
_SAME_CONTACT = {
    "email": N_("same e-mail ({value})"),
    "phone": N_("same phone ({value})"),
    "url": N_("same web address ({value})"),
}
ROW_CHUNK = 500  # rows of one cdist call: bounds its matrix to ROW_CHUNK x block size bytes
#: E-mail user names shared by unrelated people (role addresses), never evidence.
ROLE_MAILBOXES = frozenset(
    ("info", "contact", "hello", "hi", "admin", "office", "mail", "sales", "support", "team")
    + ("jobs", "hr", "careers", "bonjour", "contact-us", "noreply", "no-reply", "marketing")
    + ("press", "billing", "accounts")
)
INITIAL_MATCH = 80  # "J." against "John"


@dataclass(frozen=True)
class PersonSummary:
    id: int
    display_name: str
    organization: str | None


@dataclass(frozen=True)
class DuplicatePair:
    """Two people that may be the same, with the score (0-100) and why."""

    first: PersonSummary
    second: PersonSummary
    score: int
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The pair as JSON-ready values (what ``netjournal people duplicates --json`` prints)."""
        return {
            "score": self.score,
            "first": _summary(self.first),
            "second": _summary(self.second),
            "reasons": list(self.reasons),
        }


def _summary(person: PersonSummary) -> dict[str, Any]:
    return {"id": person.id, "name": person.display_name, "organization": person.organization}


@dataclass
class _Person:
    summary: PersonSummary
    name: str  # folded and processed for rapidfuzz
    org: str | None


def find_duplicates(
    session: Session, *, min_score: int = 80, limit: int = 100
) -> list[DuplicatePair]:
    """The ``limit`` best-scoring pairs with a score of at least ``min_score``, best first."""
    if isinstance(min_score, bool) or not isinstance(min_score, int) or not 0 <= min_score <= 100:
        message = _("The minimum score must be a whole number from 0 to 100, not {value!r}.")
        raise InvalidInput(message.format(value=min_score))
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        message = _("The limit must be a positive whole number, not {value!r}.")
        raise InvalidInput(message.format(value=limit))
    people = _load_people(session)
    evidence = _contact_evidence(session)
    name_cutoff = max(0, min_score - ORG_BOOST)
    names: dict[tuple[int, int], float] = {}
    for block in _name_and_org_blocks(people):
        names.update(_similar_pairs(block, people, name_cutoff))
    scored = []
    for pair in names.keys() | evidence.keys():
        a, b = people[pair[0]], people[pair[1]]
        similarity = names.get(pair)
        if similarity is None:
            similarity = fuzz.token_sort_ratio(a.name, b.name)
        similarity = name_similarity(a.name, b.name, similarity)
        if similarity == 100:
            reasons = [_("same name")]
        else:
            reasons = [_("similar names ({score})").format(score=f"{similarity:.0f}")]
        score = similarity
        if a.org and a.org == b.org:
            score += ORG_BOOST
            reasons.append(_("same organization ({name})").format(name=a.summary.organization))
        for boost, reason in evidence.get(pair, []):
            score += boost
            reasons.append(reason)
        final = min(100, round(score))
        if final >= min_score:
            scored.append((final, -pair[0], -pair[1], reasons))
    best = heapq.nlargest(limit, scored)
    return [
        DuplicatePair(people[-a].summary, people[-b].summary, score, reasons)
        for score, a, b, reasons in best
    ]


def name_similarity(a: str, b: str, sorted_ratio: float | None = None) -> float:
    """How alike two processed names are, 0-100: their ``token_sort_ratio``, pulled down when
    one word has no good match in the other name ("Jane Smith" is not "John Smith" even though
    most letters agree). An initial matches a word it starts ("J. Smith", "John Smith")."""
    if sorted_ratio is None:
        sorted_ratio = fuzz.token_sort_ratio(a, b)
    words_a, words_b = a.split(), b.split()
    if not words_a or not words_b:
        return sorted_ratio
    worst = max(_worst_word(words_a, words_b), _worst_word(words_b, words_a))
    return min(sorted_ratio, (sorted_ratio + worst) / 2)


def _worst_word(words: list[str], others: list[str]) -> float:
    """The lowest, over ``words``, of each word's best match among ``others``."""
    worst = 100.0
    for word in words:
        best = 0.0
        for other in others:
            if len(word) == 1 or len(other) == 1:
                match = INITIAL_MATCH if word[0] == other[0] else 0.0
            else:
                match = fuzz.ratio(word, other)
            best = max(best, match)
        worst = min(worst, best)
    return worst


def _load_people(session: Session) -> dict[int, _Person]:
    rows = session.execute(
        select(Person.id, Person.display_name, Person.name_key, Person.organization)
    )
    return {
        pid: _Person(
            PersonSummary(pid, display, organization),
            utils.default_process(key),
            fold(organization) if organization else None,
        )
        for pid, display, key, organization in rows
    }


def _name_and_org_blocks(people: dict[int, _Person]) -> Iterable[list[int]]:
    """Ids sharing a name word (two letters or more), then ids sharing an organization."""
    words: dict[str, list[int]] = defaultdict(list)
    orgs: dict[str, list[int]] = defaultdict(list)
    for pid, person in people.items():
        for word in set(person.name.split()):
            if len(word) >= 2:
                words[word].append(pid)
        if person.org:
            orgs[person.org].append(pid)
    for blocks in (words, orgs):
        yield from (ids for ids in blocks.values() if len(ids) > 1)


def _similar_pairs(
    ids: list[int], people: dict[int, _Person], cutoff: int
) -> Iterable[tuple[tuple[int, int], float]]:
    """Pairs of ``ids`` whose names score at least ``cutoff``."""
    names = [people[i].name for i in ids]
    for start in range(0, len(ids), ROW_CHUNK):
        matrix = process.cdist(
            names[start : start + ROW_CHUNK],
            names,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=cutoff,
            dtype=np.uint8,
            workers=-1 if len(ids) > 1000 else 1,  # threads cost more than tiny blocks
        )
        for row, column in zip(*(matrix >= max(cutoff, 1)).nonzero(), strict=True):
            i, j = ids[start + int(row)], ids[int(column)]
            if i < j:
                yield (i, j), float(matrix[row, column])


def _contact_evidence(session: Session) -> dict[tuple[int, int], list[tuple[int, str]]]:
    """Pairs sharing a contact point or an e-mail user name, with the boost and reason."""
    evidence: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    shared = (
        select(ContactPoint.kind, ContactPoint.value_key)
        .where(ContactPoint.kind != "phone")  # phones: below
        .group_by(ContactPoint.kind, ContactPoint.value_key)
        .having(func.count(ContactPoint.person_id.distinct()).between(2, MAX_CONTACT_BLOCK))
        .subquery()
    )
    rows = session.execute(
        select(
            ContactPoint.kind, ContactPoint.value_key, ContactPoint.value, ContactPoint.person_id
        )
        .join(
            shared,
            and_(shared.c.kind == ContactPoint.kind, shared.c.value_key == ContactPoint.value_key),
        )
        .order_by(ContactPoint.kind, ContactPoint.value_key, ContactPoint.person_id)
    )
    for (kind, _key), group in itertools.groupby(rows, key=lambda r: (r[0], r[1])):
        members = list(group)
        reason = _(_SAME_CONTACT[kind]).format(value=members[0][2])
        for pair in _pairs(r[3] for r in members):
            evidence[pair].append((CONTACT_BOOST[kind], reason))
    for pair, reason in _shared_phones(session):
        evidence[pair].append((CONTACT_BOOST["phone"], reason))
    user = _email_user(session)
    shared_users = (
        select(user.label("user"))
        .where(ContactPoint.kind == "email")
        .group_by(user)
        .having(
            and_(
                func.count(ContactPoint.person_id.distinct()).between(2, MAX_CONTACT_BLOCK),
                func.count(ContactPoint.value_key.distinct()) > 1,
            )
        )
        .subquery()
    )
    users = session.execute(
        select(shared_users.c.user, ContactPoint.value_key, ContactPoint.person_id)
        .join(shared_users, shared_users.c.user == user)
        .where(ContactPoint.kind == "email")
        .order_by(shared_users.c.user, ContactPoint.person_id)
    )
    for name, user_rows in itertools.groupby(users, key=lambda r: r[0]):
        if name in ROLE_MAILBOXES or len(name) < 3:
            continue
        addresses: dict[int, set[str]] = defaultdict(set)
        for _user, address, pid in user_rows:
            addresses[pid].add(address)
        for pair in _pairs(addresses):
            if not addresses[pair[0]] & addresses[pair[1]]:  # a shared address counts already
                reason = _("same e-mail user name ({name}@...)").format(name=name)
                evidence[pair].append((EMAIL_USER_BOOST, reason))
    return evidence


def _shared_phones(session: Session) -> Iterable[tuple[tuple[int, int], str]]:
    """Pairs sharing a phone, compared as numbers (``+33 6 11 22 33 44`` is ``06 11 22 33
    44``), grouped here rather than in SQL so that phones stored before numbers were
    normalised (their key was their digits: ``0611223344``) compare too. A stored key in
    international form is used as it is (``phonenumbers`` costs some 60 µs a number); others,
    and numbers written with a ``(0)``, are read again from the value."""
    blocks: dict[str, dict[int, str]] = defaultdict(dict)
    rows = session.execute(
        select(ContactPoint.value, ContactPoint.value_key, ContactPoint.person_id)
        .where(ContactPoint.kind == "phone")
        .order_by(ContactPoint.id)
    )
    for value, stored, person_id in rows:
        fresh = stored.startswith("+") and "(" not in value
        key = stored if fresh else contact_key("phone", value)
        if key:
            blocks[key].setdefault(person_id, value)
    for members in blocks.values():
        if 2 <= len(members) <= MAX_CONTACT_BLOCK:
            shown = next(iter(members.values()))
            for pair in _pairs(members):
                yield pair, _("same phone ({value})").format(value=shown)


def _email_user(session: Session) -> ColumnElement[Any]:
    """The part of an e-mail address before ``@``, in this database's dialect."""
    value = ContactPoint.value_key
    if session.get_bind().dialect.name == "postgresql":
        return func.split_part(value, "@", 1)
    return func.substr(value, 1, func.instr(value, "@") - 1)


def _pairs(ids: Iterable[int]) -> Iterable[tuple[int, int]]:
    unique = sorted(set(ids))
    return itertools.combinations(unique, 2)
