"""The review web app end to end: Debian's Chromium, driven by Playwright, against the app
on a loopback port, with holds made by the real relay of the gateway tests.

One `stack` per database (SQLite, then the session's PostgreSQL), shared by the tests:

    sender ─SMTP─▶ Postfix ─▶ mailwarden gateway ─▶ holds (quarantine folder, record db)
                                (child process)                 ▲
                                      │ delivered,              │ read, decided
                                      ▼ notices                 │
           Postfix's re-injection smtpd ◀── releases ── the web app (a thread) ◀── Chromium
                                      │
                                      ▼
                the sink (the next hop: what was delivered, and the hold notices)

The web app and the gateway share the quarantine folder, the record database and the
installation key, as on a real host; the app's next hop is the gateway's, Postfix's
unfiltered re-injection port. Accounts: a reviewer, a DPO, and two senders.

One browser per session; a fresh context (no cookies) per test. Screenshots go to
artifacts/screenshots/. Skipped without Chromium or Postfix, except in CI, where the
Makefile installs both and these tests must run.
"""

from __future__ import annotations

import os
import secrets
import smtplib
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from tests.api.conftest import serve
from tests.postgres import PostgresServer

from mailwarden.cli_gateway import postfix_lines
from mailwarden.config import Config
from mailwarden.gateway.quarantine import Hold, Quarantine
from mailwarden.knowledge.keyfile import load_or_create_key
from mailwarden.scan import Scanner
from mailwarden.web import Role, UserStore, create_web_app

sys.path.append(str(Path(__file__).resolve().parents[2] / "bench"))

from postfix_instance import (
    POSTFIX,
    Gateway,
    Postfix,
    Sink,
    free_ports,
    running_postfix,
    serve_sink,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium reaches for Google's services, which this network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SECRET = b"the web app's session key for the browser tests"
PASSWORD = "correct horse battery staple"
DOMAIN = "example.police.uk"
ANN = f"ann.smith@{DOMAIN}"
BOB = f"bob.jones@{DOMAIN}"
SCHOOL = "safeguarding@greenfield.sch.uk"
GMAIL = "r.patel@gmail.com"
ACCOUNTS = {
    "reviewer": ("Rita Reviewer", Role.REVIEWER),
    "dpo": ("Dana Officer", Role.DPO),
    ANN: ("Ann Smith", Role.SENDER),
    BOB: ("Bob Jones", Role.SENDER),
}


def _need(path: str, what: str, install: str) -> None:
    if not Path(path).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{what} is not installed, and CI must run the browser tests")
        pytest.skip(f"{what} is not installed ({install})")


@dataclass
class Stack:
    """The relay and the web app on one database."""

    db: str
    url: str
    """The web app's base URL."""
    record_url: str
    quarantine: Quarantine
    postfix: Postfix
    gateway: Gateway
    sink: Sink
    key: bytes

    def send(self, raw: bytes, recipients: list[str], sender: str = ANN) -> None:
        """Submit a message to Postfix, as the sender's mail client would."""
        with smtplib.SMTP("127.0.0.1", self.postfix.port, timeout=60) as smtp:
            smtp.sendmail(sender, recipients, raw)

    def held(self, subject: str, seconds: float = 60.0) -> Hold:
        """The gateway's hold of the message with this subject, once it is recorded."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [h for h in self.quarantine.held(state=None) if h.subject == subject]
            if found:
                return found[0]
            time.sleep(0.2)
        raise AssertionError(f"{subject!r} was not held{self.diagnosis()}")

    def arrived(self, marker: bytes, seconds: float) -> list[str]:
        """Every recipient the sender's message with `marker` reached, waiting up to
        `seconds` for the first (notices and bounces are not the sender's message)."""
        deadline = time.monotonic() + seconds
        while True:
            found = sorted(
                r for m in self.sink.originals() if marker in m.content for r in m.rcpt_tos
            )
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def notice(self, subject: str, sender: str = ANN, seconds: float = 30.0) -> str:
        """The text of the hold notice the gateway mailed `sender` about `subject`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for received in list(self.sink.messages):
                if not received.automatic or received.rcpt_tos != [sender]:
                    continue
                message = message_from_bytes(received.content, policy=default)
                body = message.get_body(("plain",))
                text = str(body.get_content()) if body is not None else ""
                if subject in text or subject in str(message["Subject"]):
                    return text
            time.sleep(0.2)
        raise AssertionError(f"no notice about {subject!r} reached {sender}{self.diagnosis()}")

    def diagnosis(self) -> str:
        """What to print when an assertion fails: the queue and both logs' ends."""
        log = self.gateway.log.read_text(errors="replace") if self.gateway.log.exists() else ""
        return (
            f"\n--- postqueue -p\n{self.postfix.queued()[-2000:]}"
            f"\n--- gateway log\n{log[-2000:]}\n--- maillog\n{self.postfix.log()[-2000:]}"
        )


@pytest.fixture(scope="package", params=["sqlite", "postgresql"])
def stack(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    police_config: Config,
    scanner: Scanner,
) -> Iterator[Stack]:
    """Postfix, the gateway process and the web app on one record database."""
    _need(POSTFIX, "Postfix", "apt-get install postfix, or make postfix")
    _need(CHROMIUM, "Chromium", "apt-get install chromium, or make chromium")
    db = request.param
    folder = tmp_path_factory.mktemp(f"e2e-{db}")
    if db == "sqlite":
        record_url = f"sqlite:///{folder / 'record.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        record_url = server.create_database()
    key_file = folder / "mailwarden.key"
    key = load_or_create_key(key_file)
    with ExitStack() as stack:
        sink_port, filter_port, reinject_port = free_ports(3)
        sink = Sink()
        stack.callback(serve_sink(sink, sink_port).stop)
        quarantine = Quarantine(folder / "quarantine", record_url, relay="web")
        stack.callback(quarantine.close)
        users = UserStore(quarantine.store.engine)
        for login, (name, role) in ACCOUNTS.items():
            users.add(login, name, role, PASSWORD, by="test setup")
        app = create_web_app(
            police_config,
            record_url,
            quarantine,
            ("127.0.0.1", reinject_port),
            SECRET,
            scanner=scanner,
            install_key=key,
        )
        url = stack.enter_context(serve(app))
        config = folder / "mailwarden.toml"
        config.write_text(
            f'[organisation]\ndomains = ["{DOMAIN}"]\n\n'
            f'[knowledge]\nkey_file = "{key_file}"\n\n'
            f'[gateway]\ndatabase = "{record_url}"\nlink_base_url = "{url}/notice"\n'
        )
        lines = postfix_lines(f"127.0.0.1:{filter_port}", f"127.0.0.1:{reinject_port}")
        postfix = stack.enter_context(running_postfix(sink_port, lines))
        gateway = Gateway(
            filter_port,
            [
                *("--next-hop", f"127.0.0.1:{reinject_port}"),
                *("--quarantine", str(folder / "quarantine"), "--config", str(config)),
                *("--processes", "1"),
            ],
            folder / "gateway.log",
        )
        stack.callback(gateway.stop)
        gateway.start()
        yield Stack(db, url, record_url, quarantine, postfix, gateway, sink, key)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright's sync API, for this folder's tests only: while it runs, the main thread
    has an event loop running, and the rest of the suite's `asyncio.run` would refuse."""
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; never a downloaded browser."""
    _need(CHROMIUM, "Chromium", "apt-get install chromium, or make chromium")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, stack: Stack) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) pointed at the stack's web app."""
    context = browser.new_context(base_url=stack.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


Shoot = Callable[[Page, str], Path]


@pytest.fixture
def shoot(request: pytest.FixtureRequest, stack: Stack) -> Shoot:
    """`shoot(page, what)`: a full-page screenshot, artifacts/screenshots/TEST-WHAT-DB.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = request.node.originalname.removeprefix("test_")

    def take(page: Page, what: str) -> Path:
        path = SCREENSHOTS / f"{test}-{what}-{stack.db}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def case_report(subject: str, recipients: list[str], marked: bool = True) -> bytes:
    """Ann's report naming a child, her mother and their address; `marked`
    OFFICIAL-SENSITIVE (held for a reviewer), else only personal data to outside
    addresses (held for the sender to confirm)."""
    marking = "OFFICIAL-SENSITIVE\r\n\r\n" if marked else ""
    return (
        f"From: Ann Smith <{ANN}>\r\nTo: {', '.join(recipients)}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{secrets.token_hex(8)}@{DOMAIN}>\r\n"
        "Date: Mon, 24 Nov 2026 10:00:00 +0000\r\n\r\n"
        f"{marking}Dear colleague,\r\n\r\n"
        "Jane Marsh, of 12 Mill Lane, Leeds LS6 2AB, is the mother of Ellie Marsh\r\n"
        "(aged 9, NHS 485 777 3457), who was named by two pupils.\r\n\r\nAnn Smith\r\n"
    ).encode()


def unique(subject: str) -> str:
    """The subject with a tag, so the tests sharing a stack each find their own message."""
    return f"{subject} [{secrets.token_hex(3)}]"


def log_in(page: Page, login: str, password: str = PASSWORD) -> None:
    """Log in through the login page, as a person would."""
    page.goto("/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/queue*")
