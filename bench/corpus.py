"""A seeded, realistic corpus of outgoing UK public-sector mail, for benchmarks.

`generate(count, seed)` yields `CorpusMessage`s: the RFC 5322 bytes and every
identifier planted in them (NHS numbers, postcodes, phone numbers, e-mail
addresses, and the people named), so a bench can measure recall as well as speed.
The same count and seed always give the same bytes.

The mix (by message count):

- 70% `text`: plain, HTML, or plain+HTML correspondence from police, schools,
  the NHS, councils and solicitors: names, NHS numbers, postcodes, phones, case
  references, ordinary prose, quoted replies, signatures and disclaimers;
- 20% `attachment`: a shorter body with one or two DOCX, XLSX or PDF files
  (text that can be extracted), occasionally a CSV;
- 10% `large`: a 1–5 MB attachment (a scanned-style PDF, a photo, a DOCX with
  an embedded image) or a long thread of 40–100 KB of body text.

Office files are made from templates built once per process (python-docx and
openpyxl are too slow to call per message); the PDFs are written directly.
Nothing here imports mailwarden.
"""

from __future__ import annotations

import csv
import html
import io
import random
import re
import textwrap
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

KINDS = ("text", "attachment", "large")
SHARES = {"text": 0.70, "attachment": 0.20, "large": 0.10}
IDENTIFIER_TYPES = ("UK_NHS", "UK_POSTCODE", "UK_PHONE", "EMAIL_ADDRESS")
"""The planted types a bench can score recall on (PERSON is planted too, but see below)."""


@dataclass(frozen=True, slots=True)
class Planted:
    """One value written into a message: its type (a mailwarden finding type) and its text."""

    type: str
    value: str


@dataclass(slots=True)
class CorpusMessage:
    index: int
    kind: str
    """`text`, `attachment` or `large`."""
    variant: str
    """How it was built: `plain`, `html`, `alternative`, `docx`, `scanned-pdf`, `long-body`..."""
    raw: bytes
    attachments: tuple[str, ...]
    """The attachments' file names (empty for a message without attachments)."""
    planted: tuple[Planted, ...]
    """Every identifier and person name written into the message (body, subject, attachments).

    PERSON values include the sender's and recipients' own names in greetings and
    signatures, which a guard may rightly treat as addressing rather than content.
    """

    @property
    def has_attachment(self) -> bool:
        return bool(self.attachments)


# --- the people, places and organisations -------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""
    Sarah James Emma Mohammed Olivia David Aisha Thomas Chloe Daniel Priya Michael Hannah
    Oliver Fatima Jack Grace Harry Zainab William Megan Kwame Sophie Connor Amelia Rhys
    Niamh Tomasz Agnieszka Callum Rebecca Imran Eilidh Samuel Jessica Gareth Siobhan
    Adebayo Lucy Ravi Charlotte Liam Bethan Yusuf Katie Patrick Nia Hamza Laura Declan
""")
CHILD_NAMES = _words("""
    Alfie Isla Noah Ava Leo Freya Arthur Mia Oscar Evie Muhammad Poppy Theo Ruby Finley
    Maya Archie Lily Zayn Daisy
""")
SURNAMES = _words("""
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
    Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Khan
    Begum Ahmed Singh Kowalski Nowak Okafor Mensah O'Brien MacDonald Campbell Murphy Kelly
    Jackson Hussain Ali Shah Morgan Price Owen Reid Fraser Chaudhry Adeyemi Bennett Fletcher
""")
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr")
STREETS = [
    line.strip()
    for line in """
    Elm Road, Church Lane, Victoria Street, Station Road, Park Avenue, High Street, Mill Lane,
    Queens Road, Albert Terrace, Windsor Close, Beech Grove, Ash Court, Kingsway, Orchard Drive,
    Moor Lane, Grange Crescent
""".replace("\n", "").split(",")
]
TOWNS = [
    (town.strip(), area)
    for town, area in (
        entry.split(":")
        for entry in """
    Leeds:LS, Manchester:M, Birmingham:B, Bristol:BS, Sheffield:S, Newcastle upon Tyne:NE,
    Cardiff:CF, Glasgow:G, Nottingham:NG, Leicester:LE, Norwich:NR, Exeter:EX, Bradford:BD,
    Coventry:CV, Swansea:SA, London:SE, London:N, London:E, Croydon:CR, Doncaster:DN
""".replace("\n", "").split(",")
    )
]
"""(post town, postcode area)."""
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
LANDLINE_AREAS = [
    f"{code} 0"
    for code in (
        "020 7946",
        "0113 496",
        "0114 496",
        "0115 496",
        "0116 496",
        "0117 496",
        "0118 496",
        "0121 496",
        "0131 496",
        "0141 496",
        "0151 496",
        "0161 496",
        "029 2018",
    )
] + ["028 9649 6"]
"""Ofcom's ranges for drama: valid numbers that ring no one (the last three digits vary)."""
MOBILE_PREFIXES = ["07700 900", "07700 900", "07911 1", "07812 5", "07457 3", "07398 6"]
"""Ofcom's drama range for mobiles (07700 900xxx), and made-up numbers in common ranges."""
FREEMAIL = ("gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "btinternet.com")


@dataclass(frozen=True, slots=True)
class Organisation:
    sector: str
    name: str
    domain: str
    roles: tuple[str, ...]
    partners: tuple[str, ...]
    """Domains of the agencies this one writes to."""


ORGANISATIONS = (
    Organisation(
        "police",
        "Northshire Police",
        "northshire.police.uk",
        (
            "Detective Constable",
            "Police Sergeant",
            "Safeguarding Officer",
            "PC",
            "Disclosure Officer",
        ),
        ("westbury.gov.uk", "cps.gov.uk", "nhs.net", "harrowgate-law.co.uk"),
    ),
    Organisation(
        "school",
        "Oakfield Primary School",
        "oakfield-primary.sch.uk",
        (
            "Headteacher",
            "Designated Safeguarding Lead",
            "SENCo",
            "Year 4 Teacher",
            "Attendance Officer",
        ),
        ("westbury.gov.uk", "northshire.police.uk", "nhs.net"),
    ),
    Organisation(
        "nhs",
        "Westbury Community Health NHS Trust",
        "nhs.net",
        (
            "Consultant Psychiatrist",
            "Community Mental Health Nurse",
            "GP",
            "Health Visitor",
            "Medical Secretary",
        ),
        ("westbury.gov.uk", "oakfield-primary.sch.uk", "northshire.police.uk"),
    ),
    Organisation(
        "council",
        "Westbury Borough Council",
        "westbury.gov.uk",
        (
            "Social Worker",
            "Housing Officer",
            "Council Tax Officer",
            "Team Manager",
            "Early Help Practitioner",
        ),
        ("northshire.police.uk", "nhs.net", "oakfield-primary.sch.uk", "harrowgate-law.co.uk"),
    ),
    Organisation(
        "solicitor",
        "Harrowgate & Lyle LLP",
        "harrowgate-law.co.uk",
        ("Solicitor", "Senior Associate", "Paralegal", "Partner", "Trainee Solicitor"),
        ("westbury.gov.uk", "northshire.police.uk", "hmcts.gsi.gov.uk"),
    ),
)

DISCLAIMERS = {
    "police": (
        "OFFICIAL-SENSITIVE. This e-mail and any attachments are intended solely for the "
        "addressee and may contain confidential information. If you are not the intended "
        "recipient please notify the sender immediately and delete it; you must not copy, "
        "disclose or act on its contents. All communications sent to or from Northshire "
        "Police may be subject to recording and/or monitoring in accordance with relevant "
        "legislation."
    ),
    "school": (
        "This email and any files transmitted with it are confidential and intended solely "
        "for the use of the individual or entity to whom they are addressed. Oakfield "
        "Primary School is part of the Westbury Learning Trust, a company limited by "
        "guarantee registered in England and Wales."
    ),
    "nhs": (
        "This message may contain confidential information. If you are not the intended "
        "recipient please inform the sender that you have received the message in error "
        "before deleting it. Please do not disclose, copy or distribute information in this "
        "e-mail or take any action in relation to its contents. NHSmail is the secure email "
        "and directory service available for all NHS staff in England and Scotland."
    ),
    "council": (
        "Westbury Borough Council: this email is confidential and may be legally privileged. "
        "If you have received it in error please tell us and delete it. Emails may be "
        "monitored and may be disclosed under the Freedom of Information Act 2000 or the "
        "Data Protection Act 2018. Think before you print."
    ),
    "solicitor": (
        "Harrowgate & Lyle LLP is authorised and regulated by the Solicitors Regulation "
        "Authority (SRA No. 612345). This email is confidential and may be privileged. "
        "CYBER CRIME WARNING: we will never change our bank details by email. Please call "
        "us on a known number before transferring any money."
    ),
}

PARAGRAPHS = {
    "police": (
        "I am writing in relation to crime reference {crime_ref}. The victim, {person}, of "
        "{address}, gave a statement yesterday and can be contacted on {mobile}.",
        "{person} (DOB {dob}) was arrested on {date} and has been released on bail to "
        "{address}. Bail conditions include not contacting {person2}.",
        "Please could you check your records for {person}, NHS number {nhs}, who was seen "
        "at A&E following the incident. The officer in charge is on {phone}.",
        "The witness, {person}, has asked to be contacted by email only at {email}. "
        "She lives at {address} and does not want visits at home.",
        "Attached is the MG11 for {person}. The suspect's partner, {person2}, is believed "
        "to be staying at {address}; her mobile is {mobile}.",
        "Strategy discussion for {child} ({age}) is booked for {date}. Mother is {person}, "
        "{address}; the child's GP has been informed.",
    ),
    "school": (
        "{child} in Year {year} has been absent for six of the last ten sessions. His "
        "mother, {person}, has not replied to messages; the number we hold is {mobile}.",
        "Please find below the details for the transfer of {child}'s records: home address "
        "{address}, parent contact {person} on {phone}, email {email}.",
        "{child} disclosed to her class teacher this morning that she was frightened to go "
        "home. I have completed a MyConcern entry and called the front door on {phone}.",
        "Could you confirm the NHS number for {child}? We have {nhs} on the health care "
        "plan but the school nurse thinks it may be wrong.",
        "The annual review for {child}'s EHCP will be held on {date}. {person} (mum) has "
        "asked for the paperwork to be sent to {email}.",
        "Thank you for your help with the trip last week; the children had a lovely time "
        "and {child} in particular has not stopped talking about it.",
    ),
    "nhs": (
        "Re: {person}, DOB {dob}, NHS No: {nhs}, {address}. Thank you for referring this "
        "patient to the memory clinic; I saw her with her daughter on {date}.",
        "{person} (NHS {nhs}) was discharged on {date} to {address}. The district nurses "
        "will visit; the next of kin is {person2} on {mobile}.",
        "Please could you update the patient's contact details: {person}, {address}, "
        "telephone {phone}. The previous number should be removed.",
        "Mr {surname} has a history of type 2 diabetes and depression. He was seen by the "
        "crisis team on {date} and has been started on sertraline 50 mg.",
        "I have tried to contact {person} on {mobile} without success. If you see her at "
        "the surgery please ask her to ring the clinic on {phone}.",
        "The safeguarding referral for {child} (NHS {nhs}) has been sent to the MASH. "
        "Health visitor contact is {email}.",
    ),
    "council": (
        "Housing application for {person} at {address}: we need proof of income and a "
        "letter from the GP before the panel on {date}.",
        "Council tax account {account} for {address} is in arrears. The liable person, "
        "{person}, has been invited to call us on {phone}.",
        "Following the home visit on {date}, {child} ({age}) and her brother remain on a "
        "child protection plan. Mother {person} can be reached on {mobile}.",
        "The early help assessment for the {surname} family is attached to the case. "
        "Please send any further information to {email}.",
        "I have spoken to {person} ({address}) about the noise complaint and explained "
        "the next steps; she would prefer calls to {mobile}.",
        "Adult social care referral: {person}, DOB {dob}, NHS {nhs}, lives alone at "
        "{address}. Daughter {person2} has lasting power of attorney.",
    ),
    "solicitor": (
        "We act for {person} in connection with the purchase of {address}. Our reference "
        "is {ref}; please quote it in all correspondence.",
        "Our client, {person}, instructs us that the property at {address} was vacated on "
        "{date}. Please direct any queries to {email} or call {phone}.",
        "In the matter of {child} (a child), we enclose the position statement on behalf "
        "of the mother, {person}. The hearing is listed for {date}.",
        "Please find enclosed our client's medical records request for {person}, NHS "
        "number {nhs}, together with the signed authority.",
        "{person2} has confirmed she is willing to give a witness statement and may be "
        "contacted on {mobile}.",
        "We should be grateful if you would confirm completion monies of the balance by "
        "return; our client's new correspondence address is {address}.",
    ),
}

FILLER = (
    "I hope you are well.",
    "Apologies for the delay in getting back to you; it has been a busy week.",
    "Please let me know if you need anything further.",
    "I will be out of the office on Friday but can pick this up on Monday.",
    "Can we arrange a call next week to discuss?",
    "I have copied in my manager for information.",
    "The meeting has been moved to the small conference room on the second floor.",
    "As discussed on the phone this morning, I will chase this up with the team.",
    "We are still waiting for the paperwork from the other agency.",
    "This is being dealt with as a priority.",
    "Thanks again for your help with this.",
    "The deadline for responses is the end of the month.",
    "Our systems were down for part of yesterday, so some messages may have been delayed.",
    "I attach the minutes of the last meeting for your records.",
    "If this is no longer required please let me know and I will close the request.",
    "The training session on information sharing has been rescheduled.",
    "Please treat this information as confidential and do not forward it.",
    "I have updated the record on the system accordingly.",
    "We would be grateful for a response within ten working days.",
    "I understand the family have moved out of the area, but I will confirm this.",
    "There is parking at the rear of the building if you are visiting.",
    "The previous worker has now left the team, so please send everything to me.",
    "I have spoken to my colleague, who agrees with the plan.",
    "Kind regards and have a good weekend.",
)

SUBJECTS = {
    "police": (
        "Crime {crime_ref}",
        "RE: Statement - {surname}",
        "Strategy discussion {date}",
        "Request for information",
        "FW: MG11 witness statement",
        "Bail address check",
    ),
    "school": (
        "Attendance concern - {child}",
        "RE: Records transfer",
        "Safeguarding - {child}",
        "EHCP annual review",
        "Year {year} trip",
        "Health care plan query",
    ),
    "nhs": (
        "Clinic letter - {surname}",
        "Discharge summary",
        "RE: Referral",
        "Change of details",
        "Safeguarding referral",
        "Patient contact",
    ),
    "council": (
        "Housing application",
        "Council tax account {account}",
        "Home visit {date}",
        "Early help assessment",
        "RE: Noise complaint",
        "ASC referral - {surname}",
    ),
    "solicitor": (
        "Our ref: {ref}",
        "Completion - {address_short}",
        "Position statement",
        "Medical records request",
        "Witness statement",
        "RE: Your client",
    ),
}

DOCUMENT_TITLES = {
    "police": ("Witness Statement (MG11)", "Case Summary", "Risk Assessment (DASH)"),
    "school": ("Pupil Transfer Record", "Safeguarding Chronology", "EHCP Review Notes"),
    "nhs": ("Discharge Summary", "Clinic Letter", "Referral Form"),
    "council": ("Child Protection Conference Minutes", "Housing Assessment", "Care Plan"),
    "solicitor": ("Position Statement", "Completion Statement", "Letter of Instruction"),
}

SHEET_COLUMNS = {
    "police": ("Name", "Date of birth", "Address", "Postcode", "Phone", "Role"),
    "school": ("Pupil", "Date of birth", "Year", "Parent", "Parent phone", "Postcode"),
    "nhs": ("Patient", "NHS number", "Date of birth", "Postcode", "Phone", "Clinic"),
    "council": ("Name", "Address", "Postcode", "Phone", "Email", "Status"),
    "solicitor": ("Client", "Matter", "Address", "Postcode", "Phone", "Email"),
}

# --- identifiers ------------------------------------------------------------------------


def nhs_number(rng: random.Random) -> str:
    """Ten digits with a valid modulus 11 check digit."""
    while True:
        digits = [rng.randint(1 if i == 0 else 0, 9) for i in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10:
            number = "".join(map(str, digits)) + str(check)
            break
    style = rng.random()
    if style < 0.7:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    if style < 0.9:
        return number
    return f"{number[:3]}-{number[3:6]}-{number[6:]}"


def postcode(rng: random.Random, area: str | None = None) -> str:
    area = area or rng.choice(TOWNS)[1]
    district = str(rng.randint(1, 28))
    inward = f"{rng.randint(0, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    return f"{area}{district} {inward}"


def landline(rng: random.Random) -> str:
    number = f"{rng.choice(LANDLINE_AREAS)}{rng.randint(0, 999):03d}"
    return f"({number[:4]}){number[4:]}" if rng.random() < 0.1 else number


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(MOBILE_PREFIXES)
    digits = 12 - len(prefix)  # eleven digits and the space
    number = f"{prefix}{rng.randint(0, 10**digits - 1):0{digits}d}"
    return "+44 " + number[1:] if rng.random() < 0.2 else number


# --- building bodies ----------------------------------------------------------------------


@dataclass
class _Writer:
    """Fills templates for one message and records what it planted."""

    rng: random.Random
    org: Organisation
    planted: list[Planted] = field(default_factory=list)
    town: tuple[str, str] = ("Leeds", "LS")
    surname: str = "Smith"
    child: str = "Alfie"

    def __post_init__(self) -> None:
        self.town = self.rng.choice(TOWNS)
        self.surname = self.rng.choice(SURNAMES)
        self.child = f"{self.rng.choice(CHILD_NAMES)} {self.surname}"

    def plant(self, kind: str, value: str) -> str:
        self.planted.append(Planted(kind, value))
        return value

    def person(self, titled: bool | None = None) -> str:
        first, surname = self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)
        self.plant("PERSON", f"{first} {surname}")
        titled = self.rng.random() < 0.3 if titled is None else titled
        return f"{self.rng.choice(TITLES)} {first} {surname}" if titled else f"{first} {surname}"

    def address(self) -> str:
        code = self.plant("UK_POSTCODE", postcode(self.rng, self.town[1]))
        street = f"{self.rng.randint(1, 180)} {self.rng.choice(STREETS)}"
        return f"{street}, {self.town[0]} {code}"

    def date(self) -> str:
        day = datetime(2025, 1, 6) + timedelta(days=self.rng.randint(0, 300))
        return day.strftime("%-d %B %Y") if self.rng.random() < 0.6 else day.strftime("%d/%m/%Y")

    def dob(self) -> str:
        day = datetime(1940, 1, 1) + timedelta(days=self.rng.randint(0, 29000))
        return day.strftime("%d/%m/%Y") if self.rng.random() < 0.7 else day.strftime("%-d %b %Y")

    def value(self, slot: str) -> str:
        rng = self.rng
        makers: dict[str, Callable[[], str]] = {
            "person": self.person,
            "person2": self.person,
            "child": lambda: self.plant("PERSON", self.child),
            "surname": lambda: self.surname,
            "address": self.address,
            "address_short": lambda: f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
            "nhs": lambda: self.plant("UK_NHS", nhs_number(rng)),
            "phone": lambda: self.plant("UK_PHONE", landline(rng)),
            "mobile": lambda: self.plant("UK_PHONE", mobile(rng)),
            "email": self.email,
            "dob": self.dob,
            "date": self.date,
            "age": lambda: f"{rng.randint(2, 16)}",
            "year": lambda: f"{rng.randint(1, 6)}",
            "crime_ref": lambda: f"NS/{rng.randint(20, 25)}/{rng.randint(1000, 99999)}",
            "ref": lambda: (
                f"HL/{rng.choice('ABCDEFGH')}{rng.randint(100, 999)}/{rng.randint(1, 99)}"
            ),
            "account": lambda: f"{rng.randint(10000000, 99999999)}",
        }
        return makers[slot]()

    def email(self, domain: str | None = None) -> str:
        first, surname = self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)
        local = re.sub(r"[^a-z.]", "", f"{first}.{surname}".lower())
        if self.rng.random() < 0.3:
            local = f"{first[0].lower()}{surname.lower()}{self.rng.randint(1, 99)}"
            local = re.sub(r"[^a-z0-9]", "", local)
        return self.plant("EMAIL_ADDRESS", f"{local}@{domain or self.rng.choice(FREEMAIL)}")

    def fill(self, template: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: self.value(m.group(1)), template)

    def paragraph(self) -> str:
        main = self.fill(self.rng.choice(PARAGRAPHS[self.org.sector]))
        extra = self.rng.sample(FILLER, self.rng.randint(0, 3))
        sentences = [*extra[:1], main, *extra[1:]]
        return " ".join(sentences)

    def paragraphs(self, low: int, high: int) -> list[str]:
        return [self.paragraph() for _ in range(self.rng.randint(low, high))]


@dataclass(frozen=True, slots=True)
class _Party:
    name: str
    address: str
    role: str = ""


def _party(writer: _Writer, domain: str, role: str = "") -> _Party:
    rng = writer.rng
    first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    local = re.sub(r"[^a-z.]", "", f"{first}.{surname}".lower())
    return _Party(f"{first} {surname}", f"{local}@{domain}", role)


def _signature(writer: _Writer, sender: _Party) -> list[str]:
    org = writer.org
    lines = [sender.name, sender.role, org.name]
    writer.planted.append(Planted("PERSON", sender.name))
    if writer.rng.random() < 0.8:
        lines.append("Tel: " + writer.plant("UK_PHONE", landline(writer.rng)))
    if writer.rng.random() < 0.4:
        lines.append("Mobile: " + writer.plant("UK_PHONE", mobile(writer.rng)))
    if writer.rng.random() < 0.5:
        lines.append(writer.plant("EMAIL_ADDRESS", sender.address))
    if writer.rng.random() < 0.5:
        lines.append(writer.address())
    return lines


def _quoted(writer: _Writer, other: _Party, depth: int) -> list[str]:
    """An earlier message in the thread, quoted in one of the two common styles."""
    rng = writer.rng
    when = datetime(2025, 1, 6, 9) + timedelta(minutes=rng.randint(0, 400_000))
    body = [*writer.paragraphs(1, 3), f"Thanks,\n{other.name.split()[0]}"]
    writer.planted.append(Planted("PERSON", other.name))
    if rng.random() < 0.5:
        head = f"On {when:%a, %-d %b %Y at %H:%M}, {other.name} <{other.address}> wrote:"
        quoted = ["> " + line if line else ">" for line in "\n\n".join(body).splitlines()]
        lines = [head, *quoted]
    else:
        lines = [
            "-----Original Message-----",
            f"From: {other.name} <{other.address}>",
            f"Sent: {when:%d %B %Y %H:%M}",
            "Subject: RE: " + rng.choice(("Update", "Query", "Referral", "Meeting")),
            "",
            *"\n\n".join(body).splitlines(),
        ]
    if depth > 1:
        lines += ["", *_quoted(writer, other, depth - 1)]
    return lines


def _body_text(writer: _Writer, sender: _Party, recipient: _Party, paragraphs: list[str]) -> str:
    rng = writer.rng
    first = recipient.name.split()[0]
    greeting = rng.choice((f"Dear {first},", f"Hi {first},", f"Good morning {first},", "Hello,"))
    sign_off = rng.choice(("Kind regards,", "Many thanks,", "Best wishes,", "Regards,"))
    lines = [greeting, "", *"\n\n".join(paragraphs).split("\n"), "", sign_off, "", ""]
    lines += _signature(writer, sender)
    lines += ["", DISCLAIMERS[writer.org.sector]]
    if rng.random() < 0.35:
        lines += ["", *_quoted(writer, recipient, rng.randint(1, 3))]
    return "\n".join(lines)  # unwrapped, as Outlook sends it (quoted-printable on the wire)


def _wrap(writer: _Writer, text: str, width: int) -> list[str]:
    """Lines of at most `width`, never breaking inside a planted value (a test of recall,
    not of how recognizers cope with a number split over two lines)."""
    for planted in writer.planted:
        text = text.replace(planted.value, planted.value.replace(" ", "\x00"))
    return [line.replace("\x00", " ") for line in textwrap.wrap(text, width)]


def _html(text: str) -> str:
    """The HTML an Outlook-style client sends for the same text."""
    blocks = []
    for block in text.split("\n\n"):
        escaped = "<br>\n".join(html.escape(line) for line in block.split("\n"))
        blocks.append(f'<p class="MsoNormal"><span style="font-family:Arial">{escaped}</span></p>')
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        "<style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt; font-family:Calibri} --></style>"
        '</head><body lang="EN-GB"><div class="WordSection1">\n'
        + "\n".join(blocks)
        + "\n</div></body></html>\n"
    )


# --- attachments ------------------------------------------------------------------------

_DOCX_PARAGRAPHS = 24
_DOCX_ROWS = 12
_XLSX_ROWS = 40
_XLSX_COLUMNS = 6


class _Templates:
    """DOCX and XLSX files with placeholders, built once and filled by rewriting their XML."""

    def __init__(self) -> None:
        self.docx = self._docx()
        self.xlsx = self._xlsx()

    @staticmethod
    def _docx() -> dict[str, bytes]:
        from docx import Document

        document = Document()
        document.add_heading("{{TITLE}}", level=1)
        for i in range(_DOCX_PARAGRAPHS):
            document.add_paragraph(f"{{{{P{i:02d}}}}}")
        table = document.add_table(rows=_DOCX_ROWS, cols=4)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = f"{{{{T{r:02d}_{c}}}}}"
        buffer = io.BytesIO()
        document.save(buffer)
        return _members(buffer.getvalue())

    @staticmethod
    def _xlsx() -> dict[str, bytes]:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Data"
        sheet.append([f"{{{{H{c}}}}}" for c in range(_XLSX_COLUMNS)])
        for r in range(_XLSX_ROWS):
            sheet.append([f"{{{{R{r:02d}_{c}}}}}" for c in range(_XLSX_COLUMNS)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return _shared_strings(_members(buffer.getvalue()))


def _shared_strings(members: dict[str, bytes]) -> dict[str, bytes]:
    """openpyxl writes inline strings; Excel, whose files people attach, writes a shared table."""
    strings: list[str] = []

    def shared(match: re.Match[str]) -> str:
        strings.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'

    sheet = members["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<c r="(\w+)" t="inlineStr"><is><t>([^<]*)</t></is></c>', shared, sheet)
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    items = "".join(f"<si><t>{text}</t></si>" for text in strings)
    members["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()
    types = (
        members["[Content_Types].xml"]
        .decode()
        .replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    )
    members["[Content_Types].xml"] = types.encode()
    rels = (
        members["xl/_rels/workbook.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdSst"/></Relationships>',
        )
    )
    members["xl/_rels/workbook.xml.rels"] = rels.encode()
    return members


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _fill_zip(
    members: dict[str, bytes], part: str, values: dict[str, str], extra: dict[str, bytes]
) -> bytes:
    """The template with the placeholders in `part` replaced (unused ones emptied)."""
    xml = members[part].decode("utf-8")
    xml = re.sub(
        r"\{\{(\w+)\}\}", lambda m: html.escape(values.get(m.group(1), ""), quote=False), xml
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, xml.encode("utf-8") if name == part else data)
        for name, data in extra.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def _table_rows(writer: _Writer, count: int, width: int = _XLSX_COLUMNS) -> list[list[str]]:
    """Rows of a sector's register (its first `width` columns): people and their identifiers."""
    rng, sector = writer.rng, writer.org.sector
    rows = []
    for _ in range(count):
        cells: dict[str, Callable[[], str]] = {
            "Name": lambda: writer.person(False),
            "Pupil": lambda: writer.value("child"),
            "Patient": lambda: writer.person(False),
            "Client": lambda: writer.person(False),
            "Parent": lambda: writer.person(False),
            "Date of birth": writer.dob,
            "Year": lambda: f"Year {rng.randint(1, 6)}",
            "Address": lambda: f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
            "Postcode": lambda: writer.plant("UK_POSTCODE", postcode(rng)),
            "Phone": lambda: writer.value("phone" if rng.random() < 0.5 else "mobile"),
            "Parent phone": lambda: writer.value("mobile"),
            "NHS number": lambda: writer.value("nhs"),
            "Email": writer.email,
            "Role": lambda: rng.choice(("Victim", "Witness", "Suspect")),
            "Clinic": lambda: rng.choice(("Memory", "Diabetes", "CMHT", "Falls")),
            "Status": lambda: rng.choice(("Open", "Closed", "Pending panel")),
            "Matter": lambda: writer.value("ref"),
        }
        rows.append([cells[column]() for column in SHEET_COLUMNS[sector][:width]])
        if sector == "school":
            writer.child = f"{rng.choice(CHILD_NAMES)} {rng.choice(SURNAMES)}"
    return rows


def _docx(templates: _Templates, writer: _Writer, image: bytes = b"") -> bytes:
    rng = writer.rng
    values = {"TITLE": rng.choice(DOCUMENT_TITLES[writer.org.sector])}
    for i, text in enumerate(writer.paragraphs(4, _DOCX_PARAGRAPHS)):
        values[f"P{i:02d}"] = text
    columns = SHEET_COLUMNS[writer.org.sector][:4]
    values.update({f"T00_{c}": name for c, name in enumerate(columns)})
    for r, row in enumerate(_table_rows(writer, rng.randint(2, _DOCX_ROWS - 1), 4), start=1):
        values.update({f"T{r:02d}_{c}": cell for c, cell in enumerate(row)})
    extra = {"word/media/image1.jpeg": image} if image else {}
    return _fill_zip(templates.docx, "word/document.xml", values, extra)


def _xlsx(templates: _Templates, writer: _Writer) -> bytes:
    columns = SHEET_COLUMNS[writer.org.sector]
    values = {f"H{c}": name for c, name in enumerate(columns)}
    for r, row in enumerate(_table_rows(writer, writer.rng.randint(5, _XLSX_ROWS))):
        values.update({f"R{r:02d}_{c}": cell for c, cell in enumerate(row)})
    return _fill_zip(templates.xlsx, "xl/sharedStrings.xml", values, {})


def _csv(writer: _Writer) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(SHEET_COLUMNS[writer.org.sector])
    out.writerows(_table_rows(writer, writer.rng.randint(5, 30)))
    return buffer.getvalue().encode("utf-8")


def pdf(pages: list[list[str]], image: bytes = b"") -> bytes:
    """A PDF with one Helvetica text line per entry of each page, and optionally a JPEG image.

    Written directly (text that pypdf and pdfminer extract); `image` is drawn on the
    first page as a scanned page would be.
    """
    objects: list[bytes] = [
        b"",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    image_ref = ""
    if image:
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width 2480 /Height 3508 /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
            % len(image)
            + image
            + b"\nendstream"
        )
        image_ref = f"/XObject << /Im1 {len(objects)} 0 R >>"
    for number, lines in enumerate(pages):
        commands = []
        if image and number == 0:
            commands.append("q 595 0 0 842 0 0 cm /Im1 Do Q")
        commands.append("BT /F1 10 Tf 13 TL 56 790 Td")
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            commands.append(f"({escaped}) Tj T*")
        commands.append("ET")
        stream = zlib.compress("\n".join(commands).encode("cp1252", "replace"))
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream"
        )
        content = len(objects)
        resources = f"<< /Font << /F1 3 0 R >> {image_ref if number == 0 else ''} >>"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {resources} "
            f"/Contents {content} 0 R >>".encode()
        )
        kids.append(f"{len(objects)} 0 R")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_letter(writer: _Writer, image: bytes = b"") -> bytes:
    rng = writer.rng
    lines = [
        writer.org.name,
        rng.choice(DOCUMENT_TITLES[writer.org.sector]),
        "",
        f"Date: {writer.date()}",
        f"Re: {writer.person()}, {writer.address()}",
        "",
    ]
    for text in writer.paragraphs(3, 12):
        lines += [*_wrap(writer, text, 95), ""]
    for row in _table_rows(writer, rng.randint(0, 8)):
        lines.append("   ".join(row))
    pages = [lines[i : i + 58] for i in range(0, len(lines), 58)]
    return pdf(pages, image)


def _jpeg(rng: random.Random, size: int) -> bytes:
    """Bytes shaped like a camera JPEG (incompressible, as one is)."""
    return b"\xff\xd8\xff\xe1" + rng.randbytes(size - 6) + b"\xff\xd9"


_DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
_XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _attachment(
    templates: _Templates, writer: _Writer, fmt: str
) -> tuple[bytes, tuple[str, str], str]:
    title = re.sub(r"[^A-Za-z0-9]+", "_", writer.rng.choice(DOCUMENT_TITLES[writer.org.sector]))
    name = f"{title.strip('_')}_{writer.surname}"
    if fmt == "docx":
        return _docx(templates, writer), _DOCX_TYPE, name + ".docx"
    if fmt == "xlsx":
        return _xlsx(templates, writer), _XLSX_TYPE, name + ".xlsx"
    if fmt == "csv":
        return _csv(writer), ("text", "csv"), name + ".csv"
    return _pdf_letter(writer), ("application", "pdf"), name + ".pdf"


# --- whole messages -----------------------------------------------------------------------


def _kinds(count: int, rng: random.Random) -> list[str]:
    """Exactly 70/20/10 (rounded), in a seeded order."""
    large = round(count * SHARES["large"])
    attachment = round(count * SHARES["attachment"])
    kinds = ["large"] * large + ["attachment"] * attachment
    kinds += ["text"] * (count - len(kinds))
    rng.shuffle(kinds)
    return kinds


def generate(count: int = 2000, seed: int = 1) -> Iterator[CorpusMessage]:
    """`count` messages, the same for the same seed, one at a time (large ones are MBs)."""
    rng = random.Random(seed)
    templates = _Templates()
    for index, kind in enumerate(_kinds(count, rng)):
        yield _message(index, kind, random.Random(rng.getrandbits(64)), templates)


def _message(index: int, kind: str, rng: random.Random, templates: _Templates) -> CorpusMessage:
    org = rng.choice(ORGANISATIONS)
    writer = _Writer(rng, org)
    sender = _party(writer, org.domain, rng.choice(org.roles))
    to = [_party(writer, rng.choice((org.domain, *org.partners)))]
    cc = [_party(writer, rng.choice(org.partners)) for _ in range(rng.choice((0, 0, 1, 2)))]
    if rng.random() < 0.15:  # a member of the public, at a free-mail address
        to[0] = _party(writer, rng.choice(FREEMAIL))

    attachments: list[tuple[bytes, tuple[str, str], str]] = []
    style = rng.choice(("plain", "alternative", "alternative", "html"))
    variant = style
    if kind == "text":
        paragraphs = writer.paragraphs(1, 5)
    elif kind == "attachment":
        paragraphs = [
            rng.choice(
                (
                    "Please find attached.",
                    "See attached, as discussed.",
                    "Attached for your records.",
                )
            ),
            *writer.paragraphs(0, 2),
        ]
        count = 1 if rng.random() < 0.75 else 2
        for _ in range(count):
            fmt = rng.choices(("docx", "xlsx", "pdf", "csv"), (4, 3, 4, 1))[0]
            attachments.append(_attachment(templates, writer, fmt))
        variant = "+".join(a[2].rsplit(".", 1)[1] for a in attachments)
    else:
        variant = rng.choices(("scanned-pdf", "photo", "docx-image", "long-body"), (4, 2, 2, 2))[0]
        size = rng.randint(1024 * 1024, 5 * 1024 * 1024)
        paragraphs = writer.paragraphs(1, 3)
        if variant == "scanned-pdf":
            attachments.append(
                (
                    _pdf_letter(writer, _jpeg(rng, size)),
                    ("application", "pdf"),
                    f"Scan_{index:05d}.pdf",
                )
            )
        elif variant == "photo":
            attachments.append((_jpeg(rng, size), ("image", "jpeg"), f"IMG_{index:04d}.jpg"))
        elif variant == "docx-image":
            attachments.append(
                (
                    _docx(templates, writer, _jpeg(rng, size)),
                    _DOCX_TYPE,
                    f"Report_{writer.surname}.docx",
                )
            )
        else:
            target = rng.randint(40_000, 100_000)
            while sum(len(p) for p in paragraphs) < target:
                paragraphs += writer.paragraphs(5, 10)

    recipient = to[0]
    text = _body_text(writer, sender, recipient, paragraphs)
    subject = writer.fill(rng.choice(SUBJECTS[org.sector]))
    if rng.random() < 0.3:
        subject = "RE: " + subject

    mail = EmailMessage(policy=SMTP)
    mail["From"] = f"{sender.name} <{sender.address}>"
    mail["To"] = ", ".join(f"{p.name} <{p.address}>" for p in to)
    if cc:
        mail["Cc"] = ", ".join(f"{p.name} <{p.address}>" for p in cc)
    mail["Subject"] = subject
    when = datetime(2025, 1, 6, 8, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 400_000))
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = make_msgid(f"{index}.{rng.getrandbits(32):x}", org.domain)
    if style == "html":
        mail.set_content(_html(text), subtype="html")
    else:
        mail.set_content(text)
        if style == "alternative":
            mail.add_alternative(_html(text), subtype="html")
    for data, (maintype, subtype), name in attachments:
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return CorpusMessage(
        index=index,
        kind=kind,
        variant=variant,
        raw=mail.as_bytes(),
        attachments=tuple(a[2] for a in attachments),
        planted=tuple(writer.planted),
    )


__all__ = ["IDENTIFIER_TYPES", "KINDS", "CorpusMessage", "Planted", "generate", "pdf"]
