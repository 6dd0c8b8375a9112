"""The review web app (`mailwarden web`; issue 7).

Public API: `create_web_app(config, record_url, quarantine, next_hop, secret_key) ->
FastAPI`, and the accounts it logs in (`UserStore`, `User`, `Role`). The rest is its parts:
`security` (headers, signed sessions and their CSRF tokens, the login limit), `queue` (a
page of holds), `text` (a held message as plain text), `app` (the routes).
"""

from __future__ import annotations

from mailwarden.web.accounts import AccountError, Role, User, UserStore
from mailwarden.web.app import create_web_app

__all__ = ["AccountError", "Role", "User", "UserStore", "create_web_app"]
