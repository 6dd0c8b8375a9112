"""The pre-send check API (`mailwarden serve`; contract: docs/api.md).

Public API: `create_app(config, policy, store, record_url, key) -> FastAPI`. The rest
is its parts: `models` (requests and answers, the OpenAPI schema), `draft` (a JSON draft
as MIME), `auth` (tokens and the senders they speak for), `body` (size and type
limits), `answer` (a scan as the check's answer), `errors` (every error as JSON).
"""

from __future__ import annotations

from mailwarden.api.app import create_app

__all__ = ["create_app"]
