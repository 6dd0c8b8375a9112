"""A private PostgreSQL server for the tests: initdb in a temporary folder, pg_ctl on a free
loopback port (as the `postgres` user when the tests run as root, since initdb refuses
root). `PostgresServer.stop()` and `.start()` let a test take the database away and bring
it back. Without PostgreSQL's binaries the tests that need it are skipped, except in CI
(CI=true), where they must run: `.ci/run` installs Debian's postgresql.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

_database_numbers = itertools.count(1)


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    control: list[str] = field(default_factory=list, compare=False)
    """The pg_ctl command line (without its action) that stops and starts this server."""
    options: str = ""

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database on the server; its URL."""
        import psycopg

        name = f"mailwarden_test_{next(_database_numbers)}"
        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        """Shut the server down at once (connections are cut, as in a crash)."""
        subprocess.run(
            [*self.control, "-m", "immediate", "-w", "stop"],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        """Start it again after `stop`."""
        subprocess.run(
            [*self.control, "-o", self.options, "-w", "start"],
            check=True,
            capture_output=True,
            timeout=120,
        )


def _postgres_bin() -> Path | None:
    """The newest installed server's binaries (Debian keeps them off the PATH)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(folder: Path) -> list[str]:
    """Run as `postgres` when we are root (initdb refuses root), else as ourselves."""
    if os.geteuid() != 0:
        return []
    owner = pwd.getpwnam("postgres")
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, owner.pw_uid, owner.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A private server for as long as the block runs; skipped (failed in CI) without PostgreSQL."""
    binaries = _postgres_bin()
    if binaries is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI must run the PostgreSQL tests, but no PostgreSQL server is installed")
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    # Not under pytest's temporary folder: that is private to us, and the server runs as
    # another user when we are root.
    folder = Path(tempfile.mkdtemp(prefix="mailwarden-postgres-"))
    data, socket_dir = folder / "data", folder / "socket"
    socket_dir.mkdir()
    as_server = _as_server_user(folder)
    user = "postgres" if as_server else pwd.getpwuid(os.geteuid()).pw_name

    def run(*args: str) -> None:
        subprocess.run([*as_server, *args], check=True, capture_output=True, timeout=120)

    run(str(binaries / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8")
    port = _free_port()
    options = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
    log = folder / "server.log"
    control = [*as_server, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log)]
    server = PostgresServer("127.0.0.1", port, user, control, options)
    server.start()
    try:
        yield server
    finally:
        subprocess.run(
            [*control, "-m", "immediate", "-w", "stop"], capture_output=True, timeout=120
        )
        shutil.rmtree(folder, ignore_errors=True)
