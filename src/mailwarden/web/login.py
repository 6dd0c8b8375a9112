"""Logging in and out of the review web app: with a local account's password, or through
the OIDC provider (`oidc.py`) when one is configured. Each login begins a new server-side
session (`security.Sessions`); each login, failed login and logout is in the audit trail,
with the client's address and never a password.

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations.)
"""

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from mailwarden.record.audit import Action
from mailwarden.record.schema import LOGIN_LENGTH
from mailwarden.web.accounts import User
from mailwarden.web.context import Checked, PageError, Viewer, Web, WebContext, client_of
from mailwarden.web.oidc import (
    ATTEMPT_SECONDS,
    CALLBACK,
    Attempt,
    OidcLogin,
    OidcRefused,
    OidcUnavailable,
    admit,
)
from mailwarden.web.security import SESSION_COOKIE, Session, Via

log = logging.getLogger("mailwarden.web")
router = APIRouter()
OIDC_COOKIE = "mailwarden_oidc"
_OIDC_PURPOSE = "mailwarden web oidc attempt"
ACTOR = "web"
"""The audit trail's actor for a failed login: nobody has shown who they are."""
TOO_MANY = "Too many failed attempts for this login. Try again later."


@router.get("/login")
def login_form(request: Request, web: Web) -> Response:
    session = web.session_of(request)
    if session is not None and session.login:
        return RedirectResponse("/queue", status_code=303)
    return _form(web, session or Session.new())


@router.post("/login", dependencies=[Checked])
def login(
    request: Request,
    web: Web,
    login: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> Response:
    name, client = login.strip().lower()[:LOGIN_LENGTH], client_of(request)
    session = web.session_of(request) or Session.new()
    if web.limiter.blocked(web.engine, name, client):
        log.warning("login refused: too many failed logins for %r from %s", name, client)
        return _form(web, session, 429, TOO_MANY)
    user = web.users.authenticate(name, password)
    if user is None:
        web.limiter.failed(web.engine, name, client)
        _failed(web, name, client, "password", "password")
        return _form(web, session, 401, "The login or the password is wrong.")
    web.limiter.succeeded(web.engine, name, client)
    return _logged_in(web, user, "password", client)


@router.post("/logout", dependencies=[Checked])
def logout(request: Request, who: Viewer, web: Web) -> RedirectResponse:
    user, session = who
    web.sessions.end(web.engine, session)
    web.trail.append(user.login, Action.LOGOUT, user.login, {"client": client_of(request)})
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/login/oidc", dependencies=[Checked])
def oidc_begin(web: Web) -> RedirectResponse:
    oidc = _oidc(web)
    try:
        url, attempt = oidc.begin()
    except OidcUnavailable as exc:
        raise PageError(502, str(exc)) from exc
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        OIDC_COOKIE,
        web.sessions.seal(attempt.to_dict(), _OIDC_PURPOSE),
        max_age=ATTEMPT_SECONDS,
        httponly=True,
        samesite="lax",  # the way back is a top-level GET from the provider's site
        secure=web.config.web.secure_cookies,
        path=CALLBACK,
    )
    return response


@router.get(CALLBACK)
def oidc_callback(request: Request, web: Web) -> Response:
    oidc, client = _oidc(web), client_of(request)
    sealed = request.cookies.get(OIDC_COOKIE)
    attempt = Attempt.from_dict(web.sessions.unseal(sealed, _OIDC_PURPOSE, ATTEMPT_SECONDS))
    try:
        user = admit(oidc, oidc.finish(attempt, dict(request.query_params)), web.users)
    except OidcRefused as exc:
        _failed(web, exc.login, client, "oidc", exc.reason)
        response = _form(web, web.session_of(request) or Session.new(), 403, str(exc))
    except OidcUnavailable as exc:
        log.warning("OIDC login from %s: %s", client, exc.__cause__ or exc)
        response = _form(web, web.session_of(request) or Session.new(), 502, str(exc))
    else:
        response = _logged_in(web, user, "oidc", client)
    response.delete_cookie(OIDC_COOKIE, path=CALLBACK)  # an attempt is good for one return
    return response


def _logged_in(web: WebContext, user: User, via: Via, client: str) -> RedirectResponse:
    """On to the queue in a new session (a new ID and CSRF token: no session fixation)."""
    session = web.sessions.begin(web.engine, user.login, via, client)
    web.trail.append(user.login, Action.LOGIN, user.login, {"via": via, "client": client})
    response = RedirectResponse("/queue", status_code=303)
    web.set_session(response, session)
    return response


def _failed(web: WebContext, login: str, client: str, via: Via, reason: str) -> None:
    log.warning("failed %s login for %r from %s: %s", via, login, client, reason)
    details = {"via": via, "client": client, "reason": reason}
    web.trail.append(ACTOR, Action.LOGIN_FAILED, login, details)


def _form(web: WebContext, session: Session, status: int = 200, error: str = "") -> Response:
    oidc = web.oidc
    return web.page(
        "login.html",
        status,
        session=session,
        user=None,
        error=error,
        oidc_name=oidc.name if oidc else "",
    )


def _oidc(web: WebContext) -> OidcLogin:
    if web.oidc is None:
        raise PageError(404, "Logging in through an identity provider is not set up here.")
    return web.oidc
