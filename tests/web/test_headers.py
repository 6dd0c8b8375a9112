"""Every response, page or error or file, forbids what a held message's page must never
do: run inline script, load anything from elsewhere, be framed, leak its address."""

from __future__ import annotations

import re

from tests.web.conftest import ANN, Web

PATHS = [
    "/login",
    "/queue",
    "/held/{ann}",
    "/held/missing",
    "/queue?state=nonsense",
    "/static/style.css",
    "/",
]


def assert_strict(response_headers: dict[str, str], where: str) -> None:
    csp = response_headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp, where
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp, where
    assert "frame-ancestors 'none'" in csp, where
    assert response_headers.get("x-frame-options") == "DENY", where
    assert response_headers.get("referrer-policy") == "no-referrer", where


def test_every_page_carries_the_strict_headers_logged_in_or_not(web: Web) -> None:
    for client in (web.client(), web.login("reviewer"), web.login(ANN)):
        for path in PATHS:
            response = client.get(path.format(ann=web.ann_hold))
            assert_strict(dict(response.headers), f"{path}: {response.status_code}")


def test_pages_load_nothing_from_elsewhere_and_have_no_inline_script(web: Web) -> None:
    client, anonymous = web.login("reviewer"), web.client()
    for path in ("/login", "/queue", f"/held/{web.ann_hold}"):
        html = (anonymous if path == "/login" else client).get(path).text
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), path
        assert "<script" not in html.split("<pre", 1)[0], path
        assert 'href="#main"' in html and 'id="main"' in html, path
