"""Shell completion of person and event names, read from the journal.

Completion runs before any command callback, so ``ctx.obj`` is not set: the journal address
comes from the root's ``--db`` or ``$NETJOURNAL_DB``. Any failure (no journal yet, server down,
old schema) completes nothing rather than printing a traceback into the user's shell.

Bash inserts what the completion function offers as it is, so Click's own bash script broke
the line on a name with a space or an apostrophe (``Hélène Dubois``, ``Zoé N'Diaye``), and its
``read`` dropped backslashes. :class:`QuotingBashComplete` replaces it under the same
``_NETJOURNAL_COMPLETE=bash_source``: :func:`bash_word` escapes each value for the word as typed.
"""

from __future__ import annotations

import os
import re
import shlex
import unicodedata
from typing import Any

import click
from click.shell_completion import BashComplete, CompletionItem, add_completion_class

#: Click's bash script (8.x), except that values arrive escaped by :func:`bash_word` and are
#: read with ``read -r`` and added quoted, so no backslash is dropped and no glob is expanded.
BASH_SOURCE = r"""%(complete_func)s() {
    local IFS=$'\n'
    local response type value

    response=$(env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \
        %(complete_var)s=bash_complete $1)

    while IFS=',' read -r type value; do
        if [[ $type == 'dir' ]]; then
            COMPREPLY=()
            compopt -o dirnames
        elif [[ $type == 'file' ]]; then
            COMPREPLY=()
            compopt -o default
        elif [[ $type == 'plain' ]]; then
            COMPREPLY+=("$value")
        fi
    done <<< "$response"

    return 0
}

%(complete_func)s_setup() {
    complete -o nosort -F %(complete_func)s %(prog_name)s
}

%(complete_func)s_setup;
"""

_BARE_SAFE = re.compile(r"[^\w@%+=:,./-]")  # what a bare word must escape (\w is Unicode)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _ansi_c(char: str) -> str:
    return f"$'\\x{ord(char):02x}'"


def _loose(text: str) -> str:
    """Case and accents ignored, character for character (unlike ``fold``, which reads an
    apostrophe as a space): "hél" is loosely the start of "Hélène", "O'" is not "Or"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def bash_word(value: str, typed: str) -> str | None:
    """What bash must insert to complete the word ``typed`` (as typed: quotes, backslashes)
    with ``value``, so that the line then runs with ``value`` as one argument.

    A bare word is replaced whole, so the value is escaped with backslashes
    (``Hélène\\ Dubois``). When ``typed`` leaves a quote open (``"hél``, ``'zo``,
    ``Jean-Luc\\ O'``), readline replaces only what follows that quote and closes it after a
    unique match: the value, less what the word holds before the quote, is escaped for that
    quote (``'`` becomes ``'\\''`` inside ``'...'``); None when the value does not go on from
    what the word holds before the quote, since that part cannot be replaced (a start typed in
    ``$'...'`` is not decoded). Control characters are written ``$'\\xNN'``.
    """
    quote, start, i = "", 0, 0
    while i < len(typed):
        char = typed[i]
        if char == "\\" and quote != "'":
            i += 1  # the next character is escaped
        elif quote and char == quote:
            quote = ""
        elif not quote and char in "'\"":
            quote, start = char, i + 1
        i += 1
    if not quote:
        return _BARE_SAFE.sub(
            lambda m: _ansi_c(m[0]) if _CONTROL.match(m[0]) else "\\" + m[0], value
        )
    try:
        before = "".join(shlex.split(typed[: start - 1]))
    except ValueError:
        before = ""
    if _loose(value[: len(before)]) != _loose(before):
        return None
    rest = value[len(before) :]
    if quote == "'":
        rest = rest.replace("'", "'\\''")
    else:
        rest = re.sub(r'([\\"$`])', r"\\\1", rest).replace("!", '"\\!"')  # ! : history
    return _CONTROL.sub(lambda m: f"{quote}{_ansi_c(m[0])}{quote}", rest)


class QuotingBashComplete(BashComplete):
    """Bash completion whose values arrive escaped, so that a completed line runs as typed."""

    source_template = BASH_SOURCE
    typed = ""

    def get_completion_args(self) -> tuple[list[str], str]:
        args, incomplete = super().get_completion_args()
        joined = os.environ["COMP_WORDS"]  # the script joins the words with newlines
        words = joined.split("\n") if "\n" in joined else joined.split()
        cword = int(os.environ["COMP_CWORD"])
        self.typed = words[cword] if 0 <= cword < len(words) else ""
        return args, incomplete

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        lines = []
        for item in self.get_completions(args, incomplete):
            if item.type != "plain":
                lines.append(self.format_completion(item))
            elif (word := bash_word(item.value, self.typed)) is not None:
                lines.append(f"{item.type},{word}")
        return "\n".join(lines)


def install() -> None:
    """Use :class:`QuotingBashComplete` for ``_NETJOURNAL_COMPLETE=bash_source``."""
    add_completion_class(QuotingBashComplete)


def _address(ctx: click.Context) -> str | None:
    return ctx.find_root().params.get("db") or os.environ.get("NETJOURNAL_DB") or None


def _complete(ctx: click.Context, incomplete: str, kind: str) -> list[CompletionItem]:
    try:
        from netjournal import Journal

        with Journal.open(_address(ctx), create=False) as journal:
            if kind == "person":
                return [
                    CompletionItem(p.display_name, help=p.organization or None)
                    for p in journal.people.find(incomplete)
                ]
            latest: dict[str, CompletionItem] = {}  # editions share a name: offer it once
            for e in journal.events.find(incomplete):
                latest.setdefault(e.name, CompletionItem(e.name, help=e.start_date.isoformat()))
            return list(latest.values())
    except Exception:
        return []


def person_names(ctx: click.Context, param: Any, incomplete: str) -> list[CompletionItem]:
    return _complete(ctx, incomplete, "person")


def event_names(ctx: click.Context, param: Any, incomplete: str) -> list[CompletionItem]:
    return _complete(ctx, incomplete, "event")


def words(values: tuple[str, ...]) -> Any:
    """Complete an option from a fixed vocabulary (kinds, statuses) without restricting it:
    the library accepts other spellings ("trade-show") and suggests a fix for typos."""

    def complete(ctx: click.Context, param: Any, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(v) for v in values if v.startswith(incomplete.casefold())]

    return complete
