"""Importers: a directory of staff and partner contacts (CSV, vCard, LDIF) and a case list
(CSV) become the store's `DirectoryEntry` and `CaseRecord`; a bad line is an error that
names the file and the line, never a traceback, and nothing of a bad file is imported."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailwarden.cli_import import import_group
from mailwarden.knowledge.features import Feature, Keyer, MessageFeatures, normalise
from mailwarden.knowledge.importers import (
    ImportFileError,
    Skipped,
    read_cases,
    read_directory,
    read_ldif,
    read_vcards,
)
from mailwarden.knowledge.keyfile import load_or_create_key
from mailwarden.knowledge.model import FeatureKind
from mailwarden.knowledge.records import CaseRecord, DirectoryEntry
from mailwarden.knowledge.store import KnowledgeStore
from mailwarden.message.model import Address, AddressField, Message, Recipient

FIXTURES = Path(__file__).parent / "fixtures"

Reader = Callable[..., Iterator[DirectoryEntry] | Iterator[CaseRecord]]


def imported(path: Path, reader: Reader = read_directory) -> tuple[list[Any], list[Skipped]]:
    skipped: list[Skipped] = []
    return list(reader(path, on_skip=skipped.append)), skipped


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def contacts(tmp_path: Path, name: str, content: str | bytes) -> list[DirectoryEntry]:
    return list(read_directory(write(tmp_path, name, content)))


def error(tmp_path: Path, name: str, content: str | bytes, reader: Reader = read_directory) -> str:
    path = write(tmp_path, name, content)
    with pytest.raises(ImportFileError) as caught:
        list(reader(path))
    assert caught.value.path == path
    return str(caught.value).replace(str(tmp_path) + "/", "")


# ---- directory CSV ------------------------------------------------------------------------


def test_a_staff_and_partner_export_gives_one_entry_per_address() -> None:
    entries, skipped = imported(FIXTURES / "staff_and_partners.csv")

    assert entries == [
        DirectoryEntry(
            "j.holloway@example.police.uk", "Jane Holloway", "Example Police, Crime Desk", True
        ),
        DirectoryEntry("crime.desk@example.police.uk", "Crime Desk", "Example Police", True),
        DirectoryEntry(
            "safeguarding@greenfield.sch.uk",
            "Safeguarding Team",
            "Greenfield Primary School",
            False,
        ),
        DirectoryEntry(
            "c.okafor@leeds.gov.uk",
            "Okafor, Chidi",
            "Leeds City Council, Children's Services",
            False,
        ),
        DirectoryEntry(
            "chidi.okafor@leeds.gov.uk",
            "Okafor, Chidi",
            "Leeds City Council, Children's Services",
            False,
        ),
        DirectoryEntry("a.rahman@cps.gov.uk", "Aisha Rahman", "Crown Prosecution Service", None),
    ]
    assert skipped == [
        Skipped(4, "without an e-mail address", "Front Counter"),
        Skipped(8, "repeated address", "j.holloway@example.police.uk (first on line 2)"),
    ]


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        ("Email,Name", "a.rahman@cps.gov.uk,Aisha Rahman", ("Aisha Rahman", "")),
        (
            "E-mail,Full Name,Company",
            "a.rahman@cps.gov.uk,Aisha Rahman,CPS",
            ("Aisha Rahman", "CPS"),
        ),
        (
            "mail,display name,organization",
            "a.rahman@cps.gov.uk,Aisha Rahman,CPS",
            ("Aisha Rahman", "CPS"),
        ),
        (
            "EMAIL_ADDRESS,NAME,DEPARTMENT",
            "a.rahman@cps.gov.uk,Aisha Rahman,Casework",
            ("Aisha Rahman", "Casework"),
        ),
        ("Address,Name", "a.rahman@cps.gov.uk,Aisha Rahman", ("Aisha Rahman", "")),
        # Outlook: names in two columns, a second address column
        (
            "First Name,Last Name,E-mail Address,Company",
            "Aisha,Rahman,a.rahman@cps.gov.uk,CPS",
            ("Aisha Rahman", "CPS"),
        ),
        # Thunderbird
        (
            "Display Name,Primary Email,Organization,Department",
            "Aisha Rahman,a.rahman@cps.gov.uk,CPS,Casework",
            ("Aisha Rahman", "CPS, Casework"),
        ),
        # an e-mail column wins over a postal "Address" column
        (
            "Name,Address,Email",
            'Aisha Rahman,"1 High Street, Leeds",a.rahman@cps.gov.uk',
            ("Aisha Rahman", ""),
        ),
        # no name column: the display name written in the address cell
        ("Email", '"""Rahman, Aisha"" <A.Rahman@CPS.gov.uk>"', ("Rahman, Aisha", "")),
    ],
)
def test_header_names_are_recognised_however_the_export_spells_them(
    tmp_path: Path, header: str, row: str, expected: tuple[str, str]
) -> None:
    [entry] = contacts(tmp_path, "contacts.csv", f"{header}\n{row}\n")

    assert (entry.address, entry.display_name, entry.organisation) == (
        "a.rahman@cps.gov.uk",
        *expected,
    )


def test_an_excel_export_with_a_byte_order_mark_and_semicolons_is_read() -> None:
    entries, _ = imported(FIXTURES / "partners_excel_semicolon_bom.csv")

    assert [(e.address, e.display_name, e.organisation) for e in entries] == [
        ("z.nibhriain@leeds.gov.uk", "Zoë Ní Bhriain", "Leeds City Council"),
        ("s.oneill@nhs.net", "Siobhán O'Neill", "Leeds Teaching Hospitals NHS Trust"),
        ("j.smith@greenfield.sch.uk", "Smith; John", "Greenfield Primary School"),
    ]


def test_a_windows_1252_export_is_decoded() -> None:
    entries, _ = imported(FIXTURES / "contacts_windows1252.csv")

    assert [(e.display_name, e.organisation) for e in entries] == [
        ("Zoë Müller", "Kirklees Council – Early Help"),
        ("Seán Ó Briain", "Victim Support"),
    ]


def test_a_google_contacts_export_gives_every_address_and_builds_a_missing_name() -> None:
    entries, _ = imported(FIXTURES / "google_contacts.csv")

    assert [(e.address, e.display_name) for e in entries] == [
        ("c.okafor@leeds.gov.uk", "Chidi Okafor"),  # "a ::: b" is Google's list in one cell
        ("chidi.okafor@leeds.gov.uk", "Chidi Okafor"),
        ("chidi.okafor@gmail.com", "Chidi Okafor"),  # the "E-mail 2 - Value" column
        ("r.patel@gmail.com", "Ravi Patel"),  # Given Name + Family Name
    ]
    assert entries[0].organisation == "Leeds City Council, Children's Services"


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [
        ("sep=;\nName;Email\nAisha Rahman;a.rahman@cps.gov.uk\n", "Excel's sep= line"),
        ("Name\tEmail\nAisha Rahman\ta.rahman@cps.gov.uk\n", "tab"),
        ("Name|Email\nAisha Rahman|a.rahman@cps.gov.uk\n", "pipe"),
        ("\n\nName,Email\r\nAisha Rahman,a.rahman@cps.gov.uk\r\n", "blank lines first, CRLF"),
    ],
)
def test_the_delimiter_is_taken_from_the_header_line(
    tmp_path: Path, content: str, delimiter: str
) -> None:
    assert contacts(tmp_path, "contacts.csv", content) == [
        DirectoryEntry("a.rahman@cps.gov.uk", "Aisha Rahman")
    ], delimiter


@pytest.mark.parametrize(
    ("cell", "internal"),
    [("yes", True), ("Y", True), ("TRUE", True), ("internal", True), ("1", True),
     ("no", False), ("n", False), ("false", False), ("External", False), ("0", False),
     ("", None)],
)  # fmt: skip
def test_the_internal_column_says_staff_or_partner_and_empty_leaves_it_to_the_domains(
    tmp_path: Path, cell: str, internal: bool | None
) -> None:
    [entry] = contacts(tmp_path, "c.csv", f"Email,Internal\nj.holloway@example.police.uk,{cell}\n")

    assert entry.internal is internal


def test_an_internal_cell_that_is_neither_yes_nor_no_is_an_error(tmp_path: Path) -> None:
    assert error(tmp_path, "c.csv", "Email,Internal\na@x.org,yes\nb@x.org,sometimes\n") == (
        "c.csv, line 3: internal is 'sometimes': expected yes or no (or internal/external), "
        "or empty"
    )


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("j.smith@@greenfield.sch.uk", "'j.smith@@greenfield.sch.uk'"),
        ("greenfield.sch.uk", "'greenfield.sch.uk'"),
        ("j.smith@greenfield", "'j.smith@greenfield'"),  # no dot: surely a slip
        ("Jane <j.holloway@example.police.uk", "'Jane <j.holloway@example.police.uk'"),
        ("undisclosed-recipients:;", "'undisclosed-recipients:'"),
        ("j.smith@greenfield.sch.uk junk", "'j.smith@greenfield.sch.uk junk'"),
    ],
)
def test_an_address_that_will_not_parse_strictly_is_an_error_naming_line_and_column(
    tmp_path: Path, cell: str, problem: str
) -> None:
    content = f'Name,Email\nAisha Rahman,a.rahman@cps.gov.uk\nJ Smith,"{cell}"\n'

    assert error(tmp_path, "partners.csv", content) == (
        f"partners.csv, line 3: {problem} in column 'Email' is not an e-mail address"
    )


def test_a_name_with_an_unquoted_comma_is_an_error_not_a_shifted_row(tmp_path: Path) -> None:
    content = "Name,Email,Organisation\nOkafor, Chidi,c.okafor@leeds.gov.uk,Leeds City Council\n"

    assert error(tmp_path, "partners.csv", content) == (
        "partners.csv, line 2: 4 cells under a header of 3 (a comma in a name that is not in "
        "quotes?)"
    )


def test_a_short_row_is_read_with_its_missing_cells_empty(tmp_path: Path) -> None:
    assert contacts(tmp_path, "c.csv", "Email,Name,Organisation\na.rahman@cps.gov.uk\n") == [
        DirectoryEntry("a.rahman@cps.gov.uk")
    ]


def test_line_numbers_count_the_lines_of_a_quoted_cell_over_several_lines(tmp_path: Path) -> None:
    content = (
        'Name,Email,Notes\nAisha Rahman,a.rahman@cps.gov.uk,"Casework\nLeeds office"\nX,x@@y\n'
    )

    assert error(tmp_path, "c.csv", content).startswith("c.csv, line 4: 'x@@y'")


def test_a_header_without_an_email_column_is_an_error_listing_what_it_found(
    tmp_path: Path,
) -> None:
    assert error(tmp_path, "c.csv", "Name,Phone\nAisha Rahman,0113 496 0000\n") == (
        "c.csv, line 1: no e-mail column in the header (looked for Email, E-mail, Mail or "
        "Address); found 'Name', 'Phone'"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty.csv: empty file: expected a header row"),
        ("blank.csv", b"\r\n\r\n", "blank.csv: empty file: expected a header row"),
        (
            "contacts.csv",
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
            "contacts.csv: binary file, not text (a spreadsheet? save it as CSV)",
        ),
        (
            "huge.csv",
            b'Email,Notes\na@x.org,"' + b"x" * 200_000 + b'"\n',
            "huge.csv, line 2: not readable as CSV: field larger than field limit (131072)",
        ),
    ],
)
def test_a_file_that_is_not_a_csv_table_is_an_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    assert error(tmp_path, name, content) == message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mailwarden.knowledge.importers.MAX_FILE_BYTES", 1000)

    assert error(tmp_path, "all.csv", "Email\n" + "a@cps.gov.uk\n" * 100) == (
        "all.csv: 1,306 bytes is over the 1,000-byte limit; split it"
    )


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"nowhere\.csv: no such file$"):
        list(read_directory(tmp_path / "nowhere.csv"))


def test_utf_16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    content = "Name\tEmail\r\nZoë Ní Bhriain\tz.nibhriain@leeds.gov.uk\r\n".encode("utf-16")

    assert contacts(tmp_path, "contacts.txt", content) == [
        DirectoryEntry("z.nibhriain@leeds.gov.uk", "Zoë Ní Bhriain")
    ]


# ---- vCard --------------------------------------------------------------------------------


def test_a_vcard_file_gives_each_email_of_each_card_with_the_cards_name_and_organisation() -> None:
    entries, skipped = imported(FIXTURES / "partners.vcf")

    assert entries == [
        DirectoryEntry(
            "c.okafor@leeds.gov.uk", "Chidi Okafor", "Leeds City Council, Children's Services"
        ),
        DirectoryEntry(
            "chidi.okafor@gmail.com", "Chidi Okafor", "Leeds City Council, Children's Services"
        ),
        # version 4: "\," in FN, an EMAIL folded over two lines, a grouped item1.EMAIL
        DirectoryEntry(
            "safeguarding@greenfield.sch.uk",
            "Safeguarding Team, Greenfield Primary",
            "Greenfield Primary School",
        ),
        DirectoryEntry(
            "head@greenfield.sch.uk",
            "Safeguarding Team, Greenfield Primary",
            "Greenfield Primary School",
        ),
        # no FN: the name from N
        DirectoryEntry("a.rahman@cps.gov.uk", "Aisha Rahman", "Crown Prosecution Service"),
    ]
    assert skipped == [
        Skipped(33, "without an e-mail address", "Greenfield School Office (phone only)")
    ]


def test_a_version_2_1_phone_export_with_quoted_printable_soft_line_breaks_is_decoded() -> None:
    entries, skipped = imported(FIXTURES / "android_export_v21.vcf")

    assert entries == [
        DirectoryEntry(
            "siobhan.nibhriain@sirddinbych.gov.uk",
            "Siobhán Ní Bhriain-Ó Dálaigh",
            "Cyngor Sir Ddinbych – Gwasanaethau Plant, Diogelu",
        ),
        DirectoryEntry(
            "siobhan.odalaigh@outlook.com",
            "Siobhán Ní Bhriain-Ó Dálaigh",
            "Cyngor Sir Ddinbych – Gwasanaethau Plant, Diogelu",
        ),
        DirectoryEntry("tom.reed@example.com", "Tom Reed"),
    ]
    assert skipped == []


def card(*lines: str, version: str = "3.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD", ""])


@pytest.mark.parametrize(
    ("lines", "version", "expected"),
    [
        (["FN:Aisha Rahman", "EMAIL:mailto:a.rahman@cps.gov.uk"], "4.0", ("Aisha Rahman", "")),
        (["FN:Rahman\\, Aisha", "ORG:CPS\\; Leeds;Casework"], "3.0",
         ("Rahman, Aisha", "CPS; Leeds, Casework")),
        (["FN:Aisha\\nRahman", "ORG:;;"], "3.0", ("Aisha Rahman", "")),
        (['EMAIL;TYPE="work,voice";LABEL="Office: 1st floor":a.rahman@cps.gov.uk',
          "FN:A Rahman"], "4.0", ("A Rahman", "")),
        (["FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Zo=EB M=FCller"], "2.1",
         ("Zoë Müller", "")),
        (["FN;QUOTED-PRINTABLE:Zo=C3=AB=", " M=C3=BCller"], "2.1", ("Zoë Müller", "")),
        (["FN;CHARSET=X-NOPE;ENCODING=QUOTED-PRINTABLE:Zo=C3=AB"], "2.1", ("Zoë", "")),
        (["FN;ENCODING=b:" + base64.b64encode("Zoë".encode()).decode()], "3.0", ("Zoë", "")),
        (["fn:aisha rahman", "email;type=internet:a.rahman@cps.gov.uk"], "3.0",
         ("aisha rahman", "")),
        (["N:Rahman;Aisha;;Ms;", "AGENT:", "BEGIN:VCARD", "FN:Her Assistant",
          "EMAIL:assistant@cps.gov.uk", "END:VCARD"], "2.1", ("Aisha Rahman", "")),
    ],
)  # fmt: skip
def test_vcard_values_are_unescaped_and_decoded(
    tmp_path: Path, lines: list[str], version: str, expected: tuple[str, str]
) -> None:
    if not any(line.upper().startswith("EMAIL") for line in lines[:2]):
        lines = [*lines, "EMAIL:a.rahman@cps.gov.uk"]
    [entry] = contacts(tmp_path, "c.vcf", card(*lines, version=version))

    assert (entry.address, entry.display_name, entry.organisation) == (
        "a.rahman@cps.gov.uk",
        *expected,
    )


def test_a_card_with_lf_line_endings_and_no_version_is_read(tmp_path: Path) -> None:
    content = "BEGIN:VCARD\nFN:Aisha Rahman\nEMAIL:a.rahman@cps.gov.uk\nEND:VCARD\n"

    assert contacts(tmp_path, "c.vcf", content) == [
        DirectoryEntry("a.rahman@cps.gov.uk", "Aisha Rahman")
    ]


def test_a_soft_line_break_at_the_end_of_a_card_does_not_swallow_its_end(tmp_path: Path) -> None:
    content = card("EMAIL:a.rahman@cps.gov.uk", "NOTE;ENCODING=QUOTED-PRINTABLE:Casework=")

    assert [e.address for e in contacts(tmp_path, "c.vcf", content)] == ["a.rahman@cps.gov.uk"]


def test_the_same_address_twice_in_a_card_is_one_entry(tmp_path: Path) -> None:
    content = card(
        "FN:Aisha Rahman",
        "EMAIL;TYPE=INTERNET:a.rahman@cps.gov.uk",
        "EMAIL;TYPE=INTERNET,PREF:A.Rahman@cps.gov.uk",
    )

    entries, skipped = imported(write(tmp_path, "c.vcf", content))

    assert entries == [DirectoryEntry("a.rahman@cps.gov.uk", "Aisha Rahman")]
    assert skipped == [Skipped(5, "repeated address", "a.rahman@cps.gov.uk (first on line 4)")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            card("FN:Aisha Rahman", "this line has no colon", "EMAIL:a.rahman@cps.gov.uk"),
            "c.vcf, line 4: not a vCard property line: 'this line has no colon'",
        ),
        (
            card("FN:Aisha Rahman", "EMAIL:a.rahman@@cps.gov.uk"),
            "c.vcf, line 4: 'a.rahman@@cps.gov.uk' is not an e-mail address",
        ),
        (
            card("FN:Aisha Rahman", "EMAIL:a.rahman@cps.gov.uk").replace("END:VCARD\r\n", ""),
            "c.vcf, line 1: BEGIN:VCARD is never closed by END:VCARD",
        ),
        (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            "c.vcf, line 1: BEGIN:VCALENDAR is not a vCard (BEGIN:VCARD)",
        ),
        ("END:VCARD\r\n", "c.vcf, line 1: END without BEGIN:VCARD"),
        (
            card("FN:A", "EMAIL:a@cps.gov.uk") + "FN:Stray\r\n",
            "c.vcf, line 6: FN outside BEGIN:VCARD ... END:VCARD: not a vCard file?",
        ),
        (
            card("FN;ENCODING=b:!!!notbase64***", "EMAIL:a.rahman@cps.gov.uk"),
            "c.vcf, line 3: FN is not valid base64",
        ),
        (
            "Name,Email\nAisha Rahman,a.rahman@cps.gov.uk\n",
            "c.vcf, line 1: not a vCard property line: 'Name,Email'",
        ),
    ],
)
def test_a_malformed_vcard_is_an_error_naming_its_line(
    tmp_path: Path, content: str, message: str
) -> None:
    assert error(tmp_path, "c.vcf", content) == message


def test_an_invalid_photo_we_do_not_need_does_not_stop_the_import(tmp_path: Path) -> None:
    content = card("FN:A Rahman", "PHOTO;ENCODING=b;TYPE=JPEG:!!!", "EMAIL:a.rahman@cps.gov.uk")

    assert [e.address for e in contacts(tmp_path, "c.vcf", content)] == ["a.rahman@cps.gov.uk"]


# ---- LDIF ---------------------------------------------------------------------------------


def test_an_ldif_export_gives_each_mail_value_with_the_entrys_name_and_organisation() -> None:
    entries, skipped = imported(FIXTURES / "partner_directory.ldif")

    assert entries == [
        # displayName over cn; the second mail value folded over two lines
        DirectoryEntry(
            "j.holloway@example.police.uk", "PC Jane Holloway", "Example Police, Crime Desk"
        ),
        DirectoryEntry(
            "jane.holloway@example.police.uk", "PC Jane Holloway", "Example Police, Crime Desk"
        ),
        # dn:: and cn:: in base64
        DirectoryEntry(
            "s.nibhriain@leeds.gov.uk",
            "Siobhán Ní Bhriain",
            "Leeds City Council, Children's Services",
        ),
        # no o or ou: the o= of the DN
        DirectoryEntry("childrens.duty@leeds.gov.uk", "Duty Inbox", "Leeds City Council"),
        # Active Directory's proxyAddresses: the smtp: ones, not X500
        DirectoryEntry("a.rahman@cps.gov.uk", "Aisha Rahman", "Crown Prosecution Service"),
        DirectoryEntry("aisha.rahman@cps.gov.uk", "Aisha Rahman", "Crown Prosecution Service"),
    ]
    assert skipped == [Skipped(30, "without an e-mail address", "ou=People,o=Leeds City Council")]


def test_ldif_with_crlf_attribute_options_and_no_version_line(tmp_path: Path) -> None:
    content = (
        "dn: cn=Aisha Rahman,o=CPS\r\n"
        "cn;lang-en: Aisha Rahman\r\n"
        "MAIL: a.rahman@cps.gov.uk\r\n"
        "mail;lang-en:  aisha.rahman@cps.gov.uk  \r\n"
    )

    assert contacts(tmp_path, "d.ldif", content) == [
        DirectoryEntry("a.rahman@cps.gov.uk", "Aisha Rahman", "CPS"),
        DirectoryEntry("aisha.rahman@cps.gov.uk", "Aisha Rahman", "CPS"),
    ]


def test_ldif_change_records_are_skipped_and_url_values_never_fetched(tmp_path: Path) -> None:
    content = (
        "version: 1\n\n"
        "dn: cn=Aisha Rahman,o=CPS\nchangetype: modify\nreplace: mail\n"
        "mail: a.rahman@cps.gov.uk\n-\n\n"
        "dn: cn=Old Contact,o=CPS\nchangetype: delete\n\n"
        "dn: cn=New Contact,o=CPS\nchangetype: add\ncn: New Contact\nmail: new@cps.gov.uk\n\n"
        "dn: cn=Photo Only,o=CPS\ncn: Photo Only\nmail:< file:///etc/passwd\n"
    )

    entries, skipped = imported(write(tmp_path, "d.ldif", content))

    assert entries == [DirectoryEntry("new@cps.gov.uk", "New Contact", "CPS")]
    assert skipped == [
        Skipped(3, "LDIF change record, not an entry", "cn=Aisha Rahman,o=CPS"),
        Skipped(9, "LDIF change record, not an entry", "cn=Old Contact,o=CPS"),
        Skipped(17, "without an e-mail address", "cn=Photo Only,o=CPS"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "dn: cn=A,o=CPS\ncn: A\nthis line has no colon\n",
            "d.ldif, line 3: not an LDIF 'attribute: value' line: 'this line has no colon'",
        ),
        (
            "dn: cn=A,o=CPS\ncn:: !!notbase64\nmail: a@cps.gov.uk\n",
            "d.ldif, line 2: the base64 value of 'cn' is not valid base64",
        ),
        (
            "dn: cn=A,o=CPS\ncn: A\nmail: a@cps.gov.uk\n\ncn: B\nmail: b@cps.gov.uk\n",
            "d.ldif, line 5: an LDIF record must start with 'dn:', not 'cn: B'",
        ),
        (
            "dn: cn=A,o=CPS\ndescription: a long\n  line\nmail: a@@cps.gov.uk\n",
            "d.ldif, line 4: 'a@@cps.gov.uk' is not an e-mail address",
        ),
        (
            "dn: cn=A,o=CPS\nmail: a@cps.gov.uk\n\n continued after a blank line\n",
            "d.ldif, line 4: a continuation line (starting with a space) after a blank line",
        ),
        ("version: 2\n\ndn: cn=A,o=CPS\nmail: a@cps.gov.uk\n",
         "d.ldif, line 1: LDIF version '2', not 1"),
    ],
)  # fmt: skip
def test_a_malformed_ldif_file_is_an_error_naming_its_line(
    tmp_path: Path, content: str, message: str
) -> None:
    assert error(tmp_path, "d.ldif", content, read_ldif) == message


def test_a_comment_folded_over_two_lines_is_all_comment(tmp_path: Path) -> None:
    content = "# exported by\n  mail: not@an.entry\ndn: cn=A,o=CPS\nmail: a@cps.gov.uk\n"

    assert [e.address for e in contacts(tmp_path, "d.ldif", content)] == ["a@cps.gov.uk"]


def test_a_base64_value_that_is_not_utf_8_is_read_as_windows_1252(tmp_path: Path) -> None:
    name = base64.b64encode("Zoë Müller".encode("cp1252")).decode()
    content = f"dn: cn=Z,o=Kirklees\ncn:: {name}\nmail: z.muller@kirklees.gov.uk\n"

    assert contacts(tmp_path, "d.ldif", content)[0].display_name == "Zoë Müller"


# ---- choosing the reader ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("contacts.VCF", card("FN:A Rahman", "EMAIL:a.rahman@cps.gov.uk")),
        ("contacts.dat", card("FN:A Rahman", "EMAIL:a.rahman@cps.gov.uk")),
        ("export", "version: 1\n\ndn: cn=A Rahman,o=CPS\nmail: a.rahman@cps.gov.uk\n"),
        ("export.ldf", "dn: cn=A Rahman,o=CPS\nmail: a.rahman@cps.gov.uk\n"),
        ("export", "# directory\ndn: cn=A Rahman,o=CPS\nmail: a.rahman@cps.gov.uk\n"),
        ("export", "Name,Email\nA Rahman,a.rahman@cps.gov.uk\n"),
    ],
)
def test_the_format_is_known_by_extension_or_else_by_the_first_line(
    tmp_path: Path, name: str, content: str
) -> None:
    assert [e.address for e in contacts(tmp_path, name, content)] == ["a.rahman@cps.gov.uk"]


def test_an_explicit_format_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "contacts.txt"
    path.write_text(card("FN:A Rahman", "EMAIL:a.rahman@cps.gov.uk"))

    assert [e.address for e in read_directory(path, "vcard")] == ["a.rahman@cps.gov.uk"]
    with pytest.raises(ImportFileError, match="no e-mail column"):
        list(read_directory(path, "csv"))
    assert [e.address for e in read_vcards(path)] == ["a.rahman@cps.gov.uk"]


# ---- case lists ---------------------------------------------------------------------------


def test_a_case_list_gives_each_case_its_people_and_allowed_addresses() -> None:
    cases, skipped = imported(FIXTURES / "cases.csv", read_cases)

    assert cases == [
        # two rows for AB/25/0093: one case, people and addresses in first-seen order
        CaseRecord(
            "AB/25/0093",
            ("Ellie Marsh", "Tom Reed", "Ayesha Khan", "Mia Reed"),
            (
                "safeguarding@greenfield.sch.uk",
                "j.holloway@example.police.uk",
                "head@greenfield.sch.uk",
            ),
        ),
        CaseRecord("AB/25/0071", ("Ravi Patel",), ("r.patel@gmail.com",)),
    ]
    assert skipped == [Skipped(5, "case with no people or addresses", "AB/25/0102")]


def test_a_case_list_with_a_column_per_person_and_per_address() -> None:
    cases, _ = imported(FIXTURES / "cases_by_column.csv", read_cases)

    assert cases == [
        CaseRecord(
            "CR 25/012345",
            ("Marsh, Ellie", "Tom Reed"),  # a comma in a name is part of it
            ("safeguarding@greenfield.sch.uk", "c.okafor@leeds.gov.uk"),
        ),
        CaseRecord("CR 25/012399", ("Ravi Patel",), ("r.patel@gmail.com",)),
    ]


def test_case_rows_whose_references_differ_only_in_spacing_and_case_are_one_case(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "Reference;People;Allowed\n"
        "AB/25/0093;Ellie Marsh|Tom Reed;safeguarding@greenfield.sch.uk, head@greenfield.sch.uk\n"
        "ab 25 0093;ELLIE  MARSH;\n"
    )

    assert list(read_cases(path)) == [
        CaseRecord(
            "AB/25/0093",
            ("Ellie Marsh", "Tom Reed"),
            ("safeguarding@greenfield.sch.uk", "head@greenfield.sch.uk"),
        )
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "Reference,People,Allowed\nAB/25/0093,Ellie Marsh,safeguarding@greenfield\n",
            "cases.csv, line 2: 'safeguarding@greenfield' in column 'Allowed' is not an e-mail "
            "address",
        ),
        (
            'Reference,People,Allowed\nAB/25/0093,Ellie Marsh,"a@school.org; @school.org"\n',
            "cases.csv, line 2: '@school.org' in column 'Allowed' is not an e-mail address",
        ),
        (
            "Reference,People,Allowed\n,Ellie Marsh,safeguarding@greenfield.sch.uk\n",
            "cases.csv, line 2: people or addresses without a case reference",
        ),
        (
            "Name,Allowed\nEllie Marsh,safeguarding@greenfield.sch.uk\n",
            "cases.csv, line 1: no case reference column (Reference, Case, Crime "
            "reference...); found 'Name', 'Allowed'",
        ),
        (
            "Case,Crime reference,Person\nAB/25/0093,CR 25/1,Ellie Marsh\n",
            "cases.csv, line 1: several reference columns (Reference, Case, Crime "
            "reference...); found 'Case', 'Crime reference', 'Person'",
        ),
        (
            "Reference,Status\nAB/25/0093,open\n",
            "cases.csv, line 1: no People or Allowed column (People, Person 1, Allowed, "
            "Recipients); found 'Reference', 'Status'",
        ),
    ],
)
def test_a_bad_case_list_is_an_error_naming_its_line(
    tmp_path: Path, content: str, message: str
) -> None:
    assert error(tmp_path, "cases.csv", content, read_cases) == message


# ---- mailwarden import directory / cases, end to end into the store ----------------------


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "mailwarden.toml"
    path.write_text(
        '[organisation]\ndomains = ["example.police.uk"]\n[knowledge]\nkey_file = "install.key"\n'
    )
    return path


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(import_group, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def open_store(url: str, config: Path) -> KnowledgeStore:
    keyer = Keyer(load_or_create_key(config.parent / "install.key"))
    return KnowledgeStore.open(url, keyer, ["example.police.uk"])


def test_importing_the_directory_and_the_case_list_tells_the_store_who_may_receive_what(
    database_url: str, config: Path
) -> None:
    staff = FIXTURES / "staff_and_partners.csv"
    case_list = FIXTURES / "cases.csv"

    status, out, err = run("directory", staff, "--config", config, "--db", database_url)
    assert (status, err) == (0, "")
    assert out == (
        f"imported 6 directory entries from {staff}; "
        "skipped 2 (1 without an e-mail address, 1 repeated address)\n"
    )
    status, out, err = run("cases", case_list, "--config", config, "--db", database_url)
    assert (status, err) == (0, "")
    assert out == (
        f"imported 2 cases from {case_list}; skipped 1 (1 case with no people or addresses)\n"
    )

    with open_store(database_url, config) as store:
        keyer = store.keyer
        case = keyer.key(FeatureKind.CASE, normalise(FeatureKind.CASE, "AB/25/0093"))
        ellie = keyer.key(FeatureKind.PERSON, normalise(FeatureKind.PERSON, "Ellie Marsh"))
        message = Message(
            recipients=[
                Recipient(Address(a), AddressField.TO)
                for a in ("j.holloway@example.police.uk", "a.rahman@cps.gov.uk")
            ]
        )
        features = MessageFeatures(
            (
                Feature(FeatureKind.CASE, case, "AB/25/0093", frozenset({"body"})),
                Feature(FeatureKind.PERSON, ellie, "Ellie Marsh", frozenset({"body"})),
            )
        )
        knowledge = store.knowledge_for(message, features)
        stats = store.stats()

    jane = knowledge.correspondent("j.holloway@example.police.uk")
    assert jane is not None
    assert (jane.in_directory, jane.internal, jane.organisation) == (
        True,
        True,
        "Example Police, Crime Desk",
    )
    assert "Jane Holloway" in jane.display_names
    aisha = knowledge.correspondent("a.rahman@cps.gov.uk")
    assert aisha is not None
    assert (aisha.in_directory, aisha.internal) == (True, False)  # left to the domains
    allowed = {
        "safeguarding@greenfield.sch.uk",
        "j.holloway@example.police.uk",
        "head@greenfield.sch.uk",
    }
    case_history, ellie_history = knowledge.history(case), knowledge.history(ellie)
    assert case_history is not None and ellie_history is not None
    assert case_history.allowed == allowed
    assert ellie_history.cases == {case}
    assert ellie_history.allowed == allowed
    assert (stats.directory_entries, stats.cases) == (6, 2)


def test_importing_the_same_files_again_changes_nothing(database_url: str, config: Path) -> None:
    for _ in range(2):
        for command, name in (("directory", "partners.vcf"), ("cases", "cases_by_column.csv")):
            status, _out, _err = run(
                command, FIXTURES / name, "--config", config, "--db", database_url
            )
            assert status == 0

    with open_store(database_url, config) as store:
        stats = store.stats()
    assert (stats.directory_entries, stats.cases, stats.correspondents) == (5, 2, 5)


def test_a_file_with_a_bad_line_is_refused_whole_in_one_line_with_status_2(
    database_url: str, config: Path, tmp_path: Path
) -> None:
    bad = write(
        tmp_path,
        "partners.csv",
        "Name,Email\nAisha Rahman,a.rahman@cps.gov.uk\nJ Smith,j.smith@@greenfield.sch.uk\n",
    )

    status, out, err = run("directory", bad, "--config", config, "--db", database_url)

    assert (status, out) == (2, "")
    assert err == (
        f"mailwarden: {bad}, line 3: 'j.smith@@greenfield.sch.uk' in column 'Email' "
        "is not an e-mail address\n"
    )
    with open_store(database_url, config) as store:
        assert store.stats().directory_entries == 0  # not even the good first row


def test_verbose_lists_each_skipped_line(tmp_path: Path, config: Path) -> None:
    db = tmp_path / "knowledge.db"

    status, out, _ = run(
        "directory", FIXTURES / "partner_directory.ldif", "-v", "--db", db, "--config", config
    )

    assert status == 0
    assert out.splitlines()[1:] == [
        "  line 30, without an e-mail address: ou=People,o=Leeds City Council"
    ]


def test_the_store_comes_from_the_config_when_there_is_no_db_option(tmp_path: Path) -> None:
    config = tmp_path / "mailwarden.toml"
    config.write_text(f'[knowledge]\nurl = "{tmp_path / "from-config.db"}"\nkey_file = "k.key"\n')

    status, out, _ = run("cases", FIXTURES / "cases.csv", "--config", config)

    assert status == 0 and out.startswith("imported 2 cases")
    assert (tmp_path / "from-config.db").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cases", "cases.csv"], "mailwarden: no knowledge store: give --db URL or set url in "
         "the [knowledge] section"),
        (["directory", "nowhere.vcf", "--db", "k.db"], "mailwarden: nowhere.vcf: no such file"),
        (["cases", "cases.csv", "--db", "mysql://db.example/k"],
         "mailwarden: unsupported database 'mysql': use SQLite or PostgreSQL"),
        (["cases", "cases.csv", "--config", "missing.toml"],
         "mailwarden: configuration error: config file not found: missing.toml"),
    ],
)  # fmt: skip
def test_usage_and_configuration_errors_are_one_line_with_status_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cases.csv").write_bytes((FIXTURES / "cases.csv").read_bytes())
    (tmp_path / "nowhere.vcf").unlink(missing_ok=True)

    status, out, err = run(*args)

    assert (status, out, err) == (2, "", message + "\n")
