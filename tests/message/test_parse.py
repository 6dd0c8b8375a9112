"""The parse stage reads what real mail contains and never raises on what it cannot."""

from __future__ import annotations

import time

from mailwarden.message import AddressField, ParseLimits, parse_message

REPLY = (
    b'From: "PC Jane Holloway" <j.holloway@example.police.uk>\r\n'
    b'To: "Mr R Patel" <r.patel@gmail.com>\r\n'
    b"Cc: crime.desk@example.police.uk\r\n"
    b"Bcc: audit@example.police.uk\r\n"
    b"Subject: RE: Damage to your car =?utf-8?q?=E2=80=93?= update\r\n"
    b"Date: Mon, 03 Mar 2025 10:15:00 +0000\r\n"
    b"Message-ID: <reply-1@example.police.uk>\r\n"
    b"In-Reply-To: <orig-1@gmail.com>\r\n"
    b"References: <start@gmail.com> <orig-1@gmail.com>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDear Mr Patel,\r\n"
    b"--b1\r\nContent-Type: application/vnd.openxmlformats-officedocument."
    b"wordprocessingml.document\r\n"
    b'Content-Disposition: attachment; filename="School report.docx"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n"
    b"--b1--\r\n"
)


def test_a_reply_with_an_attachment_is_read_into_addressing_thread_and_parts() -> None:
    message = parse_message(REPLY)
    assert message.sender is not None
    assert message.sender.address == "j.holloway@example.police.uk"
    assert [(r.mailbox.address, r.field) for r in message.recipients] == [
        ("r.patel@gmail.com", AddressField.TO),
        ("crime.desk@example.police.uk", AddressField.CC),
        ("audit@example.police.uk", AddressField.BCC),
    ]
    assert message.recipients[0].mailbox.display_name == "Mr R Patel"
    assert message.subject == "RE: Damage to your car – update"
    assert message.in_reply_to == "<orig-1@gmail.com>"
    assert message.references == ["<start@gmail.com>", "<orig-1@gmail.com>"]
    assert message.date is not None and message.date.year == 2025
    [body] = message.body_parts
    assert body.payload.startswith(b"Dear Mr Patel")
    [attachment] = message.attachments
    assert attachment.name == "School report.docx"
    assert attachment.payload == b"PK\x03\x04"


def test_an_attached_message_is_kept_whole_as_an_attachment() -> None:
    raw = (
        b"From: a@example.police.uk\r\nTo: b@example.org\r\nSubject: fwd\r\n"
        b'Content-Type: multipart/mixed; boundary="o"\r\n\r\n'
        b"--o\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
        b"--o\r\nContent-Type: message/rfc822\r\n\r\n"
        b"Subject: inner\r\nFrom: c@example.org\r\n\r\ninner body\r\n--o--\r\n"
    )
    message = parse_message(raw)
    assert [p.payload for p in message.body_parts] == [b"see below"]
    [attached] = message.attachments
    assert attached.content_type == "message/rfc822"
    assert b"inner body" in attached.payload


def test_hostile_display_name_does_not_hide_the_real_address() -> None:
    """CVE-2023-27043: an address inside a quoted display name is not the recipient."""
    message = parse_message(b'To: "alice@example.police.uk" <mallory@evil.example>\r\n\r\nx')
    [recipient] = message.recipients
    assert recipient.mailbox.address == "mallory@evil.example"


def test_unparseable_recipient_is_kept_as_unknown_not_dropped() -> None:
    message = parse_message(b"To: bob@example.org, @@broken\r\n\r\nx")
    addresses = [r.mailbox for r in message.recipients]
    assert any(a.address == "bob@example.org" for a in addresses)
    assert any(not a.is_valid for a in addresses)
    assert any(p.location == "header:to" for p in message.problems)


def test_missing_boundary_and_bad_base64_become_problems_not_exceptions() -> None:
    raw = (
        b"From: a@example.police.uk\r\nTo: b@example.org\r\n"
        b'Content-Type: multipart/mixed; boundary="never-used"\r\n\r\n'
        b"Just text, no parts.\r\n"
    )
    message = parse_message(raw)
    assert message.problems
    bad_base64 = (
        b"Content-Type: application/pdf; name=a.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
    )
    assert parse_message(bad_base64).problems


def test_eight_bit_headers_and_unknown_charsets_are_tolerated() -> None:
    raw = (
        b"From: Ren\xe9e <renee@example.org>\r\nSubject: caf\xe9 r\xe9union\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\ncaf\xe9\r\n"
    )
    message = parse_message(raw)
    assert message.sender is not None and message.sender.address == "renee@example.org"
    assert "caf" in message.subject


def test_header_block_is_capped_before_the_parser_sees_it() -> None:
    many = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"y" * 50) for i in range(20_000))
    raw = b"Subject: huge\r\n" + many + b"\r\nbody\r\n"
    started = time.monotonic()
    message = parse_message(raw, ParseLimits(max_header_bytes=64 * 1024))
    assert time.monotonic() - started < 5
    assert any("header" in p.detail for p in message.problems)


def test_mime_depth_and_part_count_are_capped() -> None:
    depth = 60
    raw = b"Subject: deep\r\n"
    for level in range(depth):
        raw += b'Content-Type: multipart/mixed; boundary="d%d"\r\n\r\n--d%d\r\n' % (level, level)
    raw += b"Content-Type: text/plain\r\n\r\nleaf\r\n"
    message = parse_message(raw, ParseLimits(max_mime_depth=10))
    assert any("deeper" in p.detail for p in message.problems)

    parts = b"".join(b"--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(50))
    many = b'Content-Type: multipart/mixed; boundary="p"\r\n\r\n' + parts + b"--p--\r\n"
    message = parse_message(many, ParseLimits(max_parts=10))
    assert len(message.parts) == 10
    assert any("more than 10 parts" in p.detail for p in message.problems)


def test_empty_and_garbage_input_still_give_a_message() -> None:
    assert parse_message(b"").parts is not None
    assert parse_message(b"\x00\xff" * 1000).size == 2000


def test_recovers_the_boundary_a_sender_left_out() -> None:
    raw = (
        b"From: housing@northmoor.gov.uk\r\nTo: jobs@fixright.example.co.uk\r\n"
        b"Content-Type: multipart/mixed\r\n\r\npreamble\r\n"
        b"--_000_X_\r\nContent-Type: text/plain\r\n\r\nThe tenant is Lorraine Tipping.\r\n"
        b"--_000_X_--\r\n"
    )
    message = parse_message(raw)
    texts = [part.payload.strip() for part in message.body_parts]
    assert texts == [b"preamble", b"The tenant is Lorraine Tipping."]  # the preamble is read too
    assert any("_000_X_" in p.detail for p in message.problems)


def test_a_multipart_with_no_delimiters_at_all_is_read_as_text() -> None:
    raw = b"Content-Type: multipart/mixed\r\n\r\nThe tenant is Lorraine Tipping.\r\n"
    [body] = parse_message(raw).body_parts
    assert b"Lorraine Tipping" in body.payload


def test_raw_8bit_headers_are_read_as_utf8_or_windows_1252() -> None:
    raw = (
        b"From: Si\xe2n Prichard <sian.prichard@oakwood.sch.uk>\r\n"
        b"To: Zo\xc3\xab <zoe@example.org>\r\n"
        b"Subject: Zo\xeb\x92s review \x96 3 April\r\n\r\nx"
    )
    message = parse_message(raw)
    assert message.subject == "Zoë’s review – 3 April"
    assert message.sender is not None and message.sender.display_name == "Siân Prichard"
    assert message.recipients[0].mailbox.display_name == "Zoë"


def test_a_date_out_of_any_range_is_a_problem_not_a_crash() -> None:
    message = parse_message(b"Date: Sat, 2222222226 Jan 2019 12:04:58 +0100\r\n\r\nx")
    assert message.date is None
    assert any(p.location == "header:date" for p in message.problems)
