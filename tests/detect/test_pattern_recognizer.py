"""The pattern recognizer base: check rules decide, context words raise the score."""

from __future__ import annotations

from typing import ClassVar

from mailwarden.detect import FindingType, Pattern, PatternRecognizer, TextContext


class EvenNumber(PatternRecognizer):
    """Six digits whose sum is even: a made-up check rule to exercise the base."""

    name = "even"
    description = "test"
    finding_type = FindingType.UK_PASSPORT
    patterns: ClassVar[tuple[Pattern, ...]] = (Pattern("six", r"\b(\d{3} ?\d{3})\b", 0.4),)
    context_words = ("tel", "passport no")

    def validate(self, candidate: str) -> bool:
        return sum(map(int, candidate)) % 2 == 0


def scores(text: str) -> list[tuple[str, float]]:
    return [(text[m.start : m.end], m.score) for m in EvenNumber().analyze(text, TextContext())]


def test_failed_check_drops_a_candidate_and_a_passed_one_scores_high() -> None:
    assert scores("123 456 and 123 457") == [("123 457", 0.95)]


def test_context_word_must_start_a_word() -> None:
    base = EvenNumber.VALID_SCORE
    boosted = min(1.0, base + EvenNumber.CONTEXT_BOOST)
    assert scores("Passport no 112 233") == [("112 233", boosted)]
    assert scores("telephone 112233") == [("112233", boosted)]
    assert scores("the hotel 112233") == [("112233", base)]
