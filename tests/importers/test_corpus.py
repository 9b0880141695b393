"""Every file of the shared third-party corpus, parsed with the parser its extension calls for.

The expectations below were written after reading each file (see SOURCES.md next to them):
the number of people/events and their names, or, for the broken files, the line the error
points at and what ``skip_invalid=True`` still imports. A corpus file missing from this table
fails ``test_every_corpus_file_has_an_expectation``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import CORPUS_ENV, corpus_location, corpus_missing_reason

from netjournal.errors import ImportFormatError
from netjournal.importers import parse_file
from netjournal.importers.records import ParseResult

TODAY = dt.date(2025, 1, 1)  # recurring series are expanded up to this date


@dataclass
class Ok:
    names: list[str]  # in file order; for recurring series, every occurrence's name
    skipped: int = 0  # benign skips (empty LinkedIn rows, truncated series)
    check: dict[str, object] = field(default_factory=dict)  # attribute -> value, first record


@dataclass
class Broken:
    line: int | None  # where ImportFormatError points
    reason: str  # a word of the message
    names_when_skipping: list[str] | None = None  # None: skip_invalid does not help either
    skipped: int = 0


ERIKA = "Dr. Erika Mustermann"
FORREST = "Forrest Gump"
MR_DOE = "Mr. John Richter James Doe Sr."
N1, N2 = "Ñ Ñ Ñ Ñ Ñ", "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ"

VCARD: dict[str, Ok | Broken] = {
    "ez-vcard__src__test__resources__ezvcard__io__rfc2426-example__latin1-byte-oldrev.vcf": Ok(
        ["Frank Dawson", "Tim Howes"], check={"organization": "Lotus Development Corporation"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__John_Doe_ANDROID.vcf": Ok(
        ["john.doe@company.com", "jane.doe@company.com", N1, N2, "Ñ Ñ Ñ Ñ", "ÑÑÑÑ"],
        check={"tags": ["My Contacts"], "line": 1},
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__John_Doe_BLACK_BERRY.vcf": Ok(
        ["John Doe"], check={"organization": "Acme Solutions"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__John_Doe_EVOLUTION.vcf": Ok(
        ["Mr. John Richter, James Doe Sr."],
        check={"external_id": "477343c8e6bf375a9bac1f96a5000837", "location": "Albaney"},
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__John_Doe_GMAIL.vcf": Ok(
        ["Mr. John Richter, James Doe Sr."], check={"title": "Money Counter"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__John_Doe_IPHONE.vcf": Ok(
        [MR_DOE], check={"organization": "IBM", "given_name": "John", "family_name": "Doe"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__John_Doe_LOTUS_NOTES.vcf": Ok(
        ["Mr. Doe John I Johny"], check={"title": "Generic Accountant"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__John_Doe_MAC_ADDRESS_BOOK.vcf": Ok(
        ["Mr. John Richter,James Doe Sr."], check={"location": "New York"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__John_Doe_MS_OUTLOOK.vcf": Ok(
        [MR_DOE], check={"location": "Albaney"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__fullcontact.vcf": Ok(
        ["Prefix FirstName MiddleName LastName Suffix"],
        check={"notes": "Notes line 1\nNotes line 2", "tags": ["Tag"], "title": "Title1"},
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__gmail-list.vcf": Ok(
        ["Arnold Smith", "Chris Beatle", "Doug White"]
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__gmail-single.vcf": Ok(
        ["Greg Dartmouth"], check={"organization": "TheCompany", "location": "Custom City"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__gmail-single2.vcf": Ok(["VCard Test"]),
    "ez-vcard__src__test__resources__ezvcard__io__text__outlook-2003.vcf": Ok(
        ["John Doe III"],
        check={
            "organization": "Company, The",
            "notes": "This is the note field!!\nSecond line\n\nThird line is empty",
        },
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__outlook-2007.vcf": Ok(
        ["Mr. Michael Angstadt Jr."], check={"title": "TheJobTitle"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__rfc2426-example.vcf": Ok(
        ["Frank Dawson", "Tim Howes"], check={"location": "Raleigh"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__rfc6350-example.vcf": Ok(
        ["Simon Perreault"], check={"organization": "Viagenie", "location": "Quebec"}
    ),
    "ez-vcard__src__test__resources__ezvcard__io__text__thunderbird-MoreFunctionsForAddressBook-extension.vcf": Ok(  # noqa: E501
        ["John Doe"], check={"organization": "TheOrganization", "title": "TheTitle"}
    ),
    "ez-vcard__src__test__resources__ezvcard__issue__issue114.vcf": Ok(
        ["Dummy, Dummy"], check={"external_id": "8b574c60-fd7f-4e99-b584-c5db131ae687"}
    ),
    "khard__test__fixture__vcards__altid.vcf": Ok(["altid"], check={"given_name": "one"}),
    "khard__test__fixture__vcards__category.vcf": Ok(
        ["contact with category"], check={"tags": ["bar"], "external_id": "cat1"}
    ),
    "khard__test__fixture__vcards__contact1.vcf": Ok(["second contact"]),
    "khard__test__fixture__vcards__individual.vcf": Ok(
        ["Wile E. Coyote"], check={"organization": "ACME Inc."}
    ),
    "khard__test__fixture__vcards__joe.vcf": Ok(["Joe Citizen"]),
    "khard__test__fixture__vcards__korean-c.vcf": Ok(["최유림"]),
    "khard__test__fixture__vcards__labels.vcf": Ok(
        ["labeled guy"], check={"organization": "Test Inc"}
    ),
    "khard__test__fixture__vcards__nickname.vcf": Ok(["Michael Smith"]),  # no FN: built from N
    "khard__test__fixture__vcards__no-nickname.vcf": Ok(["Mike Jones"]),
    "khard__test__fixture__vcards__org.vcf": Ok(["ACME Inc."]),
    "khard__test__fixture__vcards__photov3.vcf": Ok(["with photo v3"]),
    "khard__test__fixture__vcards__photov4.vcf": Ok(["with photo v4"]),
    "khard__test__fixture__vcards__post.vcf": Ok(
        ["With post address"], check={"location": "The City"}
    ),
    "khard__test__fixture__vcards__tel-value-uri.vcf": Ok(["bug 195"]),
    "khard__test__fixture__vcards__text-bday.vcf": Ok(["text birthday"]),
    "khard__test__fixture__vcards__unparsable.vcf": Broken(1, "never closed", [], skipped=1),
    "node-vcf__test__data__empty-lines.vcf": Ok([ERIKA], check={"location": "Köln"}),
    "node-vcf__test__data__multiple.vcf": Ok(
        [ERIKA, ERIKA, ERIKA], check={"organization": "Wikimedia"}
    ),
    # Only a PHOTO (photo-base64) or only a TEL (quoted-list): nothing to name a person by.
    "node-vcf__test__data__photo-base64.vcf": Broken(1, "no name", [], skipped=1),
    "node-vcf__test__data__quoted-list.vcf": Broken(1, "no name", [], skipped=1),
    "node-vcf__test__data__vcard-2.1.vcf": Ok([FORREST], check={"title": "Shrimp Man"}),
    "node-vcf__test__data__vcard-3.0.vcf": Ok([FORREST], check={"location": "Baytown"}),
    "node-vcf__test__data__vcard-4.0.vcf": Ok([FORREST], check={"location": "Baytown"}),
    "node-vcf__test__data__xing.vcf": Ok(
        ["Hans-Peter Mustermann"], check={"external_id": "XING-UID-XXXXXXXX"}
    ),
    "vobject__test_files__radicale-1587.vcf": Ok(["Given Family"]),
}

# vCards stored under an .ics name: the calendar parser says so, the vCard parser reads them.
VCARD_AS_ICS = {
    "vobject__test_files__simple_3_0_test.ics": [
        "Daffy Duck Knudson (with Bugs Bunny and Mr. Pluto)"
    ],
    "vobject__test_files__quoted-printable.ics": ["黄世勇"],
    "vobject__test_files__vcard_with_groups.ics": ["Meister Berger"],
}

LINKEDIN: dict[str, Ok | Broken] = {
    "Abhishek-Mathur-Complete_LinkedInDataExport_11-04-2018__Connections__6rows.csv": Ok(
        ["Arnav Kapoor", "Meera Joshi", "Anaïs Lemaire", "Zoé D . Martin", "Trần Văn Minh"]
        + ["Kiran Mehta"],
        check={"line": 2, "connected_on": dt.date(2017, 5, 15), "external_id": None},
    ),
    "LinkedInToContacts__Connections__first20rows.csv": Ok(
        ["Hugo Ferrand", "Claire Vasseur", "Léa Roussel", "Paul Ngo-Van", "Karim Benali"]
        + ["Julie Marchand", "Jürgen K. Albrecht", "Fabian M. Kessler", "Nadine Vogt"]
        + ["Sophie Lang", "Lukas Brenner", "Stefan Müller-Lüdenscheidt", "Florian Weiß"]
        + ["Jan Erik Hartmann", "Felix Ott", "Mia Größel", "Valentina Roth", "Johanna Köhler"]
        + ["Dario Fuchs", "Irina Sommer"],
        check={"line": 1, "connected_on": dt.date(2021, 6, 11), "organization": "Capgemini"},
    ),
    "hello-again__Connections.csv": Ok(
        ["Chris Hallman"],
        check={
            "line": 5,
            "external_id": "https://www.linkedin.com/in/chrishallman",
            "connected_on": dt.date(2025, 12, 22),
        },
    ),
    "linkedin-network-intelligence__tests__fixtures__Connections.csv": Ok(
        ["Alice Johnson", "Bob Williams", "Carol Davis", "David Brown", "Eve Wilson"]
        + ["Frank Miller", "Grace Lee", "Henry Taylor", "Ivy Martinez", "Jack Anderson"],
        check={"line": 6, "external_id": "https://linkedin.com/in/alicejohnson"},
    ),
    "linkedin-network-intelligence__tests__fixtures__Messages.csv": Broken(
        1, "not a LinkedIn connections export"
    ),
    "linkedin-to-notion-crm__Connections__first20rows.csv": Ok(
        ["Sam Whitfield", "Fleur Vermeer-Bakker 🍀", "Jan-Willem Smit", "Daan Visser"]
        + ["Jan-Pieter van Dijk", "Sanne Jansen", "Bram Dekker🔸", "Camille Girard"]
        + ["Eline van der Heijden van Oudenaarde", "Liam Forsyth", "Thijs Mulder"]
        + ["Agata Wiśniewska", "Amira Hassan", "Oliver Brown", "Tomasz Nowak", "Tunde Adeyemi"]
        + ["Noémi Kovács", "Oleh Kovalenko🇺🇦", "Eitan Levi", "Boris Petrov"],
        check={"line": 5, "connected_on": dt.date(2024, 10, 9)},
    ),
    # The last row holds only a date: skipped (and listed), not an error.
    "six-hops__tests__fixtures__Connections.csv": Ok(
        ["Priya Sharma", "Rahul Iyer", "Priya Sharma", "Anita Rao"], skipped=1
    ),
}

GOOGLE: dict[str, Ok | Broken] = {
    "GContacts__google__20_business_rows.csv": Ok(
        ["1&1 Internet Inc", "111588304397617531204@profile.calendar.google.com"]
        + ["5paisa Broking HELP LINE", "AADHAR HELP LINE TOLL FREE"]
        + ["ACER SERVICE OUTLINE TOLL FREE", "ActiveState Customer Service", "addappt support"]
        + ["AIRTEL DOCOMO VIRGIN CARE TOLL FREE", "AIRTEL INTERNET CENTER TOLL FREE"]
        + ["AIRTEL VALUE ADDED SERVICE CENTER TOLL FREE", "FEDARAL BANK THAZHEPALAM"]
        + ["KERALA VARMA", "KSRTC DIPPO PONNANI", "LOZAN TRAVELS & TOURS"]
        + ["Manufactory John Guan-Human Hair Extensions", "Max Fashion"]
        + ["Nizar Hospital Nizar Hospital", "RELIANCE GPRS SETTINGS", "SSM POLY TIRUR"]
        + ["THEKKUMURI POST OFFICE"],
        check={"line": 2, "tags": [], "given_name": "1&1", "family_name": "Inc"},
    ),
    "helix-crm__tests__fixtures__google-contacts.csv": Ok(
        ["Sarah Mitchell", "James Whitfield", "Amy Brewer", "Thomas Nguyen", "Betty Carter"]
        + ["Barbara Hill", "Renée Whitaker", "Stephanie Price", "Barbara Brooks", "Edward Ward"]
        + ["Megan Wilson", "Diane Torres", "Debra Brown", "Olivia Rivera", "Eric Gonzalez"]
        + ["Jonathan Foster", "Rebecca Murphy", "Amy Rodriguez", "Benjamin Edwards"]
        + ["Benjamin Smith", "Brian Hill", "Amanda Lee", "Joshua Turner", "Jose Lopez"]
        + ["Larry Moore", "Patricia Ramos", "Megan Parker", "Megan Long", "James Morgan"]
        + ["Rachel Baker", "Tammy Lopez", "Renee Harris", "Frank Hall", "Alexander Castillo"]
        + ["Andrew Jimenez", "Olivia Stewart", "Paul Murphy", "Justin James", "Kevin Rivera"]
        + ["Diane Thompson", "Renee Collins", "Betty Diaz", "Julie Foster", "Rachel Johnson"],
        check={"line": 2, "tags": ["Suppliers"], "organization": "Sandy Landscape Co"},
    ),
    "lexnetwork__tests__fixtures__google-contacts.csv": Ok(
        ["Jane Doe", "Bob Smith", "Chloé Van Damme, Jr."],
        check={"title": "VP Engineering", "notes": "Met at ETH reunion", "tags": []},
    ),
}

UNTITLED = "(untitled event)"
ICAL: dict[str, Ok | Broken] = {
    "icalendar__src__icalendar__tests__calendars__alarm_google_future.ics": Ok(
        ["event with alarms"], check={"timezone": "UTC", "line": 26}
    ),
    "icalendar__src__icalendar__tests__calendars__america_new_york.ics": Ok(
        ["an event with a custom tz name"], check={"timezone": "America/New_York"}
    ),
    "icalendar__src__icalendar__tests__calendars__bom_calendar.ics": Ok([]),
    "icalendar__src__icalendar__tests__calendars__broken_ical.ics": Broken(
        4, "DTSTART;;VALUE", [], skipped=1
    ),
    "icalendar__src__icalendar__tests__calendars__calendar_with_unicode.ics": Ok([]),
    "icalendar__src__icalendar__tests__calendars__created_calendar_with_unicode_fields.ics": Broken(
        20, "no DTSTART", ["Non-ASCII Test: ÄÖÜ äöü €", "åäö"], skipped=1
    ),
    "icalendar__src__icalendar__tests__calendars__example.ics": Ok(
        ["New Year's Day", "Orthodox Christmas", "International Women's Day"],
        check={"end_date": dt.date(2022, 1, 1), "starts_at": None},
    ),
    "icalendar__src__icalendar__tests__calendars__issue_1050_calendar_with_events_and_todos.ics": Ok(  # noqa: E501
        ["Test Event 1", "Test Event 2"]
    ),
    "icalendar__src__icalendar__tests__calendars__issue_1050_multiple_calendars.ics": Broken(
        4, "no DTSTART", [], skipped=2
    ),
    "icalendar__src__icalendar__tests__calendars__issue_156_RDATE_with_PERIOD_TZID_khal.ics": Ok(
        ["Event"], check={"timezone": "America/Chicago"}
    ),
    "icalendar__src__icalendar__tests__calendars__issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics": Ok(  # noqa: E501
        [UNTITLED], check={"start_date": dt.date(2017, 5, 11)}
    ),
    # the valid event recurs once more through an RDATE period (2024-09-13)
    "icalendar__src__icalendar__tests__calendars__issue_722_missing_timezones.ics": Broken(
        9, "no DTSTART", ["an event with a custom tz name"] * 2, skipped=2
    ),
    "icalendar__src__icalendar__tests__calendars__multiple_calendar_components.ics": Ok(
        ["Christmas Day", "Boxing Day", "Christmas again!"],
        check={"start_date": dt.date(2003, 12, 25), "end_date": dt.date(2003, 12, 25)},
    ),
    "icalendar__src__icalendar__tests__calendars__pacific_fiji.ics": Ok(
        ["an event with a custom tz name"], check={"timezone": "Pacific/Fiji"}
    ),
    "icalendar__src__icalendar__tests__calendars__parsing_error_in_UTC_offset.ics": Broken(
        7, "Offset", [], skipped=1
    ),
    "icalendar__src__icalendar__tests__calendars__rfc_7986_conferences.ics": Broken(
        2, "no DTSTART", [], skipped=1
    ),
    "icalendar__src__icalendar__tests__calendars__small_bad_calendar.ics": Broken(
        1, "never closed", [], skipped=2
    ),
    "icalendar__src__icalendar__tests__calendars__timezoned.ics": Ok(
        ["artsprint 2012"],
        check={"timezone": "Europe/Vienna", "end_date": dt.date(2012, 2, 17), "line": 26},
    ),
    "icalendar__src__icalendar__tests__calendars__x_location.ics": Ok(
        ["Daily Sync"] * 500,
        skipped=1,  # weekdays since 2016: capped to the 500 most recent
    ),
    "icalendar__src__icalendar__tests__events__event_with_recurrence.ics": Ok(
        ["A recurring event with exdates"] * 97  # COUNT=100 minus 3 EXDATEs
    ),
    "icalendar__src__icalendar__tests__events__event_with_recurrence_exdates_on_different_lines.ics": Ok(  # noqa: E501
        ["A Recurring event with multiple exdates, one per line."] * 10
    ),
    "icalendar__src__icalendar__tests__events__event_with_unicode_fields.ics": Ok(
        ["Non-ASCII Test: ÄÖÜ äöü €"], check={"location": "Tribstrül"}
    ),
    "icalendar__src__icalendar__tests__events__issue_101_icalendar_chokes_on_umlauts_in_organizer.ics": Ok(  # noqa: E501
        ["wichtiger termin 1"], check={"organizer": "acme, ädmin"}
    ),
    "icalendar__src__icalendar__tests__events__issue_53_description_parsed_properly.ics": Ok(
        ["DevOps DC Meetup"], check={"timezone": "America/New_York"}
    ),
    "khal__tests__ics__cal_d.ics": Ok(["An Event"], check={"end_date": dt.date(2014, 4, 9)}),
    # 6 monthly + 4 RDATEs + 1 override that moves no existing occurrence, and one other event
    "khal__tests__ics__cal_lots_of_timezones.ics": Ok(
        ["An Event", "An Updated Event"] + ["An Event"] * 10
    ),
    "khal__tests__ics__event_d.ics": Ok(["An Event"]),
    "khal__tests__ics__event_d_no_value.ics": Ok(["Another Event"]),
    "khal__tests__ics__event_d_rr.ics": Ok(["Another Event"] * 10),
    "khal__tests__ics__event_d_same_start_end.ics": Ok(
        ["Another Event"], check={"end_date": dt.date(2014, 4, 9)}
    ),
    "khal__tests__ics__event_dt_duration.ics": Ok(["An Event"], check={"organizer": "Frank Nord"}),
    "khal__tests__ics__event_dt_floating.ics": Ok(["An Event"], check={"starts_at": None}),
    # TZID=FOO is defined nowhere: read as a floating time (the date is kept, not the instant)
    "khal__tests__ics__event_dt_local_missing_tz.ics": Ok(["An Event"], check={"starts_at": None}),
    "khal__tests__ics__event_dt_london.ics": Ok(["An Event"], check={"timezone": "Europe/London"}),
    "khal__tests__ics__event_dt_mixed_awareness.ics": Ok(
        ["Termin:Junghackertag", "An event with mixed tz-aware/tz-naive dates"],
        check={"timezone": "Europe/Berlin"},
    ),
    "khal__tests__ics__event_dt_no_end.ics": Ok(["Test"], check={"ends_at": None}),
    "khal__tests__ics__event_dt_partstat.ics": Ok(["An Event"]),
    "khal__tests__ics__event_dt_url.ics": Ok(["An Event"]),
    "khal__tests__ics__event_rrule_recuid.ics": Ok(["Arbeit"] * 6),
    "khal__tests__ics__invalid_tzoffset.ics": Broken(9, "Offset", ["Some event"], skipped=1),
    "khal__tests__ics__tz_windows_format.ics": Ok(
        ["Event with Windows TZ name"], check={"timezone": "Pacific/Auckland"}
    ),
    "khal__tests__ics__without_uid.ics": Ok(["An Event"], check={"external_id": None}),
    "vobject__test_files__badline.ics": Broken(6, "X-BAD/SLASH", [], skipped=1),
    # the broken part is an alarm: skipping it keeps the event
    "vobject__test_files__badstream.ics": Broken(11, "a20021028120000", [UNTITLED], skipped=1),
    "vobject__test_files__journal.ics": Ok([]),
    "vobject__test_files__ms_tzid.ics": Ok([UNTITLED], check={"timezone": None}),
    "vobject__test_files__radicale-0816.ics": Ok(
        ["STG"], check={"tags": ["My special category"], "location": "Secret Location"}
    ),
    # weekly Oct 2017 - Jun 2018 (38) minus 9 EXDATEs minus 3 cancelled occurrences
    "vobject__test_files__radicale-0827.ics": Ok(["Cours Balboa"] * 26),
    "vobject__test_files__recurrence-without-tz.ics": Ok(["Meeting"] * 11),
    "vobject__test_files__recurrence.ics": Ok(["Monthly - All Hands Meeting with Joe Smith"] * 11),
    "vobject__test_files__ruby_rrule.ics": Ok(["Something"] * 10, check={"tags": ["Unfiled"]}),
    "vobject__test_files__silly_test.ics": Broken(None, "not an iCalendar file"),
    "vobject__test_files__simple_2_0_test.ics": Ok([UNTITLED]),
    "vobject__test_files__standard_test.ics": Ok(
        ["Coffee with Jason"] * 10, check={"timezone": "US/Pacific"}
    ),
    "vobject__test_files__timezones.ics": Ok([]),
    "vobject__test_files__tz_us_eastern.ics": Ok([]),
    "vobject__test_files__tzid_8bit.ics": Ok([UNTITLED], check={"external_id": "CyrillicTest"}),
    "vobject__test_files__utf8_test.ics": Ok(
        ["The title こんにちはキティ"], check={"location": "こんにちはキティ"}
    ),
    "vobject__test_files__vobject_0050.ics": Ok(
        ["Personal: Open a new account"], check={"organizer": "Wells Fargo and Company"}
    ),
}
for _name in VCARD_AS_ICS:
    ICAL[_name] = Broken(1, "vCard")

CASES = [
    *(("vcard", n, e) for n, e in VCARD.items()),
    *(("linkedin", n, e) for n, e in LINKEDIN.items()),
    *(("google", n, e) for n, e in GOOGLE.items()),
    *(("ical", n, e) for n, e in ICAL.items()),
]


def _parse(fmt: str, path: Path, skip_invalid: bool) -> ParseResult:
    kw: dict[str, object] = {"today": TODAY} if fmt == "ical" else {}
    return parse_file(fmt, path, skip_invalid=skip_invalid, **kw)


def _names(fmt: str, result: ParseResult) -> list[str]:
    if fmt == "ical":
        return [e.name for e in result.events]
    return [p.display_name for p in result.people]


def _format_for(name: str) -> str:
    if name.endswith(".vcf"):
        return "vcard"
    if name.endswith(".ics"):
        return "ical"
    return "google" if "google" in name.lower() else "linkedin"


def test_every_corpus_file_has_an_expectation(corpus: Path) -> None:
    files = {p.name for p in corpus.iterdir() if p.suffix in (".vcf", ".ics", ".csv")}
    covered = {name for _, name, _ in CASES}
    assert files - covered == set()
    assert covered - files == set()
    for fmt, name, _ in CASES:  # the table follows the extension rule
        assert _format_for(name) == fmt, name


@pytest.mark.parametrize(("fmt", "name", "expected"), CASES, ids=[c[1] for c in CASES])
def test_corpus_file(corpus: Path, fmt: str, name: str, expected: Ok | Broken) -> None:
    path = corpus / name
    if isinstance(expected, Ok):
        result = _parse(fmt, path, skip_invalid=False)
        assert _names(fmt, result) == expected.names
        assert len(result.skipped) == expected.skipped
        records = result.events if fmt == "ical" else result.people
        for attribute, value in expected.check.items():
            assert getattr(records[0], attribute) == value, attribute
        for record in records:
            assert record.line >= 1
        # skip_invalid changes nothing for a valid file
        assert _names(fmt, _parse(fmt, path, skip_invalid=True)) == expected.names
        return
    with pytest.raises(ImportFormatError) as info:
        _parse(fmt, path, skip_invalid=False)
    assert info.value.file == name
    assert info.value.line == expected.line
    assert expected.reason.lower() in str(info.value).lower()
    if expected.names_when_skipping is None:
        with pytest.raises(ImportFormatError):
            _parse(fmt, path, skip_invalid=True)
    else:
        result = _parse(fmt, path, skip_invalid=True)
        assert _names(fmt, result) == expected.names_when_skipping
        assert len(result.skipped) == expected.skipped


@pytest.mark.parametrize(("name", "names"), VCARD_AS_ICS.items())
def test_vcards_with_an_ics_name_are_read_by_the_vcard_parser(
    corpus: Path, name: str, names: list[str]
) -> None:
    assert _names("vcard", parse_file("vcard", corpus / name)) == names


def test_corpus_is_looked_for_next_to_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    repository = Path(__file__).resolve().parents[2]
    monkeypatch.delenv(CORPUS_ENV, raising=False)
    assert corpus_location() == repository.parent / "shared" / "corpus"
    monkeypatch.setenv(CORPUS_ENV, str(repository / "elsewhere"))
    assert corpus_location() == repository / "elsewhere"
    assert CORPUS_ENV in corpus_missing_reason(corpus_location())
