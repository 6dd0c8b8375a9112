"""The pre-send check API (docs/api.md): `POST /v1/check` and `POST /v1/confirm`.

(No `from __future__ import annotations` here: FastAPI reads the routes' annotations,
which name the token dependency made inside `create_app`.)

`create_app` builds everything once: the `Scanner` (its models loaded by a first scan
before the server answers anyone), the record database's token and check stores. Per
request, the event loop only reads and routes; the draft's conversion, its scan and
its digest run in worker threads, and each record database call in its own few
(`threads.py`). Unconfirmed checks are purged once expired, every few minutes.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from sqlalchemy.exc import SQLAlchemyError

from mailwarden import __version__
from mailwarden.api.answer import check_answer, worst
from mailwarden.api.auth import Authenticator, author, permit
from mailwarden.api.body import JSON, MIME, media_type, parse_json, read_body
from mailwarden.api.draft import DraftError, mime_from_draft, mime_sender, with_author
from mailwarden.api.errors import ApiError, install, log, responses
from mailwarden.api.models import CheckAnswer, ConfirmAnswer, ConfirmRequest, Draft
from mailwarden.api.threads import Threads
from mailwarden.config import Config
from mailwarden.confirmation import (
    CONFIRMATION_HEADER,
    SIGNED_VERDICTS,
    content_digest,
    sign_confirmation,
)
from mailwarden.knowledge.source import KnowledgeSource
from mailwarden.message.model import Address
from mailwarden.policy.schema import Policy
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.checks import (
    Check,
    CheckedRecipient,
    CheckNotFound,
    CheckStore,
    Confirmation,
    new_check_id,
)
from mailwarden.record.database import open_record_database
from mailwarden.record.tokens import ApiToken, TokenStore
from mailwarden.report import ScanReport
from mailwarden.rules.base import Verdict
from mailwarden.scan import Scanner

CONFIRM_BODY_LIMIT = 64 * 1024
PURGE_SECONDS = 600.0
"""How often expired, unconfirmed checks are deleted."""
DESCRIPTION = """\
mailwarden's check of a draft before it is sent: each recipient's verdict (deliver,
confirm, hold, reject) with the reasons, and the findings. A sender may confirm a
`confirm` verdict with a reason and gets a signed header the mail gateway honours for
exactly that content and those recipients. Every request carries an API token
(`Authorization: Bearer`, made by `mailwarden token create`). Errors are JSON
`{"error": "..."}`. The contract and what an add-in does with the answers: docs/api.md.
"""
_ATTACHMENT_EXAMPLE = {
    "filename": "report.txt",
    "content_type": "text/plain",
    "content_base64": "U2Nob29sIHJlcG9ydCBmb3IgRWxsaWUgTWFyc2gu",
}
_CHECK_BODY = {
    "required": True,
    "content": {
        JSON: {
            "schema": {"$ref": "#/components/schemas/Draft"},
            "example": {
                "from": "ann.smith@example.police.uk",
                "to": ["Greenfield Safeguarding <safeguarding@greenfield.sch.uk>"],
                "cc": ["r.patel@gmail.com"],
                "subject": "Ellie Marsh - AB/25/0093",
                "text": "Dear colleague, the school's report on Ellie Marsh is attached.",
                "attachments": [_ATTACHMENT_EXAMPLE],
            },
        },
        MIME: {"schema": {"type": "string", "format": "binary"}},
    },
}
_CONFIRM_BODY = {
    "required": True,
    "content": {JSON: {"schema": {"$ref": "#/components/schemas/ConfirmRequest"}}},
}

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Scanned:
    report: ScanReport
    digest: str


def create_app(
    config: Config,
    policy: Policy | None,
    store: KnowledgeSource | None,
    record_url: str,
    key: bytes,
    scanner: Scanner | None = None,
) -> FastAPI:
    """The API, with its scanner and stores built (and the models loaded) now.

    `store` is the knowledge store (None: content rules only), `record_url` the record
    database (`record.location.record_database_url`), `key` the installation key the
    confirmations are signed with (the gateway verifies with the same key). Raises
    `record.RecordError` when the record database cannot be opened."""
    scanner = scanner or Scanner(config, knowledge=store, policy=policy)
    scanner.warm_up()
    engine = open_record_database(record_url)
    tokens, checks, trail = TokenStore(engine), CheckStore(engine), AuditTrail(engine)
    settings = config.api
    threads = Threads(settings.scan_threads)
    Caller = Annotated[ApiToken, Depends(Authenticator(tokens, threads))]

    async def database(call: Callable[..., T], *args: Any) -> T:
        """A record database call in its threads; 503 when the database fails."""
        try:
            return await threads.database(call, *args)
        except SQLAlchemyError as exc:
            log.error("the record database failed: %r", exc)
            raise ApiError(503, "the record database is unavailable; try again") from exc

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threads.start()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_purge_every, database, checks, PURGE_SECONDS)
            yield
            tasks.cancel_scope.cancel()
        engine.dispose()

    app = FastAPI(
        title="mailwarden pre-send check",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install(app)
    app.add_middleware(
        CORSMiddleware,  # add-ins call from their own origin; the token is a header, not a cookie
        allow_origins=["*"],
        allow_methods=["POST"],
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )

    def prepare_and_scan(kind: str, body: bytes, token: ApiToken, check_id: str) -> _Scanned:
        """In a worker thread: the draft as MIME, scanned, and its content digest."""
        try:
            if kind == JSON:
                draft = parse_json(body, Draft)
                raw = mime_from_draft(draft, author(token, draft.sender))
            else:
                raw = _authored(token, body, config)
        except DraftError as exc:
            raise ApiError(422, str(exc)) from exc
        report = scanner.scan_bytes(raw, f"api:{check_id}")
        return _Scanned(report, content_digest(report))

    @app.post(
        "/v1/check",
        response_model=CheckAnswer,
        responses=responses(400, 401, 403, 413, 415, 422, 503),
        openapi_extra={"requestBody": _CHECK_BODY},
        summary="Check a draft before it is sent",
        description="The draft as JSON (`Draft`) or as the raw MIME message "
        "(`message/rfc822`); each recipient's verdict and why.",
    )
    async def check(request: Request, token: Caller) -> CheckAnswer:
        kind = media_type(request, (JSON, MIME))
        body = await read_body(request, settings.max_draft_bytes)
        check_id = new_check_id()
        scanned = await threads.scan(prepare_and_scan, kind, body, token, check_id)
        report = scanned.report
        _refuse_unjudged(report, check_id)
        if not report.decisions:
            raise ApiError(422, "to: the draft has no recipients")
        now = datetime.now(UTC)
        recipients = tuple(
            CheckedRecipient(
                d.recipient.mailbox.address or d.recipient.mailbox.raw,
                d.recipient.field,
                d.verdict,
            )
            for d in report.decisions
        )
        sender = report.message.sender.address if report.message.sender else ""
        verdict = worst([r.verdict for r in recipients])
        expires = (now + timedelta(minutes=settings.confirmation_minutes)).replace(microsecond=0)
        record = Check(
            check_id, token.id, sender, recipients, verdict, scanned.digest, now, expires
        )
        await database(checks.add, record)
        facts = [{"address": r.address, "verdict": r.verdict.value} for r in recipients]
        details = {"sender": sender, "token": token.id, "recipients": facts}
        await database(trail.append, "api", Action.VERDICT, check_id, details)
        log.info("check %s from %s: %s", check_id, sender, verdict.value)
        return check_answer(report, check_id, expires)

    @app.post(
        "/v1/confirm",
        response_model=ConfirmAnswer,
        responses=responses(400, 401, 404, 409, 413, 415, 422, 503),
        openapi_extra={"requestBody": _CONFIRM_BODY},
        summary="Send anyway: confirm a check whose verdict was confirm",
        description="Records the sender's reason and returns the signed header to add to "
        "the message; the gateway then delivers the confirmed recipients of exactly "
        "that content.",
    )
    async def confirm(request: Request, token: Caller) -> ConfirmAnswer:
        media_type(request, (JSON,))
        asked = parse_json(await read_body(request, CONFIRM_BODY_LIMIT), ConfirmRequest)
        reason = asked.reason.strip()
        if not reason:
            raise ApiError(422, "reason: a reason is needed to send anyway")
        now = datetime.now(UTC)
        try:
            found = await database(checks.get, asked.check_id, now)
        except CheckNotFound as exc:
            raise ApiError(404, f"{exc}: check the draft again") from exc
        if not token.speaks_for(found.sender):
            raise ApiError(404, f"{CheckNotFound(asked.check_id)}: check the draft again")
        if found.verdict is not Verdict.CONFIRM:
            raise ApiError(409, _not_confirmable(found.verdict))
        expires = (now + timedelta(minutes=settings.confirmation_minutes)).replace(microsecond=0)
        signed = [r.address for r in found.recipients if r.verdict in SIGNED_VERDICTS]
        value = sign_confirmation(key, found.sender, signed, found.digest, expires, found.id)
        confirmation = Confirmation(found.id, token.id, found.sender, reason, now, expires)
        try:
            await database(checks.confirm, confirmation)
        except CheckNotFound as exc:  # purged between the two calls
            raise ApiError(404, f"{exc}: check the draft again") from exc
        details = {"token": token.id, "reason": reason, "recipients": signed}
        await database(trail.append, found.sender, Action.CONFIRM, found.id, details)
        log.info("check %s confirmed by %s", found.id, found.sender)
        return ConfirmAnswer(header=CONFIRMATION_HEADER, value=value, expires=expires)

    app.openapi = _openapi_with_request_models(app)  # type: ignore[method-assign]
    return app


def _authored(token: ApiToken, raw: bytes, config: Config) -> bytes:
    """A MIME draft whose From the token speaks for; given the token's sender if it has none."""
    sender = mime_sender(raw, config.limits.parsing())
    if sender is not None:
        permit(token, sender.address)
        return raw
    if not token.sender:
        raise DraftError("from", "is missing: a draft checked with a domain token names its sender")
    return with_author(raw, Address(token.sender))


def _refuse_unjudged(report: ScanReport, check_id: str) -> None:
    """503 when the knowledge store failed, 500 for any other failure of ours."""
    if not report.failed_internally:
        return
    failures = [p for p in report.problems if p.kind == "internal"]
    log.error("check %s not judged: %s", check_id, "; ".join(p.detail for p in failures))
    if any(p.location == "knowledge" for p in failures):
        raise ApiError(503, "the knowledge store is unavailable; try again")
    raise ApiError(500, "internal error: mailwarden could not check this draft (logged)")


def _not_confirmable(verdict: Verdict) -> str:
    if verdict is Verdict.DELIVER:
        return "nothing to confirm: every recipient may receive this draft"
    return (
        f"the draft's verdict was {verdict.value}: it cannot be sent anyway; "
        "change it and check it again"
    )


async def _purge_every(
    database: Callable[..., Awaitable[int]], checks: CheckStore, seconds: float
) -> None:
    while True:
        try:
            purged = await database(checks.purge, datetime.now(UTC))
        except ApiError:
            log.warning("could not purge expired checks")
        else:
            if purged:
                log.info("purged %d expired unconfirmed checks", purged)
        await anyio.sleep(seconds)


def _openapi_with_request_models(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The OpenAPI schema with the request bodies' models, which the routes read
    themselves (to answer 413 and 415 before parsing), among its components."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in (Draft, ConfirmRequest):
                found = model.model_json_schema(
                    by_alias=True, ref_template="#/components/schemas/{model}"
                )
                components.update(found.pop("$defs", {}))
                components[model.__name__] = found
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi
