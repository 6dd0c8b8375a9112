"""The sender's page behind a hold notice's link, served for real (uvicorn, SQLite and
PostgreSQL, an SMTP sink as the next hop) and visited without logging in: Ann sees what
was held and why, the findings marked in her message; confirms with a reason and the
Gmail copy goes while the school's waits for a reviewer; corrects the Gmail address to a
colleague (delivered: the colleague is in her own organisation), to another outside
address (held again for her confirmation), or sends a SECRET plan to a personal address
(refused). Links that are forged, signed with another key, for an unknown hold or for
another sender's all get the same 404; an expired one says so; a form without its CSRF
token changes nothing. Every step is in the audit trail."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta

import httpx
import pytest
from tests.api.conftest import serve
from tests.web.conftest import (
    ANN,
    ANN_MESSAGE,
    BOB,
    GMAIL,
    KEY,
    SCHOOL,
    SECRET,
    Web,
    csrf_of,
    post_form,
)

from mailwarden.config import Config
from mailwarden.gateway.links import LinkSigner
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.holds import HeldRecipient, Hold, RecipientState
from mailwarden.record.sent import SentStore
from mailwarden.rules.base import Verdict
from mailwarden.web import create_web_app

COLLEAGUE = "d.okafor@example.police.uk"
OUTLOOK = "raj.patel@outlook.com"
REASON = "Raj is Ellie's advocate and attends the strategy meeting"
SECRET_PLAN = f"""\
From: Ann Smith <{ANN}>
To: D Okafor <d.okafor@example.polcie.uk>
Subject: SECRET - Operation Linden
Message-ID: <linden-1@example.police.uk>

SECRET

The plan for Thursday's arrests.

SECRET
""".encode()


def link(hold_id: str, sender: str = ANN, signer: LinkSigner | None = None) -> str:
    """The path of the link a notice carries (its base is the app's /notice)."""
    return f"/notice/{(signer or LinkSigner(KEY)).token(hold_id, sender)}"


def words(page: str) -> str:
    """What a page says, as a reader sees it: no tags, one space between words."""
    return html.unescape(" ".join(re.sub(r"<[^>]*>", "", page).split()))


def arrived(content: bytes) -> bytes:
    """The message as sent, without the line end SMTP's DATA adds to one lacking it."""
    return content.removesuffix(b"\r\n")


def states(hold: Hold) -> dict[str, str]:
    return {r.address: r.state.value for r in hold.recipients}


@pytest.fixture
def app(web: Web) -> Web:
    """The running app (tests/web/conftest.py), as the senders' links reach it."""
    return web


def test_ann_follows_her_link_and_sees_what_was_held_and_why(app: Web) -> None:
    page = app.client().get(link(app.ann_hold))
    assert page.status_code == 200
    said = words(page.text)
    assert "Your message: Ellie Marsh - AB/25/0093" in said
    assert f"{SCHOOL}: held for review names a child and a crime reference" in said
    assert f"{GMAIL}: waiting for your confirmation a personal address never written" in said
    assert f"Confirming sends it to {GMAIL}." in said
    assert f"The copy for {SCHOOL} stays held: a reviewer decides on it." in said
    assert "What was found named person “Ellie Marsh” in Subject" in said
    marks = re.findall(r"<mark[^>]*>(?:<span[^>]*>[^<]*</span>)?([^<]*)</mark>", page.text)
    assert marks == ["Ellie Marsh", "AB/25/0093", "Ellie Marsh"]
    main = page.text.split("<main", 1)[1]
    assert "<script" not in main and "<img" not in main and "tracker.example.com" not in main
    assert csrf_of(page.text)
    views = app.trail(Action.VIEW)
    assert [(e.actor, e.subject, e.details) for e in views] == [
        (ANN, app.ann_hold, {"via": "notice"})
    ]


def test_confirming_with_a_reason_sends_the_gmail_copy_and_the_school_waits(
    app: Web,
) -> None:
    client, page = app.client(), link(app.ann_hold)
    response = post_form(client, f"{page}/confirm", {"reason": f"  {REASON}\n"}, page=page)
    assert response.status_code == 303
    assert response.headers["location"] == page
    (sent,) = app.sink.messages
    assert (sent.mail_from, sent.rcpt_tos, arrived(sent.content)) == (ANN, [GMAIL], ANN_MESSAGE)
    hold = app.hold(app.ann_hold)
    assert states(hold) == {SCHOOL: "held", GMAIL: "released"}
    assert hold.recipients[1].decided_by == ANN
    (confirmed,) = app.trail(Action.CONFIRM)
    assert (confirmed.actor, confirmed.subject) == (ANN, app.ann_hold)
    assert confirmed.details == {"recipients": [GMAIL], "reason": REASON}
    (released,) = app.trail(Action.RELEASE)
    assert released.details["recipients"] == [GMAIL]
    after = words(client.get(page).text)
    assert f"{GMAIL}: sent (by you)" in after
    assert f"A reviewer decides on the copy for {SCHOOL}" in after
    again = post_form(client, f"{page}/confirm", {"reason": REASON}, page=page)
    assert again.status_code == 409
    assert len(app.sink.messages) == 1
    assert AuditTrail(app.quarantine.store.engine).verify().ok


def test_a_confirmation_needs_a_reason_and_something_to_confirm(app: Web) -> None:
    client, page = app.client(), link(app.ann_hold)
    for reason in ["", "ok", "send   it", "x" * 501 + " and more words"]:
        response = post_form(client, f"{page}/confirm", {"reason": reason}, page=page)
        assert response.status_code == 422
        assert "Say in a few words" in response.text
    bob = link(app.bob_hold, BOB)
    nothing = post_form(client, f"{bob}/confirm", {"reason": "it is fine really"}, page=bob)
    assert nothing.status_code == 409
    assert app.sink.messages == []
    assert app.trail(Action.CONFIRM) == []
    assert states(app.hold(app.ann_hold)) == {SCHOOL: "held", GMAIL: "held"}


def test_correcting_gmail_to_a_colleague_delivers_it_to_the_colleague(app: Web) -> None:
    client, page = app.client(), link(app.ann_hold)
    data: dict[str, str | list[str]] = {"recipient": GMAIL, "to": COLLEAGUE}
    response = post_form(client, f"{page}/correct", data, page=page)
    assert response.status_code == 200
    assert f"Your message was sent to {COLLEAGUE} instead of {GMAIL}." in response.text
    (sent,) = app.sink.messages
    assert (sent.mail_from, sent.rcpt_tos) == (ANN, [COLLEAGUE])
    assert arrived(sent.content) == ANN_MESSAGE.replace(GMAIL.encode(), COLLEAGUE.encode())
    hold = app.hold(app.ann_hold)
    assert states(hold) == {SCHOOL: "held", GMAIL: "returned"}
    assert (hold.recipients[1].decided_by, hold.recipients[1].note) == (
        ANN,
        f"corrected to {COLLEAGUE}",
    )
    (corrected,) = app.trail(Action.CORRECT)
    assert (corrected.actor, corrected.subject) == (ANN, app.ann_hold)
    assert corrected.details["from"] == GMAIL
    assert corrected.details["to"] == COLLEAGUE
    assert corrected.details["verdict"] == "deliver"
    (released,) = app.trail(Action.RELEASE)
    assert released.details == {"recipients": [COLLEAGUE], "corrected_from": GMAIL}
    (kept,) = SentStore(app.quarantine.store.engine).search()  # for a breach, as a release
    assert [r.address for r in kept.recipients] == [COLLEAGUE]
    assert "Ellie Marsh" in {f.text for f in kept.findings}
    assert f"{GMAIL}: returned to you – corrected to {COLLEAGUE}" in words(client.get(page).text)


def test_a_correction_to_another_outside_address_waits_for_her_confirmation(
    app: Web,
) -> None:
    client, page = app.client(), link(app.ann_hold)
    data: dict[str, str | list[str]] = {"recipient": GMAIL, "to": OUTLOOK}
    response = post_form(client, f"{page}/correct", data, page=page)
    assert response.status_code == 303
    assert app.sink.messages == []
    new_page = response.headers["location"]
    said = words(client.get(new_page).text)
    assert f"{OUTLOOK}: waiting for your confirmation {OUTLOOK} is outside the organisation" in said
    (corrected,) = app.trail(Action.CORRECT)
    new_hold = app.hold(corrected.details["hold"])
    assert (new_hold.sender, states(new_hold)) == (ANN, {OUTLOOK: "held"})
    assert new_hold.recipients[0].verdict is Verdict.CONFIRM
    assert states(app.hold(app.ann_hold)) == {SCHOOL: "held", GMAIL: "returned"}

    confirmed = post_form(client, f"{new_page}/confirm", {"reason": REASON}, page=new_page)
    assert confirmed.status_code == 303
    (sent,) = app.sink.messages
    assert sent.rcpt_tos == [OUTLOOK]
    assert arrived(sent.content) == ANN_MESSAGE.replace(GMAIL.encode(), OUTLOOK.encode())
    assert states(app.hold(new_hold.id)) == {OUTLOOK: "released"}


def test_a_secret_plan_corrected_to_a_personal_address_is_refused(app: Web) -> None:
    typo = "d.okafor@example.polcie.uk"
    hold_id = app.quarantine.hold(
        SECRET_PLAN, ANN, [HeldRecipient(typo, Verdict.HOLD, ("looks like an own address",))]
    )
    client, page = app.client(), link(hold_id)
    response = post_form(client, f"{page}/correct", {"recipient": typo, "to": GMAIL}, page=page)
    assert response.status_code == 200
    assert f"Your message was not sent to {GMAIL}" in response.text
    assert f"{GMAIL} is cleared only for OFFICIAL" in response.text
    assert app.sink.messages == []
    assert states(app.hold(hold_id)) == {typo: "returned"}
    (corrected,) = app.trail(Action.CORRECT)
    assert (corrected.details["verdict"], corrected.details["hold"]) == ("reject", "")
    assert "protective_marking" in corrected.details["rules"]


def test_a_correction_must_be_a_mail_address_for_a_recipient_still_held(
    app: Web,
) -> None:
    client, page = app.client(), link(app.ann_hold)
    typed = post_form(client, f"{page}/correct", {"recipient": GMAIL, "to": "Raj"}, page=page)
    assert typed.status_code == 422
    assert "'Raj' is not a mail address." in words(typed.text)
    for recipient, to in [("someone@else.example", COLLEAGUE), (GMAIL, SCHOOL)]:
        data: dict[str, str | list[str]] = {"recipient": recipient, "to": to}
        assert post_form(client, f"{page}/correct", data, page=page).status_code == 409
    bobs = post_form(
        client, f"{page}/correct", {"recipient": "wrong@example.com", "to": COLLEAGUE}, page=page
    )
    assert bobs.status_code == 409
    assert app.sink.messages == []
    assert app.trail(Action.CORRECT) == []
    assert states(app.hold(app.ann_hold)) == {SCHOOL: "held", GMAIL: "held"}
    assert states(app.hold(app.bob_hold)) == {"wrong@example.com": "held"}


def test_an_expired_link_says_so_and_whom_to_ask(app: Web) -> None:
    days = Config().gateway.link_days
    past = LinkSigner(KEY, clock=lambda: time.time() - timedelta(days=days + 1).total_seconds())
    client, expired = app.client(), link(app.ann_hold, signer=past)
    page = client.get(expired)
    assert page.status_code == 410
    assert "This link has expired" in page.text
    assert "ask the reviewers (write to postmaster@" in page.text
    assert "Ellie Marsh" not in page.text
    fresh = client.get(link(app.ann_hold)).text  # a form's token, for the expired link's POST
    refused = client.post(f"{expired}/confirm", data={"reason": REASON, "csrf": csrf_of(fresh)})
    assert refused.status_code == 410
    assert app.sink.messages == []


def test_links_that_are_not_genuine_or_not_hers_all_get_one_404(app: Web) -> None:
    client = app.client()
    genuine = link(app.ann_hold)
    csrf = csrf_of(client.get(genuine).text)
    other_key = LinkSigner(b"another installation's key, 32+ bytes long")
    not_valid = [
        genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB"),  # tampered signature
        genuine[: len(genuine) // 2],  # cut short
        link(app.ann_hold, signer=other_key),  # signed with another key
        link("20261125T090000-0000000000000000"),  # no such hold
        link(app.bob_hold, ANN),  # Bob's hold, claimed for Ann
        link(app.ann_hold, BOB),  # Ann's hold, claimed for Bob
        "/notice/not-a-token",
    ]
    pages = [client.get(path) for path in not_valid]
    assert {p.status_code for p in pages} == {404}
    assert len({p.text for p in pages}) == 1
    assert "not a valid link" in pages[0].text
    assert "Ellie Marsh" not in pages[0].text and "Interview" not in pages[0].text
    for path in not_valid:
        posted = client.post(f"{path}/confirm", data={"reason": REASON, "csrf": csrf})
        assert posted.status_code == 404
    [ann_view] = app.trail(Action.VIEW)
    assert ann_view.subject == app.ann_hold
    assert app.sink.messages == []


def test_a_form_without_its_csrf_token_changes_nothing(app: Web) -> None:
    client, page = app.client(), link(app.ann_hold)
    client.get(page)
    confirm = client.post(f"{page}/confirm", data={"reason": REASON})
    correct = client.post(f"{page}/correct", data={"recipient": GMAIL, "to": COLLEAGUE})
    stranger = app.client().post(
        f"{page}/confirm", data={"reason": REASON, "csrf": csrf_of(client.get(page).text)}
    )
    assert [confirm.status_code, correct.status_code, stranger.status_code] == [403] * 3
    assert app.sink.messages == []
    assert states(app.hold(app.ann_hold)) == {SCHOOL: "held", GMAIL: "held"}
    assert app.trail(Action.CONFIRM) == app.trail(Action.CORRECT) == []


def test_the_page_is_for_her_own_recipients_still_held(app: Web) -> None:
    app.quarantine.mark(app.ann_hold, [SCHOOL], RecipientState.REJECTED, "reviewer")
    page = app.client().get(link(app.ann_hold)).text
    assert f"{SCHOOL}: refused by a reviewer" in words(page)
    assert f'name="recipient" value="{SCHOOL}"' not in page
    assert f'name="recipient" value="{GMAIL}"' in page


def test_an_app_without_the_installation_key_refuses_every_link(
    app: Web, database_url: str
) -> None:
    keyless = create_web_app(Config(), database_url, app.quarantine, ("127.0.0.1", 9), SECRET)
    with serve(keyless) as url, httpx.Client(base_url=url, timeout=60) as client:
        page = client.get(link(app.ann_hold))
    assert page.status_code == 404
    assert "not a valid link" in page.text
    assert app.trail(Action.VIEW) == []
