"""Write the scenario corpus: one realistic, fictional message per scenario, same bytes each run.

    .venv/bin/python tests/scenarios/build_corpus.py

writes `tests/scenarios/messages/*.eml` and the demo set `demo/messages/`. Both
are committed so a reviewer can read them; the tests regenerate them into a
temporary folder and check that nothing changed.

Every person, pupil, school, force and case here is invented. The identifiers
are not: each passes its real check rule (NHS modulus 11, IBAN mod 97, Luhn,
the PNC check letter, valid Ofcom number ranges), so a recognizer that checks
properly must find them. Dates, Message-IDs, MIME boundaries, office-file
timestamps and zip entry times are all fixed, and nothing is random.

The one scenario not written here is the 30 MB attachment: `write_large_attachment`
builds it at test time, because 30 MB does not belong in the repository.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import struct
import sys
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MESSAGES_DIR = HERE / "messages"
DEMO_DIR = REPO / "demo" / "messages"

ZLIB_VERSION = "1.2.13"
"""The zlib the committed corpus was deflated with; another zlib may compress differently."""

POLICY = default.clone(linesep="\n", max_line_length=78)
FIXED_ZIP_TIME = (2025, 3, 10, 9, 0, 0)
FIXED_ISO = b"2025-03-10T09:00:00Z"
OFFICE_TIME = datetime(2025, 3, 10, 9, 0, 0)

# Domains. The scenario config makes the first four the organisation's own:
# one deployment guarding Northmoor's public services (force, council and its
# schools, hospital trust). Everyone else is outside.
POLICE = "northmoor.police.uk"
COUNCIL = "northmoor.gov.uk"
GREENFIELD = "greenfield.northmoor.sch.uk"
OAKWOOD = "oakwood.northmoor.sch.uk"
HOSPITAL = "northmoor-hospitals.nhs.uk"


# --- identifiers that pass their check rules -------------------------------------------------

NHS_MARGARET = "485 777 3457"  # modulus 11 valid
NHS_MIA = "943 476 5919"  # modulus 11 valid
IBAN_PAYEE = "GB82 WEST 1234 5698 7654 32"  # the standard valid GB example (mod 97)
IBAN_CLIENT = "GB29 NWBK 6016 1331 9268 19"  # valid; same bank as the sort code below
SORT_CODE = "60-16-13"
ACCOUNT = "31926819"
CARD = "4929 3847 1265 0181"  # Luhn valid Visa range


def pnc_id(year: str, serial: int) -> str:
    """A PNC ID `YY/NNNNNNNX` with its real check letter."""
    padded = f"{serial:07d}"
    return f"{year}/{padded}{'ZABCDEFGHJKLMNPQRTUVWXY'[int(year + padded) % 23]}"


PNC_GARSIDE = pnc_id("19", 384713)  # 19/0384713E


# --- office files, PDFs and archives, made reproducible ---------------------------------------


def reproducible_zip(data: bytes) -> bytes:
    """Rewrite a zip (DOCX, XLSX, PPTX, ODF) with fixed entry times and fixed document dates."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in ("docProps/core.xml", "meta.xml"):
                content = re.sub(
                    rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?", FIXED_ISO, content
                )
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            fixed.create_system = 3
            target.writestr(fixed, content)
    return out.getvalue()


def zip_of(members: Sequence[tuple[str, bytes]]) -> bytes:
    """A plain deflated zip of the members, with fixed times."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, content)
    return out.getvalue()


def docx(
    title: str,
    paragraphs: Sequence[str],
    table: Sequence[Sequence[str]] = (),
    after_table: Sequence[str] = (),
    author: str = "",
) -> bytes:
    """A Word document: a heading, paragraphs, an optional table, more paragraphs."""
    from docx import Document

    document = Document()
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = OFFICE_TIME
    props.revision = 1
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        grid.style = "Table Grid"
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    for text in after_table:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return reproducible_zip(out.getvalue())


def xlsx(sheets: Sequence[tuple[str, Sequence[Sequence[object]]]], author: str = "") -> bytes:
    """A workbook with one sheet per (title, rows)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = author
    workbook.properties.created = OFFICE_TIME
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"  # as a UK office would format them
    out = io.BytesIO()
    workbook.save(out)
    return reproducible_zip(out.getvalue())


def pptx(slides: Sequence[tuple[str, Sequence[str], str]], author: str = "") -> bytes:
    """A presentation: per slide a title, bullet lines and speaker notes."""
    from pptx import Presentation

    presentation = Presentation()
    props = presentation.core_properties
    props.author = props.last_modified_by = author
    props.created = props.modified = OFFICE_TIME
    props.revision = 1
    layout = presentation.slide_layouts[1]
    for title, bullets, notes in slides:
        slide = presentation.slides.add_slide(layout)
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = bullets[0]
        for line in bullets[1:]:
            body.add_paragraph().text = line
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    out = io.BytesIO()
    presentation.save(out)
    return reproducible_zip(out.getvalue())


def _forget_odf_namespaces() -> None:
    """odfpy declares every namespace any earlier document used (a class-level dict): reset it."""
    from odf.element import Element

    Element.namespaces.clear()


def odt(paragraphs: Sequence[str]) -> bytes:
    """An OpenDocument text: one paragraph per string."""
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    _forget_odf_namespaces()
    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    out = io.BytesIO()
    document.write(out)
    return reproducible_zip(out.getvalue())


def ods(title: str, rows: Sequence[Sequence[str]]) -> bytes:
    """An OpenDocument spreadsheet: one table of text cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    _forget_odf_namespaces()
    document = OpenDocumentSpreadsheet()
    table = Table(name=title)
    for values in rows:
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return reproducible_zip(out.getvalue())


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _page_stream(lines: Sequence[str]) -> bytes:
    ops = [b"BT", b"/F1 11 Tf", b"14 TL", b"56 786 Td"]
    for line in lines:
        ops.append(_pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


_PDF_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _md5(data: bytes) -> bytes:
    return hashlib.md5(data, usedforsecurity=False).digest()


class _StandardSecurity:
    """PDF standard security handler, revision 3 (RC4, 128-bit): PDF 1.7 §7.6.3, algorithms 2-5."""

    PERMISSIONS = -3904

    def __init__(self, user_password: str, owner_password: str, file_id: bytes) -> None:
        def padded(password: str) -> bytes:
            return (password.encode("latin-1") + _PDF_PAD)[:32]

        digest = _md5(padded(owner_password))
        for _ in range(50):
            digest = _md5(digest)
        owner_key = digest[:16]
        self.owner = _rc4(owner_key, padded(user_password))
        for i in range(1, 20):
            self.owner = _rc4(bytes(b ^ i for b in owner_key), self.owner)
        digest = _md5(
            padded(user_password) + self.owner + struct.pack("<i", self.PERMISSIONS) + file_id
        )
        for _ in range(50):
            digest = _md5(digest[:16])
        self.key = digest[:16]
        user = _rc4(self.key, _md5(_PDF_PAD + file_id))
        for i in range(1, 20):
            user = _rc4(bytes(b ^ i for b in self.key), user)
        self.user = user + bytes(16)

    def encrypt(self, number: int, data: bytes) -> bytes:
        key = _md5(self.key + number.to_bytes(3, "little") + b"\x00\x00")[:16]
        return _rc4(key, data)

    def dictionary(self) -> bytes:
        return b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O <%s> /U <%s> >>" % (
            self.PERMISSIONS,
            self.owner.hex().encode(),
            self.user.hex().encode(),
        )


def pdf(pages: Sequence[Sequence[str]], title: str = "", password: str = "") -> bytes:
    """A PDF with real, extractable text (Helvetica); with `password`, RC4-128 encrypted."""
    file_id = _md5(title.encode() + b"".join(line.encode() for page in pages for line in page))
    security = _StandardSecurity(password, password + "-owner", file_id) if password else None
    count = len(pages)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(count))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index, lines in enumerate(pages):
        number = 5 + 2 * index
        stream = _page_stream(lines)
        if security:
            stream = security.encrypt(number, stream)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % number
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    info_number = len(objects) + 1
    if security:
        objects.append(security.dictionary())
    else:
        objects.append(b"<< /Title %s /Producer (Northmoor EPR) >>" % _pdf_string(title))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    ident = b"<%s>" % file_id.hex().encode()
    extra = b"/Encrypt %d 0 R" % info_number if security else b"/Info %d 0 R" % info_number
    out += b"trailer\n<< /Size %d /Root 1 0 R %s /ID [%s %s] >>\n" % (
        len(objects) + 1,
        extra,
        ident,
        ident,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def rtf(paragraphs: Sequence[str]) -> bytes:
    """A hand-written RTF document (Word-like header, cp1252 escapes for non-ASCII)."""

    def escape(text: str) -> str:
        out = []
        for char in text:
            if char in "\\{}":
                out.append("\\" + char)
            elif ord(char) < 128:
                out.append(char)
            else:
                out.append(f"\\'{char.encode('cp1252')[0]:02x}")
        return "".join(out)

    body = "".join(f"\\pard\\sa120 {escape(p)}\\par\n" for p in paragraphs)
    return (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0\\nouicompat"
        "{\\fonttbl{\\f0\\fnil\\fcharset0 Arial;}}\n"
        "{\\*\\generator Riched20 10.0.19041}\\viewkind4\\uc1\n"
        "\\f0\\fs22\n" + body + "}\n"
    ).encode("ascii")


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


# --- messages ---------------------------------------------------------------------------------


def message(
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    date: str,
    message_id: str,
    body: str,
    cc: Sequence[str] = (),
    in_reply_to: str = "",
    mailer: str = "Microsoft Outlook 16.0",
) -> EmailMessage:
    msg = EmailMessage(policy=POLICY)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg["X-Mailer"] = mailer
    cte = "7bit" if body.isascii() else "quoted-printable"
    msg.set_content(body, cte=cte)
    return msg


def attach(msg: EmailMessage, data: bytes, filename: str, mimetype: str) -> None:
    maintype, subtype = mimetype.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)


def finish(msg: EmailMessage, name: str) -> bytes:
    """The message's bytes, with MIME boundaries named after the scenario (no randomness)."""
    for index, part in enumerate(msg.walk()):
        if part.get_content_maintype() == "multipart":
            part.set_boundary(f"----=_Part_{index}_{name}")
    return msg.as_bytes(policy=POLICY)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def police_wrong_recipient_race_hate() -> bytes:
    """The seed case: a reply about a member of the public's car carries a race-hate incident."""
    msg = message(
        sender=f"PC Sarah Whitfield <sarah.whitfield@{POLICE}>",
        to=["David Hughes <dave.hughes@example.net>"],
        subject="RE: Damage to my car on Holloway Road - ref MC/25/31877",
        date="Tue, 11 Mar 2025 16:05:12 +0000",
        message_id=f"<LO2P265MB4471A1B2C3D4E5F6@{POLICE}>",
        in_reply_to="<CAJ8h2k4q9HughesCarDamage@mail.example.net>",
        body="""\
Dear Mr Hughes,

Thank you for your email. Your report of damage to your Ford Focus, MA19 XKT,
on Holloway Road is still open under MC/25/31877 and I will contact you when
the CCTV enquiries are complete.

Please see the update below and the school's report attached.

Incident 06/118452/25 - racially aggravated harassment (malicious communications)

On Monday 3 March 2025 a Year 7 pupil at Greenfield Academy, Tyler Briggs (12),
sent a Snapchat message to Aisha Rahman (11), a Year 7 pupil at Oakwood High
School, using a racist slur and telling her to "go back to Pakistan". A second
Greenfield pupil, Kai Dempsey (12), shared a screenshot of the message with a
group chat of about thirty pupils. Aisha's mother reported it to us on
4 March. Both schools have been told and Greenfield Academy has sent us its own
report, which is attached.

I will update you again once the officer in the case has spoken to both
families.

Kind regards

PC Sarah Whitfield 4471
Neighbourhood Policing Team, Northmoor South
Northmoor Police
""",
    )
    report = docx(
        "Greenfield Academy - Prejudice-Related Incident Report",
        [
            "Incident reference: GA-PRI-2025-014",
            "Date of incident: Monday 3 March 2025, about 19:40",
            "Recorded by: Mrs Helen Cartwright, Designated Safeguarding Lead",
            "Pupils involved:",
        ],
        table=[
            ["Pupil", "Year", "Date of birth", "School", "Involvement"],
            ["Tyler Briggs", "7", "14/09/2012", "Greenfield Academy", "Sent the message"],
            ["Kai Dempsey", "7", "21/01/2013", "Greenfield Academy", "Shared a screenshot"],
            ["Aisha Rahman", "7", "30/06/2013", "Oakwood High School", "Targeted"],
        ],
        after_table=[
            "Summary: Tyler sent Aisha a Snapchat message calling her a racist name and "
            'telling her to "go back to Pakistan where you belong". The message also mocked '
            "her hijab. Kai took a screenshot and posted it to the Year 7 group chat, which "
            "has about thirty members.",
            "Aisha is of Pakistani heritage and is Muslim. Her mother, Mrs Nadia Rahman, "
            "reported the message to Oakwood High School and to Northmoor Police on 4 March.",
            "Tyler has an Education, Health and Care plan for ADHD and was seen by CAMHS in "
            "January. Kai has no previous incidents recorded.",
            "Actions: both Greenfield pupils were interviewed with a parent present on "
            "5 March. Tyler has a two-day suspension; Kai an internal exclusion. A restorative "
            "meeting has been offered to the Rahman family. Logged as a racist incident.",
            "Parent contact: Mr Gary Briggs, 07912 384617, 27 Ashby Road, Northmoor OL9 6LJ.",
        ],
        author="Helen Cartwright",
    )
    attach(msg, report, "GA_prejudice_incident_report.docx", DOCX)
    return finish(msg, "police_wrong_recipient_race_hate")


def school_safeguarding_referral_docx() -> bytes:
    """A school's referral to the council's front door (internal) with CAMHS copied (outside)."""
    msg = message(
        sender=f"Joanne Price <j.price@{GREENFIELD}>",
        to=[f"Northmoor MASH <mash@{COUNCIL}>"],
        cc=["CAMHS Referrals <camhs.referrals@nhs.net>"],
        subject="Safeguarding referral - Year 5 pupil - URGENT",
        date="Wed, 12 Mar 2025 09:47:30 +0000",
        message_id=f"<20250312094730.DSL0031@{GREENFIELD}>",
        body="""\
Good morning,

Please find attached a safeguarding referral for one of our Year 5 pupils
following a disclosure this morning. I have spoken to the duty social worker
by phone and they asked me to send the form in writing.

Many thanks

Joanne Price
Designated Safeguarding Lead, Greenfield Primary School
""",
    )
    form = docx(
        "Multi-Agency Referral Form",
        [
            "Child's name: Mia Kowalczyk",
            "Date of birth: 08/11/2014    Year group: Year 5",
            f"NHS number: {NHS_MIA}",
            "Address: 14 Larch Close, Northmoor SK4 3HQ",
            "Mother: Agnieszka Kowalczyk, 07781 452390",
            "Reason for referral: At 08:50 Mia told her class teacher that her mother's "
            "boyfriend, Craig Benson, hit her with a belt on Sunday night. Two linear bruises "
            "were seen on her upper arm. Mia said she is frightened to go home.",
            "Her mother has been treated for depression and has told staff she is "
            "drinking heavily. Mia is Catholic and attends St Anne's Church with her "
            "grandmother, whom she names as a safe adult.",
            "Immediate action: Mia is in school and will stay with the DSL until social "
            "care advise.",
        ],
        author="Joanne Price",
    )
    attach(msg, form, "MARF_Mia_Kowalczyk.docx", DOCX)
    return finish(msg, "school_safeguarding_referral_docx")


def nhs_discharge_summary_pdf() -> bytes:
    """A discharge summary meant for the GP goes to a personal address picked by autocomplete."""
    msg = message(
        sender=f"Ward 12 Discharge Team <ward12.discharges@{HOSPITAL}>",
        to=["J Patel <j.patel@example.com>"],
        cc=[f"Ward 12 Discharge Team <ward12.discharges@{HOSPITAL}>"],
        subject="Discharge summary - Ward 12 - 10/03/2025",
        date="Mon, 10 Mar 2025 17:22:41 +0000",
        message_id=f"<d7f3e2a1.W12.20250310172241@{HOSPITAL}>",
        body="""\
Dear Dr Patel,

Please find attached the discharge summary for your patient, discharged from
Ward 12 today.

Ward 12 Discharge Team
Northmoor Hospitals NHS Foundation Trust
""",
    )
    summary = pdf(
        [
            [
                "Northmoor Hospitals NHS Foundation Trust - Discharge Summary",
                "",
                "Patient: Margaret Ellison",
                "Date of birth: 22/07/1948",
                f"NHS number: {NHS_MARGARET}",
                "Address: 9 Moorside Terrace, Northmoor M20 2RN",
                "Admitted: 02/03/2025   Discharged: 10/03/2025   Ward 12 (Respiratory)",
                "Consultant: Dr R. Okafor",
            ],
            [
                "Diagnoses",
                "1. Community-acquired pneumonia, treated with IV co-amoxiclav.",
                "2. Type 2 diabetes mellitus, poorly controlled on admission.",
                "3. Background of recurrent depression; seen by liaison psychiatry 05/03/2025.",
                "Medication on discharge: metformin 500 mg twice daily, sertraline 100 mg daily.",
                "Follow-up: GP review of blood glucose in two weeks.",
            ],
        ],
        title="Discharge summary",
    )
    attach(msg, summary, "Discharge_Summary_Ellison_M.pdf", "application/pdf")
    return finish(msg, "nhs_discharge_summary_pdf")


def solicitor_client_bank_details() -> bytes:
    """The council's solicitor sends a claimant's bank and card details to the other side's firm."""
    msg = message(
        sender=f"Rachel Osei <rachel.osei@{COUNCIL}>",
        to=["Brackenhurst Solicitors <claims@brackenhurst-solicitors.example.com>"],
        subject="Settlement - Doyle v Northmoor Council - payment details",
        date="Thu, 13 Mar 2025 11:15:03 +0000",
        message_id=f"<AM9P191MB1322.Osei.Doyle@{COUNCIL}>",
        body=f"""\
Dear Sirs,

Further to the agreed settlement of your client's claim, we will pay the sum of
£4,250.00 on Friday 21 March.

Your client, Mr Nathan Doyle, has asked that the damages be paid directly to his
own account rather than to your client account:

    Account name: N J Doyle
    Sort code: {SORT_CODE}
    Account number: {ACCOUNT}
    IBAN: {IBAN_CLIENT}

The refund of his court fee will go back to the card he paid with,
{CARD}, and the interest to his sister's account abroad,
IBAN {IBAN_PAYEE}.

Yours faithfully

Rachel Osei
Solicitor, Legal Services
Northmoor Council
""",
    )
    return finish(msg, "solicitor_client_bank_details")


def council_housing_benefit_xlsx() -> bytes:
    """A housing benefit schedule with tenants' NINOs and birth dates, sent to a letting agent."""
    msg = message(
        sender=f"Benefits Team <benefits@{COUNCIL}>",
        to=["Accounts <accounts@moorview-lettings.example.co.uk>"],
        subject="Direct payments schedule - March 2025",
        date="Fri, 14 Mar 2025 10:02:55 +0000",
        message_id=f"<HB.DP.202503.0041@{COUNCIL}>",
        body="""\
Hello,

Attached is the schedule of housing benefit paid directly to you as landlord
for March. Please check it against your rent accounts.

Regards

Benefits Team
Northmoor Council
""",
    )
    workbook = xlsx(
        [
            (
                "HB awards",
                [
                    ["Tenant", "Date of birth", "NI number", "Property", "Postcode", "Weekly £"],
                    [
                        "Lorraine Tipping",
                        date(1979, 4, 3),
                        "JH 68 48 20 B",
                        "Flat 2, 41 Mill Lane",
                        "OL9 7QR",
                        112.5,
                    ],
                    [
                        "Stephen Ashworth",
                        date(1962, 11, 17),
                        "NP 52 01 73 D",
                        "6 Kestrel Way",
                        "M40 8WN",
                        98.75,
                    ],
                    [
                        "Farah Siddiqui",
                        date(1991, 1, 29),
                        "CE 44 19 87 A",
                        "113 Union Street",
                        "OL1 1DE",
                        134.0,
                    ],
                ],
            ),
            ("Notes", [["Awards reviewed 12/03/2025. Two tenants in arrears."]]),
        ],
        author="Benefits Team",
    )
    attach(msg, workbook, "HB_direct_payments_March_2025.xlsx", XLSX)
    return finish(msg, "council_housing_benefit_xlsx")


def police_pnc_record_official_sensitive() -> bytes:
    """A PNC print, marked OFFICIAL-SENSITIVE, sent to an insurer's claims handler."""
    msg = message(
        sender=f"PC Owen Lacey <owen.lacey@{POLICE}>",
        to=["Claims Handler <motorclaims@kestrel-insurance.example.com>"],
        cc=[f"Roads Policing Admin <rpu.admin@{POLICE}>"],
        subject="OFFICIAL-SENSITIVE: PNC check - collision 06/092771/25",
        date="Mon, 17 Mar 2025 14:48:19 +0000",
        message_id=f"<RPU.20250317144819.4402@{POLICE}>",
        body=f"""\
OFFICIAL-SENSITIVE

Hi,

As discussed on the phone, the other driver in the collision on the A627 on
9 March is Liam Garside, date of birth 05/06/1990.

PNC ID: {PNC_GARSIDE}
Driving licence: GARSI906050L99KT
Vehicle: blue Vauxhall Corsa, YC68 RWO
Crime reference: 06/092771/25

PNC shows he was convicted of drink driving in 2019 (12-month ban) and
cautioned for possession of cannabis in 2021. He was arrested at the scene on
suspicion of driving without insurance.

Regards

PC Owen Lacey 4402
Roads Policing Unit
""",
    )
    return finish(msg, "police_pnc_record_official_sensitive")


def council_pptx_case_review() -> bytes:
    """Slides for a child safeguarding practice review, real names in the slides and the notes."""
    msg = message(
        sender=f"Priya Nair <priya.nair@{COUNCIL}>",
        to=["Independent Reviewer <reviews@hollins-safeguarding.example.org>"],
        cc=[f"Safeguarding Partnership <partnership@{COUNCIL}>"],
        subject="Slides for Thursday's practice review panel",
        date="Tue, 18 Mar 2025 08:30:00 +0000",
        message_id=f"<CSPR.2025.03.Nair@{COUNCIL}>",
        body="""\
Hi,

Here are the slides for Thursday's panel. The speaker notes have the
chronology.

Thanks

Priya Nair
Safeguarding Partnership Business Manager
""",
    )
    deck = pptx(
        [
            (
                "Practice review: Ruby Thornton (aged 4)",
                [
                    "Referred by the health visitor in October 2024",
                    "Three contacts to the front door in six months",
                ],
                "Ruby's date of birth is 19/06/2020. NHS number 485 777 3457.",
            ),
            (
                "Family",
                [
                    "Mother: Chloe Thornton - history of heroin use and depression",
                    "Father: Dean Walsh - on bail for assault occasioning actual bodily harm",
                ],
                "Chloe was under the community mental health team until August 2024.",
            ),
            (
                "Learning",
                ["Information was not shared between health and police in time"],
                "",
            ),
        ],
        author="Priya Nair",
    )
    attach(msg, deck, "CSPR_panel_20March.pptx", PPTX)
    return finish(msg, "council_pptx_case_review")


def school_odt_ods_attendance() -> bytes:
    """An attendance letter (ODT) and register extract (ODS) sent to an outside provider."""
    msg = message(
        sender=f"Attendance Office <attendance@{OAKWOOD}>",
        to=["Admissions <admissions@brightpath-ap.example.org>"],
        cc=[f"Education Welfare <ews@{COUNCIL}>"],
        subject="Attendance concerns - pupils starting with you after Easter",
        date="Wed, 19 Mar 2025 13:12:44 +0000",
        message_id=f"<ATT.2025.0319.0007@{OAKWOOD}>",
        mailer="LibreOffice",
        body="""\
Hello,

Ahead of the placements starting after Easter, here is our letter and the
attendance extract for the three pupils.

Attendance Office
Oakwood High School
""",
    )
    letter = odt(
        [
            "Oakwood High School - Attendance",
            "Re: Ethan Marsh, Year 9, date of birth 11/02/2011",
            "Ethan's attendance this year is 71%. Most absences are recorded as medical: "
            "he has Crohn's disease and was in hospital in January.",
            "His father, Mr Lee Marsh, has been warned about a penalty notice.",
        ]
    )
    register = ods(
        "Attendance",
        [
            ["Pupil", "Year", "Date of birth", "Attendance", "Notes"],
            ["Ethan Marsh", "9", "11/02/2011", "71%", "Medical - Crohn's disease"],
            ["Sofia Lindqvist", "9", "24/07/2010", "83%", "Anxiety; school refusal"],
            ["Yusuf Demir", "9", "02/12/2010", "88%", "Religious observance (Eid)"],
        ],
    )
    attach(msg, letter, "Attendance_letter_Ethan_Marsh.odt", ODT)
    attach(msg, register, "Attendance_extract_Y9.ods", ODS)
    return finish(msg, "school_odt_ods_attendance")


def rtf_witness_statement() -> bytes:
    """An unredacted witness statement (RTF) sent to the defence: home address, phone and DOB."""
    msg = message(
        sender=f"Case Files <casefiles@{POLICE}>",
        to=["Defence <office@carver-defence.example.co.uk>"],
        subject="R v Holt - statement of witness",
        date="Thu, 20 Mar 2025 15:40:09 +0000",
        message_id=f"<CF.20250320.154009.0219@{POLICE}>",
        body="""\
Please see attached the statement of the witness as requested.

Case Files Unit
""",
    )
    statement = rtf(
        [
            "WITNESS STATEMENT (CJ Act 1967, s.9; MC Rules 1981, r.70)",
            "Statement of: Bethan Lloyd-Hughes    Age: over 18",
            "Date of birth: 14/08/1987",
            "Home address: 52 Clover Street, Northmoor OL4 2AX",
            "Telephone: 07845 219036",
            "On Saturday 1 March 2025 at about 23:15 I was outside the Crown and Anchor "
            "when I saw a man I know as Jordan Holt punch another man, Mehmet Yilmaz, twice "
            "in the face. Mr Yilmaz fell and hit his head on the kerb.",
            "I am willing to attend court. I am 28 weeks pregnant and would prefer to give "
            "evidence by video link.",
        ]
    )
    attach(msg, statement, "MG11_Lloyd-Hughes.rtf", "application/rtf")
    return finish(msg, "rtf_witness_statement")


def csv_pupil_list() -> bytes:
    """A pupil list with ethnicity and SEN columns sent to a coach company for a trip."""
    msg = message(
        sender=f"School Office <office@{GREENFIELD}>",
        to=["Bookings <bookings@moorland-coaches.example.co.uk>"],
        subject="Year 6 trip to Chester Zoo - passenger list",
        date="Fri, 21 Mar 2025 12:05:31 +0000",
        message_id=f"<OFFICE.Y6TRIP.20250321@{GREENFIELD}>",
        body="""\
Hi,

As requested, the passenger list for the Year 6 trip on 4 April is attached.

Thanks

School Office
Greenfield Primary School
""",
    )
    pupils = csv_bytes(
        [
            ["Surname", "Forename", "DOB", "Class", "Ethnicity", "SEN", "Medical"],
            ["Okoro", "Daniel", "15/10/2013", "6K", "Black African", "None", ""],
            ["Hussain", "Zara", "03/03/2014", "6K", "Asian Pakistani", "None", "Asthma - inhaler"],
            ["Whitaker", "Alfie", "27/05/2014", "6K", "White British", "EHCP - autism", ""],
            ["Nowak", "Lena", "09/12/2013", "6P", "White Polish", "None", "Epilepsy"],
        ]
    )
    attach(msg, pupils, "Y6_trip_passengers.csv", "text/csv")
    return finish(msg, "csv_pupil_list")


def forwarded_message_with_attachment() -> bytes:
    """A GP's letter, forwarded as an attached message, its DOCX nested one level down."""
    inner = message(
        sender="Dr Alan Reeve <alan.reeve@ashgrove-surgery.example.org>",
        to=[f"Adult Social Care <asc@{COUNCIL}>"],
        subject="Care needs assessment - request",
        date="Mon, 24 Mar 2025 09:12:00 +0000",
        message_id="<ASHGROVE.20250324.0912@ashgrove-surgery.example.org>",
        body="""\
Dear colleagues,

Please see my letter attached about Mrs Patricia Nolan, who is struggling at
home since her fall.

Dr Alan Reeve
Ashgrove Surgery
""",
    )
    letter = docx(
        "Request for care needs assessment",
        [
            "Patient: Mrs Patricia Nolan, date of birth 02/09/1941",
            f"NHS number: {NHS_MIA}",
            "Mrs Nolan has vascular dementia and fell twice in February. She lives alone "
            "and her son has power of attorney.",
        ],
        author="Alan Reeve",
    )
    attach(inner, letter, "Nolan_P_care_assessment_request.docx", DOCX)
    msg = message(
        sender=f"Kerry Dunn <kerry.dunn@{COUNCIL}>",
        to=["Homecare Rota <rota@caring-hands.example.co.uk>"],
        subject="FW: Care needs assessment - request",
        date="Mon, 24 Mar 2025 11:40:27 +0000",
        message_id=f"<ASC.FW.20250324.1140@{COUNCIL}>",
        body="""\
Hi,

Forwarding the GP's request below - can you pencil in a first visit this week?

Kerry Dunn
Adult Social Care
""",
    )
    msg.add_attachment(inner, disposition="attachment", filename="Care needs assessment.eml")
    return finish(msg, "forwarded_message_with_attachment")


def zip_of_referrals() -> bytes:
    """Early help referrals zipped together and sent to a charity."""
    ellie = docx(
        "Early Help Referral",
        [
            "Child: Ellie Watts, date of birth 17/04/2016, Year 4",
            "Address: 3 Heather Bank, Northmoor OL2 8PP",
            "Parent: Donna Watts, 07912 384617",
            "Concerns: Ellie is a young carer for her mother, who has multiple sclerosis. "
            "Attendance has fallen to 84% this term.",
        ],
        author="Early Help Team",
    )
    jack = docx(
        "Early Help Referral",
        [
            "Child: Jack Morrow, date of birth 30/10/2012, Year 7",
            "Address: 88 Castle Street, Northmoor OL1 3HS",
            "Concerns: Jack's father is in prison for burglary. Jack has been excluded "
            "twice this year and has told staff he self-harms.",
        ],
        author="Early Help Team",
    )
    bundle = zip_of([("referral_Ellie_Watts.docx", ellie), ("referral_Jack_Morrow.docx", jack)])
    msg = message(
        sender=f"Early Help Team <earlyhelp@{COUNCIL}>",
        to=["Referrals <referrals@northmoor-family-trust.example.org>"],
        subject="Referrals for the spring mentoring programme",
        date="Tue, 25 Mar 2025 10:20:00 +0000",
        message_id=f"<EH.ZIP.20250325.1020@{COUNCIL}>",
        body="""\
Hello,

Two referrals for the mentoring programme are in the attached zip.

Early Help Team
Northmoor Council
""",
    )
    attach(msg, bundle, "referrals_march.zip", "application/zip")
    return finish(msg, "zip_of_referrals")


def clean_meeting_invite() -> bytes:
    """An internal team meeting invite: nothing personal, every recipient internal."""
    msg = message(
        sender=f"Insp Mark Dalton <mark.dalton@{POLICE}>",
        to=[f"NPT Northmoor South <npt.south@{POLICE}>"],
        cc=[f"Sgt Claire Fenwick <claire.fenwick@{POLICE}>"],
        subject="Team meeting moved to Thursday 10:00",
        date="Wed, 26 Mar 2025 08:05:00 +0000",
        message_id=f"<NPT.MEET.20250326@{POLICE}>",
        body="""\
Hi all,

This week's team meeting has moved to Thursday at 10:00 in Conference Room 2
at headquarters.

Agenda: the summer events rota, the new radios, and the station car park
resurfacing.

Thanks

Mark
""",
    )
    invite = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0//EN\r\n"
        "METHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:npt-south-weekly-20250327\r\n"
        "DTSTAMP:20250326T080500Z\r\nDTSTART:20250327T100000Z\r\nDTEND:20250327T110000Z\r\n"
        "SUMMARY:NPT team meeting\r\nLOCATION:Conference Room 2\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    msg.add_attachment(
        invite, subtype="calendar", filename="invite.ics", params={"method": "REQUEST"}
    )
    return finish(msg, "clean_meeting_invite")


# --- hostile and broken messages (hand-written bytes, where the email package would tidy up) ---


def malformed_mime_missing_boundary() -> bytes:
    """A multipart message whose Content-Type has no boundary: the parts are still there in text."""
    return f"""\
From: Housing Officer <housing@{COUNCIL}>
To: Repairs Contractor <jobs@fixright-repairs.example.co.uk>
Subject: Tenant details for Monday's repair
Date: Thu, 27 Mar 2025 16:30:00 +0000
Message-ID: <HSG.REPAIR.20250327@{COUNCIL}>
MIME-Version: 1.0
Content-Type: multipart/mixed

This is a multi-part message in MIME format.

--_000_HSGREPAIR_
Content-Type: text/plain; charset="us-ascii"

Hi,

The tenant at 41 Mill Lane, OL9 7QR is Lorraine Tipping (NI number
JH 68 48 20 B). She is registered blind, so please call her on 07781 452390
before you arrive.

Housing Officer
--_000_HSGREPAIR_--
""".encode()


def bad_base64() -> bytes:
    """A body in base64 with stray characters and no padding, and a DOCX cut off half way."""
    body = """\
Hi,

Following our call, the client is Stephen Ashworth, NI number NP 52 01 73 D,
date of birth 17/11/1962. His diagnosis of COPD is in the report attached.

Welfare Rights Team
"""
    encoded = base64.b64encode(body.encode()).decode().rstrip("=")
    lines = [encoded[i : i + 60] for i in range(0, len(encoded), 60)]
    lines[1] = lines[1][:20] + "!*" + lines[1][20:]  # characters outside the alphabet
    report = docx(
        "Welfare benefits assessment",
        [
            "Client: Stephen Ashworth, NI number NP 52 01 73 D",
            "Medical evidence: COPD (GOLD stage 3) and type 2 diabetes.",
        ],
        author="Welfare Rights Team",
    )
    attachment = base64.b64encode(report).decode()
    attachment = attachment[: len(attachment) // 2]
    attachment_lines = [attachment[i : i + 76] for i in range(0, len(attachment), 76)]
    return (
        f"""\
From: Welfare Rights <welfare.rights@{COUNCIL}>
To: Appeals <appeals@benefit-advice.example.org>
Subject: PIP appeal - client details
Date: Fri, 28 Mar 2025 09:00:00 +0000
Message-ID: <WR.PIP.20250328@{COUNCIL}>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b64-broken"

--b64-broken
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

"""
        + "\n".join(lines)
        + """

--b64-broken
Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;
 name="Ashworth_assessment.docx"
Content-Disposition: attachment; filename="Ashworth_assessment.docx"
Content-Transfer-Encoding: base64

"""
        + "\n".join(attachment_lines)
        + "\n--b64-broken--\n"
    ).encode()


def unknown_charset_8bit_headers() -> bytes:
    """Windows-1252 text declared as an unknown charset, and raw 8-bit bytes in the headers."""
    headers = (
        "From: Siân Prichard <sian.prichard@" + OAKWOOD + ">\n"
        "To: Parent Partnership <sendiass@parents-voice.example.org>\n"
        "Subject: Zoë’s EHCP review – 3 April\n"
        "Date: Mon, 31 Mar 2025 14:14:14 +0100\n"
        "Message-ID: <SEN.EHCP.20250331@" + OAKWOOD + ">\n"
        "MIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="x-windows-pre-2000"\n'
        "Content-Transfer-Encoding: 8bit\n\n"
    ).encode("cp1252")
    body = (
        "Dear colleague,\n\n"
        "Zoë Ashworth (date of birth 12/02/2016, NHS number 943 476 5919) has an EHCP "
        "for autism and a speech and language disorder. Her mother, Mrs Renée Ashworth, "
        "would like an advocate at the annual review on 3 April.\n\n"
        "Siân Prichard\nSENCo, Oakwood High School\n"
    ).encode("cp1252")
    return headers + body


def zip_bomb() -> bytes:
    """A zip holding a zip of members that each inflate a thousandfold: small on disk."""
    layer = zip_of([(f"statement_{i:02d}.txt", b"\0" * (20 * 1024 * 1024)) for i in range(4)])
    bundle = zip_of([("bundle_part1.zip", layer)])
    msg = message(
        sender=f"Disclosure Unit <disclosure@{POLICE}>",
        to=["Defence <office@carver-defence.example.co.uk>"],
        subject="R v Holt - unused material bundle",
        date="Tue, 1 Apr 2025 10:00:00 +0100",
        message_id=f"<DISC.20250401.1000@{POLICE}>",
        body="""\
Please find the unused material attached.

The defendant's PNC ID is 19/0384713E and his NI number is CE 44 19 87 A.

Disclosure Unit
""",
    )
    attach(msg, bundle, "unused_material.zip", "application/zip")
    return finish(msg, "zip_bomb")


def billion_laughs_docx() -> bytes:
    """A DOCX whose document.xml expands nine levels of nested entities (the billion laughs)."""
    good = docx("Minutes", ["placeholder"], author="Clerk")
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    ]
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        "<!DOCTYPE w:document [\n " + "\n ".join(entities) + "\n]>\n"
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    source = zipfile.ZipFile(io.BytesIO(good))
    members = [
        (info.filename, document if info.filename == "word/document.xml" else source.read(info))
        for info in source.infolist()
    ]
    hostile = zip_of(members)
    msg = message(
        sender=f"Committee Clerk <clerk@{COUNCIL}>",
        to=["Press Desk <news@northmoor-gazette.example.co.uk>"],
        subject="Minutes of the licensing sub-committee",
        date="Wed, 2 Apr 2025 16:45:00 +0100",
        message_id=f"<CLERK.MIN.20250402@{COUNCIL}>",
        body="""\
Good afternoon,

The published minutes are attached. Any queries to the clerk on 0161 480 2277.

Committee Clerk
""",
    )
    attach(msg, hostile, "licensing_minutes.docx", DOCX)
    return finish(msg, "billion_laughs_docx")


def encrypted_pdf() -> bytes:
    """A password-protected payslip: it cannot be read, and that must be said, not ignored."""
    payslip = pdf(
        [
            [
                "Northmoor Council - Payslip March 2025",
                "Employee: Gareth Pryce   Payroll number 0041877",
                "NI number: JH 68 48 20 B",
                f"Net pay £2,184.30 to sort code {SORT_CODE} account {ACCOUNT}",
            ]
        ],
        title="Payslip",
        password="14031986",
    )
    msg = message(
        sender=f"Payroll <payroll@{COUNCIL}>",
        to=["Gareth Pryce <gpryce1986@example.net>"],
        subject="Your payslip for March 2025",
        date="Fri, 28 Mar 2025 07:00:00 +0000",
        message_id=f"<PAY.202503.0041877@{COUNCIL}>",
        body="""\
Your payslip for March 2025 is attached. The password is your date of birth
as DDMMYYYY.

Payroll Services
Northmoor Council
""",
    )
    attach(msg, payslip, "Payslip_March_2025.pdf", "application/pdf")
    return finish(msg, "encrypted_pdf")


def many_recipients_500() -> bytes:
    """A clinic newsletter to 500 patients in To, not Bcc: the list itself is health data."""
    recipients = [f"patient{i:03d}@example.org" for i in range(1, 501)]
    msg = message(
        sender=f"Sexual Health Clinic <sexualhealth@{HOSPITAL}>",
        to=recipients,
        subject="Clinic newsletter - spring 2025",
        date="Thu, 3 Apr 2025 12:00:00 +0100",
        message_id=f"<SHC.NEWS.2025SPRING@{HOSPITAL}>",
        body="""\
Dear patient,

As someone who receives HIV care from the Northmoor Sexual Health Clinic, you
are invited to our spring peer support evening on 24 April. Our PrEP and
antiretroviral clinics are moving to the Moorside Centre from May.

Sexual Health Clinic
Northmoor Hospitals NHS Foundation Trust
""",
    )
    return finish(msg, "many_recipients_500")


# --- Outlook .msg, built with the extract tests' MS-OXMSG writer ---------------------------------


def _msg_builder() -> ModuleType:
    """tests/extract/msg_builder.py: writes .msg files with extract-msg's OLE writer."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.extract import msg_builder

    return msg_builder


def outlook_msg_attached_to_email() -> bytes:
    """A saved Outlook message (.msg) attached to an e-mail; its DOCX minutes one level down."""
    builder = _msg_builder()
    minutes = docx(
        "Initial Child Protection Conference - minutes",
        [
            "Child: Leo Fairbanks, date of birth 23/05/2018, aged 6",
            f"NHS number: {NHS_MIA}",
            "Mother: Gemma Fairbanks. Father: Ryan Fairbanks, who was convicted of assault "
            "in 2022 and is subject to a restraining order.",
            "Gemma has bipolar disorder and was admitted to Moorside Unit in December.",
            "Decision: Leo is subject to a child protection plan under the category of neglect.",
        ],
        author="Conference Chair",
    )
    saved = builder.build_msg(
        builder.MsgSpec(
            subject="ICPC minutes - Leo Fairbanks",
            body=(
                "Hi all,\r\n\r\nThe minutes of today's conference for Leo Fairbanks are "
                "attached. Please check the actions for your agency.\r\n\r\nConference Chair\r\n"
            ),
            sender_name="Conference Chair",
            sender_address=f"cp.chair@{COUNCIL}",
            recipients=[("to", "Core group", f"coregroup.fairbanks@{COUNCIL}")],
            message_id=f"<ICPC.20250402.Fairbanks@{COUNCIL}>",
            sent=datetime(2025, 4, 2, 15, 30, tzinfo=UTC),
            attachments=[builder.Attachment("ICPC_minutes_Leo_Fairbanks.docx", minutes, DOCX)],
        )
    )
    msg = message(
        sender=f"Dan Whitcombe <dan.whitcombe@{COUNCIL}>",
        to=["Family Law Team <family@ashby-mercer.example.co.uk>"],
        subject="FW: ICPC minutes",
        date="Thu, 3 Apr 2025 09:10:00 +0100",
        message_id=f"<CSC.FW.20250403.0910@{COUNCIL}>",
        body="""\
Hello,

As requested, the conference minutes are attached for your client.

Dan Whitcombe
Social Worker, Children's Services
""",
    )
    attach(msg, saved, "ICPC minutes.msg", "application/vnd.ms-outlook")
    return finish(msg, "outlook_msg_attached_to_email")


def outlook_saved_message() -> bytes:
    """An Outlook .msg file as saved from the mailbox: a victim's new address to the defence."""
    builder = _msg_builder()
    return builder.build_msg(
        builder.MsgSpec(
            subject="Bail conditions - Marcus Tate",
            body=(
                "Good afternoon,\r\n\r\nFurther to your client's bail hearing, the victim in "
                "the domestic abuse case 06/204418/25, Ms Kirsty Lowe, has moved to "
                "14 Heron Court, Northmoor OL8 4RB. Her new mobile number is 07845 219036. "
                "Your client must not contact her directly or indirectly.\r\n\r\n"
                "Regards\r\n\r\nDC Amira Hassan\r\nPublic Protection Unit\r\n"
            ),
            sender_name="DC Amira Hassan",
            sender_address=f"amira.hassan@{POLICE}",
            recipients=[("to", "Harlow Defence", "enquiries@harlow-defence.example.co.uk")],
            message_id=f"<PPU.20250404.1405.Hassan@{POLICE}>",
            sent=datetime(2025, 4, 4, 14, 5, tzinfo=UTC),
        )
    )


SCENARIOS: dict[str, Callable[[], bytes]] = {
    builder.__name__: builder
    for builder in (
        police_wrong_recipient_race_hate,
        school_safeguarding_referral_docx,
        nhs_discharge_summary_pdf,
        solicitor_client_bank_details,
        council_housing_benefit_xlsx,
        police_pnc_record_official_sensitive,
        council_pptx_case_review,
        school_odt_ods_attendance,
        rtf_witness_statement,
        csv_pupil_list,
        forwarded_message_with_attachment,
        zip_of_referrals,
        clean_meeting_invite,
        malformed_mime_missing_boundary,
        bad_base64,
        unknown_charset_8bit_headers,
        zip_bomb,
        billion_laughs_docx,
        encrypted_pdf,
        many_recipients_500,
        outlook_msg_attached_to_email,
        outlook_saved_message,
    )
}
"""Scenario name → its builder; the file is `messages/<name>.eml` (or `.msg`, see `filename`)."""

OUTLOOK_FILES = frozenset({"outlook_saved_message"})
"""Scenarios that are Outlook .msg files rather than RFC 5322 messages."""


def filename(name: str) -> str:
    """The scenario's file name in messages/."""
    return f"{name}.msg" if name in OUTLOOK_FILES else f"{name}.eml"


DEMO = (
    "police_wrong_recipient_race_hate",
    "nhs_discharge_summary_pdf",
    "school_safeguarding_referral_docx",
    "police_pnc_record_official_sensitive",
    "zip_of_referrals",
    "encrypted_pdf",
    "zip_bomb",
    "clean_meeting_invite",
)
"""The demo set in the order it tells the story: the seed case first, a clean message last."""


def demo_name(index: int, name: str) -> str:
    return f"{index + 1:02d}_{filename(name)}"


# --- the 30 MB attachment, built at test time -------------------------------------------------

LARGE_TAIL_NHS = NHS_MARGARET
LARGE_TAIL_NINO = "CE 44 19 87 A"


def write_large_attachment(path: Path, size: int = 30 * 1024 * 1024) -> Path:
    """A message with a CSV attachment of about `size` bytes; the personal rows are at its end."""
    row = "R{:08d},Boiler service,Moorside estate block C,completed,no access issues\r\n"
    rows = [row.format(i) for i in range(size // len(row.format(0)))]
    rows.append(
        f"R99999998,Adaptation,12 Fern Road OL9 7QR,pending,tenant Margaret Ellison NHS "
        f"{LARGE_TAIL_NHS} - wheelchair user after stroke\r\n"
    )
    rows.append(
        f"R99999999,Adaptation,5 Birch Walk M40 8WN,pending,tenant NI number {LARGE_TAIL_NINO}\r\n"
    )
    data = ("job,type,address,status,notes\r\n" + "".join(rows)).encode()
    msg = message(
        sender=f"Repairs Team <repairs@{COUNCIL}>",
        to=["Contractor <jobs@fixright-repairs.example.co.uk>"],
        subject="Full repairs log export",
        date="Fri, 4 Apr 2025 15:00:00 +0100",
        message_id=f"<REP.EXPORT.20250404@{COUNCIL}>",
        body="Hi,\n\nThe full repairs log export you asked for is attached.\n\nRepairs Team\n",
    )
    attach(msg, data, "repairs_log_full_export.csv", "text/csv")
    path.write_bytes(finish(msg, "large_30mb_attachment"))
    return path


# --- writing --------------------------------------------------------------------------------


def build(messages_dir: Path = MESSAGES_DIR, demo_dir: Path | None = DEMO_DIR) -> list[Path]:
    """Write every scenario message (and the demo copies); return the paths written."""
    messages_dir.mkdir(parents=True, exist_ok=True)
    written = []
    built: dict[str, bytes] = {}
    for name, builder in SCENARIOS.items():
        built[name] = builder()
        path = messages_dir / filename(name)
        path.write_bytes(built[name])
        written.append(path)
    if demo_dir is not None:
        demo_dir.mkdir(parents=True, exist_ok=True)
        for index, name in enumerate(DEMO):
            path = demo_dir / demo_name(index, name)
            path.write_bytes(built[name])
            written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build():
        print(written_path.relative_to(REPO) if written_path.is_relative_to(REPO) else written_path)
    sys.exit(0)
