"""The config file: the smallest one works, every mistake names its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailwarden.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mailwarden.toml"
    path.write_text(text)
    return path


def test_smallest_valid_config_gives_defaults_for_everything_else(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[organisation]\ndomains = ["Example.Police.UK"]\n'))
    assert config.organisation.domains == ["example.police.uk"]
    assert config.is_internal("example.police.uk")
    assert config.is_internal("mail.example.police.uk")
    assert not config.is_internal("example.police.uk.evil.com")
    assert config.limits.max_depth == 5
    assert config.detect.crime_reference.formats


def test_no_config_at_all_is_valid() -> None:
    assert load_config(None).organisation.domains == []


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[organisation]\ndomains = ["not a domain"]\n', "organisation.domains"),
        ("[organisation]\ndomain = []\n", "organisation.domain: unknown setting"),
        ('[limits]\nmax_depth = "deep"\n', "limits.max_depth"),
        ("[limits]\nmax_depth = 0\n", "limits.max_depth"),
        ('[detect.crime_reference]\nformats = ["([A-Z"]\n', "detect.crime_reference.formats"),
        ("[detect]\nmin_score = 2\n", "detect.min_score"),
        ("[surprise]\n", "surprise: unknown setting"),
    ],
)
def test_invalid_config_names_the_key(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_config(write(tmp_path, text))


def test_broken_toml_and_missing_file_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[organisation\n"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml")


def test_known_record_files_are_relative_to_the_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[detect.known_records]\nfiles = ["pupils.csv"]\n'))
    assert config.detect.known_records.files == [tmp_path / "pupils.csv"]


def test_recipient_and_marking_settings_validate_their_values(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            '[recipients]\npartner_domains = ["Greenfield.sch.uk"]\nbulk_people = 5\n'
            '[markings]\nclearances = { "@Greenfield.sch.uk" = "OFFICIAL-SENSITIVE" }\n'
            '[knowledge]\nkey_file = "keys/mw.key"\n',
        )
    )
    assert config.recipients.partner_domains == ["greenfield.sch.uk"]
    assert config.markings.clearances == {"greenfield.sch.uk": "OFFICIAL-SENSITIVE"}
    assert config.knowledge.key_file == tmp_path / "keys" / "mw.key"
    with pytest.raises(ConfigError, match=r"markings\.clearances\.x\.org"):
        load_config(write(tmp_path, '[markings]\nclearances = { "x.org" = "SECRETISH" }\n'))


def test_recipient_and_marking_keys_still_load_and_say_where_they_moved(tmp_path: Path) -> None:
    """Deprecated: the policy file holds these now; an older config still loads, and can say
    which of its keys to move (docs/policy.md)."""
    config = load_config(
        write(
            tmp_path,
            '[recipients]\npartner_domains = ["greenfield.sch.uk"]\nbulk_people = 5\n'
            '[markings]\ndefault_clearance = "OFFICIAL"\n',
        )
    )
    assert config.recipients.moved() + config.markings.moved() == [
        "[recipients] bulk_people: now [thresholds] bulk_people",
        '[recipients] partner_domains: now [partners."DOMAIN"]',
        "[markings] default_clearance: now [markings] default_clearance",
    ]
    assert load_config(write(tmp_path, "[organisation]\n")).recipients.moved() == []
