"""`mailwarden gateway` (the Postfix content filter) and `mailwarden postfix-config`.

The design is Postfix's FILTER_README "advanced" after-queue filter: Postfix
hands each message to mailwarden on one port (10025); mailwarden re-injects
what it delivers to a second Postfix smtpd (10026) that does no filtering.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mailwarden.cli_common import (
    config_option,
    db_option,
    load_config_or_exit,
    load_policy_or_exit,
    open_store,
    usage_error,
)
from mailwarden.config import Config
from mailwarden.policy.schema import Policy

if TYPE_CHECKING:
    from mailwarden.gateway.filter import Notifies

DEFAULT_LISTEN = "127.0.0.1:10025"
DEFAULT_NEXT_HOP = "127.0.0.1:10026"


def host_port(text: str) -> tuple[str, int]:
    """'HOST:PORT' (IPv6 as '[::1]:PORT') → (host, port); a click error otherwise."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"{text!r} is not HOST:PORT")
    return host, int(port)


def postfix_lines(listen: str = DEFAULT_LISTEN, next_hop: str = DEFAULT_NEXT_HOP) -> str:
    """The main.cf and master.cf lines for the FILTER_README design."""
    listen_host, listen_port = host_port(listen)
    hop_host, hop_port = host_port(next_hop)
    return f"""\
# --- main.cf: hand every message to mailwarden after it is queued ---
content_filter = mailwarden:[{listen_host}]:{listen_port}

# --- master.cf: the client that talks to mailwarden ---
mailwarden unix  -       -       n       -       10      smtp
  -o syslog_name=postfix/mailwarden
  -o smtp_data_done_timeout=1200s
  -o smtp_send_xforward_command=yes
  -o disable_dns_lookups=yes
  -o max_use=20

# --- master.cf: where mailwarden re-injects what it delivers (no filtering here) ---
{hop_host}:{hop_port} inet  n       -       n       -       -       smtpd
  -o syslog_name=postfix/reinject
  -o content_filter=
  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters
  -o smtpd_helo_restrictions=
  -o smtpd_client_restrictions=
  -o smtpd_sender_restrictions=
  -o smtpd_recipient_restrictions=permit_mynetworks,reject
  -o smtpd_relay_restrictions=permit_mynetworks,reject
  -o mynetworks=127.0.0.0/8
  -o smtpd_authorized_xforward_hosts=127.0.0.0/8
"""


@click.command("postfix-config")
@click.option("--listen", default=DEFAULT_LISTEN, show_default=True, help="mailwarden's port.")
@click.option(
    "--next-hop", default=DEFAULT_NEXT_HOP, show_default=True, help="The re-injection smtpd."
)
def postfix_config(listen: str, next_hop: str) -> None:
    """Print the main.cf and master.cf lines that put mailwarden behind Postfix."""
    try:
        click.echo(postfix_lines(listen, next_hop), nl=False)
    except click.BadParameter as exc:
        raise click.UsageError(exc.message) from exc


@click.command("gateway")
@click.option("--listen", help=f"HOST:PORT to serve (default: [gateway] listen, {DEFAULT_LISTEN}).")
@click.option(
    "--next-hop",
    help="HOST:PORT of the Postfix smtpd that takes delivered mail back "
    f"(default: [gateway] next_hop, {DEFAULT_NEXT_HOP}).",
)
@click.option(
    "--quarantine",
    "quarantine_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder where held messages are stored (default: [gateway] quarantine).",
)
@config_option()
@db_option()
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Policy file (default: the shipped policy).",
)
@click.option(
    "--timeout", type=float, help="Seconds per message, then 451 (default: [gateway] 120)."
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    help="Worker processes (default: [gateway] processes, else one per CPU).",
)
def gateway(
    listen: str | None,
    next_hop: str | None,
    quarantine_dir: Path | None,
    config_path: Path | None,
    db_url: str | None,
    policy_path: Path | None,
    timeout: float | None,
    processes: int | None,
) -> None:
    """Serve as Postfix's after-queue content filter until SIGTERM or SIGINT."""
    from mailwarden.gateway.filter import FilterHandler
    from mailwarden.gateway.quarantine import Quarantine, QuarantineError
    from mailwarden.gateway.server import listening_socket, serve
    from mailwarden.record.audit import AuditTrail
    from mailwarden.record.sent import SentStore
    from mailwarden.scan import Scanner

    config = load_config_or_exit(config_path)
    settings = config.gateway
    listen = listen or settings.listen
    next_hop = next_hop or settings.next_hop
    try:
        listen_host, listen_port = host_port(listen)
        hop = host_port(next_hop)
    except click.BadParameter as exc:
        raise click.UsageError(exc.message) from exc
    workers = processes or settings.processes or os.cpu_count() or 1
    logging.basicConfig(level=logging.INFO, format="mailwarden gateway: %(levelname)s %(message)s")
    for chatty in ("mail.log", "alembic"):  # every SMTP command; every migration step
        logging.getLogger(chatty).setLevel(logging.WARNING)
    policy = load_policy_or_exit(policy_path)
    folder = quarantine_dir or settings.quarantine
    # Open everything once here, so a wrong setting is one line and exit 2 before any
    # worker starts; each worker then opens its own connections.
    store = open_store(config, db_url, required=False, policy=policy)
    if store is not None:
        store.close()
    try:
        Quarantine(folder, settings.database or None).close()
    except QuarantineError as exc:
        usage_error(str(exc))
    key = _installation_key(config)
    notifier = _notifier(config, policy, hop, key)

    def make_handler() -> FilterHandler:
        worker_store = open_store(config, db_url, required=False, policy=policy)
        scanner = Scanner(config, knowledge=worker_store, policy=policy)
        scanner.warm_up()
        quarantine = Quarantine(folder, settings.database or None)
        return FilterHandler(
            scanner,
            quarantine,
            hop,
            timeout=timeout or settings.timeout_seconds,
            store=worker_store if settings.learn else None,
            notifier=notifier,
            confirmation_key=key,
            audit=AuditTrail(quarantine.store.engine),
            actor=f"gateway@{quarantine.relay}",
            sent=SentStore(quarantine.store.engine) if settings.keep_sent else None,
            relay=quarantine.relay,
        )

    try:
        sock = listening_socket(listen_host, listen_port)
    except OSError as exc:
        usage_error(f"cannot listen on {listen}: {exc.strerror or exc}")
    logging.info("listening on %s, re-injecting to %s", listen, next_hop)
    with sock:
        serve(sock, make_handler, workers, grace=timeout or settings.timeout_seconds)
    logging.info("stopped")


def _installation_key(config: Config) -> bytes:
    """The key notice links and pre-send confirmations are signed with (made on first use)."""
    from mailwarden.knowledge.keyfile import KeyFileError, load_or_create_key

    try:
        return load_or_create_key(config.knowledge.key_file)
    except KeyFileError as exc:
        usage_error(str(exc))


def _notifier(config: Config, policy: Policy, next_hop: tuple[str, int], key: bytes) -> Notifies:
    """Who tells senders about holds and refusals, with links signed by the installation key."""
    from mailwarden.gateway.links import LinkSigner
    from mailwarden.gateway.notices import notice_from
    from mailwarden.gateway.notifier import Notifier

    return Notifier(
        LinkSigner(key),
        policy.model.notices,
        notice_from(config),
        config.gateway.link_base_url,
        next_hop,
    )
