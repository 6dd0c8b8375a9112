"""Outlook .msg files: as an attachment (subject, body, attachments, recursively), and as a
message of their own (`message_from_msg_bytes`, which the command line uses for a .msg file).

The .msg fixtures are built in code by `msg_builder` on extract-msg's OLE writer.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import compressed_rtf
import docx
import pytest
from extract_msg.ole_writer import OleWriter

from mailwarden.message import AddressField
from mailwarden.message.msg import EncryptedMsg, MsgError, message_from_msg_bytes

from .msg_builder import Attachment, MsgSpec, build_msg
from .support import extract_attachment

MSG_TYPE = "application/vnd.ms-outlook"


def a_docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def forwarded_referral() -> MsgSpec:
    """A teacher's saved e-mail: a referral attached, and an earlier message forwarded inside."""
    earlier = MsgSpec(
        subject="Class list",
        html=b"<html><body><p>Attached: <b>Tom Reed</b>, Year 5</p></body></html>",
        sender_name="Office",
        sender_address="office@oakfield.sch.uk",
        recipients=[("to", "Jo Bloggs", "jo.bloggs@oakfield.sch.uk")],
    )
    return MsgSpec(
        subject="Referral for Ellie Marsh",
        body="Dear Sam,\r\nPlease find Ellie's referral attached.\r\nJo",
        sender_name="Jo Bloggs",
        sender_address="jo.bloggs@oakfield.sch.uk",
        recipients=[
            ("to", "Sam Patel", "sam.patel@council.gov.uk"),
            ("cc", "Head Teacher", "head@oakfield.sch.uk"),
            ("bcc", "Jo Bloggs", "jo.bloggs@oakfield.sch.uk"),
        ],
        message_id="<ref-2024-031@oakfield.sch.uk>",
        sent=datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        attachments=[
            Attachment("referral.docx", a_docx("Pupil: Ellie Marsh, 14/03/2015"), ""),
            Attachment("Class list.msg", message=earlier),
            Attachment("logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        ],
    )


def test_an_attached_msg_gives_its_subject_body_and_attachments_with_their_locations() -> None:
    result = extract_attachment(build_msg(forwarded_referral()), "Referral.msg", MSG_TYPE)

    assert [(s.location, s.position, s.text) for s in result.segments] == [
        ("attachment:Referral.msg", "subject", "Referral for Ellie Marsh"),
        (
            "attachment:Referral.msg",
            "body",
            "Dear Sam,\r\nPlease find Ellie's referral attached.\r\nJo",
        ),
        ("attachment:Referral.msg/referral.docx", "paragraph 1", "Pupil: Ellie Marsh, 14/03/2015"),
        ("attachment:Referral.msg/Class list.msg", "subject", "Class list"),
        ("attachment:Referral.msg/Class list.msg", "body", "Attached:\nTom Reed\n, Year 5"),
    ]
    [problem] = result.problems
    assert (problem.location, problem.kind) == ("attachment:Referral.msg/logo.png", "unsupported")


def test_an_rtf_only_body_is_read_through_the_rtf_extractor() -> None:
    rtf = rb"{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}\f0 Pupil: Ellie Marsh\par}"
    spec = MsgSpec(subject="RTF mail")
    message = build_msg(spec)
    with_rtf = build_msg_with_extra_stream(
        spec, "__substg1.0_10090102", compressed_rtf.compress(rtf, compressed=True)
    )
    assert message != with_rtf

    result = extract_attachment(with_rtf, "rtf.msg")

    assert ("body", "Pupil: Ellie Marsh") in [(s.position, s.text) for s in result.segments]


def build_msg_with_extra_stream(spec: MsgSpec, stream: str, data: bytes) -> bytes:
    """`build_msg`, plus one stream at the top level (for properties the builder lacks)."""
    import olefile

    writer = OleWriter()
    writer.fromOleFile(olefile.OleFileIO(build_msg(spec)))
    writer.addEntry(stream, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_msg_named_otherwise_is_read_when_labelled_as_outlook() -> None:
    result = extract_attachment(build_msg(forwarded_referral()), "Referral", MSG_TYPE)

    assert result.segments[0].text == "Referral for Ellie Marsh"


def test_bytes_that_are_not_a_msg_are_corrupt() -> None:
    result = extract_attachment(b"not an outlook message" * 100, "Referral.msg")

    [problem] = result.problems
    assert (problem.location, problem.kind) == ("attachment:Referral.msg", "corrupt")


def test_an_ole_file_that_is_not_a_message_is_corrupt() -> None:
    writer = OleWriter()
    writer.addEntry("WordDocument", bytes(512))
    legacy = io.BytesIO()
    writer.write(legacy)

    result = extract_attachment(legacy.getvalue(), "Referral.msg")

    [problem] = result.problems
    assert problem.kind == "corrupt"
    assert "not a readable Outlook message" in problem.detail


def test_an_smime_encrypted_msg_is_encrypted() -> None:
    sealed = MsgSpec(
        subject="Sealed",
        message_class="IPM.Note.SMIME",
        attachments=[
            Attachment("smime.p7m", b"0\x82\x01\x00" + bytes(256), "application/pkcs7-mime")
        ],
    )

    result = extract_attachment(build_msg(sealed), "sealed.msg")

    assert [p.kind for p in result.problems] == ["encrypted"]
    with pytest.raises(EncryptedMsg):
        message_from_msg_bytes(build_msg(sealed))


def test_embedded_messages_nested_past_the_depth_limit_are_not_followed() -> None:
    spec = MsgSpec(subject="level 0", body="Ellie Marsh at the bottom")
    for level in range(1, 8):
        spec = MsgSpec(subject=f"level {level}", attachments=[Attachment("fwd.msg", message=spec)])

    result = extract_attachment(build_msg(spec), "chain.msg")

    assert "Ellie Marsh at the bottom" not in [s.text for s in result.segments]
    assert [p.kind for p in result.problems] == ["limit"]
    assert "(limit 5)" in result.problems[0].detail


# message_from_msg_bytes: a .msg file as the message to check


def test_a_msg_becomes_a_typed_message_with_its_addressing() -> None:
    message = message_from_msg_bytes(build_msg(forwarded_referral()))

    assert message.subject == "Referral for Ellie Marsh"
    assert message.sender is not None
    assert (message.sender.address, message.sender.display_name) == (
        "jo.bloggs@oakfield.sch.uk",
        "Jo Bloggs",
    )
    assert [(r.field, r.mailbox.address, r.mailbox.display_name) for r in message.recipients] == [
        (AddressField.TO, "sam.patel@council.gov.uk", "Sam Patel"),
        (AddressField.CC, "head@oakfield.sch.uk", "Head Teacher"),
        (AddressField.BCC, "jo.bloggs@oakfield.sch.uk", "Jo Bloggs"),
    ]
    assert message.message_id == "<ref-2024-031@oakfield.sch.uk>"
    assert message.date == datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    assert message.problems == []


def test_a_msg_becomes_a_message_with_its_body_and_attachments_as_parts() -> None:
    message = message_from_msg_bytes(build_msg(forwarded_referral()))

    [body] = message.body_parts
    assert (body.content_type, body.charset) == ("text/plain", "utf-8")
    assert body.payload.decode() == "Dear Sam,\r\nPlease find Ellie's referral attached.\r\nJo"
    assert [(p.name, p.content_type) for p in message.attachments] == [
        ("referral.docx", ""),
        ("Class list.msg", MSG_TYPE),
        ("logo.png", "image/png"),
    ]
    embedded = message_from_msg_bytes(message.attachments[1].payload)
    assert embedded.subject == "Class list"
    assert embedded.body_parts[0].content_type == "text/html"


def test_a_draft_with_an_exchange_only_recipient_holds_an_unknown_address_not_nobody() -> None:
    """Outlook drafts to colleagues can carry an X.500 address and no SMTP address."""
    draft = MsgSpec(
        subject="Draft",
        body="Ellie Marsh",
        recipients=[
            (
                "to",
                "Sam Patel",
                "/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=SAM",
            ),
            ("cc", "No Address", ""),
        ],
    )

    message = message_from_msg_bytes(build_msg(draft))

    assert [(r.field, r.mailbox.address, r.mailbox.display_name) for r in message.recipients] == [
        (AddressField.TO, "", "Sam Patel"),
        (AddressField.CC, "", "No Address"),
    ]
    assert not any(r.mailbox.is_valid for r in message.recipients)
    assert {p.location for p in message.problems} == {"header:to", "header:cc"}
    assert message.date is None  # a draft was never sent


def test_bytes_that_are_not_a_msg_raise_msg_error() -> None:
    with pytest.raises(MsgError, match="not a readable Outlook message"):
        message_from_msg_bytes(b"From: someone\r\n\r\nnot a msg")
