"""Edit cost: word-level Levenshtein distance between an agent's output and the user's edit (PRELUDE).

PRELUDE tokenises both texts with ``nltk.word_tokenize`` and counts token insertions, deletions and
substitutions. ``word_tokens`` follows the same Treebank conventions that matter for the count (punctuation
is its own token, clitics such as ``n't`` and ``'s`` split off, emojis are tokens) without needing nltk and
its downloaded tokenizer models; the distance itself is rapidfuzz's Levenshtein over token sequences.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from memagent.errors import InvalidInputError

__all__ = ["edit_distance", "normalized_edit_distance", "word_tokens"]

_TOKEN = re.compile(
    r"""
    [^\W\d_]+(?=n't\b)          # "do" of "don't" (Treebank splits the clitic off)
    | n't\b
    | '(?:s|m|d|ll|re|ve)\b      # 's 'm 'd 'll 're 've
    | \d+(?:[.,]\d+)*            # numbers, 3.14 and 1,000 stay whole
    | [^\W_]+(?:-[^\W_]+)*       # words, hyphenated words
    | \.\.\.                     # an ellipsis is one token
    | [^\w\s]                    # any other single symbol: punctuation, emoji
    """,
    re.VERBOSE | re.IGNORECASE,
)


def word_tokens(text: str) -> list[str]:
    """Split ``text`` into word and punctuation tokens the way PRELUDE's cost counts them.

    Raises:
        InvalidInputError: ``text`` is not a str.
    """
    if not isinstance(text, str):
        msg = f"word_tokens() needs a str, got {type(text).__name__}"
        raise InvalidInputError(msg)
    return _TOKEN.findall(text)


def edit_distance(output: str, edited: str) -> int:
    """Word-level Levenshtein distance: the number of token insertions, deletions and substitutions.

    Case-sensitive, like PRELUDE (a capitalisation change costs one substitution).

    Raises:
        InvalidInputError: either argument is not a str.
    """
    return int(Levenshtein.distance(word_tokens(output), word_tokens(edited)))


def normalized_edit_distance(output: str, edited: str) -> float:
    """``edit_distance`` divided by the longer token count: 0 for identical texts, 1 for disjoint ones.

    Raises:
        InvalidInputError: either argument is not a str.
    """
    a, b = word_tokens(output), word_tokens(edited)
    longest = max(len(a), len(b))
    return Levenshtein.distance(a, b) / longest if longest else 0.0
