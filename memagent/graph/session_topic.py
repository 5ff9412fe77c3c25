"""The domain a conversation is about, and the domain each memory read from it is filed under.

A turn's own words often name no domain ("6:45 AM, please", "the third one"), so :class:`DialogueExtractor`
files its memories under the session's domain. That domain is read from keyword counts (``classify_domains``)
over the session so far, weighed so that the task outweighs the talk around it:

* the user's opener and the assistant's first reply count most: the opener asks for the task, and the reply
  usually restates it ("Sure, let's find you a flight") even when the opener only hints ("conference in the autumn
  and I need to get there");
* within a turn, a request ("i need flights", also after a greeting or a comma) counts double against a statement,
  and a circumstance or reason ("while I cook tonight", "work's been mental so ...") counts half: the object of the
  request is the task, the aside is not ("need something on in the background while I cook" is no food session).

The memory's own words move it out of the session's domain only when they name another domain clearly (three
keyword hits): a value is usually filed under its own domain when first said, and a later mention in passing
("a seat near the luggage rack" on a train) must land where the earlier one is, or a change would not find it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from memagent._lexical import content_words, stem
from memagent.graph.domains import classify_domains, word_domain
from memagent.graph.memo import TextMemo
from memagent.graph.phrasing import split_sentences
from memagent.types import Event

__all__ = ["route_domain", "session_topic", "turn_topic"]

# Where a request may start: the sentence's start, after a greeting ("hey, ...", "question for you: ...") or after a
# comma or "and" ("work finally approved the trip, i need flights").
_REQUEST_SENTENCE = re.compile(
    r"\?\s*$|(?:^(?:(?:hi|hey|hiya|hello|morning|evening|ok(?:ay)?|so|right|well|um+|(?:hi|hello)\s+(?:there|again)|"
    r"good\s+(?:morning|afternoon|evening)|quick\s+one|question\s+for\s+you)\b[,:!.]?\s+)*|,\s+|\band\s+)"
    r"(?:please\s+)?(?:help|can|could|would|will|find|book|get|make|set|plan|recommend|pick|put|add|send|draft|"
    r"organi[sz]e|schedule|order|i\s+(?:just\s+|really\s+|also\s+)?(?:need|want)|i'?d\s+like|i'?m\s+looking|what|"
    r"where|which|when|any)\b", re.I)

# The circumstance or reason around a request: after "while", "because", "since" ... (to the sentence's end), a
# leading "since the move, ..." / "after a long week, ...", or what comes before "so I want / so can you".
_ASIDE_TAIL = re.compile(r"\s+(?:because|since|while|whenever|ever\s+since|now\s+that|so\s+that|as\s+long\s+as)\s+.*$",
                         re.I)
_ASIDE_HEAD = re.compile(r"^(?:since|because|after|ever\s+since|now\s+that|while|when|as|with)\b[^,]*,\s*|"
                         r"^.*?,?\s+so\s+(?=(?:i|i'd|i'm|i'll|we|we'd|can|could|would|please|let's)\b)", re.I)


def session_topic(session: Sequence[Event], memo: TextMemo[tuple[tuple[str, int], ...]] | None = None) -> Counter[str]:
    """The conversation's domains. The user's words count double, the first user turn and the assistant's reply to
    it triple; within a turn see :func:`turn_topic`.

    Each turn's own counts are ``memo``-ised by text: a session's turns are read again for every new turn."""
    counts: Counter[str] = Counter()
    first_user = next((i for i, e in enumerate(session) if e.role == "user"), None)
    first_reply = None if first_user is None else next(
        (i for i, e in enumerate(session) if i > first_user and e.role == "assistant"), None)
    for i, e in enumerate(session):
        weight = 3 if i in (first_user, first_reply) else 2 if e.role == "user" else 1
        # In the order the domains first appear, so ties in most_common break as they would counted in one pass.
        for d, n in (memo.get(e.text, turn_topic) if memo is not None else turn_topic(e.text)):
            counts[d] += weight * n
    return counts


def turn_topic(text: str) -> tuple[tuple[str, int], ...]:
    """One turn's domain counts (a statement's top domain 4, its second 2; a request's twice that; an aside's half),
    in the order the domains first appear."""
    counts: dict[str, int] = {}
    for sentence in split_sentences(text):
        request = bool(_REQUEST_SENTENCE.search(sentence))
        main = _ASIDE_HEAD.sub("", _ASIDE_TAIL.sub("", sentence))
        aside = sentence.replace(main, " ", 1) if main and main != sentence else ""
        for part, w in ((main or sentence, 4 if request else 2), (aside, 1)):
            if not part.strip():
                continue
            for rank, d in enumerate(classify_domains(part, top=2)):
                counts[d] = counts.get(d, 0) + w * (2 if rank == 0 else 1)
            for word in content_words(part):  # the domain's own name ("sports") outweighs a shared verb ("watch")
                named = word_domain(word)
                if named and stem(named) == word:
                    counts[named] = counts.get(named, 0) + 2 * w
    return tuple(counts.items())


def route_domain(clause: str, topic: Counter[str], proposed: str | None) -> str | None:
    """The conversation's domain, unless the clause clearly names another (three keyword hits); attribute words
    ("a window seat" in a bus booking) do not move it. A value mentioned in passing for another domain stays with the
    conversation: it was usually stored under its own domain when it was first said."""
    own = Counter(d for w in content_words(clause) if (d := word_domain(w)))
    session = topic.most_common(1)[0][0] if topic else None
    if own:
        best, hits = own.most_common(1)[0]
        if session is None or best == session or (hits >= 3 and own[session] < hits):
            return best
    return session or proposed
