"""`mailwarden postfix-config` and `mailwarden gateway` (a real process, a real sink)."""

from __future__ import annotations

import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from mailwarden.cli_gateway import postfix_config

from .conftest import Sink, free_port
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
