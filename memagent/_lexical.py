"""Word tokenisation shared by the hashing embedder and BM25: lowercase, stopwords out, light stemming."""

from __future__ import annotations

import re

__all__ = ["STOPWORDS", "content_words", "stem", "words"]

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
    """A deliberately tiny suffix stripper: merges plurals and common verb forms, never over-stems short words."""
    if len(word) <= 4:
        return word
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix == "s" and word.endswith("ss"):
                return word
            return word[: -len(suffix)] + repl
    return word


def words(text: str) -> list[str]:
    """Lowercase word tokens, apostrophes kept inside words."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """Stemmed words without stopwords: what lexical matching should compare."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]
