"""Reading a request body: its media type (415), its size (413, by Content-Length before
reading and again while reading, for a body sent in chunks), and JSON into a model (400,
422 naming the field)."""

from __future__ import annotations

import json
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from mailwarden.api.errors import ApiError, validation_words

JSON = "application/json"
MIME = "message/rfc822"

M = TypeVar("M", bound=BaseModel)


def media_type(request: Request, accepted: tuple[str, ...]) -> str:
    """The body's media type, one of `accepted`; 415 otherwise."""
    given = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if given not in accepted:
        named = f"{given!r}" if given else "no Content-Type"
        raise ApiError(415, f"{named}: send {' or '.join(accepted)}")
    return given


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, at most `limit` bytes; 413 past it, 400 when empty."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "Content-Length is not a number")
        if int(declared) > limit:
            raise _too_large(int(declared), limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(len(body), limit)
    if not body:
        raise ApiError(400, "the body is empty")
    return bytes(body)


def parse_json(body: bytes, model: type[M]) -> M:
    """The body as `model`: 400 if it is not JSON, 422 naming the first field at fault."""
    try:
        data = json.loads(body)
    except UnicodeDecodeError as exc:
        raise ApiError(400, "the body is not UTF-8 text") from exc
    except ValueError as exc:
        raise ApiError(400, f"the body is not JSON: {exc}") from exc
    except RecursionError as exc:
        raise ApiError(400, "the body is JSON nested too deeply") from exc
    if not isinstance(data, dict):
        raise ApiError(422, "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, validation_words(exc)) from exc


def _too_large(size: int, limit: int) -> ApiError:
    return ApiError(
        413,
        f"the draft is {_size(size)}, over the {_size(limit)} mailwarden checks before sending",
        {"Connection": "close"},
        limit_bytes=limit,
    )


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count:,} bytes"
    return f"{count / (1024 * 1024):.1f} MB"
