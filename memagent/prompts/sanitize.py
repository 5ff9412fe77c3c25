"""Stored text on its way into a prompt: made inert, one line at a time.

Everything a user (or a document, or a tool) once said can come back in a later prompt: recalled memories,
standing instructions, learnt preferences, replayed turns. Every such line goes through :func:`prompt_text`:

- invisible characters go: ANSI escape sequences, C0/C1 controls (NUL included), format characters (zero-width
  spaces and joiners, bidi overrides and isolates, the BOM, Unicode "tag" letters used to smuggle ASCII), and
  the variation selectors of the supplementary plane (another smuggling channel);
- every line break (``\\n``, ``\\r``, ``\\v``, ``\\f``, U+0085, U+2028, U+2029, the file/group separators) and run
  of spaces becomes one space, so stored text can never start a line of its own;
- every angle bracket, ASCII or a form NFKC folds into one (fullwidth, small), becomes ``‹`` / ``›``, so no
  tag, fence or chat-template token (``</user_memory>``, ``<|im_start|>``) can appear, in any letter case or
  however it is nested;
- text that still looks like prompt structure (a role marker such as ``SYSTEM:``, a markdown heading or code
  fence, a chat-template marker such as ``[INST]``, a JSON ``"role":``) is rendered as a JSON string
  literal, so it reads as a quotation, never as the prompt's own words.

Detection runs on a *skeleton* of the text (NFKC, case-folded, invisible characters removed, Cyrillic and
Greek look-alikes mapped to Latin) so "SYSTЕM:" with a Cyrillic Е, "ＳＹＳＴＥＭ：" or "SY\\u200bSTEM:" are caught;
what is displayed keeps the user's own characters. :func:`looks_like_override` (attempts to override the
model's instructions, reveal its prompt or change its role, in several languages, or encoded payloads) and
:func:`prompt_markup` decide what may become a standing instruction (:mod:`memagent.instructions.policy`).
"""

from __future__ import annotations

import json
import re
import unicodedata

__all__ = ["clean_text", "is_blank", "looks_like_override", "prompt_markup", "prompt_text", "skeleton"]

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")
# Control and format characters (Unicode categories Cc and Cf) except line breaks and tabs, Hangul fillers and
# the blank braille cell (letters that render as nothing) and the supplementary variation selectors;
# tests/adversarial/test_injection.py checks the class against unicodedata.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160"
    "\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u2800\u3164\ufeff\uffa0\ufff9-\ufffb\U000110bd"
    "\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\U000e0100-\U000e01ef]+"
)
_TAG_CHARS = re.compile("[\U000e0020-\U000e007e]")
# (Regex substitutions and str.replace, not str.translate: translate with a dict is slow on non-ASCII text.)
_LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x85\u2028\u2029]")
_BREAK_OR_SEPARATOR = re.compile("\r\n|[\n\r\v\f\x85\u2028\u2029\t\x1c-\x1f]")
_SEPARATOR = re.compile("[\t\x1c-\x1f]")
_ANGLES = (("<", "\u2039"), ("\ufe64", "\u2039"), ("\uff1c", "\u2039"), (">", "\u203a"), ("\ufe65", "\u203a"),
           ("\uff1e", "\u203a"))


def _escape_angles(text: str) -> str:
    for angle, quote in _ANGLES:
        if angle in text:
            text = text.replace(angle, quote)
    return text
# Printable ASCII without angle brackets: such text needs no character-level cleaning.
_PLAIN = re.compile(r"[ -;=?-~]*")


def clean_text(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` without escape sequences, control and format characters; line breaks become ``\\n`` (or a
    space, unless ``keep_newlines``) and tabs a space. For text replayed in its own chat message."""
    if _PLAIN.fullmatch(text):
        return text
    if "\x1b" in text or "\x9b" in text:
        text = _ANSI.sub("", text)
    text = _INVISIBLE.sub("", text)
    if keep_newlines:
        return _SEPARATOR.sub(" ", _LINE_BREAK.sub("\n", text))
    return _BREAK_OR_SEPARATOR.sub(" ", text)


def is_blank(text: str) -> bool:
    """True when nothing visible is left once whitespace, control and invisible characters are removed."""
    return not clean_text(text).strip()


# -- detection --------------------------------------------------------------------------------------------
_CONFUSABLES = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
    "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ω": "w", "μ": "u", "ς": "s",
    # Latin look-alikes
    "ı": "i", "ℓ": "l", "ſ": "s",
})


def skeleton(text: str) -> str:
    """The form detectors read: NFKC, case-folded, invisible characters dropped, look-alike letters mapped to
    Latin, whitespace collapsed. (Detection also reads ASCII smuggled in Unicode tag characters.)"""
    return _skeleton_of_clean(text if _PLAIN.fullmatch(text) else clean_text(text))


def _untag(text: str) -> str:
    return _TAG_CHARS.sub(lambda m: chr(ord(m.group()) - 0xE0000), text)


_ROLE = r"(?:system|assistant|user|developer|human|ai|bot|tool|function|model|sys)"
# Each detector is a regex run only when one of its cheap substrings is present: most memories contain none,
# and recall renders (and measures) hundreds of lines per request.
_MARKUP = (
    ((":", "="), re.compile(r"(?<![\w'])" + _ROLE + r"\s*:"  # a transcript's role marker: "SYSTEM:", "assistant :"
                            r"|[\"']role[\"']\s*:|\brole\s*[:=]\s*[\"']?(?:system|assistant|developer|tool)")),  # JSON/YAML
    (("<", "[", "(", "|"), re.compile(r"[\[<(]\s*/?\s*" + _ROLE + r"\s*[\]>)]"  # [system], <assistant>, (SYSTEM)
                                      r"|<[/!?|a-z]|<\s+/|\|\s*>"  # a tag, a comment, a chat-template token and its end
                                      r"|\[/?inst\]|<<\s*/?sys\s*>>|\]\]>")),
    (("_",), re.compile(r"\b(?:start|end)_of_turn\b|\b(?:im_start|im_end|eot_id|endoftext)\b|user_memory|"
                        r"standing_instructions")),  # chat-template token names; memagent's own fences
    (("#", "`", "~", "--", "==", "**"),  # markdown headings, code fences, horizontal rules
     re.compile(r"(?:^|\s)#{1,6}\s|```|~~~|(?:^|\s)(?:-{3,}|={3,}|\*{3,})(?:\s|$)")),
)

# Each alternative is gated by its own substrings, as for _MARKUP: conversation turns are full of "you" and "as".
_OVERRIDE_EN = (
    (("ignor", "disregard", "forget", "overr", "bypass", "discard", "abandon", "dismiss", "mind", "follow", "obey",
      "listen"),
     re.compile(r"\b(?:ignore|ignoring|disregard|forget|override|overrule|bypass|discard|abandon|dismiss|"
                r"never\s+mind|stop\s+(?:following|obeying)|(?:do\s+not|don'?t|never|not)\s+(?:follow|obey|listen\s+to))\b"
                r".{0,60}\b(?:instructions?|prompts?|rules?|guidelines?|directives?|polic(?:y|ies)|constraints|"
                r"restrictions|programming|guardrails?|filters|safeguards?|system|developer)\b")),
    (("prompt", "instruction", "rules", "config", "guidelines", "directives", "secrets"),
     re.compile(r"\b(?:reveal|show|print|display|output|repeat|leak|dump|tell|share|expose|disclose|recite|give|paste)\b"
                r".{0,40}\b(?:system|hidden|secret|initial|original|internal|developer|confidential|your)"
                r"\s+(?:prompt|instructions?|rules|configuration|config|guidelines|directives|secrets)"
                r"|\bsystem\s*-?\s*(?:prompt|message|instructions?|rules)\b|\bprompt\s+injection\b")),
    (("system", "developer", "original"),
     re.compile(r"\bsystem\s*-?\s*(?:prompt|message|instructions?|rules)\b"
                r"|\b(?:over|above|instead\s+of|rather\s+than)\s+(?:the|your|any)\s+(?:system|developer|original)\b")),
    (("you are", "you're", "you will be", "you shall be"),
     re.compile(r"\byou\s+(?:are|'re|will\s+be|shall\s+be)\s+(?:now|no\s+longer|from\s+now\s+on|henceforth)\b"
                r"|\b(?:from\s+now\s+on|henceforth|going\s+forward)\s*,?\s*you\s+(?:are|will\s+be|'re)\b")),
    (("act as", "behave as", "pose as", "roleplay", "role-play", "pretend", "your new", "your real", "your true"),
     re.compile(r"\b(?:act|behave|pose|roleplay|role-play)\s+as\b|\bpretend\s+(?:to\s+be|you\s+are|that\s+you)\b"
                r"|\byour\s+(?:new|real|true)\s+(?:role|name|persona|identity|instructions?|purpose|task|rules)\b")),
    ((" mode", "jailbr", "anything now"),
     re.compile(r"\b(?:developer|god|admin|administrator|debug|maintenance|sudo|root|dan|jailbreak|jailbroken|"
                r"unrestricted|unfiltered)\s+mode\b|\bjailbr[eo]ak|\bdo\s+anything\s+now\b")),
    (("restrictions", "rules", "filters", "guidelines", "censorship", "guardrails", "obey"),
     re.compile(r"\b(?:no|without\s+(?:any\s+)?)\s*(?:restrictions|rules|filters|guidelines|censorship|guardrails)\b"
                r"|\bobey\s+(?:me|only\s+me|my\s+commands)\b")),
    (("base64", "rot13", "rot-13", "encoded", "decode"),
     re.compile(r"\b(?:base64|rot13|rot-13|hex-?encoded|decode\s+(?:this|the\s+following|and))\b")),
)
# The same intents in other languages, read on the NFKC + case-folded text (look-alike mapping would spoil them).
_OVERRIDE_INTL_KEYS = ("ignor", "olvid", "oubli", "vergiss", "dimentic", "esque", "instruc", "instruç", "instruction",
                       "anweisung", "istruzion", "prompt", "révèl", "revel", "zeig", "mostr", "affich", "muestr",
                       "игнор", "забуд", "инструкц", "системн", "忽略", "无视", "無視", "忘记", "系统提示", "系統提示",
                       "システムプロンプト", "指示", "무시", "시스템", "지시", "تجاهل", "التعليمات", "موجه", "अनदेखा",
                       "निर्देश", "सिस्टम")
_OVERRIDE_INTL_ASCII_KEYS = tuple(k for k in _OVERRIDE_INTL_KEYS if k.isascii())
_OVERRIDE_INTL = re.compile(
    r"ignor\w*\s+.{0,40}(?:instrucci|instruction|instruç|instruc|istruzion|anweisung|vorgabe|regel)"
    r"|(?:olvida|oublie|vergiss|dimentica|esqueça|esqueca)\w*\s+.{0,40}(?:instrucci|instruction|anweisung|istruzion|instruç)"
    r"|(?:instrucciones|instructions|anweisungen|istruzioni|instruções|instrucoes)\s+(?:anteriores|précédentes|"
    r"precedentes|vorherigen|precedenti|obigen)|vorherigen\s+anweisungen"
    r"|(?:prompt|mensaje|message|messaggio)\s+(?:del\s+|du\s+|di\s+|do\s+)?(?:sistema|système|systeme)|system-?prompt"
    r"|(?:révèle|revele|revela|zeige|mostra|affiche|muestra)\w*\s+.{0,30}(?:prompt|instruc|anweisung|istruz)"
    r"|(?:игнорир|проигнориру|забудь|забыть)\w*\s+.{0,30}(?:инструкц|указани|правил)|предыдущие\s+инструкц"
    r"|системн\w*\s+(?:промпт|подсказк|инструкц)"
    r"|(?:忽略|无视|無視|忘记|忘記|不要遵守).{0,12}(?:指令|指示|提示|规则|規則|设定|設定)"
    r"|(?:指令|指示|提示|ルール|命令).{0,12}(?:無視|忽略)|系统提示|系統提示|システムプロンプト|以前の指示|前の指示"
    r"|(?:지시|명령|지침|프롬프트).{0,12}무시|시스템\s*프롬프트|이전\s*(?:의\s*)?(?:모든\s*)?지시"
    r"|تجاهل.{0,30}(?:التعليمات|الأوامر|القواعد)|التعليمات\s+السابقة|موجه\s+النظام"
    r"|अनदेखा|पिछले\s+(?:सभी\s+)?निर्देश|सिस्टम\s+प्रॉम्प्ट",
)
# A long run of base64 / hex: a payload meant to be decoded and followed, not a preference.
_ENCODED = re.compile(r"(?<![\w/+])(?=[a-z0-9+/]*\d)(?=[a-z0-9+/]*[a-z])[a-z0-9+/]{24,}={0,2}(?![\w/+])", re.I)


def prompt_markup(text: str) -> bool:
    """True when ``text`` contains something a prompt reads as structure: a tag or fence, a role marker,
    a chat-template token, a markdown heading or code fence, a JSON/YAML message role."""
    return any(_markup(_skeleton_of_clean(view)) for view in _views(text))


def looks_like_override(text: str) -> bool:
    """True when ``text`` tries to steer the model rather than state a preference: override or ignore its
    instructions, reveal its prompt, change its role, lift its rules, or carry an encoded payload."""
    return any(_override(view, _skeleton_of_clean(view)) for view in _views(text))


def prompt_text(text: str) -> str:
    """``text`` made safe for one line of a prompt (see the module docstring): never more than one line,
    never an angle bracket, and rendered as a JSON string literal when it looks like prompt structure.

    Override phrases alone do not quote a line (the fence and the header already say it is data, and recall
    renders hundreds of lines per request); they decide what may become a standing instruction instead."""
    if _PLAIN.fullmatch(text):
        shown = " ".join(text.split())
        steers = _markup(_skeleton_of_clean(text, plain=True))
    else:
        cleaned = clean_text(text)
        shown = " ".join(_escape_angles(cleaned).split())
        steers = any(_markup(_skeleton_of_clean(view)) for view in _views(text, cleaned))
    return json.dumps(shown, ensure_ascii=False) if steers else shown


def _views(text: str, cleaned: str | None = None) -> list[str]:
    """What detection reads: the text as displayed (invisible characters dropped) and, when it smuggles ASCII
    in tag characters, the text with that ASCII read back in (either may be what a model acts on)."""
    if _PLAIN.fullmatch(text):
        return [text]
    views = [clean_text(text) if cleaned is None else cleaned]
    if max(text) >= "\U000e0020" and _TAG_CHARS.search(text):
        views.append(clean_text(_untag(text)))
    return views


def _skeleton_of_clean(cleaned: str, *, plain: bool | None = None) -> str:
    if plain if plain is not None else _PLAIN.fullmatch(cleaned):
        return " ".join(cleaned.lower().split())
    folded = unicodedata.normalize("NFKC", cleaned).casefold()
    if max(folded, default=" ") > "\u00ff":  # look-alikes are beyond Latin-1: translate only then (it is slow)
        folded = folded.translate(_CONFUSABLES)
    return " ".join(folded.split())


def _markup(skel: str) -> bool:
    return any(any(k in skel for k in keys) and rx.search(skel) is not None for keys, rx in _MARKUP)


def _override(cleaned: str, skel: str, *, plain: bool | None = None) -> bool:
    if any(any(k in skel for k in keys) and rx.search(skel) is not None for keys, rx in _OVERRIDE_EN):
        return True
    if max(map(len, skel.split()), default=0) >= 24 and _ENCODED.search(skel):
        return True
    plain = plain if plain is not None else _PLAIN.fullmatch(cleaned) is not None
    folded = skel if plain else unicodedata.normalize("NFKC", cleaned).casefold()
    keys = _OVERRIDE_INTL_ASCII_KEYS if plain else _OVERRIDE_INTL_KEYS
    return any(k in folded for k in keys) and _OVERRIDE_INTL.search(folded) is not None
