"""Offline extraction of memories from a user's turn, with first-person patterns (no LLM).

Recognises, clause by clause: requests to forget; standing instructions ("from now on...", "whenever I...");
retractions and changes of mind ("I no longer...", "I don't ... anymore", "I quit..."); diets, allergies and
other constraints; likes, dislikes, preferences, habits and favourites; facts ("my X is Y", where the user
lives or works); choices among options the assistant offered; one-off overrides ("just for tomorrow...").
A turn with none of these but some content becomes an episode, so nothing said is unreachable.

Every candidate gets a subject key. Single-valued subjects (``diet``, ``home_city``, ``favorite:<x>``,
``prefer:<x>``) are superseded by a new value; per-value subjects (``likes:<x>``) coexist and flip polarity.

Turning the user's words into a stored statement (clauses, third person, keys) is in ``graph/phrasing.py``;
reading the options an assistant offered and the one the user picked is in ``graph/options.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from memagent._gate import GatedPattern, gated
from memagent._lexical import content_words, stem
from memagent.graph.candidates import Candidate
from memagent.graph.domains import primary_domain
from memagent.graph.options import picked_option
from memagent.graph.phrasing import (
    CLAUSE_BREAK,
    about_user,
    clean_phrase,
    head_noun,
    split_clauses,
    split_sentences,
    subject_key,
    third_person,
    third_person_verb,
    verb_subject,
)
from memagent.types import CHOICE_LEAD, Event, MemoryKind

__all__ = ["HeuristicExtractor", "third_person"]

_ADV = r"(?:(?:really|absolutely|truly|just|do|also|only|definitely|totally|strictly|generally|usually|always|" \
       r"typically|mostly|much|strongly|actually|now|still|very|quite|personally|tend\s+to|try\s+to|[a-z]+ly)\s+)*"
_I = r"(?:^|(?<=[\s,;:(\"“]))i(?:\s+|(?='))"
_IM = r"(?:^|(?<=[\s,;:(\"“]))(?:i'm|i\s+am|im)\s+"
# "I have a strong aversion to ...", "I have a deep appreciation for ...": a stance named by a noun.
_INTENSE = (r"(?:(?:strong|deep|deep-seated|deep-rooted|profound|irrational|firm|extreme|intense|real|genuine|huge|big|"
            r"great|particular|serious|severe|lifelong|"
            r"ethical|moral|personal|general|definite|absolute|clear|natural|strict|slight|growing|long-standing)\s+)*")
_NEG_NOUN = r"(?:aversion|dislike|distaste|hatred|phobia|fear|objection|opposition|disdain|contempt|antipathy|bias|intolerance)"
_POS_NOUN = (r"(?:preference|love|passion|interest|appreciation|affinity|fondness|soft\s+spot|weakness|penchant|liking|"
             r"enthusiasm|commitment|devotion|admiration)")
_BAD = (r"(?:boring|tedious|dull|distracting|ineffective|unsettling|disorienting|overwhelming|confusing|annoying|"
        r"uncomfortable|stressful|demotivating|childish|unbearable|off-putting|unappealing|disturbing|frustrating|"
        r"exhausting|draining|pointless|useless|unpleasant|irritating|predictable|difficult|hard|challenging|"
        r"intimidating|creepy|gross|cheesy|repetitive|shallow|vapid|overrated|distressing|restrictive|unsafe|"
        r"exploitative|unethical|stifling|isolating)")
_GOOD = (r"(?:relaxing|helpful|useful|engaging|enjoyable|inspiring|fascinating|motivating|effective|calming|rewarding|"
         r"energizing|energising|soothing|fun|comforting|satisfying|refreshing|therapeutic|easier|better|more\s+\w+)")

_TEMPORARY = re.compile(
    r"\b(?:just|only)\s+(?:for\s+)?(?:today|tonight|tomorrow|this\s+(?:time|once|week|weekend|trip|morning|evening))\b|"
    r"\bjust\s+this\s+once\b|\bfor\s+this\s+(?:one\s+)?(?:trip|time|occasion)\s+only\b|\bthis\s+time\s+only\b|"
    r"\bexception\s+(?:today|tomorrow|this)\b",
    re.I,
)

@dataclass(frozen=True)
class _Rule:
    pattern: GatedPattern
    build: str  # name of the builder method


_DIETS = r"vegetarian|vegan|pescatarian|pescetarian|keto|paleo|omnivore|flexitarian|carnivore"
_CONSTRAINTS = r"gluten[- ]free|lactose[- ]intolerant|dairy[- ]free|nut[- ]free|kosher|halal|celiac|coeliac|diabetic|sober"


def _rx(p: str) -> GatedPattern:
    return gated(re.compile(p, re.I))  # most clauses match none of the rules: skip those they cannot match


# What a request for the task at hand needs ("I need an alternative nearby", "I need a couple of things for the
# flat"): no lasting need of the user's, and at its importance it would lead every later recall.
_TASK_NEEDS = frozenset(content_words("alternative alternatives couple few things something anything help advice "
                                      "ideas suggestions recommendation recommendations hand favour favor minute moment "
                                      "quick update"))


# An object that only points at something said ("forget that", "miss it", "go for it", "overthink this part"):
# the user's words hold no value a later request could use.
_DEICTIC = re.compile(r"^(?:[a-z'-]+\s+)?(?:(?:for|on|about|with|to|at|in|of|up|out|over|into)\s+)?(?:it|that|this|them|"
                      r"these|those|one|ones|(?:this|that|these|those|the\s+same)\s+(?:one|ones|part|bit|thing|things|"
                      r"stuff|way|time|kind\s+of\s+thing))(?:\s+(?:again|too|either|anymore|any\s+more))?$", re.I)


class HeuristicExtractor:
    """Rule-based extraction. Deterministic, instant, offline; recall-oriented on first-person statements.

    Args:
        episodes: store a turn with no recognised memory as an episode (so it stays searchable).
        min_episode_words: content words a turn needs to become an episode.
    """

    def __init__(self, *, episodes: bool = True, min_episode_words: int = 4) -> None:
        self.episodes = episodes
        self.min_episode_words = min_episode_words
        # Order matters: the first rule that matches a clause wins.
        self._rules: list[_Rule] = [
            _Rule(_rx(r"^(?:please\s+|can\s+you\s+|could\s+you\s+)?(?:forget|stop\s+remembering|don'?t\s+remember|"
                      r"do\s+not\s+remember|erase|delete)\s+(?:that\s+|about\s+|the\s+fact\s+that\s+|"
                      r"what\s+i\s+(?:said|told\s+you)\s+about\s+|everything\s+about\s+|anything\s+about\s+)?(.+)"),
                  "forget"),
            _Rule(_rx(r"^(?:from\s+now\s+on|going\s+forward|in\s+(?:the\s+)?future|henceforth|moving\s+forward)[,:]?\s+(.+)"),
                  "instruction"),
            # "Whenever I fly, book an aisle seat" asks something of the assistant; "whenever I hear this jam, I
            # dance" tells a story: after the comma, a first-person clause is a rule only when it states a want.
            _Rule(_rx(r"^(?:whenever|every\s+time|each\s+time|anytime|any\s+time)\s+(.+?),\s*"
                      r"(?!(?:i|i'm|i'd|i've|i'll|we|we're|my|it|it's|that|this|there|they|he|she)\b(?!\s*(?:'d\s+)?"
                      r"(?:prefer|want|like|need|would\s+like|'d\s+like|'d\s+prefer)\b))(\S+\s+\S.*)"), "instruction"),
            _Rule(_rx(r"^(?:when|if)\s+(?:i\s+|i'm\s+|i\s+am\s+)(.+?),\s*(?:please\s+)?((?:always|never|only|make\s+sure|"
                      r"remember|use|book|get|choose|pick|find|look|check|search|set|i\s+(?:prefer|want|like|need|"
                      r"would\s+like|'d\s+like)|i'd\s+(?:prefer|like)).*)"), "instruction"),
            _Rule(_rx(r"^(?:please\s+)?(?:always|never|remember\s+to|make\s+sure\s+(?:to|you)|don'?t\s+ever|do\s+not\s+ever)\s+(.+)"),
                  "instruction"),
            _Rule(_rx(_IM + r"(?:no\s+longer|not)\s+(?:a\s+|an\s+)?(" + _DIETS + r"|" + _CONSTRAINTS + r")\b"), "retract_diet"),
            _Rule(_rx(_IM + r"(?:now\s+|a\s+|an\s+|strictly\s+|mostly\s+|fully\s+|officially\s+|trying\s+to\s+be\s+|avid\s+|"
                      r"committed\s+|devoted\s+|lifelong\s+|practi[cs]ing\s+|proud\s+|ethical\s+|strict\s+)*("
                      + _DIETS + r")\b"), "diet"),
            _Rule(_rx(_I + r"(?:have\s+|'ve\s+)?(?:just\s+|recently\s+|now\s+)?(?:went|gone|became|become|turned|switched\s+to(?:\s+being)?|"
                      r"started\s+being|decided\s+to\s+(?:go|be))\s+(?:a\s+|an\s+)?(" + _DIETS + r")\b"), "diet"),
            _Rule(_rx(_IM + r"(?:now\s+|strictly\s+|also\s+)*(" + _CONSTRAINTS + r")\b"), "constraint"),
            _Rule(_rx(_IM + r"(?:severely\s+|very\s+|highly\s+|deathly\s+|mildly\s+|slightly\s+)?(?:allergic|intolerant)\s+to\s+(.+)"),
                  "allergy"),
            _Rule(_rx(_I + r"(?:have|suffer\s+from|'ve\s+got)\s+(?:a\s+|an\s+)?(?:severe\s+|mild\s+|serious\s+|bad\s+)?"
                      r"([\w -]+?)\s+(?:allergy|allergies|intolerance|sensitivity)\b"), "allergy"),
            _Rule(_rx(_I + r"(?:no\s+longer|don'?t|do\s+not|never)\s+(\w+)\s+(.+?)\s+(?:anymore|any\s+more|these\s+days|nowadays)\b"),
                  "retract_verb"),
            _Rule(_rx(_I + r"no\s+longer\s+(\w+)\s+(.+)"), "retract_verb"),
            _Rule(_rx(_I + r"(?:have\s+|'ve\s+)?(?:stopped|quit|gave\s+up|given\s+up)\s+(.+)"), "retract_habit"),
            _Rule(_rx(_I + r"used\s+to\s+(love|like|enjoy|eat|drink|play|watch|listen\s+to|read|use|prefer)\s+(.+)"), "retract_verb"),
            _Rule(_rx(r"^(?:i\s+)?(?:have\s+|'ve\s+)?changed\s+my\s+mind[,:]?\s*(?:about\s+.+?[,:]\s*)?(.*)"), "change_mind"),
            _Rule(_rx(r"\bmy\s+(?:all[- ]time\s+|absolute\s+|new\s+)?favou?rite\s+([\w -]{1,30}?)\s+(?:is|are|was|has\s+become|"
                      r"is\s+now)\s+(.+)"), "favorite"),
            _Rule(_rx(_I + _ADV + r"(?:follow|adhere\s+to|stick\s+to|keep|maintain|observe|have|eat)\s+(?:a\s+|an\s+)?((?:[\w,-]+\s+){1,4}?)"
                      r"(?:diet|regimen|eating\s+plan)\b"), "follow_diet"),
            _Rule(_rx(_IM + _ADV + r"on\s+(?:a\s+|an\s+)?((?:[\w-]+\s+){1,4}?)(?:diet|regimen|eating\s+plan)\b"), "follow_diet"),
            _Rule(_rx(_I + _ADV + r"(?:have|'ve\s+got|feel)\s+(?:a\s+|an\s+)?" + _INTENSE + _NEG_NOUN
                      + r"\s+(?:to|for|of|towards?|against|with)\s+(.+)"), "stance_neg"),
            _Rule(_rx(_I + _ADV + r"(?:have|'ve\s+got|feel)\s+(?:a\s+|an\s+)?" + _INTENSE + _POS_NOUN
                      + r"\s+(?:to|for|of|in|towards?|with)\s+(.+)"), "stance_pos"),
            _Rule(_rx(_I + r"have\s+(?:absolutely\s+|zero\s+)?no\s+(?:interest|desire|patience|time|tolerance|appetite|wish|love)\s+"
                      r"(?:in|for|to)\s+(.+)"), "stance_neg"),
            _Rule(_rx(_I + _ADV + r"(?:refuse\s+to|would\s+never|will\s+never|despise|abhor|can'?t\s+bear|object\s+to|shun|"
                      r"(?:don'?t|do\s+not|never)\s+(?:eat|drink|use|buy|wear|watch|read|listen\s+to|play|attend|visit|fly|"
                      r"drive|go\s+to|own|stay\s+(?:at|in)|support|participate\s+in|engage\s+(?:in|with)))\s+(.+)"), "stance_neg"),
            _Rule(_rx(_IM + _ADV + r"(?:against|opposed\s+to|averse\s+to|wary\s+of|uncomfortable\s+with|not\s+comfortable\s+with|"
                      r"not\s+(?:too\s+|very\s+|really\s+|that\s+|particularly\s+)(?:keen\s+on|fond\s+of|into|a\s+fan\s+of|"
                      r"big\s+on|interested\s+in)|(?:very\s+|extremely\s+|highly\s+|quite\s+)?sensitive\s+to|afraid\s+of|"
                      r"scared\s+of|terrified\s+of|tired\s+of|sick\s+of)\s+(.+)"), "stance_neg"),
            _Rule(_rx(_I + r"(?:have|suffer\s+from|live\s+with|'ve\s+got)\s+(?:a\s+|an\s+)?((?:[\w-]+\s+){0,3}?(?:disease|condition|"
                      r"disorder|syndrome|anxiety|issues|problems|asthma|diabetes|arthritis|migraines?|sensitive\s+\w+|"
                      r"tolerance\s+for|limitations?|injury|injuries)\b.*)"), "stance_neg"),
            _Rule(_rx(_I + _ADV + r"(?:get|feel|become)\s+(?:very\s+|extremely\s+|really\s+|quite\s+|easily\s+|a\s+bit\s+)?"
                      r"(?:uncomfortable|anxious|nervous|claustrophobic|seasick|carsick|motion\s+sick|overwhelmed|queasy|"
                      r"dizzy|stressed)\s+(.+)"), "stance_neg"),
            _Rule(_rx(_I + _ADV + r"(?:don'?t|do\s+not)\s+(?:want\s+to|trust|care\s+for|believe\s+in|approve\s+of)\s+(.+)"),
                  "stance_neg"),
            _Rule(_rx(_IM + _ADV + r"(?:uninterested\s+in|disinterested\s+in|not\s+interested\s+in)\s+(.+)"), "stance_neg"),
            _Rule(_rx(_IM + _ADV + r"(?:fascinated\s+by|drawn\s+to|(?:a\s+)?(?:strong\s+|big\s+)?(?:advocate|supporter|believer)\s+"
                      r"(?:for|of|in))\s+(.+)"), "stance_pos"),
            _Rule(_rx(r"^(.+?)\s+(?:don'?t|doesn'?t|do\s+not|does\s+not|never)\s+(?:really\s+)?(?:interest|appeal\s+to|suit)\s+me\b"),
                  "stance_neg"),
            # In passing: "As someone who avoids caffeine, ..."; a request that carries a constraint ("ideas
            # that don't involve heights").
            _Rule(_rx(r"\bas\s+(?:someone|somebody|a\s+person|one)\s+who\s+(.+?)(?:,|$)"), "someone_who"),
            _Rule(_rx(r"\b(?:that|which|who|where)\s+(?:don'?t|doesn'?t|do\s+not|does\s+not|won'?t|wouldn'?t)\s+((?:involve|require|"
                      r"include|use|contain|rely\s+on|need)\s+.+)"), "request_constraint"),
            _Rule(_rx(_I + r"(?:[a-z]+ly\s+)?(?:only|exclusively|solely)\s+(?!have\b|had\b|need\b|got\b|know\b|just\b)(.+)"),
                  "stance_pos"),
            _Rule(_rx(_I + _ADV + r"(?:learn|work|study|sleep|focus|concentrate|think|function|perform|train|relax|unwind)\s+"
                      r"best\s+(.+)"), "stance_pos"),
            _Rule(_rx(_I + _ADV + r"(?:believe\s+in|swear\s+by|care\s+(?:deeply\s+|a\s+lot\s+)?about|prioriti[sz]e|insist\s+on|"
                      r"require)\s+(.+)"), "stance_pos"),
            _Rule(_rx(_I + _ADV + r"find\s+(.+?)\s+(?:to\s+be\s+)?(?:too\s+|very\s+|really\s+|quite\s+|extremely\s+|so\s+|rather\s+|"
                      r"a\s+bit\s+|incredibly\s+|pretty\s+)?" + _BAD + r"\b"), "stance_neg"),
            _Rule(_rx(_I + _ADV + r"find\s+(.+?)\s+(?:to\s+be\s+)?(?:very\s+|really\s+|quite\s+|extremely\s+|so\s+|incredibly\s+|"
                      r"pretty\s+)?" + _GOOD + r"\b"), "stance_pos"),
            _Rule(_rx(_I + _ADV + r"(can'?t\s+stand|cannot\s+stand|hate|dislike|detest|loathe|don'?t\s+like|do\s+not\s+like|"
                      r"don'?t\s+enjoy|do\s+not\s+enjoy|don'?t\s+care\s+for|avoid|steer\s+clear\s+of|prefer\s+not\s+to|"
                      r"would\s+rather\s+not|'d\s+rather\s+not|can'?t\s+(?:eat|have|drink|tolerate|handle)|cannot\s+"
                      r"(?:eat|have|drink|tolerate|handle)|never\s+(?:eat|drink|use|buy|wear|watch|read|fly|drive|go))\s+(.+)"),
                  "dislike"),
            _Rule(_rx(_IM + _ADV + r"(?:not\s+(?:a\s+(?:big\s+|huge\s+)?fan\s+of|into|keen\s+on|interested\s+in))\s+(.+)"), "dislike_im"),
            _Rule(_rx(_I + _ADV + r"(prefer|'d\s+prefer|would\s+prefer|'d\s+rather|would\s+rather|favou?r|opt\s+for|"
                      r"go\s+for|stick\s+(?:to|with)|lean\s+towards?|gravitate\s+towards?|like\s+to\s+have|"
                      r"look\s+for|seek\s+out|choose|want\s+only|only\s+want|only\s+use|only\s+eat|only\s+buy|"
                      r"only\s+drink|only\s+wear)\s+(.+)"), "prefer"),
            # "I need a car with three rows of seats" is a requirement; "I need some ideas" is a request.
            _Rule(_rx(_I + _ADV + r"need\s+(?!to\b|help\b|some\b|any\b|advice\b|ideas?\b|suggestions?\b|recommendations?\b|"
                      r"tips?\b|info(?:rmation)?\b|something\b|more\b|a\s+(?:recommendation|suggestion|hand|break|minute|"
                      r"moment|few|little|bit|way|plan|list)\b|your\b|you\b)(.+)"), "need"),
            _Rule(_rx(_I + _ADV + r"(love|like|enjoy|adore|appreciate|fancy|value|cherish|relish|crave)\s+(.+)"), "like"),
            _Rule(_rx(_IM + _ADV + r"(?:a\s+(?:big\s+|huge\s+|massive\s+)?fan\s+of|into|passionate\s+about|obsessed\s+with|"
                      r"fond\s+of|keen\s+on|crazy\s+about|big\s+on|interested\s+in)\s+(.+)"), "like_im"),
            _Rule(_rx(_I + r"(?:usually|always|often|typically|normally|generally|regularly|mostly|tend\s+to|like\s+to|"
                      r"love\s+to|try\s+to|make\s+a\s+point\s+to)\s+(.+)"), "habit"),
            _Rule(_rx(_I + r"(?:now\s+|currently\s+|still\s+)?(?:live|am\s+living|'m\s+living|reside|am\s+based|'m\s+based|"
                      r"am\s+staying|'m\s+staying)\s+in\s+(.+)"), "home"),
            _Rule(_rx(_I + r"(?:have\s+|'ve\s+)?(?:just\s+|recently\s+|finally\s+)?(?:moved|relocated)\s+(?:to|into)\s+(.+)"), "home"),
            _Rule(_rx(_IM + r"(?:originally\s+)?from\s+(.+)"), "hometown"),
            _Rule(_rx(_I + r"(?:now\s+|currently\s+)?work\s+(?:as)\s+(?:a\s+|an\s+)?(.+)"), "job"),
            _Rule(_rx(_I + r"(?:now\s+|currently\s+)?work\s+(?:at|for)\s+(.+)"), "employer"),
            _Rule(_rx(_IM + r"(?:now\s+)?(?:a|an)\s+((?:[\w-]+\s+){0,3}(?:engineer|developer|teacher|nurse|doctor|"
                      r"student|designer|manager|writer|chef|lawyer|scientist|artist|accountant|consultant|researcher|"
                      r"programmer|professor|librarian|photographer|musician|pilot|farmer|architect|analyst|"
                      r"entrepreneur|retiree|mechanic|therapist|pharmacist|journalist|editor|barista|salesperson))\b"), "job"),
            _Rule(_rx(r"\bmy\s+name\s+is\s+([\w'-]+(?:\s+[A-Z][\w'-]+)?)|\bcall\s+me\s+([\w'-]+)"), "name"),
            _Rule(_rx(_IM + r"(\d{1,3})\s*(?:years?\s+old|yo|y/o)\b"), "age"),
            _Rule(_rx(r"\bmy\s+((?:[\w'-]+\s+){0,3}?[\w'-]+)\s+(?:is|are)\s+(?!a\s+bit|so\b|very\b|really\b|not\b)(.+)"), "my_x"),
            # Described in passing: "... in my van, which seats seven and has a roof box".
            _Rule(_rx(r"\bmy\s+((?:[\w'-]+\s+){0,2}?[\w'-]+),?\s+which\s+(has|have|is|are|holds|seats|fits)\s+(.+)"),
                  "my_x_which"),
            _Rule(_rx(_I + r"(?:have|own|'ve\s+got)\s+((?:a|an|two|three|four|\d+)\s+(?:[\w-]+\s+){0,2}(?:dog|dogs|cat|cats|"
                      r"kid|kids|child|children|son|sons|daughter|daughters|husband|wife|partner|boyfriend|girlfriend|"
                      r"car|bike|house|apartment|puppy|kitten|parrot|rabbit|baby|twins))\b"), "has"),
            _Rule(_rx(r"(?:sounds?\s+(?:good|great|perfect|best)|i'?ll\s+(?:go\s+with|take|choose|pick|try)|"
                      r"i'?d\s+(?:choose|pick|go\s+with|take)|let'?s\s+(?:go\s+with|go\s+for|do|try)|works?\s+(?:best\s+)?for\s+me|"
                      r"(?:is|are)\s+(?:more\s+)?my\s+(?:style|thing|kind\s+of)|is\s+the\s+one\s+for\s+me)"), "choice"),
            # Evaluating one of the offered options ("the camper van would suit us", "option 3
            # sounds more appealing"): a choice only when the previous assistant turn listed options.
            _Rule(_rx(r"(?:would\s+be|\bis|\bare|seems?|sounds?|looks?)\s+(?:like\s+)?(?:the\s+|a\s+|an\s+|my\s+)?"
                      r"(?:(?:nice|safe|really|very|much|lot\s+of)[,\s]+){0,2}(?:(?:most|more)\s+\w+|best|ideal|perfect|right|better|safer|"
                      r"great|good|top|safest|smartest|enjoyable|suitable|appealing|interesting|intriguing|fun|exciting|"
                      r"amazing|lovely|promising|inviting|relaxing|wonderful)\b|\bis\s+the\s+way\s+to\s+go\b|"
                      r"\b(?:appeals?|suits?)\s+(?:to\s+)?me\b|\bi'?(?:m|\s+am)\s+leaning\s+towards?|"
                      r"\bi'?(?:ll|d|\s+will|\s+would)\s+(?:go\s+for|opt\s+for|prefer)\b|\b(?:option|number)\s+(?:\d|one|two|"
                      r"three|four|five)\b"), "choice_eval"),
            _Rule(_rx(r"^(.+?)\s+(?:is|are)\s+(?:a\s+must|essential|non-negotiable|very\s+important|really\s+important|"
                      r"important|a\s+priority|a\s+deal[- ]?breaker)\s+(?:for|to)\s+me\b"), "must"),
        ]

    # -- public -----------------------------------------------------------------------------------------
    def extract(self, event: Event, context: Sequence[Event] = ()) -> list[Candidate]:
        """Candidates from one event. Only user turns yield memories; ``context`` is the recent conversation."""
        if event.role != "user":
            return []
        text = event.text.strip().replace("\u2019", "'")  # typographic apostrophes ("don’t") read as plain ones
        out: list[Candidate] = []
        temporary = bool(_TEMPORARY.search(text))
        for clause in (c for sentence in split_sentences(text) for c in split_clauses(sentence)):
            cand = self._match(clause, context)
            if cand is not None:
                if temporary and cand.action == "remember" and cand.kind != MemoryKind.INSTRUCTION:
                    cand = _as_temporary(cand)
                out.append(cand)
        out = _weigh(out, split_sentences(text))
        needed = 1 if temporary else self.min_episode_words
        if not out and self.episodes and len(content_words(text)) >= needed:
            out.append(
                Candidate(
                    kind=MemoryKind.EPISODE,
                    text=f"{'One-off (temporary): ' if temporary else 'User said: '}{clean_phrase(text, cut=False, max_words=60)}",
                    domain=primary_domain(text),
                    importance=0.2,
                    temporary=temporary,
                    evidence=text,
                )
            )
        return _dedupe(out)

    # -- matching ---------------------------------------------------------------------------------------
    def _match(self, sentence: str, context: Sequence[Event]) -> Candidate | None:
        for rule in self._rules:
            m = rule.pattern.search(sentence)
            if m:
                cand = getattr(self, f"_b_{rule.build}")(m, sentence, context)
                if cand is not None and not (cand.kind == MemoryKind.PREFERENCE and cand.action == "remember"
                                             and _DEICTIC.match(cand.value or "")):
                    return cand
        return None

    @staticmethod
    def _mk(kind: MemoryKind, text: str, sentence: str, **kw: object) -> Candidate:
        domain = kw.pop("domain", None) or primary_domain(sentence)
        return Candidate(kind=kind, text=text, domain=domain, evidence=sentence, **kw)  # type: ignore[arg-type]

    def _b_forget(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        what = clean_phrase(m.group(1), cut=False)
        if not content_words(what):
            return None
        return self._mk(MemoryKind.FACT, third_person(what), s, action="forget", value=what)

    def _b_instruction(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        body = clean_phrase(s, cut=False, max_words=60)
        if len(content_words(body)) < 2:
            return None
        # Parsed like Memory.add_instruction (domain + slot key), so "always Delta" -> "always United" supersedes.
        from memagent.instructions.store import instruction_candidate

        return instruction_candidate(body, display=f"Standing instruction: {body}", evidence=s)

    def _b_retract_diet(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        diet = m.group(1).lower().replace(" ", "-")
        subject = "diet" if re.fullmatch(_DIETS, diet, re.I) else f"constraint:{stem(diet.split('-')[0])}"
        return self._mk(MemoryKind.PREFERENCE, f"User is no longer {diet}.", s, subject=subject, value=f"not {diet}",
                        polarity=-1, action="retract", importance=0.8, domain="food")

    def _b_diet(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        diet = m.group(1).lower()
        return self._mk(MemoryKind.PREFERENCE, f"User is {diet}.", s, subject="diet", value=diet, polarity=1,
                        importance=0.9, domain="food")

    def _b_constraint(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        c = m.group(1).lower().replace(" ", "-")
        return self._mk(MemoryKind.PREFERENCE, f"User is {c}.", s, subject=f"constraint:{stem(c.split('-')[0])}", value=c,
                        polarity=-1, importance=0.95, domain="food" if c != "sober" else "health")

    def _b_allergy(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        what = clean_phrase(m.group(1))
        rest = clean_phrase(s, cut=False, max_words=40)
        return self._mk(MemoryKind.PREFERENCE, f"User is allergic or intolerant to {third_person(what)} ({third_person(rest)}).",
                        s, subject=f"constraint:{subject_key(what, 2)}", value=what, polarity=-1, importance=0.95,
                        domain=primary_domain(what) or "health")

    def _b_retract_verb(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        verb, obj = m.group(1).lower(), clean_phrase(m.group(2))
        if not content_words(obj):
            return None
        subject = verb_subject(verb, obj)
        return self._mk(MemoryKind.PREFERENCE, f"User no longer {verb}s {third_person(obj)}.", s, subject=subject,
                        value=obj, polarity=-1, action="retract", importance=0.7)

    def _b_retract_habit(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        obj = clean_phrase(m.group(1))
        if not content_words(obj):
            return None
        return self._mk(MemoryKind.PREFERENCE, f"User stopped {third_person(obj)}.", s, subject=f"habit:{subject_key(obj)}",
                        value=obj, polarity=-1, action="retract", importance=0.7)

    def _b_change_mind(self, m: re.Match[str], s: str, c: Sequence[Event]) -> Candidate | None:
        rest = m.group(1).strip()
        return self._match(rest, c) if rest else None

    def _b_favorite(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        cat, val = clean_phrase(m.group(1)), clean_phrase(m.group(2))
        return self._mk(MemoryKind.PREFERENCE, f"User's favorite {third_person(cat)} is {third_person(val)}.", s,
                        subject=f"favorite:{subject_key(cat, 2)}", value=val, polarity=1, importance=0.7,
                        domain=primary_domain(f"{cat} {val}"))

    def _b_dislike(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        verb, obj, full = re.sub(r"\s+", " ", m.group(1).lower()), clean_phrase(m.group(2)), clean_phrase(m.group(2), cut=False)
        if not content_words(obj):
            return None
        subject = f"likes:{subject_key(obj)}"
        phrase = {"avoid": "avoids", "hate": "hates", "dislike": "dislikes", "detest": "detests", "loathe": "loathes"}.get(
            verb, "does not like" if "like" in verb or "enjoy" in verb or "care" in verb or "stand" in verb else
            "avoids" if verb.startswith(("steer", "prefer", "would", "'d", "never", "can", "cannot")) else "dislikes")
        if verb.startswith(("can't eat", "cant eat", "cannot eat", "can't have", "cannot have", "can't drink", "cannot drink")):
            phrase, subject = "cannot have", f"constraint:{subject_key(obj, 2)}"
        elif verb.startswith("never"):
            phrase = f"never {verb.split()[-1]}s"
        return self._mk(MemoryKind.PREFERENCE, f"User {phrase} {third_person(full)}.", s, subject=subject, value=obj,
                        polarity=-1, importance=0.75)

    def _b_dislike_im(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        obj = clean_phrase(m.group(1))
        if not content_words(obj):
            return None
        return self._mk(MemoryKind.PREFERENCE, f"User is not into {third_person(obj)}.", s, subject=f"likes:{subject_key(obj)}",
                        value=obj, polarity=-1, importance=0.65)

    def _b_prefer(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        obj, full = clean_phrase(m.group(2)), clean_phrase(m.group(2), cut=False)
        if not content_words(obj):
            return None
        chosen = re.split(r"\s+(?:over|rather\s+than|instead\s+of|to\s+(?=\w+\s*$))\s+", obj, maxsplit=1, flags=re.I)[0]
        # "I prefer aisle seats" names a value of one slot (seat), which a later "I prefer window seats" replaces.
        # A clause ("trips with a fixed itinerary, so I hope ...") has no such slot: a later preference that shares
        # its head word is another preference, not a change, so it is keyed by its own words and coexists.
        slot = len(content_words(chosen)) <= 3 and not CLAUSE_BREAK.search(chosen)
        subject = f"prefer:{head_noun(chosen)}" if slot else f"prefer:{subject_key(chosen, 4)}"
        return self._mk(MemoryKind.PREFERENCE, f"User prefers {third_person(full)}.", s, subject=subject,
                        value=chosen, polarity=1, importance=0.75)

    def _b_need(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        obj, full = clean_phrase(m.group(1)), clean_phrase(m.group(1), cut=False)
        words = content_words(obj)
        if len(words) < 2 or words[0] in _TASK_NEEDS:
            return None
        return self._mk(MemoryKind.PREFERENCE, f"User needs {third_person(full)}.", s, subject=f"needs:{subject_key(obj)}",
                        value=obj, polarity=1, importance=0.8)

    def _b_like(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        verb, obj, full = m.group(1).lower(), clean_phrase(m.group(2)), clean_phrase(m.group(2), cut=False)
        if not content_words(obj) or re.match(r"(?:to\s+)?(?:know|ask|say|book|get|see|try|order)\b", obj, re.I):
            return None
        verb3 = third_person_verb(verb)
        return self._mk(MemoryKind.PREFERENCE, f"User {verb3} {third_person(full)}.", s, subject=f"likes:{subject_key(obj)}",
                        value=obj, polarity=1, importance=0.6)

    def _b_like_im(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        obj = clean_phrase(m.group(1))
        if not content_words(obj):
            return None
        return self._mk(MemoryKind.PREFERENCE, f"User is into {third_person(obj)}.", s, subject=f"likes:{subject_key(obj)}",
                        value=obj, polarity=1, importance=0.6)

    def _b_habit(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        obj = clean_phrase(m.group(1))
        if not content_words(obj):
            return None
        # Conjugated from the user's own words: "I tend to get ..." -> "User tends to get ...".
        text = about_user(clean_phrase(s[m.start():], cut=False, max_words=40))
        return self._mk(MemoryKind.PREFERENCE, f"{text}.", s, subject=f"habit:{subject_key(obj)}",
                        value=obj, polarity=1, importance=0.6)

    def _b_home(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        place = clean_phrase(re.split(r"\s+(?:last|this|next|a\s+few|recently|two|three)\b", m.group(1), maxsplit=1, flags=re.I)[0])
        return self._mk(MemoryKind.FACT, f"User lives in {place}.", s, subject="home_city", value=place,
                        importance=0.8, domain="home")

    def _b_hometown(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        place = clean_phrase(m.group(1), max_words=5)
        if not place or place.lower().startswith(("work", "home", "the office")):
            return None
        return self._mk(MemoryKind.FACT, f"User is from {place}.", s, subject="hometown", value=place, importance=0.6,
                        domain="home")

    def _b_job(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        job = clean_phrase(m.group(1), max_words=8)
        return self._mk(MemoryKind.FACT, f"User works as {third_person(job)}.", s, subject="job", value=job,
                        importance=0.7, domain="work")

    def _b_employer(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        emp = clean_phrase(m.group(1), max_words=8)
        return self._mk(MemoryKind.FACT, f"User works at {third_person(emp)}.", s, subject="employer", value=emp,
                        importance=0.7, domain="work")

    def _b_name(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        name = (m.group(1) or m.group(2)).strip()
        return self._mk(MemoryKind.FACT, f"User's name is {name}.", s, subject="name", value=name, importance=0.9,
                        domain="identity")

    def _b_age(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        return self._mk(MemoryKind.FACT, f"User is {m.group(1)} years old.", s, subject="age", value=m.group(1),
                        importance=0.6, domain="identity")

    def _b_my_x(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        what, val = clean_phrase(m.group(1), max_words=4), clean_phrase(m.group(2), max_words=20)
        if not content_words(what) or not val:
            return None
        return self._mk(MemoryKind.FACT, f"User's {third_person(what)} is {third_person(val)}.", s,
                        subject=f"fact:{subject_key(what, 3)}", value=val, importance=0.6,
                        domain=primary_domain(f"{what} {val}"))

    def _b_my_x_which(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        what, verb, val = clean_phrase(m.group(1), max_words=3), m.group(2).lower(), clean_phrase(m.group(3).split(",")[0], cut=False, max_words=20)
        if not content_words(what) or not content_words(val):
            return None
        verb = {"have": "has", "are": "is"}.get(verb, verb)
        return self._mk(MemoryKind.FACT, f"User's {third_person(what)} {verb} {third_person(val)}.", s,
                        subject=f"fact:{subject_key(what, 3)}", value=val, importance=0.6, domain=primary_domain(f"{what} {val}"))

    def _b_has(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate:
        what = clean_phrase(m.group(1), max_words=6)
        return self._mk(MemoryKind.FACT, f"User has {third_person(what)}.", s, subject=f"has:{head_noun(what)}", value=what,
                        importance=0.6)

    def _b_choice(self, m: re.Match[str], s: str, context: Sequence[Event]) -> Candidate | None:
        offered = next((e.text for e in reversed(context) if e.role == "assistant"), "")
        if not offered:
            return None
        # The option is named before the trigger ("the salad bar sounds good") or after it ("I'll go with
        # the Tesla"): match on the whole sentence minus the trigger words.
        option = picked_option(s, m, offered)
        if option is None:
            rest = s[: m.start()] + s[m.end():]
            if not content_words(rest) or _OTHERS.match(s) or _NEGATED.search(s) or _ALL_OF_THEM.match(s):
                # "Sounds great!" agrees with something but names no option; "the other options don't work for
                # me" and "those ideas sound great" turn down or take up the lot: nothing was chosen
                return None
            option = clean_phrase(s, cut=False, max_words=30)
        return self._chose(option, s, offered)

    def _b_choice_eval(self, m: re.Match[str], s: str, context: Sequence[Event]) -> Candidate | None:
        before = " ".join(s[: m.start()].split()[-2:])
        if _NEGATED.search(f"{before} {m.group(0)}") or _OTHERS.match(s):
            return None  # "the other options don't appeal to me" rejects; it does not choose
        offered = next((e.text for e in reversed(context) if e.role == "assistant"), "")
        option = picked_option(s, m, offered) if offered else None
        return self._chose(option, s, offered) if option else None

    def _chose(self, option: str, s: str, offered: str) -> Candidate:
        # 0.6: liking one suggestion is a mild signal; rejecting the alternatives raises it (see ``_weigh``).
        option = clean_phrase(option, cut=False, max_words=40)
        return self._mk(MemoryKind.PREFERENCE, f"{CHOICE_LEAD} {third_person(option)}", s,
                        subject=f"choice:{subject_key(option, 3)}", value=option, polarity=1, importance=0.6,
                        domain=primary_domain(option) or primary_domain(offered))

    def _b_follow_diet(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        words = [w for w in m.group(1).split() if not re.fullmatch(r"strict|strictly|very|medically[- ]\w+|mostly|new", w, re.I)]
        what = " ".join(words).lower()
        if not content_words(what):
            return None
        known = re.search(_DIETS, what, re.I)
        if known:
            return self._mk(MemoryKind.PREFERENCE, f"User is {known.group(0).lower()}.", s, subject="diet",
                            value=known.group(0).lower(), polarity=1, importance=0.9, domain="food")
        return self._mk(MemoryKind.PREFERENCE, f"User follows a {third_person(m.group(1).strip())} diet.", s,
                        subject=f"constraint:{subject_key(what, 2)}", value=what, polarity=-1, importance=0.9, domain="food")

    def _b_stance_neg(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        return self._stance(m, s, -1)

    def _b_stance_pos(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        return self._stance(m, s, 1)

    def _b_someone_who(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        what = clean_phrase(m.group(1), cut=False)
        if not content_words(what):
            return None
        negative = re.search(r"\b(?:avoid|avoids|dislike|dislikes|hate|hates|never|can'?t|cannot|don'?t|doesn'?t|refuse|"
                             r"refuses|allergic|intolerant|stay\s+away|steer|no\s+longer)\b", what, re.I)
        return self._mk(MemoryKind.PREFERENCE, f"User is someone who {third_person(what)}.", s, subject=f"likes:{subject_key(what)}",
                        value=what, polarity=-1 if negative else 1, importance=0.75)

    def _b_request_constraint(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        if _OWN_STANCE.search(s[: m.start()]):
            return None  # "I prefer outings that don't involve crowds": the user's own clause says more (later rules)
        what = clean_phrase(m.group(1), max_words=20)
        if len(content_words(what)) < 2:
            return None
        return self._mk(MemoryKind.PREFERENCE, f"User asked for options that do not {third_person(what)}.", s,
                        subject=f"likes:{subject_key(what)}", value=what, polarity=-1, importance=0.6)

    def _stance(self, m: re.Match[str], s: str, polarity: int) -> Candidate | None:
        """A preference stated in words no narrower rule models: keep the user's own clause, in third person."""
        obj = clean_phrase(m.group(1))
        if not content_words(obj):  # "I find it tedious to ...": the object follows the stance
            obj = clean_phrase(s[m.end():])
        if not content_words(obj) or _BARE_OTHERS.match(obj):
            return None  # "The other options don't appeal to me" names nothing: a choice keeps it as its reason
        clause = clean_phrase(s[m.start():], cut=False, max_words=40)
        return self._mk(MemoryKind.PREFERENCE, f"{about_user(clause)}.", s, subject=f"likes:{subject_key(obj)}",
                        value=obj, polarity=polarity, importance=0.75)

    def _b_must(self, m: re.Match[str], s: str, _c: Sequence[Event]) -> Candidate | None:
        what = clean_phrase(m.group(1), max_words=15)
        if not content_words(what):
            return None
        return self._mk(MemoryKind.PREFERENCE, f"{third_person(what)[:1].upper()}{third_person(what)[1:]} is essential for the user.",
                        s, subject=f"likes:{subject_key(what)}", value=what, polarity=1, importance=0.8)


# A first-person stance verb: when one comes before a "... that don't involve X" clause, the sentence is the
# user's own statement, which the prefer / like / stance rules keep whole. ("I find it hard to keep
# my attention in seminars that don't include group work" wants group work: read as a request it would say the opposite.)
_OWN_STANCE = re.compile(_I + _ADV + r"(?:prefer|'d\s+prefer|would\s+prefer|like|love|enjoy|want|favou?r|choose|"
                         r"look\s+for|seek\s+out|stick\s+to|go\s+for|opt\s+for|plan|find|struggle|hate|dislike|"
                         r"can'?t|cannot|don'?t|do\s+not|get|lose)\b", re.I)

def _as_temporary(c: Candidate) -> Candidate:
    return c.model_copy(
        update={"kind": MemoryKind.EPISODE, "text": f"One-off (temporary): {c.evidence}", "subject": None,
                "temporary": True, "importance": 0.3, "action": "remember"}
    )


_ALL_OF_THEM = re.compile(r"^(?:(?:perfect|great|ok(?:ay)?|thanks?|wow|yes)[,!.]?\s+)?(?:those|these|they|them|both|all\s+of\s+"
                          r"(?:them|these|those)|all\s+(?:these|those|the|your))\b", re.I)
_BARE_OTHERS = re.compile(r"^(?:the\s+|all\s+the\s+|those\s+|these\s+)?(?:other|others|rest)(?:\s+(?:options?|ones?|choices?|"
                          r"suggestions?|ideas?))?$", re.I)
_NEGATED = re.compile(r"\b(?:not|never|no|n't|don'?t|doesn'?t|isn'?t|aren'?t|wouldn'?t|won'?t|can'?t)\b", re.I)
_OTHERS = re.compile(r"^(?:but\s+|and\s+)?(?:the|those|these|all\s+the)\s+(?:other|others|rest)\b", re.I)

# How firmly a preference is held decides how much it should weigh when the profile is crowded: an allergy or
# a refusal must surface; a passing reaction to the conversation ("I like that idea") may not.
_STRONG = re.compile(r"\b(?:strict|strictly|severe|severely|never|refuse[sd]?|can'?t|cannot|won'?t|only|exclusively|solely|"
                     r"absolutely|strong|strongly|firm|firmly|aversion|allerg\w*|intoleran\w*|phobia|fear|must|despise|"
                     r"hate|loathe|detest|non-negotiable|at\s+all|under\s+no\s+circumstances|always)\b", re.I)
# A reaction to what the assistant just said, not a standing preference: "I like that", "I love the idea of ...",
# "I like the scavenger hunt concept", "I appreciate all your help", "I'm interested in learning more about ...".
_REACTION = re.compile(r"^(?:the\s+idea|that|this|those|these|it|your|them|all\s+(?:the|your|of\s+(?:these|those|them))|"
                       r"learning\s+more|hearing\s+more|knowing\s+more|exploring\s+(?:more|these|those|the)|finding\s+out|"
                       r"how\s+)\b|^(?:the|your)\s+(?:[\w'\"&:-]+\s+){0,4}?(?:idea|ideas|suggestions?|concept|tips?|"
                       r"recommendations?|advice|help|approach|examples?|list)\b", re.I)
_REJECTS = re.compile(r"\b(?:don'?t|doesn'?t|do\s+not|does\s+not|not|isn'?t|aren'?t|won'?t)\b.*\b(?:appeal|work|suit|fit|"
                      r"interest|align|match|meet|right|practical|comfortable|for\s+me)|\btoo\b", re.I)

# Turning down a named option: "the boat tour doesn't sound appealing", "the cinema might be too loud".
_TURNS_DOWN = re.compile(r"\b(?:don'?t|doesn'?t|do\s+not|does\s+not)\s+(?:really\s+)?(?:sound|seem|look)\s+(?:very\s+|that\s+|"
                         r"too\s+)?(?:appealing|good|fun|interesting|great|right|like\s+my)|\b(?:might|would|could|may)\s+be\s+"
                         r"(?:a\s+bit\s+|a\s+little\s+)?too\s+\w+", re.I)


def _weigh(cands: list[Candidate], sentences: Sequence[str]) -> list[Candidate]:
    """Adjust preference importance to how firmly it was said; a choice that rejects the alternatives keeps
    the user's reason ("the others are too noisy for me"), which is often the preference itself."""
    rejection = next((x for x in sentences if (_OTHERS.match(x) and _REJECTS.search(x)) or _TURNS_DOWN.search(x)), None)
    out = []
    for c in cands:
        if c.kind == MemoryKind.PREFERENCE and c.action == "remember":
            if (c.subject or "").startswith("choice:"):
                if rejection is not None:
                    reason = third_person(clean_phrase(rejection, cut=False, max_words=25))
                    c = c.model_copy(update={"text": f"{c.text.rstrip('.')}; rejected the others: {reason}",
                                             "importance": max(c.importance, 0.85)})
            elif _REACTION.match(c.value or ""):
                # Kept as what was said, not as a preference: in the profile it would crowd out what the user holds.
                c = c.model_copy(update={"kind": MemoryKind.EPISODE, "subject": None, "importance": min(c.importance, 0.3)})
            elif _STRONG.search(c.evidence):
                c = c.model_copy(update={"importance": max(c.importance, 0.9)})
        out.append(c)
    return out


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    seen: set[tuple[str | None, str]] = set()
    out = []
    for c in cands:
        key = (c.subject, c.text.lower())
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
