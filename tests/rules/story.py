"""Stories for the recipient rules: what the organisation has learned, and the mail going out.

A `World` is the store's memory written by hand: contacts, cases with the people
in them and whom they were discussed with, threads, look-alike addresses. It
answers `knowledge_for()` as the store does (it is a `KnowledgeSource`), keyed
with the real `Keyer`, so the rules see exactly the snapshot the store would
hand them. A `Mail` is the outgoing message and what the detect stage found in
it; `judge()` puts the two together into the `RuleInput` a rule checks.

`town()` is the standing cast, from the issue's seed case: a police force, a
member of the public whose car was damaged, a school with a race-hate incident
between pupils, a council social worker, a defence solicitor and his client.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from mailwarden.config import Config, config_from_dict
from mailwarden.detect.finding import Finding, FindingType
from mailwarden.knowledge.features import Keyer, MessageFeatures, features_of, normalise
from mailwarden.knowledge.model import (
    Correspondent,
    FeatureKind,
    KeyHistory,
    Knowledge,
    ThreadHistory,
)
from mailwarden.message.addresses import parse_address_header
from mailwarden.message.model import Address, AddressField, Message, Part, Recipient
from mailwarden.policy import parse_policy, policy_settings
from mailwarden.rules import PolicySettings, RuleInput

POLICE = "example.police.uk"
KEYER = Keyer(b"rules-tests-installation-key")
CONFIG = config_from_dict({"organisation": {"domains": [POLICE]}})
POLICY = parse_policy(
    '[partners."greenfield.sch.uk"]    # the school\n'
    '[partners."northshire.gov.uk"]    # the council\n',
    "town.toml",
)
"""The force's partners; no actions, so every rule keeps its own severity."""
SETTINGS = policy_settings(POLICY, CONFIG)
OFFICER = "Kate Ahmed <k.ahmed@example.police.uk>"

KIND_OF = {
    FindingType.CRIME_REFERENCE: FeatureKind.CASE,
    FindingType.PERSON: FeatureKind.PERSON,
}


def key(kind: FeatureKind, text: str) -> str:
    return KEYER.key(kind, normalise(kind, text))


def file_key(content: str) -> str:
    digest = hashlib.sha256(content.encode()).hexdigest()
    return KEYER.key(FeatureKind.ATTACHMENT, digest)


@dataclass
class World:
    """The store's memory, by hand."""

    correspondents: dict[str, Correspondent] = field(default_factory=dict)
    histories: dict[str, KeyHistory] = field(default_factory=dict)
    threads: dict[str, ThreadHistory] = field(default_factory=dict)
    similar: dict[str, tuple[Correspondent, ...]] = field(default_factory=dict)
    keyer: Keyer = KEYER

    def contact(
        self,
        address: str,
        *names: str,
        sent: int = 3,
        received: int = 3,
        directory: bool = False,
        organisation: str = "",
    ) -> World:
        """Someone the organisation has written to and heard from."""
        self.correspondents[address] = Correspondent(
            address,
            internal=address.endswith("@" + POLICE),
            display_names=names,
            sent_to=sent,
            received_from=received,
            in_directory=directory,
            organisation=organisation,
        )
        return self

    def case(
        self,
        reference: str,
        *,
        people: Iterable[str] = (),
        identifiers: Iterable[str] = (),
        discussed_with: Iterable[str] = (),
        allowed: Iterable[str] = (),
        files: Iterable[str] = (),
    ) -> World:
        """A case, the people and identifiers in it, and the mail that carried them."""
        case = key(FeatureKind.CASE, reference)
        keys = [
            (FeatureKind.CASE, case),
            *((FeatureKind.PERSON, key(FeatureKind.PERSON, p)) for p in people),
            *((FeatureKind.IDENTIFIER, key(FeatureKind.IDENTIFIER, i)) for i in identifiers),
            *((FeatureKind.ATTACHMENT, file_key(f)) for f in files),
        ]
        for kind, k in keys:
            self._learn(kind, k, discussed_with, {case}, allowed)
        return self

    def person(self, name: str, *, discussed_with: Iterable[str]) -> World:
        """Someone named in mail, outside any case."""
        self._learn(FeatureKind.PERSON, key(FeatureKind.PERSON, name), discussed_with, (), ())
        return self

    def thread(
        self,
        message_id: str,
        *,
        participants: Iterable[str],
        cases: Iterable[str] = (),
        people: Iterable[str] = (),
        identifiers: Iterable[str] = (),
    ) -> World:
        case_keys = frozenset(key(FeatureKind.CASE, c) for c in cases)
        keys = (
            case_keys
            | {key(FeatureKind.PERSON, p) for p in people}
            | {key(FeatureKind.IDENTIFIER, i) for i in identifiers}
        )
        self.threads[message_id] = ThreadHistory(
            (message_id,), frozenset(participants), frozenset(keys), case_keys
        )
        return self

    def lookalike(self, unknown: str, *known: str) -> World:
        """The store's answer for an address it does not know: these known ones look like it."""
        self.similar[unknown] = tuple(self.correspondents[k] for k in known)
        return self

    def _learn(
        self,
        kind: FeatureKind,
        k: str,
        discussed_with: Iterable[str],
        cases: Iterable[str],
        allowed: Iterable[str],
    ) -> None:
        old = self.histories.get(k, KeyHistory(k, kind))
        self.histories[k] = replace(
            old,
            correspondents=old.correspondents | frozenset(discussed_with),
            cases=old.cases | frozenset(cases),
            allowed=old.allowed | frozenset(allowed),
            messages=old.messages + 2,
        )

    def knowledge_for(self, message: Message, features: MessageFeatures) -> Knowledge:
        """What the store would answer: only this message's addresses, keys and thread."""
        addresses = [r.mailbox.address for r in message.recipients]
        if message.sender is not None:
            addresses.append(message.sender.address)
        known = {a: self.correspondents[a] for a in addresses if a in self.correspondents}
        thread = None
        for message_id in [message.in_reply_to, *reversed(message.references)]:
            if message_id in self.threads:
                thread = self.threads[message_id]
                break
        named: dict[str, tuple[KeyHistory, ...]] = {}
        for recipient in message.recipients:
            address = recipient.mailbox.address
            names = [recipient.mailbox.display_name]
            if address in self.correspondents:
                names += self.correspondents[address].display_names
            people = {key(FeatureKind.PERSON, n) for n in names if n}
            histories = tuple(self.histories[k] for k in sorted(people) if k in self.histories)
            if histories:
                named[address] = histories
        return Knowledge(
            correspondents=known,
            keys={k: self.histories[k] for k in features.keys if k in self.histories},
            thread=thread,
            similar={a: self.similar[a] for a in addresses if a in self.similar},
            named=named,
        )


def town() -> World:
    """The standing cast: who the force has been writing to, and about what."""
    return (
        World()
        .contact("k.ahmed@example.police.uk", "Kate Ahmed", "PC Kate Ahmed")
        .contact("b.hughes@example.police.uk", "Ben Hughes", "DC Ben Hughes")
        # A member of the public and his damaged car.
        .contact("j.smith@example.net", "John Smith", "Smith, John")
        .case(
            "AB/25/0071",
            people=["John Smith"],
            identifiers=["LM19 XKD"],
            discussed_with=["j.smith@example.net", "k.ahmed@example.police.uk"],
        )
        .thread(
            "<car-3@example.net>",
            participants=["j.smith@example.net", "k.ahmed@example.police.uk"],
            cases=["AB/25/0071"],
            people=["John Smith"],
            identifiers=["LM19 XKD"],
        )
        # A school, and a race-hate incident between three of its pupils.
        .contact("safeguarding@greenfield.sch.uk", "Greenfield Safeguarding Team")
        .contact("a.lowe@greenfield.sch.uk", "Anne Lowe", "Mrs Lowe")
        .case(
            "AB/25/0093",
            people=["Ellie Marsh", "Tom Briggs", "Sam Okafor"],
            discussed_with=[
                "safeguarding@greenfield.sch.uk",
                "k.ahmed@example.police.uk",
                "b.hughes@example.police.uk",
            ],
            allowed=["p.nair@northshire.gov.uk"],
            files=[SCHOOL_REPORT],
        )
        .thread(
            "<incident-1@greenfield.sch.uk>",
            participants=["safeguarding@greenfield.sch.uk", "k.ahmed@example.police.uk"],
            cases=["AB/25/0093"],
            people=["Ellie Marsh", "Tom Briggs", "Sam Okafor"],
        )
        # The council social worker on the school case, by the imported case list.
        .contact("p.nair@northshire.gov.uk", "Priya Nair", directory=True)
        .contact("r.patel@northshire.gov.uk", "Raj Patel", directory=True)
        # A defence solicitor, his client, and the burglary victim.
        .contact("a.khan@khanlaw.co.uk", "Aaron Khan")
        .contact("joan.price@btinternet.com", "Joan Price")
        .case(
            "AB/25/0112",
            people=["Mark Dyer"],
            discussed_with=["a.khan@khanlaw.co.uk", "k.ahmed@example.police.uk"],
        )
        .case(
            "AB/25/0112",
            people=["Joan Price"],
            discussed_with=["joan.price@btinternet.com", "k.ahmed@example.police.uk"],
        )
    )


SCHOOL_REPORT = (
    "Greenfield Academy incident report. On 3 March Ellie Marsh and Tom Briggs (Year 8) "
    "directed racist abuse at Sam Okafor (Year 7) in the lunch hall."
)


@dataclass
class Attachment:
    name: str
    text: str
    people: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()


@dataclass
class Mail:
    """An outgoing message and what the detect stage found in it."""

    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    subject: str = ""
    body: str = ""
    sender: str = OFFICER
    in_reply_to: str = ""
    people: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    identifiers: tuple[tuple[FindingType, str], ...] = ()
    attachments: tuple[Attachment, ...] = ()
    found: tuple[Finding, ...] = ()
    """Other findings, as the detect stage would report them."""

    def message(self) -> Message:
        recipients = [
            Recipient(address, header)
            for header, values in (
                (AddressField.TO, self.to),
                (AddressField.CC, self.cc),
                (AddressField.BCC, self.bcc),
            )
            for value in values
            for address in parse_address_header(value)[0]
        ]
        sender = parse_address_header(self.sender)[0][0]
        parts = [Part("text/plain", self.body.encode(), is_body=True, charset="utf-8")]
        parts += [Part("application/pdf", a.text.encode(), name=a.name) for a in self.attachments]
        return Message(
            subject=self.subject,
            sender=sender,
            recipients=recipients,
            message_id="<out-1@example.police.uk>",
            in_reply_to=self.in_reply_to,
            references=[self.in_reply_to] if self.in_reply_to else [],
            parts=parts,
        )

    def findings(self) -> list[Finding]:
        found = list(self.found)
        mentions = [
            *((FindingType.PERSON, p) for p in self.people),
            *((FindingType.CRIME_REFERENCE, c) for c in self.cases),
            *self.identifiers,
        ]
        for kind, text in mentions:
            places = [
                where
                for where, written in (("header:subject", self.subject), ("body", self.body))
                if text in written
            ]
            assert places, f"{text!r} is not in the mail's subject or body"
            found += [Finding(kind, text, where, 0.9, "story", "story") for where in places]
        for attachment in self.attachments:
            for kind, texts in (
                (FindingType.PERSON, attachment.people),
                (FindingType.CRIME_REFERENCE, attachment.cases),
            ):
                for text in texts:
                    assert text in attachment.text, f"{text!r} is not in {attachment.name}"
                    where = f"attachment:{attachment.name}"
                    found.append(Finding(kind, text, where, 0.9, "story", "story"))
        return found


def judge(
    mail: Mail,
    world: World | None = None,
    settings: PolicySettings = SETTINGS,
    config: Config = CONFIG,
) -> RuleInput:
    """The rules' view of the mail: with the world's knowledge, or (None) without a store,
    and the policy's thresholds, partners and clearances."""
    message = mail.message()
    findings = mail.findings()
    features, knowledge = MessageFeatures(), None
    if world is not None:
        features = features_of(message, findings, world.keyer)
        knowledge = world.knowledge_for(message, features)
    return RuleInput(message, findings, [], config, (POLICE,), features, knowledge, settings)


def to(subject: RuleInput, address: str) -> Recipient:
    """The message's recipient with this address."""
    for recipient in subject.message.recipients:
        if recipient.mailbox.address == address:
            return recipient
    raise AssertionError(f"{address} is not a recipient")


def someone(address: str, name: str = "", header: AddressField = AddressField.TO) -> Recipient:
    return Recipient(Address(address, name), header)


def finding(kind: FindingType, text: str, where: str = "body", category: str = "") -> Finding:
    return Finding(kind, text, where, 0.9, "story", "story", category=category)
