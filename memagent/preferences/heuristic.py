"""Offline preference inference: describe, in a short phrase, the style a user's edit moved the text towards.

An LLM asked "what does this edit say about the user's preference?" describes the *revised* text's style,
not only the delta. This module does the same with surface features (:mod:`memagent.preferences.features`):

- layout, salutations and cue-word devices present in the edit, minus what the source context already had
  (a review that says "amazing" is not a stylistic choice), and features the edit removed ("no closing");
- relative features (brief, short sentences, simple words) from the change between output and edit. An edit
  cannot show a relative feature the output already had, so when the preference that produced the output
  named one and the edit kept it, it is carried over.

Limits: it recognises the devices in its lexicons and layout rules, not tone it has no cue for; and it
describes features, it cannot tell which ones the user cares about most. Aggregating several edits of similar
contexts (``aggregate_preferences``) is what filters out one-off features.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from memagent._lexical import STOPWORDS, words
from memagent._text import check_text
from memagent.preferences.features import StyleProfile, sentences, style_profile

__all__ = ["HeuristicInferencer", "InferredStyle"]

# Cue family -> phrase describing the device.
_CUE_PHRASES = {
    "story": "storytelling",
    "immersive": "immersive",
    "reflection": "invokes personal reflection",
    "teaser": "foreshadowing",
    "call_to_action": "call to action",
    "hook": "engaging hook",
    "children": "targeted to young children",
    "playful": "playful language",
    "positive": "positive tone",
    "emotion": "shows emotions",
    "respect": "respectful",
    "personal": "personalized",
    "conversational": "conversational",
    "slang": "casual tone",
}
_GREETINGS = {"formal": "professional greeting", "casual": "casual greeting", "personal": "personalized greeting"}
_CLOSINGS = {"formal": "professional closing", "thankful": "thankful closing", "casual": "casual sign-off"}
# How a used preference names a relative feature, and its opposite (to carry the feature over when the edit
# kept it). Phrases that negate or concern salutations do not count.
_RELATIVE: dict[str, tuple[re.Pattern[str], re.Pattern[str] | None]] = {
    "brief": (re.compile(r"\b(brief|concise|succinct|terse|to the points?)\b|\bshort(er)?\b(?! sentences?)"),
              re.compile(r"\b(detailed|thorough|elaborate|longer)\b")),
    "short sentences": (re.compile(r"\bshort(er)? sentences\b|\bclear\b|\bcrisp\b"), re.compile(r"long sentences")),
    "simple English": (re.compile(r"\bsimple\b|plain (english|language|words)|no jargon|\baccessible\b"), None),
    "informal": (re.compile(r"\binformal\b|\bcasual\b|uses contractions|\bconversational\b"),
                 re.compile(r"\bprofessional\b|\bformal\b|no contractions")),
    "formal": (re.compile(r"\bprofessional\b|\bformal\b|no contractions"),
               re.compile(r"\binformal\b|\bcasual\b|uses contractions")),
}
_NEGATED = re.compile(r"\b(no|not|never|without|avoid\w*)\b")
_SALUTATION = re.compile(r"greeting|closing|sign-?off")


def _names(used: str, feature: str) -> bool:
    """True when a phrase of ``used`` asks for ``feature`` and none asks for its opposite."""
    positive, opposite = _RELATIVE[feature]
    phrases = [p for p in re.split(r"[,;\n]+", used) if p.strip() and not _SALUTATION.search(p)]

    def asks(rx: re.Pattern[str]) -> bool:
        for p in phrases:
            m = rx.search(p)
            if m and (m.group(0).startswith("no ") or not _NEGATED.search(p)):
                return True
        return False

    return asks(positive) and not (opposite is not None and asks(opposite))


_TAGS_ONLY = re.compile(r"(?:#\w+\s*)+")
_LIST_LINE = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)]|q:|a:)\s+", re.IGNORECASE)


def _content_tokens(text: str, source: set[str] | None) -> list[str]:
    """Content words of ``text``; with a source, only those taken from it."""
    return [w for w in words(text) if w not in STOPWORDS and (source is None or w in source)]


def _content_sentences(text: str, source: set[str] | None) -> tuple[int, float]:
    """Number and mean word count of the sentences that carry source content (two source words or more)."""
    lengths = [len(words(s)) for s in sentences(text)
               if len(_content_tokens(s, source)) >= (2 if source else 0) and not _TAGS_ONLY.fullmatch(s)]
    return len(lengths), (sum(lengths) / len(lengths) if lengths else 0.0)


@dataclass(frozen=True)
class InferredStyle:
    """The phrases inferred from one edit; ``text`` joins them (empty when nothing was recognised)."""

    phrases: tuple[str, ...]
    details: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return ", ".join(self.phrases)

    def __bool__(self) -> bool:
        return bool(self.phrases)


@dataclass
class HeuristicInferencer:
    """Rules over style features. Thresholds are ratios between the edit and the output.

    Args:
        brief_ratio: the edit keeps at most this share of the output's source content -> "brief".
        detail_ratio: the edit has at least this multiple of it -> "detailed".
        sentence_ratio: content sentences shrank to at most this share of their length -> "short sentences".
        simple_ratio_removed: the edit dropped at least this share of the output's long words (and far more
            of them than of other words) -> "simple English".
    """

    brief_ratio: float = 0.8
    detail_ratio: float = 1.3
    sentence_ratio: float = 0.8
    simple_ratio_removed: float = 0.25

    def infer(self, output: str, edited: str, *, context: str | None = None, used: str | None = None) -> InferredStyle:
        """Describe the style ``edited`` moved ``output`` towards.

        Args:
            output: what the agent produced.
            edited: the user's revision.
            context: the source the output was written from (document, notes); features it already has
                are not attributed to the user.
            used: the preference text the output was conditioned on, if any.

        Raises:
            InvalidInputError: an argument is not a non-empty str (``context``/``used`` may be None).
        """
        a = style_profile(check_text(output, field="output"))
        b = style_profile(check_text(edited, field="edited"))
        c = style_profile(check_text(context, field="context")) if context is not None else None
        ctx_cues = c.cues if c is not None else {}
        used_l = (used or "").lower()
        phrases: list[str] = []
        phrases += self._layout(a, b)
        phrases += self._relative(output, edited, context, used_l)
        phrases += self._marks(a, b, c)
        phrases += self._voice(a, b, c, used_l)
        phrases += self._salutations(a, b)
        for fam, phrase in _CUE_PHRASES.items():
            mine = b.cues.get(fam, frozenset()) - ctx_cues.get(fam, frozenset())
            if fam == "slang" and "casual greeting" in phrases:
                mine -= {"hey"}
            if mine and len(mine) >= len(a.cues.get(fam, frozenset()) - ctx_cues.get(fam, frozenset())):
                phrases.append(phrase)
        deduped = tuple(dict.fromkeys(phrases))
        return InferredStyle(deduped, details={"words": (a.words, b.words), "sentences": (a.sentences, b.sentences)})

    @staticmethod
    def _layout(a: StyleProfile, b: StyleProfile) -> list[str]:
        out = []
        if b.qa_lines >= 2:
            out.append("question answering style")
        elif b.bullet_lines >= 2:
            out.append("bullet points")
            if b.bare_bullets >= max(2, b.bullet_lines - 1):
                out.append("parallel structure")
        elif b.numbered_lines >= 2:
            out.append("structured with numbered points")
        if a.bullet_lines >= 2 and b.bullet_lines < 2 and b.qa_lines < 2:
            out.append("no bullet points")
        if a.qa_lines >= 2 and b.qa_lines < 2:
            out.append("no question-answer format")
        return out

    def _relative(self, output: str, edited: str, context: str | None, used: str) -> list[str]:
        """Brevity, sentence length and word simplicity, measured on the source's content only, so that
        sentences the edit inserted (a greeting, a question to the reader) do not count as a change of length."""
        out = []
        src = {w for w in words(context) if w not in STOPWORDS} if context else None
        kept_out, kept_ed = _content_tokens(output, src), _content_tokens(edited, src)
        ratio = len(kept_ed) / max(len(kept_out), 1)
        if ratio <= self.brief_ratio or (ratio <= 1.1 and _names(used, "brief")):
            out.append("brief")
        elif ratio >= self.detail_ratio:
            out.append("detailed")
        (a_n, a_len), (b_n, b_len) = _content_sentences(output, src), _content_sentences(edited, src)
        # Splitting keeps the content and raises the number of sentences that carry it.
        split = b_n >= a_n and b_len <= self.sentence_ratio * a_len
        prose = not any(_LIST_LINE.match(ln) for ln in edited.splitlines())
        if prose and b_len and a_len and (split or (b_len <= 1.1 * a_len and _names(used, "short sentences"))):
            out.append("short sentences")
        # Simplifying replaces long words and keeps the rest; a cut removes both kinds alike.
        ed_words = set(words(edited))
        long_out = {w for w in words(output) if len(w) >= 8}
        other_out = {w for w in words(output) if 3 <= len(w) < 8 and w not in STOPWORDS}
        long_rate = len(long_out - ed_words) / max(len(long_out), 1)
        other_rate = len(other_out - ed_words) / max(len(other_out), 1)
        simpler = len(long_out) >= 2 and long_rate >= self.simple_ratio_removed and long_rate >= 2 * other_rate + 0.1
        if simpler or (long_rate <= 0.1 and _names(used, "simple English")):
            out.append("simple English")
        return out

    @staticmethod
    def _marks(a: StyleProfile, b: StyleProfile, c: StyleProfile | None) -> list[str]:
        out = []
        if b.words <= 60 and (b.hashtags or b.emojis) and b.bullet_lines < 2:
            out.append("tweet style")
        if b.emojis and b.emojis >= a.emojis:
            out.append("with emojis")
        elif a.emojis and not b.emojis:
            out.append("no emojis")
        if b.hashtags and b.hashtags >= a.hashtags:
            out.append("with hashtags")
        if b.qa_lines < 2:
            own = c is None or c.questions < b.questions  # not questions copied from the source
            if b.opens_with_question and own and (not a.opens_with_question or b.questions >= a.questions):
                out.append("inquisitive, opens with a question")
            if b.ends_with_question and own and (not a.ends_with_question or b.questions >= a.questions):
                out.append("interactive, ends by asking the reader a question")
            if b.questions > a.questions and not (b.opens_with_question or b.ends_with_question):
                out.append("asks questions")
        if b.exclamations > a.exclamations:
            out.append("enthusiastic")
        elif a.exclamations and not b.exclamations:
            out.append("professional tone, no exclamation marks")
        return out

    @staticmethod
    def _voice(a: StyleProfile, b: StyleProfile, ctx: StyleProfile | None, used: str) -> list[str]:
        out = []
        you_style = b.second_person >= 0.04 and b.second_person > b.first_person
        if you_style and (b.second_person > a.second_person + 0.02 or (ctx is not None and ctx.second_person < 0.02)):
            out.append("second person narrative")
        kept = b.contractions == a.contractions
        if b.contractions > a.contractions or (b.contractions and ctx is not None and not ctx.contractions) or (
            kept and b.contractions and _names(used, "informal")
        ):
            out.append("informal, uses contractions")
        elif (a.contractions and not b.contractions) or (kept and not b.contractions and _names(used, "formal")):
            out.append("professional tone, no contractions")
        return out

    @staticmethod
    def _salutations(a: StyleProfile, b: StyleProfile) -> list[str]:
        out = []
        if b.greeting in _GREETINGS:
            out.append(_GREETINGS[b.greeting])
        elif a.greeting and not b.greeting:
            out.append("no greeting")
        if b.closing in _CLOSINGS:
            out.append(_CLOSINGS[b.closing])
        elif a.closing and not b.closing:
            out.append("no closing")
        return out
