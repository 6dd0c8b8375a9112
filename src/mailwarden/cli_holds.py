"""`mailwarden held` (list the quarantine) and `mailwarden release ID` (deliver after all).

Both find the holds as the gateway keeps them: the folder `--quarantine` or the config's
`[gateway] quarantine`, and the record database `[gateway] database` (empty: SQLite in
that folder). `release` re-injects to `--next-hop` or `[gateway] next_hop`, keeps what a
breach would need of the released copy (`[gateway] keep_sent`), and, when a knowledge
store is configured and `[gateway] learn` is on (or `--db` names one), teaches it the
association the release confirmed. `purge-held` also deletes the records of delivered
messages past `[gateway] sent_retention_days`. Exit 0 when done, 2 with one line otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from mailwarden.cli_audit import when
from mailwarden.cli_common import (
    config_option,
    db_option,
    load_config_or_exit,
    open_store,
    operator,
    usage_error,
)
from mailwarden.cli_gateway import host_port
from mailwarden.config import Config

if TYPE_CHECKING:
    from mailwarden.gateway.quarantine import Hold, Quarantine
    from mailwarden.gateway.release import RecordSent, Teach
    from mailwarden.knowledge.store import KnowledgeStore
    from mailwarden.report import ScanReport
    from mailwarden.scan import Scanner

F = TypeVar("F", bound=Callable[..., None])

COLUMNS = ("ID", "AGE", "SENDER", "RECIPIENT", "VERDICT", "STATE", "REASONS")


def quarantine_option() -> Callable[[F], F]:
    return click.option(
        "--quarantine",
        "quarantine_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder of held messages (default: [gateway] quarantine).",
    )


@click.command("held")
@config_option()
@quarantine_option()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hold (JSON Lines).")
@click.option(
    "--all", "show_all", is_flag=True, help="Every hold, decided ones too (default: still held)."
)
def held_command(
    config_path: Path | None, quarantine_dir: Path | None, as_json: bool, show_all: bool
) -> None:
    """List held messages, oldest first: who sent them to whom, and why they are held."""
    from mailwarden.gateway.quarantine import QuarantineError, RecipientState

    config = load_config_or_exit(config_path)
    quarantine = open_quarantine(config, quarantine_dir)
    try:
        holds = quarantine.held(None if show_all else RecipientState.HELD)
    except QuarantineError as exc:
        usage_error(str(exc))
    finally:
        quarantine.close()
    if as_json:
        for hold in holds:
            click.echo(json.dumps(hold.to_json(), ensure_ascii=False))
    elif holds:
        click.echo(table(holds, datetime.now(UTC)))
    else:
        click.echo("no held messages" if show_all else "nothing is held")


@click.command("release")
@click.argument("hold_id", metavar="ID")
@click.option(
    "--to",
    "to",
    multiple=True,
    metavar="ADDRESS",
    help="Release to this held recipient (repeat for more; default: every one still held).",
)
@config_option()
@quarantine_option()
@click.option("--next-hop", help="HOST:PORT that takes the message (default: [gateway] next_hop).")
@db_option("Knowledge store that learns what the release confirmed (default: [knowledge] url).")
@click.option(
    "--by", metavar="NAME", help="Who releases it, for the record (default: your user name)."
)
def release_command(
    hold_id: str,
    to: tuple[str, ...],
    config_path: Path | None,
    quarantine_dir: Path | None,
    next_hop: str | None,
    db_url: str | None,
    by: str | None,
) -> None:
    """Deliver held message ID to some or all of its held recipients, and record who did."""
    from mailwarden.gateway.release import ReleaseError, release

    config = load_config_or_exit(config_path)
    try:
        hop = host_port(next_hop or config.gateway.next_hop)
    except click.BadParameter as exc:
        usage_error(f"--next-hop: {exc.message}")
    store = open_store(config, db_url, required=False) if db_url or config.gateway.learn else None
    quarantine = open_quarantine(config, quarantine_dir)
    scanner = OnDemandScanner(config, store)
    try:
        teach = _teacher(scanner, store) if store is not None else None
        record_sent = _recorder(scanner, quarantine) if config.gateway.keep_sent else None
        released = release(
            quarantine,
            hold_id,
            list(to) or None,
            hop,
            by or operator(),
            teach,
            record_sent=record_sent,
        )
    except ReleaseError as exc:
        usage_error(str(exc))
    finally:
        quarantine.close()
        if store is not None:
            store.close()
    click.echo(f"released {hold_id} to {', '.join(released)}")


@click.command("purge-held")
@click.option(
    "--before",
    metavar="DATE",
    callback=when,
    help="Delete decided holds from before DATE (default: [gateway] hold_retention_days ago).",
)
@config_option()
@quarantine_option()
@click.option("--by", help="Who purges, for the audit trail (default: your user name).")
def purge_held_command(
    before: datetime | None,
    config_path: Path | None,
    quarantine_dir: Path | None,
    by: str | None,
) -> None:
    """Retention: delete held messages every recipient of which was decided (released,
    rejected or returned) before a date; ones still waiting are kept. Also delete the
    records of delivered messages older than [gateway] sent_retention_days. Both are
    recorded in the audit trail."""
    from mailwarden.gateway.quarantine import QuarantineError

    config = load_config_or_exit(config_path)
    days = config.gateway.hold_retention_days
    if before is None:
        if days is None:
            usage_error("give --before DATE or set hold_retention_days in [gateway]")
        before = datetime.now(UTC) - timedelta(days=days)
    if before > datetime.now(UTC):
        usage_error("--before is in the future: that would purge what is still being decided")
    sent_before = datetime.now(UTC) - timedelta(days=config.gateway.sent_retention_days)
    quarantine = open_quarantine(config, quarantine_dir)
    try:
        purged = quarantine.purge(before, by or operator())
        forgotten = purge_sent(quarantine, sent_before, by or operator())
    except QuarantineError as exc:
        usage_error(str(exc))
    finally:
        quarantine.close()
    click.echo(
        f"purged {purged} held message(s) decided before {before:%Y-%m-%d %H:%M} UTC "
        f"and {forgotten} delivered message record(s) from before {sent_before:%Y-%m-%d} UTC"
    )


def purge_sent(quarantine: Quarantine, before: datetime, by: str) -> int:
    """Retention of delivered messages' records (`SentStore.purge`), recorded in the audit
    trail as the holds' purge is; how many went. `QuarantineError` if the database fails."""
    from sqlalchemy.exc import SQLAlchemyError

    from mailwarden.gateway.quarantine import QuarantineError
    from mailwarden.record.audit import Action, AuditTrail
    from mailwarden.record.sent import SentStore

    engine = quarantine.store.engine
    try:
        deleted = SentStore(engine).purge(before)
        if deleted:
            details = {"kind": "sent", "before": before.isoformat(), "deleted": deleted}
            AuditTrail(engine).append(by, Action.PURGE, "sent messages", details)
    except SQLAlchemyError as exc:
        raise QuarantineError(f"could not purge the delivered messages' records: {exc}") from exc
    return deleted


def open_quarantine(config: Config, folder: Path | None) -> Quarantine:
    """The gateway's quarantine as the config names it; a usage error if there is none."""
    from mailwarden.gateway.quarantine import Quarantine, QuarantineError

    folder = folder or config.gateway.quarantine
    url = config.gateway.database.strip() or None
    if url is None and not folder.is_dir():
        usage_error(f"no quarantine at {folder}: give --quarantine DIR or set [gateway] quarantine")
    try:
        return Quarantine(folder, url)
    except QuarantineError as exc:
        usage_error(str(exc))


def table(holds: Sequence[Hold], now: datetime) -> str:
    """One row per held recipient; a hold's own columns on its first row only."""
    rows: list[tuple[str, ...]] = [COLUMNS]
    for hold in holds:
        first = (hold.id, age(now - hold.held_at), hold.sender or "<>")
        for index, recipient in enumerate(hold.recipients):
            state = recipient.state.value
            if recipient.decided_by:
                state += f" by {recipient.decided_by}"
            rows.append(
                (
                    *(first if index == 0 else ("", "", "")),
                    recipient.address,
                    recipient.verdict.value,
                    state,
                    "; ".join(recipient.reasons) or "-",
                )
            )
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS) - 1)]
    return "\n".join(
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)), row[-1]]
        ).rstrip()
        for row in rows
    )


def age(elapsed: timedelta) -> str:
    """'45s', '12m', '3h', '2d': how long a message has waited."""
    seconds = max(0, int(elapsed.total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


class OnDemandScanner:
    """The config's `Scanner`, built on the first scan (a release that fails builds none);
    the last report is reused, so keeping and teaching scan a released message once."""

    def __init__(self, config: Config, store: KnowledgeStore | None) -> None:
        self.config = config
        self.store = store
        self._scanner: Scanner | None = None
        self._last: tuple[bytes, ScanReport] | None = None

    def scan_bytes(self, raw: bytes, source: str = "") -> ScanReport:
        from mailwarden.scan import Scanner

        if self._last is not None and self._last[0] is raw:
            return self._last[1]
        if self._scanner is None:
            self._scanner = Scanner(self.config, knowledge=self.store)
        report = self._scanner.scan_bytes(raw, source)
        self._last = (raw, report)
        return report

    def read_bytes(self, raw: bytes, source: str = "") -> ScanReport:
        """A scan: teaching needs one anyway, and it is reused."""
        return self.scan_bytes(raw, source)


def _recorder(scanner: OnDemandScanner, quarantine: Quarantine) -> RecordSent:
    """Keep what a breach would need of the released copy (`gateway.release.sent_recorder`)."""
    from mailwarden.gateway.release import sent_recorder
    from mailwarden.record.sent import SentStore

    keep = sent_recorder(scanner, SentStore(quarantine.store.engine), quarantine.relay)

    def record_sent(raw: bytes, sender: str, released: list[str]) -> None:
        try:
            keep(raw, sender, released)
        except Exception as exc:  # mail is out: say so, and go on
            click.echo(f"mailwarden: released, but its record for a breach failed: {exc}", err=True)

    return record_sent


def _teacher(scanner: OnDemandScanner, store: KnowledgeStore) -> Teach:
    """Scan the released message and learn it as delivered to the released recipients."""

    def teach(raw: bytes, released: list[str]) -> None:
        from mailwarden.gateway.learning import learn_delivered

        try:
            report = scanner.scan_bytes(raw, "release")
            learn_delivered(store, report, raw, released)
        except Exception as exc:  # mail is out: say so, and go on
            click.echo(f"mailwarden: released, but not learned: {exc}", err=True)

    return teach
