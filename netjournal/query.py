"""What a person types into search, parsed into a small, safe query.

Users type fragments, not syntax: ``réseau``, ``pack``, ``"Lyon meetup"``, ``cto -recruiter``,
``supplier OR vendor``, and also ``don't``, ``"unbalanced``, ``col:value``, ``(`` or pages of
garbage. :func:`parse` accepts every string: it keeps words and phrases, ``-``, ``NOT`` or
``SAUF`` to exclude, ``OR`` or ``OU`` between alternatives (``AND``/``ET`` is the default and
may be written; the operators are upper case, so the words "ou" and "et" are searched), and
drops everything else. The result only ever holds folded letter/digit tokens, so the compilers
(:func:`to_fts5`, :func:`to_tsquery`) emit quoted lexemes and never pass raw text to the
database's own query syntax.

Folding matches the indexes: lower case, accents removed (SQLite FTS5 ``unicode61
remove_diacritics 2``, PostgreSQL ``unaccent``), and the ligatures both sides spell out
(``cœur`` = ``coeur``). Bare words match as prefixes (``pack`` finds ``packaging``) once they
have :data:`MIN_PREFIX` characters; quoted phrases match exactly.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from .text import ELIDED

MAX_INPUT = 2000  # characters of a query that are read; the rest is ignored
MAX_TERMS = 32  # words/phrases kept; a longer query is cut, never refused
MAX_TOKEN = 100  # a longer token is cut and matched as a prefix
MIN_PREFIX = 2  # shorter words match exactly (a one-letter prefix matches everything)

#: Letters that neither NFD nor FTS5 split, spelled out identically in queries and indexes.
LIGATURES = {
    "œ": "oe",
    "Œ": "oe",
    "æ": "ae",
    "Æ": "ae",
    "ß": "ss",
    "ẞ": "ss",  # the capital, which lower() would leave as ß (migration 0015)
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
}
_LIGATURE_TABLE = str.maketrans(LIGATURES)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _drop_marks(match: re.Match[str]) -> str:
    return "".join(c for c in match.group() if unicodedata.category(c) != "Mn")


def fold(text: str) -> str:
    """Lower-case ``text`` and drop its accents, as the search indexes do.

    Only runs of non-ASCII characters are inspected one by one: snippets fold every hit's
    text, and a per-character loop over whole notes was half of a search's time."""
    if text.isascii():
        return text.lower()
    lowered = text.translate(_LIGATURE_TABLE).lower()
    if lowered.isascii():
        return lowered
    return _NON_ASCII.sub(_drop_marks, unicodedata.normalize("NFD", lowered))


@functools.lru_cache(maxsize=4096)
def _fold_one(char: str) -> str:
    return fold(char)


def aligned(text: str) -> bool:
    """Whether :func:`fold` keeps every character of ``text`` in place (each folds to one
    character), so that positions in the folded text are positions in ``text``."""
    return text.isascii() or all(len(_fold_one(c)) == 1 for c in set(text) if not c.isascii())


_WORD = re.compile(r"[^\W_]+")  # letters and digits, any script


def token_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each word of ``text`` (runs of letters and digits)."""
    for match in _WORD.finditer(text):
        yield match.span()


def tokens(text: str) -> list[str]:
    """The folded words of ``text``: what the index holds for it."""
    folded = fold(text)
    return [folded[a:b] for a, b in token_spans(folded)]


@dataclass(frozen=True)
class Term:
    """A word (one token) or a phrase (several, in order); ``prefix`` applies to the last.

    ``elided`` marks the second reading of a word typed without an elision's apostrophe:
    ``ndiaye`` is also the phrase ``n diaye``, which is how the indexes split "N'Diaye"."""

    tokens: tuple[str, ...]
    prefix: bool = False
    elided: bool = False

    def matches(self, token: str) -> bool:
        """Whether one folded word of a document is one of this term's tokens."""
        if token in self.tokens:
            return True
        return self.prefix and token.startswith(self.tokens[-1])


@dataclass(frozen=True)
class Query:
    """All of ``groups`` (each: any of its terms), and none of ``excluded``."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    terms: tuple[Term, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(term for group in self.groups for term in group)

    @property
    def marked(self) -> tuple[Term, ...]:
        """The terms whose words a snippet marks: an elided reading by its last part only
        (``diaye`` of "N'Diaye"; a lone ``n`` would mark every "n'" of the text)."""
        return tuple(Term(t.tokens[1:], t.prefix) if t.elided else t for t in self.positive)

    def spelled(self, group: tuple[Term, ...]) -> str:
        """A group as the user typed it, folded: ``"supplier OR vendor"``."""
        return " OR ".join(" ".join(t.tokens) for t in group if not t.elided)

    def relaxed(self) -> Query:
        """Any of the wanted terms instead of all of them: the fallback when all finds nothing."""
        if len(self.groups) < 2:
            return self
        return Query((self.positive,), self.excluded)


def _term(raw: str, *, quoted: bool, explicit_prefix: bool = False) -> Term | None:
    words = tokens(raw)
    if not words:
        return None
    prefix = not quoted or explicit_prefix
    if any(len(w) > MAX_TOKEN for w in words):
        words = [w[:MAX_TOKEN] for w in words]
        cut = next(i for i, w in enumerate(words) if len(w) == MAX_TOKEN)
        words, prefix = words[: cut + 1], True
    prefix = prefix and len(words[-1]) >= MIN_PREFIX
    return Term(tuple(words), prefix)


def _elided(term: Term, *, quoted: bool) -> list[Term]:
    """The reading of a bare word typed without an elision's apostrophe (``ndiaye``: the
    phrase ``n diaye``), which the indexes hold as two words; none for other terms."""
    if quoted or len(term.tokens) != 1:
        return []
    word = term.tokens[0]
    if len(word) < 4 or word[0] not in ELIDED or not word[1:].isalpha() or not word.isascii():
        return []
    return [Term((word[0], word[1:]), term.prefix, elided=True)]


def _lex(text: str) -> Iterator[tuple[str, str]]:
    """Split user text into ``("word" | "phrase" | "neg" | "or" | "not", value)`` pieces."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace() or char in "()":
            i += 1
            continue
        if char == "-" and i + 1 < n and not text[i + 1].isspace():
            yield "neg", ""
            i += 1
            continue
        if char == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            yield "phrase", text[i + 1 : end]
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] not in '()"':
            i += 1
        word = text[start:i]
        if word in ("OR", "OU", "|"):
            yield "or", word
        elif word in ("NOT", "SAUF"):
            yield "not", word
        elif word not in ("AND", "ET"):
            yield "word", word


def parse(text: object) -> Query:
    """Parse what a user typed; never raises, whatever ``text`` is (``None`` is empty)."""
    if not isinstance(text, str):
        return Query()
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    negate = join = False
    count = 0
    for kind, value in _lex(text[:MAX_INPUT]):
        if kind == "or":
            join = bool(groups)
            continue
        if kind in ("neg", "not"):
            negate = True
            continue
        term = _term(
            value.rstrip("*"), quoted=kind == "phrase", explicit_prefix=value.endswith("*")
        )
        if term is None or count >= MAX_TERMS:
            negate = join = False
            continue
        count += 1
        readings = [term, *_elided(term, quoted=kind == "phrase")]
        if negate:
            excluded.extend(readings)
        elif join:
            groups[-1].extend(readings)
        else:
            groups.append(readings)
        negate = join = False
    frozen = tuple(tuple(dict.fromkeys(group)) for group in groups)
    return Query(frozen, tuple(dict.fromkeys(excluded)), tuple(t for g in frozen for t in g))


# -- compilers ------------------------------------------------------------------------------


def _cut(term: Term, longest: int | None) -> Term:
    """``term`` as a prefix of at most ``longest`` letters (a superset of its matches)."""
    if longest is None or not term.prefix or len(term.tokens[-1]) <= longest:
        return term
    return Term((*term.tokens[:-1], term.tokens[-1][:longest]), True)


def _fts5_term(term: Term) -> str:
    return '"' + " ".join(term.tokens) + '"' + ("*" if term.prefix else "")


def _fts5_any(terms: tuple[Term, ...], longest: int | None = None) -> str:
    return "(" + " OR ".join(_fts5_term(_cut(t, longest)) for t in terms) + ")"


def to_fts5(query: Query, *, longest_prefix: int | None = None) -> str | None:
    """An FTS5 ``MATCH`` expression, every token quoted; ``None`` when no term is wanted.

    With ``longest_prefix``, a longer prefix is cut to that many letters and an exclusion
    that would need cutting is left out: the expression then finds a superset of the
    query's matches, read through FTS5's prefix indexes instead of merging every posting
    of every term of the prefix."""
    if not query.groups:
        return None
    wanted = " AND ".join(_fts5_any(group, longest_prefix) for group in query.groups)
    excluded = tuple(t for t in query.excluded if _cut(t, longest_prefix) is t)
    if excluded:
        return f"({wanted}) NOT {_fts5_any(excluded)}"
    return wanted


def fts5_excluded(query: Query) -> str | None:
    """The exclusions alone, for a query that only excludes (its hits are what does not match)."""
    return _fts5_any(query.excluded) if query.excluded else None


def _ts_term(term: Term) -> str:
    lexemes = [f"'{token}'" for token in term.tokens]
    if term.prefix:
        lexemes[-1] += ":*"
    return "(" + " <-> ".join(lexemes) + ")"


def _ts_any(terms: tuple[Term, ...]) -> str:
    return "(" + " | ".join(_ts_term(t) for t in terms) + ")"


def to_tsquery(query: Query) -> str | None:
    """A PostgreSQL ``to_tsquery('simple', ...)`` text of quoted lexemes, or ``None``."""
    if not query.groups:
        return None
    wanted = " & ".join(_ts_any(group) for group in query.groups)
    if query.excluded:
        return f"({wanted}) & !{_ts_any(query.excluded)}"
    return wanted


def tsquery_excluded(query: Query) -> str | None:
    """The exclusions alone, as :func:`fts5_excluded`."""
    return _ts_any(query.excluded) if query.excluded else None
