"""docs/api.md, example by example, against a running server: a draft with a wrong
recipient is confirmed and gets the header the gateway honours; a held draft cannot be
confirmed; a clean one is delivered; raw MIME is judged as its JSON twin; and the sender
is whom the token speaks for."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP
from typing import Any

import httpx
from sqlalchemy import text

from mailwarden.confirmation import CONFIRMATION_HEADER, apply_confirmation
from mailwarden.message.model import AddressField
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.checks import Check, CheckedRecipient, new_check_id
from mailwarden.rules.base import Verdict
from mailwarden.scan import Scanner

from .conftest import ADVOCATE, KEY, SCHOOL, SENDER, Api

DOCS_DRAFT: dict[str, Any] = {
    "from": SENDER,
    "to": [f"Greenfield Safeguarding <{SCHOOL}>"],
    "cc": [ADVOCATE],
    "bcc": [],
    "subject": "Ellie Marsh - AB/25/0093",
    "text": "Dear colleague,\n\nThe strategy meeting for Ellie Marsh (AB/25/0093) is on "
    "Monday at 10.\n\nAnn Smith",
    "html": "<p>Dear colleague,</p><p>The strategy meeting for Ellie Marsh (AB/25/0093) is "
    "on Monday at 10.</p><p>Ann Smith</p>",
    "in_reply_to": "<history-1@example.police.uk>",
    "references": ["<history-1@example.police.uk>"],
    "attachments": [
        {
            "filename": "minutes.txt",
            "content_type": "text/plain",
            "content_base64": base64.b64encode(b"Minutes: AB/25/0093, Ellie Marsh.\n").decode(),
        }
    ],
}
HELD_DRAFT = {
    "to": [ADVOCATE],
    "subject": "Ellie Marsh",
    "text": "OFFICIAL-SENSITIVE\n\nThe strategy meeting for Ellie Marsh is on Monday.",
}
CLEAN_DRAFT = {"to": ["bob.jones@example.police.uk"], "subject": "Lunch", "text": "Friday at 1?"}


def by_address(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["address"]: r for r in answer["recipients"]}


def sent_as(draft: dict[str, Any], header: dict[str, str] | None = None) -> bytes:
    """The message the add-in's mail client sends for the draft: no Bcc header, CRLF, the
    confirmation header if it has one."""
    message = EmailMessage(policy=SMTP)
    message["From"] = f"Ann Smith <{SENDER}>"
    message["To"] = ", ".join(draft["to"])
    if draft.get("cc"):
        message["Cc"] = ", ".join(draft["cc"])
    message["Subject"] = draft["subject"]
    message["Message-ID"] = "<sent-1@example.police.uk>"
    if header:
        message[header["header"]] = header["value"]
    message.set_content(draft["text"].replace("\n", "\r\n"))
    if draft.get("html"):
        message.add_alternative(draft["html"], subtype="html")
    for attachment in draft.get("attachments", []):
        maintype, subtype = attachment["content_type"].split("/")
        message.add_attachment(
            base64.b64decode(attachment["content_base64"]),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
        )
    return message.as_bytes()


def test_a_wrong_recipient_is_confirmed_with_a_reason_and_the_gateway_honours_the_header(
    api: Api, ann: httpx.Client, scanner: Scanner
) -> None:
    checked = ann.post("/v1/check", json=DOCS_DRAFT)

    assert checked.status_code == 200, checked.text
    answer = checked.json()
    assert answer["verdict"] == "confirm"
    assert answer["send_anyway_allowed"] is True
    assert answer["summary"] == "1 recipient needs your confirmation."
    assert answer["check_id"].startswith("c_") and len(answer["check_id"]) == 34
    school, advocate = by_address(answer)[SCHOOL], by_address(answer)[ADVOCATE]
    assert (school["field"], school["verdict"], school["reasons"]) == ("to", "deliver", [])
    assert (advocate["field"], advocate["verdict"]) == ("cc", "confirm")
    assert advocate["decided_by"].startswith("policy.toml:")
    assert 'new = "confirm"' in advocate["decided_by"]
    [unrelated] = [r for r in advocate["reasons"] if r["rule"] == "unrelated_recipient"]
    assert unrelated["action"] == "confirm"
    assert "greenfield.sch.uk" in unrelated["explanation"]
    assert {"PERSON", "CRIME_REFERENCE"} <= {f["type"] for f in answer["findings"]}

    reason = "Mr Patel is the school's appointed advocate"
    confirmed = ann.post("/v1/confirm", json={"check_id": answer["check_id"], "reason": reason})

    assert confirmed.status_code == 200, confirmed.text
    header = confirmed.json()
    assert header["header"] == CONFIRMATION_HEADER
    assert header["value"].startswith("v1.")
    expires = datetime.fromisoformat(header["expires"].replace("Z", "+00:00"))
    assert timedelta(minutes=14) < expires - datetime.now(UTC) <= timedelta(minutes=15)
    [recorded] = api.checks.confirmations(answer["check_id"])
    assert (recorded.confirmed_by, recorded.reason) == (SENDER, reason)

    at_the_gateway = scanner.scan_bytes(sent_as(DOCS_DRAFT, header))
    gateway_header = BytesParser(policy=SMTP).parsebytes(sent_as(DOCS_DRAFT, header))
    delivered = apply_confirmation(
        at_the_gateway, str(gateway_header[CONFIRMATION_HEADER]), KEY, datetime.now(UTC)
    )
    assert {d.verdict for d in delivered.decisions} == {Verdict.DELIVER}


def test_the_check_is_recorded_without_its_content(api: Api, ann: httpx.Client) -> None:
    answer = ann.post("/v1/check", json=DOCS_DRAFT).json()

    check = api.checks.get(answer["check_id"], datetime.now(UTC))

    assert check.sender == SENDER
    assert [(r.address, r.field.value, r.verdict.value) for r in check.recipients] == [
        (SCHOOL, "to", "deliver"),
        (ADVOCATE, "cc", "confirm"),
    ]
    assert check.verdict is Verdict.CONFIRM
    with api.tokens.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM checks WHERE id = :id"), {"id": check.id}).one()
    stored = " ".join(str(value) for value in row)
    assert "Ellie" not in stored and "AB/25/0093" not in stored and "strategy" not in stored


def test_a_held_draft_cannot_be_confirmed(ann: httpx.Client) -> None:
    answer = ann.post("/v1/check", json=HELD_DRAFT).json()

    assert answer["verdict"] == "hold"
    assert answer["send_anyway_allowed"] is False
    assert answer["summary"] == "1 recipient will be held for review."
    assert by_address(answer)[ADVOCATE]["reasons"][0]["rule"] == "protective_marking"

    refused = ann.post("/v1/confirm", json={"check_id": answer["check_id"], "reason": "urgent"})

    assert refused.status_code == 409
    assert refused.json() == {
        "error": "the draft's verdict was hold: it cannot be sent anyway; "
        "change it and check it again"
    }


def test_a_clean_draft_is_delivered_and_has_nothing_to_confirm(ann: httpx.Client) -> None:
    answer = ann.post("/v1/check", json=CLEAN_DRAFT).json()

    assert answer["verdict"] == "deliver"
    assert answer["send_anyway_allowed"] is True
    assert answer["summary"] == "Nothing to confirm: every recipient may receive it."
    assert answer["findings"] == []
    assert answer["recipients"] == [
        {
            "address": "bob.jones@example.police.uk",
            "field": "to",
            "verdict": "deliver",
            "decided_by": "no rule fired",
            "reasons": [],
        }
    ]
    again = ann.post("/v1/confirm", json={"check_id": answer["check_id"], "reason": "sure"})
    assert again.status_code == 409
    assert again.json()["error"].startswith("nothing to confirm")


def test_a_mixed_draft_names_the_most_severe_first(ann: httpx.Client) -> None:
    draft = {**HELD_DRAFT, "cc": ["claims@insurer.example.com", "bob.jones@example.police.uk"]}
    answer = ann.post("/v1/check", json=draft).json()
    assert answer["summary"] == "2 recipients will be held for review."
    assert [r["verdict"] for r in answer["recipients"]] == ["hold", "hold", "deliver"]


def test_findings_carry_the_fields_of_scan_json(ann: httpx.Client, scanner: Scanner) -> None:
    answer = ann.post("/v1/check", json=DOCS_DRAFT).json()
    scanned = scanner.scan_bytes(sent_as(DOCS_DRAFT)).to_json()["findings"]

    for finding in answer["findings"]:
        assert set(finding) == {
            "type",
            "text",
            "location",
            "position",
            "score",
            "explanation",
            "category",
            "span",
            "recognizer",
        }
    assert {(f["type"], f["text"], f["location"]) for f in answer["findings"]} == {
        (f["type"], f["text"], f["location"]) for f in scanned
    }


def test_raw_mime_is_judged_as_its_json_twin(api: Api, ann: httpx.Client) -> None:
    as_json = ann.post("/v1/check", json=DOCS_DRAFT).json()
    as_mime = ann.post(
        "/v1/check", content=sent_as(DOCS_DRAFT), headers={"Content-Type": "message/rfc822"}
    ).json()

    assert [(r["address"], r["verdict"]) for r in as_mime["recipients"]] == [
        (r["address"], r["verdict"]) for r in as_json["recipients"]
    ]
    now = datetime.now(UTC)
    mime_check = api.checks.get(as_mime["check_id"], now)
    assert mime_check.digest == api.checks.get(as_json["check_id"], now).digest


def test_a_mime_draft_without_a_from_is_the_tokens_sender(api: Api, ann: httpx.Client) -> None:
    raw = b"To: bob.jones@example.police.uk\r\nSubject: Lunch\r\n\r\nFriday at 1?\r\n"

    answer = ann.post("/v1/check", content=raw, headers={"Content-Type": "message/rfc822"})

    assert answer.status_code == 200, answer.text
    assert api.checks.get(answer.json()["check_id"], datetime.now(UTC)).sender == SENDER


# ---- whom a token speaks for -----------------------------------------------------------------


def test_a_sender_token_may_not_check_another_senders_draft(api: Api, ann: httpx.Client) -> None:
    other = {**CLEAN_DRAFT, "from": "Bob Jones <bob.jones@example.police.uk>"}
    refused = ann.post("/v1/check", json=other)
    assert refused.status_code == 403
    assert "not from bob.jones@example.police.uk" in refused.json()["error"]

    raw = b"From: bob.jones@example.police.uk\r\nTo: a@example.police.uk\r\n\r\nHi\r\n"
    mime = ann.post("/v1/check", content=raw, headers={"Content-Type": "message/rfc822"})
    assert mime.status_code == 403


def test_a_domain_token_checks_for_every_sender_of_its_domain(api: Api) -> None:
    with api.client(api.token(domain="example.police.uk")) as service:
        for sender in ("bob.jones@example.police.uk", "duty@met.example.police.uk"):
            answer = service.post("/v1/check", json={**CLEAN_DRAFT, "from": sender})
            assert answer.status_code == 200, answer.text
            check = api.checks.get(answer.json()["check_id"], datetime.now(UTC))
            assert check.sender == sender

        outsider = service.post("/v1/check", json={**CLEAN_DRAFT, "from": "x@police.uk.evil"})
        assert outsider.status_code == 403
        unnamed = service.post("/v1/check", json=CLEAN_DRAFT)
        assert unnamed.status_code == 422
        assert unnamed.json()["error"].startswith("from: is missing")


def test_a_revoked_token_is_refused_at_once(api: Api) -> None:
    token, secret = api.tokens.create("revoked-at-once", sender=SENDER)
    with api.client(secret) as client:
        assert client.post("/v1/check", json=CLEAN_DRAFT).status_code == 200
        api.tokens.revoke(token.id)

        refused = client.post("/v1/check", json=CLEAN_DRAFT)

    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert refused.json() == {"error": "the API token 'revoked-at-once' is revoked"}


def test_an_expired_token_is_refused(api: Api) -> None:
    _, secret = api.tokens.create(
        "expired", sender=SENDER, expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    with api.client(secret) as client:
        refused = client.post("/v1/check", json=CLEAN_DRAFT)
    assert refused.status_code == 401
    assert refused.json() == {"error": "the API token 'expired' is expired"}


def test_only_the_sender_may_confirm_their_check(api: Api, ann: httpx.Client) -> None:
    answer = ann.post("/v1/check", json=DOCS_DRAFT).json()
    with api.client(api.token(sender="bob.jones@example.police.uk")) as bob:
        refused = bob.post("/v1/confirm", json={"check_id": answer["check_id"], "reason": "ok"})
    assert refused.status_code == 404
    assert api.checks.confirmations(answer["check_id"]) == []


def test_an_expired_check_cannot_be_confirmed(api: Api) -> None:
    token, secret = api.tokens.create("expired-check", sender=SENDER)
    past = datetime.now(UTC) - timedelta(hours=2)
    check_id = new_check_id()
    recipient = CheckedRecipient(ADVOCATE, AddressField.CC, Verdict.CONFIRM)
    api.checks.add(
        Check(check_id, token.id, SENDER, (recipient,), Verdict.CONFIRM, "0" * 64, past, past)
    )

    with api.client(secret) as client:
        refused = client.post("/v1/confirm", json={"check_id": check_id, "reason": "ok"})

    assert refused.status_code == 404
    assert "expired" in refused.json()["error"]
    assert api.checks.purge(datetime.now(UTC)) >= 1
    assert api.checks.confirmations(check_id) == []


# ---- browsers' add-ins ----------------------------------------------------------------------


def test_a_browser_add_in_is_answered_across_origins(api: Api, ann: httpx.Client) -> None:
    origin = {"Origin": "https://outlook.office.com"}
    with api.client() as anonymous:
        preflight = anonymous.options(
            "/v1/check",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Methods"] == "POST"
    allowed = {
        h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"authorization", "content-type"} <= allowed

    answer = ann.post("/v1/check", json=CLEAN_DRAFT, headers=origin)
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    with api.client() as anonymous:
        refused = anonymous.post("/v1/check", json=CLEAN_DRAFT, headers=origin)
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == "*"


def test_the_check_and_its_confirmation_are_in_the_audit_trail(api: Api, ann: httpx.Client) -> None:
    answer = ann.post("/v1/check", json=DOCS_DRAFT).json()
    reason = "Mr Patel is the school's appointed advocate"
    ann.post("/v1/confirm", json={"check_id": answer["check_id"], "reason": reason})

    trail = AuditTrail(api.tokens.engine)
    mine = [e for e in trail.entries() if e.subject == answer["check_id"]]

    assert [(e.actor, e.action) for e in mine] == [
        ("api", Action.VERDICT),
        (SENDER, Action.CONFIRM),
    ]
    assert mine[0].details["recipients"] == [
        {"address": SCHOOL, "verdict": "deliver"},
        {"address": ADVOCATE, "verdict": "confirm"},
    ]
    assert mine[1].details["reason"] == reason
    assert "Ellie" not in json.dumps([e.to_json() for e in mine])
    assert trail.verify().ok
