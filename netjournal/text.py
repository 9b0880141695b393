"""Text folding: how names, fields, tags and questions are compared.

"Hélène", "HELENE" and "helene " must be the same person; "What's your biggest supplier
problem?" and "what is your biggest supplier problem" the same question. Folding is done in
Python and stored in ``*_key`` columns, so every backend compares the same way and can index it.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]|_")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced ``text``: ``"  Hélène  D."`` -> ``"helene d."``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def question_key(text: str) -> str:
    """Fold and drop punctuation, so the same question asked twice groups together."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", fold(text))).strip()


def like_escape(text: str) -> str:
    """Escape ``%``, ``_`` and ``\\`` for a ``LIKE ... ESCAPE '\\'`` pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contact_key(kind: str, value: str) -> str:
    """Normalise a contact point for duplicate detection (e-mail case, phone digits, URL slash)."""
    value = value.strip()
    if kind == "email":
        return value.casefold()
    if kind == "phone":
        digits = re.sub(r"[^\d+]", "", value)
        return digits
    if kind == "url":
        url = re.sub(r"^https?://(www\.)?", "", value.casefold())
        return url.rstrip("/")
    return value


def plural(count: int, word: str, many: str | None = None) -> str:
    """``plural(2, "lead")``: "2 leads"; ``many`` for an irregular plural."""
    return f"{count} {word if count == 1 else many or word + 's'}"
