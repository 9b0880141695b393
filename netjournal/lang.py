"""Which language the user writes in, for the few messages that suggest what to type.

Input is read in English and French whatever the language (a journal is the same whichever
language wrote it); only the examples an error suggests follow the user: French when what they
typed looks French, or when the interface is French (``--lang``, else ``$NETJOURNAL_LANG``,
then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``).
"""

from __future__ import annotations

import os
import re
from functools import cache

LANGUAGES = ("en", "fr")

#: Words only French input has (folded: lower case, no accents), and the accents it uses.
_FRENCH = re.compile(
    r"\b(hier|demain|aujourd|dernier|derniere|prochain|prochaine|passe|passee|semaine|mois|"
    r"il y a|dans|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|janvier|fevrier|mars|"
    r"avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|debut|fin|jours?|"
    r"annee|ans|le|la|les|du|de|des|une?)\b|[àâçéèêëîïôùûüÿœ]",
    re.I,
)


def environment() -> str:
    """``"fr"`` or ``"en"``: the language ``$NETJOURNAL_LANG``, ``LC_ALL``, ``LC_MESSAGES`` or
    ``LANG`` names (the first one set wins), English when none names a language we speak."""
    get = os.environ.get
    return named((get("NETJOURNAL_LANG"), get("LC_ALL"), get("LC_MESSAGES"), get("LANG")))


@cache
def named(values: tuple[str | None, ...]) -> str:
    """The language the first set one of ``values`` names (a locale such as ``fr_FR.UTF-8``:
    ``fr``), English when none names one we speak; cached, as every message asks."""
    for value in values:
        value = (value or "").strip()
        if value:
            code = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


def looks_french(text: str) -> bool:
    """Whether ``text`` has a French word or accent (``vendredi procain``, ``débt``)."""
    return bool(_FRENCH.search(text))


def of_input(text: str) -> str:
    """The language to answer ``text`` in: French if it looks French, else the interface's
    (``--lang``, then the environment: :func:`netjournal.i18n.language`)."""
    if looks_french(text):
        return "fr"
    from .i18n import language

    return language()
