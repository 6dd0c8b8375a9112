"""Every error docs/api.md lists, from a running server: JSON `{"error": ...}` in plain words
that name the field at fault, the status the add-ins act on, and never a stack trace."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from mailwarden.api import create_app
from mailwarden.config import Config
from mailwarden.detect import Detector, FindingType, Match, TextContext
from mailwarden.knowledge.features import Keyer
from mailwarden.knowledge.store import KnowledgeStore
from mailwarden.record import open_record_database
from mailwarden.record.tokens import TokenStore
from mailwarden.report import ScanReport
from mailwarden.scan import Scanner

from .conftest import DOMAIN, KEY, MAX_DRAFT_BYTES, SENDER, Api, serve

CLEAN = {"to": ["bob.jones@example.police.uk"], "subject": "Lunch", "text": "Friday at 1?"}
PLAIN_MIME = b"From: ann.smith@example.police.uk\r\nTo: bob.jones@example.police.uk\r\n\r\nHi\r\n"


def error_of(response: httpx.Response, status: int) -> str:
    """The error's words, after checking the status and that the body is only them."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    expected = ["error", "limit_bytes"] if status == 413 else ["error"]
    assert list(body) == expected and isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in response.text
    return str(body["error"])


# ---- 401, 403: the token ----------------------------------------------------------------


def test_no_token_is_401_with_a_challenge(api: Api) -> None:
    with api.client() as anonymous:
        refused = anonymous.post("/v1/check", json=CLEAN)
    assert error_of(refused, 401) == "no API token: send Authorization: Bearer <token>"
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="mailwarden"'


@pytest.mark.parametrize("authorization", ["Bearer mw_not-a-token", "Basic YW5uOnMzY3JldA=="])
def test_an_unknown_token_is_401(api: Api, authorization: str) -> None:
    with api.client() as client:
        refused = client.post("/v1/check", json=CLEAN, headers={"Authorization": authorization})
    assert error_of(refused, 401) in (
        "the API token is not known",
        "no API token: send Authorization: Bearer <token>",
    )


def test_a_token_without_the_check_scope_is_403(api: Api) -> None:
    _, secret = api.tokens.create("no-scope", sender=SENDER, scopes=())
    with api.client(secret) as client:
        assert error_of(client.post("/v1/check", json=CLEAN), 403) == (
            "the API token 'no-scope' may not check drafts"
        )


# ---- 400, 413, 415: the body --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"to": [', "the body is not JSON: "),
        (b"", "the body is empty"),
        (b'{"to": ["\xff@example.com"]}', "the body is not UTF-8 text"),
        (b"[" * 100_000, "the body is "),
    ],
    ids=["truncated", "empty", "not UTF-8", "nested too deeply"],
)
def test_an_unreadable_body_is_400(ann: httpx.Client, body: bytes, words: str) -> None:
    sent = ann.post("/v1/check", content=body, headers={"Content-Type": "application/json"})
    assert error_of(sent, 400).startswith(words)


def test_a_body_declared_over_the_limit_is_413_before_it_is_read(ann: httpx.Client) -> None:
    body = b"{" + b" " * MAX_DRAFT_BYTES + b"}"
    sent = ann.post("/v1/check", content=body, headers={"Content-Type": "application/json"})
    assert error_of(sent, 413) == (
        f"the draft is {MAX_DRAFT_BYTES + 2:,} bytes, over the {MAX_DRAFT_BYTES:,} bytes "
        "mailwarden checks before sending"
    )
    assert sent.json()["limit_bytes"] == MAX_DRAFT_BYTES


def test_a_body_streamed_past_the_limit_is_413(ann: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"to": ["a@example.police.uk"], "text": "'
        for _ in range(MAX_DRAFT_BYTES // 8192 + 2):
            yield b"x" * 8192

    sent = ann.post("/v1/check", content=chunks(), headers={"Content-Type": "message/rfc822"})
    assert sent.request.headers["transfer-encoding"] == "chunked"
    assert error_of(sent, 413).startswith("the draft is ")


@pytest.mark.parametrize(
    ("content_type", "words"),
    [
        ("text/plain", "'text/plain': send application/json or message/rfc822"),
        ("", "no Content-Type: send application/json or message/rfc822"),
        ("multipart/form-data; boundary=x", "'multipart/form-data': send application/json or"),
    ],
)
def test_another_content_type_is_415(ann: httpx.Client, content_type: str, words: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    sent = ann.post("/v1/check", content=b"To: a@example.police.uk\r\n\r\nHi", headers=headers)
    assert error_of(sent, 415).startswith(words)


def test_confirm_takes_json_only(ann: httpx.Client) -> None:
    sent = ann.post("/v1/confirm", content=PLAIN_MIME, headers={"Content-Type": "message/rfc822"})
    assert error_of(sent, 415) == "'message/rfc822': send application/json"


# ---- 422: a malformed draft, the field named ----------------------------------------------

PDF = base64.b64encode(b"%PDF-1.4\n").decode()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"cc": ["dsl@greenfield.sch.uk", "Bob Jones"]}, "cc[1]: 'Bob Jones' is not an address"),
        ({"to": ["a@example.police.uk, b@example.police.uk"]}, "to[0]: names more than one"),
        ({"to": []}, "to: the draft has no recipients"),
        ({"to": None}, "to: Input should be a valid list"),
        ({"to": "a@example.police.uk"}, "to: Input should be a valid list"),
        ({"bcc": [7]}, "bcc[0]: Input should be a valid string"),
        ({"subject": "Lunch\r\nBcc: spy@example.com"}, "subject: contains a line break"),
        ({"in_reply_to": "not an id"}, "in_reply_to: 'not an id' is not a message ID"),
        ({"references": ["<a@b>", "<c d>"]}, "references[1]: '<c d>' is not a message ID"),
        ({"text": "\ud800"}, "text: Value error, contains a character that is not Unicode"),
        ({"from": "a@example.police.uk, b@example.police.uk"}, "from: names more than one"),
        (
            {"attachments": [{"filename": "a.pdf", "content_base64": "%%%"}]},
            "attachments[0].content_base64: is not base64",
        ),
        (
            {"attachments": [{"filename": "a.pdf", "content_type": "pdf", "content_base64": PDF}]},
            "attachments[0].content_type: 'pdf' is not a media type like application/pdf",
        ),
        (
            {"attachments": [{"content_base64": PDF}]},
            "attachments[0].filename: is missing",
        ),
        (
            {"attachments": [{"filename": "a\r\n.pdf", "content_base64": PDF}]},
            "attachments[0].filename: contains a line break",
        ),
    ],
)
def test_a_malformed_draft_is_422_naming_the_field(
    ann: httpx.Client, changes: dict[str, Any], words: str
) -> None:
    body = json.dumps({**CLEAN, **changes}).encode()  # ASCII: a lone surrogate goes as \ud800
    sent = ann.post("/v1/check", content=body, headers={"Content-Type": "application/json"})
    assert error_of(sent, 422).startswith(words)


def test_a_json_body_that_is_not_an_object_is_422(ann: httpx.Client) -> None:
    assert error_of(ann.post("/v1/check", json=["a@example.police.uk"]), 422) == (
        "the body must be a JSON object"
    )


def test_a_mime_draft_with_an_unreadable_sender_is_422(ann: httpx.Client) -> None:
    raw = b"From: Ann Smith\r\nTo: bob.jones@example.police.uk\r\n\r\nHi\r\n"
    sent = ann.post("/v1/check", content=raw, headers={"Content-Type": "message/rfc822"})
    assert error_of(sent, 422).startswith("from: ")


@pytest.mark.parametrize(
    ("asked", "words"),
    [
        ({"check_id": "c_1", "reason": " \t"}, "reason: a reason is needed to send anyway"),
        ({"check_id": "c_1"}, "reason: is missing"),
        ({"reason": "ok"}, "check_id: is missing"),
        ({"check_id": "", "reason": "ok"}, "check_id: String should have at least 1 character"),
        ({"check_id": "c_1\x00", "reason": "ok"}, "check_id: String should match pattern"),
        ({"check_id": "c_1", "reason": "ok\x00"}, "reason: Value error, contains a NUL character"),
    ],
)
def test_a_malformed_confirmation_is_422(
    ann: httpx.Client, asked: dict[str, str], words: str
) -> None:
    assert error_of(ann.post("/v1/confirm", json=asked), 422).startswith(words)


# ---- 404, 405: what is not there ------------------------------------------------------------


def test_an_unknown_check_is_404(ann: httpx.Client) -> None:
    sent = ann.post("/v1/confirm", json={"check_id": "c_" + "0" * 32, "reason": "ok"})
    assert "unknown, or expired" in error_of(sent, 404)


def test_unknown_paths_and_methods_answer_json(ann: httpx.Client) -> None:
    assert error_of(ann.get("/v1/check"), 405) == "Method Not Allowed"
    assert error_of(ann.post("/v2/check", json=CLEAN), 404) == "Not Found"


# ---- 503 and 500: our failures, never our internals -----------------------------------------


def broken_config() -> Config:
    from mailwarden.config import config_from_dict

    return config_from_dict({"organisation": {"domains": [DOMAIN]}})


@pytest.fixture
def record_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'record.db'}"


def client_for(record_url: str, base_url: str) -> httpx.Client:
    tokens = TokenStore(open_record_database(record_url))
    _, secret = tokens.create("failure", sender=SENDER)
    tokens.engine.dispose()
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {secret}"})


def test_the_knowledge_store_down_is_503(tmp_path: Path, record_url: str) -> None:
    store = KnowledgeStore.open(f"sqlite:///{tmp_path / 'k.db'}", Keyer(KEY), [DOMAIN])
    app = create_app(broken_config(), None, store, record_url, KEY)
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE correspondents"))
    with serve(app) as url, client_for(record_url, url) as client:
        sent = client.post("/v1/check", json=CLEAN)
    store.close()
    assert error_of(sent, 503) == "the knowledge store is unavailable; try again"


def test_the_record_database_down_is_503(record_url: str) -> None:
    app = create_app(broken_config(), None, None, record_url, KEY)
    with serve(app) as url, client_for(record_url, url) as client:
        engine = open_record_database(record_url)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE confirmations"))
            conn.execute(text("DROP TABLE checks"))
        engine.dispose()
        sent = client.post("/v1/check", json=CLEAN)
    assert error_of(sent, 503) == "the record database is unavailable; try again"


class BrokenRecognizer:
    name = "broken"
    description = "raises"
    finding_type = FindingType.PERSON

    def analyze(self, text: str, context: TextContext) -> Iterator[Match]:
        raise RuntimeError("secret internals: /srv/mailwarden/keys")


class BuggyScanner(Scanner):
    """A bug that gets past the scanner's own safety net."""

    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport:
        if source.startswith("api:"):
            raise RuntimeError("secret internals: /srv/mailwarden/keys")
        return super().scan_bytes(raw, source)


@pytest.mark.parametrize("where", ["inside the scan", "past the scan's safety net"])
def test_a_failure_of_ours_is_500_without_internals(record_url: str, where: str) -> None:
    if where == "inside the scan":
        scanner = Scanner(broken_config())
        scanner.detector = Detector([BrokenRecognizer()])
    else:
        scanner = BuggyScanner(broken_config())
    app = create_app(broken_config(), None, None, record_url, KEY, scanner=scanner)
    with serve(app) as url, client_for(record_url, url) as client:
        sent = client.post("/v1/check", json=CLEAN)
    words = error_of(sent, 500)
    assert words.startswith("internal error: ")
    assert "secret" not in sent.text and "RuntimeError" not in sent.text
