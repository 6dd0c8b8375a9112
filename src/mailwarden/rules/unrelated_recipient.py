"""People or cases that belong to other correspondents, going to one who has never had them.

The misdirected e-mail in its plainest form: "'Ellie Marsh' and case AB/25/0093
have only been discussed with safeguarding@greenfield.sch.uk and colleagues",
and the recipient has had nothing to do with them. A key counts only when the
store knows whom it belongs to outside the organisation (mail carrying it
to or from an outside address, or an imported case list); a key nobody has
seen, or that only colleagues have discussed, tells nothing. Colleagues are
trusted with the organisation's cases; the recipient's own name, its own
cases and the people in them pass; so does a key already discussed with so
many outside parties that it belongs to no one in particular, and a list
of cases a good part of which are the recipient's or its organisation's (a
MASH's daily list: `list_for`). Someone new at an organisation that has had the key (the newly
allocated social worker) belongs with it; someone there with mail of their
own who never had it is asked about (confirm): the slip to the wrong
colleague of the right person. A stranger is held.
"""

from __future__ import annotations

from mailwarden.knowledge.model import FeatureKind
from mailwarden.message.model import Recipient
from mailwarden.rules._shared import (
    about_others,
    associated,
    belongs_to_someone,
    discussed_outside,
    has_colleagues,
    have,
    is_external,
    labels,
    list_for,
    owners,
    same_organisation,
    standing,
    whom,
)
from mailwarden.rules.base import Reason, RuleInput, Verdict


class UnrelatedRecipient:
    name = "unrelated_recipient"
    description = "People or cases known only with other correspondents, never with this one."
    severity = Verdict.HOLD
    """CONFIRM when others at the recipient's own organisation have had them."""

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        knowledge = subject.knowledge
        if knowledge is None or not is_external(subject, recipient):
            return None
        address = recipient.mailbox.address
        mine = standing(subject, recipient, knowledge)
        features = about_others(subject, recipient)
        if list_for(subject, knowledge, mine):
            return None
        foreign, theirs = [], []
        discussed: set[str] = set()
        allowed: set[str] = set()
        colleagues = False
        next_door = True
        for feature in features:
            history = knowledge.history(feature.key)
            if history is None:
                continue
            if associated(history, address, knowledge) or mine.belongs(feature.key, history):
                theirs.append(feature)
                continue
            if not belongs_to_someone(subject, feature.kind, history):
                continue
            foreign.append(feature)
            discussed |= discussed_outside(subject, history)
            allowed.update(owners(subject, history))
            colleagues = colleagues or has_colleagues(subject, history)
            next_door = next_door and same_organisation(history, address)
        if not foreign:
            return None
        own = [f for f in theirs if f.kind is FeatureKind.CASE] or theirs
        them = "it" if len(foreign) == 1 else "them"
        if own:
            recipient_side = f"{address} has only written about {labels(own)}"
        else:
            recipient_side = f"{address} has never been on a message about {them}"
        if next_door:
            recipient_side += f", though others at {recipient.mailbox.domain} have"
        return Reason(
            rule=self.name,
            action=Verdict.CONFIRM if next_door else self.severity,
            explanation=(
                f"{labels(foreign)} {have(len(foreign))} only been "
                f"{whom(discussed, allowed, colleagues)}; "
                f"{recipient_side}."
            ),
            evidence=tuple(f.label for f in foreign),
        )


RULE = UnrelatedRecipient()
