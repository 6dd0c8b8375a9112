"""The review web app (issue 7): log in, work the queue of held messages, read one, decide.

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations.)

`create_web_app` builds everything once. Every route but the login page and the static
files takes `Depends(viewer)`: a valid session of an enabled account, or a redirect to the
login page. Every POST takes `Depends(checked_form)` too: the session's CSRF token in the
form, or 403. Who may see a hold is `may_see`; who may decide one, `User.reviews`.
Routes are plain functions: FastAPI runs them in its thread pool, where the record
database's and the next hop's blocking calls belong.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from mailwarden.config import Config
from mailwarden.gateway.quarantine import Quarantine, QuarantineError
from mailwarden.gateway.release import ReleaseError, release
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.database import open_record_database
from mailwarden.record.holds import Hold, HoldNotFound, RecipientState
from mailwarden.web.accounts import User, UserStore
from mailwarden.web.queue import PAGE_SIZE, QueueFilter, queue_page
from mailwarden.web.security import (
    SECURITY_HEADERS,
    SESSION_COOKIE,
    LoginLimiter,
    Session,
    Sessions,
)
from mailwarden.web.text import readable_text

log = logging.getLogger("mailwarden.web")
STATES = {
    "held": RecipientState.HELD,
    "released": RecipientState.RELEASED,
    "rejected": RecipientState.REJECTED,
    "returned": RecipientState.RETURNED,
    "all": None,
}


class PageError(Exception):
    """A request refused with this status and a plain-words page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class LoginRequired(Exception):
    """No valid session: the browser is sent to the login page."""


def may_see(user: User, hold: Hold) -> bool:
    """Reviewers, DPOs and admins see every hold; a sender, only their own."""
    return user.reviews or hold.sender.lower() == user.login


def create_web_app(
    config: Config,
    record_url: str,
    quarantine: Quarantine,
    next_hop: tuple[str, int],
    secret_key: bytes,
) -> FastAPI:
    """The review web app on the record database at `record_url` (its accounts and audit
    trail) and this quarantine (its holds); releases go to `next_hop`; sessions are signed
    with `secret_key`. Raises `record.RecordError` when the database cannot be opened."""
    settings = config.web
    engine = open_record_database(record_url)
    users, trail = UserStore(engine), AuditTrail(engine)
    sessions = Sessions(secret_key, settings.session_minutes)
    limiter = LoginLimiter()
    target = timedelta(hours=settings.target_hours)
    templates = Environment(
        loader=PackageLoader("mailwarden.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )

    app = FastAPI(title="mailwarden review", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=str(files("mailwarden.web") / "static")), "static")

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    def page(
        name: str, status: int = 200, session: Session | None = None, **context: Any
    ) -> HTMLResponse:
        html = templates.get_template(name).render(csrf=session.csrf if session else "", **context)
        response = HTMLResponse(html, status_code=status)
        if session is not None:
            set_session(response, session)
        return response

    def set_session(response: Response, session: Session) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            sessions.dump(session),
            max_age=sessions.max_age,
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
            path="/",
        )

    @app.exception_handler(PageError)
    async def refused(request: Request, exc: PageError) -> HTMLResponse:
        return page("error.html", exc.status, message=str(exc), user=None)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse("/login", status_code=303)

    def session_of(request: Request) -> Session | None:
        return sessions.load(request.cookies.get(SESSION_COOKIE))

    def viewer(request: Request) -> tuple[User, Session]:
        session = session_of(request)
        if session is None or not session.login:
            raise LoginRequired
        user = users.get(session.login)
        if user is None or user.disabled:
            raise LoginRequired
        return user, session

    Viewer = Annotated[tuple[User, Session], Depends(viewer)]

    async def checked_form(request: Request) -> None:
        session = session_of(request)
        form = await request.form()
        token = form.get("csrf")
        if session is None or not session.csrf_ok(token if isinstance(token, str) else None):
            raise PageError(
                403,
                "This form has expired or did not come from this site. "
                "Go back, reload the page and try again.",
            )

    Checked = Depends(checked_form)

    def reviewer(user: User) -> None:
        if not user.reviews:
            raise PageError(403, "Only a reviewer may decide a held message.")

    def visible_hold(user: User, hold_id: str) -> Hold:
        try:
            hold = quarantine.get(hold_id)
        except HoldNotFound as exc:
            raise PageError(404, "There is no held message with this ID.") from exc
        if not may_see(user, hold):
            raise PageError(404, "There is no held message with this ID.")
        return hold

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/queue", status_code=303)

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> Response:
        session = session_of(request)
        if session is not None and session.login:
            return RedirectResponse("/queue", status_code=303)
        if session is None:
            session = Session.new()
        return page("login.html", session=session, user=None, error="")

    @app.post("/login", response_class=HTMLResponse, dependencies=[Checked])
    def login(
        request: Request, login: Annotated[str, Form()], password: Annotated[str, Form()]
    ) -> Response:
        name = login.strip().lower()
        session = session_of(request) or Session.new()
        if limiter.blocked(name):
            log.warning("login refused: too many failed logins for %r", name)
            return page(
                "login.html",
                429,
                session=session,
                user=None,
                error="Too many failed attempts for this login. Try again later.",
            )
        user = users.authenticate(name, password)
        if user is None:
            limiter.failed(name)
            log.warning(
                "failed login for %r from %s", name, request.client.host if request.client else "?"
            )
            return page(
                "login.html",
                401,
                session=session,
                user=None,
                error="The login or the password is wrong.",
            )
        limiter.succeeded(name)
        response = RedirectResponse("/queue", status_code=303)
        set_session(response, Session.new(user.login))
        return response

    @app.post("/logout", dependencies=[Checked])
    def logout(who: Viewer) -> RedirectResponse:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/queue", response_class=HTMLResponse)
    def queue(
        who: Viewer, state: str = "held", search: str = "", page_number: int = 0
    ) -> HTMLResponse:
        user, session = who
        if state not in STATES:
            raise PageError(400, f"There is no state {state!r}.")
        chosen = QueueFilter(STATES[state], search.strip(), None if user.reviews else user.login)
        holds, more = queue_page(quarantine, chosen, max(page_number, 0))
        now = datetime.now(UTC)
        return page(
            "queue.html",
            session=session,
            user=user,
            holds=holds,
            more=more,
            state=state,
            states=list(STATES),
            search=search,
            page_number=page_number,
            now=now,
            target=target,
            age=_age,
            size=PAGE_SIZE,
        )

    @app.get("/held/{hold_id}", response_class=HTMLResponse)
    def held(who: Viewer, hold_id: str) -> HTMLResponse:
        user, session = who
        hold = visible_hold(user, hold_id)
        try:
            text = readable_text(quarantine.message(hold_id))
        except QuarantineError as exc:
            raise PageError(503, "The held message cannot be read now; try again.") from exc
        trail.append(user.login, Action.VIEW, hold_id, {"role": user.role.value})
        return page(
            "held.html",
            session=session,
            user=user,
            hold=hold,
            text=text,
            message="",
        )

    @app.post("/held/{hold_id}/release", dependencies=[Checked])
    def release_to(
        who: Viewer, hold_id: str, recipients: Annotated[list[str], Form()]
    ) -> RedirectResponse:
        user, _ = who
        reviewer(user)
        visible_hold(user, hold_id)
        try:
            release(quarantine, hold_id, recipients, next_hop, by=user.login)
        except ReleaseError as exc:
            raise PageError(409, str(exc)) from exc
        return RedirectResponse(f"/held/{hold_id}", status_code=303)

    def decide(
        user: User,
        hold_id: str,
        recipients: list[str],
        state: RecipientState,
        action: Action,
        note: str,
    ) -> RedirectResponse:
        reviewer(user)
        hold = visible_hold(user, hold_id)
        held = {r.address.lower() for r in hold.still_held()}
        chosen = [a for a in recipients if a.lower() in held]
        if not chosen:
            raise PageError(409, "None of the chosen recipients is still held.")
        quarantine.mark(hold_id, chosen, state, user.login, note.strip())
        trail.append(user.login, action, hold_id, {"recipients": chosen})
        return RedirectResponse(f"/held/{hold_id}", status_code=303)

    @app.post("/held/{hold_id}/reject", dependencies=[Checked])
    def reject(
        who: Viewer,
        hold_id: str,
        recipients: Annotated[list[str], Form()],
        note: Annotated[str, Form()] = "",
    ) -> RedirectResponse:
        return decide(who[0], hold_id, recipients, RecipientState.REJECTED, Action.REJECT, note)

    @app.post("/held/{hold_id}/return", dependencies=[Checked])
    def return_to_sender(
        who: Viewer,
        hold_id: str,
        recipients: Annotated[list[str], Form()],
        note: Annotated[str, Form()] = "",
    ) -> RedirectResponse:
        return decide(who[0], hold_id, recipients, RecipientState.RETURNED, Action.RETURN, note)

    return app


def _age(now: datetime, then: datetime) -> timedelta:
    return now - then
