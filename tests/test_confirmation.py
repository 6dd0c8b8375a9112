"""Signed confirmations: the digest both sides compute, the header the API signs, and what
the gateway makes of it.

The digest is specified by pairs: the JSON draft the add-in sends to the API (made into
MIME by `api.draft`) and the message its mail client then sends, written the way
Thunderbird and Outlook write them, must give one digest; a changed word, attachment
byte, subject or sender must not.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailwarden.api.draft import mailbox, mime_from_draft
from mailwarden.api.models import Draft
from mailwarden.confirmation import (
    CONFIRMATION_HEADER,
    ConfirmationError,
    ConfirmationExpired,
    apply_confirmation,
    body_text,
    confirmation_header,
    content_digest,
    sign_confirmation,
    verify_confirmation,
)
from mailwarden.extract.base import ExtractionProblem
from mailwarden.policy.schema import parse_policy
from mailwarden.report import ScanReport
from mailwarden.rules.base import Verdict
from mailwarden.scan import Scanner

KEY = b"an installation key for the tests"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
SENDER = "ann.smith@example.police.uk"
SCHOOL = "safeguarding@greenfield.sch.uk"
ADVOCATE = "r.patel@gmail.com"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
TEXT = (
    "Dear colleague,\r\n\r\nThe school's report on Ellie Marsh (AB/25/0093) is attached; "
    "her social worker will call you on Monday about the meeting.\r\n\r\nKind regards,\r\n"
    "Ann Smith\r\nSafeguarding Team"
)
HTML = (
    "<p>Dear colleague,</p><p>The school's report on Ellie Marsh (AB/25/0093) is attached; "
    "her social worker will call you on Monday about the meeting.</p>"
    "<p>Kind regards,<br>Ann Smith<br>Safeguarding Team</p>"
)


def draft(**changes: object) -> Draft:
    fields: dict[str, object] = {
        "from": f"Ann Smith <{SENDER}>",
        "to": [f"Greenfield Safeguarding <{SCHOOL}>"],
        "cc": [ADVOCATE],
        "subject": "Ellie Marsh - AB/25/0093",
        "text": TEXT,
        "html": HTML,
        "attachments": [
            {
                "filename": "report.pdf",
                "content_type": "application/pdf",
                "content_base64": base64.b64encode(PDF).decode(),
            }
        ],
    }
    fields.update(changes)
    return Draft.model_validate(fields)


def checked(scanner: Scanner, the_draft: Draft) -> ScanReport:
    """The draft as the API scans it."""
    assert the_draft.sender is not None
    return scanner.scan_bytes(mime_from_draft(the_draft, mailbox(the_draft.sender, "from")))


def thunderbird(text: str = TEXT, attachment: bytes = PDF, subject: str = "") -> bytes:
    """As Thunderbird sends it: LF lines here (CRLF on the wire), a MIME preamble,
    format=flowed plain text in quoted-printable with soft breaks, the HTML in a document,
    the PDF in base64 of 72-character lines."""
    flowed = "\n".join(_flow(line) for line in text.replace("\r\n", "\n").split("\n"))
    encoded = base64.b64encode(attachment).decode()
    lines = "\n".join(encoded[i : i + 72] for i in range(0, len(encoded), 72))
    subject = subject or "=?UTF-8?Q?Ellie_Marsh_-_AB/25/0093?="
    return (
        f"Message-ID: <b1f0c2aa-1234@example.police.uk>\n"
        f"Date: Wed, 25 Nov 2026 09:58:01 +0000\nMIME-Version: 1.0\n"
        f"User-Agent: Mozilla Thunderbird\nContent-Language: en-GB\n"
        f"To: Greenfield Safeguarding <{SCHOOL}>\nCc: {ADVOCATE}\n"
        f"From: Ann Smith <{SENDER}>\nSubject: {subject}\n"
        f'Content-Type: multipart/mixed; boundary="------------mixed01"\n\n'
        f"This is a multi-part message in MIME format.\n"
        f"--------------mixed01\n"
        f'Content-Type: multipart/alternative; boundary="------------alt02"\n\n'
        f"--------------alt02\n"
        f"Content-Type: text/plain; charset=UTF-8; format=flowed\n"
        f"Content-Transfer-Encoding: quoted-printable\n\n{flowed}\n\n"
        f"--------------alt02\nContent-Type: text/html; charset=UTF-8\n"
        f"Content-Transfer-Encoding: 7bit\n\n"
        f'<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv="content-type" '
        f'content="text/html; charset=UTF-8">\n  </head>\n  <body>\n    {HTML}\n  </body>\n'
        f"</html>\n\n--------------alt02--\n"
        f"--------------mixed01\n"
        f'Content-Type: application/pdf; name="report.pdf"\n'
        f'Content-Disposition: attachment; filename="report.pdf"\n'
        f"Content-Transfer-Encoding: base64\n\n{lines}\n\n"
        f"--------------mixed01--\n"
    ).encode()


def _flow(line: str, width: int = 60) -> str:
    """format=flowed: long lines broken after a space, the space kept (a soft break),
    then quoted-printable's own soft breaks ('=' at the end of a line) inside words."""
    out, rest = [], line
    while len(rest) > width and " " in rest[:width]:
        cut = rest[:width].rindex(" ") + 1
        out.append(rest[:cut])
        rest = rest[cut:]
    out.append(rest)
    return "\n".join(part[:20] + "=\n" + part[20:] if len(part) > 40 else part for part in out)


def outlook(text: str = TEXT, attachment: bytes = PDF) -> bytes:
    """As Outlook sends it: CRLF, us-ascii quoted-printable text, an HTML document with
    Word's styles, the attachment as application/octet-stream named in RFC 2231 form,
    base64 in 76-character lines."""
    encoded = base64.b64encode(attachment).decode()
    lines = "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    html = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=us-ascii">'
        "<style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt} --></style></head>"
        f'<body lang="EN-GB"><div class="WordSection1">{HTML}</div></body></html>'
    )
    return (
        f"From: Ann Smith <{SENDER}>\r\nTo: Greenfield Safeguarding <{SCHOOL}>\r\n"
        f"CC: {ADVOCATE}\r\nSubject: Ellie Marsh - AB/25/0093\r\n"
        f"Thread-Topic: Ellie Marsh - AB/25/0093\r\nDate: Wed, 25 Nov 2026 09:58:01 +0000\r\n"
        f"Message-ID: <LO2P265MB0001@LO2P265.PROD.OUTLOOK.COM>\r\n"
        f"Content-Language: en-GB\r\nX-MS-Has-Attach: yes\r\n"
        f'Content-Type: multipart/mixed;\r\n\tboundary="_004_LO2P265_"\r\nMIME-Version: 1.0\r\n'
        f"\r\n--_004_LO2P265_\r\n"
        f'Content-Type: multipart/alternative;\r\n\tboundary="_000_LO2P265_"\r\n\r\n'
        f'--_000_LO2P265_\r\nContent-Type: text/plain; charset="us-ascii"\r\n'
        f"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        f"{_quoted_printable(text)}\r\n\r\n"
        f'--_000_LO2P265_\r\nContent-Type: text/html; charset="us-ascii"\r\n'
        f"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        f"{_quoted_printable(html)}\r\n\r\n--_000_LO2P265_--\r\n\r\n"
        f'--_004_LO2P265_\r\nContent-Type: application/octet-stream;\r\n\tname="report.pdf"\r\n'
        f"Content-Description: report.pdf\r\n"
        f"Content-Disposition: attachment;\r\n\tfilename*=utf-8''report.pdf;\r\n"
        f"\tsize={len(attachment)}\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{lines}\r\n\r\n--_004_LO2P265_--\r\n"
    ).encode()


def _quoted_printable(text: str) -> str:
    """Lines of at most 76 characters with soft breaks, '=' written as '=3D'."""
    out = []
    for line in text.replace("=", "=3D").split("\r\n"):
        while len(line) > 75:
            out.append(line[:75] + "=")
            line = line[75:]
        out.append(line)
    return "\r\n".join(out)


# ---- the digest ---------------------------------------------------------------------------


def test_the_draft_and_the_message_thunderbird_sends_have_one_digest(scanner: Scanner) -> None:
    sent = scanner.scan_bytes(thunderbird())
    assert len(sent.message.attachments) == 1
    assert content_digest(sent) == content_digest(checked(scanner, draft()))


def test_the_draft_and_the_message_outlook_sends_have_one_digest(scanner: Scanner) -> None:
    sent = scanner.scan_bytes(outlook())
    assert sent.message.attachments[0].content_type == "application/octet-stream"
    assert content_digest(sent) == content_digest(checked(scanner, draft()))


def test_the_body_is_the_plain_alternative_with_whitespace_collapsed(scanner: Scanner) -> None:
    sent = scanner.scan_bytes(thunderbird())
    assert body_text(sent.message) == (
        "Dear colleague, The school's report on Ellie Marsh (AB/25/0093) is attached; her "
        "social worker will call you on Monday about the meeting. Kind regards, Ann Smith "
        "Safeguarding Team"
    )


def test_without_a_plain_alternative_the_html_text_is_the_body(scanner: Scanner) -> None:
    html_only = draft(text=None)
    report = checked(scanner, html_only)
    assert [p.content_type for p in report.message.body_parts] == ["text/html"]
    assert body_text(report.message) == body_text(scanner.scan_bytes(thunderbird()).message)


def test_a_text_attachment_in_canonical_crlf_form_keeps_its_digest(scanner: Scanner) -> None:
    notes = b"Contact log\nEllie Marsh\nSeen 24/11\n"
    the_draft = draft(
        attachments=[
            {
                "filename": "notes.txt",
                "content_type": "text/plain",
                "content_base64": base64.b64encode(notes).decode(),
            }
        ]
    )
    on_the_wire = thunderbird(attachment=notes.replace(b"\n", b"\r\n"))
    assert content_digest(scanner.scan_bytes(on_the_wire)) == content_digest(
        checked(scanner, the_draft)
    )


def test_an_attached_message_keeps_its_digest(scanner: Scanner) -> None:
    eml = (
        f"From: {SCHOOL}\r\nTo: {SENDER}\r\nSubject: Concern about Ellie\r\n"
        "Date: Mon, 23 Nov 2026 16:02:11 +0000\r\n\r\nEllie was upset again today.\r\n"
    ).encode()
    attachment = {
        "filename": "Concern about Ellie.eml",
        "content_type": "message/rfc822",
        "content_base64": base64.b64encode(eml).decode(),
    }
    forwarded = checked(scanner, draft(attachments=[attachment]))
    [part] = forwarded.message.attachments
    assert part.content_type == "message/rfc822"
    again = scanner.scan_bytes(
        mime_from_draft(draft(attachments=[attachment]), mailbox(SENDER, "from"))
    )
    assert content_digest(again) == content_digest(forwarded)


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(lambda: thunderbird(text=TEXT.replace("Monday", "Tuesday")), id="a word"),
        pytest.param(
            lambda: thunderbird(text=TEXT.replace("Ellie", "ellie")), id="a letter's case"
        ),
        pytest.param(
            lambda: thunderbird(attachment=PDF[:100] + b"\x00" + PDF[101:]), id="an attachment byte"
        ),
        pytest.param(lambda: thunderbird(attachment=b""), id="an attachment emptied"),
        pytest.param(lambda: thunderbird(subject="Ellie Marsh - AB/25/0094"), id="the subject"),
        pytest.param(
            lambda: thunderbird().replace(SENDER.encode(), b"bob.jones@example.police.uk"),
            id="the sender",
        ),
    ],
)
def test_any_change_of_content_changes_the_digest(scanner: Scanner, changed: object) -> None:
    assert callable(changed)
    assert content_digest(scanner.scan_bytes(changed())) != content_digest(
        checked(scanner, draft())
    )


def test_whitespace_and_line_endings_do_not_change_the_digest(scanner: Scanner) -> None:
    respaced = TEXT.replace("\r\n", "\n").replace(" is attached;", "  is\n attached; ")
    assert content_digest(checked(scanner, draft(text=respaced + "\n\n"))) == content_digest(
        checked(scanner, draft())
    )


# ---- signing and verifying ------------------------------------------------------------------

DIGEST = "5d41402abc4b2a76b9719d911017c592" * 2
RECIPIENTS = [SCHOOL, ADVOCATE]


def signed(expires: datetime = NOW + timedelta(minutes=15), key: bytes = KEY) -> str:
    return sign_confirmation(key, SENDER, RECIPIENTS, DIGEST, expires, "c_0123")


def test_a_confirmation_verifies_for_its_sender_recipients_and_content() -> None:
    confirmed = verify_confirmation(KEY, signed(), SENDER, [ADVOCATE, SCHOOL], DIGEST, NOW)
    assert confirmed.check_id == "c_0123"
    assert confirmed.sender == SENDER
    assert confirmed.recipients == (ADVOCATE, SCHOOL)
    assert confirmed.expires == NOW + timedelta(minutes=15)


def test_fewer_recipients_than_confirmed_still_verify() -> None:
    confirmed = verify_confirmation(KEY, signed(), SENDER, [SCHOOL.upper()], DIGEST, NOW)
    assert confirmed.recipients == (SCHOOL,)


def test_an_added_recipient_is_refused_by_name() -> None:
    with pytest.raises(ConfirmationError, match=r"not confirmed for claims@insurer\.example"):
        verify_confirmation(
            KEY, signed(), SENDER, [*RECIPIENTS, "claims@insurer.example"], DIGEST, NOW
        )


def test_other_content_or_another_sender_is_refused() -> None:
    with pytest.raises(ConfirmationError, match="content is not what was confirmed"):
        verify_confirmation(KEY, signed(), SENDER, RECIPIENTS, "0" * 64, NOW)
    with pytest.raises(ConfirmationError, match="another sender"):
        verify_confirmation(KEY, signed(), "bob.jones@example.police.uk", RECIPIENTS, DIGEST, NOW)


def test_an_expired_confirmation_is_refused_as_expired() -> None:
    later = NOW + timedelta(minutes=15, seconds=1)
    with pytest.raises(ConfirmationExpired, match="expired at 2026-11-25 10:15:00 UTC"):
        verify_confirmation(KEY, signed(), SENDER, RECIPIENTS, DIGEST, later)


def test_a_tampered_value_or_another_key_is_not_valid() -> None:
    value = signed()
    version, payload, signature = value.split(".")
    data = base64.urlsafe_b64decode(payload + "==").replace(b'"e":1', b'"e":2')
    forged = base64.urlsafe_b64encode(data).decode().rstrip("=")
    for bad in (f"{version}.{forged}.{signature}", signed(key=b"another installation's key")):
        with pytest.raises(ConfirmationError, match="not valid"):
            verify_confirmation(KEY, bad, SENDER, RECIPIENTS, DIGEST, NOW)


def test_a_folded_header_value_still_verifies() -> None:
    value = signed()
    folded = "\r\n ".join(value[i : i + 60] for i in range(0, len(value), 60))
    assert verify_confirmation(KEY, folded, SENDER, RECIPIENTS, DIGEST, NOW).check_id == "c_0123"


def test_the_header_does_not_name_the_recipients() -> None:
    payload = base64.urlsafe_b64decode(signed().split(".")[1] + "==").decode()
    assert SCHOOL not in payload and ADVOCATE not in payload and "greenfield" not in payload
    assert SENDER in payload


@given(st.text(max_size=300) | st.from_regex(r"v1\.[A-Za-z0-9_\-.]{0,200}", fullmatch=True))
def test_any_other_value_is_refused_with_plain_words(value: str) -> None:
    with pytest.raises(ConfirmationError):
        verify_confirmation(KEY, value, SENDER, RECIPIENTS, DIGEST, NOW)


# ---- what the gateway does with it ----------------------------------------------------------

PARTNER_POLICY = parse_policy('[partners."greenfield.sch.uk"]\ncleared = "OFFICIAL-SENSITIVE"\n')


@pytest.fixture(scope="module")
def partner_scanner(scanner: Scanner) -> Scanner:
    return Scanner(scanner.config, policy=PARTNER_POLICY)


def verdicts(report: ScanReport) -> dict[str, Verdict]:
    return {d.recipient.mailbox.address: d.verdict for d in report.decisions}


def header_for(report: ScanReport, recipients: list[str] | None = None) -> str:
    addresses = recipients or [d.recipient.mailbox.address for d in report.decisions]
    return sign_confirmation(
        KEY, SENDER, addresses, content_digest(report), NOW + timedelta(minutes=15), "c_0123"
    )


def test_a_confirmed_message_is_delivered_to_its_confirmed_recipients(scanner: Scanner) -> None:
    at_the_api = checked(scanner, draft())
    assert set(verdicts(at_the_api).values()) == {Verdict.CONFIRM}
    at_the_gateway = scanner.scan_bytes(thunderbird())

    confirmed = apply_confirmation(at_the_gateway, header_for(at_the_api), KEY, NOW)

    assert verdicts(confirmed) == {SCHOOL: Verdict.DELIVER, ADVOCATE: Verdict.DELIVER}
    decided = {d.decided_by for d in confirmed.decisions}
    assert decided == {f"confirmed by {SENDER} before sending (check c_0123)"}
    assert [r.rule for r in confirmed.decisions[1].reasons] == [
        r.rule for r in at_the_gateway.decisions[1].reasons
    ]
    assert verdicts(at_the_gateway)[SCHOOL] is Verdict.CONFIRM  # the original is unchanged


def test_hold_still_applies_to_a_confirmed_message(partner_scanner: Scanner) -> None:
    marked = draft(text="OFFICIAL-SENSITIVE\r\n\r\n" + TEXT, html=None)
    report = checked(partner_scanner, marked)
    assert verdicts(report) == {SCHOOL: Verdict.CONFIRM, ADVOCATE: Verdict.HOLD}

    confirmed = apply_confirmation(report, header_for(report), KEY, NOW)

    assert verdicts(confirmed) == {SCHOOL: Verdict.DELIVER, ADVOCATE: Verdict.HOLD}


def test_a_bcc_that_was_not_confirmed_refuses_the_confirmation(scanner: Scanner) -> None:
    report = scanner.scan_bytes(thunderbird())
    envelope = [SCHOOL, ADVOCATE, "claims@insurer.example.com"]
    with pytest.raises(ConfirmationError, match=r"claims@insurer\.example\.com"):
        apply_confirmation(report, header_for(report), KEY, NOW, SENDER, envelope)


def test_the_envelope_sender_must_be_the_confirmed_one(scanner: Scanner) -> None:
    report = scanner.scan_bytes(thunderbird())
    with pytest.raises(ConfirmationError, match="another sender"):
        apply_confirmation(report, header_for(report), KEY, NOW, "bob.jones@example.police.uk")


def test_altered_content_keeps_its_confirm_verdicts(scanner: Scanner) -> None:
    header = header_for(checked(scanner, draft()))
    altered = scanner.scan_bytes(thunderbird(text=TEXT + "\r\nHer NHS number is 943 476 5919."))
    with pytest.raises(ConfirmationError, match="content is not what was confirmed"):
        apply_confirmation(altered, header, KEY, NOW)


def test_a_message_not_judged_in_full_is_not_confirmed(scanner: Scanner) -> None:
    report = scanner.scan_bytes(thunderbird())
    failed = dataclasses.replace(
        report,
        problems=[*report.problems, ExtractionProblem("knowledge", "internal", "store down")],
    )
    with pytest.raises(ConfirmationError, match="not judged in full"):
        apply_confirmation(failed, header_for(report), KEY, NOW)


def test_the_header_is_read_from_the_message_unfolded() -> None:
    value = signed()
    folded = "\r\n\t".join(re.findall(".{1,50}", value))
    raw = thunderbird().replace(
        b"MIME-Version", f"{CONFIRMATION_HEADER}: {folded}\nMIME-Version".encode(), 1
    )
    assert confirmation_header(raw) == value
    assert confirmation_header(thunderbird()) is None
    assert confirmation_header(b"") is None
