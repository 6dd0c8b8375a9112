"""Every message of an outside project's robustness corpus gives a result, without a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mailwarden.scan import Scanner

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "rspamd-messages"
MESSAGES = sorted(CORPUS.glob("*.eml")) if CORPUS.is_dir() else []


@pytest.mark.skipif(
    not MESSAGES and not os.environ.get("CI"),  # in CI the corpus must be there
    reason="../shared/corpora/rspamd-messages not present",
)
def test_every_rspamd_message_gives_a_result(scanner: Scanner) -> None:
    internal_failures = []
    for path in MESSAGES:
        report = scanner.scan_bytes(path.read_bytes(), str(path))
        assert report.to_json()["source"] == str(path)
        if any(p.kind == "internal" for p in report.problems):
            internal_failures.append((path.name, [p.detail for p in report.problems]))
        assert report.seconds < scanner.config.limits.seconds_per_message + 5
    assert internal_failures == []
    assert len(MESSAGES) >= 150
