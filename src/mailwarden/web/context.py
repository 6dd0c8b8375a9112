"""What every route of the review web app shares: `WebContext` (its stores, templates and
keys, built once by `create_web_app` and kept on `app.state.web`), and the dependencies
that guard the routes.

(No `from __future__ import annotations` here: FastAPI reads the dependencies' annotations.)

- `Web`: the context.
- `Viewer`: a live session (its row not ended or expired) of an enabled account, else a
  redirect to the login page.
- `Checked`: for every POST, the session's CSRF token in the form, else 403.
- `PageError(status, message)`: a request refused with a plain-words page.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from mailwarden.config import Config
from mailwarden.gateway.links import LinkSigner
from mailwarden.gateway.quarantine import Quarantine
from mailwarden.gateway.release import release, sent_recorder
from mailwarden.record.audit import AuditTrail
from mailwarden.record.holds import Hold, HoldNotFound
from mailwarden.record.schema import CLIENT_LENGTH
from mailwarden.record.sent import SentStore
from mailwarden.scan import Scanner
from mailwarden.web.accounts import User, UserStore
from mailwarden.web.oidc import OidcLogin
from mailwarden.web.security import SESSION_COOKIE, LoginLimiter, Session, Sessions


class PageError(Exception):
    """A request refused with this status and a plain-words page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class LoginRequired(Exception):
    """No valid session: the browser is sent to the login page."""


@dataclass(frozen=True, slots=True)
class WebContext:
    """The app's parts. `scanner` reads held and uploaded messages (findings, the sender's
    corrections); `links` checks the signed links in hold notices (None: no installation
    key was given, so notice links are refused); `oidc` is the OIDC login, made from
    `[web] oidc_issuer` unless given (None: not configured)."""

    config: Config
    engine: Engine
    users: UserStore
    trail: AuditTrail
    quarantine: Quarantine
    next_hop: tuple[str, int]
    sessions: Sessions
    limiter: LoginLimiter
    templates: Environment
    scanner: Scanner
    links: LinkSigner | None
    oidc: OidcLogin | None = None

    def __post_init__(self) -> None:
        if self.oidc is None and self.config.web.oidc_issuer:
            object.__setattr__(self, "oidc", OidcLogin(self.config.web))

    @property
    def target(self) -> timedelta:
        """How soon a held message should be decided."""
        return timedelta(hours=self.config.web.target_hours)

    def page(
        self, name: str, status: int = 200, session: Session | None = None, **context: Any
    ) -> HTMLResponse:
        """The template `name` rendered with `context` (and the session's CSRF token)."""
        html = self.templates.get_template(name).render(
            csrf=session.csrf if session else "", **context
        )
        response = HTMLResponse(html, status_code=status)
        if session is not None:
            self.set_session(response, session)
        return response

    def set_session(self, response: Response, session: Session) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            self.sessions.dump(session),
            max_age=self.sessions.max_age,
            httponly=True,
            samesite="strict",
            secure=self.config.web.secure_cookies,
            path="/",
        )

    def session_of(self, request: Request) -> Session | None:
        """The request's session (pre-login, or a live login), read once per request."""
        if "mailwarden.session" not in request.scope:
            cookie = request.cookies.get(SESSION_COOKIE)
            request.scope["mailwarden.session"] = self.sessions.load(self.engine, cookie)
        session: Session | None = request.scope["mailwarden.session"]
        return session

    def visible_hold(self, user: User, hold_id: str) -> Hold:
        """The hold, if this user may see it; else 404 (the same as no such hold)."""
        try:
            hold = self.quarantine.get(hold_id)
        except HoldNotFound as exc:
            raise PageError(404, "There is no held message with this ID.") from exc
        if not may_see(user, hold):
            raise PageError(404, "There is no held message with this ID.")
        return hold

    def release(self, hold_id: str, to: list[str], by: str) -> list[str]:
        """Deliver a held message to these of its held recipients (`gateway.release`) and
        keep what a breach would need of it (`[gateway] keep_sent`); whom it went to.
        Raises `ReleaseError` in plain words."""
        record_sent = None
        if self.config.gateway.keep_sent:
            found = self.quarantine.findings(hold_id)  # what it was held for: no second scan
            store = SentStore(self.engine)
            record_sent = sent_recorder(self.scanner, store, self.quarantine.relay, found)
        return release(self.quarantine, hold_id, to, self.next_hop, by=by, record_sent=record_sent)


def may_see(user: User, hold: Hold) -> bool:
    """Reviewers, DPOs and admins see every hold; a sender, only their own."""
    return user.reviews or hold.sender.lower() == user.login


def require_reviewer(user: User) -> None:
    if not user.reviews:
        raise PageError(403, "Only a reviewer may decide a held message.")


def web_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context


Web = Annotated[WebContext, Depends(web_context)]


def viewer(request: Request, web: Web) -> tuple[User, Session]:
    session = web.session_of(request)
    if session is None or not session.login:
        raise LoginRequired
    user = web.users.get(session.login)
    if user is None or user.disabled:
        raise LoginRequired
    return user, session


Viewer = Annotated[tuple[User, Session], Depends(viewer)]


def client_of(request: Request) -> str:
    """The client's address (behind a proxy, as uvicorn took it from X-Forwarded-For)."""
    return (request.client.host if request.client else "unknown")[:CLIENT_LENGTH]


async def checked_form(request: Request, web: Web) -> None:
    session = await run_in_threadpool(web.session_of, request)
    form = await request.form()
    token = form.get("csrf")
    if session is None or not session.csrf_ok(token if isinstance(token, str) else None):
        raise PageError(
            403,
            "This form has expired or did not come from this site. "
            "Go back, reload the page and try again.",
        )


Checked = Depends(checked_form)
