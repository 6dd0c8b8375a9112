"""The `mailwarden` command: thin. Parse arguments, call the stages, print.

Exit status of `scan`: 0 when every message was read and every recipient would
be delivered, 1 when anything was flagged or unreadable, 2 for a usage or
configuration error (one line, no traceback).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mailwarden import __version__
from mailwarden.config import Config, ConfigError, load_config
from mailwarden.message.readers import InputError, InputFormat, InputItem, count_inputs, iter_inputs
from mailwarden.report import ScanReport
from mailwarden.scan import Scanner

PROGRESS_THRESHOLD = 20
"""Show a progress bar on stderr from this many messages."""

EXIT_CLEAN, EXIT_FLAGGED, EXIT_USAGE = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mailwarden")
def main() -> None:
    """mailwarden: a guard for outgoing email."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message (JSON Lines).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML configuration file.",
)
def scan(paths: tuple[Path, ...], as_json: bool, config_path: Path | None) -> None:
    """Scan .eml, .msg, mbox files, Maildir or plain folders for sensitive content.

    For each message: what it carries, where, why it counts, and what would
    happen to each recipient's copy.
    """
    config = _load_config_or_exit(config_path)
    missing = [p for p in paths if not p.exists()]
    if missing:
        _usage_error(f"no such file or folder: {missing[0]}")
    scanner = Scanner(config)
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
        _usage_error(str(exc))
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


@contextmanager
def _progress(paths: list[Path]) -> Iterator[Callable[[], None]]:
    total = count_inputs(paths)
    stderr = Console(stderr=True)
    if not stderr.is_terminal or (total is not None and total < PROGRESS_THRESHOLD):
        yield lambda: None
        return
    columns = [TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=stderr, transient=True) as progress:
        task = progress.add_task("scan", total=total)
        yield lambda: progress.advance(task)


def _load_config_or_exit(path: Path | None) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        _usage_error(f"configuration error: {exc}")
    raise AssertionError("unreachable")


def _usage_error(message: str) -> None:
    click.echo(f"mailwarden: {message}", err=True)
    sys.exit(EXIT_USAGE)


if __name__ == "__main__":  # pragma: no cover
    main()
