"""A real pre-send API for the tests: `mailwarden.api.create_app` served by uvicorn on a
loopback port in a thread, its record database and knowledge store on SQLite or on the
session's PostgreSQL (`api` is parametrized over both), reached through httpx.

The knowledge store has learned one thread: Ann Smith and the Greenfield school's
safeguarding lead discussing Ellie Marsh, case AB/25/0093. The policy is the shipped
one with docs/api.md's change: an unrelated new recipient is `confirm`, not `hold`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from itertools import count

import httpx
import pytest
import uvicorn
from tests.postgres import PostgresServer

from mailwarden.api import create_app
from mailwarden.config import Config, config_from_dict
from mailwarden.knowledge.features import Keyer
from mailwarden.knowledge.store import KnowledgeStore
from mailwarden.policy.schema import Policy, parse_policy
from mailwarden.record import open_record_database
from mailwarden.record.checks import CheckStore
from mailwarden.record.tokens import TokenStore
from mailwarden.scan import Scanner

KEY = b"an installation key for the tests"
DOMAIN = "example.police.uk"
SENDER = "ann.smith@example.police.uk"
SCHOOL = "safeguarding@greenfield.sch.uk"
ADVOCATE = "r.patel@gmail.com"
MAX_DRAFT_BYTES = 256 * 1024

HISTORY = f"""\
From: Ann Smith <{SENDER}>
To: Greenfield Safeguarding <{SCHOOL}>
Subject: Ellie Marsh - AB/25/0093
Date: Mon, 02 Nov 2026 09:00:00 +0000
Message-ID: <history-1@example.police.uk>

Dear colleague,

I am the officer in case AB/25/0093. Ellie Marsh was named by two pupils; I will
call about the strategy meeting.

Ann Smith
"""

_names = count(1)


def api_policy() -> Policy:
    """The shipped policy, but an unrelated new recipient is confirmed, as in docs/api.md."""
    text = files("mailwarden.policy").joinpath("default_policy.toml").read_text("utf-8")
    section = text.index("[actions.unrelated_recipient]")
    line = text.index('new = "hold"', section)
    return parse_policy(text[:line] + 'new = "confirm"' + text[line + 12 :], "policy.toml")


@dataclass
class Api:
    """The running API and the stores behind it."""

    url: str
    config: Config
    tokens: TokenStore
    checks: CheckStore

    def token(self, sender: str = SENDER, domain: str = "") -> str:
        """A new token's secret, for one sender (default) or one domain."""
        _, secret = self.tokens.create(
            f"test-{next(_names)}", sender="" if domain else sender, domain=domain
        )
        return secret

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


def free_socket() -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    return listener


@contextmanager
def serve(app: object) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread until the generator is closed; its base URL."""
    listener = free_socket()
    host, port = listener.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()


def learned_store(url: str) -> KnowledgeStore:
    """A knowledge store that has learned the Ellie Marsh thread."""
    store = KnowledgeStore.open(url, Keyer(KEY), [DOMAIN])
    config = config_from_dict({"organisation": {"domains": [DOMAIN]}})
    report = Scanner(config, knowledge=store).scan_bytes(HISTORY.encode())
    store.learn(report.message, report.features, raw=HISTORY.encode())
    return store


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'mailwarden.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.create_database()
    config = config_from_dict(
        {"organisation": {"domains": [DOMAIN]}, "api": {"max_draft_bytes": MAX_DRAFT_BYTES}}
    )
    store = learned_store(url)
    app = create_app(config, api_policy(), store, url, KEY)
    engine = open_record_database(url)
    try:
        with serve(app) as base_url:
            yield Api(base_url, config, TokenStore(engine), CheckStore(engine))
    finally:
        engine.dispose()
        store.close()


@pytest.fixture
def ann(api: Api) -> Iterator[httpx.Client]:
    """Ann Smith's add-in: a token for her address."""
    with api.client(api.token()) as client:
        yield client
