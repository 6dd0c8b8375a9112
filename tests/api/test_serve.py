"""`mailwarden serve` as an operator runs it: a token made with `mailwarden token create`,
the server a separate process reading the same config, a draft checked and confirmed,
the header verifiable with the installation key the gateway reads, and SIGTERM stops it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from mailwarden.confirmation import verify_confirmation
from mailwarden.record import open_record_database
from mailwarden.record.checks import CheckStore

from .conftest import free_socket

SENDER = "ann.smith@example.police.uk"
MAILWARDEN = [sys.executable, "-m", "mailwarden"]
DRAFT = {
    "to": ["r.patel@gmail.com"],
    "subject": "Ellie Marsh",
    "text": "Dear Mr Patel, Ellie Marsh (born 03/04/2012) starts on Monday.",
}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    with free_socket() as listener:
        port = listener.getsockname()[1]
    path = tmp_path / "mailwarden.toml"
    path.write_text(
        '[organisation]\ndomains = ["example.police.uk"]\n'
        f'[knowledge]\nkey_file = "keys/mailwarden.key"\n'
        f'[api]\nlisten = "127.0.0.1:{port}"\n',
        encoding="utf-8",
    )
    return path


def mailwarden(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MAILWARDEN, *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(params=[1, 2], ids=["one process", "two workers"])
def server(
    request: pytest.FixtureRequest, config: Path
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = config.read_text().rsplit(":", 1)[1].strip().strip('"')
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [*MAILWARDEN, "serve", "--config", str(config), "--workers", str(request.param)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"mailwarden serve did not start:\n{process.communicate()[0]}")
        time.sleep(0.2)
    yield process, url
    if process.poll() is None:
        process.kill()
        process.wait()


def test_an_operator_serves_checks_and_the_gateway_can_verify_the_header(
    config: Path, server: tuple[subprocess.Popen[str], str]
) -> None:
    made = mailwarden(
        "token", "create", "--name", "ann", "--sender", SENDER, "--config", str(config)
    )
    assert made.returncode == 0, made.stderr
    process, url = server
    with httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {made.stdout.strip()}"}
    ) as ann:
        check = ann.post("/v1/check", json=DRAFT).json()
        assert check["verdict"] == "confirm"
        header = ann.post(
            "/v1/confirm", json={"check_id": check["check_id"], "reason": "the new advocate"}
        ).json()

    key = (config.parent / "keys" / "mailwarden.key").read_bytes()
    engine = open_record_database(f"sqlite:///{config.parent / 'quarantine' / 'holds.db'}")
    recorded = CheckStore(engine).get(check["check_id"], datetime.now(UTC))
    engine.dispose()
    confirmed = verify_confirmation(
        key, header["value"], SENDER, ["r.patel@gmail.com"], recorded.digest, datetime.now(UTC)
    )
    assert confirmed.check_id == check["check_id"]

    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Traceback" not in output
    assert f"check {check['check_id']} confirmed by {SENDER}" in output


def test_serve_refuses_a_bad_listen_address_or_record_database(config: Path) -> None:
    bad_listen = mailwarden("serve", "--config", str(config), "--listen", "localhost")
    assert bad_listen.returncode == 2
    assert bad_listen.stderr.strip() == "mailwarden: --listen: 'localhost' is not HOST:PORT"

    bad_database = mailwarden(
        "serve", "--config", str(config), "--record-db", "mysql://warden:s3cret@db/record"
    )
    assert bad_database.returncode == 2
    assert "SQLite or PostgreSQL" in bad_database.stderr
    assert "s3cret" not in bad_database.stderr and "Traceback" not in bad_database.stderr
