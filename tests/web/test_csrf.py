"""Every form carries its session's CSRF token; a POST without it, or with another
session's, is refused with 403 and changes nothing."""

from __future__ import annotations

import pytest
from tests.web.conftest import ANN, SCHOOL, Web, csrf_of

ACTIONS = ["release", "reject", "return"]


@pytest.mark.parametrize("action", ACTIONS)
def test_a_decision_posted_without_its_token_is_refused(web: Web, action: str) -> None:
    client = web.login("reviewer")
    response = client.post(f"/held/{web.ann_hold}/{action}", data={"recipients": SCHOOL})
    assert response.status_code == 403
    assert [r.state.value for r in web.quarantine.get(web.ann_hold).recipients] == ["held"] * 2
    assert web.sink.messages == []


def test_another_sessions_token_is_refused(web: Web) -> None:
    mallory = web.login(ANN)
    token = csrf_of(mallory.get("/queue").text)
    reviewer = web.login("reviewer")
    response = reviewer.post(
        f"/held/{web.ann_hold}/reject", data={"recipients": SCHOOL, "csrf": token}
    )
    assert response.status_code == 403


def test_a_login_form_without_its_token_is_refused(web: Web) -> None:
    response = web.client().post("/login", data={"login": "admin", "password": "x"})
    assert response.status_code == 403


def test_logging_out_without_the_token_is_refused(web: Web) -> None:
    client = web.login("admin")
    assert client.post("/logout").status_code == 403
    assert client.get("/queue").status_code == 200
