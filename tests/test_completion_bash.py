"""Bash completion of names, typed in a real interactive bash under a pseudo-terminal.

Click's bash script handed ``Hélène Dubois`` to bash as it is, so ``people show hél<TAB>``
became two arguments and ``zo<TAB>`` (``Zoé N'Diaye``) left bash waiting on an open quote
(issue 13, item 20). Each case here types the line, presses Tab then Enter, and checks that the
command ran and showed the person.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netjournal.cli.complete import bash_word

from netjournal import Journal

BASH = shutil.which("bash")
SCRIPT_DIR = Path(sys.executable).parent  # the venv's bin, which holds the netjournal script
if not (SCRIPT_DIR / "netjournal").exists():
    SCRIPT_DIR = Path(shutil.which("netjournal") or SCRIPT_DIR / "netjournal").parent
STATUS = re.compile(rb"STATUS-(\d+)-END")

pytestmark = [
    pytest.mark.slow,  # an interactive bash on a pseudo-terminal, completing through netjournal
    pytest.mark.skipif(BASH is None, reason="needs bash"),
    pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal"),
]


class Terminal:
    """An interactive bash on a pseudo-terminal, with netjournal's completion sourced."""

    def __init__(self, home: Path, journal: Path) -> None:
        import pty

        env = {
            "PATH": f"{SCRIPT_DIR}{os.pathsep}/usr/bin{os.pathsep}/bin",
            "HOME": str(home),
            "NETJOURNAL_DB": str(journal),
            "INPUTRC": os.devnull,  # no user readline settings
            "TERM": "dumb",
            "LC_ALL": "C.UTF-8",
            "PS1": "$ ",
            "NO_COLOR": "1",
        }
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become bash, in a folder outside the checkout
            os.chdir(home)
            os.execve(BASH or "bash", ["bash", "--norc", "--noprofile", "-i"], env)
        self.output = b""
        self.send('eval "$(_NETJOURNAL_COMPLETE=bash_source netjournal)"; echo "STATUS-$?-END"\n')
        self.wait_for(STATUS)
        self.output = b""

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float = 60) -> re.Match[bytes]:
        end = time.monotonic() + timeout
        while (found := pattern.search(self.output)) is None:
            left = end - time.monotonic()
            assert left > 0, (
                f"{pattern.pattern!r} never came:\n{self.output.decode(errors='replace')}"
            )
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.2))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # bash is gone
                    chunk = b""
                assert chunk, f"bash ended:\n{self.output.decode(errors='replace')}"
                self.output += chunk
        return found

    def complete_and_run(self, *keys: str, shown: str) -> str:
        """Type ``keys`` (each ends with a Tab, waiting for the completion to show ``shown``),
        press Enter, and return what the command printed once it finished with status 0."""
        for key in keys:
            self.send(key)
        self.wait_for(re.compile(re.escape(shown.encode())))
        self.send('\necho "STATUS-$?-END"\n')
        status = self.wait_for(STATUS)
        text = self.output.decode(errors="replace")
        assert status.group(1) == b"0", text
        self.output = b""
        return text

    def close(self) -> None:
        os.close(self.fd)
        os.waitpid(self.pid, 0)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        for name in ("Hélène Dubois", "Zoé N'Diaye", "Jean-Luc O'Brien", "Jean-Luc Ortiz"):
            journal.people.add(name)
    term = Terminal(tmp_path, path)
    yield term
    term.close()


@pytest.mark.parametrize(
    ("typed", "person"),
    [
        ("hél", "Hélène Dubois"),  # a space
        ("zo", "Zoé N'Diaye"),  # a space and an apostrophe
        ('"hél', "Hélène Dubois"),  # inside a quote the user opened
        ('"zo', "Zoé N'Diaye"),
        ("'hél", "Hélène Dubois"),
        ("'zo", "Zoé N'Diaye"),  # an apostrophe inside '...'
    ],
)
def test_a_completed_name_runs(terminal: Terminal, typed: str, person: str) -> None:
    surname = person.split()[-1].split("'")[-1]
    printed = terminal.complete_and_run(f"netjournal people show {typed}\t", shown=surname)
    assert f"{person} (#" in printed, printed
    assert "unexpected extra argument" not in printed


def test_a_common_start_then_the_rest(terminal: Terminal) -> None:
    """Two names share 'Jean-Luc O': the first Tab inserts that much, escaped; completion then
    reads the escaped word back and finishes the name."""
    printed = terminal.complete_and_run("netjournal people show jean\t", "r\t", shown="Ortiz")
    assert "Jean-Luc Ortiz (#" in printed, printed
    printed = terminal.complete_and_run("netjournal people show 'jean\t", "'\\''\t", shown="Brien")
    assert "Jean-Luc O'Brien (#" in printed, printed


@settings(max_examples=150, deadline=None)
@given(
    value=st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), min_size=1),
    quote=st.sampled_from(["", "'", '"']),
    cut=st.integers(min_value=0),
)
def test_bash_reads_back_exactly_the_completed_value(value: str, quote: str, cut: int) -> None:
    """Whatever the name holds, the word bash ends up with (the typed start, escaped, the quote
    the user opened, what completion inserts and the quote readline closes) is the name."""
    start = value[: cut % (len(value) + 1)]
    start = re.split(r"[\x00-\x1f\x7f]", start)[0]  # nobody types $'\x1f' before a quote
    typed = bash_word(start, "") if quote else ""
    typed = f"{typed}{quote}"
    inserted = bash_word(value, typed)
    assert inserted is not None
    line = f"{typed}{inserted}{quote}"
    done = subprocess.run(
        [BASH or "bash", "--norc", "--noprofile", "-c", f"printf %s {line}"],
        capture_output=True,
        env={"LC_ALL": "C.UTF-8", "PATH": os.defpath},
        check=True,
    )
    assert done.stdout.decode() == value, line


def test_a_name_that_does_not_go_on_from_before_the_quote_is_not_offered() -> None:
    # readline replaces only what follows the quote: "Jean-Luc O'" cannot become "...Ortiz"
    assert bash_word("Jean-Luc Ortiz", "'Jean-Luc O'\\''") is None
    assert bash_word("Jean-Luc O'Brien", "'Jean-Luc O'\\''") == "Brien"
    assert bash_word("Hélène Dubois", "helene\\ 'd") == "Dubois"  # case and accents ignored
