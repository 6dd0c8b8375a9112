"""Correcting a held recipient, without the web: the address a sender may give, the message
re-addressed with nothing else changed, and the verdict its new recipient gets."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.headerregistry import Address
from email.policy import default

import pytest
from tests.web.conftest import ANN, ANN_MESSAGE, GMAIL, SCHOOL

from mailwarden.config import Config
from mailwarden.record.holds import HeldRecipient, Hold
from mailwarden.rules.base import Verdict
from mailwarden.scan import Scanner
from mailwarden.web.correction import CorrectionError, addressees, judge, mail_address, readdress

COLLEAGUE = "d.okafor@example.police.uk"


def _head_and_body(raw: bytes) -> tuple[bytes, bytes]:
    sep = b"\r\n\r\n" if b"\r\n\r\n" in raw else b"\n\n"
    head, _, body = raw.partition(sep)
    return head, body


def _hold(*recipients: str) -> Hold:
    return Hold(
        id="20261125T090000-0011223344556677",
        sender=ANN,
        recipients=tuple(HeldRecipient(r, Verdict.CONFIRM, ("why",)) for r in recipients),
        subject="",
        message_id="",
        digest="",
        size=0,
        held_at=datetime.now(UTC),
    )


def test_the_wrong_recipient_is_replaced_in_to_and_nothing_else_changes() -> None:
    corrected = readdress(ANN_MESSAGE, GMAIL, COLLEAGUE)
    head, body = _head_and_body(corrected)
    assert f"To: {SCHOOL}, {COLLEAGUE}".encode() in head.splitlines()
    assert body == _head_and_body(ANN_MESSAGE)[1]
    assert corrected.replace(COLLEAGUE.encode(), GMAIL.encode()) == ANN_MESSAGE


def test_the_wrong_recipients_display_name_goes_with_it_and_the_others_stay() -> None:
    raw = (
        b"From: Ann Smith <ann.smith@example.police.uk>\r\n"
        b'To: "Greenfield, Safeguarding" <safeguarding@greenfield.sch.uk>,\r\n'
        b" Raj Patel <R.Patel@Gmail.com>\r\n"
        b"Cc: =?utf-8?q?Jos=C3=A9_Mart=C3=ADnez?= <j.martinez@example.police.uk>\r\n"
        b"Subject: Ellie Marsh\r\n"
        b"\r\n"
        b"Body, with r.patel@gmail.com in it.\r\n"
    )
    corrected = readdress(raw, GMAIL, COLLEAGUE)
    head, body = _head_and_body(corrected)
    assert head.replace(b"\r\n ", b" ").split(b"\r\n") == [
        b"From: Ann Smith <ann.smith@example.police.uk>",
        b'To: "Greenfield, Safeguarding" <safeguarding@greenfield.sch.uk>, ' + COLLEAGUE.encode(),
        b"Cc: =?utf-8?q?Jos=C3=A9_Mart=C3=ADnez?= <j.martinez@example.police.uk>",
        b"Subject: Ellie Marsh",
    ]
    assert body == b"Body, with r.patel@gmail.com in it.\r\n"
    assert addressees(corrected) == {SCHOOL, COLLEAGUE, "j.martinez@example.police.uk"}


def test_a_cc_is_corrected_and_a_non_ascii_name_beside_it_is_encoded() -> None:
    raw = "To: x@example.police.uk\nCc: José Martínez <jm@example.com>, r.patel@gmail.com\n\nHi\n"
    corrected = readdress(raw.encode(), GMAIL, COLLEAGUE)
    assert corrected.splitlines()[1].isascii()
    assert message_from_bytes(corrected, policy=default)["Cc"].addresses == (
        Address("José Martínez", addr_spec="jm@example.com"),
        Address(addr_spec=COLLEAGUE),
    )
    assert corrected.endswith(b"\n\nHi\n")


def test_a_group_keeps_its_name_and_other_members() -> None:
    raw = b"To: Case team: a@example.police.uk, r.patel@gmail.com;\n\nHi\n"
    assert readdress(raw, GMAIL, COLLEAGUE).splitlines()[0] == (
        b"To: Case team: a@example.police.uk, " + COLLEAGUE.encode() + b";"
    )


def test_a_long_list_is_folded_between_mailboxes() -> None:
    others = [f"colleague.number.{n}@example.police.uk" for n in range(4)]
    raw = f"To: {', '.join(others)}, {GMAIL}\n\nHi\n".encode()
    head, _ = _head_and_body(readdress(raw, GMAIL, COLLEAGUE))
    assert all(len(line) <= 78 for line in head.splitlines())
    assert addressees(head + b"\n\n") == {*others, COLLEAGUE}


def test_a_blind_copy_leaves_the_headers_as_they_were() -> None:
    raw = f"To: {SCHOOL}\nSubject: x\n\nHi\n".encode()
    assert readdress(raw, GMAIL, COLLEAGUE) == raw


def test_the_relays_trace_of_the_wrong_address_goes_and_other_trace_stays() -> None:
    raw = (
        f"Received: from ws12.example.police.uk by relay1 with ESMTP id 4Xk\n"
        f"\tfor <{GMAIL}>; Tue, 25 Nov 2026 09:00:00 +0000\n"
        f"Received: from ws12 by ws12.example.police.uk; Tue, 25 Nov 2026 08:59:59 +0000\n"
        f"To: {GMAIL}\nSubject: x\n\nHi\n"
    ).encode()
    corrected = readdress(raw, GMAIL, COLLEAGUE)
    assert GMAIL.encode() not in corrected
    assert b"Received: from ws12 by ws12.example.police.uk" in corrected


def test_a_to_naming_the_address_that_cannot_be_read_is_not_guessed_at() -> None:
    raw = f"To: {GMAIL}, <broken@\nSubject: x\n\nHi\n".encode()
    with pytest.raises(CorrectionError) as refused:
        readdress(raw, GMAIL, COLLEAGUE)
    assert refused.value.status == 409


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("d.okafor@example.police.uk", "d.okafor@example.police.uk"),
        ("  D.Okafor@Example.Police.UK \n", "D.Okafor@example.police.uk"),
        ("first+tag@sub.example.org", "first+tag@sub.example.org"),
    ],
)
def test_a_plain_mail_address_is_taken(typed: str, address: str) -> None:
    assert mail_address(typed) == address


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "Ellie Marsh",
        "d.okafor",
        "d.okafor@localhost",
        "D Okafor <d.okafor@example.police.uk>",
        "a@example.com, b@example.com",
        "a b@example.com",
        '"a b"@example.com',
        "a@[192.0.2.1]",
        "a@example.com\r\nBcc: leak@evil.example",
        "a..b@example.com",
        "a@-example.com",
        "x" * 250 + "@example.com",
    ],
)
def test_anything_else_is_not_a_mail_address(typed: str) -> None:
    with pytest.raises(CorrectionError) as refused:
        mail_address(typed)
    assert refused.value.status == 422


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(Config())


def test_a_colleague_in_the_senders_organisation_gets_it_delivered(scanner: Scanner) -> None:
    corrected = judge(scanner, ANN_MESSAGE, GMAIL, COLLEAGUE, _hold(SCHOOL, GMAIL))
    assert corrected.disposition.verdict is Verdict.DELIVER
    assert corrected.disposition.address == COLLEAGUE
    assert corrected.raw == readdress(ANN_MESSAGE, GMAIL, COLLEAGUE)


def test_another_outside_address_must_be_confirmed_for_the_same_reasons(
    scanner: Scanner,
) -> None:
    other = "raj.patel@outlook.com"
    decided = judge(scanner, ANN_MESSAGE, GMAIL, other, _hold(SCHOOL, GMAIL)).disposition
    assert (decided.verdict, decided.rules) == (Verdict.CONFIRM, ("sensitive_to_external",))
    assert decided.explanations[0].startswith(f"{other} is outside the organisation")


def test_the_held_address_itself_or_one_already_addressed_is_no_correction(
    scanner: Scanner,
) -> None:
    with pytest.raises(CorrectionError) as same:
        judge(scanner, ANN_MESSAGE, GMAIL, GMAIL.upper(), _hold(SCHOOL, GMAIL))
    with pytest.raises(CorrectionError) as taken:
        judge(scanner, ANN_MESSAGE, GMAIL, SCHOOL, _hold(GMAIL))
    assert (same.value.status, taken.value.status) == (422, 409)
