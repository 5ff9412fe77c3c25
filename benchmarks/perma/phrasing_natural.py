"""Surface text for the generator's ``natural`` style, written apart from memagent's extraction rules.

The default style (:mod:`benchmarks.perma.phrasing`) and memagent's extractor were written by the same people, so
generated data scores what the rules expect. This pool was written without reading those rules: the assistant
does most of the talking (it proposes, lists, sums up), users answer in fragments ("the middle one", "yeah go
on"), preferences come out as stories, complaints and reasons, and changes are told as something that happened.

Placeholders: ``{v}`` a value, ``{x}`` another value of the slot, ``{a} {b} {c}`` listed options, ``{old}``
``{new}`` a change, ``{tmp}`` ``{standing}`` a one-off, ``{story}`` ``{occasion}`` narrative pieces,
``{thing}`` what the session is about ("a hotel"), ``{activity}`` another domain's activity. Everything here is
invented for this benchmark.
"""

from __future__ import annotations

__all__ = [
    "ASSISTANT_FILLER", "ASSISTANT_NAMES", "ASSISTANT_OPEN", "ASSISTANT_TAKE", "BARE_ANSWER", "CHANGE_ASSISTANT",
    "CHANGE_ACK", "CHANGE_USER", "CLOSE_ASSISTANT", "CLOSE_USER", "CONFIRM", "CONTRAST", "DEPEND_ASSISTANT",
    "DEPEND_USER", "GREETING", "LIFE_STORIES", "LIST_OFFER", "LIST_TAKE", "OCCASION_STORIES", "ORDINALS",
    "ORDINAL_PICK", "RECALL_CHECK", "RECAP", "RETRY_BACK", "RETRY_TRY", "STORIES", "TEMP_ASSISTANT", "TEMP_REQUEST",
    "TEMP_USER", "VAGUE_WISH",
]

# How people open a chat before saying what they need; the empty string is "no greeting at all".
GREETING = ("", "", "", "hey", "hi there", "morning!", "ok so", "quick one", "hello again", "right,", "evening,",
            "hiya", "so,", "question for you:")

# The assistant's first reply: it takes the job on and asks or starts proposing. {thing}
ASSISTANT_OPEN = (
    "Of course, I can take care of {thing} for you. Let me pull up a few possibilities and we can narrow it down.",
    "Happy to. Before I start searching, I'll check a couple of details with you so I don't waste your time.",
    "Sure thing. I'll have a look at what's available and come back with a shortlist in a moment.",
    "No problem at all. Give me a second to see what fits, and I'll walk you through the best candidates.",
    "Absolutely, let's sort out {thing}. I'll start broad and we can trim the list together.",
    "Sounds good. I've got a few ideas already, but tell me if anything below is off the mark.",
)

# Assistant filler: the long middle of real assistant turns.
ASSISTANT_FILLER = (
    "Most of these can be changed later without a fee, so there's not much risk in picking one now.",
    "I looked at recent feedback too, and nothing alarming came up apart from the odd complaint about waiting times.",
    "The prices I'm seeing are from this morning, so they might shift a little by the time you confirm.",
    "I've left out a couple that looked fine on paper but had patchy reviews over the last few months.",
    "If you'd like, I can also set a reminder so this doesn't slip your mind later in the week.",
    "There's a slightly cheaper variant as well, but the difference is small and the trade-offs aren't worth it.",
    "Everything here can be done from your phone, so you won't need to print anything.",
    "I double-checked the dates against what's already on your plate and there's no clash that I can see.",
    "One of them is a bit further out of the way, though people who went seemed to think it was worth the detour.",
    "Let me know if you want the details sent by email as well; it only takes a second.",
    "Availability looks decent for now, although Saturdays go faster than the rest.",
    "I kept the list short on purpose, since long lists mostly make the decision harder.",
    "Just so you know, a small booking charge applies on most of these, and it's already folded into the figures.",
    "If none of these feel right, I can widen the search a little and come back with more.",
)

# The user, without naming the value, says what went wrong or what they hope for; the assistant then names it.
VAGUE_WISH = (
    "honestly the last time was a bit of a letdown, so surprise me with something better",
    "I don't want a repeat of last month, that was a mess",
    "whatever you think, you know what I usually end up liking",
    "something that won't annoy me after a week, please",
    "I'm easy, as long as it's not like the one my cousin picked",
    "dunno, I always overthink this part",
    "I had a bad experience with this before so I'm a bit wary",
    "go with your gut, mine's not working today",
    "last time I just took the default and regretted it",
    "nothing fancy, just something I won't have to think about",
)

# The assistant names the value after the user's vague wish. {v}
ASSISTANT_NAMES = (
    "From what I remember of your taste, {v} would probably suit you. Want me to go that way?",
    "How does {v} sound? It tends to work well for people who want something low-maintenance.",
    "I'd lean towards {v} here. Should I lock that in?",
    "My pick would be {v}, if you're okay with that.",
    "Then I'd suggest {v}. It's the option people rarely complain about.",
    "Maybe {v}? It's a safe bet and easy to change if you go off it.",
    "I think {v} is the one for you. Shall I go ahead?",
)

# Short confirmations of something the assistant just named.
CONFIRM = ("yeah", "yep that's it", "mm, sure", "yes!", "ok go on then", "that works", "spot on", "yeah fine",
           "sure, why not", "perfect", "yes please", "exactly", "yup", "that'll do", "ok yes", "right, that one",
           "sounds about right", "go for it")

# The assistant lists three options. {a} {b} {c}
LIST_OFFER = (
    "I've narrowed it down to three: {a}, {b}, or {c}. Any of those jump out?",
    "Here's what I'd shortlist. First, {a}. Second, {b}. Third, {c}. Which way are you leaning?",
    "Three candidates came up: {a}; {b}; and {c}. I can go into more detail on any of them.",
    "Options-wise you've got {a}, {b} and {c}. Happy to book whichever you want.",
    "I'd pick between {a}, {b} and {c}, honestly. What do you reckon?",
)
# The user picks by position; {o} is the ordinal word.
ORDINAL_PICK = ("the {o} one", "{o}", "hmm the {o} I think", "{o} please", "{o} one sounds good",
                "let's do the {o}", "defo the {o}", "{o} i guess, the others don't do it for me",
                "the {o}, and can you be quick about it", "oh the {o} for sure")
ORDINALS = (("first", "top"), ("second", "middle"), ("third", "last"))
# The assistant takes the pick; sometimes it repeats the value, sometimes only "that one".
LIST_TAKE = ("Great choice, {v} it is.", "Lovely, going with {v}.", "Done, that one's sorted.",
             "Okay, I've gone with that one.", "Noted, I'll set it up with {v}.", "Perfect, that's booked in.")

# A story, complaint or reason that contains the value, by slot kind. {v}
STORIES: dict[str, tuple[str, ...]] = {
    "thing": (
        "last time we ended up with {v} and it was honestly the best part of the whole thing",
        "my brother got me into {v} a couple of years ago and I never really went back",
        "I keep coming back to {v}, no idea why, it just works for me",
        "after a long week nothing beats {v}, so let's keep that in",
        "I tried {v} on a whim last spring and it kind of stuck",
        "the one time I skipped {v} I regretted it the whole time",
        "my flatmate teases me about {v} but I don't care",
        "{v} every time, I'm boring like that",
        "work's been mental so I want {v}, something I don't have to think about",
        "a friend dragged me along to something with {v} once and now I'm hooked",
        "ever since that trip with {v} I've been a bit spoiled, to be fair",
        "if it hasn't got {v} I'm honestly not that interested",
    ),
    "time": (
        "I've got to be out the door fairly early, so {v} is about right",
        "last week I tried later and I was a zombie all day, so {v} please",
        "my body clock just wakes up around {v} anyway",
        "{v} gives me enough time to have coffee without rushing",
        "anything after {v} and the whole morning falls apart",
        "the toddler is up at the crack of dawn so {v} makes sense",
    ),
    "limit": (
        "money's a bit tight this month, so {v} if we can",
        "I got burned overspending last time, let's say {v}",
        "I'd rather not go crazy, {v} is what I'm comfortable with",
        "{v} is my ceiling, I've got other stuff to pay for",
        "we said we'd be careful this year, so {v} tops",
    ),
    "schedule": (
        "with my hours the only thing that works is {v}",
        "{v} is when I actually have the energy for it",
        "I learned the hard way that {v} is the only thing I stick to",
        "my week's kind of fixed, so {v}",
        "it has to be {v}, otherwise it clashes with everything",
    ),
}

# "Not X, more like V." {x} {v}
CONTRAST = (
    "not {x}, I've done that to death. more like {v}",
    "anything except {x} really. {v} would be nice",
    "{x} was fine last time but I'd rather {v} now",
    "I know {x} is popular, but {v} is more me",
    "please not {x} again lol. {v}?",
)

# The assistant asks openly, the user answers in a fragment. Assistant asks without naming a slot.
ASSISTANT_TAKE = (
    "Is there anything in particular you'd like me to keep in mind while I look?",
    "What would make this one feel right for you?",
    "Any must-haves before I go hunting?",
    "Should I go for anything specific, or keep it open?",
    "Tell me what you'd want ideally and I'll work around it.",
    "Anything that usually makes or breaks it for you?",
)
BARE_ANSWER = ("{v} I reckon", "prob {v}", "{v}?? if that's doable", "um {v}", "{v}, same old",
               "{v} would be ideal", "oh, {v}", "{v} — that's the main thing", "mostly {v}", "{v} if you can swing it")

# Two values summed up by the assistant; the user nods. {a} {b}
RECAP = (
    "So, to recap: {a}, plus {b}. I'll go ahead on that basis unless you stop me.",
    "Let me make sure I've got it: {a} and {b}. Right?",
    "Just checking the brief, {a} together with {b}. Anything I've missed?",
    "I'll put it down as {a}, and {b} as well. Good?",
)

# The assistant checks a value it remembers; the user confirms. {v}
RECALL_CHECK = (
    "Going by what we did before, I've got {v} down for you. Still right?",
    "I'm assuming {v} again unless you tell me otherwise.",
    "Last time it was {v}. Do you want the same?",
    "I'll keep {v} on there, like before, okay?",
    "You went for {v} previously. Same again, or fancy a change?",
)

# Genuine change, told as something that happened. {story} has no value in it.
LIFE_STORIES: dict[str, tuple[str, ...]] = {
    "any": (
        "we had the baby in the spring and honestly everything is different now",
        "I moved across town a few weeks ago",
        "since the new job nothing about my week looks the same",
        "my doctor had a word with me at my last check-up",
        "I've been trying to get my life a bit more sorted lately",
        "my girlfriend moved in and we've been rethinking a lot of stuff",
        "I had a really rough few months and I'm doing things differently now",
        "I went freelance at the start of the year",
    ),
    "time": (
        "since the new job I can't do mornings like I used to",
        "the commute is twice as long since we moved",
        "I'm working from home now, so I'm not racing for a train any more",
        "they put me on the early shift last month",
    ),
    "schedule": (
        "my hours changed completely after the reorg at work",
        "our youngest started at a new school and our whole week shifted",
        "I've picked up evening classes twice a week",
    ),
    "limit": (
        "money's been tighter since I went part-time",
        "I got a pay rise at last, so I can loosen up a bit",
        "we're saving for a deposit now",
    ),
}
# The user tells the change; {old} may or may not be named.
CHANGE_USER = (
    "so, {story}. {old} just doesn't work for me any more, it'll have to be {new} from now on",
    "{story}, so it's going to be {new} now",
    "bit of news: {story}. I used to be all about {old} but these days it's {new} for me",
    "{story}. long story short, {new} instead",
    "heads up, {story}, which means {new} is the thing now rather than {old}",
    "funny how things change. {story}, and now {new} just makes more sense",
)
# Or only the story, and the assistant names the new value. {old} {new}
CHANGE_ASSISTANT = (
    "That's a big change! Does that mean {old} is off the table? I could switch you to {new} instead.",
    "Makes sense. Would {new} suit you better now than {old}?",
    "Understood. In that case I'd move you over to {new} rather than {old}, if that sounds okay.",
    "Ah, that changes things. Want me to go with {new} from now on?",
)
CHANGE_ACK = ("Okay, I'll use {new} from here on.", "Got it, {new} going forward.", "Updated, thanks for telling me.",
              "Right, I've made the switch.", "Makes total sense. I'll remember {new}.")

# One-off occasions: a story, no value.
OCCASION_STORIES = (
    "my in-laws are staying with us that week", "it's my best friend's stag weekend", "there's a work trip to Oslo",
    "my kid's school play is that evening", "it's a colleague's leaving do", "my sister's flying in for her birthday",
    "I've got a job interview the next morning", "it's our anniversary", "the whole team is coming along",
    "I'm recovering from a sprained ankle",
)
# The user asks for a one-off; {standing} said by the user.
TEMP_USER = (
    "{occasion}, so just this once {tmp}. after that back to normal, {standing} as usual",
    "{occasion}. can we do {tmp} this time? I'm not switching from {standing} or anything, it's a one-time thing",
    "ok so {occasion}, which means {tmp} for that one only. don't touch my {standing} setup",
)
# The user asks for the one-off without naming the standing value; the assistant names it. {standing} {tmp}
TEMP_ASSISTANT = (
    "Sure, {tmp} for this one, and I'll leave your usual {standing} as it is for everything else.",
    "No problem: {tmp} just for this occasion. Afterwards it's back to {standing}.",
    "Got it. I'll make an exception with {tmp} and keep {standing} as your normal choice.",
)
TEMP_REQUEST = ("{occasion}, so could we do {tmp} this time only?", "{occasion}. {tmp} just for that, please",
                "just for this one, {occasion}, I'd like {tmp}")

# Another domain's value in passing. {activity} {v}
DEPEND_ASSISTANT = (
    "By the way, I noticed {activity} is on the same day. Want me to keep it to {v} there as well, like last time?",
    "Since {activity} comes up around then too, I'll assume {v} for that part. Okay?",
)
DEPEND_USER = ("and afterwards there's {activity}, usual {v} for that bit", "oh also {activity} that day. {v}, obvs",
               "{activity} is right after, so {v} for that, same as ever")

CLOSE_USER = ("cool ty", "ok great", "perfect, that's all", "nice one", "thanks!!", "brilliant thanks",
              "lovely", "ta", "", "", "amazing, thank you so much")
CLOSE_ASSISTANT = ("Enjoy, and shout if anything changes.", "Any time! Have a good one.", "Glad to help.",
                   "My pleasure. I'll be here if you need anything else.")

# Noise 3 in natural phrasing: try another value, then take it back. {x} {v}
RETRY_TRY = ("wait, actually what about {x}?", "hmm or {x} maybe", "thinking about it, {x} could be fun")
RETRY_BACK = ("nah ignore me, {v} was right the first time", "no no, forget {x}, stick with {v}",
              "ugh, I'm indecisive today. {v}, final answer")
