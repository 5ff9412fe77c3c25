"""Extraction from task-oriented conversations: preferences said as requests, answers and confirmations.

In an assistant conversation most preferences are never phrased "I like X". They come as requests ("could
you find a Thai place?", "set it for 6:45 AM"), as short answers to the assistant's question ("Which sound?"
"Soft chimes, please."), as a yes to the assistant's suggestion ("Would quiet tables work?" "Yes, exactly."),
or as a change that names what it replaces ("I've switched from Spotify to Apple Music", "no, scratch that,
keep Ethiopian"). :class:`DialogueExtractor` adds these on top of :class:`HeuristicExtractor`'s first-person
rules, splits a turn into clauses so "I'm vegetarian, and I'd like to keep it under $30" gives two memories,
and routes each memory to the conversation's domain when its own words name none ("6:45 AM" in a session
that began "set an alarm for me").

Memories are compact and structured: ``"<Domain> <slot>: <value>"`` (the slot is named when the user or the
assistant's question names it), with ``domain``/``value``/``metadata["slot"]`` set, so a request about the
domain recalls them and a later change of the same slot finds them. A change carries ``metadata["replaces"]``
(the old value) or ``metadata["replaces_slot"]``; :class:`~memagent.graph.decide.RuleDecider` supersedes the
items holding it. One-off requests ("just for the conference", "a one-time alarm") stay episodes and never
supersede the standing value.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from memagent._lexical import content_words
from memagent.graph.asked import OFFER, PROPOSAL, asked_slots, asks_value, name_slots, question
from memagent.graph.candidates import Candidate
from memagent.graph.decide import value_type
from memagent.graph.exchange import (
    alternatives,
    asked,
    assent,
    change_in,
    is_assent,
    picked,
    proposal,
    proposal_window,
)
from memagent.graph.heuristic import _TEMPORARY, HeuristicExtractor, _as_temporary, _dedupe, _weigh
from memagent.graph.memo import TextMemo
from memagent.graph.options import listed_options
from memagent.graph.phrasing import split_clauses, split_sentences, subject_key
from memagent.graph.session_topic import route_domain, session_topic
from memagent.graph.unnamed import known_names, recased
from memagent.types import Event, MemoryKind

__all__ = ["DialogueExtractor"]

# One-off markers beyond the base ones: "one-off", "one-time", "for the wedding only", "just for the offsite". A "one-time
# fee" is a way of paying a user can prefer for good; "the one time I skipped X" a story of the past, not a one-off.
_ONE_OFF = re.compile(
    r"\bone[- ](?:off|time)\b(?<!\bthe\sone\stime)(?<!\bthat\sone\stime)(?![- ](?:purchases?|payments?|fees?|costs?|charges?|prices?|buys?|licen[cs]es?))|"
    r"\b(?:the|that)\s+one\s+time\b(?!\s+(?:that\s+|when\s+)?(?:i|i've|i'd|we|he|she|they|you|my|our)\b)|\bfor\s+(?:the|my|this|our|that)\s+[\w' -]{2,30}?\s+only\b|\bonly\s+this\s+(?:once|time)\b|"
    r"\bjust\s+for\s+(?:the|my|this|our|that|tomorrow|tonight|today)\b|\bmake\s+an\s+exception\b|\bthis\s+one\s+time\b|"
    r"\bjust\s+this\s+(?:once|time|trip|weekend)\b|\bnext\s+time\s+back\s+to\b|\bfor\s+once\b", re.I)
_FILLER_HEAD = re.compile(
    r"^(?:(?:hmm+|hm+|well|oh|ok(?:ay)?|so|yes|yeah|yep|definitely|probably|maybe|ideally|preferably|honestly|"
    r"actually|just|please|and|also|then|anyway)[,!.]?\s+|(?:right|great|perfect|cool|sure)[,!.]\s+)+", re.I)
_FILLER_TAIL = re.compile(
    r"(?:[,\s]+(?:please|if\s+possible|if\s+you\s+can|for\s+this(?:\s+one)?|for\s+me|thanks|thank\s+you|i\s+think|"
    r"for\s+sure|again|as\s+usual|as\s+always|of\s+course|ideally|this\s+time|like\s+last\s+time|like\s+before|"
    r"i\s+reckon|i\s+guess|i\s+suppose|"
    r"after\s+all))+\s*$",
    re.I)
_IT = re.compile(r"^(?:(?:it|them|everything|things)\s+(?:for|to|at|on|with|in|as)?|(?:one|that)\s+(?:for|to|at|on|with|in|as))"
                 r"\s*", re.I)
# After a pronoun object: the user's own place for it ("my list", "our calendar"), no value.
_DESTINATION = re.compile(r"^(?:my|our|your)\s+(?:[a-z-]+\s+){0,2}?[a-z-]+$", re.I)
_FILING = re.compile(r"\b(?:put|add|save|send|move|stick|pop|file|note)\b", re.I)
# No value: "something", "a hand", and asking for more to read ("some specific examples", "any tips on ...").
_VAGUE = re.compile(r"^(?:something|anything|someone|somewhere|somebody|help|some\s+help|a\s+hand)\b|"
                    r"^if\s+(?:that'?s|it'?s|this\s+is)\s+(?:ok(?:ay)?|fine|doable|possible|alright)\b|^if\s+possible\b|"
                    r"^(?:some|any|more|a\s+few|a\s+couple\s+of|several|further)\s+(?:[\w-]+,?\s+){0,3}?(?:ideas?|tips?|"
                    r"examples?|suggestions?|recommendations?|information|info|details?|advice|pointers?|resources?|things|stuff|"
                    r"guidance|strategies|ways|options|thoughts|insights|techniques)\b", re.I)
# Verbs that name the value the user wants ("go with X", "set it to X"): a request with one states a preference.
_VERBS = (r"go\s+with|use|pick|choose|include|add|book(?:\s+me)?|get(?:\s+me)?|look\s+at|"
          r"set(?:\s+(?:it|the\s+\w+|me\s+up))?(?:\s+(?:for|to|at|with))?|make\s+it|"
          r"keep(?:\s+it|\s+the\s+\w+)?|have\s+it|put\s+(?:it|them|\w+)\s+(?:in|on|at|for)|play|"
          r"order|remind\s+me(?!\s+(?:about|of|to|that|what|how|when|where|who|which|why|if|whether)\b)|wake\s+me(?:\s+up)?(?:\s+at)?|repeat\s+it|stay\s+with|stick\s+with|"
          r"switch\s+to|try|reserve|give\s+me|only\s+(?:book|use|show)")
# Verbs that ask the assistant to search or suggest ("find me X", "can you recommend X?"). Their object is what the
# user wants only in answer to a question about it ("Which cuisine?" "Could you find a Georgian place?"); unasked,
# it names the task ("can you recommend some resources for learning Python?"), which is no standing preference.
_SEARCH_VERBS = r"find(?:\s+me)?|look\s+for|search\s+for|recommend|suggest|show\s+me"
_SEARCH = [re.compile(p, re.I) for p in (
    r"^(?:could|can|would|will)\s+you\s+(?:please\s+)?(?:" + _SEARCH_VERBS + r")\s+(.+)",
    r"^(?:please\s+)?(?:" + _SEARCH_VERBS + r")\s+(.+)",
)]
_REQUESTS = [re.compile(p, re.I) for p in (
    r"^(?:could|can|would|will)\s+you\s+(?:please\s+)?(?:" + _VERBS + r")\s+(.+)",
    r"^(?:please\s+)?(?:" + _VERBS + r")\s+(.+)",
    r"^(?:let'?s|lets)\s+(?:do|go\s+with|try|pick|book|get|make\s+it|stick\s+with|keep|go\s+for)\s+(.+)",
    r"^i(?:'d|\s+would)\s+(?:really\s+)?(?:love|like|want|prefer|rather\s+have|go\s+with|take)\s+(?!to\s)(.+)",
    r"^i(?:'d|\s+would)\s+(?:like|love|prefer|want)\s+to\s+(?:keep|have|get|go\s+with|stay\s+(?:with|in|at)|try|use|"
    r"book|be|sit|fly|take)\s+(.+)",
    r"^i\s+(?:usually\s+|always\s+|mostly\s+|normally\s+|only\s+)?(?:listen|watch|read|stream|shop|bank|fly|travel|"
    r"pay|book)\s+(?:on|to|with|at|in|via|through|by)\s+(.+)",
    r"^i\s+(?:want|need)\s+(?!to\s|help\b|some\s+help\b|a\s+hand\b)(.+)",
    r"^i'?ll\s+(?:stick\s+with|keep|go\s+with|take|have|stay\s+with|use|pick|choose)\s+(.+)",
    r"^i(?:'ve|\s+have)\s+(?:always\s+|really\s+|mostly\s+)?(?:enjoyed|loved|liked|preferred|gone\s+for|been\s+into|"
    r"stuck\s+with|used)\s+(.+)",
    r"^i\s+need\s+to\s+be\s+(?:up|there|out)\s+(?:at|by|before)\s+(.+)",
    r"^i'?m\s+(?:craving|in\s+the\s+mood\s+for|partial\s+to|leaning\s+towards?|hoping\s+for|after)\s+(.+)",
    r"^(?:my\s+)?budget\s+(?:is|of)\s+(.+)",
    r"^(?:my\s+[\w-]+(?:\s+[\w-]+)?|it|they)\s+should\s+(?:be|go\s+off|start|repeat|run|arrive|leave|ring)\s+"
    r"(?:at|on|by|around|for|every)?\s*(.+)",
    r"^(?:nothing\s+(?=over\b|above\b|pricier\b|more\b|longer\b|bigger\b|[$€£\d])|no\s+more\s+than|not\s+more\s+than)\s*"
    r"(?:over|above|pricier\s+than|more\s+than)?\s*(.+)",
)]
_TRAILING_OK = re.compile(
    r"^(.+?),?\s+(?:if\s+(?:you\s+can|possible)|please|would\s+be\s+(?:perfect|great|ideal|best|nice|lovely)|"
    r"works?\s+(?:best\s+)?for\s+me|suits?\s+me(?:\s+best)?|is\s+(?:perfect|ideal|best|fine|what\s+i\s+(?:want|like|need))|"
    r"(?:is|are|sounds?)\s+(?:good|great)|is\s+more\s+my\s+style|for\s+sure)[.!]?$", re.I)
_NAMED_SLOT = [re.compile(p, re.I) for p in (
    r"^my\s+(?:preferred|usual|regular|go-to|ideal|default)\s+([\w -]{2,30}?)\s+(?:is|are)\s+(.+)",
    r"^(.+?)\s+(?:is|are)\s+my\s+(?:go-to|usual|regular|preferred|ideal|default)\s+([\w -]{2,30}?)[.!]?$",
    r"^(?:when\s+it\s+comes\s+to|for|as\s+for|regarding)\s+(?:the\s+|my\s+)?([\w -]{2,30}?),\s*(?:i'?d\s+go\s+with|"
    r"i\s+(?:like|prefer|want|pick|choose)|go\s+with|make\s+it|let'?s\s+do)?\s*(.+)",
)]
_NAMED_WORDS = re.compile(r"my|^(?:when|for|as|regarding)", re.I)  # what each _NAMED_SLOT pattern needs
_ACCEPT = re.compile(r"^(?:yes|yeah|yep|yup|sure|exactly|absolutely|correct|right|perfect|mm-?hm|ok(?:ay)?|"
                     r"that'?s\s+(?:right|it|the\s+one)|that\s+one|do\s+that|sounds\s+(?:good|great|right))\b", re.I)
_CHANGES = [(re.compile(p, re.I), roles) for p, roles in (
    (r"(?:switched|changed|moved(?:\s+on)?|gone|went|converted|upgraded|downgraded)\s+(?:over\s+)?from\s+"
     r"((?:up|next|close|down|due)\s+to\s+.+?|.+?)\s+to\s+(.+)", "old,new"),
    (r"not\s+(?:into\s+|a\s+fan\s+of\s+|using\s+|doing\s+)?(.+?)\s+any\s*more[,;]?\s+(?:it'?s|i'?m\s+into|i\s+prefer|"
     r"now\s+it'?s|now)\s+(.+)", "old,new"),
    (r"(?:it'?s\s+|make\s+it\s+|go\s+with\s+|use\s+)?(.+?)\s+(?:from\s+now\s+on\s+)?instead\s+of\s+(?:my\s+)?(?:usual\s+|old\s+|"
     r"regular\s+)?(.+)", "new,old"),
    (r"(.+?)\s+(?:now|these\s+days),?\s+not\s+(.+)", "new,old"),
    (r"(.+?)\s+suits?\s+me\s+better\s+than\s+(.+)", "new,old"),
    (r"changed\s+my\s+([\w -]{2,30})\s+to\s+(.+)", "slot,new"),
    (r"my\s+([\w -]{2,30}?)\s+is\s+(?:now\s+)?(.+?)\s+now\b", "slot,new"),
    (r"my\s+([\w -]{2,30}?)\s+is\s+now\s+(.+)", "slot,new"),
)]
# Every change pattern above holds one of these words: a clause with none of them skips all eight.
_CHANGE_WORDS = re.compile(r"from|any\s*more|instead|now|these\s+days|better\s+than|changed", re.I)
_NO_MORE = re.compile(r"\bno\s+more\s+(.+?)(?:\s+for\s+me)?(?:\s+because\b.*)?$", re.I)
_REVERT = re.compile(r"\b(?:scratch\s+that|never\s*mind|my\s+bad|i\s+made\s+a\s+mistake|forget\s+(?:that|it|what\s+i\s+said)|"
                     r"ignore\s+that|take\s+that\s+back|on\s+second\s+thought|wait,?\s+no)\b", re.I)
_FORGET_X = re.compile(r"\bforget\s+(?!that\b|it\b|what\b|about\b)(.+)", re.I)
_LEAD_IN = re.compile(r"^.*?(?:[:;]|\bso\b|\bupdate\b[^:]*:)\s+", re.I)
_DISCOURSE = re.compile(
    r"^(?:(?:on\s+second\s+thought|actually|hmm+|scratch\s+that|never\s*mind|i\s+made\s+a\s+mistake|by\s+the\s+way|"
    r"anyway|quick\s+update|heads\s+up|okay|ok|so|also|and|but|hello\s+there|good\s+(?:day|morning|evening)|"
    r"hi,?\s+hope\s+you'?re\s+well|long\s+story\s+short|to\s+cut\s+a\s+long\s+story\s+short|(?:no|wait|sorry|oh|well|my\s+bad|hi|hey|hello)(?=[,:!.]))[,:!.]?\s+)+",
    re.I)


# A short clause that is no answer to a question about a value: one about something already said ("They seem
# unpredictable", "Those are great ideas"), a yes/no reply ("Not yet", "Sometimes, yeah"), a turn to a new topic
# ("Speaking of which"), a statement with a verb of its own ("Work has been busy"), a rejection ("The other
# options don't suit me", which the choice rules read), or a reaction ("The library option sounds interesting").
_NOT_AN_ANSWER = re.compile(
    r"^(?:i|i'm|i've|i'd|i'll|my|we|we're|our|it|it's|its|this|that|that's|these|those|they|they're|there|there's|"
    r"he|she|you|your|not\s+(?:yet|really|sure|much|at\s+all|exactly|quite)|no(?=\s*(?:[,.!]|$))|nope|nah|yes|yeah|"
    r"yep|sometimes|never|rarely|speaking|by\s+the\s+way|lastly|finally|also|now|anyway|what|how|why|when|where|"
    r"who|which|do|does|did|can|could|would|will|is|are|(?:the\s+|all\s+the\s+)?(?:other|others|rest))\b|"
    r"\b(?:don'?t|doesn'?t|do\s+not|does\s+not|isn'?t|aren'?t|won'?t|wouldn'?t|is|are|was|were|has|have|had|"
    r"been)\b|"
    r"\b(?:sounds?|seems?|looks?|is|are|was|were|would\s+be)\s+(?:\w+\s+)?(?:interesting|intriguing|fascinating|"
    r"helpful|useful|informative|insightful|fantastic|amazing|wonderful|exciting|fun|cool|awesome|lovely|"
    r"incredible|brilliant)\b", re.I)

_TURNED_DOWN = re.compile(r"^(?:the\s+|all\s+the\s+)?(?:other|others|rest)\b|\b(?:don'?t|doesn'?t|do\s+not|does\s+not|not|"
                          r"isn'?t|aren'?t|won'?t|never)\b", re.I)

# Clauses that only manage the conversation ("scratch that", "thanks") hold no preference.
_META = re.compile(r"^(?:(?:scratch\s+that|never\s*mind|my\s+bad|sorry|i\s+made\s+a\s+mistake|forget\s+(?:that|it)|"
                   r"that'?s\s+(?:all|it)(?:\s+for\s+now)?|thanks?|thank\s+you(?:\s+so\s+much)?|cheers|great|perfect|"
                   r"awesome|appreciate\s+it|(?:much\s+)?appreciated|nice|cool|ok(?:ay)?|no|yes|sure|good|wonderful|"
                   r"hi|hello(?:\s+there)?|hey|good\s+(?:day|morning|afternoon|evening)|hope\s+you'?re\s+well|"
                   r"amazing|brilliant|lovely|fantastic|excellent|super|dunno|idk|no\s+idea|no\s+clue|not\s+sure|"
                   r"thank\s+you\s+kindly|(?:to\s+cut\s+a\s+)?long\s+story\s+short|thank\s+u(?:\s+so\s+much)?|thanks\s+so\s+much|thx|ty|tysm|ta|cheers\s+mate)[,.!]*\s*)+$|^(?:thanks|thank\s+you|many\s+thanks)\s+(?:so\s+much\s+)?for\b", re.I)


# How an assistant puts the value it proposes, when the sentence names it before or after a stock phrase: "From
# what I remember, Lebanese would probably suit you", "I think the aisle seat is the one", "Maybe the 7:40 train",
# "I'll put it down as oat milk". The lead-in up to the last comma is the assistant's talk, not the value.
_PROPOSED = [re.compile(p, re.I) for p in (
    r"^(?:.*[,;:]\s+)?(?:i\s+think\s+|i\s+reckon\s+|i\s+guess\s+)?(.+?)\s+(?:would|should|might|could|will|may)\s+"
    r"(?:probably\s+|really\s+|definitely\s+|likely\s+|also\s+)?suit\s+you\b",
    r"^(?:.*[,;:]\s+)?(?:i\s+think\s+|i\s+reckon\s+|i\s+guess\s+)?(.+?)\s+is\s+the\s+one\b",
    r"^(?:maybe|perhaps|possibly)\s+(.+)$",
    r"^(?:.*[,;:]\s+)?(?:i'?ll|i\s+will|let\s+me)\s+(?:put\s+(?:it|you)\s+down\s+(?:as|for)|note\s+(?:it\s+)?(?:down\s+)?as|"
    r"pencil\s+in|keep\s+it\s+to|stick\s+with|go\s+with|assume)\s+(.+?)(?:\s+for\s+th(?:at|is)(?:\s+part|\s+one)?)?$",
    r"^(?:i'?d|i\s+would)\s+(?:lean|go|tend)\s+towards?\s+(.+)$",
    r"^(?:want\s+me\s+to|shall\s+i|should\s+i)\s+(?:keep\s+it\s+to|stick\s+(?:to|with))\s+(.+?)(?:\s+there)?(?:\s+as\s+well)?(?:,?\s+(?:like|as)\s+(?:last\s+time|before))?$",
    r"^(?:i'?ll|i\s+will)\s+keep\s+(.+?)\s+on\s+(?:there|the\s+list)$",
)]


def _proposed_value(said: str) -> re.Match[str] | None:
    return next((m for p in _PROPOSED if (m := p.search(said))), None)


# A reply that leaves the choice to the assistant ("go with your gut", "up to you", "surprise me"): it states no
# preference, and stored as one it would crowd the profile with the words of a shrug.
_DEFERS = re.compile(
    r"^(?:(?:ok(?:ay)?|hmm+|um+|eh|honestly|tbh|idk|i\s+dunno|no\s+idea|dunno|meh|oh)[,.!\s]+)*"
    r"(?:(?:just\s+)?go\s+with\s+your\s+(?:gut|instinct|call|pick)|(?:it'?s\s+)?(?:your|ur)\s+(?:call|choice|pick)|"
    r"(?:it'?s\s+)?up\s+to\s+(?:you|u)|you\s+(?:decide|choose|pick)|surprise\s+me|dealer'?s\s+choice|"
    r"whatever\s+you\s+(?:think|reckon|like|prefer|suggest)|you\s+know\s+best|i'?m\s+easy|"
    r"(?:i\s+)?(?:don'?t|do\s+not)\s+mind(?:\s+(?:either\s+way|which|really))?|(?:i'?m\s+)?not\s+fussed|"
    r"(?:it\s+)?(?:doesn'?t|does\s+not)\s+matter(?:\s+to\s+me)?|either\s+(?:is|one\s+is|works|one\s+works)\s+fine|"
    r"any\s+(?:is|one\s+is|works)\s+fine)\b(?:\s*[,.!]|\s*$)",
    re.I)


def _value(text: str, *, max_words: int = 12) -> str | None:
    """The value in a request clause, without politeness and filler; None when nothing is left."""
    v = text.strip().strip("\"'")
    for _ in range(2):
        v = _FILLER_HEAD.sub("", v)
        v = _FILLER_TAIL.sub("", v.rstrip(" .!?,;:"))
    pronoun = _IT.match(v)
    v = _IT.sub("", v).strip(" .!?,;:-")
    if pronoun and pronoun.group(0).strip() and _DESTINATION.match(v):
        return None  # "add it to my list", "put them on my calendar": where the thing goes, not a value of the user's
    v = re.sub(r"^(?:anything|something|somewhere|one|a\s+place)\s+(?:with\s+|that\s+has\s+|that\s+does\s+|"
               r"(?=(?:in|on|at|around|under|up\s+to|below|near|over|above|less|cheaper|within)\b|[$€£\d]))", "", v, flags=re.I)
    if not v or not content_words(v) or len(v.split()) > max_words or _VAGUE.match(v):
        return None
    return v


def _tail_cut(text: str) -> str:
    """Drop the reason or aside after a value: "9:00 AM after I started a new job" -> "9:00 AM"."""
    return re.split(r"\s*[,;]\s*|\.(?:\s|$)|\s+(?:because|since|after|as|when|ever\s+since|so\s+that)\s+", text.strip(),
                    maxsplit=1)[0]


def _clauses(sentence: str) -> list[str]:
    parts = re.split(r",?\s+and\s+(?=(?:i|i'm|i'd|my|please|make|keep|set|it's)\b)|,\s+(?=(?:but\s+)?(?:i|i'm|i'd|my)\b)|"
                     r",\s+(?=please\s+\w+\s+\w)", sentence, flags=re.I)
    out: list[str] = []
    for p in (p.strip() for p in parts if p and p.strip()):
        if out and _TOPIC_LEAD.match(out[-1]):  # "When it comes to the artist, I'd go with X" is one clause
            out[-1] = f"{out[-1]}, {p}"
        else:
            out.append(p)
    return out


# A lead-in that belongs to the next clause: "When it comes to the artist, I'd go with X", "Since I moved, I ...".
_TOPIC_LEAD = re.compile(r"^(?:when\s+it\s+comes\s+to|as\s+for|regarding|for\s+the|since|because|as|when|after|"
                         r"ever\s+since|if|while|although|though|now\s+that)\b[^,]*$", re.I)


# Requests, short answers and confirmations are short; a turn longer than this is narration.
_LONG_TURN_WORDS = 25


class DialogueExtractor(HeuristicExtractor):
    """:class:`HeuristicExtractor` plus conversational preferences, session-domain routing and named changes.

    ``context_events`` asks the writer for that many earlier events of the session, so the conversation's
    topic is known when a turn does not name it.
    """

    context_events = 12

    def __init__(self, *, episodes: bool = True, min_episode_words: int = 4) -> None:
        super().__init__(episodes=episodes, min_episode_words=min_episode_words)
        self._topics: TextMemo[tuple[tuple[str, int], ...]] = TextMemo()

    def evict(self, texts: Sequence[str]) -> None:
        """Drop what was derived from ``texts`` (forgotten or redacted turns)."""
        self._topics.evict(texts)

    def extract(self, event: Event, context: Sequence[Event] = ()) -> list[Candidate]:
        if event.role != "user":
            return []
        text = event.text.strip().replace("\u2019", "'")
        session = [e for e in context if e.session_id == event.session_id] if event.session_id else list(context)
        temporary = bool(_TEMPORARY.search(text) or _ONE_OFF.search(text))
        topic = session_topic([*session, event.model_copy(update={"text": text})], self._topics)
        if len(event.text.split()) > _LONG_TURN_WORDS:
            # A long turn tells, it does not request or answer: the first-person rules read it better, and
            # its clauses read as requests would crowd the profile with passing remarks. A change told in it
            # still counts.
            told = [] if temporary else self._told_changes(text, topic)
            return _dedupe([*told, *super().extract(event, context)])
        bot = next((e.text for e in reversed(session) if e.role == "assistant"), "")
        reverted = self._reverted(text, session) if _REVERT.search(text) else None
        no_more = [_value(m.group(1), max_words=6) for m in _NO_MORE.finditer(text)] if not temporary else []
        # A first-person reason is a second statement ("I dislike X because I'm not into Y"): read on its own, as
        # the first-person rules read it, so the rule that matches the reason does not take the main clause's place.
        clauses = [_DISCOURSE.sub("", c) or c for s in split_sentences(text) for part in _clauses(s)
                   for c in split_clauses(part)]
        out: list[Candidate] = []
        own = text  # the user's own words, without an agreement they open with
        accepted = 0  # candidates that came from the assistant's words, taken up by an agreement
        for clause in clauses:
            agreed = assent(clause) if bot else None
            if bot and (agreed is not None or picked(clause, bot)):
                cand = self._accepted(clause, None, topic, bot)  # the turn it answers says what it accepts
                if cand is not None:
                    out.append(_as_temporary(cand) if temporary else cand)
                    accepted += 1
                if agreed is None or not agreed.rest:
                    own = own.replace(clause, "", 1)
                    continue
                own = own.replace(clause, agreed.rest, 1)
                clause = agreed.rest  # "mm, sure. my sister swears by the night train" goes on to tell more
            if _DEFERS.match(clause):
                own = own.replace(clause, "", 1)
                continue
            if _META.match(clause) or (no_more and _NO_MORE.search(clause)):
                continue
            cand = None if temporary else self._change(clause, topic)
            cand = cand or self._named(clause, topic)
            if cand is None:
                cand = self._match(clause, session)
                if cand is not None and (cand.subject or "").startswith("choice:") and len(listed_options(bot)) < 2:
                    cand = self._request(clause, None, topic, bot) or cand  # "I'd go with X" with no list offered
            cand = cand or self._request(clause, None, topic, bot)
            if cand is None:
                continue
            if cand.kind != MemoryKind.INSTRUCTION and not (cand.subject or "").startswith("want:"):
                cand = cand.model_copy(update={"domain": route_domain(clause, topic, cand.domain)})  # routed in _facet
            if temporary and cand.action == "remember" and cand.kind != MemoryKind.INSTRUCTION:
                cand = _as_temporary(cand)
            out.append(cand)
        if not temporary and not any(c.metadata.get("replaces") or c.metadata.get("changed") for c in out):
            out += self._told_changes(text, topic)
        # Statements read by the first-person rules are weighed as in a long turn (how firmly said, the reason a
        # choice turned the others down); requests keep their own weight.
        said = [i for i, c in enumerate(out) if not (c.subject or "").startswith("want:")]
        for i, c in zip(said, _weigh([out[i] for i in said], split_sentences(text)), strict=True):
            out[i] = c
        out = name_slots(out, asked_slots(bot))
        old = reverted or next((v for v in no_more if v), None)
        if old:
            out = self._attach_replaced(out, old, text, topic)
        if len(out) == accepted and self.episodes and content_words(own):
            # Nothing read from the user's own words (an agreement may have taken up the assistant's): what
            # they told is kept as said.
            for c in super().extract(event.model_copy(update={"text": own.strip(" ,.;")}), session):
                if temporary and not c.temporary and c.action == "remember" and c.kind != MemoryKind.INSTRUCTION:
                    c = _as_temporary(c)
                out.append(c.model_copy(update={"domain": route_domain(text, topic, c.domain)}))
        return _dedupe(_recase(out, session))

    # -- candidates -------------------------------------------------------------------------------------
    def _facet(self, value: str, slot: str | None, topic: Counter[str], clause: str, *, importance: float = 0.6,
               **meta: str) -> Candidate:
        # The reason given for a change ("after my company now pays for first class") says nothing of the domain.
        domain = route_domain(re.split(r"\s+(?:because|since|after|ever\s+since|so\s+that|now\s+that)\s+", clause, maxsplit=1)[0],
                        topic, None)
        label = (domain or "user").replace("_", " ").capitalize()
        text = f"{label} {slot}: {value}" if slot else f"{label} preference: {value}"
        metadata = {k: v for k, v in {"slot": slot, **meta}.items() if v}
        return Candidate(kind=MemoryKind.PREFERENCE, text=text, subject=f"want:{domain or 'general'}:{subject_key(value, 4)}",
                         value=value, domain=domain, polarity=1, importance=importance, evidence=clause,
                         metadata=metadata)

    def _request(self, clause: str, slot: str | None, topic: Counter[str], bot: str) -> Candidate | None:
        if (_ACCEPT.match(clause) and len(clause.split()) <= 5) or is_assent(clause):
            return self._accepted(clause, slot, topic, bot) if bot else None
        wants_value = asks_value(bot)
        for pattern in (*_REQUESTS, *_SEARCH, _TRAILING_OK):
            m = pattern.search(clause)
            if m:
                v = _value(m.group(1)) if wants_value or pattern not in _SEARCH else None
                if pattern is _TRAILING_OK and v and _TURNED_DOWN.search(v):
                    v = None  # "The remaining ones don't really work for me" turns the options down; it names no value
                if v and _DESTINATION.match(v) and _FILING.search(clause):
                    v = None  # "put it on my calendar": where it goes
                return self._facet(v, slot, topic, clause) if v else None
        if not wants_value:
            return None
        stated = re.match(r"^i(?:'m|\s+am)\s+(.{2,40}?)[.!]?$", clause, re.I)
        if stated and len(stated.group(1).split()) <= 4:  # "Any dietary needs?" "I am no shellfish."
            v = _value(stated.group(1))
            return self._facet(v, slot, topic, clause) if v else None
        if len(clause.split()) <= 10 and not _META.match(clause) and not clause.rstrip().endswith("?") \
                and not _NOT_AN_ANSWER.search(clause):
            # a short answer to the assistant's question
            v = _value(clause)
            if v:
                return self._facet(v, slot, topic, clause)
        return None

    def _accepted(self, clause: str, slot: str | None, topic: Counter[str], bot: str) -> Candidate | None:
        """What a bare yes (or "the middle one") to the assistant's turn accepts: the option picked, a change the
        assistant proposed ("I could switch you to Y instead of X"), or its proposal; None when it proposed
        nothing one reply can take up, or only a one-off."""
        option = picked(clause, bot)
        if option:
            value = _value(option, max_words=16)
            return self._facet(value, slot, topic, clause) if value else None
        agreed = assent(clause)
        if agreed is not None and not agreed.accepts(asked(bot)):
            return None  # "Great, thanks!" to "I'll keep that in mind." closes, it accepts nothing
        if len(alternatives(bot)) >= 2 and not (PROPOSAL.search(bot) or OFFER.search(bot)):
            return None  # "Sounds great!" to a list of options picks none of them
        said = proposal(bot)
        if said is None or _TEMPORARY.search(said) or _ONE_OFF.search(said):
            return None
        last = question(bot)
        if last and not asks_value(bot) and said.strip(" ?.!") in last:
            return None  # "Would you like some tips?" "Yes, I'd love some": an offer of more names no preference
        change = change_in(proposal_window(bot), proposed=True)
        if change is not None:
            return self._changed(change.new, change.old, topic, f"{bot} {clause}")
        named = _proposed_value(said) or PROPOSAL.search(said + "?") or OFFER.search(said)
        value = _value(named.group(1), max_words=16) if named else None
        if value:
            return self._facet(value, slot, topic, clause)
        # The assistant's own words, as it proposed them: no rule here knows which of them is the value.
        cand = self._facet(said, slot, topic, said, importance=0.55, accepted="assistant")
        return cand.model_copy(update={"text": cand.text.replace(" preference: ", " preference (agreed): ", 1)})

    def _changed(self, new: str, old: str | None, topic: Counter[str], clause: str) -> Candidate | None:
        """A change read by :func:`~memagent.graph.exchange.change_in`: the new value, replacing the old one
        when it was named."""
        value = _value(new, max_words=8)
        if not value:
            return None
        before = _value(old, max_words=8) if old else None
        if before and before.lower() != value.lower():
            cand = self._facet(f"{value} (changed from {before})", None, topic, clause, importance=0.75, replaces=before)
        else:
            cand = self._facet(f"{value} (changed)", None, topic, clause, importance=0.75, changed="1")
        return cand.model_copy(update={"value": value, "subject": f"want:{cand.domain or 'general'}:{subject_key(value, 4)}"})

    def _named(self, clause: str, topic: Counter[str]) -> Candidate | None:
        """A value with its slot named by the user: "my preferred seat is X", "X is my go-to airline"."""
        if not _NAMED_WORDS.search(clause):
            return None
        for pattern in _NAMED_SLOT:
            m = pattern.search(clause)
            if m:
                named, value = (m.group(2), m.group(1)) if pattern is _NAMED_SLOT[1] else (m.group(1), m.group(2))
                v = _value(value)
                if v and content_words(named):
                    return self._facet(v, named.strip().lower(), topic, clause, importance=0.7)
        return None

    def _change(self, clause: str, topic: Counter[str]) -> Candidate | None:
        if not _CHANGE_WORDS.search(clause):
            return None
        for pattern, roles in _CHANGES:
            m = pattern.search(clause)
            if not m:
                continue
            got = dict(zip(roles.split(","), m.groups(), strict=True))
            new = _value(_tail_cut(_LEAD_IN.sub("", got["new"]).rsplit(",", 1)[-1]), max_words=8)
            if not new:
                continue
            if "old" in got:
                old = _value(_tail_cut(_LEAD_IN.sub("", got["old"])), max_words=6)
                if old and old.lower() != new.lower():
                    cand = self._facet(f"{new} (changed from {old})", None, topic, clause, importance=0.75, replaces=old)
                    return cand.model_copy(update={"value": new, "subject": f"want:{cand.domain or 'general'}:{subject_key(new, 4)}"})
            else:
                slot = got["slot"].strip().lower()
                cand = self._facet(f"{new} (changed)", slot, topic, clause, importance=0.75, replaces_slot=slot,
                                   replaces_type=value_type(new) or "")
                return cand.model_copy(update={"value": new, "subject": f"want:{cand.domain or 'general'}:{subject_key(new, 4)}"})
        return None

    def _told_changes(self, text: str, topic: Counter[str]) -> list[Candidate]:
        """Changes told in ordinary words ("I used to be all about X but these days it's Y"), read a sentence
        at a time (the clause split would cut the old value from the new)."""
        out = []
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            change = change_in(sentence)
            cand = self._changed(change.new, change.old, topic, sentence) if change is not None else None
            if cand is not None:
                out.append(cand)
        return out

    def _reverted(self, text: str, session: Sequence[Event]) -> str | None:
        """What a "scratch that" takes back: the value named after "forget", else the previous request's value."""
        named = _FORGET_X.search(text)
        if named:
            value = _value(re.split(r"[.!?;]", named.group(1))[0], max_words=6)
            if value:
                return value
        prev = next((e.text for e in reversed(session) if e.role == "user"), "")
        for clause in (_DISCOURSE.sub("", c) or c for s in split_sentences(prev) for c in _clauses(s)):
            cand = self._change(clause, Counter()) or self._request(clause, None, Counter(), "")
            if cand is not None and cand.value:
                return cand.value
        return None

    def _attach_replaced(self, out: list[Candidate], old: str, text: str, topic: Counter[str]) -> list[Candidate]:
        """A turn that takes a value back: its new value replaces it, or it is retracted outright."""
        for i, c in enumerate(out):
            if c.kind == MemoryKind.PREFERENCE and c.action == "remember" and not c.temporary and \
                    (c.value or "").lower() != old.lower() and "replaces" not in c.metadata:
                out[i] = c.model_copy(update={"metadata": {**c.metadata, "replaces": old}})
                return out
        retract = self._facet(f"not {old} (taken back)", None, topic, text, importance=0.5, replaces=old)
        return [*out, retract.model_copy(update={"polarity": -1, "value": f"not {old}"})]


def _recase(out: list[Candidate], session: Sequence[Event]) -> list[Candidate]:
    """Names said in lower case ("pc instead", "xbox?") written as the session wrote them ("PC", "Xbox"), so a
    change to one is read as a change of name (:mod:`memagent.graph.unnamed`)."""
    lower = [c for c in out if c.value and c.kind == MemoryKind.PREFERENCE and not any(ch.isupper() for ch in c.value)]
    names = known_names([e.text for e in session]) if lower else {}
    if not names:
        return out
    fixed = {id(c): c.model_copy(update={"value": (v := recased(c.value or "", names)),
                                         "text": c.text.replace(c.value or "", v)}) for c in lower}
    return [fixed.get(id(c), c) for c in out]

