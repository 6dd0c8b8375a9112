"""Logging in and out: the right password lets you in, a wrong one does not, and the sixth
failure in a quarter hour is refused whatever the password."""

from __future__ import annotations

from tests.web.conftest import ANN, PASSWORD, Web, csrf_of, post_form

from mailwarden.web.security import SESSION_COOKIE


def test_a_reviewer_logs_in_and_lands_on_the_queue(web: Web) -> None:
    client = web.client()
    response = post_form(client, "/login", {"login": "Reviewer", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["location"] == "/queue"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()
    queue = client.get("/queue")
    assert queue.status_code == 200
    assert "Ellie Marsh - AB/25/0093" in queue.text


def test_a_wrong_password_is_refused(web: Web) -> None:
    client = web.client()
    response = post_form(client, "/login", {"login": "reviewer", "password": "guess"})
    assert response.status_code == 401
    assert "wrong" in response.text
    # A screen reader hears which fields were wrong, and why.
    assert response.text.count('aria-invalid="true" aria-describedby="login-error"') == 2
    assert client.get("/queue").status_code == 303


def test_an_unknown_login_is_refused_the_same_way(web: Web) -> None:
    client = web.client()
    response = post_form(client, "/login", {"login": "nobody", "password": PASSWORD})
    assert response.status_code == 401


def test_a_disabled_account_cannot_log_in_and_its_session_ends(web: Web) -> None:
    client = web.login(ANN)
    assert web.users.disable(ANN, by="admin")
    assert client.get("/queue").status_code == 303
    refused = post_form(web.client(), "/login", {"login": ANN, "password": PASSWORD})
    assert refused.status_code == 401


def test_the_sixth_failure_in_a_row_is_refused_even_with_the_right_password(web: Web) -> None:
    client = web.client()
    for _ in range(5):
        assert post_form(client, "/login", {"login": "dpo", "password": "x"}).status_code == 401
    blocked = post_form(client, "/login", {"login": "dpo", "password": PASSWORD})
    assert blocked.status_code == 429
    other = post_form(web.client(), "/login", {"login": "admin", "password": PASSWORD})
    assert other.status_code == 303


def test_logging_out_ends_the_session(web: Web) -> None:
    client = web.login("admin")
    response = client.post("/logout", data={"csrf": csrf_of(client.get("/queue").text)})
    assert response.status_code == 303
    assert client.get("/queue").status_code == 303


def test_a_forged_session_cookie_is_not_a_login(web: Web) -> None:
    client = web.client()
    client.cookies.set(SESSION_COOKIE, "eyJsb2dpbiI6ImFkbWluIn0.forged.signature")
    assert client.get("/queue").status_code == 303


def test_a_login_longer_than_any_account_is_refused_like_any_wrong_one(web: Web) -> None:
    response = post_form(web.client(), "/login", {"login": "a" * 300, "password": "x"})
    assert response.status_code == 401
