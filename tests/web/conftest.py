"""A real review web app for the tests: `create_web_app` served by uvicorn on a loopback
port in a thread, on a record database that is SQLite or the session's PostgreSQL (`web`
is parametrized over both through `database_url`), with a real aiosmtpd sink as the next
hop, reached through httpx clients that keep their cookies.

The accounts: one per role, and a second sender. The holds: Ann Smith's report on Ellie
Marsh, held for the school (hold) and a personal Gmail address (confirm); and Bob
Jones's message to a wrong address.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.api.conftest import serve

from mailwarden.config import Config
from mailwarden.gateway.quarantine import Quarantine
from mailwarden.record.audit import Action, AuditEntry, AuditTrail
from mailwarden.record.holds import HeldRecipient, Hold
from mailwarden.rules.base import Verdict
from mailwarden.web import Role, UserStore, create_web_app

sys.path.append(str(Path(__file__).resolve().parents[2] / "bench"))

from postfix_instance import Sink, free_ports, serve_sink

SECRET = b"the web app's session key for the tests"
KEY = bytes.fromhex("5f1c0e9a7d3b2a4c6e8f0a1b3c5d7e9f2b4d6f8a0c2e4a6b8d0f1e3c5a7b9d1f")
"""The installation key: hold notices' links are signed with it."""
PASSWORD = "correct horse battery staple"
ANN = "ann.smith@example.police.uk"
BOB = "bob.jones@example.police.uk"
SCHOOL = "safeguarding@greenfield.sch.uk"
GMAIL = "r.patel@gmail.com"
ACCOUNTS = {
    "reviewer": Role.REVIEWER,
    "dpo": Role.DPO,
    "admin": Role.ADMIN,
    ANN: Role.SENDER,
    BOB: Role.SENDER,
}
ANN_MESSAGE = f"""\
From: Ann Smith <{ANN}>
To: {SCHOOL}, {GMAIL}
Subject: Ellie Marsh - AB/25/0093
Message-ID: <ellie-1@example.police.uk>
Content-Type: text/html; charset=utf-8

<p>Dear colleague, the report on <b>Ellie Marsh</b> is below.</p>
<img src="https://tracker.example.com/pixel.gif"><script>alert(1)</script>
""".encode()
BOB_MESSAGE = f"""\
From: Bob Jones <{BOB}>
To: wrong@example.com
Subject: Interview notes
Message-ID: <bob-1@example.police.uk>

Notes from the interview with Carl Dane, 12 Mill Lane.
""".encode()


@dataclass
class Web:
    """The running app, its quarantine, its accounts and the next hop's sink."""

    url: str
    quarantine: Quarantine
    users: UserStore
    sink: Sink
    ann_hold: str
    bob_hold: str

    def client(self) -> httpx.Client:
        """A browser with no login (a sender clicking a notice's link, say)."""
        return httpx.Client(base_url=self.url, timeout=60, follow_redirects=False)

    def trail(self, action: Action) -> list[AuditEntry]:
        """The audit trail's entries of this action."""
        return [e for e in AuditTrail(self.quarantine.store.engine).entries() if e.action == action]

    def hold(self, hold_id: str) -> Hold:
        return self.quarantine.get(hold_id)

    def login(self, login: str, password: str = PASSWORD) -> httpx.Client:
        """A client logged in as this account."""
        client = self.client()
        response = post_form(client, "/login", {"login": login, "password": password})
        assert response.status_code == 303, response.text
        return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def post_form(
    client: httpx.Client, path: str, data: dict[str, str | list[str]], page: str | None = None
) -> httpx.Response:
    """Post a form as a browser would: with the CSRF token of the page it is on."""
    html = client.get(page or path).text
    return client.post(path, data={**data, "csrf": csrf_of(html)})


def hold_ann(quarantine: Quarantine) -> str:
    """Ann's report on Ellie Marsh, held for the school and for a Gmail address."""
    return quarantine.hold(
        ANN_MESSAGE,
        ANN,
        [
            HeldRecipient(SCHOOL, Verdict.HOLD, ("names a child and a crime reference",)),
            HeldRecipient(GMAIL, Verdict.CONFIRM, ("a personal address never written to",)),
        ],
        subject="Ellie Marsh - AB/25/0093",
    )


@pytest.fixture
def web(database_url: str, tmp_path: Path) -> Iterator[Web]:
    sink = Sink()
    (port,) = free_ports(1)
    controller = serve_sink(sink, port)
    quarantine = Quarantine(tmp_path / "quarantine", database_url, relay="relay.test")
    users = UserStore(quarantine.store.engine)
    for login, role in ACCOUNTS.items():
        name = login.split("@")[0].replace(".", " ").title()
        users.add(login, name, role, PASSWORD, by="test setup")
    ann_hold = hold_ann(quarantine)
    bob_hold = quarantine.hold(
        BOB_MESSAGE,
        BOB,
        [HeldRecipient("wrong@example.com", Verdict.HOLD, ("an unrelated new recipient",))],
        subject="Interview notes",
    )
    app = create_web_app(
        Config(), database_url, quarantine, ("127.0.0.1", port), SECRET, install_key=KEY
    )
    try:
        with serve(app) as url:
            yield Web(url, quarantine, users, sink, ann_hold, bob_hold)
    finally:
        controller.stop()
        quarantine.close()
