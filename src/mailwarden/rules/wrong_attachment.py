"""An attachment that belongs to a different case or correspondent from the body and thread.

The wrong file picked from the folder: the body answers the car owner about
his car, the attachment is the school's report on a race-hate incident. What
an attachment is about comes from the people and references found in it and
from its fingerprint (the same file received before); what the message is
about comes from the body, the subject and the thread. Where both sides have
cases, the cases decide (the other lawyer's MG11 is out of place in a file to
the CPS, though both lawyers are at cps.gov.uk); where either has none, the
correspondents' organisations do. An attachment that shares a key with the
message, or that the recipient already belongs with (its own statement sent
back to it), is in place; so is one the store knows nothing about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mailwarden.knowledge.features import Feature
from mailwarden.knowledge.model import FeatureKind, KeyHistory, Knowledge
from mailwarden.message.model import Recipient
from mailwarden.rules._shared import (
    about_others,
    belongs_to_someone,
    discussed_outside,
    has_colleagues,
    have,
    is_external,
    labels,
    outside_attachments,
    owners,
    party_of,
    standing,
    whom,
)
from mailwarden.rules.base import Reason, RuleInput, Verdict


@dataclass(frozen=True, slots=True)
class _Context:
    """What the message itself is about: its body's and subject's keys, and its thread's."""

    keys: frozenset[str]
    cases: frozenset[str]
    parties: frozenset[str]
    case_labels: tuple[str, ...]


class WrongAttachment:
    name = "wrong_attachment"
    description = "An attachment belongs to a different case or correspondent from the message."
    severity = Verdict.HOLD

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        knowledge = subject.knowledge
        if knowledge is None or not is_external(subject, recipient):
            return None
        features = about_others(subject, recipient) + subject.features.of_kind(
            FeatureKind.ATTACHMENT
        )
        context = _context(subject, knowledge, [f for f in features if outside_attachments(f)])
        if not context.cases and not context.parties:
            return None  # nothing to compare the attachments with
        mine = standing(subject, recipient, knowledge)
        for name in dict.fromkeys(p.name for p in subject.message.attachments):
            here = set(subject.features.at(f"attachment:{name}"))
            inside = [f for f in features if f in here]
            known = [
                (f, h) for f in inside if (h := knowledge.history(f.key)) and _owned(subject, f, h)
            ]
            if not known or any(f.key in context.keys for f in inside):
                continue
            if any(mine.belongs(f.key, h) for f, h in known):
                continue
            cases = frozenset().union(*(_cases(f, h) for f, h in known))
            if cases and context.cases:
                if cases & context.cases:
                    continue  # the same case (or a linked one): in place
            elif any({party_of(a) for a in owners(subject, h)} & context.parties for _, h in known):
                continue  # no cases to compare: the same correspondent's organisation
            return self._reason(subject, name, known, context)
        return None

    def _reason(
        self,
        subject: RuleInput,
        name: str,
        known: Sequence[tuple[Feature, KeyHistory]],
        context: _Context,
    ) -> Reason:
        named = [f for f, _ in known if f.kind is not FeatureKind.ATTACHMENT]
        what = f"{labels(named)} in it" if named else "the file itself"
        count = len(named) if named else 1
        discussed = {a for _, h in known for a in discussed_outside(subject, h)}
        allowed = {a for _, h in known for a in owners(subject, h)}
        colleagues = any(has_colleagues(subject, h) for _, h in known)
        about = f" (case {', '.join(context.case_labels)})" if context.case_labels else ""
        return Reason(
            rule=self.name,
            action=self.severity,
            explanation=(
                f"The attachment '{name}' does not belong with the message{about}: {what} "
                f"{have(count)} only been {whom(discussed, allowed, colleagues)}."
            ),
            evidence=(name, *(f.label for f in named)),
        )


def _owned(subject: RuleInput, feature: Feature, history: KeyHistory) -> bool:
    """The store ties the key to someone outside, or (a person, a reference) to a case."""
    if belongs_to_someone(subject, feature.kind, history):
        return True
    return feature.kind is not FeatureKind.ATTACHMENT and bool(history.cases - {feature.key})


def _cases(feature: Feature, history: KeyHistory) -> frozenset[str]:
    return history.cases | ({feature.key} if feature.kind is FeatureKind.CASE else frozenset())


def _context(subject: RuleInput, knowledge: Knowledge, features: Sequence[Feature]) -> _Context:
    keys = {f.key for f in features}
    cases = {f.key for f in features if f.kind is FeatureKind.CASE}
    parties: set[str] = set()
    for feature in features:
        history = knowledge.history(feature.key)
        if history is not None:
            cases |= history.cases
            parties |= {party_of(a) for a in owners(subject, history)}
    thread = knowledge.thread
    if thread is not None:
        keys |= thread.keys
        cases |= thread.cases
        parties |= {party_of(a) for a in thread.participants if not _internal(subject, a)}
    case_labels = tuple(f.label for f in features if f.kind is FeatureKind.CASE and f.key in cases)
    return _Context(frozenset(keys), frozenset(cases), frozenset(parties), case_labels)


def _internal(subject: RuleInput, address: str) -> bool:
    return subject.is_internal(address.rpartition("@")[2])


RULE = WrongAttachment()
