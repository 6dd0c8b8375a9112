"""The dashboard: the organisation's numbers for every role, charts with their tables,
and each rule's release rate from reviewers' real decisions; nothing that names anyone."""

from __future__ import annotations

import re

import pytest
from tests.web.conftest import ANN, BOB, GMAIL, SCHOOL, Web, post_form

from mailwarden.record.audit import Action, AuditTrail


def gateway_verdicts(web: Web) -> None:
    """The entries the gateway wrote when it held the fixture's two messages, and a day's
    clean mail and pre-send checks."""
    trail = AuditTrail(web.quarantine.store.engine)
    ann = [
        {"address": SCHOOL, "verdict": "hold", "rules": ["unrelated_recipient"]},
        {"address": GMAIL, "verdict": "confirm", "rules": ["first_time_external"]},
    ]
    bob = [{"address": "wrong@example.com", "verdict": "hold", "rules": ["first_time_external"]}]
    for sender, recipients, hold in ((ANN, ann, web.ann_hold), (BOB, bob, web.bob_hold)):
        details = {"sender": sender, "recipients": recipients, "hold": hold}
        trail.append("gateway@relay.test", Action.VERDICT, f"<{hold}@x>", details)
    for n in range(5):
        clean = [{"address": BOB, "verdict": "deliver"}]
        details = {"sender": ANN, "recipients": clean, "hold": ""}
        trail.append("gateway@relay.test", Action.VERDICT, f"<clean-{n}@x>", details)
    details = {
        "sender": ANN,
        "token": "tok1",
        "recipients": [{"address": BOB, "verdict": "deliver"}],
    }
    trail.append("api", Action.VERDICT, "check-1", details)


def total(html: str, label: str) -> int:
    found = re.search(rf"<dt>{label}</dt><dd>(\d+)</dd>", html)
    assert found, f"no total {label!r}"
    return int(found.group(1))


def test_after_reviewers_decide_the_dashboard_shows_each_rules_release_rate(web: Web) -> None:
    gateway_verdicts(web)
    reviewer = web.login("reviewer")
    ann_page, bob_page = f"/held/{web.ann_hold}", f"/held/{web.bob_hold}"
    post_form(reviewer, f"{ann_page}/release", {"recipients": [GMAIL]}, page=ann_page)
    post_form(reviewer, f"{ann_page}/reject", {"recipients": [SCHOOL]}, page=ann_page)
    post_form(reviewer, f"{bob_page}/release", {"recipients": ["wrong@example.com"]}, page=bob_page)

    html = reviewer.get("/dashboard").text

    assert total(html, "Messages checked at the gateway") == 7
    assert total(html, "Drafts checked before sending") == 1
    assert (total(html, "Recipients held"), total(html, "Released")) == (3, 2)
    assert total(html, "Rejected by a reviewer") == 1
    rules = html.split('<table class="rules">', 1)[1]
    assert rules.index("first_time_external") < rules.index("unrelated_recipient")
    assert "<td>2 of 2</td><td>too few decisions to tell yet</td>" in rules  # never "100 %"
    assert "<td>0 of 1</td>" in rules


@pytest.mark.parametrize("login", ["reviewer", "dpo", "admin", ANN])
def test_every_role_sees_the_organisations_numbers_and_no_one_is_named(
    web: Web, login: str
) -> None:
    gateway_verdicts(web)
    response = web.login(login).get("/dashboard")

    assert response.status_code == 200
    html = response.text
    assert total(html, "Messages checked at the gateway") == 7
    assert total(html, "Waiting in the queue now") == 3
    for named in (ANN, BOB, GMAIL, SCHOOL, "wrong@example.com", "Ellie Marsh"):
        assert named not in html.split("<main", 1)[1].split("</nav>", 1)[-1]


def test_each_chart_is_a_figure_with_its_numbers_in_a_table_and_nothing_inline(web: Web) -> None:
    gateway_verdicts(web)
    html = web.login("dpo").get("/dashboard", params={"days": 7}).text

    assert html.count("<figure>") == 3 and html.count("<figcaption") == 3
    assert html.count('<svg class="chart"') == 3 and html.count("<table") == 3
    assert "in the last 7 days" in html
    assert 'href="/static/dashboard.css"' in html
    assert "<style" not in html and " style=" not in html  # the CSP allows no inline style
    assert "<script" not in html and not re.search(r"\son[a-z]+=", html)
    assert re.search(
        r'<rect class="gateway"[^>]*><title>\d\d \w{3}: 7 at the gateway</title>', html
    )


def test_with_an_empty_trail_the_page_says_so(web: Web) -> None:
    html = web.login("reviewer").get("/dashboard").text
    assert total(html, "Messages checked at the gateway") == 0
    assert "No rule held anything in these 30 days." in html
    assert "<title>" not in html.split("<body>", 1)[1]  # no bar drawn, so no bar's title


def test_the_dashboard_needs_a_login(web: Web) -> None:
    response = web.client().get("/dashboard")
    assert (response.status_code, response.headers["location"]) == (303, "/login")
