"""A password written raw in a database URL, whatever it holds, is never shown (issue 19, item 4).

``postgresql://alice:s3@cret@host/db`` used to be read as password ``s3`` on host
``cret@host``, and every message showed ``alice:***@cret@host``. The user part now ends at the
last ``@``; these tests build passwords of distinctive fragments joined by the characters that
confuse URL parsers and check that no fragment reaches any message.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netjournal import Journal
from netjournal.db import mask_url, resolve
from netjournal.errors import JournalUnavailable

#: Characters that end or split a URL's parts, and a few that shells and quoting mangle.
HOSTILE = "@:/?#&=%[]+ !'\"\\;"
UNREACHABLE = "127.0.0.1:1/nothing"  # nothing listens on port 1: refused at once


@st.composite
def passwords(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A password and its fragments: each fragment is a marker no message could hold by chance."""
    separators = draw(st.lists(st.text(alphabet=HOSTILE, max_size=3), min_size=1, max_size=5))
    tail = draw(st.text(alphabet=HOSTILE, max_size=2))
    fragments = [f"Pw{i}zQx" for i in range(len(separators))]
    password = "".join(s + f for s, f in zip(separators, fragments, strict=True)) + tail
    return password, fragments


def _secret_free(text: str, fragments: list[str]) -> None:
    for fragment in fragments:
        assert fragment not in text, text


def test_the_issue_example() -> None:
    url = "postgresql://user:s3@cretZZ@127.0.0.1:1/nothing"
    location = resolve(url)
    assert location.url.password == "s3@cretZZ" and location.url.host == "127.0.0.1"
    assert location.display == "postgresql+psycopg://user:***@127.0.0.1:1/nothing"
    with pytest.raises(JournalUnavailable) as caught:
        Journal.open(url)
    assert "cretZZ" not in str(caught.value) and "user:***@127.0.0.1:1" in str(caught.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(passwords())
def test_no_fragment_of_a_raw_password_is_ever_shown(drawn: tuple[str, list[str]]) -> None:
    password, fragments = drawn
    url = f"postgresql://alice:{password}@{UNREACHABLE}"
    location = resolve(url)
    assert location.url.password == unquote(password)  # what the user meant, '@' and all
    assert location.url.username == "alice" and location.url.host == "127.0.0.1"
    _secret_free(location.display + repr(location), fragments)
    with pytest.raises(JournalUnavailable) as caught:
        Journal.open(url)
    _secret_free(str(caught.value), fragments)
    assert "alice:***@127.0.0.1:1/nothing" in str(caught.value)
    with pytest.raises(JournalUnavailable) as caught:
        Journal.schema_status(url)
    _secret_free(str(caught.value), fragments)
    # a URL that does not parse (a bad port) is refused, and masked all the same
    with pytest.raises(JournalUnavailable) as caught:
        resolve(f"postgresql://alice:{password}@127.0.0.1:port/nothing")
    _secret_free(str(caught.value), fragments)
    # the password given in the query instead: libpq reads password= and sslpassword=
    query = f"postgresql://{UNREACHABLE}?password={quote(password, safe='')}&sslpassword=Pw9zQx"
    _secret_free(resolve(query).display + mask_url(query), [*fragments, "Pw9zQx"])


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://user:s3@cr@etZZ@127.0.0.1:1/nothing",
        "postgresql://user:s3@cr:etZZ@127.0.0.1:1/nothing",  # SQLAlchemy read 'etZZ@...' as a port
        "postgresql://user:s3@cr/etZZ@127.0.0.1:1/nothing",  # ... or '/etZZ@...' as the database
        "postgresql://user:s3@cr?etZZ@127.0.0.1:1/nothing",  # ... or '?etZZ@...' as the query
        "postgresql://user:s3@cretZZ@127.0.0.1:bad/nothing",  # does not parse at all
        "postgresql://user:s3@cretZZ@[::1/nothing",
    ],
)
def test_the_command_line_masks_hostile_urls(url: str) -> None:
    from clirun import run

    for args in (["db", "current"], ["people", "list"]):
        result = run("--db", url, *args, env={"NETJOURNAL_DB": None})
        assert result.code == 1 and result.err.count("\n") == 1, result
        assert "Traceback" not in result.err
        assert "etZZ" not in result.err + result.out and "s3" not in result.err + result.out


def test_a_password_with_at_signs_connects(pg_server_url: str) -> None:
    """The test server trusts its clients, so any password works: the URL must still reach it
    (before, the host was taken to be 'cr:et/Pw@...@127.0.0.1' and the connection failed)."""
    server = resolve(pg_server_url).url
    scheme, _, rest = pg_server_url.partition("://")
    password = "s3@cr:et/Pw@zQx"
    url = f"{scheme}://{server.username or 'postgres'}:{password}@{rest.rpartition('@')[2]}"
    with Journal.open(url) as journal:
        assert journal.location.url.password == password
        _secret_free(journal.location.display + repr(journal), ["s3@", "cr:et", "zQx"])
