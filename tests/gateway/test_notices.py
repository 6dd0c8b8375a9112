"""What the sender is told: a hold notice that says why and where to confirm, and a
bounce for refused recipients that says why in words and repeats nothing of the message."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from mailwarden.config import Config, config_from_dict
from mailwarden.gateway.notices import (
    SUBJECT_WITHHELD,
    NoticeError,
    NoticeRecipient,
    hold_notice,
    notice_from,
    refusal_bounce,
    send,
)
from mailwarden.policy.schema import Notices, parse_policy
from mailwarden.rules.base import Verdict
from mailwarden.scan import Scanner

from .conftest import Sink, free_port

SENDER = "a.officer@example.police.uk"
POSTMASTER = "postmaster@example.police.uk"
ORIGINAL_ID = "<20250303100400.4711@mail.example.police.uk>"
LINK = "https://review.example.police.uk/held/" + "WyIyMDI1MDMwM1QxMDA0MDAi" * 5 + ".awY_QQ.k5Js"
ARRIVAL = datetime(2025, 3, 3, 10, 4, 12, tzinfo=UTC)
UNRELATED = (
    "This message names two children and case AB/25/0093, which you have only discussed "
    "with Greenfield School; j.smith@example.net has never written about it."
)


def parsed(message: EmailMessage) -> EmailMessage:
    """The message as a mail client reads it: bytes on the wire, parsed back."""
    result = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(result, EmailMessage)
    return result


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return " ".join(part.get_content().split())


def notice(**overrides: Any) -> EmailMessage:
    arguments: dict[str, Any] = {
        "sender": SENDER,
        "subject": "Re: referral for the Hill family",
        "message_id": ORIGINAL_ID,
        "recipients": [
            NoticeRecipient("j.smith@example.net", Verdict.HOLD, (UNRELATED,)),
            NoticeRecipient(
                "head@greenfield.sch.uk",
                Verdict.CONFIRM,
                ("head@greenfield.sch.uk is a new address for Greenfield School",),
            ),
        ],
        "notices": Notices(),
        "link": LINK,
        "from_address": POSTMASTER,
    }
    return hold_notice(**(arguments | overrides))


def bounce(**overrides: Any) -> EmailMessage:
    arguments: dict[str, Any] = {
        "sender": SENDER,
        "message_id": ORIGINAL_ID,
        "refused": {
            "j.smith@example.net": ["Personal data going outside the organisation"],
            "info@example.org": ["Marked above the recipient's clearance", "Bulk personal data"],
        },
        "delivered": ["colleague@example.police.uk"],
        "held": ["head@greenfield.sch.uk"],
        "notices": Notices(),
        "reporting_mta": "relay.example.police.uk",
        "from_address": POSTMASTER,
        "arrival": ARRIVAL,
        "date": ARRIVAL - timedelta(seconds=12),
    }
    return refusal_bounce(**(arguments | overrides))


# --- the hold notice -------------------------------------------------------------------------


def test_the_sender_is_told_for_each_recipient_why_and_where_to_confirm() -> None:
    message = parsed(notice())

    assert message["From"] == POSTMASTER
    assert message["To"] == SENDER
    assert message["Subject"] == "Held: Re: referral for the Hill family"
    assert message.get_content_type() == "text/plain"
    text = body(message)
    assert text.startswith(
        f"Your message to j.smith@example.net is held: {UNRELATED} "
        f"Confirm or correct it here: {LINK} "
        "Please confirm your message to head@greenfield.sch.uk: "
        "head@greenfield.sch.uk is a new address for Greenfield School. "
        f"Confirm here: {LINK}"
    )


def test_the_notice_threads_with_the_sent_item_and_says_it_is_automatic() -> None:
    message = parsed(notice())

    assert message["In-Reply-To"] == ORIGINAL_ID
    assert message["References"] == ORIGINAL_ID
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] != ORIGINAL_ID
    assert re.fullmatch(r"<[0-9a-f]{24}\.mailwarden@example\.police\.uk>", message["Message-ID"])
    assert abs(parsedate_to_datetime(message["Date"]) - datetime.now(UTC)) < timedelta(minutes=1)
    assert parsed(notice())["Message-ID"] != message["Message-ID"]


def test_the_link_reaches_the_reader_whole() -> None:
    """Wrapping never breaks a link, and the transfer encoding is undone by any client."""
    part = parsed(notice()).get_body(("plain",))
    assert part is not None
    assert LINK in part.get_content().split()
    assert all(len(line) <= 78 for line in parsed(notice()).as_string().splitlines())


def test_the_wording_comes_from_the_policy_file() -> None:
    policy = parse_policy(
        "[notices]\n"
        'held = "{sender}: {subject} to {recipient} is {verdict}. {reasons} See {link}"\n'
        'confirm = "{recipient}: {verdict}. {reasons}"\n'
    )
    text = body(parsed(notice(notices=policy.model.notices)))

    assert text.startswith(
        f"{SENDER}: Re: referral for the Hill family to j.smith@example.net is held for "
        f"review. {UNRELATED} See {LINK} "
        "head@greenfield.sch.uk: waiting for your confirmation. "
        "head@greenfield.sch.uk is a new address for Greenfield School."
    )


def test_a_message_that_only_needs_confirming_says_so_in_its_subject() -> None:
    only_confirm = [NoticeRecipient("head@greenfield.sch.uk", Verdict.CONFIRM, ())]
    message = parsed(notice(recipients=only_confirm, subject=""))

    assert message["Subject"] == "Please confirm: (no subject)"
    assert "Please confirm your message to head@greenfield.sch.uk: The organisation's" in (
        body(message)
    )


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"recipients": [NoticeRecipient("a@b.org", Verdict.DELIVER)]}, "held recipients only"),
        ({"recipients": [NoticeRecipient("a@b.org", Verdict.REJECT)]}, "held recipients only"),
        ({"recipients": []}, "held recipients only"),
        ({"sender": ""}, "null sender"),
    ],
    ids=["delivered", "refused", "nobody", "null-sender"],
)
def test_a_notice_is_only_for_the_held_recipients_of_a_real_sender(
    overrides: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        notice(**overrides)


def test_hostile_header_values_cannot_add_headers() -> None:
    message = parsed(
        notice(
            subject="Hello\r\nBcc: everyone@example.net",
            message_id="<x@y>\r\nBcc: everyone@example.net",
        )
    )
    assert message["Bcc"] is None
    assert message["Subject"] == "Held: Hello Bcc: everyone@example.net"
    assert message["In-Reply-To"] is None


@pytest.mark.parametrize(
    ("given", "threaded"),
    [(ORIGINAL_ID, ORIGINAL_ID), ("abc@host", "<abc@host>"), ("", None), ("<no at sign>", None)],
)
def test_threading_headers_only_for_a_well_formed_message_id(
    given: str, threaded: str | None
) -> None:
    message = parsed(notice(message_id=given))
    assert message["In-Reply-To"] == threaded
    assert message["References"] == threaded


# --- the refusal bounce ----------------------------------------------------------------------

CHILD = "Oliver Twistleton"
NHS_NUMBER = "943 476 5919"
SENSITIVE = f"""\
From: A Officer <{SENDER}>
To: colleague@example.police.uk, j.smith@example.net
Subject: {CHILD} NHS {NHS_NUMBER}
Date: Mon, 03 Mar 2025 10:04:00 +0000
Message-ID: {ORIGINAL_ID}

Dear colleagues,

{CHILD}, aged 9, NHS number {NHS_NUMBER}, was seen at the hospital last night.
His mother asked that the school is not told yet.

A Officer
""".replace("\n", "\r\n").encode()

REFUSING_POLICY = """\
[actions.sensitive_to_external]
internal = "deliver"
partner = "reject"
known = "reject"
new = "reject"
"""


def test_a_bounce_repeats_nothing_of_the_message(police_config: Config) -> None:
    """The realistic path: the real scan refuses one recipient; the bounce is built from its
    decisions with the rules' descriptions, and neither the child's name nor the NHS
    number (both in the Subject and the body) appears anywhere in it, decoded or not."""
    scanner = Scanner(police_config, policy=parse_policy(REFUSING_POLICY))
    report = scanner.scan_bytes(SENSITIVE)
    descriptions = {rule.name: rule.description for rule in scanner.rules}
    refused = {
        d.recipient.mailbox.address: [descriptions[r.rule] for r in d.reasons]
        for d in report.decisions
        if d.verdict is Verdict.REJECT
    }
    delivered = [
        d.recipient.mailbox.address for d in report.decisions if d.verdict is Verdict.DELIVER
    ]
    assert list(refused) == ["j.smith@example.net"]
    assert delivered == ["colleague@example.police.uk"]
    evidence = {e for d in report.decisions for r in d.reasons for e in r.evidence}
    assert NHS_NUMBER in evidence  # the scan saw it: content is in the pipeline

    def bounce_for(refused: dict[str, list[str]]) -> EmailMessage:
        return refusal_bounce(
            sender=SENDER,
            message_id=report.message.message_id,
            refused=refused,
            delivered=delivered,
            held=[],
            notices=Notices(),
            reporting_mta="relay.example.police.uk",
            from_address=POSTMASTER,
            arrival=ARRIVAL,
            date=report.message.date,
        )

    # The check below sees a leak: the findings' texts as reasons would show.
    assert NHS_NUMBER in everything_readable(bounce_for({"j.smith@example.net": [*evidence]}))
    everything = everything_readable(bounce_for(refused))
    for secret in [
        "Oliver",
        "Twistleton",
        NHS_NUMBER,
        NHS_NUMBER.replace(" ", ""),
        "hospital",
        "mother",
    ]:
        assert secret.lower() not in everything.lower(), secret


def everything_readable(message: EmailMessage) -> str:
    """The raw bytes, every header decoded, and every part's decoded payload."""
    parts = [message.as_bytes().decode("ascii", "replace")]
    for part in parsed(message).walk():
        parts.extend(f"{name}: {value}" for name, value in part.items())
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            parts.append(payload.decode("utf-8", "replace"))
    return "\n".join(parts)


def test_the_bounce_is_an_rfc3464_delivery_status_report() -> None:
    message = parsed(bounce())

    assert message.get_content_type() == "multipart/report"
    assert message.get_param("report-type") == "delivery-status"
    assert message["MIME-Version"] == "1.0"
    assert message["Auto-Submitted"] == "auto-replied"
    assert (message["From"], message["To"]) == (POSTMASTER, SENDER)
    assert message["In-Reply-To"] == ORIGINAL_ID
    assert message["Subject"] == "Not sent: your message of 03 Mar 2025 10:04 +0000"
    human, status, headers = message.iter_parts()
    assert [p.get_content_type() for p in (human, status, headers)] == [
        "text/plain",
        "message/delivery-status",
        "text/rfc822-headers",
    ]

    per_message, *per_recipient = delivery_status(status)
    assert per_message["Reporting-MTA"] == "dns; relay.example.police.uk"
    assert parsedate_to_datetime(per_message["Arrival-Date"]) == ARRIVAL
    assert per_recipient == [
        {
            "Final-Recipient": "rfc822; j.smith@example.net",
            "Action": "failed",
            "Status": "5.7.1",
            "Diagnostic-Code": "smtp; 550 5.7.1 Refused by the organisation's mail policy: "
            "Personal data going outside the organisation",
        },
        {
            "Final-Recipient": "rfc822; info@example.org",
            "Action": "failed",
            "Status": "5.7.1",
            "Diagnostic-Code": "smtp; 550 5.7.1 Refused by the organisation's mail policy: "
            "Marked above the recipient's clearance; Bulk personal data",
        },
    ]


def delivery_status(part: Message) -> list[dict[str, str]]:
    """The fields of each block of a message/delivery-status part, unfolded."""
    blocks = part.get_payload()
    assert isinstance(blocks, list)
    assert all(isinstance(b, Message) for b in blocks)
    return [
        {k: " ".join(str(v).split()) for k, v in b.items()}
        for b in blocks
        if not isinstance(b, str)
    ]


def test_the_bounce_repeats_only_the_message_id_and_date_of_the_original() -> None:
    *_, headers = parsed(bounce()).iter_parts()
    lines = headers.get_content().splitlines()
    assert lines == [f"Message-ID: {ORIGINAL_ID}", "Date: Mon, 03 Mar 2025 10:04:00 +0000"]


def test_the_bounce_says_in_words_who_was_refused_delivered_and_held() -> None:
    text = body(parsed(bounce()))
    assert text == (
        "Your message to j.smith@example.net was not sent: Personal data going outside the "
        "organisation. Your message to info@example.org was not sent: Marked above the "
        "recipient's clearance. Bulk personal data. "
        "Delivered to: colleague@example.police.uk. "
        "Held (a separate notice says why): head@greenfield.sch.uk. "
        "Nothing of the message's content is repeated here. This report was sent "
        "automatically by the organisation's outgoing-mail check."
    )


def test_the_bounce_wording_comes_from_the_policy_but_never_the_subject() -> None:
    policy = parse_policy(
        "[notices]\n"
        'refused = "{sender}: {subject} was {verdict} for {recipient}{link}. {reasons}"\n'
    )
    text = body(parsed(bounce(notices=policy.model.notices, delivered=[], held=[])))
    assert text.startswith(
        f"{SENDER}: {SUBJECT_WITHHELD} was refused for j.smith@example.net. "
        "Personal data going outside the organisation."
    )
    assert "Delivered" not in text
    assert "Held" not in text


def test_a_reason_over_several_lines_is_one_diagnostic_line() -> None:
    status = list(parsed(bounce(refused={"a@b.org": ["Marked\r\nSECRET"]})).iter_parts())[1]
    _, block = delivery_status(status)
    assert block["Diagnostic-Code"].endswith("policy: Marked SECRET")


def test_without_the_original_date_only_the_message_id_is_repeated() -> None:
    message = parsed(bounce(date=None))
    *_, headers = message.iter_parts()
    assert headers.get_content().splitlines() == [f"Message-ID: {ORIGINAL_ID}"]
    assert message["Subject"] == "Not sent: your message of 03 Mar 2025 10:04 +0000"


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [({"sender": ""}, "never bounced"), ({"refused": {}}, "at least one refused")],
    ids=["bounce-of-a-bounce", "nothing-refused"],
)
def test_no_bounce_for_the_null_sender_or_for_nothing(
    overrides: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        bounce(**overrides)


# --- where notices come from -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"gateway": {"notice_from": "Mail Guard <guard@example.police.uk>"}}, None),
        ({"organisation": {"domains": ["example.police.uk", "other.gov.uk"]}}, POSTMASTER),
        ({}, "postmaster@localhost"),
    ],
    ids=["configured", "organisation", "nothing-set"],
)
def test_notices_come_from_the_configured_address_else_the_postmaster(
    settings: dict[str, Any], expected: str | None
) -> None:
    config = config_from_dict(settings)
    assert notice_from(config) == (expected or config.gateway.notice_from)


# --- sending to the next hop -----------------------------------------------------------------


def test_a_notice_reaches_the_next_hop_for_the_sender(sink: tuple[Sink, int]) -> None:
    handler, port = sink
    message = notice()

    send(message, POSTMASTER, [SENDER], ("127.0.0.1", port))

    (received,) = handler.wait_for(1)
    assert (received.mail_from, received.rcpt_tos) == (POSTMASTER, [SENDER])
    arrived = email.message_from_bytes(received.content, policy=email.policy.default)
    assert isinstance(arrived, EmailMessage)
    assert arrived["Message-ID"] == message["Message-ID"]
    assert body(arrived) == body(parsed(message))


def test_a_bounce_is_sent_with_the_null_envelope_sender(sink: tuple[Sink, int]) -> None:
    handler, port = sink

    send(bounce(), "", [SENDER], ("127.0.0.1", port))

    (received,) = handler.wait_for(1)
    assert received.mail_from in ("<>", "")
    assert received.rcpt_tos == [SENDER]
    arrived = email.message_from_bytes(received.content, policy=email.policy.default)
    assert arrived.get_content_type() == "multipart/report"


class Choosy(Sink):
    """A next hop that has no mailbox for addresses at nowhere.invalid."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.endswith("@nowhere.invalid"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def choosy() -> Iterator[tuple[Choosy, int]]:
    handler, port = Choosy(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_a_refused_recipient_is_an_error_even_when_others_were_taken(
    choosy: tuple[Choosy, int],
) -> None:
    handler, port = choosy
    with pytest.raises(NoticeError, match=r"refused gone@nowhere\.invalid \(550 5\.1\.1 No such"):
        send(notice(), POSTMASTER, [SENDER, "gone@nowhere.invalid"], ("127.0.0.1", port))
    assert [m.rcpt_tos for m in handler.messages] == [[SENDER]]


def test_every_recipient_refused_is_an_error(choosy: tuple[Choosy, int]) -> None:
    handler, port = choosy
    with pytest.raises(NoticeError, match=r"refused gone@nowhere\.invalid"):
        send(notice(), POSTMASTER, ["gone@nowhere.invalid"], ("127.0.0.1", port))
    assert handler.messages == []


def test_a_next_hop_that_is_down_is_an_error() -> None:
    port = free_port()
    with pytest.raises(NoticeError, match=f"127.0.0.1:{port} did not take the notice"):
        send(notice(), POSTMASTER, [SENDER], ("127.0.0.1", port), timeout=5)


def test_a_notice_for_nobody_is_refused_before_connecting() -> None:
    with pytest.raises(ValueError, match="at least one recipient"):
        send(notice(), POSTMASTER, [], ("127.0.0.1", 9))
