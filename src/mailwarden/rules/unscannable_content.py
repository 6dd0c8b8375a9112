"""Part of the message could not be read (encrypted, corrupt, over a limit) and it goes out.

The reason's `kind` says which policy line judges it: `too_large` when the
message was over the size limit and not read at all, `too_slow` when its scan
ran out of time, `unscannable` for anything else. It is read from the problems'
`limit` field, set where each problem is made, never from their wording.
"""

from __future__ import annotations

from collections.abc import Sequence

from mailwarden.extract.base import ExtractionProblem
from mailwarden.message.model import Recipient
from mailwarden.rules.base import Reason, ReasonKind, RuleInput, Verdict

KIND_OF_LIMIT = {"size": ReasonKind.TOO_LARGE, "time": ReasonKind.TOO_SLOW}
"""The problems that decide the reason's kind, most telling first."""


class UnscannableContent:
    name = "unscannable_content"
    description = "Content that could not be scanned is going outside the organisation."
    severity = Verdict.CONFIRM

    def check(self, subject: RuleInput, recipient: Recipient) -> Reason | None:
        if not recipient.mailbox.is_valid or subject.is_internal(recipient.mailbox.domain):
            return None
        unreadable = [p for p in subject.problems if p.unscannable]
        if not unreadable:
            return None
        kind, first = telling(unreadable)
        where = ", ".join(dict.fromkeys(p.location for p in unreadable))
        return Reason(
            rule=self.name,
            action=self.severity,
            explanation=(
                f"{where} could not be scanned ({first.detail}), so what it contains "
                f"is unknown, and {recipient.mailbox.address} is outside the organisation."
            ),
            evidence=tuple(p.location for p in unreadable),
            kind=kind,
        )


def telling(problems: Sequence[ExtractionProblem]) -> tuple[ReasonKind, ExtractionProblem]:
    """The kind of the reason and the problem that decides it: the size limit, else the
    time limit, else the first problem."""
    for limit, kind in KIND_OF_LIMIT.items():
        for problem in problems:
            if problem.limit == limit:
                return kind, problem
    return ReasonKind.UNSCANNABLE, problems[0]


RULE = UnscannableContent()
