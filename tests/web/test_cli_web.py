"""`mailwarden user add|list|disable` and `mailwarden web`: an administrator adds a
reviewer with a piped password, the reviewer logs in to the served app, and once disabled
cannot."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner
from tests.web.conftest import csrf_of, free_ports

from mailwarden.cli import main


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


def test_a_taken_login_an_empty_password_and_an_unknown_login_are_refused(tmp_path: Path) -> None:
    config = str(write_config(tmp_path, 0))
    assert run("user", "add", "dpo", "--role", "dpo", "--config", config, stdin="pw\n")[0] == 0
    code, output = run("user", "add", "DPO", "--role", "admin", "--config", config, stdin="x\n")
    assert (code, "taken" in output) == (2, True)
    code, output = run("user", "add", "admin", "--role", "admin", "--config", config, stdin="\n")
    assert (code, "password is empty" in output) == (2, True)
    assert run("user", "add", "x", "--role", "root", "--config", config, stdin="pw\n")[0] == 2
    assert run("user", "disable", "nobody", "--config", config)[0] == 2


def test_mailwarden_web_serves_the_app_to_an_account_made_by_user_add(tmp_path: Path) -> None:
    (port,) = free_ports(1)
    config = str(write_config(tmp_path, port))
    assert (
        run("user", "add", "reviewer", "--role", "reviewer", "--config", config, stdin="s3cret\n")[
            0
        ]
        == 0
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "mailwarden", "web", "--config", config],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=10) as client:
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
            assert client.get("/queue").status_code == 200
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
