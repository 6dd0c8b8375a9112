"""Logging in to the review web app through an OpenID Connect provider (`[web] oidc_issuer`):
the authorization-code flow with PKCE, and whom a verified ID token lets in. Authlib makes
the requests and checks the ID token's claims, joserfc its signature; httpx carries them
(Authlib's own httpx client now wants httpx2, which the rest of mailwarden does not use).

The flow. `begin` makes a state, a nonce and a PKCE verifier, which the login routes keep
only in a signed cookie good for ten minutes, and sends the browser to the provider's
authorization endpoint. `finish` takes the browser back: its state must be the cookie's;
the code is exchanged at the token endpoint with the verifier (and the client secret, if
there is one); the ID token's signature must verify against the provider's JWKS (fetched
again once for a key ID it does not know: keys rotate), and its iss, aud, exp, iat and
nonce must be this provider's, this client's, current and this attempt's. The endpoints
come from discovery (`ISSUER/.well-known/openid-configuration`, whose `issuer` must be the
one configured), asked on the first login and again hourly, so the app starts while the
provider is away.

The redirect URI is `[web] public_url` + `/login/oidc/callback`: configured rather than
built from the request's Host header, so it is the one registered with the provider
whatever a proxy or a client sends.

Who gets in (`admit`): the token's `email`, only when `email_verified` is true, is the
account's login. Without `oidc_roles`, an existing enabled account logs in with its role.
With them, the groups in the `oidc_roles_claim` claim give the role (the most powerful
granted), and the account is made (without a password: it cannot log in with one) or given
that role, each change an `ACCOUNT` entry by "oidc". A disabled account stays out either
way: disabling is the administrator's word, not the provider's.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import (
    prepare_grant_uri,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from mailwarden.config import WebConfig
from mailwarden.record.schema import LOGIN_LENGTH
from mailwarden.web.accounts import RANK, AccountError, Role, User, UserStore

CALLBACK = "/login/oidc/callback"
ATTEMPT_SECONDS = 600
"""How long a browser has to come back from the provider."""
METADATA_SECONDS = 3600.0
"""How long the provider's discovery document and keys are kept before asking again."""
LEEWAY = 60
"""Seconds of clock difference allowed on exp and iat."""
ACTOR = "oidc"
"""The audit trail's actor for accounts made or changed at an OIDC login."""


class OidcError(Exception):
    """An OIDC login that did not succeed; the message says why in plain words."""


class OidcRefused(OidcError):
    """A failed login: a wrong answer, or claims that let no one in. `login` is the email
    it was for (if known), `reason` a word for the audit trail."""

    def __init__(self, message: str, reason: str, login: str = "") -> None:
        super().__init__(message)
        self.reason, self.login = reason, login


class OidcUnavailable(OidcError):
    """The provider could not be asked (down, unreachable, or answering nonsense)."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One login's secrets, kept in the browser's signed cookie until it comes back."""

    state: str
    nonce: str
    verifier: str

    def to_dict(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "verifier": self.verifier}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Attempt | None:
        values = [(data or {}).get(key) for key in ("state", "nonce", "verifier")]
        strings = [v for v in values if isinstance(v, str) and v]
        return cls(*strings) if len(strings) == len(values) else None


@dataclass(frozen=True, slots=True)
class Identity:
    """What a verified ID token says of its user."""

    email: str
    email_verified: bool
    name: str
    groups: frozenset[str]


class OidcLogin:
    """The provider of `[web] oidc_issuer`, as this app's client."""

    def __init__(self, config: WebConfig, timeout: float = 10.0) -> None:
        self.issuer, self.client_id = config.oidc_issuer, config.oidc_client_id
        secret_file = config.oidc_client_secret_file
        self.client_secret = (
            secret_file.read_text(encoding="utf-8").strip() if secret_file else None
        ) or None
        self.redirect_uri = config.public_url.rstrip("/") + CALLBACK
        self.scope = " ".join(config.oidc_scopes)
        self.name, self.roles_claim = config.oidc_name, config.oidc_roles_claim
        self.roles = {Role(role): value for role, value in config.oidc_roles.items()}
        self.timeout = timeout
        self._metadata: dict[str, Any] = {}
        self._keys: KeySet | None = None
        self._fetched = -METADATA_SECONDS
        self._lock = threading.Lock()

    def begin(self) -> tuple[str, Attempt]:
        """The provider's authorization URL to send the browser to, and the attempt to keep."""
        attempt = Attempt(generate_token(32), generate_token(32), generate_token(64))
        url = prepare_grant_uri(
            self._discovered()["authorization_endpoint"],
            client_id=self.client_id,
            response_type="code",
            redirect_uri=self.redirect_uri,
            scope=self.scope,
            state=attempt.state,
            nonce=attempt.nonce,
            code_challenge=create_s256_code_challenge(attempt.verifier),
            code_challenge_method="S256",
        )
        return str(url), attempt

    def finish(self, attempt: Attempt | None, params: Mapping[str, str]) -> Identity:
        """The identity in the provider's answer (the callback's query) to this attempt;
        `OidcRefused` or `OidcUnavailable` in plain words."""
        if attempt is None or not hmac.compare_digest(attempt.state, params.get("state", "")):
            raise OidcRefused(
                "This login did not start here, or took too long. Log in again.", "state"
            )
        if "error" in params or not params.get("code"):
            raise OidcRefused(
                "The identity provider did not let you in"
                + (f" ({params['error'][:80]})." if "error" in params else "."),
                "provider",
            )
        token = self._exchange(params["code"], attempt.verifier)
        claims = self._verified(token["id_token"], attempt.nonce, token.get("access_token"))
        email, groups = claims.get("email"), claims.get(self.roles_claim, [])
        verified = claims.get("email_verified")
        return Identity(
            email.strip().lower() if isinstance(email, str) else "",
            verified is True or verified == "true",
            str(claims.get("name") or email or ""),
            frozenset([groups] if isinstance(groups, str) else map(str, groups or [])),
        )

    def _exchange(self, code: str, verifier: str) -> dict[str, Any]:
        """The token endpoint's answer to the code and its PKCE verifier (with the client
        secret in HTTP Basic, form-encoded as RFC 6749 2.3.1 asks; without one, the client
        ID in the form)."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": verifier,
        }
        auth = None
        if self.client_secret is None:
            form["client_id"] = self.client_id
        else:
            auth = httpx.BasicAuth(quote_plus(self.client_id), quote_plus(self.client_secret))
        try:
            response = httpx.post(
                self._discovered()["token_endpoint"],
                data=form,
                auth=auth,
                headers={"Accept": "application/json"},
                timeout=self.timeout,
            )
            token = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OidcUnavailable(_AWAY) from exc
        if response.status_code in (400, 401):
            raise OidcRefused(
                "The identity provider refused this login's code. Log in again.", "code"
            )
        if response.status_code != 200 or not isinstance(token, dict):
            raise OidcUnavailable(_AWAY)
        if not isinstance(token.get("id_token"), str):
            raise OidcRefused("The identity provider gave no ID token.", "token")
        return token

    def _verified(self, id_token: str, nonce: str, access_token: object) -> dict[str, Any]:
        """The ID token's claims, once its signature and claims are checked."""
        algorithms = [
            a
            for a in self._discovered().get("id_token_signing_alg_values_supported", ["RS256"])
            if isinstance(a, str) and a != "none"
        ]
        registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
        try:
            try:
                decoded = jwt.decode(id_token, self._key_set(), registry=registry)
            except InvalidKeyIdError:  # a key made since we fetched the set
                decoded = jwt.decode(id_token, self._key_set(True), registry=registry)
            claims = CodeIDToken(
                decoded.claims,
                decoded.header,
                {
                    "iss": {"essential": True, "value": self.issuer},
                    "aud": {"essential": True, "value": self.client_id},
                },
                {"nonce": nonce, "client_id": self.client_id, "access_token": access_token},
            )
            claims.validate(leeway=LEEWAY)
        except (JoseError, ValueError) as exc:
            raise OidcRefused(
                "The identity provider's answer could not be verified. Log in again.",
                "id_token",
            ) from exc
        return dict(decoded.claims)

    def _discovered(self) -> dict[str, Any]:
        """The provider's discovery document, asked again when an hour old."""
        with self._lock:
            if time.monotonic() - self._fetched < METADATA_SECONDS:
                return self._metadata
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            metadata = _get_json(url, self.timeout)
            needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
            if metadata.get("issuer") != self.issuer or not all(
                isinstance(metadata.get(k), str) for k in needed
            ):
                raise OidcUnavailable(_AWAY)
            self._metadata, self._keys, self._fetched = metadata, None, time.monotonic()
            return metadata

    def _key_set(self, again: bool = False) -> KeySet:
        metadata = self._discovered()
        with self._lock:
            if self._keys is None or again:
                try:
                    self._keys = KeySet.import_key_set(
                        _get_json(metadata["jwks_uri"], self.timeout)  # type: ignore[arg-type]
                    )
                except (JoseError, ValueError, KeyError, TypeError) as exc:
                    raise OidcUnavailable(_AWAY) from exc
            return self._keys


def admit(login: OidcLogin, identity: Identity, users: UserStore) -> User:
    """The account this identity logs in to, made or given its role when the provider's
    groups decide roles; `OidcRefused` in plain words otherwise."""
    email = identity.email[: LOGIN_LENGTH + 1]  # longer cannot be a login, nor filled the trail
    if not email:
        raise OidcRefused(
            "The identity provider did not say your email address, which names your account.",
            "no_email",
        )
    if not identity.email_verified:
        raise OidcRefused(
            "The identity provider has not verified your email address, so it cannot name "
            "your account. Verify it there, then log in again.",
            "email_unverified",
            email,
        )
    user = users.get(email)
    if user is not None and user.disabled:
        raise OidcRefused(f"The account {email} is disabled.", "disabled", email)
    if not login.roles:
        if user is None:
            raise OidcRefused(
                f"There is no account for {email}. Ask an administrator to add one.",
                "no_account",
                email,
            )
        return user
    granted = [role for role in RANK if login.roles.get(role) in identity.groups]
    if not granted:
        raise OidcRefused(
            "Your groups at the identity provider give you no role here. Ask an administrator.",
            "no_role",
            email,
        )
    role = granted[-1]
    if user is None:
        try:
            return users.add(email, identity.name, role, None, by=ACTOR)
        except AccountError as exc:  # made by a login at the same moment, or no usable login
            user = users.get(email)
            if user is None:
                raise OidcRefused(f"No account can be made: {exc}.", "bad_login") from exc
    if user.role != role:
        users.set_role(email, role, by=ACTOR)
        user = User(user.login, user.display_name, role, user.disabled)
    return user


_AWAY = "The identity provider cannot be reached now. Try again later."


def _get_json(url: str, timeout: float) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=False)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcUnavailable(_AWAY) from exc
    if not isinstance(data, dict):
        raise OidcUnavailable(_AWAY)
    return data
