"""The `mailwarden` command: thin. Parse arguments, call the stages, print.

Exit status of `scan`: 0 when every message was read and every recipient would
be delivered, 1 when anything was flagged or unreadable, 2 for a usage or
configuration error (one line, no traceback). `learn` and `forget` exit 0 when
done and 2 for a usage, configuration or store error; `learn` counts unreadable
messages in its summary and goes on.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.exc import SQLAlchemyError

from mailwarden import __version__
from mailwarden.cli_api import serve, token_group
from mailwarden.cli_audit import audit_group
from mailwarden.cli_common import (
    EXIT_CLEAN,
    EXIT_FLAGGED,
    config_option,
    db_option,
    load_config_or_exit,
    load_policy_or_exit,
    open_store,
    usage_error,
)
from mailwarden.cli_gateway import gateway, postfix_config
from mailwarden.cli_holds import held_command, purge_held_command, release_command
from mailwarden.cli_import import import_group
from mailwarden.cli_web import user_group, web
from mailwarden.message.readers import InputError, InputFormat, InputItem, count_inputs, iter_inputs
from mailwarden.report import ScanReport
from mailwarden.scan import Scanner

if TYPE_CHECKING:
    pass

PROGRESS_THRESHOLD = 20
"""Show a progress bar on stderr from this many messages."""
LEARN_IN_PROCESS_BELOW = 200
"""Fewer messages than this are learned in this process: starting workers costs more."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mailwarden")
def main() -> None:
    """mailwarden: a guard for outgoing email."""


main.add_command(import_group, "import")
main.add_command(gateway)
main.add_command(postfix_config)
main.add_command(held_command)
main.add_command(release_command)
main.add_command(purge_held_command)
main.add_command(serve)
main.add_command(token_group)
main.add_command(audit_group)
main.add_command(web)
main.add_command(user_group)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message (JSON Lines).")
@config_option("TOML configuration file.")
@db_option(
    "Knowledge store (a SQLAlchemy URL or a SQLite file): judge each recipient "
    "against what the organisation's mail has taught it (default: [knowledge] url)."
)
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Policy file: the action per rule and recipient class (default: the shipped policy).",
)
def scan(
    paths: tuple[Path, ...],
    as_json: bool,
    config_path: Path | None,
    db_url: str | None,
    policy_path: Path | None = None,
) -> None:
    """Scan .eml, .msg, mbox files, Maildir or plain folders for sensitive content.

    For each message: what it carries, where, why it counts, and what would
    happen to each recipient's copy.
    """
    config = load_config_or_exit(config_path)
    policy = load_policy_or_exit(policy_path)
    missing = [p for p in paths if not p.exists()]
    if missing:
        usage_error(f"no such file or folder: {missing[0]}")
    store = open_store(config, db_url, required=False, policy=policy)
    try:
        _scan_paths(paths, as_json, Scanner(config, knowledge=store, policy=policy))
    finally:
        if store is not None:
            store.close()


def _scan_paths(paths: tuple[Path, ...], as_json: bool, scanner: Scanner) -> NoReturn:
    console = Console(soft_wrap=False)
    flagged = False
    try:
        with _progress(list(paths)) as advance:
            for item in iter_inputs(list(paths)):
                report = _scan_item(scanner, item)
                flagged |= not report.clean
                if as_json:
                    sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
                    sys.stdout.flush()
                else:
                    report.render(console)
                advance()
    except InputError as exc:
        usage_error(str(exc))
    except BrokenPipeError:
        sys.stderr.close()
    sys.exit(EXIT_FLAGGED if flagged else EXIT_CLEAN)


def _scan_item(scanner: Scanner, item: InputItem) -> ScanReport:
    try:
        report = _scan_input(scanner, item)
    except Exception as exc:  # the safety net: one bad input must not stop the others
        report = scanner.scan_unreadable(item.source, len(item.data), repr(exc), "internal")
    report.index = item.index
    return report


def _scan_input(scanner: Scanner, item: InputItem) -> ScanReport:
    if item.format is InputFormat.OUTLOOK_MSG:
        from mailwarden.message.msg import MsgError, message_from_msg_bytes

        try:
            message = message_from_msg_bytes(item.data)
        except MsgError as exc:
            return scanner.scan_unreadable(item.source, len(item.data), str(exc))
        return scanner.scan_message(message, item.source)
    return scanner.scan_bytes(item.data, item.source)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False))
@config_option("TOML configuration file: [organisation] domains tell outgoing mail from incoming.")
@db_option("Knowledge store: a SQLAlchemy URL or a SQLite file (default: [knowledge] url).")
@click.option(
    "--attachments", is_flag=True, help="Read attachments' text too (slower; bodies by default)."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Processes reading messages (default: one per CPU, at most 4).",
)
def learn(
    paths: tuple[Path, ...],
    config_path: Path | None,
    db_url: str | None,
    attachments: bool,
    workers: int | None,
) -> None:
    """Learn who the organisation writes to and about what, from its mail.

    Reads .eml, .msg, mbox files, Maildir and plain folders, incoming and
    outgoing, and stores each correspondent, thread and the cases, people and
    identifiers their mail carried, as keyed hashes. Learning a message again
    changes nothing.
    """
    from mailwarden.knowledge.learn import learn_paths

    config = load_config_or_exit(config_path)
    if not config.organisation.domains:
        usage_error(
            "learning needs the organisation's domains to tell outgoing mail from incoming: "
            "set domains in the [organisation] section of --config"
        )
    missing = [p for p in paths if not p.exists()]
    if missing:
        usage_error(f"no such file or folder: {missing[0]}")
    store = open_store(config, db_url, required=True)
    assert store is not None
    total = count_inputs(list(paths))
    if workers is None:
        workers = 1 if total is not None and total < LEARN_IN_PROCESS_BELOW else _cpus()
    try:
        with _progress(list(paths), "learning") as advance:
            summary = learn_paths(
                store,
                list(paths),
                config,
                attachments=attachments,
                workers=workers,
                on_message=advance,
            )
    except InputError as exc:
        usage_error(str(exc))
    except SQLAlchemyError as exc:
        usage_error(f"the knowledge store failed: {_first_line(exc)}")
    finally:
        store.close()
    click.echo(str(summary))
    for source in summary.unreadable_sources:
        click.echo(f"mailwarden: unreadable, not learned: {source}", err=True)
    sys.exit(EXIT_CLEAN)


@main.command()
@config_option("TOML configuration file.")
@db_option("Knowledge store: a SQLAlchemy URL or a SQLite file (default: [knowledge] url).")
@click.option("--person", "people", multiple=True, metavar="NAME", help="A person's name.")
@click.option("--address", "addresses", multiple=True, metavar="ADDR", help="An e-mail address.")
@click.option(
    "--expired",
    is_flag=True,
    help="Everything not seen for [knowledge] retention_days (imports are kept).",
)
def forget(
    config_path: Path | None,
    db_url: str | None,
    people: tuple[str, ...],
    addresses: tuple[str, ...],
    expired: bool,
) -> None:
    """Delete what the knowledge store holds about a person or an address, or what is old."""
    if not (people or addresses or expired):
        usage_error("forget what? give --person NAME, --address ADDR or --expired")
    config = load_config_or_exit(config_path)
    store = open_store(config, db_url, required=True)
    assert store is not None
    try:
        for name in people:
            click.echo(f"forgot the person {name!r}: {store.forget_person(name)}")
        for address in addresses:
            click.echo(f"forgot {address}: {store.forget_correspondent(address)}")
        if expired:
            days = config.knowledge.retention_days
            click.echo(f"forgot what was not seen for {days} days: {store.forget_expired()}")
    except SQLAlchemyError as exc:
        usage_error(f"the knowledge store failed: {_first_line(exc)}")
    finally:
        store.close()
    sys.exit(EXIT_CLEAN)


def _cpus() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def _progress(paths: list[Path], label: str = "scanning") -> Iterator[Callable[[], None]]:
    total = count_inputs(paths)
    stderr = Console(stderr=True)
    if not stderr.is_terminal or (total is not None and total < PROGRESS_THRESHOLD):
        yield lambda: None
        return
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=stderr, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)


@main.group("policy")
def policy_group() -> None:
    """Check a policy file, or see which of its lines decided a message's verdicts."""


@policy_group.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def policy_check(file: Path) -> None:
    """Validate FILE: "FILE: valid (N rules configured)", or one line "FILE:LINE: key: problem"."""
    policy = load_policy_or_exit(file)
    click.echo(f"{file}: valid ({len(policy.model.actions)} rules configured)")


@policy_group.command("explain")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("message", type=click.Path(path_type=Path, dir_okay=False))
@config_option("TOML config.")
@db_option("Knowledge store (default: [knowledge] url).")
def policy_explain(file: Path, message: Path, config_path: Path | None, db_url: str | None) -> None:
    """Scan MESSAGE with policy FILE and show, per recipient, the verdict and the line that
    decided it."""
    config = load_config_or_exit(config_path)
    policy = load_policy_or_exit(file)
    if not message.exists():
        usage_error(f"no such file: {message}")
    store = open_store(config, db_url, required=False, policy=policy)
    try:
        scanner = Scanner(config, knowledge=store, policy=policy)
        try:
            items = list(iter_inputs([message]))
        except InputError as exc:
            usage_error(str(exc))
        for item in items:
            report = _scan_item(scanner, item)
            click.echo(item.source)
            for d in report.decisions:
                rules = ", ".join(dict.fromkeys(r.rule for r in d.reasons)) or "-"
                click.echo(
                    f"  {d.recipient.mailbox.address or '(unreadable)'}: {d.verdict.value} "
                    f"by {d.decided_by} (rules: {rules})"
                )
    finally:
        if store is not None:
            store.close()


if __name__ == "__main__":  # pragma: no cover
    main()
