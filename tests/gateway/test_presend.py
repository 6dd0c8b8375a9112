"""Before Send, then through the relay: the add-in's check and confirmation, then the same
message through a real Postfix with `mailwarden gateway` as its filter.

Ann Smith writes to the Greenfield school about Ellie Marsh (case AB/25/0093) and copies
Mr Patel, whom the organisation has never written to about it. The pre-send check asks her
to confirm him; she does, with a reason, and her client adds the header the API returns.
The gateway then delivers to both. The same header on a message she changed afterwards,
or with a recipient added, does not count: Mr Patel's copy is held for her to confirm.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from tests.api.conftest import DOMAIN, KEY, SENDER, api_policy, learned_store, serve
from tests.api.test_check import DOCS_DRAFT, sent_as

from mailwarden.api import create_app
from mailwarden.config import config_from_dict
from mailwarden.record import open_record_database
from mailwarden.record.tokens import TokenStore

from .conftest import GatewayRelay, relay_starter, wait_until

SCHOOL = "safeguarding@greenfield.sch.uk"


def draft_to(outsider: str, *others: str) -> dict[str, Any]:
    """docs/api.md's draft, copied to an outsider of this test's own (the gateway learns
    what it delivers, so one test's confirmed recipient is known in the next)."""
    return {**DOCS_DRAFT, "cc": [outsider, *others]}


@dataclass
class Deployment:
    """The pre-send API and a relay whose gateway shares its key, policy and stores."""

    api: httpx.Client
    relay: GatewayRelay

    def check(self, draft: dict[str, Any]) -> dict[str, Any]:
        answer = self.api.post("/v1/check", json=draft)
        assert answer.status_code == 200, answer.text
        checked: dict[str, Any] = answer.json()
        return checked

    def confirmed_header(self, draft: dict[str, Any]) -> dict[str, str]:
        checked = self.check(draft)
        assert checked["verdict"] == "confirm", checked
        reason = {"check_id": checked["check_id"], "reason": "the appointed advocate"}
        answer = self.api.post("/v1/confirm", json=reason)
        assert answer.status_code == 200, answer.text
        header: dict[str, str] = answer.json()
        return header

    def send(self, draft: dict[str, Any], header: dict[str, str] | None, tag: str) -> str:
        message_id = f"{tag}@example.police.uk"
        raw = sent_as(draft, header).replace(
            b"<sent-1@example.police.uk>", f"<{message_id}>".encode()
        )
        envelope = [*draft["to"], *draft["cc"]]
        envelope = [address.rpartition("<")[2].rstrip(">") for address in envelope]
        self.relay.send(raw, envelope)
        settled = wait_until(lambda: all(self.fate(message_id, r) for r in envelope), 60)
        assert settled, self.relay.diagnosis()
        return message_id

    def fate(self, message_id: str, recipient: str) -> str:
        if (message_id, recipient) in self.relay.delivered():
            return "delivered"
        if (message_id, recipient) in self.relay.held():
            return "held"
        return ""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("presend")
    url = f"sqlite:///{folder / 'mailwarden.db'}"
    (folder / "mailwarden.key").write_bytes(KEY)
    (folder / "policy.toml").write_text(api_policy().text)
    config_file = folder / "mailwarden.toml"
    config_file.write_text(
        f'[organisation]\ndomains = ["{DOMAIN}"]\n[knowledge]\nkey_file = "mailwarden.key"\n'
    )
    config = config_from_dict({"organisation": {"domains": [DOMAIN]}})
    store = learned_store(url)
    engine = open_record_database(url)
    _, token = TokenStore(engine).create("outlook add-in", sender=SENDER)
    with ExitStack() as stack:
        stack.callback(engine.dispose)
        stack.callback(store.close)
        base_url = stack.enter_context(serve(create_app(config, api_policy(), store, url, KEY)))
        api = stack.enter_context(
            httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
        )
        start = relay_starter(stack, config_file, folder)
        arguments = ["--policy", str(folder / "policy.toml"), "--processes", "1"]
        yield Deployment(api, start(db=url, arguments=arguments))


def test_a_confirmed_draft_goes_through_the_gateway_to_every_recipient(
    deployment: Deployment,
) -> None:
    draft = draft_to("r.patel@gmail.com")
    header = deployment.confirmed_header(draft)

    sent = deployment.send(draft, header, "confirmed")

    assert deployment.fate(sent, "r.patel@gmail.com") == "delivered"
    assert deployment.fate(sent, SCHOOL) == "delivered"
    # and the gateway learned what it delivered: Mr Patel now belongs with the case
    assert deployment.check(draft)["verdict"] == "deliver"


def test_the_same_header_on_changed_content_holds_the_unconfirmed_recipient(
    deployment: Deployment,
) -> None:
    draft = draft_to("k.osei@gmail.com")
    header = deployment.confirmed_header(draft)
    changed = {**draft, "text": draft["text"].replace("Monday at 10", "Tuesday at 2")}

    sent = deployment.send(changed, header, "changed")

    assert deployment.fate(sent, "k.osei@gmail.com") == "held"
    assert deployment.fate(sent, SCHOOL) == "delivered"


def test_the_same_header_with_a_recipient_added_holds_them(deployment: Deployment) -> None:
    draft = draft_to("m.ahmed@gmail.com")
    header = deployment.confirmed_header(draft)

    sent = deployment.send(draft_to("m.ahmed@gmail.com", "j.doe@gmail.com"), header, "added")

    assert deployment.fate(sent, "m.ahmed@gmail.com") == "held"
    assert deployment.fate(sent, "j.doe@gmail.com") == "held"


def test_without_the_header_the_recipient_is_held_and_the_sender_told_why(
    deployment: Deployment,
) -> None:
    sent = deployment.send(draft_to("t.wood@gmail.com"), None, "unconfirmed")

    assert deployment.fate(sent, "t.wood@gmail.com") == "held"
    assert deployment.fate(sent, SCHOOL) == "delivered"

    def notice() -> bytes:
        for message in deployment.relay.sink.messages:
            if (
                message.automatic
                and message.rcpt_tos == [SENDER]
                and sent.encode() in message.content
            ):
                return message.content
        return b""

    assert wait_until(lambda: notice() != b"", 30), deployment.relay.diagnosis()
    text = email.message_from_bytes(notice(), policy=email.policy.default)
    body = text.get_body(("plain",))
    assert body is not None
    words = body.get_content()
    assert "t.wood@gmail.com" in words and "https://mailwarden.invalid/notice/" in words
