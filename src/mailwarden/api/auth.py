"""Who is asking: the bearer token, and the senders it may check drafts for.

The sender of a draft comes from the authenticated channel: a sender token's own
address, or a `from` its token speaks for (its domain's, for a domain token). A `from`
the token may not speak for is refused (403), never trusted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import SQLAlchemyError

from mailwarden.api.draft import DraftError, mailbox
from mailwarden.api.errors import ApiError, log
from mailwarden.api.threads import Threads
from mailwarden.message.model import Address
from mailwarden.record.tokens import ApiToken, Scope, TokenRefused, TokenStore

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token made by `mailwarden token create`.",
)
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="mailwarden"'}


class Authenticator:
    """The FastAPI dependency that turns `Authorization: Bearer ...` into an `ApiToken`."""

    def __init__(self, tokens: TokenStore, threads: Threads, scope: Scope = Scope.CHECK) -> None:
        self.tokens = tokens
        self.threads = threads
        self.scope = scope

    async def __call__(
        self, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
    ) -> ApiToken:
        if credentials is None or not credentials.credentials:
            raise ApiError(401, "no API token: send Authorization: Bearer <token>", _CHALLENGE)
        try:
            token = await self.threads.database(
                self.tokens.authenticate, credentials.credentials, datetime.now(UTC)
            )
        except TokenRefused as exc:
            raise ApiError(401, str(exc), _CHALLENGE) from exc
        except SQLAlchemyError as exc:
            log.error("the record database failed: %r", exc)
            raise ApiError(503, "the record database is unavailable; try again") from exc
        if self.scope not in token.scopes:
            raise ApiError(403, f"the API token {token.name!r} may not {self.scope.value} drafts")
        return token


def author(token: ApiToken, draft_from: str | None) -> Address:
    """The draft's sender: its `from` if the token speaks for it, else the token's sender."""
    if draft_from is not None and draft_from.strip():
        sender = mailbox(draft_from, "from")
        permit(token, sender.address)
        return sender
    if token.sender:
        return Address(token.sender)
    raise DraftError("from", "is missing: a draft checked with a domain token names its sender")


def permit(token: ApiToken, sender: str) -> None:
    """403 unless the token may check drafts from `sender`."""
    if not token.speaks_for(sender):
        raise ApiError(
            403,
            f"the API token {token.name!r} checks drafts from {token.speaks_for_label} "
            f"only, not from {sender}",
        )
