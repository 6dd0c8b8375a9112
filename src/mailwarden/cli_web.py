"""`mailwarden web` (the review web app) and `mailwarden user add|list|disable|enable|role`
(its local accounts; each change is in the audit trail with the operator as its actor).

Both find the record database as `held` and `release` do: the quarantine folder
`--quarantine` or `[gateway] quarantine`, and `[gateway] database` (empty: SQLite in that
folder). The cookies are signed with `[web] secret_key_file`, else a key derived from the
installation key (`[knowledge] key_file`) for this purpose alone; `secret_key_file` and
`oidc_client_secret_file` are relative to the config file. Exit 0 when done, 2 with one
line otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click
from sqlalchemy.exc import SQLAlchemyError

from mailwarden.cli_common import (
    config_option,
    load_config_or_exit,
    load_policy_or_exit,
    open_store,
    operator,
    optional_path,
    run_http_server,
    usage_error,
)
from mailwarden.cli_gateway import host_port
from mailwarden.cli_holds import open_quarantine, quarantine_option
from mailwarden.config import Config

if TYPE_CHECKING:
    from fastapi import FastAPI

    from mailwarden.gateway.quarantine import Quarantine
    from mailwarden.knowledge.store import KnowledgeStore
    from mailwarden.policy.schema import Policy
    from mailwarden.web import UserStore

WEB_OPTIONS = "MAILWARDEN_WEB_OPTIONS"
"""How `web --workers` hands its options to the worker processes uvicorn starts."""
SESSION_PURPOSE = b"mailwarden web sessions"
"""What the session key is derived for; another purpose gets another key."""
ROLES = ("sender", "reviewer", "dpo", "admin")


def session_key(config: Config, config_path: Path | None = None) -> bytes:
    """`[web] secret_key_file`'s key (relative to the config file), else one derived from
    the installation key."""
    from mailwarden.knowledge.keyfile import KeyFileError, load_or_create_key

    own = config.web.secret_key_file
    try:
        if own is not None:
            base = config_path.parent if config_path and not own.is_absolute() else Path()
            return load_or_create_key(base / own)
        key = load_or_create_key(config.knowledge.key_file)
    except KeyFileError as exc:
        usage_error(str(exc))
    return hmac.new(key, SESSION_PURPOSE, hashlib.sha256).digest()


def with_oidc_secret(config: Config, config_path: Path | None) -> Config:
    """The config with `[web] oidc_client_secret_file` relative to the config file, once it
    is known to be readable and not empty."""
    secret = config.web.oidc_client_secret_file
    if not config.web.oidc_issuer or secret is None:
        return config
    if not secret.is_absolute() and config_path is not None:
        secret = config_path.parent / secret
    try:
        readable = bool(secret.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError) as exc:
        usage_error(f"[web] oidc_client_secret_file: cannot read {secret}: {exc}")
    if not readable:
        usage_error(f"[web] oidc_client_secret_file: {secret} is empty")
    web = config.web.model_copy(update={"oidc_client_secret_file": secret})
    return config.model_copy(update={"web": web})


@click.command("web")
@click.option("--listen", help="HOST:PORT to serve on (default: [web] listen).")
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Policy file (default: the shipped policy).",
)
@click.option("--db", "db_url", help="Knowledge store URL (default: [knowledge] url).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Server processes, each with its own scanner (default: [web] workers).",
)
@config_option()
@quarantine_option()
def web(
    listen: str | None,
    policy_path: Path | None,
    db_url: str | None,
    workers: int | None,
    config_path: Path | None,
    quarantine_dir: Path | None,
) -> None:
    """Serve the review web app until SIGTERM or SIGINT.

    It reads held and uploaded messages with the policy and the knowledge store, as the
    gateway does, and checks hold notices' links with the installation key. Sessions and
    the login limit are in the record database, so several processes serve as one."""
    config = load_config_or_exit(config_path)
    try:
        host, port = host_port(listen or config.web.listen)
    except click.BadParameter as exc:
        usage_error(f"--listen: {exc.message}")
    logging.basicConfig(level=logging.INFO, format="mailwarden web: %(levelname)s %(message)s")
    options = {
        "config": str(config_path) if config_path else None,
        "policy": str(policy_path) if policy_path else None,
        "db": db_url,
        "quarantine": str(quarantine_dir) if quarantine_dir else None,
    }
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _stopped)
    run_http_server(
        host,
        port,
        workers or config.web.workers,
        options,
        _served,
        _check_or_exit,
        (f"{__name__}:app_from_environment", WEB_OPTIONS),
    )


def app_from_environment() -> FastAPI:
    """The app in a `web --workers` process: the options its parent checked, from the
    environment, built again here (each process loads its own models)."""
    logging.basicConfig(level=logging.INFO, format="mailwarden web: %(levelname)s %(message)s")
    app, _ = _build(json.loads(os.environ[WEB_OPTIONS]))
    return app


@dataclass(frozen=True, slots=True)
class _Parts:
    """What the app is built from, all opened and checked."""

    config_path: Path | None
    config: Config
    policy: Policy
    store: KnowledgeStore | None
    install_key: bytes
    next_hop: tuple[str, int]
    quarantine: Quarantine

    def close(self) -> None:
        self.quarantine.close()
        if self.store is not None:
            self.store.close()


def _parts(options: dict[str, str | None]) -> _Parts:
    """The config, policy, stores, key and next hop the options name; a usage error if
    any cannot be had."""
    from mailwarden.knowledge.keyfile import KeyFileError, load_or_create_key

    config_path = optional_path(options["config"])
    config = with_oidc_secret(load_config_or_exit(config_path), config_path)
    policy = load_policy_or_exit(optional_path(options["policy"]))
    store = open_store(config, options["db"], required=False, policy=policy)
    try:
        install_key = load_or_create_key(config.knowledge.key_file)
    except KeyFileError as exc:
        usage_error(str(exc))
    try:
        next_hop = host_port(config.gateway.next_hop)
    except click.BadParameter as exc:
        usage_error(f"[gateway] next_hop: {exc.message}")
    quarantine = open_quarantine(config, optional_path(options["quarantine"]))
    return _Parts(config_path, config, policy, store, install_key, next_hop, quarantine)


def _check_or_exit(options: dict[str, str | None]) -> None:
    """What `_build` needs, all there, without loading the language model."""
    _parts(options).close()


def _served(options: dict[str, str | None]) -> tuple[FastAPI, Callable[[], None]]:
    """The app, and what closes its stores when the server stops."""
    app, parts = _build(options)
    return app, parts.close


def _build(options: dict[str, str | None]) -> tuple[FastAPI, _Parts]:
    """The app and what it was built from; a usage error if anything cannot be opened."""
    from mailwarden.record import RecordError
    from mailwarden.record.stats import tally_for
    from mailwarden.scan import Scanner
    from mailwarden.web import create_web_app

    parts = _parts(options)
    scanner = Scanner(parts.config, knowledge=parts.store, policy=parts.policy)
    scanner.warm_up()  # the language model loads now, not on the first page that needs it
    try:
        app = create_web_app(
            parts.config,
            parts.quarantine.url,
            parts.quarantine,
            parts.next_hop,
            session_key(parts.config, parts.config_path),
            scanner=scanner,
            install_key=parts.install_key,
        )
    except RecordError as exc:
        usage_error(str(exc))
    # The dashboard's running totals read the whole audit window once (a second or two on
    # a large trail): read it now, beside the server, not on the first dashboard view.
    threading.Thread(target=tally_for(app.state.web.engine).stats, daemon=True).start()
    return app, parts


@click.group("user")
def user_group() -> None:
    """Add, list, disable, enable the review web app's local accounts, or change a role."""


@user_group.command("add")
@click.argument("login")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@click.option("--name", "display_name", default="", help="The name shown (default: the login).")
@config_option()
@quarantine_option()
def user_add(
    login: str,
    role: str,
    display_name: str,
    config_path: Path | None,
    quarantine_dir: Path | None,
) -> None:
    """Add an account; its password is asked for (or read from stdin when piped).

    A sender's LOGIN is their mail address: they see the holds sent from it."""
    from mailwarden.web import AccountError, Role

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    users = _users(config_path, quarantine_dir)
    try:
        user = users.add(login, display_name, Role(role), password, by=operator())
    except (AccountError, SQLAlchemyError) as exc:
        usage_error(str(exc).splitlines()[0])
    finally:
        users.engine.dispose()
    click.echo(f"added {user.login} ({user.role.value})")


@user_group.command("list")
@config_option()
@quarantine_option()
def user_list(config_path: Path | None, quarantine_dir: Path | None) -> None:
    """Every account: login, role, name, and whether it is disabled."""
    users = _users(config_path, quarantine_dir)
    try:
        accounts = users.list()
    except SQLAlchemyError as exc:
        usage_error(str(exc).splitlines()[0])
    finally:
        users.engine.dispose()
    for user in accounts:
        state = "\tdisabled" if user.disabled else ""
        click.echo(f"{user.login}\t{user.role.value}\t{user.display_name}{state}")


@user_group.command("disable")
@click.argument("login")
@config_option()
@quarantine_option()
def user_disable(login: str, config_path: Path | None, quarantine_dir: Path | None) -> None:
    """Disable an account: it can no longer log in, and its sessions end."""
    _change(config_path, quarantine_dir, login, "disabled", lambda users: users.disable)


@user_group.command("enable")
@click.argument("login")
@config_option()
@quarantine_option()
def user_enable(login: str, config_path: Path | None, quarantine_dir: Path | None) -> None:
    """Let a disabled account log in again."""
    _change(config_path, quarantine_dir, login, "enabled", lambda users: users.enable)


@user_group.command("role")
@click.argument("login")
@click.argument("role", type=click.Choice(ROLES))
@config_option()
@quarantine_option()
def user_role(login: str, role: str, config_path: Path | None, quarantine_dir: Path | None) -> None:
    """Give an account another role (its sessions go on, in the new role)."""
    from mailwarden.web import Role

    users = _users(config_path, quarantine_dir)
    try:
        was = users.set_role(login, Role(role), by=operator())
    except SQLAlchemyError as exc:
        usage_error(str(exc).splitlines()[0])
    finally:
        users.engine.dispose()
    if was is None:
        usage_error(f"no account has the login {login!r}")
    click.echo(f"{login.lower()}: {role} (was {was.value})")


def _change(
    config_path: Path | None,
    quarantine_dir: Path | None,
    login: str,
    done: str,
    how: Callable[[UserStore], Callable[..., bool]],
) -> None:
    users = _users(config_path, quarantine_dir)
    try:
        found = how(users)(login, by=operator())
    except SQLAlchemyError as exc:
        usage_error(str(exc).splitlines()[0])
    finally:
        users.engine.dispose()
    if not found:
        usage_error(f"no account has the login {login!r}")
    click.echo(f"{done} {login.lower()}")


def _users(config_path: Path | None, quarantine_dir: Path | None) -> UserStore:
    from mailwarden.record import RecordError, open_record_database
    from mailwarden.record.location import record_database_url
    from mailwarden.web import UserStore

    config = load_config_or_exit(config_path)
    folder = quarantine_dir or config.gateway.quarantine
    if not config.gateway.database.strip():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            usage_error(f"cannot make the quarantine folder {folder}: {exc}")
    try:
        return UserStore(open_record_database(record_database_url(config, None, folder)))
    except RecordError as exc:
        usage_error(str(exc))


def _stopped(signum: int, frame: FrameType | None) -> None:
    logging.info("stopped")
