"""`mailwarden import directory FILE` and `mailwarden import cases FILE`: thin.

Read the whole file (`knowledge.importers`), then write it to the knowledge store
named by `--db` or the config's `[knowledge] url`, and say how many records were
imported and skipped. A file with a bad line is refused before anything is
written. Exit status: 0 when imported, 1 when the database fails while writing,
2 for a usage, configuration or input error (one line each, no traceback).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from mailwarden.cli_common import (
    EXIT_FLAGGED,
    config_option,
    db_option,
    fail,
    load_config_or_exit,
    open_store,
    usage_error,
)
from mailwarden.config import Config
from mailwarden.knowledge.importers import (
    DIRECTORY_FORMATS,
    DirectoryFormat,
    ImportFileError,
    Skipped,
    read_cases,
    read_directory,
)

if TYPE_CHECKING:
    from mailwarden.knowledge.store import KnowledgeStore

F = TypeVar("F", bound=Callable[..., None])


def _store_options(command: F) -> F:
    """FILE, --config, --db and --verbose: what both commands take."""
    decorators = [
        click.argument("file", type=click.Path(path_type=Path)),
        config_option(),
        db_option(),
        click.option("--verbose", "-v", is_flag=True, help="List each skipped line and why."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


@click.group("import")
def import_group() -> None:
    """Import staff and partner contacts, or a case list, into the knowledge store."""


@import_group.command()
@_store_options
@click.option(
    "--format",
    "file_format",
    type=click.Choice(DIRECTORY_FORMATS),
    help="The file's format (default: by its extension, else by its first line).",
)
def directory(
    file: Path,
    config_path: Path | None,
    db_url: str | None,
    verbose: bool,
    file_format: DirectoryFormat | None,
) -> None:
    """Import contacts from a CSV, vCard or LDIF file.

    One entry per address, from an address book's .csv, .vcf or .ldif export.
    CSV needs a header row with an e-mail column (Email, E-mail Address, Mail...);
    Name, Organisation, Department and Internal (yes/no) columns are read if present.
    """
    config = load_config_or_exit(config_path)
    url = _store_url(db_url, config)
    skipped: list[Skipped] = []
    try:
        entries = list(read_directory(file, file_format, on_skip=skipped.append))
    except ImportFileError as exc:
        usage_error(str(exc))
    count = _write(url, config, lambda store: store.add_directory_entries(entries))
    _report(count, "directory entry", "directory entries", file, skipped, verbose)


@import_group.command()
@_store_options
def cases(file: Path, config_path: Path | None, db_url: str | None, verbose: bool) -> None:
    """Import a case list (CSV): references, people, allowed addresses.

    Columns: a reference (Reference, Case, Crime ref...), the people in the case
    (People, or Person 1, Person 2...) and the addresses that may receive it
    (Allowed, Recipients, Share with...); a cell may list several, separated by
    ';' or '|'. Rows with the same reference are one case. Only keyed hashes of
    references and names are stored.
    """
    config = load_config_or_exit(config_path)
    url = _store_url(db_url, config)
    skipped: list[Skipped] = []
    try:
        records = list(read_cases(file, on_skip=skipped.append))
    except ImportFileError as exc:
        usage_error(str(exc))
    count = _write(url, config, lambda store: store.add_cases(records))
    _report(count, "case", "cases", file, skipped, verbose)


def _report(
    count: int, one: str, many: str, file: Path, skipped: list[Skipped], verbose: bool
) -> None:
    line = f"imported {count:,} {one if count == 1 else many} from {file}"
    if skipped:
        reasons = Counter(s.reason for s in skipped)
        line += f"; skipped {len(skipped):,} ({_counted(reasons.items())})"
    click.echo(line)
    if verbose:
        for skip in skipped:
            detail = f": {skip.detail}" if skip.detail else ""
            click.echo(f"  line {skip.line}, {skip.reason}{detail}")


def _counted(reasons: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{count:,} {reason}" for reason, count in reasons)


def _store_url(db_url: str | None, config: Config) -> str | None:
    """Checked before the file is read, so a missing store is said at once."""
    if not (db_url or config.knowledge.url).strip():
        usage_error("no knowledge store: give --db URL or set url in the [knowledge] section")
    return db_url


def _write(url: str | None, config: Config, add: Callable[[KnowledgeStore], int]) -> int:
    """Open the store and add the records; a database that fails mid-way is one line, exit 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from mailwarden.knowledge.store import StoreError

    with open_store(config, url, required=True) as store:
        try:
            return add(store)
        except (StoreError, SQLAlchemyError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            fail(f"writing to the knowledge store failed: {reason}", EXIT_FLAGGED)
