"""Turn an export file's bytes into text, and guess how a CSV export is delimited.

Exports reach us from phones, spreadsheets and web apps: UTF-8 with or without a BOM,
UTF-16 from Excel's "Unicode text", cp1252 from French or German Excel, ``;`` instead of ``,``
where the decimal separator is a comma. Every parser goes through here so that the guessing
lives in one place and a file that is not text at all fails with a clear message.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from netjournal.errors import ImportFormatError
from netjournal.i18n import N_, _, language

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its LE BOM starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Among letters, the share that may be non-ASCII for cp1252 to be believed: French or German
# text has a few accented letters per word, while Cyrillic or Greek bytes read as cp1252
# turn whole words into accented Latin letters.
_MAX_NON_ASCII_LETTERS = 0.3

_LINE_BREAK = re.compile(r"\r*\n|\r")

#: The largest contact or calendar export read (50 MB: a LinkedIn export of 10,000
#: connections is about 1 MB, an address book with a photo per contact a few dozen).
MAX_IMPORT_BYTES = 50 * 1024 * 1024
_CHUNK = 1024 * 1024


def read_bytes(
    source: str | os.PathLike[str] | BinaryIO,
    *,
    limit: int | None = None,
    name: str | None = None,
    what: str = N_("an import file"),
) -> bytes:
    """The bytes of ``source`` (a path, or a binary stream such as stdin), read in chunks and
    refused beyond ``limit`` bytes (default :data:`MAX_IMPORT_BYTES`), so that ``/dev/zero``
    or a runaway pipe cannot exhaust memory. Errors are :class:`ImportFormatError` naming the
    file (``name``, by default the path's file name) and saying how much ``what`` may hold
    (a phrase marked with ``N_``, translated when shown)."""
    limit = MAX_IMPORT_BYTES if limit is None else limit
    label = name or (Path(source).name if isinstance(source, str | os.PathLike) else "<stdin>")
    try:
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as stream:
                return _read_limited(stream, limit, label, what)
        return _read_limited(source, limit, label, what)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ImportFormatError(
            label, None, _("cannot read the file ({reason})").format(reason=reason)
        ) from exc


def _read_limited(stream: BinaryIO, limit: int, label: str, what: str) -> bytes:
    try:
        size = os.fstat(stream.fileno()).st_size
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        size = 0  # a pipe, a device, an in-memory stream: read and count
    if size > limit:
        raise too_large(label, limit, what, size)
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(min(_CHUNK, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise too_large(label, limit, what)
    return b"".join(chunks)


def too_large(label: str, limit: int, what: str, size: int | None = None) -> ImportFormatError:
    """The refusal of a file over ``limit`` bytes (its ``size`` when known)."""
    if size is None:
        reason = _("the file is too large: {what} is read up to {limit}")
    else:
        reason = _("the file is too large ({size}): {what} is read up to {limit}")
    reason = reason.format(what=_(what), limit=_megabytes(limit), size=_megabytes(size or 0))
    return ImportFormatError(label, None, reason)


def _megabytes(size: int) -> str:
    number = f"{size / (1024 * 1024):,.1f}".removesuffix(".0")
    if language() == "fr":  # 1,234.5 is written 1 234,5
        number = number.replace(",", "\u202f").replace(".", ",")
    return _("{number} MB").format(number=number)


def read_text(path: str | Path, *, limit: int | None = None) -> str:
    """Read ``path`` (at most ``limit`` bytes, see :func:`read_bytes`) and decode it (see
    :func:`decode_bytes`); errors name the file."""
    p = Path(path)
    data = read_bytes(p, limit=limit)
    text = decode_bytes(data, name=p.name)
    if "\x00" in text:  # valid UTF-8 can hold NUL, which no journal can store
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFormatError(p.name, line, _("a NUL character, which cannot be stored"))
    return text


def decode_bytes(data: bytes, *, name: str = "<data>") -> str:
    """Decode an export: BOM, then strict UTF-8, then cp1252, then charset-normalizer.

    The BOM is removed. cp1252 is tried before the statistical guess because short Western
    spreadsheet exports are exactly where charset-normalizer hesitates (it reads French
    cp1252 as cp1250, turning "è" into "č").
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ImportFormatError(
                    name,
                    None,
                    _("the file starts with a {encoding} BOM but is not {encoding}").format(
                        encoding=encoding
                    ),
                ) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data:
        text = _try_cp1252(data)
        if text is not None:
            return text
    return _guess(data, name)


def _try_cp1252(data: bytes) -> str | None:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # one of the five bytes cp1252 leaves undefined
        return None
    letters = [c for c in text if c.isalpha()]
    non_ascii = sum(1 for c in letters if not c.isascii())
    if letters and non_ascii / len(letters) > _MAX_NON_ASCII_LETTERS:
        return None
    return text


def _guess(data: bytes, name: str) -> str:
    from charset_normalizer import from_bytes  # imported late: only odd files need it

    best = from_bytes(data).best()
    if best is None:
        raise ImportFormatError(
            name, None, _("not a text file (its encoding cannot be recognised)")
        )
    text = str(best)
    if "\x00" in text:
        raise ImportFormatError(name, None, _("not a text file (it contains binary data)"))
    return text


def split_lines(text: str) -> list[str]:
    """Split on any line break (LF, CRLF, CR, and the CR CR LF some iPhone exports write)."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def sniff_delimiter(text: str) -> str:
    """Guess whether a CSV export uses ``,`` or ``;`` (French spreadsheets write ``;``).

    :class:`csv.Sniffer` is asked first, restricted to those two; when it cannot decide, the
    one that splits the first lines into more fields wins, and ``,`` wins a tie.
    """
    sample = "\n".join(split_lines(text[:65536])[:50])
    steady = {d: _steady_width(sample, d) for d in ",;"}
    if (steady[","] > 1) != (steady[";"] > 1):  # only one gives every row the same width
        return "," if steady[","] > 1 else ";"
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        delimiter = ""
    counts = {d: _widest_row(sample, d) for d in ",;"}
    if delimiter not in counts or counts[delimiter] <= 1 < max(counts.values()):
        delimiter = ";" if counts[";"] > counts[","] else ","
    return delimiter


def _steady_width(sample: str, delimiter: str) -> int:
    """The number of fields every record of ``sample`` has with ``delimiter``, or 0 when they
    differ. A ``;`` inside a name or a company then cannot outvote the real ``,``."""
    try:
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
    except csv.Error:
        return 0
    if len(rows) > 2:
        rows = rows[:-1]  # the sample may end in the middle of a record
    widths = {len(r) for r in rows}
    return widths.pop() if len(widths) == 1 else 0


def _widest_row(sample: str, delimiter: str) -> int:
    try:
        rows = csv.reader(io.StringIO(sample), delimiter=delimiter)
        return max((len(r) for r in rows), default=0)
    except csv.Error:
        return 0


def csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, fields)`` for each CSV record; ``line`` is the physical line it starts on.

    Quoted fields may hold line breaks, so a record can span several lines; blank lines are
    skipped.
    """
    # The csv module refuses a field over 131,072 characters with an error that reads like
    # broken quoting. The text is already bounded (MAX_IMPORT_BYTES) and no field can be longer
    # than it, so the limit is raised to its length: the record is read, and a field too long
    # for the journal is refused by name ("the organization is longer than 300 characters").
    if csv.field_size_limit() < len(text):
        csv.field_size_limit(len(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvSyntaxError(previous + 1, str(exc)) from exc
        start = previous + 1
        previous = reader.line_num
        if fields and any(f.strip() for f in fields):
            yield start, fields


class CsvSyntaxError(Exception):
    """Raised by :func:`csv_rows`; parsers turn it into an ImportFormatError for their file."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def read_csv_file(path: str | Path) -> list[tuple[int, list[str]]]:
    """Every record of a CSV export with its physical start line: encoding and delimiter
    detected, broken quoting and an empty file refused as :class:`ImportFormatError`."""
    name = Path(path).name
    text = read_text(path)
    try:
        rows = list(csv_rows(text, sniff_delimiter(text)))
    except CsvSyntaxError as exc:
        raise ImportFormatError(
            name, exc.line, _("broken CSV quoting ({reason})").format(reason=exc.reason)
        ) from exc
    if not rows:
        raise ImportFormatError(name, None, _("the file is empty"))
    return rows
