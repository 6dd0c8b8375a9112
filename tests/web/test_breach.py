"""The DPO's breach pages on a running app: a DPO opens a breach from a delivered message and
sees the named people, the children and the clock, and exports the PDF and JSON; answers,
tasks, drafts and state change through the forms; a breach opens from an uploaded file or
by hand; senders and reviewers are refused every route."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import httpx
from pypdf import PdfReader
from tests.breach.conftest import CHILDREN, MESSAGE, PUBLIC, SCHOOL, record_delivery
from tests.web.conftest import ANN, Web, csrf_of, post_form

from mailwarden.record.audit import Action, AuditTrail
from mailwarden.scan import Scanner

AWARE = (datetime.now(UTC) - timedelta(hours=80)).replace(second=0, microsecond=0)
"""The DPO became aware 80 hours ago: the 72-hour clock has run out."""
DEADLINE = AWARE + timedelta(hours=72)


def open_from_delivery(web: Web, client: httpx.Client, scanner: Scanner) -> str:
    """Open a breach from the recorded delivery, the school unticked; the breach's page."""
    sent_id = record_delivery(web.quarantine.store.engine, scanner)
    found = client.get("/breaches/new", params={"search": "mark.fenton"}).text
    assert "Re: your enquiry about the parking dispute" in found
    data = {
        "sent_id": str(sent_id),
        "wrong": [PUBLIC],
        "aware_at": AWARE.strftime("%Y-%m-%dT%H:%M"),
        "title": "Race-hate update sent to a member of the public",
    }
    response = post_form(client, "/breaches/new/sent", data, page="/breaches/new")
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_a_dpo_opens_a_breach_from_a_delivered_message_and_exports_the_pdf(
    web: Web, scanner: Scanner
) -> None:
    client = web.login("dpo")
    page = open_from_delivery(web, client, scanner)
    html = client.get(page).text
    assert '<h2 id="people-h">People named (3, 3 children)</h2>' in html
    for name in CHILDREN:
        assert re.search(
            rf"{name}.*?</td>\s*<td><span class=\"child-mark\">Child</span>", html, re.S
        )
    assert "child: &#39;aged 12&#39; next to the name" in html
    shown = DEADLINE.strftime("%Y-%m-%d %H:%M UTC")
    assert f'datetime="{DEADLINE.isoformat()}">{shown}</time>' in html
    assert "overdue by 8 h" in html
    assert "Notice to The parent or guardian of Priya Shah" in html
    assert "<td>" + SCHOOL + "</td><td>cc</td><td>no</td>" in html

    pdf = client.get(page + ".pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment;")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert shown in text
    for name in CHILDREN:
        assert f"{name} – CHILD" in text

    exported = client.get(page + ".json")
    assert exported.headers["content-disposition"].startswith("attachment;")
    assert exported.json()["clock"]["deadline"] == DEADLINE.isoformat()

    listed = client.get("/breaches").text
    assert "Race-hate update sent to a member of the public" in listed
    assert "3 (3 children)" in listed

    entries = list(AuditTrail(web.quarantine.store.engine).entries())
    subject = "breach " + page.rsplit("/", 1)[1]
    mine = [(e.actor, e.action) for e in entries if e.subject == subject]
    assert mine == [
        ("dpo", Action.BREACH_OPEN),
        ("dpo", Action.VIEW),
        ("dpo", Action.EXPORT),
        ("dpo", Action.EXPORT),
    ]
    written = repr([e.details for e in entries])
    assert not any(name.split()[0] in written for name in CHILDREN)


def test_answers_tasks_drafts_and_the_state_change_through_the_page(
    web: Web, scanner: Scanner
) -> None:
    client = web.login("admin")
    page = open_from_delivery(web, client, scanner)
    answers = {"high_risk": "yes", "contained": "Mr Fenton was phoned and asked to delete it."}
    assert post_form(client, page + "/answers", answers, page=page).status_code == 303
    html = client.get(page).text
    assert '<option value="yes" selected>yes</option>' in html
    # the notices and the report are drafted again from the answers
    assert html.count("Mr Fenton was phoned and asked to delete it.") >= 5

    report = "Report as sent to the ICO by phone, reference IC-1234."
    assert post_form(client, page + "/drafts", {"report": report}, page=page).status_code == 303
    post_form(client, page + "/answers", {"high_risk": "no"}, page=page)
    assert report in client.get(page).text  # a hand-edited draft stays

    task_id = re.search(r'action="(/breaches/\d+/tasks/\d+)"', html)
    assert task_id
    data = {"owner": "reviewer", "due_at": "2026-11-24T17:00", "done": "yes"}
    assert post_form(client, task_id.group(1), data, page=page).status_code == 303
    html = client.get(page).text
    assert "– done" in html and 'value="reviewer"' in html

    reported = post_form(client, page + "/state", {"state": "reported"}, page=page)
    assert reported.status_code == 303
    assert "after the deadline" in client.get(page).text
    again = post_form(client, page + "/state", {"state": "reported"}, page=page)
    assert again.status_code == 409


def test_a_breach_opens_from_an_uploaded_file_or_by_hand(web: Web) -> None:
    client = web.login("dpo")
    csrf = csrf_of(client.get("/breaches/new").text)
    upload = client.post(
        "/breaches/new/upload",
        data={"csrf": csrf, "aware_at": AWARE.strftime("%Y-%m-%dT%H:%M")},
        files={"message": ("report.eml", MESSAGE.read_bytes(), "message/rfc822")},
    )
    assert upload.status_code == 303, upload.text
    html = client.get(upload.headers["location"]).text
    assert "People named (3, 3 children)" in html
    assert "an uploaded message file" in html

    data = {
        "title": "Laptop left on a train",
        "aware_at": AWARE.strftime("%Y-%m-%dT%H:%M"),
        "what_happened": "An unencrypted laptop was lost.",
    }
    by_hand = post_form(client, "/breaches/new/hand", data, page="/breaches/new")
    page = by_hand.headers["location"]
    assert "An unencrypted laptop was lost." in client.get(page).text
    added = post_form(client, page + "/people", {"name": "Tom Reed", "child": "yes"}, page=page)
    assert added.status_code == 303
    assert "Notice to The parent or guardian of Tom Reed" in client.get(page).text

    future = {"title": "Later", "aware_at": "2099-01-01T00:00"}
    assert post_form(client, "/breaches/new/hand", future, page="/breaches/new").status_code == 400
    no_csrf = client.post("/breaches/new/hand", data={"title": "x", "aware_at": ""})
    assert no_csrf.status_code == 403


def test_senders_and_reviewers_are_refused_every_breach_route(web: Web, scanner: Scanner) -> None:
    page = open_from_delivery(web, web.login("dpo"), scanner)
    gets = ["/breaches", "/breaches/new", page, page + ".pdf", page + ".json"]
    posts = [
        "/breaches/new/sent",
        "/breaches/new/upload",
        "/breaches/new/hand",
        page + "/answers",
        page + "/drafts",
        page + "/people",
        page + "/tasks",
        page + "/tasks/1",
        page + "/state",
    ]
    for login in (ANN, "reviewer"):
        client = web.login(login)
        csrf = csrf_of(client.get("/queue").text)
        for path in gets:
            assert client.get(path).status_code == 403, (login, path)
        for path in posts:
            response = client.post(path, data={"csrf": csrf, "title": "x", "aware_at": ""})
            assert response.status_code == 403, (login, path)
    assert "Breaches" not in web.login("reviewer").get("/queue").text
    assert web.client().get("/breaches").status_code == 303  # to the login page
