"""A reply or forward in one case's thread that carries another case's people or references.

The seed case: replying in a member of the public's thread about his damaged
car, an officer sent an update on a race-hate incident between pupils. The
thread knows its case (`ThreadHistory.cases`); a person or identifier the
store ties only to other cases, never to the thread's, is out of place in it,
and so is another case's reference that belongs to someone outside. A new
crime number the officer is giving the correspondent for the first time (no
one outside has had it) is no slip. Cases linked to the thread's through
someone in both (the suspect charged in two) belong in it. A recipient who
belongs with the other case as well (the social worker on both) is not the
wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from mailwarden.knowledge.features import Feature
from mailwarden.knowledge.model import FeatureKind, KeyHistory, ThreadHistory
from mailwarden.message.model import Recipient
from mailwarden.rules._shared import (
    about_others,
    associated,
    have,
    is_external,
    label,
    labels,
    owners,
    phrase,
    standing,
)
from mailwarden.rules.base import Reason, RuleInput, Verdict

_FORWARD = re.compile(r"^\s*(?:fwd?|fw)\s*:", re.IGNORECASE)
_PREFIXES = re.compile(r"^(?:\s*(?:re|fwd?|fw|aw|sv|vs)\s*(?:\[\d+\])?\s*:)+\s*", re.IGNORECASE)


class WrongThread:
    name = "wrong_thread"
    description = "A reply or forward in one case's thread carries another case's people or refs."
    severity = Verdict.HOLD

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        knowledge = subject.knowledge
        if knowledge is None or knowledge.thread is None or not is_external(subject, recipient):
            return None
        thread = knowledge.thread
        features = about_others(subject, recipient)
        thread_cases = thread.cases | {
            f.key for f in features if f.kind is FeatureKind.CASE and f.key in thread.keys
        }
        if not thread_cases:
            return None  # a thread about no case in particular cannot be the wrong one
        named = [f for f in features if f.key in thread_cases]
        related = thread_cases | _bridged(features, knowledge.keys, thread, thread_cases)
        mine = standing(subject, recipient, knowledge)
        foreign = [
            f
            for f in features
            if (history := knowledge.history(f.key)) is not None
            and not associated(history, recipient.mailbox.address, knowledge)
            and not mine.belongs(f.key, history)
            and _elsewhere(subject, f, history, thread, related)
        ]
        if not foreign:
            return None
        other_cases = {c for f in foreign for c in _cases_of(f, knowledge.history(f.key))}
        other_named = [f for f in features if f.key in other_cases and f not in foreign]
        where = "a different case"
        if other_named:
            cases = "case" if len(other_named) == 1 else "cases"
            where = f"{cases} {phrase([f.label for f in other_named])}"
        return Reason(
            rule=self.name,
            action=self.severity,
            explanation=(
                f"This {_how(subject)} the thread '{_topic(subject)}'"
                + (f" about {label(named[0])}" if named else "")
                + f", but {labels(foreign)} {have(len(foreign))} never been in it and "
                f"{'belongs' if len(foreign) == 1 else 'belong'} to {where}."
            ),
            evidence=tuple(f.label for f in foreign),
        )


def _bridged(
    features: Sequence[Feature],
    histories: Mapping[str, KeyHistory],
    thread: ThreadHistory,
    thread_cases: frozenset[str],
) -> frozenset[str]:
    """Cases linked to the thread's through someone in both: the suspect charged in two."""
    linked: set[str] = set()
    for feature in features:
        history = histories.get(feature.key)
        if history is not None and (feature.key in thread.keys or history.cases & thread_cases):
            linked |= history.cases
    return frozenset(linked)


def _cases_of(feature: Feature, history: KeyHistory | None) -> frozenset[str]:
    cases = history.cases if history is not None else frozenset()
    return cases | ({feature.key} if feature.kind is FeatureKind.CASE else frozenset())


def _elsewhere(
    subject: RuleInput,
    feature: Feature,
    history: KeyHistory,
    thread: ThreadHistory,
    related: frozenset[str],
) -> bool:
    """True when the thread has never carried the key and the store ties it to other cases."""
    if feature.key in thread.keys or feature.key in related:
        return False
    cases = history.cases - {feature.key}
    if cases & related:
        return False  # the thread's case, or one linked to it
    if feature.kind is FeatureKind.CASE:
        return bool(owners(subject, history))
    return bool(cases)


def _how(subject: RuleInput) -> str:
    return "forwards" if _FORWARD.match(subject.message.subject) else "replies in"


def _topic(subject: RuleInput) -> str:
    return _PREFIXES.sub("", subject.message.subject).strip() or "(no subject)"


RULE = WrongThread()
