"""The review web app (`mailwarden web`; issue 7; docs/web.md).

Public API: `create_web_app(config, record_url, quarantine, next_hop, secret_key, *,
scanner, install_key) -> FastAPI`, and the accounts it logs in (`UserStore`, `User`,
`Role`). The rest is its parts: `context` (what the routes share and the dependencies that
guard them), `security` (headers, server-side sessions and their CSRF tokens, the shared
login limit), `oidc` (OpenID Connect login), one router per page group (`login`, `review`,
`notice` with `correction`, `breach`, `dashboard`), `queue` (a page of holds), `findings`
and `viewcache` (a message laid out with its findings marked, built once), `text` (held
HTML sanitised), `app` (builds it all).
"""

from __future__ import annotations

from mailwarden.web.accounts import AccountError, Role, User, UserStore
from mailwarden.web.app import create_web_app

__all__ = ["AccountError", "Role", "User", "UserStore", "create_web_app"]
