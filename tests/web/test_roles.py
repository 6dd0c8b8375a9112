"""Who may do what, route by route: each row is a route, each column the status each
account gets. Anyone not logged in is sent to the login page (303); a sender sees only
their own holds (another's is 404, as if it did not exist) and decides none (403)."""

from __future__ import annotations

import pytest
from tests.web.conftest import ANN, BOB, GMAIL, Web, csrf_of, hold_ann

WHO = ["anonymous", "reviewer", "dpo", "admin", ANN, BOB]
ROUTES: list[tuple[str, str, list[int]]] = [
    # (method, path; "{ann}" is Ann's hold), then the status for each of WHO in order
    ("GET", "/queue", [303, 200, 200, 200, 200, 200]),
    ("GET", "/held/{ann}", [303, 200, 200, 200, 200, 404]),
    ("GET", "/held/no-such-hold", [303, 404, 404, 404, 404, 404]),
    ("POST", "/held/{ann}/reject", [303, 303, 303, 303, 403, 403]),
    ("POST", "/held/{ann}/return", [303, 303, 303, 303, 403, 403]),
    ("POST", "/held/{ann}/release", [303, 303, 303, 303, 403, 403]),
    ("GET", "/login", [200, 303, 303, 303, 303, 303]),  # logged in: on to the queue
    ("GET", "/static/style.css", [200, 200, 200, 200, 200, 200]),
]


@pytest.mark.parametrize(("method", "path", "expected"), ROUTES)
def test_every_route_for_every_role(web: Web, method: str, path: str, expected: list[int]) -> None:
    for who, status in zip(WHO, expected, strict=True):
        client = web.client() if who == "anonymous" else web.login(who)
        if method == "GET":
            response = client.get(path.format(ann=web.ann_hold))
        else:  # a hold of its own, still held, for each account's try
            url = path.format(ann=hold_ann(web.quarantine))
            token = csrf_of(client.get("/login" if who == "anonymous" else "/queue").text)
            response = client.post(url, data={"recipients": GMAIL, "csrf": token})
        assert response.status_code == status, f"{method} {path} as {who}"
        if who == "anonymous" and status == 303:
            assert response.headers["location"] == "/login"


def test_a_sender_sees_only_their_own_holds_in_the_queue(web: Web) -> None:
    ann = web.login(ANN).get("/queue").text
    assert "Ellie Marsh" in ann
    assert "Interview notes" not in ann
    bob = web.login(BOB).get("/queue").text
    assert "Interview notes" in bob
    assert "Ellie Marsh" not in bob


def test_a_sender_cannot_read_anothers_message_text(web: Web) -> None:
    response = web.login(BOB).get(f"/held/{web.ann_hold}")
    assert response.status_code == 404
    assert "Ellie" not in response.text
