"""The message catalogs: extracted, updated, compiled and checked with Babel.

    python -m netjournal.catalogs update [KIND...]  # new strings into .pot and .po, then compile
    python -m netjournal.catalogs compile   # the .po files into the .mo that netjournal reads
    python -m netjournal.catalogs check     # what is untranslated, badly typeset or stale

Five templates, each with its French ``.po`` in ``locale/fr/LC_MESSAGES``:

- ``library``, ``pages`` and ``cli``: the strings marked in the code (``_``, ``N_``,
  ``ngettext``): the library's messages, its pages (reports, tables, the demo: ``PAGES``)
  and the command line's;
- ``help``: the help texts of the command line (docstrings and options' ``help``), read from
  the commands themselves (:mod:`netjournal.cli.localize` translates them when shown);
- ``click``: Click's own messages ("Usage:", "Missing argument", "No such option"...).

They compile into one ``netjournal.mo``, the only file read at run time. Babel is needed to
maintain the catalogs, not to read them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .i18n import DOMAIN, LOCALE_DIR

TEMPLATES = ("library", "pages", "cli", "help", "click")
LANGUAGES = ("fr",)
KEYWORDS: dict[str, Any] = {"_": None, "N_": None, "ngettext": (1, 2)}
#: Click's words that it translates through a variable (``_(extra["required"])``), which no
#: extractor can see: the "[required]" of an option's help.
CLICK_INDIRECT = ("required",)
_FIELD = re.compile(r"\{[^{}]*\}|%\([^)]*\)[a-z]|%[sdr]")
_SPACE_BEFORE = re.compile(r" [:;?!]")  # French wants a no-break space there
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")  # l'argument, not l’argument


#: The library's files whose strings are shown as pages (reports, tables, the demo): their own
#: catalog, apart from the library's messages and errors.
PAGES = ("reports/", "display.py", "demo.py")


def _sources(kind: str) -> list[tuple[Path, Path]]:
    """``(root, file)`` of each source file whose strings belong to ``kind``."""
    if kind == "cli":
        import netjournal.cli

        root = Path(netjournal.cli.__file__).parent
        return [(root, path) for path in sorted(root.rglob("*.py"))]
    root = Path(__file__).parent
    files = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("cli/", "migrations/")):
            continue  # (an installed package holds the command line and migrations inside)
        if relative.startswith(PAGES) == (kind == "pages"):
            files.append((root, path))
    return files


def _extract(files: Iterable[tuple[Path, Path]], keywords: dict[str, Any]) -> Iterator[tuple]:
    from babel.messages.extract import extract_from_file

    for root, path in files:
        where = f"{root.name}/{path.relative_to(root).as_posix()}"
        for line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=keywords
        ):
            yield where, line, message


def _help_texts() -> Iterator[tuple[str, str]]:
    from netjournal.cli.localize import help_texts
    from netjournal.cli.main import COMMANDS, cli

    yield from (("netjournal", text) for text in help_texts(cli))
    context = cli.make_context("netjournal", ["--help"], resilient_parsing=True)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        if command is not None:
            yield from ((f"netjournal {name}", text) for text in help_texts(command))


def template(kind: str) -> Any:
    """The :class:`babel.messages.catalog.Catalog` of the strings of ``kind`` (see above)."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="netjournal", domain=kind)
    if kind in ("library", "pages", "cli"):
        for where, line, message in _extract(_sources(kind), KEYWORDS):
            catalog.add(message, locations=[(where, line)], flags=_flags(message))
    elif kind == "help":
        for where, text in _help_texts():
            catalog.add(text, locations=[(where, 0)])
    elif kind == "click":
        import click

        click_dir = Path(click.__file__).parent
        keywords = {"_": None, "ngettext": (1, 2)}
        files = [(click_dir, path) for path in sorted(click_dir.glob("*.py"))]
        for where, line, message in _extract(files, keywords):
            catalog.add(message, locations=[(where, line)], flags=_flags(message))
        for message in CLICK_INDIRECT:
            catalog.add(message, locations=[("click/core.py", 0)])
    else:
        raise ValueError(f"no template {kind!r}")
    return catalog


def _flags(message: str | tuple[str, ...]) -> list[str]:
    text = message if isinstance(message, str) else message[0]
    return ["python-brace-format"] if "{" in text else []


def po_path(kind: str, language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{kind}.po"


def mo_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def read(path: Path) -> Any:
    from babel.messages.pofile import read_po

    with path.open("rb") as file:
        return read_po(file)


def update(locale_dir: Path = LOCALE_DIR, kinds: Iterable[str] = TEMPLATES) -> None:
    """Write the templates of ``kinds``, bring each language's ``.po`` files up to them (new
    strings untranslated, gone ones dropped), then :func:`compile_catalogs`."""
    from babel.messages.pofile import write_po

    for kind in kinds:
        fresh = template(kind)
        with (locale_dir / f"{kind}.pot").open("wb") as file:
            write_po(file, fresh, width=100, sort_output=True)
        for language in LANGUAGES:
            path = po_path(kind, language, locale_dir)
            if path.exists():
                catalog = read(path)
            else:
                from babel.messages.catalog import Catalog

                catalog = Catalog(locale=language, domain=kind, project="netjournal")
                path.parent.mkdir(parents=True, exist_ok=True)
            catalog.update(fresh, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            with path.open("wb") as file:
                write_po(file, catalog, width=100, sort_output=True, ignore_obsolete=True)
    compile_catalogs(locale_dir)


def compiled(language: str, locale_dir: Path = LOCALE_DIR) -> bytes:
    """The ``.mo`` file that the ``.po`` files of ``language`` compile to (all in one)."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    # Dated once and for all, so that the same .po files always compile to the same bytes.
    fixed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    merged = Catalog(
        locale=language,
        domain=DOMAIN,
        project="netjournal",
        creation_date=fixed,
        revision_date=fixed,
    )
    plural_forms = None
    for kind in TEMPLATES:
        path = po_path(kind, language, locale_dir)
        if not path.exists():
            continue
        catalog = read(path)
        plural_forms = plural_forms or catalog.plural_forms
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                merged.add(message.id, message.string)
    if plural_forms is not None:
        # The .po files' rule (French: nplurals=2; plural=(n > 1)), not CLDR's default for the
        # locale, which may count more forms than the translations have (then gettext falls
        # back to English for them).
        merged.mime_headers = [("Plural-Forms", plural_forms)]
    out = io.BytesIO()
    write_mo(out, merged)
    return out.getvalue()


def clashes(language: str, locale_dir: Path = LOCALE_DIR) -> list[str]:
    """The strings two catalogs translate differently: compiled into one ``.mo``, only one
    translation can win, so the other place would read wrong ("Title" as a job title in one
    table, a book's title in another)."""
    seen: dict[Any, tuple[str, Any]] = {}
    found = []
    for kind in TEMPLATES:
        path = po_path(kind, language, locale_dir)
        if not path.exists():
            continue
        for message in read(path):
            if not (message.id and message.string) or message.fuzzy:
                continue
            key = message.id if isinstance(message.id, str) else tuple(message.id)
            string = message.string if isinstance(message.string, str) else tuple(message.string)
            if key in seen and seen[key][1] != string:
                found.append(
                    f"{path.name}: {_short(message.id)}: translated {string!r} here and "
                    f"{seen[key][1]!r} in {seen[key][0]}.po (one .mo holds one translation)"
                )
            seen.setdefault(key, (kind, string))
    return found


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> None:
    """Compile each language's ``.po`` files into its ``netjournal.mo``."""
    for language in LANGUAGES:
        mo_path(language, locale_dir).write_bytes(compiled(language, locale_dir))


def problems(
    locale_dir: Path = LOCALE_DIR, *, templates: bool = True, kinds: Iterable[str] = TEMPLATES
) -> list[str]:
    """What keeps the catalogs from being complete and current: a string of a template with
    no translation (or a fuzzy one), a translation that drops or adds a ``{field}``, French
    typography (a plain space before ``: ; ? !``, a straight apostrophe), a stale ``.mo``.
    ``templates=False`` checks the ``.po`` files as they are, without extracting again."""
    found: list[str] = []
    for language in LANGUAGES:
        for kind in kinds:
            path = po_path(kind, language, locale_dir)
            if not path.exists():
                found.append(f"{path}: missing")
                continue
            catalog = read(path)
            wanted = template(kind) if templates else catalog
            for message in wanted:
                if not message.id:
                    continue
                have = catalog.get(message.id)
                where = f"{path.name}: {_short(message.id)}"
                if have is None:
                    found.append(f"{where}: not in the catalog (run update)")
                elif not _translated(have.string) or have.fuzzy:
                    found.append(f"{where}: not translated")
                else:
                    found.extend(f"{where}: {issue}" for issue in _check(have.id, have.string))
        found.extend(clashes(language, locale_dir))
        mo = mo_path(language, locale_dir)
        if not mo.exists() or mo.read_bytes() != compiled(language, locale_dir):
            found.append(f"{mo}: stale (run compile)")
    return found


def _translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def _check(msgid: str | tuple[str, ...], msgstr: str | tuple[str, ...]) -> Iterator[str]:
    ids = (msgid,) if isinstance(msgid, str) else msgid
    strings = (msgstr,) if isinstance(msgstr, str) else msgstr
    fields = set(_FIELD.findall(ids[-1]))
    for string in strings:
        if set(_FIELD.findall(string)) != fields:
            yield f"fields differ: {sorted(fields)} vs {sorted(set(_FIELD.findall(string)))}"
        if _SPACE_BEFORE.search(string):
            yield "a plain space before : ; ? or ! (French wants a no-break space)"
        if _STRAIGHT_APOSTROPHE.search(string):
            yield "a straight apostrophe (French wants ’)"


def _short(msgid: str | tuple[str, ...]) -> str:
    text = msgid if isinstance(msgid, str) else msgid[0]
    text = text.replace("\n", " ")
    return repr(text if len(text) <= 70 else text[:67] + "...")


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "check"
    if action == "update":
        update(kinds=argv[1:] or TEMPLATES)
    elif action == "compile":
        compile_catalogs()
    elif action == "check":
        found = problems(kinds=argv[1:] or TEMPLATES)
        for line in found:
            print(line)
        print(f"{len(found)} problem(s)")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
