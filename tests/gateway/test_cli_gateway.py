"""`mailwarden postfix-config` and `mailwarden gateway` (a real process, a real sink)."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from mailwarden.cli_gateway import postfix_config

from .conftest import Gateway, Sink, free_port
from .test_filter import CLEAN, SENDER


def test_postfix_config_prints_the_filter_readme_design() -> None:
    result = CliRunner().invoke(postfix_config, [])
    assert result.exit_code == 0, result.output
    assert "content_filter = mailwarden:[127.0.0.1]:10025" in result.output
    assert "127.0.0.1:10026 inet  n       -       n       -       -       smtpd" in result.output
    assert "  -o content_filter=\n" in result.output
    assert "no_header_body_checks" in result.output


def test_postfix_config_rejects_a_bad_address() -> None:
    result = CliRunner().invoke(postfix_config, ["--listen", "nowhere"])
    assert result.exit_code == 2
    assert "is not HOST:PORT" in result.output


def test_gateway_serves_and_stops_on_sigterm(sink: tuple[Sink, int], tmp_path: Path) -> None:
    received, sink_port = sink
    port = free_port()
    command = (
        "import sys; from mailwarden.cli_gateway import gateway; "
        "sys.argv[0] = 'mailwarden gateway'; gateway()"
    )
    args = ["--listen", f"127.0.0.1:{port}", "--next-hop", f"127.0.0.1:{sink_port}"]
    process = subprocess.Popen(
        [sys.executable, "-c", command, *args, "--quarantine", str(tmp_path / "q")],
        cwd=tmp_path,  # without --config, the installation key is made where it runs
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
                break
            except OSError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "the gateway did not start listening"
                time.sleep(0.2)
        with smtp:
            smtp.sendmail(SENDER, ["bob.jones@example.police.uk"], CLEAN)
        assert [m.rcpt_tos for m in received.messages] == [["bob.jones@example.police.uk"]]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0, stderr
    assert "stopped" in stderr


# ---- several worker processes on one port -------------------------------------------------------


def send_clean(port: int, tag: str) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
        smtp.sendmail(
            SENDER, ["bob.jones@example.police.uk"], CLEAN.replace(b"<1@", f"<{tag}@".encode())
        )


def workers_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def wait_for(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def configured(tmp_path: Path, *arguments: str) -> list[str]:
    """Gateway arguments with a config of its own (its installation key in tmp_path)."""
    config = tmp_path / "mailwarden.toml"
    config.write_text('[knowledge]\nkey_file = "mailwarden.key"\n')
    return ["--config", str(config), "--quarantine", str(tmp_path / "q"), *arguments]


def test_two_worker_processes_serve_one_port_and_a_dead_worker_is_replaced(
    sink: tuple[Sink, int], tmp_path: Path
) -> None:
    received, sink_port = sink
    port = free_port()
    arguments = configured(tmp_path, "--next-hop", f"127.0.0.1:{sink_port}", "--processes", "2")
    gateway = Gateway(port, arguments, tmp_path / "gateway.log")
    gateway.start()
    try:
        assert gateway.process is not None
        wait_for(lambda: len(workers_of(gateway.process.pid)) == 2)
        first, second = workers_of(gateway.process.pid)
        for n in range(6):
            send_clean(port, f"before-{n}")

        os.kill(first, signal.SIGKILL)
        wait_for(
            lambda: (
                first not in workers_of(gateway.process.pid)
                and len(workers_of(gateway.process.pid)) == 2
            )
        )
        for n in range(6):
            send_clean(port, f"after-{n}")

        assert len(received.messages) == 12
        assert second in workers_of(gateway.process.pid)
    finally:
        gateway.stop()
    log = (tmp_path / "gateway.log").read_text()
    assert "starting another" in log and "stopped" in log


def test_a_gateway_killed_outright_takes_its_workers_with_it_so_it_can_restart(
    sink: tuple[Sink, int], tmp_path: Path
) -> None:
    port = free_port()
    arguments = configured(tmp_path, "--next-hop", f"127.0.0.1:{sink[1]}", "--processes", "2")
    gateway = Gateway(port, arguments, tmp_path / "gateway.log")
    gateway.start()
    assert gateway.process is not None
    wait_for(lambda: len(workers_of(gateway.process.pid)) == 2)
    workers = workers_of(gateway.process.pid)

    gateway.kill()

    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), 10)
    gateway.start()
    try:
        send_clean(port, "after-restart")
        assert len(sink[0].messages) == 1
    finally:
        gateway.stop()
