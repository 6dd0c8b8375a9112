"""The review web app (issue 7): `create_web_app` builds its `WebContext` once and mounts
the routers, one module each: `login` (log in and out), `review` (the queue, a held
message, the reviewer's decisions), `notice` (the sender's page behind a hold notice's
link), `breach` (the DPO's breach workflow), `dashboard` (what was checked, held and
released). Every response carries the strict headers of `security.SECURITY_HEADERS`.

Routes are plain functions: FastAPI runs them in its thread pool, where the record
database's and the next hop's blocking calls belong.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib.resources import files

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from mailwarden.config import Config
from mailwarden.gateway.links import LinkSigner
from mailwarden.gateway.quarantine import Quarantine, QuarantineError
from mailwarden.record.audit import AuditTrail
from mailwarden.record.database import open_record_database
from mailwarden.scan import Scanner
from mailwarden.web import breach, dashboard, login, notice, review
from mailwarden.web.accounts import UserStore
from mailwarden.web.context import LoginRequired, PageError, WebContext
from mailwarden.web.security import SECURITY_HEADERS, LoginLimiter, Sessions


def create_web_app(
    config: Config,
    record_url: str,
    quarantine: Quarantine,
    next_hop: tuple[str, int],
    secret_key: bytes,
    *,
    scanner: Scanner | None = None,
    install_key: bytes | None = None,
) -> FastAPI:
    """The review web app on the record database at `record_url` (its accounts and audit
    trail) and this quarantine (its holds); releases go to `next_hop`; sessions are signed
    with `secret_key`. `scanner` reads messages (default: the config's detectors, no
    knowledge store); `install_key` checks the links in hold notices (None refuses them).
    Raises `record.RecordError` when the database cannot be opened."""
    engine = open_record_database(record_url)
    templates = Environment(
        loader=PackageLoader("mailwarden.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    app = FastAPI(title="mailwarden review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = WebContext(
        config=config,
        engine=engine,
        users=UserStore(engine),
        trail=AuditTrail(engine),
        quarantine=quarantine,
        next_hop=next_hop,
        sessions=Sessions(secret_key, config.web.session_minutes),
        limiter=LoginLimiter(),
        templates=templates,
        scanner=scanner or Scanner(config),
        links=LinkSigner(install_key) if install_key is not None else None,
    )
    app.mount("/static", StaticFiles(directory=str(files("mailwarden.web") / "static")), "static")
    for module in (login, review, notice, breach, dashboard):
        app.include_router(module.router)

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(PageError)
    async def refused(request: Request, exc: PageError) -> HTMLResponse:
        web: WebContext = request.app.state.web
        return web.page("error.html", exc.status, message=str(exc), user=None)

    @app.exception_handler(QuarantineError)
    async def unavailable(request: Request, exc: QuarantineError) -> HTMLResponse:
        """A held message or its record that cannot be read now (the disk, the database):
        one answer for every route."""
        web: WebContext = request.app.state.web
        message = "The held message cannot be read now; try again."
        return web.page("error.html", 503, message=message, user=None)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse("/login", status_code=303)

    return app
