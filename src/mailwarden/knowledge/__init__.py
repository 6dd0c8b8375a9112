"""Know who should get it: the knowledge store, learning, importers, and the rules' view."""

from mailwarden.knowledge.features import Feature, Keyer, MessageFeatures, features_of
from mailwarden.knowledge.model import (
    Correspondent,
    FeatureKind,
    KeyHistory,
    Knowledge,
    ThreadHistory,
)

__all__ = [
    "Correspondent",
    "Feature",
    "FeatureKind",
    "KeyHistory",
    "Keyer",
    "Knowledge",
    "MessageFeatures",
    "ThreadHistory",
    "features_of",
]
