"""Logging in through an OpenID Connect provider: a real one (`idp.py`) on a loopback port,
the browser's trip there and back driven by httpx following the redirects. A user whose
verified email names an account gets in; a forged or replayed state, a token with another
nonce, signed by another key or expired, and an unverified email do not, each a failed
login in the audit trail. With roles from the provider's groups, accounts are made and
given roles at login, and a user without a role stays out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import tests.api.conftest as api_conftest
from sqlalchemy import select
from tests.api.conftest import serve
from tests.web.conftest import ANN, BOB, BOB_MESSAGE, PASSWORD, csrf_of, hold_ann, post_form
from tests.web.idp import CLIENT_ID, CLIENT_SECRET, Provider, provider_app, rsa_key

from mailwarden.config import config_from_dict
from mailwarden.gateway.quarantine import Quarantine
from mailwarden.record.audit import Action, AuditEntry, AuditTrail
from mailwarden.record.holds import HeldRecipient
from mailwarden.record.schema import WebSessionRow
from mailwarden.rules.base import Verdict
from mailwarden.web import Role, UserStore, create_web_app
from mailwarden.web.oidc import CALLBACK

NEWCOMER = "carol.white@example.police.uk"
ROLES = {"reviewer": "mailwarden-reviewers", "dpo": "data-protection"}


@dataclass
class Site:
    """The review app that logs in through the provider."""

    url: str
    provider: Provider
    users: UserStore
    trail: AuditTrail

    def browser(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, follow_redirects=True)

    def log_in(self, browser: httpx.Client) -> httpx.Response:
        """Press "Log in with …" and follow the redirects there and back."""
        return post_form(browser, "/login/oidc", {}, page="/login")

    def way_back(self, browser: httpx.Client) -> str:
        """Press the button and go to the provider, but not back: the URL it sends back to."""
        page = browser.get("/login")
        start = browser.post(
            "/login/oidc", data={"csrf": csrf_of(page.text)}, follow_redirects=False
        )
        to_provider = browser.get(start.headers["location"], follow_redirects=False)
        return str(to_provider.headers["location"])

    def entries(self, action: Action) -> list[AuditEntry]:
        return list(self.trail.entries(action=action))


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    provider = Provider()
    with serve(provider_app(provider)) as url:
        provider.issuer = url
        yield provider


@pytest.fixture
def site(
    database_url: str, tmp_path: Path, provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Site]]:
    """`site(roles=...)`: the app, configured for the provider, on a port known before it
    starts (its public URL is in its config: the redirect URI the provider checks)."""
    secret = tmp_path / "oidc-client-secret"
    secret.write_text(CLIENT_SECRET + "\n")
    with ExitStack() as stack:

        def start(roles: dict[str, str] | None = None) -> Site:
            listener = api_conftest.free_socket()
            url = f"http://127.0.0.1:{listener.getsockname()[1]}"
            monkeypatch.setattr(api_conftest, "free_socket", lambda: listener)  # serve on it
            config = config_from_dict(
                {
                    "web": {
                        "public_url": url,
                        "oidc_issuer": provider.issuer,
                        "oidc_client_id": CLIENT_ID,
                        "oidc_client_secret_file": str(secret),
                        "oidc_name": "Example Police SSO",
                        "oidc_roles": roles or {},
                    }
                }
            )
            quarantine = Quarantine(tmp_path / "quarantine", database_url, relay="relay.test")
            stack.callback(quarantine.close)
            users = UserStore(quarantine.store.engine)
            users.add(ANN, "Ann Smith", Role.SENDER, PASSWORD, by="test setup")
            hold_ann(quarantine)
            quarantine.hold(
                BOB_MESSAGE,
                BOB,
                [HeldRecipient("wrong@example.com", Verdict.HOLD, ("unrelated",))],
                subject="Interview notes",
            )
            app = create_web_app(config, database_url, quarantine, ("127.0.0.1", 9), b"key")
            stack.enter_context(serve(app))
            provider.reset(url + CALLBACK)
            return Site(url, provider, users, AuditTrail(quarantine.store.engine))

        yield start


def verified(email: str = ANN, **claims: Any) -> dict[str, Any]:
    return {"email": email, "email_verified": True, "name": "Ann Smith", **claims}


def test_a_user_whose_verified_email_names_an_account_logs_in(
    site: Callable[..., Site],
) -> None:
    app = site()
    app.provider.user = verified()
    browser = app.browser()
    page = browser.get("/login")
    assert "Log in with Example Police SSO" in page.text
    started = browser.post("/login/oidc", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    cookie = started.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and f"path={CALLBACK}" in cookie
    assert started.headers["location"].startswith(app.provider.issuer + "/authorize?")
    queue = browser.get(started.headers["location"])
    assert str(queue.url) == app.url + "/queue"
    assert "Ellie Marsh - AB/25/0093" in queue.text and "Interview notes" not in queue.text
    (login,) = app.entries(Action.LOGIN)
    assert (login.actor, login.details) == (ANN, {"via": "oidc", "client": "127.0.0.1"})
    with app.users.engine.connect() as conn:
        assert conn.execute(select(WebSessionRow.via)).scalars().all() == ["oidc"]
    assert app.users.get(ANN) is not None and app.users.get(ANN).role is Role.SENDER


def test_a_forged_state_is_refused_and_a_state_is_good_for_one_return(
    site: Callable[..., Site],
) -> None:
    app = site()
    app.provider.user = verified()
    browser = app.browser()
    query = parse_qs(urlsplit(app.way_back(browser)).query)
    forged = browser.get(CALLBACK, params={"code": query["code"][0], "state": "forged"})
    assert forged.status_code == 403
    assert "did not start here" in forged.text
    assert browser.get("/queue").url.path == "/login"

    browser = app.browser()
    back = app.way_back(browser)
    assert browser.get(back).url.path == "/queue"
    replayed = app.browser()
    replayed.cookies.update(browser.cookies)
    assert replayed.get(back).status_code == 403, "the attempt's cookie went with its return"
    assert app.provider.tokens_issued >= 1
    reasons = [e.details["reason"] for e in app.entries(Action.LOGIN_FAILED)]
    assert reasons == ["state", "state"]


@pytest.mark.parametrize(
    ("bend", "why"),
    [
        ({"nonce": "a nonce from another login"}, "another nonce"),
        ({"signing_key": rsa_key()}, "signed by another key"),
        ({"lifetime": -600}, "expired"),
    ],
)
def test_an_id_token_that_does_not_verify_lets_no_one_in(
    site: Callable[..., Site], bend: dict[str, Any], why: str
) -> None:
    app = site()
    app.provider.user = verified()
    for name, value in bend.items():
        setattr(app.provider, name, value)
    browser = app.browser()
    refused = app.log_in(browser)
    assert refused.status_code == 403, why
    assert "could not be verified" in refused.text
    assert browser.get("/queue").url.path == "/login"
    (failed,) = app.entries(Action.LOGIN_FAILED)
    assert failed.details == {"via": "oidc", "client": "127.0.0.1", "reason": "id_token"}
    assert app.entries(Action.LOGIN) == []


def test_an_unverified_email_names_no_account(site: Callable[..., Site]) -> None:
    app = site()
    app.provider.user = verified(email_verified=False)
    refused = app.log_in(app.browser())
    assert refused.status_code == 403
    assert "has not verified your email address" in refused.text
    (failed,) = app.entries(Action.LOGIN_FAILED)
    assert (failed.subject, failed.details["reason"]) == (ANN, "email_unverified")


def test_without_roles_from_the_provider_only_existing_accounts_get_in(
    site: Callable[..., Site],
) -> None:
    app = site()
    app.provider.user = verified(NEWCOMER, groups=[ROLES["reviewer"]])
    refused = app.log_in(app.browser())
    assert refused.status_code == 403
    assert f"There is no account for {NEWCOMER}" in refused.text
    assert app.users.get(NEWCOMER) is None


def test_groups_grant_a_role_making_the_account_and_changing_it_later(
    site: Callable[..., Site],
) -> None:
    app = site(roles=ROLES)
    app.provider.user = verified(NEWCOMER, name="Carol White", groups=["staff", ROLES["reviewer"]])
    queue = app.log_in(app.browser())
    assert queue.url.path == "/queue"
    assert "Interview notes" in queue.text, "a reviewer sees every hold"
    carol = app.users.get(NEWCOMER)
    assert carol is not None and (carol.role, carol.display_name) == (Role.REVIEWER, "Carol White")
    refused = post_form(app.browser(), "/login", {"login": NEWCOMER, "password": ""})
    assert refused.status_code in (401, 422), "an account made by OIDC has no password"

    app.provider.user = verified(NEWCOMER, groups=[ROLES["reviewer"], ROLES["dpo"]])
    assert app.log_in(app.browser()).url.path == "/queue"
    assert app.users.get(NEWCOMER).role is Role.DPO  # type: ignore[union-attr]
    changes = [(e.actor, e.subject, e.details) for e in app.entries(Action.ACCOUNT)]
    assert changes[-2:] == [
        ("oidc", NEWCOMER, {"change": "add", "role": "reviewer", "password": False}),
        ("oidc", NEWCOMER, {"change": "role", "role": "dpo", "was": "reviewer"}),
    ]


def test_a_user_whose_groups_give_no_role_stays_out(site: Callable[..., Site]) -> None:
    app = site(roles=ROLES)
    app.provider.user = verified(NEWCOMER, groups=["staff", "canteen"])
    refused = app.log_in(app.browser())
    assert refused.status_code == 403
    assert "give you no role here" in refused.text
    assert app.users.get(NEWCOMER) is None
    (failed,) = app.entries(Action.LOGIN_FAILED)
    assert (failed.subject, failed.details["reason"]) == (NEWCOMER, "no_role")
