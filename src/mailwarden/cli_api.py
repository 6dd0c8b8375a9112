"""`mailwarden serve` (the pre-send check API) and `mailwarden token create/list/revoke`.

Both use the record database the gateway keeps its holds in (`--record-db`, else
`[gateway] database`, else SQLite in the quarantine folder), so checks, confirmations
and holds are in one place. `serve` signs confirmations with the installation key
(`[knowledge] key_file`), which the gateway verifies them with. Exit 0 when done, 2
with one line for a usage, configuration or database error.
"""

from __future__ import annotations

import json
import logging
import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from mailwarden.cli_common import (
    config_option,
    db_option,
    load_config_or_exit,
    load_policy_or_exit,
    open_store,
    operator,
    optional_path,
    run_http_server,
    usage_error,
)
from mailwarden.cli_gateway import host_port
from mailwarden.config import Config
from mailwarden.record.location import record_database_url

if TYPE_CHECKING:
    from fastapi import FastAPI

    from mailwarden.knowledge.store import KnowledgeStore
    from mailwarden.record.tokens import TokenStore

F = TypeVar("F", bound=Callable[..., None])

SERVE_OPTIONS = "MAILWARDEN_SERVE_OPTIONS"
"""How `serve --workers` hands its options to the worker processes uvicorn starts."""
TOKEN_COLUMNS = ("ID", "NAME", "FOR", "SCOPES", "STATE", "CREATED", "EXPIRES", "LAST USED")


def record_db_option() -> Callable[[F], F]:
    return click.option(
        "--record-db",
        "record_db",
        metavar="URL",
        help="Record database: a SQLAlchemy URL or a SQLite file "
        "(default: [gateway] database, else SQLite in the quarantine folder).",
    )


@click.command("serve")
@click.option("--listen", help="HOST:PORT to serve on (default: [api] listen).")
@config_option()
@db_option()
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Policy file (default: the shipped policy).",
)
@record_db_option()
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Server processes, each with its own scanner (default: [api] workers).",
)
def serve(
    listen: str | None,
    config_path: Path | None,
    db_url: str | None,
    policy_path: Path | None,
    record_db: str | None,
    workers: int | None,
) -> None:
    """Serve the pre-send check API (docs/api.md) until SIGTERM or SIGINT."""
    config = load_config_or_exit(config_path)
    try:
        host, port = host_port(listen or config.api.listen)
    except click.BadParameter as exc:
        usage_error(f"--listen: {exc.message}")
    logging.basicConfig(level=logging.INFO, format="mailwarden serve: %(levelname)s %(message)s")
    options = {
        "config": str(config_path) if config_path else None,
        "db": db_url,
        "policy": str(policy_path) if policy_path else None,
        "record_db": record_db,
    }
    for stop in (signal.SIGTERM, signal.SIGINT):
        # uvicorn stops gracefully, then raises the signal again for the handler it found:
        # this one, so the command exits 0 when asked to stop, as `gateway` does
        signal.signal(stop, _stopped)
    run_http_server(
        host,
        port,
        workers or config.api.workers,
        options,
        _served,
        _check_or_exit,
        (f"{__name__}:app_from_environment", SERVE_OPTIONS),
    )


def app_from_environment() -> FastAPI:
    """The app in a `serve --workers` process: the options its parent checked, from the
    environment, built again here (each process loads its own models)."""
    logging.basicConfig(level=logging.INFO, format="mailwarden serve: %(levelname)s %(message)s")
    app, _ = _build(json.loads(os.environ[SERVE_OPTIONS]))
    return app


def _build(options: dict[str, str | None]) -> tuple[FastAPI, KnowledgeStore | None]:
    """The app and its knowledge store (None without one); a usage error if either fails."""
    from mailwarden.api import create_app
    from mailwarden.knowledge.keyfile import KeyFileError, load_or_create_key
    from mailwarden.record import RecordError

    config = load_config_or_exit(optional_path(options["config"]))
    policy = load_policy_or_exit(optional_path(options["policy"]))
    store = open_store(config, options["db"], required=False, policy=policy)
    try:
        key = load_or_create_key(config.knowledge.key_file)
        app = create_app(config, policy, store, _record_url(config, options["record_db"]), key)
    except (KeyFileError, RecordError) as exc:
        usage_error(str(exc))
    return app, store


def _served(options: dict[str, str | None]) -> tuple[FastAPI, Callable[[], None]]:
    """The app, and what closes its knowledge store when the server stops."""
    app, store = _build(options)
    return app, (store.close if store is not None else lambda: None)


def _check_or_exit(options: dict[str, str | None]) -> None:
    """What `_build` needs, all there (the config, the policy, the stores, the key), without
    building the scanner."""
    from mailwarden.knowledge.keyfile import KeyFileError, load_or_create_key
    from mailwarden.record import RecordError, open_record_database

    config = load_config_or_exit(optional_path(options["config"]))
    policy = load_policy_or_exit(optional_path(options["policy"]))
    store = open_store(config, options["db"], required=False, policy=policy)
    if store is not None:
        store.close()
    try:
        load_or_create_key(config.knowledge.key_file)
        open_record_database(_record_url(config, options["record_db"])).dispose()
    except (KeyFileError, RecordError) as exc:
        usage_error(str(exc))


def _stopped(signum: int, frame: FrameType | None) -> None:
    logging.info("stopped")


@click.group("token")
def token_group() -> None:
    """Make, list and revoke the API tokens `mailwarden serve` accepts."""


@token_group.command("create")
@click.option("--name", required=True, help="What the token is for, e.g. outlook-addin.")
@click.option("--sender", metavar="ADDRESS", help="The one sender address it checks drafts for.")
@click.option(
    "--domain", metavar="DOMAIN", help="Check drafts for every sender in this domain instead."
)
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(["check"]),
    default=("check",),
    show_default=True,
    help="What it may do: check (and confirm) drafts.",
)
@click.option("--expires", "days", type=click.IntRange(min=1), help="Days until it expires.")
@config_option()
@record_db_option()
def token_create(
    name: str,
    sender: str | None,
    domain: str | None,
    scopes: tuple[str, ...],
    days: int | None,
    config_path: Path | None,
    record_db: str | None,
) -> None:
    """Make a token and print it, once (stdout); what it is goes to stderr."""
    from mailwarden.record.audit import Action, AuditTrail
    from mailwarden.record.tokens import Scope

    config = load_config_or_exit(config_path)
    if bool(sender) == bool(domain):
        usage_error("give --sender ADDRESS or --domain DOMAIN (one of them)")
    for_domain = (domain or (sender or "").rpartition("@")[2]).strip().lower().lstrip("@")
    if config.organisation.domains and not config.is_internal(for_domain):
        usage_error(
            f"{for_domain} is not one of the organisation's domains "
            f"({', '.join(config.organisation.domains)})"
        )
    now = datetime.now(UTC)
    expires = now + timedelta(days=days) if days else None
    tokens = _tokens(config, record_db)
    try:
        token, secret = tokens.create(
            name,
            sender=sender or "",
            domain=domain or "",
            scopes=tuple(Scope(s) for s in dict.fromkeys(scopes)),
            expires_at=expires,
            now=now,
        )
        details = {"name": token.name, "for": token.speaks_for_label}
        AuditTrail(tokens.engine).append(operator(), Action.TOKEN_CREATE, token.id, details)
    except (ValueError, SQLAlchemyError) as exc:
        usage_error(_words(exc))
    finally:
        tokens.engine.dispose()
    until = f"until {expires:%Y-%m-%d}" if expires else "with no expiry"
    click.echo(
        f"API token {token.id} {token.name!r} for {token.speaks_for_label}, "
        f"scopes {', '.join(s.value for s in token.scopes)}, {until}. "
        "It is shown once, now: put it in the add-in's settings.",
        err=True,
    )
    click.echo(secret)


@token_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per token (JSON Lines).")
@config_option()
@record_db_option()
def token_list(as_json: bool, config_path: Path | None, record_db: str | None) -> None:
    """Every token, revoked and expired ones too, oldest first; never the tokens themselves."""
    config = load_config_or_exit(config_path)
    tokens = _tokens(config, record_db)
    try:
        found = tokens.list()
    except SQLAlchemyError as exc:
        usage_error(_words(exc))
    finally:
        tokens.engine.dispose()
    now = datetime.now(UTC)
    if as_json:
        for token in found:
            click.echo(json.dumps(token.to_json(now)))
        return
    if not found:
        click.echo("no API tokens")
        return
    rows = [TOKEN_COLUMNS] + [
        (
            t.id,
            t.name,
            t.speaks_for_label,
            ",".join(s.value for s in t.scopes),
            t.state(now).value,
            f"{t.created_at:%Y-%m-%d}",
            f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "never",
            f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never",
        )
        for t in found
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TOKEN_COLUMNS))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@token_group.command("revoke")
@click.argument("name_or_id", metavar="NAME|ID")
@config_option()
@record_db_option()
def token_revoke(name_or_id: str, config_path: Path | None, record_db: str | None) -> None:
    """Revoke a token by its ID, or every active token with this name: refused from now on."""
    from mailwarden.record.audit import Action, AuditTrail
    from mailwarden.record.tokens import TokenNotFound

    config = load_config_or_exit(config_path)
    tokens = _tokens(config, record_db)
    try:
        revoked = tokens.revoke(name_or_id)
        trail = AuditTrail(tokens.engine)
        for token in revoked:
            details = {"name": token.name, "for": token.speaks_for_label}
            trail.append(operator(), Action.TOKEN_REVOKE, token.id, details)
    except (TokenNotFound, SQLAlchemyError) as exc:
        usage_error(_words(exc))
    finally:
        tokens.engine.dispose()
    for token in revoked:
        click.echo(f"revoked API token {token.id} {token.name!r} for {token.speaks_for_label}")


def _record_url(config: Config, record_db: str | None) -> str:
    """The record database's URL; its folder made when it is the quarantine's SQLite file."""
    if not (record_db or config.gateway.database).strip():
        try:
            config.gateway.quarantine.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            usage_error(f"cannot make the quarantine folder {config.gateway.quarantine}: {exc}")
    return record_database_url(config, record_db)


def _tokens(config: Config, record_db: str | None) -> TokenStore:
    from mailwarden.record import RecordError, open_record_database
    from mailwarden.record.tokens import TokenStore

    try:
        return TokenStore(open_record_database(_record_url(config, record_db)))
    except RecordError as exc:
        usage_error(str(exc))


def _words(exc: Exception) -> str:
    from mailwarden.record.database import first_line

    if isinstance(exc, SQLAlchemyError):
        return f"the record database failed: {first_line(exc)}"
    return str(exc)
