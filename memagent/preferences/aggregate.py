"""Aggregating the preferences of several similar past contexts into one, without an LLM.

CIPHER-k asks an LLM for "the most represented preferences" among the k retrieved ones. Offline, each
preference is split into phrases, near-identical phrases are grouped (rapidfuzz token-sort similarity, or
cosine similarity when an embedder is given), and a group is kept when the preferences that mention it carry
at least ``min_support`` of the total weight (weights: retrieval similarity). So a feature seen in one edit
out of five is dropped, while one seen in most of them survives in its most common wording.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from memagent.embeddings.base import Embedder
from memagent.errors import ConfigError, InvalidInputError

__all__ = ["PhraseSupport", "aggregate_preferences", "split_phrases"]

_SPLIT = re.compile(r"[,;\n]+|\s+-\s+|^\s*[-*\u2022]\s*", re.MULTILINE)


def split_phrases(preference: str) -> list[str]:
    """The comma/semicolon/line separated phrases of a preference, trimmed, without empty ones."""
    out = []
    for part in _SPLIT.split(preference):
        phrase = part.strip().strip(".").strip()
        if phrase:
            out.append(phrase)
    return out


@dataclass
class PhraseSupport:
    """One group of equivalent phrases and the share of the weight that backs it."""

    text: str
    support: float
    variants: list[str] = field(default_factory=list)


def aggregate_preferences(
    preferences: Sequence[str],
    weights: Sequence[float] | None = None,
    *,
    min_support: float = 0.5,
    similarity: float = 85.0,
    embedder: Embedder | None = None,
    embed_similarity: float = 0.85,
) -> tuple[str, list[PhraseSupport]]:
    """Merge preferences by similarity and frequency; returns the aggregate text and every phrase group.

    Args:
        preferences: preference texts (one per retrieved context).
        weights: one non-negative weight per preference (default 1 each).
        min_support: share of the total weight a phrase group needs to be kept; when no group reaches it,
            the best-supported group(s) are kept, so the result is empty only for empty input.
        similarity: rapidfuzz ``token_sort_ratio`` (0-100) at which two phrases are the same group.
        embedder: when given, phrases are also grouped when their cosine similarity reaches ``embed_similarity``.

    Raises:
        InvalidInputError: a preference is not a str, or the weights do not match the preferences.
        ConfigError: ``min_support`` is outside (0, 1].
    """
    if not 0 < min_support <= 1:
        msg = f"min_support must be in (0, 1], got {min_support}"
        raise ConfigError(msg)
    if any(not isinstance(p, str) for p in preferences):
        msg = "preferences must be strings"
        raise InvalidInputError(msg)
    w = [1.0] * len(preferences) if weights is None else [max(float(x), 0.0) for x in weights]
    if len(w) != len(preferences):
        msg = f"{len(w)} weights for {len(preferences)} preferences"
        raise InvalidInputError(msg)
    if sum(w) <= 0:
        w = [1.0] * len(preferences)
    per_pref = [split_phrases(p) for p in preferences]
    flat = [ph for phrases in per_pref for ph in phrases]
    if not flat:
        return "", []
    group_of = _group(flat, similarity, embedder, embed_similarity)
    total = sum(w)
    backing: dict[int, float] = {}
    surface: dict[int, Counter[str]] = {}
    pos = 0
    for weight, phrases in zip(w, per_pref, strict=True):
        groups_here = set()
        for ph in phrases:
            g = group_of[pos]
            pos += 1
            surface.setdefault(g, Counter())[ph] += 1
            groups_here.add(g)
        for g in groups_here:
            backing[g] = backing.get(g, 0.0) + weight
    first_seen = {g: min(i for i, gg in enumerate(group_of) if gg == g) for g in backing}
    groups = [
        PhraseSupport(text=surface[g].most_common(1)[0][0], support=backing[g] / total, variants=sorted(surface[g]))
        for g in sorted(backing, key=lambda g: (-backing[g], first_seen[g]))
    ]
    kept = [g for g in groups if g.support >= min_support - 1e-9]
    if not kept:
        best = groups[0].support
        kept = [g for g in groups if g.support >= best - 1e-9]
    return ", ".join(g.text for g in kept), groups


def _group(phrases: list[str], similarity: float, embedder: Embedder | None, embed_similarity: float) -> list[int]:
    """Greedy single-pass grouping: each phrase joins the first earlier group it matches."""
    lowered = [p.lower() for p in phrases]
    vecs = embedder.embed(lowered) if embedder is not None else None
    reps: list[int] = []  # index of each group's first phrase
    out: list[int] = []
    for i, p in enumerate(lowered):
        for g, r in enumerate(reps):
            same = p == lowered[r] or fuzz.token_sort_ratio(p, lowered[r]) >= similarity and _same_polarity(p, lowered[r])
            if not same and vecs is not None:
                same = float(np.dot(vecs[i], vecs[r])) >= embed_similarity and _same_polarity(p, lowered[r])
            if same:
                out.append(g)
                break
        else:
            reps.append(i)
            out.append(len(reps) - 1)
    return out


_NEG = re.compile(r"\b(no|not|never|without|avoid|avoids|avoiding|don't|less)\b")


def _same_polarity(a: str, b: str) -> bool:
    """"no emojis" and "with emojis" share a word but say opposite things."""
    return bool(_NEG.search(a)) == bool(_NEG.search(b))
