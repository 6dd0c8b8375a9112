"""`mailwarden audit verify|export|syslog|purge`: the audit trail in the record database.

The record database is the one the gateway keeps its holds in (`--record-db`, else
`[gateway] database`, else SQLite in the quarantine folder). `verify` exits 0 when the
chain is intact and 1 naming the first broken entry; every command exits 2 with one line
for a usage, configuration or database error. An export (to a file or to syslog) and a
purge are themselves recorded, with who did them.

Syslog lines are RFC 5424 (`1 TIMESTAMP HOST mailwarden PROCID ACTION [audit@32473 ...]
{entry as JSON}`), sent by the stdlib's `SysLogHandler` over UDP or a local socket; the
SD-ID uses the documentation enterprise number 32473 (RFC 5612).
"""

from __future__ import annotations

import csv
import json
import logging
import os
import socket
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from logging.handlers import SysLogHandler
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from mailwarden.cli_api import record_db_option
from mailwarden.cli_common import config_option, load_config_or_exit, operator, usage_error
from mailwarden.cli_gateway import host_port
from mailwarden.config import Config
from mailwarden.record.location import record_database_url

if TYPE_CHECKING:
    from mailwarden.record.audit import AuditEntry, AuditTrail

F = TypeVar("F", bound=Callable[..., None])

EXIT_BROKEN = 1
CSV_COLUMNS = ("seq", "at", "actor", "action", "subject", "details", "prev_hash", "hash")
SD_ID = "audit@32473"
APP_NAME = "mailwarden"
FACILITIES = {
    name: SysLogHandler.facility_names[name]
    for name in ("auth", "authpriv", "daemon", "mail", "user", *(f"local{n}" for n in range(8)))
}


def when(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """A date ('2026-11-25', midnight UTC) or an ISO 8601 time (UTC unless it says)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (2026-11-25) or a time (2026-11-25T10:15)"
        ) from None
    if len(value.strip()) == 10:
        moment = datetime.combine(moment.date(), time())
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def by_option() -> Callable[[F], F]:
    return click.option(
        "--by", metavar="NAME", help="Who does it, for the record (default: your user name)."
    )


def range_options(f: F) -> F:
    f = click.option("--until", metavar="DATE", callback=when, help="Only entries before DATE.")(f)
    return click.option(
        "--since", metavar="DATE", callback=when, help="Only entries from DATE on."
    )(f)


@click.group("audit")
def audit_group() -> None:
    """The audit trail: verify it, export it to a file or to syslog, purge old entries."""


@audit_group.command("verify")
@config_option()
@record_db_option()
def audit_verify(config_path: Path | None, record_db: str | None) -> None:
    """Check every entry's hash and link: exit 0 if the chain is intact, 1 naming the first
    entry that is not."""
    with _trail(load_config_or_exit(config_path), record_db) as trail:
        result = trail.verify()
    click.echo(result.describe())
    if not result.ok:
        sys.exit(EXIT_BROKEN)


@audit_group.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="json",
    show_default=True,
    help="CSV with a header row, or JSON Lines (one entry per line).",
)
@range_options
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    help="File to write (default: standard output).",
)
@config_option()
@record_db_option()
@by_option()
def audit_export(
    fmt: str,
    since: datetime | None,
    until: datetime | None,
    output: Path | None,
    config_path: Path | None,
    record_db: str | None,
    by: str | None,
) -> None:
    """Write the trail's entries, with their hashes, as CSV or JSON Lines."""
    from mailwarden.record.audit import Action

    with _trail(load_config_or_exit(config_path), record_db) as trail:
        try:
            with _opened(output) as out:
                count = write_entries(trail.entries(since, until), fmt, out)
        except OSError as exc:
            usage_error(f"cannot write {output or 'standard output'}: {exc}")
        trail.append(
            by or operator(),
            Action.EXPORT,
            "audit trail",
            {"to": str(output) if output else "stdout", "format": fmt, "entries": count}
            | _range(since, until),
        )
    if output is not None:
        click.echo(f"exported {count:,} entries to {output}", err=True)


@audit_group.command("syslog")
@click.option(
    "--address",
    default="/dev/log",
    show_default=True,
    help="HOST:PORT of a syslog server (UDP), or a local socket's path.",
)
@click.option(
    "--facility",
    type=click.Choice(sorted(FACILITIES)),
    default="authpriv",
    show_default=True,
)
@range_options
@config_option()
@record_db_option()
@by_option()
def audit_syslog(
    address: str,
    facility: str,
    since: datetime | None,
    until: datetime | None,
    config_path: Path | None,
    record_db: str | None,
    by: str | None,
) -> None:
    """Send the trail's entries to syslog as RFC 5424 lines, for a SIEM."""
    from mailwarden.record.audit import Action

    target: str | tuple[str, int] = address
    if not address.startswith("/"):
        try:
            target = host_port(address)
        except click.BadParameter as exc:
            usage_error(f"--address: {exc.message}")
    with _trail(load_config_or_exit(config_path), record_db) as trail:
        try:
            count = send_to_syslog(trail.entries(since, until), target, FACILITIES[facility])
        except OSError as exc:
            usage_error(f"cannot send to syslog at {address}: {exc}")
        trail.append(
            by or operator(),
            Action.EXPORT,
            "audit trail",
            {"to": f"syslog {address}", "entries": count} | _range(since, until),
        )
    click.echo(f"sent {count:,} entries to {address}", err=True)


@audit_group.command("purge")
@click.option("--before", metavar="DATE", callback=when, help="Delete entries older than DATE.")
@config_option()
@record_db_option()
@by_option()
def audit_purge(
    before: datetime | None, config_path: Path | None, record_db: str | None, by: str | None
) -> None:
    """Delete entries older than --before or [audit] retention_days; the purge is recorded
    and what is left still verifies."""
    config = load_config_or_exit(config_path)
    now = datetime.now(UTC)
    if before is None:
        if config.audit.retention_days is None:
            usage_error("give --before DATE or set retention_days in the [audit] section")
        before = now - timedelta(days=config.audit.retention_days)
    if before > now:
        usage_error(f"--before {before:%Y-%m-%d %H:%M} is in the future")
    with _trail(config, record_db) as trail:
        deleted = trail.purge(before, by or operator())
    click.echo(f"purged {deleted:,} entries older than {before:%Y-%m-%d %H:%M:%S} UTC")


def write_entries(entries: Iterable[AuditEntry], fmt: str, out: IO[str]) -> int:
    """Write entries as CSV (details as JSON in one column) or JSON Lines; how many."""
    count = 0
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(CSV_COLUMNS)
    for entry in entries:
        data = entry.to_json()
        if writer is not None:
            data["details"] = json.dumps(data["details"], ensure_ascii=False, sort_keys=True)
            writer.writerow([data[column] for column in CSV_COLUMNS])
        else:
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
        count += 1
    return count


class _Raising(SysLogHandler):
    """A handler that lets a failure to send reach the command, instead of printing it."""

    def handleError(self, record: logging.LogRecord) -> None:
        raise  # emit() calls this inside its except block: the failure goes on up


def send_to_syslog(
    entries: Iterable[AuditEntry], address: str | tuple[str, int], facility: int
) -> int:
    """Send each entry as one RFC 5424 line; how many were sent."""
    handler = _Raising(address, facility, socket.SOCK_DGRAM)
    handler.append_nul = False
    handler.setFormatter(Rfc5424Formatter(socket.gethostname()))
    count = 0
    try:
        for entry in entries:
            record = logging.LogRecord("mailwarden.audit", logging.INFO, "", 0, "", None, None)
            record.entry = entry
            handler.handle(record)
            count += 1
    finally:
        handler.close()
    return count


class Rfc5424Formatter(logging.Formatter):
    """`1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG` after the handler's `<PRI>`: the entry's
    time, its action as MSGID, seq, actor, subject and hashes as structured data, and the
    whole entry as JSON for the message."""

    def __init__(self, hostname: str) -> None:
        super().__init__()
        self.hostname = _printable(hostname, 255)

    def format(self, record: logging.LogRecord) -> str:
        entry: AuditEntry = record.entry  # type: ignore[attr-defined]
        at = entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        params = {
            "seq": str(entry.seq),
            "actor": entry.actor,
            "subject": entry.subject,
            "hash": entry.hash,
            "prev": entry.prev_hash,
        }
        data = " ".join(f'{k}="{_sd_escape(v)}"' for k, v in params.items())
        message = json.dumps(entry.to_json(), ensure_ascii=False, sort_keys=True)
        header = f"1 {at} {self.hostname} {APP_NAME} {os.getpid()}"
        return f"{header} {_printable(entry.action, 32)} [{SD_ID} {data}] {message}"


def _sd_escape(value: str) -> str:
    """RFC 5424 PARAM-VALUE: backslash before '"', '\\' and ']'."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _printable(value: str, limit: int) -> str:
    """A header field: printable US-ASCII without spaces, else the nil value '-'."""
    return value[:limit] if value and all(33 <= ord(c) <= 126 for c in value) else "-"


def _range(since: datetime | None, until: datetime | None) -> dict[str, str]:
    return {
        name: moment.isoformat()
        for name, moment in (("since", since), ("until", until))
        if moment is not None
    }


@contextmanager
def _opened(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as out:
        yield out


@contextmanager
def _trail(config: Config, record_db: str | None) -> Iterator[AuditTrail]:
    """The audit trail in the record database; any database failure is a usage error."""
    from mailwarden.record import RecordError, open_record_database
    from mailwarden.record.audit import AuditTrail
    from mailwarden.record.database import first_line

    url = record_database_url(config, record_db)
    if (
        not (record_db or config.gateway.database).strip()
        and not config.gateway.quarantine.is_dir()
    ):
        usage_error(
            f"no record database: no quarantine at {config.gateway.quarantine}; "
            "give --record-db URL or set [gateway] database"
        )
    try:
        engine = open_record_database(url)
    except RecordError as exc:
        usage_error(str(exc))
    try:
        yield AuditTrail(engine)
    except SQLAlchemyError as exc:
        usage_error(f"the record database failed: {first_line(exc)}")
    finally:
        engine.dispose()
