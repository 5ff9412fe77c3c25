"""Word tokenisation shared by the hashing embedder and BM25: lowercase, stopwords out, light stemming."""

from __future__ import annotations

import re

__all__ = ["STOPWORDS", "containment", "content_words", "stem", "words"]

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)

STOPWORDS = frozenset(
    """a an the and or but if then else of to in on at by for with from as is am are was were be been being do does
    did doing have has had having i me my mine myself we us our ours you your yours he him his she her hers it its
    they them their theirs this that these those there here what which who whom whose when where why how all any
    both each few more most other some such no nor not only own same so than too very can will just should would
    could may might must shall s t user don't i'm i've i'd i'll it's that's let's about into over after before again
    further once up down out off also please thanks thank hi hello hey ok okay yes yeah really like get got
    """.split()
)


def stem(word: str) -> str:
    """A deliberately tiny suffix stripper: merges plurals and common verb forms, never over-stems short words.

    The suffixes, tried in order: "ies" -> "y", "ing", "ed", "es", "s" (not after another "s"), each only when at
    least four letters remain. Dispatched on the last letter (only "s", "g" and "d" end a suffix): tokenising
    calls this for every word of every text written."""
    n = len(word)
    if n <= 4:
        return word
    last = word[-1]
    if last == "s":
        if word.endswith("ies") and n >= 7:
            return word[:-3] + "y"
        if word.endswith("es") and n >= 6:
            return word[:-2]
        return word if word[-2] == "s" else word[:-1]  # n >= 5: four letters remain
    if last == "g":
        return word[:-3] if n >= 7 and word.endswith("ing") else word
    if last == "d":
        return word[:-2] if n >= 6 and word.endswith("ed") else word
    return word


def words(text: str) -> list[str]:
    """Lowercase word tokens, apostrophes kept inside words."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """Stemmed words without stopwords: what lexical matching should compare."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def containment(query: str, text: str) -> float:
    """Share of the query's content words found in ``text``."""
    q = set(content_words(query))
    return len(q & set(content_words(text))) / len(q) if q else 0.0
