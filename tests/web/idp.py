"""A real OpenID Connect provider for the tests, served on a loopback port: discovery, its
JWKS, an /authorize that approves its one user at once (redirecting back with a code), and
a /token that checks the code (once only), the redirect URI, the PKCE verifier and the
client secret, and answers with an ID token signed by its RSA key (joserfc).

What it says can be bent per test: another signing key, another nonce, a token already
expired, other claims for the user.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import unquote_plus, urlencode

from fastapi import FastAPI, Form, Header, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "mailwarden-review"
CLIENT_SECRET = "the client secret for the tests"


def rsa_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "provider-key-1", "use": "sig"})


@dataclass
class Grant:
    """What an authorization code was given for."""

    redirect_uri: str
    nonce: str
    challenge: str


@dataclass
class Provider:
    """The provider's state: its user, its key, and how the next token is to be bent."""

    redirect_uri: str = ""
    issuer: str = ""
    user: dict[str, Any] = field(default_factory=dict)
    key: RSAKey = field(default_factory=rsa_key)
    signing_key: RSAKey | None = None
    """Signs the tokens instead of `key` (which the JWKS still publishes)."""
    nonce: str | None = None
    """Put in the tokens instead of the nonce the client sent."""
    lifetime: int = 300
    """Seconds from now to the token's exp (negative: expired)."""
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens_issued: int = 0

    def reset(self, redirect_uri: str, **user: Any) -> None:
        self.redirect_uri, self.user = redirect_uri, user
        self.signing_key, self.nonce, self.lifetime = None, None, 300
        self.codes.clear()


def provider_app(provider: Provider) -> FastAPI:
    app = FastAPI()

    @app.get("/.well-known/openid-configuration")
    def discovery() -> dict[str, Any]:
        return {
            "issuer": provider.issuer,
            "authorization_endpoint": f"{provider.issuer}/authorize",
            "token_endpoint": f"{provider.issuer}/token",
            "jwks_uri": f"{provider.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    @app.get("/jwks")
    def jwks() -> dict[str, Any]:
        return KeySet([provider.key]).as_dict(private=False)

    @app.get("/authorize")
    def authorize(request: Request) -> Response:
        query = request.query_params
        if (
            query.get("client_id") != CLIENT_ID
            or query.get("redirect_uri") != provider.redirect_uri
            or query.get("response_type") != "code"
            or "openid" not in query.get("scope", "").split()
            or query.get("code_challenge_method") != "S256"
            or not query.get("code_challenge")
        ):
            return JSONResponse({"error": "invalid_request"}, 400)
        code = secrets.token_urlsafe(24)
        nonce = query.get("nonce", "")
        provider.codes[code] = Grant(provider.redirect_uri, nonce, query["code_challenge"])
        back = urlencode({"code": code, "state": query.get("state", "")})
        return RedirectResponse(f"{provider.redirect_uri}?{back}", 303)

    @app.post("/token")
    def token(
        grant_type: Annotated[str, Form()],
        code: Annotated[str, Form()],
        redirect_uri: Annotated[str, Form()],
        code_verifier: Annotated[str, Form()],
        authorization: Annotated[str, Header()] = "",
    ) -> Response:
        if not _client_ok(authorization):
            return JSONResponse({"error": "invalid_client"}, 401)
        grant = provider.codes.pop(code, None)  # a code is good once
        if (
            grant_type != "authorization_code"
            or grant is None
            or redirect_uri != grant.redirect_uri
            or _s256(code_verifier) != grant.challenge
        ):
            return JSONResponse({"error": "invalid_grant"}, 400)
        now = int(time.time())
        claims = {
            "iss": provider.issuer,
            "sub": str(provider.user.get("email", "someone")),
            "aud": CLIENT_ID,
            "iat": now if provider.lifetime > 0 else now + provider.lifetime - 60,
            "exp": now + provider.lifetime,
            "nonce": provider.nonce if provider.nonce is not None else grant.nonce,
            **provider.user,
        }
        key = provider.signing_key or provider.key
        header = {"alg": "RS256", "kid": key.kid or ""}
        provider.tokens_issued += 1
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": jwt.encode(header, claims, key),
            }
        )

    return app


def _client_ok(authorization: str) -> bool:
    """HTTP Basic with the client's ID and secret, each form-encoded (RFC 6749 2.3.1)."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return False
    client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    return unquote_plus(client_id) == CLIENT_ID and hmac.compare_digest(
        unquote_plus(secret), CLIENT_SECRET
    )


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
