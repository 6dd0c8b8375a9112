"""Server-side sessions and the shared login limit, through the served app: logging in
replaces the pre-login cookie, logging out or disabling the account kills every copy of a
session's cookie, two servers on one database count failed logins together, and each
login, failure and logout is in the audit trail without its password."""

from __future__ import annotations

import json

from sqlalchemy import select
from tests.api.conftest import serve
from tests.web.conftest import ANN, PASSWORD, SECRET, Web, csrf_of, post_form

from mailwarden.config import Config, config_from_dict
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.schema import WebSessionRow
from mailwarden.web import create_web_app
from mailwarden.web.security import SESSION_COOKIE


def test_logging_in_replaces_the_pre_login_cookie(web: Web) -> None:
    browser = web.client()
    before = browser.get("/login").cookies[SESSION_COOKIE]
    response = post_form(browser, "/login", {"login": "reviewer", "password": PASSWORD})
    after = response.cookies[SESSION_COOKIE]
    assert after != before
    fixated = web.client()
    fixated.cookies.set(SESSION_COOKIE, before)
    assert fixated.get("/queue").status_code == 303, "the cookie from before is no login"
    assert browser.get("/queue").status_code == 200


def test_a_copy_of_the_session_cookie_stops_working_at_logout(web: Web) -> None:
    browser = web.login("reviewer")
    thief = web.client()
    thief.cookies.set(SESSION_COOKIE, browser.cookies[SESSION_COOKIE])
    assert thief.get("/queue").status_code == 200
    logout = browser.post("/logout", data={"csrf": csrf_of(browser.get("/queue").text)})
    assert logout.status_code == 303
    assert thief.get("/queue").status_code == 303
    with web.users.engine.connect() as conn:
        (ended,) = conn.execute(select(WebSessionRow.ended_at)).scalars().all()
    assert ended is not None


def test_disabling_an_account_ends_all_its_sessions_and_no_one_elses(web: Web) -> None:
    desk, laptop, reviewer = web.login(ANN), web.login(ANN), web.login("reviewer")
    assert web.users.disable(ANN, by="admin")
    assert desk.get("/queue").status_code == 303
    assert laptop.get("/queue").status_code == 303
    assert reviewer.get("/queue").status_code == 200
    assert web.users.enable(ANN, by="admin")
    assert desk.get("/queue").status_code == 303, "enabled again, the old sessions stay ended"
    assert web.login(ANN).get("/queue").status_code == 200


def test_two_servers_on_one_database_count_failed_logins_together(web: Web) -> None:
    second = create_web_app(Config(), web.quarantine.url, web.quarantine, ("127.0.0.1", 9), SECRET)
    with serve(second) as second_url:
        other = web.client()
        other.base_url = second_url  # type: ignore[assignment]
        for client in (web.client(), other, web.client(), other, web.client()):
            wrong = post_form(client, "/login", {"login": "dpo", "password": "guess"})
            assert wrong.status_code == 401
        refused = post_form(other, "/login", {"login": "dpo", "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.text


def test_a_login_attacked_from_other_addresses_still_lets_its_owner_in(web: Web) -> None:
    web.login("dpo")  # the owner's usual client: 127.0.0.1
    for n in range(20):
        attacker = web.client()
        attacker.headers["X-Forwarded-For"] = f"198.51.100.{n}"  # trusted from 127.0.0.1
        assert post_form(attacker, "/login", {"login": "dpo", "password": "x"}).status_code == 401
    stranger = web.client()
    stranger.headers["X-Forwarded-For"] = "203.0.113.50"
    assert post_form(stranger, "/login", {"login": "dpo", "password": PASSWORD}).status_code == 429
    assert web.login("dpo").get("/queue").status_code == 200


def test_logins_failures_and_logouts_are_in_the_audit_trail_without_passwords(
    web: Web,
) -> None:
    refused = post_form(web.client(), "/login", {"login": "Reviewer", "password": "hunter2!"})
    assert refused.status_code == 401
    browser = web.login("reviewer")
    browser.post("/logout", data={"csrf": csrf_of(browser.get("/queue").text)})
    trail = AuditTrail(web.users.engine)
    entries = [(e.actor, e.action, e.subject, e.details) for e in trail.entries()]
    client = "127.0.0.1"
    assert [e for e in entries if e[1] != Action.ACCOUNT] == [
        (
            "web",
            "login_failed",
            "reviewer",
            {"via": "password", "client": client, "reason": "password"},
        ),
        ("reviewer", "login", "reviewer", {"via": "password", "client": client}),
        ("reviewer", "logout", "reviewer", {"client": client}),
    ]
    assert "hunter2" not in json.dumps([e.to_json() for e in trail.entries()])


def test_the_cookies_are_secure_when_the_app_is_reached_over_https(web: Web) -> None:
    config = config_from_dict({"web": {"secure_cookies": True}})
    app = create_web_app(config, web.quarantine.url, web.quarantine, ("127.0.0.1", 9), SECRET)
    with serve(app) as url:
        page = web.client().get(url + "/login")
    cookie = page.headers["set-cookie"].lower()
    assert "; secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
