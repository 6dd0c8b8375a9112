"""The review web app (`mailwarden web`; issue 7).

Public API: `create_web_app(config, record_url, quarantine, next_hop, secret_key, *,
scanner, install_key) -> FastAPI`, and the accounts it logs in (`UserStore`, `User`,
`Role`). The rest is its parts: `context` (what the routes share and the dependencies that
guard them), `security` (headers, signed sessions and their CSRF tokens, the login limit),
one router per page group (`login`, `review`, `notice`, `breach`, `dashboard`), `queue` (a
page of holds), `text` (a held message as plain text), `app` (builds it all).
"""

from __future__ import annotations

from mailwarden.web.accounts import AccountError, Role, User, UserStore
from mailwarden.web.app import create_web_app

__all__ = ["AccountError", "Role", "User", "UserStore", "create_web_app"]
