"""A held message's page and its decisions: the reasons per recipient, each finding marked
where it stands in the body and the attachments, the text escaped and the HTML sanitised
with nothing fetched, each view in the audit trail; a release to one recipient reaches the
next hop and the other stays held; rejecting and returning are recorded with the reviewer."""

from __future__ import annotations

import re

from tests.web.conftest import ANN, GMAIL, SCHOOL, Web, post_form
from tests.web.test_findings import REFERRAL, a_report

from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.holds import HeldRecipient
from mailwarden.rules.base import Verdict


def test_a_reviewer_releases_to_one_recipient_and_the_other_stays_held(web: Web) -> None:
    client = web.login("reviewer")
    page = f"/held/{web.ann_hold}"
    response = post_form(client, f"{page}/release", {"recipients": [SCHOOL]}, page=page)
    assert response.status_code == 303
    (received,) = web.sink.wait_for(1)
    assert received.rcpt_tos == [SCHOOL]
    assert received.mail_from == ANN
    states = {
        r.address: (r.state.value, r.decided_by)
        for r in web.quarantine.get(web.ann_hold).recipients
    }
    assert states == {SCHOOL: ("released", "reviewer"), GMAIL: ("held", "")}
    release = [
        e for e in AuditTrail(web.quarantine.store.engine).entries() if e.action == Action.RELEASE
    ]
    assert [(e.actor, e.subject, e.details["recipients"]) for e in release] == [
        ("reviewer", web.ann_hold, [SCHOOL])
    ]


def test_a_reviewer_rejects_with_a_note_and_it_is_recorded(web: Web) -> None:
    client = web.login("dpo")
    page = f"/held/{web.ann_hold}"
    data: dict[str, str | list[str]] = {
        "recipients": [GMAIL],
        "note": "Personal address: not for case material.",
    }
    assert post_form(client, f"{page}/reject", data, page=page).status_code == 303
    gmail = next(r for r in web.quarantine.get(web.ann_hold).recipients if r.address == GMAIL)
    assert (gmail.state.value, gmail.decided_by, gmail.note) == (
        "rejected",
        "dpo",
        "Personal address: not for case material.",
    )
    assert "Personal address: not for case material." in client.get(page).text
    entries = AuditTrail(web.quarantine.store.engine).entries()
    assert [(e.actor, e.action, e.details) for e in entries if e.action == Action.REJECT] == [
        ("dpo", Action.REJECT, {"recipients": [GMAIL]})
    ]
    assert web.sink.messages == []


def test_returning_to_the_sender_is_recorded(web: Web) -> None:
    client = web.login("admin")
    page = f"/held/{web.ann_hold}"
    data: dict[str, str | list[str]] = {"recipients": [SCHOOL, GMAIL]}
    assert post_form(client, f"{page}/return", data, page=page).status_code == 303
    assert {r.state.value for r in web.quarantine.get(web.ann_hold).recipients} == {"returned"}
    entries = AuditTrail(web.quarantine.store.engine).entries()
    assert [e.actor for e in entries if e.action == Action.RETURN] == ["admin"]


def test_a_decided_recipient_cannot_be_decided_again(web: Web) -> None:
    client = web.login("reviewer")
    page = f"/held/{web.ann_hold}"
    assert (
        post_form(client, f"{page}/reject", {"recipients": [GMAIL]}, page=page).status_code == 303
    )
    again = post_form(client, f"{page}/release", {"recipients": [GMAIL]}, page=page)
    assert again.status_code == 409
    assert web.sink.messages == []


def test_the_page_marks_the_children_where_they_stand_in_the_body_and_the_attachment(
    web: Web,
) -> None:
    hold_id = web.quarantine.hold(
        a_report({"referral.docx": REFERRAL}, html="<p>See <b>the referral</b>.</p>"),
        ANN,
        [HeldRecipient(SCHOOL, Verdict.HOLD, ("names two children and an NHS number",))],
        subject="Concern",
    )
    html = web.login("reviewer").get(f"/held/{hold_id}").text
    assert "names two children and an NHS number" in html
    assert '<link rel="stylesheet" href="/static/review.css">' in html
    body, attachment = html.split("<h3>Message body</h3>")[1].split(
        "<h3>Attachment referral.docx</h3>"
    )
    for part in (body, attachment):
        for text in ("Ellie Marsh", "Tom Marsh", "943 476 5919"):
            assert re.search(
                rf'<mark id="f-\d+"[^>]*><span class="visually-hidden">[^<]*</span>{text}</mark>',
                part,
            )
    anchors = re.findall(r'<mark id="(f-\d+)"', html)
    assert len(anchors) >= 6
    assert re.findall(r'<a href="#(f-\d+)">', html) == anchors
    assert "<b>the referral</b>" in attachment.split("<details", 1)[1]
    assert web.client().get("/static/review.css").status_code == 200


def test_the_page_gives_each_recipients_reasons_and_the_html_made_safe(web: Web) -> None:
    html = web.login("reviewer").get(f"/held/{web.ann_hold}").text
    assert "names a child and a crime reference" in html
    assert "a personal address never written to" in html
    assert "Ellie Marsh" in html
    main = html.split("<main", 1)[1]
    assert "<script" not in main
    assert "alert(1)" not in main
    assert "tracker.example.com" not in html
    assert "<img" not in main
    assert "<b>Ellie Marsh</b> is below.</p>\n[image]" in main


def test_a_plain_text_message_shows_its_markup_as_text(web: Web) -> None:
    hold_id = web.quarantine.hold(
        b"From: bob.jones@example.police.uk\nSubject: x\n\nSee <img src=https://evil.example/x>\n",
        "bob.jones@example.police.uk",
        web.quarantine.get(web.bob_hold).recipients,
    )
    html = web.login("reviewer").get(f"/held/{hold_id}").text
    assert "See &lt;img src=https://evil.example/x&gt;" in html


def test_every_view_of_a_message_is_in_the_audit_trail(web: Web) -> None:
    web.login("reviewer").get(f"/held/{web.ann_hold}")
    web.login(ANN).get(f"/held/{web.ann_hold}")
    web.login("dpo").get("/queue")
    views = [
        e for e in AuditTrail(web.quarantine.store.engine).entries() if e.action == Action.VIEW
    ]
    assert [(e.actor, e.subject) for e in views] == [
        ("reviewer", web.ann_hold),
        (ANN, web.ann_hold),
    ]
    assert AuditTrail(web.quarantine.store.engine).verify().ok


def test_a_view_refused_is_not_recorded_as_a_view(web: Web) -> None:
    web.login("bob.jones@example.police.uk").get(f"/held/{web.ann_hold}")
    entries = AuditTrail(web.quarantine.store.engine).entries()
    assert [e for e in entries if e.action == Action.VIEW] == []


def test_a_held_message_whose_file_cannot_be_read_is_a_503_page_not_recorded_as_seen(
    web: Web,
) -> None:
    (web.quarantine.folder / web.quarantine.get(web.bob_hold).path).unlink()
    page = web.login("reviewer").get(f"/held/{web.bob_hold}")
    assert page.status_code == 503
    assert "cannot be read now" in page.text
    assert "Traceback" not in page.text
    views = [
        e for e in AuditTrail(web.quarantine.store.engine).entries() if e.action == Action.VIEW
    ]
    assert views == []
