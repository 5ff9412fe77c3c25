"""Preferences learned from user edits: CIPHER, the edit cost, offline inference and aggregation."""

from memagent.preferences.aggregate import PhraseSupport, aggregate_preferences, split_phrases
from memagent.preferences.cipher import Cipher, Evidence, Inferred, Learned
from memagent.preferences.edit import edit_distance, normalized_edit_distance, word_tokens
from memagent.preferences.encoders import MixedEmbedder, StyleEmbedder
from memagent.preferences.features import StyleProfile, style_profile
from memagent.preferences.heuristic import HeuristicInferencer, InferredStyle

__all__ = [
    "Cipher",
    "Evidence",
    "HeuristicInferencer",
    "Inferred",
    "InferredStyle",
    "Learned",
    "MixedEmbedder",
    "PhraseSupport",
    "StyleEmbedder",
    "StyleProfile",
    "aggregate_preferences",
    "edit_distance",
    "normalized_edit_distance",
    "split_phrases",
    "style_profile",
    "word_tokens",
]
