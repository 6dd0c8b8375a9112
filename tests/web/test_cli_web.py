"""`mailwarden user add|list|disable|enable|role` and `mailwarden web`: an administrator
adds a reviewer with a piped password, the reviewer logs in to the served app, and once
disabled cannot; every change is in the audit trail with the operator as its actor."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from tests.web.conftest import csrf_of, free_ports

from mailwarden.cli import main
from mailwarden.cli_common import operator
from mailwarden.record import open_record_database
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.location import SQLITE_NAME
from mailwarden.record.schema import WebSessionRow
from mailwarden.web.security import Sessions


def write_config(tmp_path: Path, port: int) -> Path:
    config = tmp_path / "mailwarden.toml"
    config.write_text(
        f'[knowledge]\nkey_file = "mailwarden.key"\n'
        f'[gateway]\nquarantine = "quarantine"\n[web]\nlisten = "127.0.0.1:{port}"\n'
    )
    return config


def run(*args: str, stdin: str = "") -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


def test_an_administrator_adds_lists_and_disables_accounts(tmp_path: Path) -> None:
    config = str(write_config(tmp_path, 0))
    assert run(
        "user", "add", "Reviewer", "--role", "reviewer", "--config", config, stdin="s3cret\n"
    ) == (
        0,
        "added reviewer (reviewer)\n",
    )
    code, _ = run(
        "user",
        "add",
        "ann.smith@example.police.uk",
        "--role",
        "sender",
        "--name",
        "Ann Smith",
        "--config",
        config,
        stdin="pw\n",
    )
    assert code == 0
    assert run("user", "list", "--config", config) == (
        0,
        "ann.smith@example.police.uk\tsender\tAnn Smith\nreviewer\treviewer\treviewer\n",
    )
    assert run("user", "disable", "reviewer", "--config", config) == (0, "disabled reviewer\n")
    assert run("user", "list", "--config", config)[1].endswith(
        "reviewer\treviewer\treviewer\tdisabled\n"
    )


def test_every_account_change_is_in_the_audit_trail_and_disabling_ends_sessions(
    tmp_path: Path,
) -> None:
    config = str(write_config(tmp_path, 0))
    assert run("user", "add", "ann", "--role", "sender", "--config", config, stdin="pw\n")[0] == 0
    engine = open_record_database(f"sqlite:///{tmp_path / 'quarantine' / SQLITE_NAME}")
    sessions = Sessions(b"key", 480)
    for client in ("192.0.2.10", "192.0.2.11"):
        sessions.begin(engine, "ann", "password", client)
    assert run("user", "role", "ANN", "reviewer", "--config", config) == (
        0,
        "ann: reviewer (was sender)\n",
    )
    assert run("user", "disable", "ann", "--config", config) == (0, "disabled ann\n")
    with engine.connect() as conn:
        ended = conn.execute(select(WebSessionRow.ended_at)).scalars().all()
    assert len(ended) == 2 and None not in ended
    assert run("user", "enable", "ann", "--config", config) == (0, "enabled ann\n")
    assert run("user", "list", "--config", config)[1] == "ann\treviewer\tann\n"
    changes = [
        (e.actor, e.subject, e.details) for e in AuditTrail(engine).entries(action=Action.ACCOUNT)
    ]
    engine.dispose()
    assert changes == [
        (operator(), "ann", {"change": "add", "role": "sender", "password": True}),
        (operator(), "ann", {"change": "role", "role": "reviewer", "was": "sender"}),
        (operator(), "ann", {"change": "disable", "sessions_ended": 2}),
        (operator(), "ann", {"change": "enable"}),
    ]
    assert run("user", "enable", "nobody", "--config", config)[0] == 2
    assert run("user", "role", "nobody", "dpo", "--config", config)[0] == 2
    assert run("user", "role", "ann", "root", "--config", config)[0] == 2


def test_a_taken_login_an_empty_password_and_an_unknown_login_are_refused(tmp_path: Path) -> None:
    config = str(write_config(tmp_path, 0))
    assert run("user", "add", "dpo", "--role", "dpo", "--config", config, stdin="pw\n")[0] == 0
    code, output = run("user", "add", "DPO", "--role", "admin", "--config", config, stdin="x\n")
    assert (code, "taken" in output) == (2, True)
    code, output = run("user", "add", "admin", "--role", "admin", "--config", config, stdin="\n")
    assert (code, "password is empty" in output) == (2, True)
    assert run("user", "add", "x", "--role", "root", "--config", config, stdin="pw\n")[0] == 2
    assert run("user", "disable", "nobody", "--config", config)[0] == 2


@pytest.mark.parametrize("workers", [1, 2], ids=["one process", "two workers"])
def test_mailwarden_web_serves_the_app_to_an_account_made_by_user_add(
    tmp_path: Path, workers: int
) -> None:
    """With two workers, every request on a new connection may reach either: the session
    begun on one is honoured by both, and the logout on one ends it on both."""
    (port,) = free_ports(1)
    config = str(write_config(tmp_path, port))
    assert (
        run("user", "add", "reviewer", "--role", "reviewer", "--config", config, stdin="s3cret\n")[
            0
        ]
        == 0
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "mailwarden", "web", "--config", config, "--workers", str(workers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        fresh = httpx.Limits(max_keepalive_connections=0)  # a new connection per request
        with httpx.Client(base_url=url, timeout=10, limits=fresh) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    page = client.get("/login")
                    break
                except httpx.ConnectError:
                    assert server.poll() is None, server.stdout.read() if server.stdout else ""
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
            login = {"login": "reviewer", "password": "s3cret", "csrf": csrf_of(page.text)}
            assert client.post("/login", data=login).status_code == 303
            assert all(client.get("/queue").status_code == 200 for _ in range(10))
            queue = client.get("/queue").text
            copied = client.cookies["mailwarden_session"]
            assert client.post("/logout", data={"csrf": csrf_of(queue)}).status_code == 303
            client.cookies.set("mailwarden_session", copied)  # as a thief would keep it
            assert all(client.get("/queue").status_code == 303 for _ in range(10))
    finally:
        server.terminate()
        assert server.wait(30) == 0


def test_the_session_key_is_derived_from_the_installation_key_unless_one_is_given(
    tmp_path: Path,
) -> None:
    from mailwarden.cli_web import session_key
    from mailwarden.config import load_config

    path = write_config(tmp_path, 0)
    derived = session_key(load_config(path), path)
    installation = (tmp_path / "mailwarden.key").read_bytes()
    assert derived == session_key(load_config(path), path)
    assert derived not in installation and len(derived) == 32
    path.write_text(path.read_text() + 'secret_key_file = "web.key"\n')
    own = session_key(load_config(path), path)
    assert (tmp_path / "web.key").exists()
    assert own != derived


def test_the_oidc_client_secret_file_is_read_relative_to_the_config_file(tmp_path: Path) -> None:
    from mailwarden.cli_web import with_oidc_secret
    from mailwarden.config import load_config

    path = write_config(tmp_path, 0)
    path.write_text(
        path.read_text()
        + 'public_url = "https://review.example.police.uk"\n'
        + 'oidc_issuer = "https://login.example.police.uk/realms/staff"\n'
        + 'oidc_client_id = "mailwarden-review"\noidc_client_secret_file = "oidc.secret"\n'
    )
    with pytest.raises(SystemExit) as missing:
        with_oidc_secret(load_config(path), path)
    assert missing.value.code == 2
    (tmp_path / "oidc.secret").write_text("s3cret\n")
    config = with_oidc_secret(load_config(path), path)
    assert config.web.oidc_client_secret_file == tmp_path / "oidc.secret"


def test_oidc_without_a_public_url_or_client_id_is_a_config_error(tmp_path: Path) -> None:
    from mailwarden.config import ConfigError, config_from_dict

    issuer = "https://login.example.police.uk"
    with pytest.raises(ConfigError, match="public_url"):
        config_from_dict({"web": {"oidc_issuer": issuer, "oidc_client_id": "mw"}})
    with pytest.raises(ConfigError, match="oidc_client_id"):
        config_from_dict({"web": {"oidc_issuer": issuer, "public_url": "https://mw.example"}})
    with pytest.raises(ConfigError, match="oidc_roles"):
        config_from_dict({"web": {"oidc_roles": {"root": "admins"}}})
