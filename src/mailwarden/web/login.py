"""Logging in and out of the review web app with a local account.

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations.)
"""

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from mailwarden.web.context import Checked, Viewer, Web
from mailwarden.web.security import SESSION_COOKIE, Session

log = logging.getLogger("mailwarden.web")
router = APIRouter()


@router.get("/login")
def login_form(request: Request, web: Web) -> Response:
    session = web.session_of(request)
    if session is not None and session.login:
        return RedirectResponse("/queue", status_code=303)
    if session is None:
        session = Session.new()
    return web.page("login.html", session=session, user=None, error="")


@router.post("/login", dependencies=[Checked])
def login(
    request: Request,
    web: Web,
    login: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> Response:
    name = login.strip().lower()
    session = web.session_of(request) or Session.new()
    if web.limiter.blocked(name):
        log.warning("login refused: too many failed logins for %r", name)
        return web.page(
            "login.html",
            429,
            session=session,
            user=None,
            error="Too many failed attempts for this login. Try again later.",
        )
    user = web.users.authenticate(name, password)
    if user is None:
        web.limiter.failed(name)
        log.warning(
            "failed login for %r from %s", name, request.client.host if request.client else "?"
        )
        return web.page(
            "login.html",
            401,
            session=session,
            user=None,
            error="The login or the password is wrong.",
        )
    web.limiter.succeeded(name)
    response = RedirectResponse("/queue", status_code=303)
    web.set_session(response, Session.new(user.login))
    return response


@router.post("/logout", dependencies=[Checked])
def logout(who: Viewer) -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
