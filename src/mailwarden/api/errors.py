"""Every error the API answers, as JSON `{"error": "<plain words>"}`, never a stack trace.

ApiError(status, words)       raised by the routes: 400, 401, 403, 404, 409, 413,
                              415, 422, 503 (docs/api.md says when)
HTTPException (Starlette)     an unknown path (404), a wrong method (405)
RequestValidationError        422, the field named as the drafts' errors name it
any other exception           500 "internal error"; the traceback goes to the log only
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from mailwarden.api.models import ErrorAnswer

log = logging.getLogger("mailwarden.api")

ERROR_STATUSES = {
    400: "The body could not be read (not JSON, not UTF-8, empty).",
    401: "No API token, or one that is unknown, expired or revoked.",
    403: "The token may not check drafts, or not from this sender.",
    404: "No such check, or it has expired.",
    409: "The check's verdict was not confirm: only a confirm verdict can be confirmed.",
    413: "The body is over the size limit, which `limit_bytes` gives.",
    415: "The body is neither application/json nor message/rfc822.",
    422: "A malformed draft or request; the message names the field.",
    503: "The knowledge store or the record database is unavailable; try again.",
}


class ApiError(Exception):
    """An error answer: its status, its plain words, and any headers it needs."""

    def __init__(
        self,
        status: int,
        words: str,
        headers: Mapping[str, str] | None = None,
        limit_bytes: int | None = None,
    ):
        super().__init__(words)
        self.status = status
        self.words = words
        self.headers = dict(headers or {})
        self.limit_bytes = limit_bytes
        """For 413: the largest body the server takes."""


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` entries for these error statuses."""
    return {s: {"model": ErrorAnswer, "description": ERROR_STATUSES[s]} for s in statuses}


def field_name(location: Sequence[int | str]) -> str:
    """("attachments", 0, "filename") → "attachments[0].filename"."""
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    return name or "draft"


def validation_words(exc: ValidationError | RequestValidationError) -> str:
    """The first problem of a request that did not validate: "to[1]: Input should be ..."."""
    errors = exc.errors()
    if not errors:
        return "draft: malformed"
    first = errors[0]
    location = [p for p in first.get("loc", ()) if p != "body"]
    message = str(first.get("msg", "malformed"))
    if first.get("type") == "missing":
        message = "is missing"
    return f"{field_name(location)}: {message}"


def install(app: FastAPI) -> None:
    """Answer every error as JSON."""

    async def api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return _answer(exc.status, exc.words, exc.headers, exc.limit_bytes)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        words = exc.detail if isinstance(exc.detail, str) else "request refused"
        return _answer(exc.status_code, words, exc.headers)

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _answer(422, validation_words(exc))

    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return _answer(500, "internal error: mailwarden could not answer (the log says why)")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, internal)


def _answer(
    status: int,
    words: str,
    headers: Mapping[str, str] | None = None,
    limit_bytes: int | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"error": words}
    if limit_bytes is not None:
        body["limit_bytes"] = limit_bytes
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))
