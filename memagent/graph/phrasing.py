"""Phrasing for offline extraction: sentences and clauses of a turn, first person into third, and the short
keys that identify what a statement is about."""

from __future__ import annotations

import re

from memagent._lexical import content_words

__all__ = ["CLAUSE_BREAK", "about_user", "clean_phrase", "head_noun", "split_clauses", "split_sentences", "subject_key",
           "third_person", "third_person_verb", "verb_subject"]

_CUT = re.compile(
    r"\s+(?:because|since|as\s+it|as\s+they|so\s+that|so\s+i|which|but|though|although|whereas|unless|"
    r"and\s+i|and\s+my|when\s+i|if\s+i|while|due\s+to|whenever)\b.*$",
    re.I,
)
_ASKS = re.compile(r"[,;]?\s+(?:but|so|and)\s+(?:do|can|could|would|will|what|any)\s+(?:you|ideas|suggestions)\b.*$", re.I)

_PRONOUNS = [
    (re.compile(r"\bI'm\b", re.I), "they're"),
    (re.compile(r"\bI've\b", re.I), "they've"),
    (re.compile(r"\bI'd\b", re.I), "they'd"),
    (re.compile(r"\bI'll\b", re.I), "they'll"),
    (re.compile(r"\bmyself\b", re.I), "themselves"),
    (re.compile(r"\bmine\b", re.I), "theirs"),
    (re.compile(r"\bmy\b", re.I), "their"),
    (re.compile(r"\bme\b", re.I), "them"),
    (re.compile(r"\bI\b"), "they"),
]


def third_person(phrase: str) -> str:
    """Rewrite first-person words so a stored statement reads about the user."""
    for pattern, repl in _PRONOUNS:
        phrase = pattern.sub(repl, phrase)
    return phrase


def clean_phrase(obj: str, *, cut: bool = True, max_words: int = 30) -> str:
    obj = obj.strip().strip("\"'")
    if cut:
        obj = _CUT.sub("", obj)
    # "..., but do you know any good ones?": a question tacked onto the statement is not part of it.
    obj = _ASKS.sub("", obj)
    # Punctuation first, so "aisle seats now." loses its "now" too.
    obj = obj.strip(" ,.;:!?-")
    obj = re.sub(r"\s+(?:anymore|any\s+more|these\s+days|nowadays|now|as\s+well|too|either|please)\s*$", "", obj, flags=re.I)
    obj = obj.strip(" ,.;:!?-")
    parts = obj.split()
    return " ".join(parts[:max_words])


def subject_key(obj: str, n: int = 3) -> str:
    toks = content_words(obj)
    return " ".join(toks[:n]) if toks else obj.lower().strip()


CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:so|because|and|but|when|if|since|while|though|although|tend|hope|which|that)\b",
                     re.I)


def head_noun(obj: str) -> str:
    """Head noun of a noun phrase, stopping at the first preposition: 'window seats on flights' -> 'seat'."""
    chunk = re.split(r"(?<![\w-])(?:on|in|at|for|when|over|than|rather|instead|with|from|during|of|to|that|which|"
                     r"where|who|after|before|and|or|so|because|but|while|if)(?![\w-])", obj, maxsplit=1, flags=re.I)[0]
    toks = content_words(chunk) or content_words(obj)
    return toks[-1] if toks else obj.lower().strip()


def split_sentences(text: str) -> list[str]:
    parts = re.split(
        r"(?<=[.!?;])\s+|\n+|,?\s+(?:but|and|also|plus)\s+(?=i\b|i'm\b|i've\b|i'd\b|now\b|these\s+days\b|my\b)",
        text, flags=re.I)
    return [p.strip() for p in parts if p and p.strip()]


# "I only buy used furniture, since I'm against waste", "I have three kids, so I need a big car": a reason or
# a consequence given in the first person is a second statement, and the first rule to match must not take the sentence from the main one.
_REASON = re.compile(r",?\s+(?:since|because|as)\s+(?=(?:i|i'm|i've|i'd|im)\b)|,\s+so\s+(?=(?:i|i'm|i've|i'd|im)\b)", re.I)


def split_clauses(sentence: str) -> list[str]:
    """The sentence, or its main clause and first-person reason clauses when it has them."""
    parts = [p.strip() for p in _REASON.split(sentence) if p and p.strip()]
    if len(parts) < 2 or len(parts[0].split()) < 3:
        return [sentence]
    return parts



_SUBJECT_FORMS = ((re.compile(r"^(?:i'm|i\s+am)\s+", re.I), "User is "), (re.compile(r"^i've\s+", re.I), "User has "),
                  (re.compile(r"^i'd\s+", re.I), "User would "), (re.compile(r"^i'll\s+", re.I), "User will "))
_IRREGULAR = {"have": "has", "do": "does", "go": "goes", "be": "is", "don't": "doesn't"}


def about_user(clause: str) -> str:
    """A first-person clause as a statement about the user: "I only read X" -> "User only reads X"."""
    for pattern, repl in _SUBJECT_FORMS:
        if pattern.match(clause):
            return repl + third_person(pattern.sub("", clause, count=1))
    m = re.match(r"i\s+((?:(?:[a-z]+ly|also|just|only|still|really|even|always|often|sometimes|seldom|do\s+not|never)\s+)*)"
                 r"([a-z']+)\b", clause, re.I)
    if not m:
        return f"User preference: {third_person(clause)}"
    verb = m.group(2).lower()
    verb3 = verb if m.group(1).lower().strip().endswith("do not") else third_person_verb(verb)
    adverbs = re.sub(r"\bdo\s+not\b", "does not", m.group(1), flags=re.I)
    return f"User {adverbs}{verb3}{third_person(clause[m.end():])}"


def third_person_verb(verb: str) -> str:
    """'like' -> 'likes', 'relish' -> 'relishes', 'fancy' -> 'fancies', 'have' -> 'has'."""
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if re.search(r"(?:s|sh|ch|x|z|o)$", verb):
        return verb + "es"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + "s"


def verb_subject(verb: str, obj: str) -> str:
    if verb in ("love", "like", "enjoy", "prefer"):
        return f"likes:{subject_key(obj)}"
    return f"habit:{subject_key(verb + ' ' + obj)}"
