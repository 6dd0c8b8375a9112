"""The queue: held messages oldest first, a page at a time, filtered by recipient state and
searched by sender; each row with its age against the target time and its reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from tests.web.conftest import BOB, GMAIL, SECRET, Web, hold_ann, post_form, serve

from mailwarden.config import config_from_dict
from mailwarden.record.schema import HoldRecipientRow, HoldRow
from mailwarden.web import create_web_app
from mailwarden.web.queue import PAGE_SIZE


def test_a_reviewer_sees_every_held_message_oldest_first_with_its_reasons(web: Web) -> None:
    html = web.login("reviewer").get("/queue").text
    assert html.index("Ellie Marsh - AB/25/0093") < html.index("Interview notes")
    assert "names a child and a crime reference" in html
    assert "a personal address never written to" in html
    assert "safeguarding@greenfield.sch.uk: hold, held" in html
    assert "target time to decide: 4 h 0 min" in html
    assert "overdue" not in html.split("<tbody>", 1)[1]


def test_searching_by_sender_and_filtering_by_state(web: Web) -> None:
    client = web.login("reviewer")
    bob = client.get("/queue", params={"search": "BOB.JONES"}).text
    assert "Interview notes" in bob and "Ellie Marsh" not in bob
    assert "No held messages match." in client.get("/queue", params={"search": "100%_"}).text
    page = f"/held/{web.ann_hold}"
    post_form(client, f"{page}/reject", {"recipients": [GMAIL]}, page=page)
    rejected = client.get("/queue", params={"state": "rejected"}).text
    assert "Ellie Marsh" in rejected and "Interview notes" not in rejected
    assert client.get("/queue", params={"state": "held"}).text.count("<tr>") == 3  # head + 2
    assert client.get("/queue", params={"state": "nonsense"}).status_code == 400


def test_the_queue_pages_through_many_holds(web: Web) -> None:
    extra = [hold_ann(web.quarantine) for _ in range(PAGE_SIZE)]
    client = web.login("admin")
    first = client.get("/queue").text
    assert first.count("<tr>") == PAGE_SIZE + 1
    assert "Next page" in first and "Previous page" not in first
    second = client.get("/queue", params={"page_number": 1}).text
    assert second.count("<tr>") == 2 + 1
    assert extra[-1] in second and "Previous page" in second and "Next page" not in second


def test_a_message_held_past_its_target_time_is_marked_overdue(web: Web) -> None:
    config = config_from_dict({"web": {"target_hours": 1}})
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2, minutes=5)
    with web.quarantine.store.engine.begin() as conn:
        conn.execute(
            update(HoldRow).where(HoldRow.id == web.bob_hold).values(held_at=two_hours_ago)
        )
        conn.execute(
            update(HoldRecipientRow)
            .where(HoldRecipientRow.hold_id == web.bob_hold)
            .values(held_at=two_hours_ago)
        )
    app = create_web_app(config, web.quarantine.url, web.quarantine, ("127.0.0.1", 9), SECRET)
    with serve(app) as url:
        other = Web(url, web.quarantine, web.users, web.sink, web.ann_hold, web.bob_hold)
        html = other.login(BOB).get("/queue").text
    assert "2 h 5 min <strong>(overdue)</strong>" in html


def test_the_session_cookie_is_secure_when_the_setting_says_so(web: Web) -> None:
    config = config_from_dict({"web": {"secure_cookies": True}})
    app = create_web_app(config, web.quarantine.url, web.quarantine, ("127.0.0.1", 9), SECRET)
    with serve(app) as url:
        cookie = Web(url, web.quarantine, web.users, web.sink, "", "").client().get("/login")
    assert "secure" in cookie.headers["set-cookie"].lower()
    assert "secure" not in web.client().get("/login").headers["set-cookie"].lower()
