"""Surface text for the synthetic generator: several phrasings per intent, the five PERMA noise types, the style
rewrite, and the confident / hedged endings of MCQ options. All text is invented for this benchmark."""

from __future__ import annotations

import random
import re

__all__ = [
    "ACCEPT", "ANSWER_FRAMES", "ASK", "ASK_TWO", "BYE", "CHANGE", "CHANGE_REASONS", "CONFIDENT", "CONFIRM", "DETAILS",
    "DEPENDENCY", "DIGRESSIONS", "FILLERS", "HEDGE", "LANGUAGES", "OCCASIONS", "OPTIONS_OFFER", "PICK",
    "PROPOSE", "RETRACT_REVERT", "RETRACT_TRY", "STATEMENT_FRAMES", "TEMPORARY", "THANKS", "cap", "colloquial",
    "fill", "restyle",
]

# How a user states a value for a slot of kind "thing". {v} value, {noun} the slot's noun.
STATEMENT_FRAMES = (
    "I really like {v}.", "{V} is my go-to {noun}.", "When it comes to the {noun}, I'd go with {v}.",
    "I usually pick {v}.", "My preferred {noun} is {v}.", "Could you go with {v}?", "I'm a big fan of {v}.",
    "{V}, if you can.", "Ideally {v}.", "I'd love {v} for this.", "Let's do {v}.", "Anything with {v} works for me.",
    "I've always enjoyed {v}.", "Please include {v}.", "I tend to go for {v}.", "{V} would be perfect.",
    "For the {noun}, {v} is what I like.", "I'm partial to {v}.",
)
# Short answers right after the assistant asked about the slot.
ANSWER_FRAMES = ("{V}, please.", "{V}.", "Definitely {v}.", "Hmm, {v} I think.", "Go with {v}.", "{V} for sure.")

ASK = ("Sure! Any preference for the {noun}?", "Happy to help. What {noun} do you like?",
       "Got it. Which {noun} should I look for?", "Do you have a {noun} in mind?", "Okay. What about the {noun}?")
ASK_TWO = ("Sure. Any preferences for the {n1} or the {n2}?", "Happy to. What {n1} and what {n2} would you like?",
           "Of course. Tell me the {n1} and the {n2} you prefer.")
CONFIRM = ("Great, I'll keep {vals} in mind.", "Done: {vals}.", "Noted: {vals}. Anything else?",
           "Perfect, going with {vals}.", "All set with {vals}.")
PROPOSE = ("Should I use {v} again, like last time?", "How about {v}, as usual?", "Do you want {v} again?",
           "Shall I go with {v} like before?")
ACCEPT = ("Yes, exactly.", "Yep, that one.", "Sure, that's right.", "Yes please, same as always.", "Mm-hm, do that.")
OPTIONS_OFFER = ("Here are a few options: 1) {a}, 2) {b}, 3) {c}. Which one?",
                 "I found three: 1) {a}, 2) {b}, 3) {c}. Any favorite?")
PICK = ("Let's go with {v}.", "{V} sounds good.", "I'll take {v}.", "{V} is more my style.")
THANKS = ("Great, thanks!", "Perfect, thank you.", "Thanks, that's all for now.", "Cheers!", "Awesome, appreciate it.")
BYE = ("You're welcome!", "Anytime. Enjoy!", "Glad I could help.", "Happy to help, have a good one.")
# Assistant detail sentences: real assistant turns are long (about 185 characters per message in the release).
DETAILS = (
    "I checked availability for the dates you mentioned and there are still a few good slots left.",
    "Prices can change quickly, so it may be worth confirming soon.",
    "I also compared a couple of alternatives, and this one had the best reviews.",
    "If anything changes, just tell me and I'll adjust it.",
    "I saved the details to your account so you can find them later.",
    "There is a small service fee, which I've included in the total.",
    "Recent reviews mention friendly staff and a smooth process.",
    "I'll send you a reminder closer to the time.",
    "The confirmation usually arrives within a few minutes.",
    "I kept a backup option in mind in case the first choice falls through.",
    "Cancellation is free up to a day before, in case your plans shift.",
    "I looked at what's nearby as well, so you have a few extras to consider.",
)
FILLERS = (
    "It's been a hectic week at work.", "My sister is visiting soon, so I want to get this sorted.",
    "I'm a bit tired today.", "I just got back from a long walk.", "The weather has been awful lately.",
    "My neighbor recommended asking you.", "I finally finished that big report.",
    "We're hosting friends at some point this month.", "I've had a long day.", "My phone battery is almost dead.",
    "I've been meaning to sort this out for a while.", "My roommate asked me to handle it this time around.",
    "Work has been busy, so I'm doing this in a quick break.", "I'm writing this from the train.",
)

# Genuine change: {old} -> {new} because of a life event {reason}.
CHANGE = (
    "Since {reason}, I've switched from {old} to {new}.", "{Reason}, so it's {new} from now on instead of {old}.",
    "Heads up: I'm not into {old} anymore, it's {new} these days.", "Please update my {noun}: {new} now, not {old}.",
    "Ever since {reason}, {new} suits me better than {old}.", "I changed my {noun} to {new} after {reason}.",
    "No more {old} for me because {reason}. Let's make it {new}.",
    "Quick update: {reason}, so I've moved on from {old} to {new}.", "My {noun} is {new} now; {reason}.",
)
CHANGE_REASONS = ("my routine changed a lot", "my tastes have changed", "things changed at work",
                  "I've been rethinking my habits")
# One-off override: {tmp} once, {standing} stays.
TEMPORARY = (
    "Just for this trip, I'd like {tmp} instead of my usual {standing}.",
    "Only this once, make it {tmp}; next time back to {standing}.", "For {occasion} only, go with {tmp}.",
    "This is a one-off: {tmp} for {occasion}. Keep my regular {noun} as it is.",
    "Can we do {tmp} just for {occasion}? I'm sticking with {standing} otherwise.",
    "Make an exception for {occasion}: {tmp}. Don't change my usual settings.",
)
OCCASIONS = ("the conference", "my parents' visit", "the wedding weekend", "the early meeting", "the holidays",
             "the team offsite")
# Noise 3: contradict, then revert.
RETRACT_TRY = ("Actually, what about {x}?", "Hmm, maybe switch to {x}?", "On second thought, let's try {x}.")
RETRACT_REVERT = ("No, scratch that, I made a mistake. Stay with {v}.", "Wait, no, forget {x}. {V} is what I want.",
                  "Sorry, my bad, keep {v}.", "Never mind, I'll stick with {v} after all.")
# Noise 2: a detour to another topic.
DIGRESSIONS = (
    ("Oh, by the way, what's the weather like on Friday?", "It looks mild with some clouds on Friday."),
    ("Random question: how long should I boil an egg?", "About 7 minutes for a jammy yolk."),
    ("Side note, what time is it in Tokyo right now?", "It's early morning in Tokyo right now."),
    ("Before I forget, how do I clean suede shoes?", "A suede brush and an eraser work well."),
)
DEPENDENCY = ("This is tied to {activity}, where I'll want {v} as always.",
              "I'm also planning {activity} that day, with {v} of course.",
              "Keep in mind {activity} comes right after, and I'd like {v} for it.")

# Endings of MCQ options. Lengths overlap on purpose, so the gold option (complete, consistent, confident) is not
# recognisable by being the longest or the shortest.
CONFIDENT = ("This matches what you told me before.", "It follows the preferences you shared with me earlier.",
             "That lines up with your usual choices.", "It fits how you like things done.",
             "I went with exactly what you have asked for in the past.", "Done as you like it.")
HEDGE = ("I'm not sure this is what you'd want, though.", "I may have your preferences wrong.",
         "Tell me if this doesn't match your taste.", "I couldn't check what you usually prefer, so it's a guess.",
         "Not sure it fits.", "This might not match what you like.")

# Noise 4: the user's turns in their birth-country language; values stay as they were said.
LANGUAGES: dict[str, dict[str, tuple[str, ...]]] = {
    "es": {"value": ("Prefiero {v}, por favor.", "Me encanta {v}.", "¿Podrías buscar algo con {v}?",
                     "Para mí, {v} siempre."),
           "open": ("Hola, necesito ayuda con {thing}.", "Buenas, ¿me ayudas con {thing}?"),
           "thanks": ("¡Gracias!", "Perfecto, muchas gracias.")},
    "fr": {"value": ("Je préfère {v}, s'il vous plaît.", "J'adore {v}.", "Tu peux chercher quelque chose avec {v} ?",
                     "Pour moi, c'est {v}."),
           "open": ("Bonjour, j'ai besoin d'aide pour {thing}.", "Salut, tu peux m'aider avec {thing} ?"),
           "thanks": ("Merci !", "Parfait, merci beaucoup.")},
    "de": {"value": ("Ich bevorzuge {v}, bitte.", "Ich mag {v} sehr.", "Kannst du etwas mit {v} finden?",
                     "Für mich bitte {v}."),
           "open": ("Hallo, ich brauche Hilfe mit {thing}.", "Hi, kannst du mir bei {thing} helfen?"),
           "thanks": ("Danke!", "Super, vielen Dank.")},
    "pt": {"value": ("Prefiro {v}, por favor.", "Eu adoro {v}.", "Pode procurar algo com {v}?", "Para mim, {v} sempre."),
           "open": ("Olá, preciso de ajuda com {thing}.", "Oi, pode me ajudar com {thing}?"),
           "thanks": ("Obrigado!", "Perfeito, muito obrigado.")},
    "it": {"value": ("Preferisco {v}, per favore.", "Adoro {v}.", "Puoi cercare qualcosa con {v}?", "Per me, {v}."),
           "open": ("Ciao, ho bisogno di aiuto con {thing}.", "Salve, mi aiuti con {thing}?"),
           "thanks": ("Grazie!", "Perfetto, grazie mille.")},
    "fi": {"value": ("Haluaisin {v}, kiitos.", "Pidän kovasti: {v}.", "Voisitko etsiä jotain, jossa on {v}?",
                     "Minulle {v}, kiitos."),
           "open": ("Hei, tarvitsen apua: {thing}.", "Moi, voitko auttaa? Aihe: {thing}."),
           "thanks": ("Kiitos!", "Täydellistä, kiitos paljon.")},
}

_SLANG = ((r"\byou\b", "u"), (r"\bplease\b", "pls"), (r"\breally\b", "rly"), (r"\bthanks\b", "thx"),
          (r"\bgoing to\b", "gonna"), (r"\bwant to\b", "wanna"), (r"\bI am\b", "im"), (r"\bI'm\b", "im"),
          (r"\bwith\b", "w/"), (r"\bbecause\b", "cuz"), (r"\bsomething\b", "smth"))
_TAGS = (" lol", " ngl", " tbh", " haha", "!!", " fr")


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def fill(template: str, **kw: str) -> str:
    """Format a template; ``{V}`` / ``{Reason}`` are the capitalised forms of ``{v}`` / ``{reason}``."""
    extra = {k[:1].upper() + k[1:]: cap(v) for k, v in kw.items()}
    return template.format(**kw, **extra)


def colloquial(text: str, rng: random.Random, protect: tuple[str, ...] = ()) -> str:
    """Noise 5: slang, lowercase, dropped punctuation; the protected values are kept as they are."""
    keep = {f"\x00{i}\x00": v for i, v in enumerate(protect) if v in text}
    for k, v in keep.items():
        text = text.replace(v, k)
    for pattern, repl in _SLANG:
        if rng.random() < 0.8:
            text = re.sub(pattern, repl, text, flags=re.I)
    text = text.lower().rstrip(".!?") + rng.choice(_TAGS)
    for k, v in keep.items():
        text = text.replace(k.lower(), v)
    return text


def restyle(text: str, style: str, rng: random.Random, protect: tuple[str, ...] = ()) -> str:
    """The style variant: the same content in a user's own writing habits."""
    if style == "terse":
        text = re.sub(r"^(?:hi|hello|hey|sure|okay|great|perfect)[,!.]?\s+", "", text, flags=re.I)
        return text.rstrip(".!")
    if style == "lowercase":
        keep = {f"\x00{i}\x00": v for i, v in enumerate(protect) if v in text}
        for k, v in keep.items():
            text = text.replace(v, k)
        text = re.sub(r"[.!]", "", text.lower())
        for k, v in keep.items():
            text = text.replace(k.lower(), v)
        return text
    if style == "polite":
        return rng.choice(("Hello there! ", "Good day, ", "Hi, hope you're well. ")) + text + \
            rng.choice((" Thank you kindly.", " Much appreciated.", ""))
    return text
