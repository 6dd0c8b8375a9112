"""Where the record database is: the one answer the gateway, `held`, `release`, `serve`
and `token` share, so holds, checks and confirmations land in one database."""

from __future__ import annotations

from pathlib import Path

from mailwarden.config import Config

SQLITE_NAME = "holds.db"
"""The SQLite file in the quarantine folder when no URL is configured."""


def record_database_url(
    config: Config, override: str | None = None, quarantine: Path | None = None
) -> str:
    """`override` (a command's option), else `[gateway] database`, else SQLite in the
    quarantine folder (`quarantine`, else `[gateway] quarantine`; the caller makes the folder)."""
    url = (override or config.gateway.database).strip()
    if url:
        return url
    return f"sqlite:///{(quarantine or config.gateway.quarantine) / SQLITE_NAME}"
