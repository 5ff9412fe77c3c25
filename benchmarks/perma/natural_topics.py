"""Topic text for the generator's ``natural`` style: how a user opens a session in each domain (as a situation,
not a request template), small talk, whole unrelated tasks, and foreign-language frames for noise 4.

Written apart from memagent's extraction rules (see :mod:`benchmarks.perma.phrasing_natural`). No catalog value
appears here, so the distractor text never looks like a gold value. Everything is invented for this benchmark.
"""

from __future__ import annotations

__all__ = ["FOREIGN", "OFF_TOPIC", "OPENERS", "SMALL_TALK"]

# Per domain: situations that lead into the session. None names a preference value.
OPENERS: dict[str, tuple[str, ...]] = {
    "Alarm": ("my phone updated overnight and wiped all my alarms, can you help me put it back together",
              "I overslept twice this week, I need to sort my wake-up situation out",
              "new week, new me. I want a proper morning routine with an alarm that actually gets me up"),
    "Books": ("just finished a book on the plane and now I've got nothing to read",
              "book club picked me to choose this month's read, help",
              "I want to get back into reading, I've been doomscrolling way too much"),
    "Buses": ("I have to get to my aunt's place next weekend and driving isn't an option",
              "train strike again, so it's the coach for me. can you look into it",
              "cheapest way to get across the country next month? I'm thinking bus"),
    "Calendar": ("my week is a disaster, things keep overlapping",
                 "my manager wants a sync with the whole team and I'm the one organising it",
                 "I keep forgetting appointments, can you help me get my calendar in shape"),
    "Events": ("it's been ages since I went out, what's on this weekend",
               "friend's in town on Saturday and I want to take them somewhere",
               "I need something to look forward to, find me a thing to go to next month"),
    "Finance": ("got my tax refund and I don't want to just spend it on nonsense",
                "I looked at my bank statement and nearly fainted, help me make sense of my spending",
                "my dad keeps telling me to start thinking about the future, money-wise"),
    "Flights": ("conference in the autumn and I need to get there somehow",
                "thinking of flying home for my mum's birthday",
                "work finally approved the trip, I need flights"),
    "Games": ("four days off coming up and I want something to sink into",
              "my friends want a new thing for our Friday sessions",
              "finished my last game and I'm bored out of my mind"),
    "Hotels": ("I'll be in the city for three nights next month and need somewhere to crash",
               "surprise getaway for my girlfriend, need a place to stay",
               "the conference hotel is sold out, so I need an alternative nearby"),
    "Media": ("I've run out of stuff to watch, help",
              "my commute is long and I'm sick of my own thoughts",
              "need something on in the background while I cook tonight"),
    "Messaging": ("I need to tell the group I can't make Saturday without sounding flaky",
                  "my team needs an update from me and I keep putting it off",
                  "can you help me word something to my neighbours about the party"),
    "Movies": ("date night tomorrow and I'm in charge of the film",
               "rainy Sunday, sofa, blanket. I just need a film",
               "my friends are coming over and we can never agree on what to watch"),
    "Music": ("I need something new to listen to, my playlists are stale",
              "putting together songs for a long drive",
              "I'm hosting friends on Friday and the music always ends up awkward"),
    "Rental Cars": ("we're doing a road trip up the coast and need wheels",
                    "I land late on Thursday and the airport's miles from anywhere",
                    "my car's in the garage for a week, ugh"),
    "Restaurants": ("it's my turn to pick where we eat on Friday",
                    "parents are visiting and they want to go out for dinner",
                    "can't face cooking tonight, where should I go"),
    "Services": ("the flat is a mess and I've no time to deal with it",
                 "something's leaking under the kitchen sink",
                 "I'm away for a few days and need someone to help out at home"),
    "Shopping": ("my old trainers finally died", "birthday coming up for my best mate and I've got no ideas",
                 "I need a couple of things for the new flat"),
    "Sports": ("derby this weekend and I don't want to miss it",
               "my nephew's really into sport and I want to take him to a match",
               "what's on this weekend sport-wise"),
    "Train": ("I'm heading to the coast next week, thinking train",
              "meeting in another city on Thursday, I need to be there by lunch",
              "I want to visit my grandparents and the train's easiest"),
    "Travel": ("I've got two weeks off in the summer and no plan at all",
               "we want a break somewhere, anywhere, just away from here",
               "my best friend and I have been talking about a trip for years, it's finally happening"),
}

# Small talk: a user line and the assistant's reply, dropped into task sessions.
SMALL_TALK = (
    ("sorry if I'm slow today, barely slept", "No worries at all, take your time. We can go at whatever pace suits you."),
    ("ugh it's been raining for ages now", "That sounds grim. Hopefully it clears up soon, the forecast "
     "usually turns around after a stretch like that."),
    ("my cat just knocked a plant off the shelf lol", "Oh no! Hopefully the plant survives. Cats do seem to treat "
     "shelves as a personal challenge."),
    ("random but do you know how long you can keep cooked rice in the fridge",
     "Generally about a day or so is the safe window, and it should be cooled quickly and reheated until piping hot."),
    ("I've had three coffees and it's not even ten", "That's a strong start to the day! Maybe a glass of water next."),
    ("work was chaos today, everyone's off sick", "That sounds exhausting. Let's make this part quick and easy for you."),
    ("can you remind me what the capital of Australia is, my kid asked and I blanked",
     "It's Canberra. A lot of people guess Sydney, so you're in good company."),
    ("my neighbour has been drilling since 8am", "That's a rough way to start the day. I'll try to keep this smooth."),
)

# Whole unrelated tasks, for off-topic sessions: a list of (user, assistant) exchanges each.
OFF_TOPIC: tuple[tuple[tuple[str, str], ...], ...] = (
    (("can you help me write a cover letter for a junior accountant job",
      "Of course. Tell me a bit about your experience and what drew you to this role, and I'll draft an opening "
      "paragraph that sounds like you rather than a template."),
     ("I did two years at a small firm doing bookkeeping, mostly invoices and payroll",
      "That's solid, relevant experience. I'd lead with the payroll work, since it shows you can handle deadlines "
      "and sensitive data. Here's a first paragraph you can adjust."),
     ("that's good but a bit stiff", "Fair enough. I've loosened the wording and cut the second sentence, which was "
      "doing the same job as the first.")),
    (("my basil keeps dying, what am I doing wrong",
      "Basil is fussy. The usual culprits are too little light, soggy soil, or pinching off too few tops. Where do "
      "you keep it at the moment?"),
     ("on the kitchen windowsill, I water it each morning",
      "Watering that often is probably too much unless it's very hot. Let the top of the soil dry out first, and pinch the "
      "top leaves so it grows bushy instead of tall."),
     ("ok I'll try that", "Good luck! Give it a couple of weeks before judging.")),
    (("explain compound interest like I'm twelve",
      "Imagine you plant one seed and it grows a plant that drops more seeds, and those grow too. Interest that earns "
      "interest works the same way: the pile grows faster the longer you leave it."),
     ("so waiting longer is the whole trick", "Pretty much. Time does most of the heavy lifting.")),
    (("my son has a poem to write about autumn, can you give him some ideas without writing it for him",
      "Sure. He could start with the senses: the crunch of leaves, the smell of wood smoke, the early dark. Another "
      "angle is change, like a tree letting go of its leaves."),
     ("he likes the tree idea", "Nice. He could write it as if the tree were speaking, which makes it feel personal.")),
    (("what's a good stretch for a stiff lower back, I spend all my time at a desk",
      "A gentle one is lying on your back and hugging your knees to your chest for half a minute. If the pain is sharp "
      "or lasts, it's worth seeing someone about it."),
     ("it's just stiffness, nothing serious", "Then short breaks to stand up and walk around now and then help a lot too."),
     ("good shout", "Setting a timer on your phone can help you remember.")),
    (("my wifi keeps dropping in the evening",
      "Evening drops are often congestion, when everyone around you is online. Restarting the router and moving it "
      "off the floor and away from the microwave are easy first steps."),
     ("it is literally next to the microwave", "That could well be it! Try moving it and see if things improve.")),
    (("help me name my new kitten, she's grey and very bossy",
      "Ha, a bossy grey kitten. How about Duchess, Pebble, Storm or Admiral? Something regal might suit the attitude."),
     ("Admiral is hilarious", "Admiral it is, then. She'll probably expect a salute.")),
    (("is it 'affect' or 'effect' in 'this will ___ the results'",
      "It's 'affect' there, because you need the verb. 'Effect' is usually the noun, as in 'the effect on results'."),
     ("I always forget that", "A handy trick: affect is the action, effect is the end result.")),
    (("pub quiz tonight, give me three weird facts to show off",
      "Octopuses have three hearts, honey found in ancient tombs was still edible, and a day on Venus is longer than "
      "its year."),
     ("the Venus one is great", "It always gets a reaction. Good luck tonight!")),
    (("how do I get a red wine stain out of a cream rug",
      "Blot, don't rub. Then a mix of dish soap, white vinegar and warm water dabbed on with a cloth usually "
      "lifts most of it. Test a hidden corner first."),
     ("it's mostly gone, thank god", "Great news. A second go once it's dry often gets the last bit.")),
)

# Noise 4 in natural phrasing: the user's turns in their birth-country language; values stay verbatim. {v}
FOREIGN: dict[str, tuple[str, ...]] = {
    "es": ("la última vez fue {v} y me encantó, así que repetimos", "mejor {v}, la verdad",
           "sí, eso, {v}"),
    "fr": ("la dernière fois c'était {v} et c'était top, on refait pareil", "plutôt {v}, franchement",
           "oui voilà, {v}"),
    "de": ("letztes Mal war es {v} und das war super, also nochmal", "lieber {v}, ehrlich gesagt",
           "ja genau, {v}"),
    "pt": ("da última vez foi {v} e adorei, então vamos repetir", "prefiro {v}, sinceramente", "isso, {v}"),
    "it": ("l'ultima volta era {v} ed è andata benissimo, rifacciamo", "meglio {v}, sinceramente", "sì, esatto, {v}"),
    "fi": ("viimeksi se oli {v} ja se oli tosi hyvä, sama uudestaan", "mieluummin {v}, rehellisesti", "joo, {v}"),
}
