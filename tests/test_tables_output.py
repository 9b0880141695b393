"""One renderer for every table (listings, search, reports, people duplicates): the same header
style and amount format, no word broken in the middle on a terminal of 160 or 80 columns,
plain text in a pipe, and control characters in stored text shown escaped, never sent raw.

The terminal is a real pseudo-terminal (the ``pty`` module) for the installed script, and
rich's Console for the renderer itself; the pipe is a subprocess or Click's runner.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from clirun import ok
from helpers import Seeds

from netjournal import Journal
from netjournal.demo import build_demo
from netjournal.display import (
    Marked,
    TextTable,
    amount,
    fit,
    money,
    print_rich,
    safe,
    safe_json,
    to_text,
)
from netjournal.reports import REPORTS
from netjournal.reports.render import blocks, to_table

SCRIPT = Path(sys.executable).with_name("netjournal")
EVIL = "Evil\x1b]0;PWNED\x07\x1b[2JName"
OSC52 = "Clip\x1b]52;c;ZXZpbA==\x07Board"  # writes "evil" to the clipboard when obeyed
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the renderer's own styles (bold, colours)
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # any control character but \t and \n


def _season(journal: Journal) -> None:
    """The demo season, plus long words that tables used to break ("Entrepreneurs",
    "supplier"), a 1,250 EUR outcome, and hostile names from a vCard or a ``log``."""
    build_demo(journal)
    journal.people.add("Zoé Entrepreneurs", organization="Entrepreneurs Associés")
    journal.log(
        "Zoé Entrepreneurs",
        event="In-Cosmetics Paris",
        leads=[{"kind": "supplier", "summary": "Entrepreneurs supplier of recyclable cartons"}],
    )
    lead = journal.leads.list(person="Zoé Entrepreneurs")[0]
    journal.outcomes.add(lead.id, "First cartons", kind="revenue", value="1250")
    journal.log(EVIL, notes="line one\nline two " + OSC52, stakes=OSC52)
    journal.people.add(OSC52, organization="Bidi\u202eevil")


@pytest.fixture
def season(journal: Journal, journal_url: str, seeds: Seeds) -> Journal:
    """``_season`` in the test's journal, written once per test process and backend."""
    seeds.restore(journal_url, _season)
    return journal


@pytest.fixture
def season_file(sqlite_journal: Journal, seeds: Seeds) -> str:
    """``_season`` in a SQLite journal, for the tests that run a process per command: what a
    terminal or a pipe shows is the command line's rendering, the same on either backend
    (the command line holds no SQL), so they do not start those processes twice."""
    path = str(sqlite_journal.location.path)
    seeds.restore(path, _season)
    return path


# -- the renderer ----------------------------------------------------------------------------


def test_control_characters_are_shown_escaped() -> None:
    assert safe(EVIL) == "Evil\\x1b]0;PWNED\\x07\\x1b[2JName"
    assert safe("a\u009bb\x7fc\u202ed") == "a\\x9bb\\x7fc\\u202ed"
    assert safe("one\r\ntwo\tthree\nfour") == "one two three four"  # a cell is one line
    assert safe("one\r\ntwo\tthree\rx", lines=True) == "one\ntwo\tthree\\x0dx"
    assert safe("Zoé N'Diaye 東京") == "Zoé N'Diaye 東京"
    # JSON: the same value, with what json.dumps leaves raw encoded
    text = json.dumps({"n": "a\u0085b\u202e" + EVIL}, ensure_ascii=False)
    assert json.loads(safe_json(text)) == {"n": "a\u0085b\u202e" + EVIL}
    assert not RAW.search(safe_json(text)) and "\u202e" not in safe_json(text)


def test_marked_spans_follow_the_escapes() -> None:
    cell = Marked("a\x1bcarton b", ((2, 8),)).safe()
    assert cell.text == "a\\x1bcarton b"
    assert [cell.text[s:e] for s, e in cell.spans] == ["carton"]


def test_one_amount_format() -> None:
    assert amount(Decimal("1250.5"), "EUR") == "€1,250.50"
    assert amount("1250.50", "EUR") == "€1,250.50"
    assert amount("-500", None) == "-500.00"
    assert amount(None, "EUR") == ""
    assert money({"EUR": Decimal("12"), "CHF": Decimal("1000")}) == "€12.00; CHF1,000.00"


def test_amounts_numbers_and_dates_follow_the_language() -> None:
    """CLDR's forms through Babel: French groups with a narrow no-break space, puts the
    currency after a no-break space, writes dates "30 nov. 2026"; English keeps ISO dates."""
    from netjournal.display import day, number, percent
    from netjournal.i18n import using

    with using("fr"):
        assert amount(Decimal("1800.5"), "EUR") == "1\u202f800,50\u00a0€"
        assert amount("-500", None) == "-500,00"
        assert money({"EUR": Decimal("12"), "CHF": Decimal("3")}) == (
            "12,00\u00a0€\u00a0; 3,00\u00a0CHF"
        )
        assert number(Decimal("2.50")) == "2,50"
        assert percent(Decimal("0.125")) == "12,5\u202f%"
        assert day(dt.date(2026, 11, 30)) == "30 nov. 2026"
    with using("en"):
        assert amount(Decimal("1800.5"), "USD") == "$1,800.50"
        assert number(Decimal("2.50")) == "2.50"
        assert percent(Decimal("0.125")) == "12.5%"
        assert day(dt.date(2026, 11, 30)) == "2026-11-30"


def test_columns_never_narrower_than_their_longest_word() -> None:
    table = TextTable(
        ["Kind", "Summary", "Organization"],
        [["supplier", "Recyclable cartons from a supplier in Vénissieux", "Entrepreneurs"]],
    )
    assert fit(table, None) == [8, 48, 13]
    widths = fit(table, 50)
    assert widths[0] >= len("supplier") and widths[2] >= len("Entrepreneurs")
    assert widths[1] >= len("Recyclable") and sum(widths) + 4 <= 50
    # only when the longest words cannot stand side by side are they cut
    assert sum(fit(table, 20)) + 4 <= 20


def _words(block_list: list[object]) -> set[str]:
    found: set[str] = set()
    for block in block_list:
        if isinstance(block, TextTable):
            found.update(safe(block.title or "").split())
            for line in block.cells():
                for c in line:
                    found.update(c.text.split())
        else:
            found.update(safe(str(block), lines=True).split())
    return found


@pytest.mark.parametrize("width", [160, 80])
def test_reports_on_a_terminal_break_no_word(season: Journal, width: int) -> None:
    for name in REPORTS:
        if name == "prep":
            report = season.report("prep", event="In-Cosmetics Paris")
        else:
            report = season.report(name)
        shown = blocks(report)
        out = StringIO()
        print_rich(shown, width=width, file=out)
        text = out.getvalue()
        words = _words(shown)
        for line in text.splitlines():
            assert len(line) <= width, (name, line)
            for token in line.split():
                assert token in words, (name, width, token, line)
        assert not RAW.search(text), name


# -- the pipe ---------------------------------------------------------------------------------


def test_reports_in_a_pipe_are_plain(season: Journal) -> None:
    for name in REPORTS:
        kwargs = {"event": "In-Cosmetics Paris"} if name == "prep" else {}
        text = to_table(season.report(name, **kwargs))
        assert "**" not in text and not RAW.search(text), name
        assert not set(text) & set("─│┃━┏┓┗┛╇┡┩"), name  # no box drawing
    events = to_table(season.report("events"))
    header = next(line for line in events.splitlines() if line.startswith("Id  "))
    assert header.split()[:3] == ["Id", "Event", "Date"]


def test_listings_and_reports_share_the_amount_format(season: Journal, journal_url: str) -> None:
    outcomes = ok("--db", journal_url, "outcome", "list")
    assert "€1,250.00" in outcomes and "1250.00" not in outcomes
    assert "€1,250.00" in ok("--db", journal_url, "report", "events")
    events = ok("--db", journal_url, "event", "list")
    assert "€450.00" in events  # the cost with its currency, as reports show it
    header = outcomes.splitlines()[0].split()
    assert header == ["Id", "Date", "Lead", "Kind", "Value", "What", "happened"]
    # CSV keeps the exact amount and its currency apart
    csv_out = ok("--db", journal_url, "outcome", "list", "--csv")
    assert csv_out.splitlines()[0] == "id,date,lead_id,kind,value,currency,description"
    assert ",1250.00,EUR," in csv_out


def test_hostile_text_is_escaped_in_every_pipe_output(season: Journal, journal_url: str) -> None:
    escaped = "Evil\\x1b]0;PWNED\\x07\\x1b[2JName"
    for args in (
        ["people", "list"],
        ["people", "show", "Evil"],
        ["search", "evil"],
        ["search", "clip"],
        ["report", "questions"],
        ["report", "prep", "In-Cosmetics Paris"],
        ["report", "events", "--format", "markdown"],
        ["people", "duplicates", "--min-score", "0"],
        ["lead", "list"],
    ):
        out = ok("--db", journal_url, *args)
        assert not RAW.search(out), (args, out)
        assert "\u202e" not in out, args
    shown = ok("--db", journal_url, "people", "show", "Evil")
    assert shown.splitlines()[0] == f"{escaped} (#{season.people.get('Evil').id})"
    assert "line one\n" in shown and "Clip\\x1b]52;c;ZXZpbA==\\x07Board" in shown
    assert escaped in ok("--db", journal_url, "people", "list")
    assert escaped in ok("--db", journal_url, "search", "evil")
    # JSON keeps the exact text, safely encoded
    people = json.loads(ok("--db", journal_url, "people", "list", "--json"))
    assert EVIL in {p["name"] for p in people} and OSC52 in {p["name"] for p in people}
    hits = json.loads(ok("--db", journal_url, "search", "evil", "--json"))
    assert EVIL in {h["person"] for h in hits}
    # an error naming a stored person shows it escaped too, on one line
    from clirun import run

    asked = run("--db", journal_url, "people", "forget", "Evil", input="n\n")
    assert asked.code == 1 and escaped in asked.err and not RAW.search(asked.err)
    season.people.add(EVIL + " Twin")
    failed = run("--db", journal_url, "people", "show", "Evil")  # ambiguous: names both
    assert failed.code == 1 and escaped in failed.err and not RAW.search(failed.err)
    assert failed.err.count("\n") == 1


def test_duplicates_follow_the_pipe_contract(season: Journal, journal_url: str) -> None:
    season.people.add("Helene Dubois", organization="Emballix")
    out = ok("--db", journal_url, "people", "duplicates")
    assert out.splitlines()[0].split() == ["Score", "First", "Second", "Why"]
    assert "Helene Dubois" in out and "─" not in out and "people merge" not in out
    rows = json.loads(ok("--db", journal_url, "people", "duplicates", "--json"))
    assert {"score", "first", "second", "reasons"} == set(rows[0])
    assert ok("--db", journal_url, "people", "duplicates", "--csv").startswith("score,first_id,")


# -- the installed script, on a real terminal and in a real pipe --------------------------------

PROBE = """
import sys
from netjournal.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    assert exit.code == 0, exit.code
print("RICH:", "rich" in sys.modules, file=sys.stderr)
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NETJOURNAL_DB", "COLUMNS", "LINES")}
    return {**env, "TERM": "xterm-256color", "NO_COLOR": ""}


def _on_a_terminal(args: list[str], cwd: Path, columns: int) -> str:
    """What the script prints on a pseudo-terminal ``columns`` wide (ANSI styles removed)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    process = subprocess.Popen(
        [str(SCRIPT), *args], cwd=cwd, stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=_env()
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's last writer is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    raw = b"".join(chunks).decode()
    assert "\x1b[1m" in raw  # bold headers: this was the terminal path
    return ANSI.sub("", raw).replace("\r\n", "\n")


@pytest.mark.slow  # a real terminal: nine commands, each a process
@pytest.mark.parametrize("columns", [160, 80])
def test_a_real_terminal_gets_whole_words_and_no_raw_escapes(
    season_file: str, tmp_path: Path, columns: int
) -> None:
    for args in (
        ["people", "list"],
        ["lead", "list"],
        ["outcome", "list"],
        ["search", "cartons"],
        ["search", "evil"],
        ["report", "leads"],
        ["report", "fields"],
        ["report", "events"],
        ["people", "show", "Evil"],
    ):
        text = _on_a_terminal(["--db", season_file, *args], tmp_path, columns)
        assert not RAW.search(text), (args, text)  # no OSC, BEL, clear-screen: all escaped
        for line in text.splitlines():
            assert len(line.rstrip()) <= columns, (args, line)
        unbroken = text
        for word in ("supplier", "Entrepreneurs", "In-Cosmetics", "provisional"):
            unbroken = unbroken.replace(word, "")
        for fragment in ("supplie", "Entrepreneur", "In-Cosmetic", "provisiona"):
            assert fragment not in unbroken, (args, columns, text)
        assert not re.search(r"\w…", text), (args, text)  # nothing had to be cut


@pytest.mark.slow  # a process per command
@pytest.mark.parametrize(
    "args",
    [["people", "list"], ["report", "events"], ["search", "carton"], ["people", "duplicates"]],
)
def test_a_pipe_gets_plain_text_without_importing_rich(
    season_file: str, tmp_path: Path, args: list[str]
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", season_file, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "RICH: False" in done.stderr
    assert "\x1b" not in done.stdout and "**" not in done.stdout


def test_plain_text_of_blocks_is_aligned() -> None:
    table = TextTable(
        ["Id", "Name", "Value"],
        [["1", "Zoé", "€1,250.00"], ["12", "A", ""]],
        [True, False, True],
    )
    assert to_text(["Title", table]).splitlines() == [
        "Title",
        "Id  Name      Value",
        " 1  Zoé   €1,250.00",
        "12  A",
    ]


def test_text_made_of_digits_is_not_reformatted_as_a_number() -> None:
    """An organization named 1789 or a title 007 stays as typed in either language; only
    figures with decimals (hours) are written the French way."""
    from netjournal.cli.output import table_of

    from netjournal.i18n import using

    rows = [{"org": "1789", "title": "007", "hours": "2.50"}]
    columns = [("org", "Org"), ("title", "Title"), ("hours", "Hours")]
    with using("fr"):
        (line,) = to_text([table_of(rows, columns)]).splitlines()[1:]
    assert line.split() == ["1789", "007", "2,50"]
