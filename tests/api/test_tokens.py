"""API tokens: made once and shown once, stored as a hash, scoped to a sender or a domain,
revocable, and `mailwarden token create/list/revoke` over the record database the gateway
uses."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from mailwarden.cli import main
from mailwarden.record import open_record_database
from mailwarden.record.audit import Action, AuditTrail
from mailwarden.record.tokens import (
    LAST_USED_GRANULARITY,
    TokenNotFound,
    TokenRefused,
    TokenState,
    TokenStore,
)

SENDER = "ann.smith@example.police.uk"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def tokens(database_url: str) -> Iterator[TokenStore]:
    store = TokenStore(open_record_database(database_url))
    yield store
    store.engine.dispose()


def test_a_token_is_shown_once_and_stored_only_as_its_hash(tokens: TokenStore) -> None:
    token, secret = tokens.create("ann-outlook", sender=SENDER, now=NOW)

    assert secret.startswith("mw_") and len(secret) >= 40
    with tokens.engine.connect() as conn:
        stored = [
            " ".join(str(v) for v in row) for row in conn.execute(text("SELECT * FROM api_tokens"))
        ]
    assert len(stored) == 1 and secret not in stored[0] and secret[3:] not in stored[0]
    assert hashlib.sha256(secret.encode()).hexdigest() in stored[0]
    assert tokens.list() == [token]
    used = tokens.authenticate(secret, NOW)
    assert used == dataclasses.replace(token, last_used_at=NOW)
    assert tokens.list() == [used]


def test_a_sender_token_speaks_for_its_address_only(tokens: TokenStore) -> None:
    token, _ = tokens.create("ann", sender="Ann.Smith@Example.Police.UK", now=NOW)
    assert token.sender == SENDER
    assert token.speaks_for("ANN.SMITH@example.police.uk")
    assert not token.speaks_for("bob.jones@example.police.uk")


def test_a_domain_token_speaks_for_its_domain_and_sub_domains(tokens: TokenStore) -> None:
    token, _ = tokens.create("outlook", domain="@example.police.uk", now=NOW)
    assert token.speaks_for_label == "*@example.police.uk"
    assert token.speaks_for("bob.jones@example.police.uk")
    assert token.speaks_for("duty@met.example.police.uk")
    assert not token.speaks_for("ann@notexample.police.uk")
    assert not token.speaks_for("example.police.uk")


@pytest.mark.parametrize(
    ("name", "sender", "domain", "words"),
    [
        (" ", SENDER, "", "a token needs a name"),
        ("x", "", "", "one sender address or one domain"),
        ("x", SENDER, "example.police.uk", "one sender address or one domain"),
        ("x", "ann", "", "'ann' is not an address"),
        ("x", "", "localhost", "'localhost' is not a domain"),
    ],
)
def test_a_token_for_nobody_is_refused(
    tokens: TokenStore, name: str, sender: str, domain: str, words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        tokens.create(name, sender=sender, domain=domain)


def test_unknown_revoked_and_expired_tokens_are_refused_with_why(tokens: TokenStore) -> None:
    _, revoked = tokens.create("revoked", sender=SENDER, now=NOW)
    tokens.revoke("revoked", NOW)
    _, expiring = tokens.create("expiring", sender=SENDER, expires_at=NOW + timedelta(days=1))

    with pytest.raises(TokenRefused, match="not known"):
        tokens.authenticate("mw_" + "x" * 43, NOW)
    with pytest.raises(TokenRefused, match="'revoked' is revoked"):
        tokens.authenticate(revoked, NOW)
    assert tokens.authenticate(expiring, NOW).name == "expiring"
    with pytest.raises(TokenRefused, match="'expiring' is expired"):
        tokens.authenticate(expiring, NOW + timedelta(days=1))


def test_last_use_is_written_at_most_once_a_minute(tokens: TokenStore) -> None:
    token, secret = tokens.create("busy", sender=SENDER, now=NOW)
    assert token.last_used_at is None

    for second in range(0, 59, 5):
        tokens.authenticate(secret, NOW + timedelta(seconds=second))
    [first] = tokens.list()
    tokens.authenticate(secret, NOW + LAST_USED_GRANULARITY)
    [later] = tokens.list()

    assert first.last_used_at == NOW
    assert later.last_used_at == NOW + LAST_USED_GRANULARITY


def test_a_name_is_reused_only_once_its_token_is_revoked(tokens: TokenStore) -> None:
    old, _ = tokens.create("outlook", domain="example.police.uk", now=NOW)
    with pytest.raises(ValueError, match="already named 'outlook'"):
        tokens.create("outlook", domain="example.police.uk", now=NOW)

    [revoked] = tokens.revoke("outlook", NOW)
    new, _ = tokens.create("outlook", domain="example.police.uk", now=NOW)

    assert revoked.id == old.id and revoked.state(NOW) is TokenState.REVOKED
    assert [t.state(NOW) for t in tokens.list()] == [TokenState.REVOKED, TokenState.ACTIVE]
    assert [t.id for t in tokens.revoke(new.id, NOW)] == [new.id]
    with pytest.raises(TokenNotFound):
        tokens.revoke("outlook", NOW)


# ---- the command line ---------------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "mailwarden.toml"
    path.write_text('[organisation]\ndomains = ["example.police.uk"]\n', encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_token_create_prints_the_token_alone_on_stdout(config: Path) -> None:
    code, out, err = run(
        "token", "create", "--name", "outlook", "--domain", "example.police.uk",
        "--expires", "365", "--config", str(config),
    )  # fmt: skip

    assert code == 0, err
    [secret] = out.split()
    assert "for *@example.police.uk, scopes check, until " in err and "shown once" in err
    quarantine = config.parent / "quarantine"
    tokens = TokenStore(open_record_database(f"sqlite:///{quarantine / 'holds.db'}"))
    assert tokens.authenticate(secret).name == "outlook"
    tokens.engine.dispose()


def test_token_create_refuses_a_domain_outside_the_organisation(config: Path) -> None:
    code, out, err = run(
        "token", "create", "--name", "x", "--sender", "r.patel@gmail.com", "--config", str(config)
    )
    assert (code, out) == (2, "")
    assert "gmail.com is not one of the organisation's domains (example.police.uk)" in err
    code, _, err = run("token", "create", "--name", "x", "--config", str(config))
    assert code == 2 and "give --sender ADDRESS or --domain DOMAIN" in err


def test_token_list_and_revoke(config: Path, database_url: str) -> None:
    common = ["--config", str(config), "--record-db", database_url]
    _, secret, _ = run("token", "create", "--name", "ann", "--sender", SENDER, *common)

    code, listed, _ = run("token", "list", *common)
    assert code == 0
    header, row = listed.splitlines()
    assert header.split()[:3] == ["ID", "NAME", "FOR"]
    assert row.split()[1:5] == ["ann", SENDER, "check", "active"]
    assert secret.strip() not in listed

    code, out, err = run("token", "revoke", "ann", *common)
    assert code == 0, err
    assert out.startswith("revoked API token ") and f"'ann' for {SENDER}" in out
    _, as_json, _ = run("token", "list", "--json", *common)
    [entry] = [json.loads(line) for line in as_json.splitlines()]
    assert entry["state"] == "revoked" and entry["revoked_at"]
    code, _, err = run("token", "revoke", "ann", *common)
    assert code == 2 and "no active API token has the name or ID 'ann'" in err
    engine = open_record_database(database_url)
    actions = [(e.action, e.details["name"]) for e in AuditTrail(engine).entries()]
    engine.dispose()
    assert actions == [(Action.TOKEN_CREATE, "ann"), (Action.TOKEN_REVOKE, "ann")]
