"""What every command shares at the edge: the --config and --db options, loading the config,
the policy and the store, and the one-line usage error (exit 2) they all fail with."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NoReturn, TypeVar, overload

import click

from mailwarden.config import Config, ConfigError, load_config
from mailwarden.policy.schema import Policy, PolicyError, default_policy, load_policy

if TYPE_CHECKING:
    from fastapi import FastAPI

    from mailwarden.knowledge.store import KnowledgeStore

EXIT_CLEAN, EXIT_FLAGGED, EXIT_USAGE = 0, 1, 2

F = TypeVar("F", bound=Callable[..., None])


def config_option(help: str = "TOML configuration file.") -> Callable[[F], F]:
    return click.option(
        "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help=help
    )


def db_option(
    help: str = "Knowledge store: a SQLAlchemy URL or a SQLite file (default: [knowledge] url).",
) -> Callable[[F], F]:
    return click.option("--db", "db_url", metavar="URL", help=help)


def operator() -> str:
    """Who is running the command, for the record of who released or purged what."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid {os.getuid()}"


def fail(message: str, status: int) -> NoReturn:
    click.echo(f"mailwarden: {message}", err=True)
    sys.exit(status)


def usage_error(message: str) -> NoReturn:
    fail(message, EXIT_USAGE)


def load_config_or_exit(path: Path | None) -> Config:
    """The config, with one note on stderr for each setting that now belongs in the policy."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        usage_error(f"configuration error: {exc}")
    for moved in config.recipients.moved() + config.markings.moved():
        click.echo(f"mailwarden: {path}: {moved} (the config's value applies until then)", err=True)
    return config


def load_policy_or_exit(path: Path | None) -> Policy:
    try:
        return default_policy() if path is None else load_policy(path)
    except PolicyError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_USAGE)


@overload
def open_store(
    config: Config, db_url: str | None, required: Literal[True], policy: Policy | None = None
) -> KnowledgeStore: ...
@overload
def open_store(
    config: Config, db_url: str | None, required: bool, policy: Policy | None = None
) -> KnowledgeStore | None: ...
def open_store(
    config: Config, db_url: str | None, required: bool, policy: Policy | None = None
) -> KnowledgeStore | None:
    """The store named by --db or the config, opened (and migrated); None when neither
    names one and it is optional. The look-alike distance is the policy's (else the
    config's). Any failure is a usage error: one line, exit 2."""
    url = (db_url or config.knowledge.url).strip()
    if not url:
        if required:
            usage_error("no knowledge store: give --db URL or set url in the [knowledge] section")
        return None
    from mailwarden.knowledge.features import Keyer
    from mailwarden.knowledge.keyfile import KeyFileError, load_or_create_key
    from mailwarden.knowledge.store import KnowledgeStore, StoreError
    from mailwarden.policy.settings import policy_settings

    try:
        keyer = Keyer(load_or_create_key(config.knowledge.key_file))
        return KnowledgeStore.open(
            url,
            keyer,
            config.organisation.domains,
            lookalike_max_distance=policy_settings(policy, config).lookalike_max_distance,
            retention_days=config.knowledge.retention_days,
        )
    except (KeyFileError, StoreError) as exc:
        usage_error(str(exc))


def optional_path(text: str | None) -> Path | None:
    """A path handed on as text (to `serve`'s and `web`'s worker processes), or None."""
    return Path(text) if text else None


def run_http_server(
    host: str,
    port: int,
    processes: int,
    options: dict[str, str | None],
    build: Callable[[dict[str, str | None]], tuple[FastAPI, Callable[[], None]]],
    check: Callable[[dict[str, str | None]], None],
    workers: tuple[str, str],
) -> None:
    """Serve until SIGTERM or SIGINT: `build(options)` gives the app and what closes it.
    With several processes the parent only `check`s the options (here, once, rather than
    in every worker) and uvicorn's workers build the app themselves from `workers`: the
    factory's import path and the environment variable that carries the options."""
    import uvicorn

    if processes > 1:
        check(options)
        factory, variable = workers
        os.environ[variable] = json.dumps(options)
        uvicorn.run(
            factory,
            factory=True,
            workers=processes,
            host=host,
            port=port,
            log_config=None,
            timeout_graceful_shutdown=10,
        )
        return
    app, close = build(options)
    try:
        uvicorn.run(app, host=host, port=port, log_config=None, timeout_graceful_shutdown=10)
    finally:
        close()
