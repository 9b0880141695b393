"""Messages in French: complete catalogs, compiled, and a command line that speaks French when
asked (``--lang``, ``$NETJOURNAL_LANG``, ``LC_ALL``/``LC_MESSAGES``/``LANG``), Click's own words
included, and English again in the same process when the next call asks for it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import run

from netjournal import catalogs
from netjournal.i18n import LOCALE_DIR, using
from netjournal.i18n import _ as translate

LOCALE = Path(__file__).resolve().parents[1] / "netjournal" / "locale"


def test_every_string_has_a_french_translation_and_the_compiled_catalog_is_current() -> None:
    """Extracted again from the code (marked strings, every help text, Click's messages): each
    has a French translation that keeps its ``{fields}`` and French typography, and the
    ``.mo`` is what the ``.po`` files compile to."""
    problems = catalogs.problems(LOCALE)
    assert problems == [], "\n".join(problems[:40]) + f"\n({len(problems)} in all)"


def test_the_installed_catalog_is_the_compiled_one() -> None:
    installed = LOCALE_DIR / "fr" / "LC_MESSAGES" / "netjournal.mo"
    assert installed.read_bytes() == catalogs.mo_path("fr", LOCALE).read_bytes()


def test_the_check_finds_what_is_missing_or_badly_typeset(tmp_path: Path) -> None:
    """The check can fail: an untranslated string, a field lost, a plain space before a colon,
    a straight apostrophe, a text two catalogs translate differently, and a .mo that no
    longer matches are each reported."""
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    for kind in catalogs.TEMPLATES:
        (folder / f"{kind}.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgid "Unknown person {name}."\nmsgstr "Personne inconnue."\n\n'
            'msgid "Error: {message}"\nmsgstr "Erreur : {message}"\n\n'
            'msgid "It\'s done."\nmsgstr "C\'est fait."\n\n'
            'msgid "Not yet."\nmsgstr ""\n\n'
            f'msgid "Title"\nmsgstr "Titre {kind}"\n',  # one .mo: one translation per text
            encoding="utf-8",
        )
    (folder / "netjournal.mo").write_bytes(b"stale")
    found = "\n".join(catalogs.problems(tmp_path, templates=False))
    assert "fields differ" in found
    assert "plain space before" in found
    assert "straight apostrophe" in found
    assert "'Not yet.': not translated" in found
    assert "stale" in found
    assert "'Title': translated" in found


def test_messages_follow_the_language_asked() -> None:
    with using("fr"):
        assert translate("Aborted.") != "Aborted."
    with using("en"):
        assert translate("Aborted.") == "Aborted."
    with using("de_DE.UTF-8"):  # a language we do not speak: English
        assert translate("Aborted.") == "Aborted."


def test_help_and_clicks_own_messages_in_french_then_english_in_the_same_process() -> None:
    french = run("--lang", "fr", "log", "--help")
    assert french.code == 0 and "Utilisation\u00a0:" in french.out
    assert "Show this message and exit." not in french.out
    english = run("log", "--help")  # the same command objects: back to English
    assert "Usage:" in english.out and "Show this message and exit." in english.out
    missing = run("--lang", "fr", "people", "show")
    assert missing.code == 2 and "Erreur\u00a0:" in missing.err and "Error:" not in missing.err
    unknown = run("--lang", "fr", "--nope")
    assert unknown.code == 2 and "No such option" not in unknown.err


@pytest.mark.parametrize(
    "variables",
    [
        {"LANG": "fr_FR.UTF-8"},
        {"LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"},
        {"NETJOURNAL_LANG": "fr", "LC_ALL": "C.UTF-8"},
    ],
)
def test_the_installed_command_speaks_the_environments_language(
    variables: dict[str, str], tmp_path: Path
) -> None:
    """``LANG=fr_FR.UTF-8 netjournal --help`` is French (and imports no SQLAlchemy)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NETJOURNAL_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")
    }
    env.update(variables)
    code = (
        "import sys; from netjournal.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'LIGHT')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Utilisation\u00a0:" in done.stdout and "Commandes" in done.stdout
    assert done.stdout.rstrip().endswith("LIGHT")
