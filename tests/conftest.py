"""Shared fixtures: one Scanner per session (recognizers load models once)."""

from __future__ import annotations

import pytest

from mailwarden.config import Config, config_from_dict
from mailwarden.scan import Scanner


@pytest.fixture(scope="session")
def police_config() -> Config:
    return config_from_dict({"organisation": {"domains": ["example.police.uk"]}})


@pytest.fixture(scope="session")
def scanner(police_config: Config) -> Scanner:
    return Scanner(police_config)
