"""A scan's report as the check's answer: `ScanReport.to_json` gives the recipients and the
findings (the `scan --json` fields); this adds the verdict, whether the sender may send
anyway, and the one-sentence summary for the prompt's title."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from mailwarden.api.models import CheckAnswer
from mailwarden.report import ScanReport
from mailwarden.rules.base import Verdict

_SAID = {
    Verdict.REJECT: ("will not be delivered", "will not be delivered"),
    Verdict.HOLD: ("will be held for review", "will be held for review"),
    Verdict.CONFIRM: ("needs your confirmation", "need your confirmation"),
}


def worst(verdicts: list[Verdict]) -> Verdict:
    """The most severe verdict (deliver for none)."""
    return max(verdicts, key=lambda v: v.rank, default=Verdict.DELIVER)


def check_answer(report: ScanReport, check_id: str, expires: datetime) -> CheckAnswer:
    data = report.to_json()
    verdicts = [d.verdict for d in report.decisions]
    return CheckAnswer(
        check_id=check_id,
        verdict=worst(verdicts),
        send_anyway_allowed=all(v in (Verdict.DELIVER, Verdict.CONFIRM) for v in verdicts),
        summary=summary(verdicts),
        recipients=data["recipients"],
        findings=data["findings"],
        expires=expires,
    )


def summary(verdicts: list[Verdict]) -> str:
    """'1 recipient needs your confirmation.', most severe first; one sentence."""
    counts = Counter(verdicts)
    parts = []
    for verdict, (one, many) in _SAID.items():
        n = counts[verdict]
        if n:
            parts.append(f"{n} recipient{'s' if n > 1 else ''} {one if n == 1 else many}")
    if not parts:
        return "Nothing to confirm: every recipient may receive it."
    return "; ".join(parts) + "."
