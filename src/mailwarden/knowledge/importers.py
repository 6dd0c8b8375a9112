"""Importers: a directory of contacts (CSV, vCard, LDIF) or a case list (CSV) → records.

`read_directory(path)` yields one `DirectoryEntry` per e-mail address of the staff
and partner contacts in an address-book export; `read_cases(path)` yields one
`CaseRecord` per case reference of a case management system's report. Both read
the whole file before the first record is stored, so a bad line stops the import
before anything is written.

What is wrong with a file is an `ImportFileError` whose message names the file and
the line ("partners.vcf, line 14: 'j.smith@@school.org' is not an e-mail address");
nothing from the csv module, the codecs or base64 escapes. What is merely not a
contact (an LDIF entry for an organisational unit, a vCard with only a phone
number, the same address twice) is skipped, and `on_skip` hears of it with its line.

Every address is read with the strict header parser
(`mailwarden.message.addresses.parse_address_header`) and must have a dotted
domain: an address we cannot read for certain must not become a known contact,
and a case list that names a recipient we cannot read is an error, not a shorter list.

Why no third-party parser:

- vCard: `vobject` (0.9.9, Apache-2.0) reads the cards we need only with
  `allowQP=True` (without it, the quoted-printable soft line breaks of version 2.1
  exports from Outlook and Android phones fail, vobject issue #152); even then an
  invalid PHOTO we do not need fails the whole file with a bare codec error, a bad
  quoted-printable byte or an unknown CHARSET raise `UnicodeDecodeError` or
  `LookupError` without a line number, an error on the first line is reported as
  "line 0", and it brings `pytz` and `six` for calendar features we never use. The
  four properties needed (FN, N, ORG, EMAIL) and the two wrappings (folding,
  quoted-printable soft breaks) take a page, below, and every error names its line.
- LDIF: the `ldif` package (4.3.0, BSD, a fork of python-ldap's module) is
  untyped and reports no line numbers: a line without a colon surfaces as
  `ValueError: substring not found`, bad base64 as `binascii.Error`, and a value
  that is not UTF-8 comes back as `bytes` among the `str`. RFC 2849's entry
  records need only unfolding, comments, `::` base64 and blank-line separation;
  the stdlib's `base64` does the rest. Change records (`changetype: modify`) are
  not a directory and are skipped, and `:<` URL values are never fetched.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import quopri
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from mailwarden.extract.formats.textcodec import decode_text
from mailwarden.knowledge.features import normalise
from mailwarden.knowledge.model import FeatureKind
from mailwarden.knowledge.records import CaseRecord, DirectoryEntry
from mailwarden.message.addresses import parse_address_header

DirectoryFormat = Literal["csv", "vcard", "ldif"]
DIRECTORY_FORMATS: tuple[DirectoryFormat, ...] = ("csv", "vcard", "ldif")

MAX_FILE_BYTES = 256 * 1024 * 1024
"""A directory or case list larger than this is refused rather than read into memory."""


class ImportFileError(Exception):
    """A file that cannot be imported; the message names the file and, if known, the line."""

    def __init__(self, path: Path, line: int | None, detail: str) -> None:
        self.path = path
        self.line = line
        self.detail = detail
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {detail}")


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something in the file that is not a record to import, and why."""

    line: int
    reason: str
    """One of a few fixed phrases ("without an e-mail address", "repeated address") that read
    after a count: "skipped 3 (2 without an e-mail address, 1 repeated address)"."""
    detail: str = ""


SkipHandler = Callable[[Skipped], None]

NO_ADDRESS = "without an e-mail address"
REPEATED_ADDRESS = "repeated address"
CHANGE_RECORD = "LDIF change record, not an entry"
EMPTY_CASE = "case with no people or addresses"


def _ignore(_: Skipped) -> None:
    return None


# --- shared: reading the file, addresses, lists in a cell ---------------------------------


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFileError(
                path, None, f"{size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit; split it"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(path, None, "no such file") from None
    except IsADirectoryError:
        raise ImportFileError(path, None, "is a folder, not a file") from None
    except OSError as exc:
        raise ImportFileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(path, None, "binary file, not text (a spreadsheet? save it as CSV)")
    return decode_text(data)


def _physical_lines(text: str) -> list[str]:
    """Lines split on CRLF, CR or LF only (str.splitlines also splits on form feeds and U+2028)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _address(text: str) -> tuple[str, str] | None:
    """The one mailbox in `text` as (address, display name), or None if it is not exactly one
    strictly valid address with a dotted domain."""
    mailboxes, problem = parse_address_header(text)
    if problem or len(mailboxes) != 1:
        return None
    mailbox = mailboxes[0]
    domain = mailbox.domain
    if not mailbox.is_valid or not ("." in domain.strip(".") or domain.startswith("[")):
        return None
    return mailbox.address, " ".join(mailbox.display_name.split())


def _split_list(cell: str, separators: str = ";|\n") -> list[str]:
    """A cell's items split on `separators` outside double quotes and angle brackets, and on
    Google Contacts' " ::: "; empty items dropped."""
    items: list[str] = []
    current: list[str] = []
    quoted = angled = False
    for char in cell.replace(":::", separators[0]):
        if char == '"':
            quoted = not quoted
        elif char == "<" and not quoted:
            angled = True
        elif char == ">" and not quoted:
            angled = False
        if char in separators and not quoted and not angled:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def _addresses_in(cell: str) -> Iterator[tuple[str, tuple[str, str] | None]]:
    """Each item of a cell of addresses and what it reads as (None: not an address). Items may
    be separated by ';', '|', new lines or commas; a comma in a quoted display name is kept."""
    for item in _split_list(cell):
        mailboxes, problem = parse_address_header(item)
        if problem or not mailboxes:
            yield item, None
            continue
        for mailbox in mailboxes:
            yield mailbox.raw or item, _address(mailbox.raw or item)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _unique(
    located: Iterable[tuple[int, DirectoryEntry]], on_skip: SkipHandler
) -> Iterator[DirectoryEntry]:
    """The entries with the first of each address kept; later ones are skipped as repeats."""
    first_line: dict[str, int] = {}
    for line, entry in located:
        if entry.address in first_line:
            detail = f"{entry.address} (first on line {first_line[entry.address]})"
            on_skip(Skipped(line, REPEATED_ADDRESS, detail))
            continue
        first_line[entry.address] = line
        yield entry


# --- directory: choosing the reader ------------------------------------------------------


def directory_format(path: Path, text: str) -> DirectoryFormat:
    """The format by the file's extension (.csv, .tsv, .vcf, .vcard, .ldif, .ldf), else by its
    first line: BEGIN:VCARD, an LDIF "version:", "dn:" or comment, or else CSV."""
    suffix = path.suffix.lower()
    if suffix in (".vcf", ".vcard"):
        return "vcard"
    if suffix in (".ldif", ".ldf"):
        return "ldif"
    if suffix in (".csv", ".tsv"):
        return "csv"
    first = next((line.strip() for line in _physical_lines(text[:4096]) if line.strip()), "")
    if first.upper().startswith("BEGIN:VCARD"):
        return "vcard"
    if re.match(r"(?i)(version|dn)::?\s", first + " ") or first.startswith("#"):
        return "ldif"
    return "csv"


def read_directory(
    path: Path, file_format: DirectoryFormat | None = None, on_skip: SkipHandler = _ignore
) -> Iterator[DirectoryEntry]:
    """The contacts in a CSV, vCard or LDIF file (by `file_format`, else by the file)."""
    text = _read_text(path)
    chosen = file_format or directory_format(path, text)
    located = {
        "csv": _directory_csv,
        "vcard": _vcards,
        "ldif": _ldif_entries,
    }[chosen](path, text, on_skip)
    return _unique(located, on_skip)


def read_directory_csv(path: Path, on_skip: SkipHandler = _ignore) -> Iterator[DirectoryEntry]:
    return read_directory(path, "csv", on_skip)


def read_vcards(path: Path, on_skip: SkipHandler = _ignore) -> Iterator[DirectoryEntry]:
    return read_directory(path, "vcard", on_skip)


def read_ldif(path: Path, on_skip: SkipHandler = _ignore) -> Iterator[DirectoryEntry]:
    return read_directory(path, "ldif", on_skip)


# --- CSV: rows under a header ------------------------------------------------------------

_DELIMITERS = (",", ";", "\t", "|")


def _header_key(name: str) -> str:
    """ "E-mail 2 Address" → "emailaddress": letters only, so numbered columns share a key."""
    return re.sub(r"[^a-z]", "", name.lower())


@dataclass(slots=True)
class _Table:
    header: list[str]
    header_line: int
    rows: Iterator[tuple[int, list[str]]]

    def columns(self, keys: Iterable[str]) -> list[int]:
        wanted = set(keys)
        return [i for i, name in enumerate(self.header) if _header_key(name) in wanted]


def _table(path: Path, text: str) -> _Table:
    """The header and the rows (with the line each starts on) of a CSV file whose delimiter
    is the most frequent of , ; tab | in the header line, or Excel's "sep=" hint."""
    lines = _physical_lines(text)
    skip = 0
    while skip < len(lines) and not lines[skip].strip():
        skip += 1
    if skip == len(lines):
        raise ImportFileError(path, None, "empty file: expected a header row")
    delimiter = None
    hint = re.fullmatch(r'"?sep=(.)"?,*', lines[skip].strip(), re.IGNORECASE)
    if hint:
        delimiter = hint.group(1)
        skip += 1
        if skip == len(lines):
            raise ImportFileError(path, None, "empty file: expected a header row")
    if delimiter is None:
        counts = {d: lines[skip].count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    source = io.StringIO("\n".join(lines[skip:]) + "\n", newline="")
    reader = csv.reader(source, delimiter=delimiter, strict=False)

    def records() -> Iterator[tuple[int, list[str]]]:
        while True:
            start = skip + reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(path, start, f"not readable as CSV: {exc}") from None
            if any(cell.strip() for cell in cells):
                yield start, [cell.strip() for cell in cells]

    rows = records()
    header_line, header = next(rows, (skip + 1, []))
    return _Table([cell.lstrip("\ufeff") for cell in header], header_line, rows)


def _cells(path: Path, table: _Table, line: int, cells: list[str]) -> list[str]:
    extra = cells[len(table.header) :]
    if any(extra):
        raise ImportFileError(
            path,
            line,
            f"{len(cells)} cells under a header of {len(table.header)} "
            "(a comma in a name that is not in quotes?)",
        )
    return cells[: len(table.header)] + [""] * (len(table.header) - len(cells))


def _joined(cells: list[str], columns: list[int], separator: str = ", ") -> str:
    return separator.join(_clean(cells[i]) for i in columns if _clean(cells[i]))


# --- directory CSV -------------------------------------------------------------------------

_EMAIL_KEYS = (
    "email", "emailaddress", "mail", "emailvalue", "primaryemail", "secondaryemail",
    "emailaddr", "smtpaddress", "workemail", "businessemail",
)  # fmt: skip
_WEAK_EMAIL_KEYS = ("address",)
"""Used only when no column says e-mail: "Address" is often the postal one."""
_NAME_KEYS = ("name", "displayname", "fullname", "contactname", "contact")
_GIVEN_KEYS = ("firstname", "givenname", "forename", "forenames")
_FAMILY_KEYS = ("lastname", "surname", "familyname")
_ORGANISATION_KEYS = (
    "organisation", "organization", "company", "organisationname", "organizationname",
    "org", "employer", "agency",
)  # fmt: skip
_DEPARTMENT_KEYS = ("department", "organisationdepartment", "organizationdepartment", "dept")
_INTERNAL_KEYS = ("internal", "isinternal", "staff", "isstaff", "internalexternal")
_TRUE = frozenset({"yes", "y", "true", "t", "1", "internal", "staff"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "external", "partner"})


def _directory_csv(
    path: Path, text: str, on_skip: SkipHandler
) -> Iterator[tuple[int, DirectoryEntry]]:
    table = _table(path, text)
    emails = table.columns(_EMAIL_KEYS) or table.columns(_WEAK_EMAIL_KEYS)
    if not emails:
        raise ImportFileError(
            path,
            table.header_line,
            "no e-mail column in the header (looked for Email, E-mail, Mail or Address); "
            f"found {', '.join(repr(h) for h in table.header) or 'nothing'}",
        )
    names = table.columns(_NAME_KEYS)
    given, family = table.columns(_GIVEN_KEYS), table.columns(_FAMILY_KEYS)
    organisations = table.columns(_ORGANISATION_KEYS) + table.columns(_DEPARTMENT_KEYS)
    internal = table.columns(_INTERNAL_KEYS)
    for line, raw in table.rows:
        cells = _cells(path, table, line, raw)
        name = _joined(cells, names[:1]) or _joined(cells, given + family, " ")
        organisation = _joined(cells, organisations)
        is_internal = _internal(path, line, _joined(cells, internal[:1]))
        found = False
        for column in emails:
            for item, mailbox in _addresses_in(cells[column]):
                if mailbox is None:
                    raise ImportFileError(
                        path, line, f"{item!r} in column {table.header[column]!r} "
                        "is not an e-mail address"
                    )  # fmt: skip
                found = True
                address, display_name = mailbox
                entry = DirectoryEntry(address, name or display_name, organisation, is_internal)
                yield line, entry
        if not found:
            on_skip(Skipped(line, NO_ADDRESS, name or organisation))


def _internal(path: Path, line: int, value: str) -> bool | None:
    if not value:
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImportFileError(
        path, line, f"internal is {value!r}: expected yes or no (or internal/external), or empty"
    )


# --- vCard ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Property:
    line: int
    name: str
    params: list[tuple[str, str]]
    value: str

    def param(self, key: str) -> str:
        return next((v for k, v in self.params if k == key), "")


_BARE_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})
_PROPERTY_NAME = re.compile(r"(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)")


def _vcard_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Logical lines with the number of the line each starts on.

    A line starting with a space or tab continues the one before: versions 3 and 4 drop
    that one character, version 2.1 keeps it (RFC 822 folding, where the break stands for
    the white space). A quoted-printable value ending in "=" (a soft line break, as
    version 2.1 exports from phones and Outlook write them) continues on the next line.
    """
    start, current, version = 0, None, "3.0"
    for number, raw in enumerate(lines, start=1):
        soft_break = current is not None and current.endswith("=") and _is_qp(current)
        if current is not None and raw[:1] in (" ", "\t"):
            keep = 0 if version.startswith("2") else 1
            current = (current[:-1] if soft_break else current) + raw[keep:]
        elif soft_break and current is not None and not raw.upper().startswith("END:VCARD"):
            current = current[:-1] + raw
        else:
            if current is not None:
                yield start, current
            start, current = number, raw
            upper = raw.upper()
            if upper.startswith("BEGIN:VCARD"):
                version = "3.0"
            elif upper.startswith("VERSION:"):
                version = raw.partition(":")[2].strip()
    if current is not None:
        yield start, current


def _is_qp(line: str) -> bool:
    head = line.split(":", 1)[0].upper()
    return "QUOTED-PRINTABLE" in head


def _split_property(line: int, text: str) -> _Property | None:
    """NAME;PARAM=VALUE;BARE:value (the colon is the first outside double quotes)."""
    quoted = False
    colon = -1
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            colon = i
            break
    if colon <= 0:
        return None
    head, value = text[:colon], text[colon + 1 :]
    parts = [p.strip() for p in head.split(";")]
    match = _PROPERTY_NAME.fullmatch(parts[0])
    if not match:
        return None
    params: list[tuple[str, str]] = []
    for part in parts[1:]:
        if not part:
            continue
        key, equals, values = part.partition("=")
        if not equals:  # version 2.1 bare parameter: EMAIL;INTERNET;PREF, FN;QUOTED-PRINTABLE
            upper = key.upper()
            params.append(("ENCODING" if upper in _BARE_ENCODINGS else "TYPE", upper))
            continue
        for item in values.split(","):
            params.append((key.upper(), item.strip().strip('"')))
    return _Property(line, match.group(1).upper(), params, value)


@dataclass(slots=True)
class _Card:
    line: int
    version: str = "3.0"
    formatted_name: str = ""
    structured_name: str = ""
    organisation: str = ""
    emails: list[tuple[int, str]] = field(default_factory=list)


def _vcards(path: Path, text: str, on_skip: SkipHandler) -> Iterator[tuple[int, DirectoryEntry]]:
    card: _Card | None = None
    nested = 0
    base64_open = False  # a version 2.1 PHOTO's unindented base64 lines may follow
    for line, logical in _vcard_lines(_physical_lines(text)):
        if not logical.strip():
            continue
        prop = _split_property(line, logical)
        if prop is None:
            if card is not None and base64_open and re.fullmatch(r"[A-Za-z0-9+/=\s]+", logical):
                continue
            raise ImportFileError(path, line, f"not a vCard property line: {logical[:60]!r}")
        base64_open = prop.param("ENCODING").upper() in ("BASE64", "B")
        if prop.name == "BEGIN":
            if prop.value.strip().upper() != "VCARD":
                raise ImportFileError(
                    path, line, f"BEGIN:{prop.value.strip()} is not a vCard (BEGIN:VCARD)"
                )
            if card is not None:
                nested += 1  # a version 2.1 AGENT's embedded card: not a contact of its own
            else:
                card = _Card(line)
        elif prop.name == "END":
            if card is None:
                raise ImportFileError(path, line, "END without BEGIN:VCARD")
            if nested:
                nested -= 1
                continue
            yield from _card_entries(path, card, on_skip)
            card = None
        elif card is None:
            raise ImportFileError(
                path, line, f"{prop.name} outside BEGIN:VCARD ... END:VCARD: not a vCard file?"
            )
        elif not nested:
            _add_property(path, card, prop)
    if card is not None:
        raise ImportFileError(path, card.line, "BEGIN:VCARD is never closed by END:VCARD")


def _add_property(path: Path, card: _Card, prop: _Property) -> None:
    if prop.name == "VERSION":
        card.version = prop.value.strip()
        return
    if prop.name not in ("FN", "N", "ORG", "EMAIL"):
        return
    value = _decoded_value(path, prop)
    if prop.name == "FN" and not card.formatted_name:
        card.formatted_name = _clean(_unescape(value, card.version))
    elif prop.name == "N" and not card.structured_name:
        parts = [_clean(_unescape(p, card.version)) for p in _components(value)] + [""] * 3
        card.structured_name = _clean(f"{parts[1]} {parts[2]} {parts[0]}")
    elif prop.name == "ORG" and not card.organisation:
        units = [_clean(_unescape(p, card.version)) for p in _components(value)]
        card.organisation = ", ".join(u for u in units if u)
    elif prop.name == "EMAIL":
        address = _unescape(value, card.version).strip()
        if address.lower().startswith("mailto:"):
            address = address[len("mailto:") :]
        if address:
            card.emails.append((prop.line, address))


def _decoded_value(path: Path, prop: _Property) -> str:
    encoding = prop.param("ENCODING").upper()
    charset = prop.param("CHARSET") or None
    if encoding == "QUOTED-PRINTABLE":
        return decode_text(quopri.decodestring(prop.value.encode("utf-8")), charset)
    if encoding in ("BASE64", "B"):
        try:
            return decode_text(base64.b64decode("".join(prop.value.split()), validate=True))
        except (binascii.Error, ValueError):
            raise ImportFileError(path, prop.line, f"{prop.name} is not valid base64") from None
    return prop.value


def _components(value: str) -> list[str]:
    """A structured value's components: split on ';' not escaped with a backslash."""
    return re.split(r"(?<!\\);", value)


def _unescape(value: str, version: str) -> str:
    """vCard 3 and 4 escape \\\\ \\, \\; and \\n; version 2.1 escapes only \\;."""
    if version.startswith("2"):
        return value.replace("\\;", ";")
    replacements = {"n": " ", "N": " ", ",": ",", ";": ";", "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: replacements.get(m.group(1), m.group(0)), value)


def _card_entries(
    path: Path, card: _Card, on_skip: SkipHandler
) -> Iterator[tuple[int, DirectoryEntry]]:
    name = card.formatted_name or card.structured_name
    if not card.emails:
        on_skip(Skipped(card.line, NO_ADDRESS, name or card.organisation))
        return
    for line, text in card.emails:
        mailbox = _address(text)
        if mailbox is None:
            raise ImportFileError(path, line, f"{text!r} is not an e-mail address")
        yield line, DirectoryEntry(mailbox[0], name, card.organisation)


# --- LDIF (RFC 2849) -----------------------------------------------------------------------

_ATTRIBUTE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*(?:;[A-Za-z0-9-]+)*")
_MAIL_ATTRIBUTES = ("mail", "rfc822mailbox")
_ORGANISATION_ATTRIBUTES = ("o", "ou", "company", "department")


def _ldif_records(path: Path, lines: list[str]) -> Iterator[list[tuple[int, str]]]:
    """Records as their logical lines, numbered: a line starting with one space continues the
    one before (comments too), a '#' line is a comment, blank lines separate records."""
    record: list[tuple[int, str]] = []
    start, current, comment = 0, "", True
    for number, raw in enumerate(lines, start=1):
        if raw.startswith(" "):
            if not current and not comment:
                raise ImportFileError(
                    path, number, "a continuation line (starting with a space) after a blank line"
                )
            current += raw[1:]
            continue
        if current and not comment:
            record.append((start, current))
        start, current, comment = number, raw, raw.startswith("#")
        if not raw.strip():
            current, comment = "", False
            if record:
                yield record
                record = []
    if current and not comment:
        record.append((start, current))
    if record:
        yield record


def _ldif_attribute(path: Path, line: int, text: str) -> tuple[str, str | None]:
    """(attribute type in lower case without options, value); None for a `:<` URL value."""
    description, colon, rest = text.partition(":")
    if not colon or not _ATTRIBUTE.fullmatch(description):
        raise ImportFileError(path, line, f"not an LDIF 'attribute: value' line: {text[:60]!r}")
    name = description.split(";", 1)[0].lower()
    if rest.startswith(":"):
        try:
            data = base64.b64decode("".join(rest[1:].split()), validate=True)
        except (binascii.Error, ValueError):
            raise ImportFileError(
                path, line, f"the base64 value of {description!r} is not valid base64"
            ) from None
        return name, decode_text(data)
    if rest.startswith("<"):
        return name, None  # a URL: never fetched
    return name, rest.lstrip(" ")


def _ldif_entries(
    path: Path, text: str, on_skip: SkipHandler
) -> Iterator[tuple[int, DirectoryEntry]]:
    first = True
    for record in _ldif_records(path, _physical_lines(text)):
        if first:
            first = False
            name, value = _ldif_attribute(path, *record[0])
            if name == "version":
                if (value or "").strip() != "1":
                    raise ImportFileError(path, record[0][0], f"LDIF version {value!r}, not 1")
                record = record[1:]
                if not record:
                    continue
        line, text_line = record[0]
        name, value = _ldif_attribute(path, line, text_line)
        if name != "dn":
            raise ImportFileError(
                path, line, f"an LDIF record must start with 'dn:', not {text_line[:40]!r}"
            )
        dn = (value or "").strip()
        attributes: dict[str, list[tuple[int, str]]] = {}
        for attribute_line, attribute_text in record[1:]:
            name, value = _ldif_attribute(path, attribute_line, attribute_text)
            if name == "changetype" and (value or "").strip().lower() != "add":
                on_skip(Skipped(line, CHANGE_RECORD, dn))
                break
            if value is not None and name not in ("changetype", "control"):
                attributes.setdefault(name, []).append((attribute_line, value))
        else:
            yield from _ldif_entry(path, line, dn, attributes, on_skip)


def _ldif_entry(
    path: Path,
    line: int,
    dn: str,
    attributes: dict[str, list[tuple[int, str]]],
    on_skip: SkipHandler,
) -> Iterator[tuple[int, DirectoryEntry]]:
    def values(*names: str) -> list[str]:
        return [_clean(v) for n in names for _, v in attributes.get(n, []) if _clean(v)]

    mails = [(n, v) for a in _MAIL_ATTRIBUTES for n, v in attributes.get(a, [])]
    mails += [
        (n, v[len("smtp:") :])  # Active Directory: "SMTP:primary@...", "smtp:alias@..."
        for n, v in attributes.get("proxyaddresses", [])
        if v.lower().startswith("smtp:")
    ]
    name = next(iter(values("displayname", "cn")), "") or " ".join(values("givenname", "sn"))
    units = list(dict.fromkeys(values(*_ORGANISATION_ATTRIBUTES))) or _dn_organisations(dn)
    organisation = ", ".join(units)
    if not mails:
        on_skip(Skipped(line, NO_ADDRESS, dn))
        return
    for mail_line, value in mails:
        mailbox = _address(value.strip())
        if mailbox is None:
            raise ImportFileError(path, mail_line, f"{value.strip()!r} is not an e-mail address")
        yield mail_line, DirectoryEntry(mailbox[0], name, organisation)


def _dn_organisations(dn: str) -> list[str]:
    """The o= parts of a DN ("cn=Jane Holloway,ou=People,o=Example Police"): the ou= parts
    of a DN are mostly the directory's own filing ("People", "Users"), so they are left out."""
    found = []
    for part in re.split(r"(?<!\\),", dn):
        key, _, value = part.partition("=")
        if key.strip().lower() == "o" and value.strip():
            found.append(_clean(re.sub(r"\\(.)", r"\1", value)))
    return found


# --- case lists ----------------------------------------------------------------------------

_REFERENCE_KEYS = (
    "reference", "ref", "casereference", "caseref", "case", "caseno", "casenumber", "caseid",
    "crimereference", "crimeref", "crimenumber", "crimeno", "incidentreference",
    "incidentref", "urn",
)  # fmt: skip
_PEOPLE_KEYS = (
    "people", "person", "persons", "names", "name", "personname", "subject", "subjects",
    "individuals", "involved", "peopleinvolved",
)  # fmt: skip
_ALLOWED_KEYS = (
    "allowed", "allowedaddresses", "allowedrecipients", "allowedemails", "recipients",
    "mayreceive", "sharewith", "sharedwith", "email", "emails", "emailaddress",
    "emailaddresses", "addresses", "address", "contacts",
)  # fmt: skip


@dataclass(slots=True)
class _Case:
    reference: str
    people: dict[str, str] = field(default_factory=dict)
    allowed: dict[str, None] = field(default_factory=dict)


def read_cases(path: Path, on_skip: SkipHandler = _ignore) -> Iterator[CaseRecord]:
    """The cases in a CSV case list: a reference column, and people and allowed addresses as
    lists in one cell (separated by ';', '|' or new lines; addresses also by commas) or in
    several columns ("Person 1", "Person 2"). Rows with the same reference (as the store
    keys it: "AB/25/0093" and "ab 25 0093" are one) are one case, written as first seen."""
    table = _table(path, _read_text(path))
    references = table.columns(_REFERENCE_KEYS)
    people, allowed = table.columns(_PEOPLE_KEYS), table.columns(_ALLOWED_KEYS)
    found = ", ".join(repr(h) for h in table.header) or "nothing"
    if len(references) != 1:
        problem = "no case reference column" if not references else "several reference columns"
        raise ImportFileError(
            path,
            table.header_line,
            f"{problem} (Reference, Case, Crime reference...); found {found}",
        )
    if not people and not allowed:
        raise ImportFileError(
            path,
            table.header_line,
            f"no People or Allowed column (People, Person 1, Allowed, Recipients); found {found}",
        )
    cases: dict[str, _Case] = {}
    for line, raw in table.rows:
        cells = _cells(path, table, line, raw)
        reference = _clean(cells[references[0]])
        names = [_clean(n) for column in people for n in _split_list(cells[column])]
        addresses = []
        for column in allowed:
            for item, mailbox in _addresses_in(cells[column]):
                if mailbox is None:
                    raise ImportFileError(
                        path, line, f"{item!r} in column {table.header[column]!r} "
                        "is not an e-mail address"
                    )  # fmt: skip
                addresses.append(mailbox[0])
        if not reference:
            raise ImportFileError(path, line, "people or addresses without a case reference")
        if not names and not addresses:
            on_skip(Skipped(line, EMPTY_CASE, reference))
            continue
        case = cases.setdefault(normalise(FeatureKind.CASE, reference), _Case(reference))
        for name in names:
            case.people.setdefault(name.casefold(), name)
        case.allowed.update(dict.fromkeys(addresses))
    for case in cases.values():
        yield CaseRecord(case.reference, tuple(case.people.values()), tuple(case.allowed))
