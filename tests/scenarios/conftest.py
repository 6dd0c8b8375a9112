"""One Scanner for the whole scenario suite, and each scenario scanned once, on demand."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from mailwarden.config import Config, load_config
from mailwarden.message.msg import message_from_msg_bytes
from mailwarden.scan import Scanner

from . import build_corpus
from .expectations import CONFIG_FILE, MESSAGES_DIR, Scanned


@pytest.fixture(scope="session")
def scenario_config() -> Config:
    return load_config(CONFIG_FILE)


@pytest.fixture(scope="session")
def scenario_scanner(scenario_config: Config) -> Scanner:
    return Scanner(scenario_config)


@pytest.fixture(scope="session")
def scan_scenario(scenario_scanner: Scanner) -> Callable[[str], Scanned]:
    """Scan the scenario's message (once per session) with the scenario config."""
    cache: dict[str, Scanned] = {}

    def scan(name: str) -> Scanned:
        if name not in cache:
            path = MESSAGES_DIR / build_corpus.filename(name)
            raw = path.read_bytes()
            started = time.monotonic()
            if path.suffix == ".msg":  # as the command line reads an Outlook file
                message = message_from_msg_bytes(raw)
                report = scenario_scanner.scan_message(message, str(path), started)
            else:
                report = scenario_scanner.scan_bytes(raw, str(path))
            cache[name] = Scanned(report, report.to_json(), time.monotonic() - started)
        return cache[name]

    return scan
