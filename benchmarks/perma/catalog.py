"""The made-up world the synthetic generator draws from: PERMA's 20 domains, their slots, value pools and the
domain-specific phrasing (session openers, questions, task definitions, option frames).

Plain data, deliberately long (one entry per domain): everything here is invented for this benchmark and
none of it comes from PERMA. Slot templates use ``{v}`` for the value; slots of kind ``thing`` also get the
generic frames of :mod:`benchmarks.perma.phrasing`, the others (times, limits, schedules) only their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DOMAINS", "MD_COMBOS", "Domain", "Slot"]


@dataclass(frozen=True)
class Slot:
    name: str  # as in profile.json affinities
    noun: str  # how people name it: "cuisine", "alarm sound"
    values: tuple[str, ...]
    multi: bool = True
    kind: str = "thing"  # thing | time | limit | schedule
    templates: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()  # life events that make this slot change


@dataclass(frozen=True)
class Domain:
    name: str
    thing: str  # what a session is about: "a restaurant"
    activity: str  # for multi-domain questions: "dinner out"
    openers: tuple[str, ...]
    questions: tuple[str, ...]
    tasks: tuple[tuple[str, str, str], ...]  # (description, user intent, goal)
    done: str  # option frame when the task is completed; {desc}
    general: str  # option frame when it is not
    slots: tuple[Slot, ...] = field(default_factory=tuple)


def _d(name: str, thing: str, activity: str, openers: str, questions: str, tasks: list[tuple[str, str, str]],
       done: str, general: str, slots: list[Slot]) -> Domain:
    return Domain(name, thing, activity, tuple(openers.split(" | ")), tuple(questions.split(" | ")), tuple(tasks),
                  done, general, tuple(slots))


def _s(name: str, noun: str, values: str, *, multi: bool = True, kind: str = "thing", tpl: str = "",
       reasons: str = "") -> Slot:
    return Slot(name, noun, tuple(values.split(" | ")), multi, kind, tuple(t for t in tpl.split(" | ") if t),
                tuple(r for r in reasons.split(" | ") if r))


DOMAINS: tuple[Domain, ...] = (
    _d("Alarm", "an alarm", "the alarm for that morning",
       "Can you set up an alarm for me? | I need a wake-up alarm. | Help me sort out my morning alarm. | "
       "Could you create a new alarm on my phone?",
       "Can you check my regular alarm? | Is my wake-up alarm set the way I like it? | "
       "Please set my alarm for the work week. | Could you review my morning alarm settings?",
       [("The user wants their regular alarm configured.", "Configure the regular alarm.",
         "The alarm matches the user's time, sound and repeat habits."),
        ("The user wants a reliable wake-up routine.", "Set up a wake-up routine.",
         "The routine uses the user's preferred sound and snooze habits.")],
       "Your alarm is now set ({desc}) and switched on.", "Alarms can be changed in the clock app ({desc}).",
       [_s("Alarm Time Preference", "wake-up time", "6:45 AM | 7:30 AM | 6:15 AM | 5:50 AM | 8:10 AM | 7:05 AM | "
           "6:20 AM | 9:00 AM", multi=False, kind="time",
           tpl="Set it for {v}, please. | I need to be up at {v}. | {v} works best for me. | "
               "Wake me at {v}. | My alarm should go off at {v}.",
           reasons="I started a new job with an earlier shift | my commute got longer after the move | "
                   "I switched to working from home"),
        _s("Alarm Sound Preference", "alarm sound", "soft chimes | birdsong | a classic bell | piano music | "
           "ocean waves | the radio news | a gentle gong | acoustic guitar",
           tpl="Use {v} as the sound. | I like waking up to {v}. | The sound should be {v}."),
        _s("Alarm Recurring Preference", "repeat schedule", "weekdays | every day | Saturdays and Sundays only | "
           "Monday to Thursday | Tuesdays and Thursdays | every other day", multi=False, kind="schedule",
           tpl="Have it repeat {v}. | It should go off {v}. | Repeat it {v}, please."),
        _s("Snooze Preference", "snooze setting", "no snooze | one 5-minute snooze | two 10-minute snoozes | "
           "a single 9-minute snooze | unlimited snoozes", multi=False,
           tpl="For snooze, {v}. | I want {v} on it. | Give me {v}.")]),
    _d("Books", "a book", "something to read",
       "I'm looking for my next book. | Can you recommend something to read? | I need a book for the holidays. | "
       "Help me pick a novel for my book club.",
       "What should I read next? | Can you recommend a book for my trip? | "
       "I finished my last book, any suggestions? | Pick a novel for a rainy weekend, please.",
       [("The user wants a book recommendation.", "Get a book recommendation.",
         "The book fits the user's genres, authors and format."),
        ("The user wants to buy a book as a treat.", "Buy a new book.", "The purchase fits the user's reading habits.")],
       "I ordered a book for you ({desc}); it arrives tomorrow.", "Here is some general reading advice ({desc}).",
       [_s("Preferred Genres", "genre", "historical fiction | crime thrillers | science fiction | literary memoirs | "
           "fantasy sagas | popular science | cozy mysteries | travel writing | poetry collections"),
        _s("Favourite Authors", "author", "Kazuo Ishiguro | Tana French | Ursula K. Le Guin | Hilary Mantel | "
           "Jo Nesbo | Mary Beard | Haruki Murakami | Chimamanda Ngozi Adichie | Terry Pratchett"),
        _s("Reading Format", "format", "Kindle e-books | paperbacks | audiobooks | hardcovers | library loans",
           multi=False, reasons="I got a new e-reader | my eyes get tired from screens now | I commute by car now"),
        _s("Book Length Preference", "book length", "under 300 pages | long epics | short story collections | "
           "novellas", multi=False, tpl="Ideally {v}. | I prefer {v}. | Something {v} would suit me.")]),
    _d("Buses", "a bus trip", "the bus ride",
       "I need a bus ticket for next week. | Can you find me a coach to the city? | "
       "Help me book an intercity bus. | I'm taking the bus to visit my parents, can you help?",
       "Can you book my bus to the city? | I need a coach ticket for Friday. | "
       "Find me a bus for the weekend trip. | What's the best bus option for my visit home?",
       [("The user wants an intercity bus ticket.", "Book a bus ticket.",
         "The ticket fits the user's operator, seat and time preferences."),
        ("The user plans a weekend coach trip.", "Plan a coach trip.", "The trip fits the user's bus habits.")],
       "Your bus ticket is booked ({desc}) for Friday.", "Buses run often on that route ({desc}).",
       [_s("Bus Operator", "bus company", "FlixBus | Greyhound | Megabus | National Express | BlaBlaBus | Ouibus"),
        _s("Bus Seat Preference", "seat", "a seat near the front | a window seat upstairs | an aisle seat | "
           "the back row | a seat with a table", multi=False),
        _s("Bus Departure Time", "departure time", "early morning departures | late evening departures | "
           "overnight buses | midday departures", multi=False, kind="schedule",
           tpl="I'd rather take {v}. | {v} suit me best. | Please look at {v}."),
        _s("Bus Amenities", "amenity", "onboard Wi-Fi | USB charging | a toilet on board | extra legroom")]),
    _d("Calendar", "my calendar", "the calendar invites",
       "Can you set up a meeting for me? | I need help organizing my calendar. | Could you add an event to my "
       "calendar? | Help me plan my week in the calendar.",
       "Can you schedule a catch-up with my team? | Please put the dentist visit in my calendar. | "
       "Organize my calendar for next week. | Add a meeting with my manager, please.",
       [("The user wants a meeting scheduled.", "Schedule a meeting.", "The meeting fits the user's calendar habits."),
        ("The user wants their week organized.", "Organize the week.", "Events follow the user's reminder habits.")],
       "I added it to your calendar ({desc}) and sent the invite.", "Meetings are usually easy to move ({desc}).",
       [_s("Meeting Time Preference", "meeting time", "mornings before 11 | right after lunch | late afternoons | "
           "Tuesday mornings | Friday afternoons", multi=False, kind="schedule",
           tpl="Put meetings in {v}. | I'm most focused for meetings {v}. | Aim for {v}."),
        _s("Reminder Timing", "reminder", "15 minutes before | one hour before | 8 PM the night before | "
           "30 minutes before | a day ahead", multi=False, kind="schedule",
           tpl="Remind me {v}. | I want the reminder {v}. | Set the reminder for {v}."),
        _s("Calendar App", "calendar app", "Google Calendar | Outlook | Apple Calendar | Fantastical | Proton Calendar",
           multi=False, reasons="my company moved to a new system | I switched phones"),
        _s("Event Color Coding", "color coding", "green for personal events | red for deadlines | "
           "blue for work meetings | purple for family time")]),
    _d("Events", "an event", "an evening event",
       "Are there any good events this weekend? | Can you find something fun to do on Saturday? | "
       "I'd like to go out to a show. | Help me find tickets for something next month.",
       "What should I do this weekend? | Find me an event for Saturday night. | "
       "Any shows worth seeing next month? | Can you get tickets for something fun?",
       [("The user wants weekend plans.", "Find a weekend event.", "The event fits the user's interests and budget."),
        ("The user wants to surprise a friend with tickets.", "Buy event tickets.", "The tickets fit the user's taste.")],
       "I got you two tickets ({desc}) for Saturday.", "Plenty of events run every weekend ({desc}).",
       [_s("Event Types", "kind of event", "stand-up comedy | art exhibitions | food festivals | jazz concerts | "
           "theatre premieres | open-air cinema | poetry slams | flea markets"),
        _s("Event Seating", "seating", "front rows | balcony seats | the standing area | aisle seats near the exit",
           multi=False),
        _s("Ticket Budget", "ticket budget", "under $50 | under $25 | up to $100 | around $40", multi=False,
           kind="limit", tpl="Keep the tickets {v}. | My budget is {v} per ticket. | Tickets {v}, if possible."),
        _s("Event Company", "company", "with a couple of friends | with my partner | on my own | with my kids",
           multi=False, tpl="I'll be going {v}. | I usually go {v}.")]),
    _d("Finance", "my finances", "the budget for it",
       "Can you help me with my budget? | I want to review my savings. | Help me think about investing. | "
       "Could you look at my spending this month?",
       "How should I invest my bonus? | Can you review my monthly budget? | "
       "Help me set up my savings plan. | What should I do with my spare cash?",
       [("The user wants advice on their money.", "Get financial advice.", "The advice fits the user's risk profile."),
        ("The user wants their budget reviewed.", "Review the budget.", "The review uses the user's tools.")],
       "I set up the plan for you ({desc}) and scheduled it monthly.", "Here is general advice on money ({desc}).",
       [_s("Investment Style", "investment approach", "low-cost index funds | dividend stocks | green bonds | "
           "a robo-advisor | high-yield savings accounts", multi=False,
           reasons="we're saving for a house now | I paid off my student loan | the baby arrived"),
        _s("Budgeting Tool", "budgeting tool", "YNAB | a spreadsheet | Monarch | pen and paper | my bank's app",
           multi=False),
        _s("Banking Channel", "way to bank", "the mobile app | in-branch visits | online banking on my laptop | "
           "phone banking", multi=False),
        _s("Savings Goal", "savings goal", "an emergency fund | a trip to Japan | a new car | early retirement")]),
    _d("Flights", "a flight", "the flight",
       "I need to book a flight. | Can you find flights for my trip next month? | Help me book a flight home. | "
       "Could you look up flights for a work trip?",
       "Book me a flight for the conference. | Find flights for my holiday. | "
       "I need to fly home next month, can you help? | What flight should I take for the work trip?",
       [("The user wants a flight booked.", "Book a flight.", "The flight fits the user's airline, seat and cabin."),
        ("The user plans a long-haul trip.", "Plan a long-haul flight.", "The itinerary follows the user's habits.")],
       "Your flight is booked ({desc}) and the e-ticket is in your inbox.",
       "Flights on that route are frequent ({desc}).",
       [_s("Airline Preference", "airline", "KLM | Lufthansa | Delta | Qantas | Emirates | Air Canada | "
           "Finnair | TAP Air Portugal | Iberia"),
        _s("Flight Seat Preference", "seat", "an aisle seat | a window seat | an exit row seat | "
           "a bulkhead seat", multi=False, reasons="my knee surgery | I started getting motion sick"),
        _s("Cabin Class", "cabin class", "economy | premium economy | business class", multi=False,
           reasons="my company now pays for business travel | I'm trying to save money this year"),
        _s("Layover Preference", "layovers", "direct flights only | one short layover | a long layover to "
           "explore", multi=False)]),
    _d("Games", "a game", "a game night",
       "Can you recommend a new game? | I want something to play this weekend. | "
       "Help me find a game for the evenings. | What's a good game to try next?",
       "What game should I play next? | Recommend something for my game night. | "
       "I have a free weekend, any game ideas? | Find me a new game to buy.",
       [("The user wants a game recommendation.", "Get a game recommendation.",
         "The game fits the user's genres and platform."),
        ("The user plans a game night.", "Plan a game night.", "The game suits the user's play style.")],
       "I bought and downloaded it for you ({desc}).", "Here is some general gaming advice ({desc}).",
       [_s("Preferred Game Genres", "game genre", "strategy games | cozy farming sims | roguelikes | RPGs | "
           "puzzle games | racing games | survival horror"),
        _s("Gaming Platform", "platform", "Nintendo Switch | PC | PlayStation 5 | Xbox | Steam Deck",
           multi=False, reasons="I sold my old console | I got a new gaming laptop"),
        _s("Play Style", "play style", "co-op with friends | solo story mode | competitive online matches | "
           "couch co-op", multi=False),
        _s("Favourite Game Titles", "favorite game", "Stardew Valley | Civilization VI | Hades | "
           "The Witcher 3 | Celeste | Baldur's Gate 3")]),
    _d("Hotels", "a hotel", "a hotel stay",
       "I need a hotel for my trip. | Can you book me a room for next weekend? | "
       "Help me find a place to stay. | Could you look for a hotel near the conference?",
       "Book me a hotel for the conference. | Where should I stay on my trip? | "
       "I need a room for two nights, can you help? | Find me a hotel for the weekend away.",
       [("The user wants a hotel booked.", "Book a hotel.", "The hotel fits the user's type, room and amenities."),
        ("The user plans a weekend stay.", "Plan a hotel stay.", "The stay follows the user's habits.")],
       "I booked your room ({desc}) and the confirmation is in your inbox.",
       "Hotels in that area vary a lot ({desc}).",
       [_s("Hotel Type", "kind of hotel", "boutique hotels | big chain hotels | design hotels | family-run B&Bs | "
           "aparthotels", multi=False),
        _s("Room Preference", "room", "a high floor | a quiet room away from the elevator | a king bed | "
           "a room with a bathtub | twin beds"),
        _s("Hotel Amenities", "amenity", "a gym | an indoor pool | free breakfast | a spa | late checkout | "
           "free parking"),
        _s("Nightly Budget", "budget per night", "under $150 a night | under $90 a night | up to $250 a night | "
           "around $120 a night", multi=False, kind="limit",
           tpl="Keep it {v}. | My budget is {v}. | Something {v} would be ideal.",
           reasons="we're saving for a house now | I got a raise")]),
    _d("Media", "something to watch or listen to", "a podcast or a show to stream",
       "What podcasts should I try? | I'm bored, what can I stream tonight? | "
       "Help me find something to listen to on my commute. | Any new shows or podcasts for me?",
       "What should I stream tonight? | Find me something for my commute. | "
       "Any podcast or show recommendations? | What can I put on in the background?",
       [("The user wants media to consume.", "Get media suggestions.", "The media fits the user's services and tastes."),
        ("The user wants commute entertainment.", "Find commute media.", "The media suits the user's habits.")],
       "I queued it up for you ({desc}) so it's ready to play.", "There is plenty to stream these days ({desc}).",
       [_s("Streaming Service", "streaming service", "Netflix | Disney+ | HBO Max | Apple TV+ | Hulu | "
           "Prime Video"),
        _s("Content Types", "kind of content", "true crime podcasts | nature documentaries | "
           "daily news briefings | history podcasts | tech reviews on YouTube | language-learning podcasts"),
        _s("Favourite Podcasts", "podcast", "Radiolab | The Daily | Hardcore History | 99% Invisible | Serial"),
        _s("Subtitle Preference", "subtitles", "subtitles always on | no subtitles | subtitles in the original "
           "language", multi=False)]),
    _d("Messaging", "a message", "the group message",
       "Can you help me write a message to my friends? | I need to send a quick note to my team. | "
       "Help me set up a group chat. | Could you draft a text for my landlord?",
       "Send a message to my friends about Saturday. | Draft a note to my team. | "
       "Can you message my family about the weekend? | Help me reply to my landlord.",
       [("The user wants a message sent.", "Send a message.", "The message uses the user's app and tone."),
        ("The user wants to coordinate a group.", "Coordinate a group.", "The group chat follows the user's habits.")],
       "I sent the message for you ({desc}).", "Messages like this are easy to write ({desc}).",
       [_s("Messaging App", "messaging app", "WhatsApp | Signal | Telegram | iMessage | Messenger", multi=False,
           reasons="my family moved to a different app | I care more about privacy now"),
        _s("Message Tone", "tone", "short and formal | casual with emojis | warm and chatty | straight to the point",
           multi=False, tpl="Keep the tone {v}. | I write {v}. | Make it {v}, like I usually do."),
        _s("Notification Preference", "notifications", "group chats muted | notifications only from family | "
           "no sound at night | badges only", multi=False),
        _s("Sign-off Style", "sign-off", "cheers | best wishes | talk soon | a thumbs-up emoji")]),
    _d("Movies", "a movie", "a movie night",
       "What movie should I watch tonight? | Can you recommend a film for the weekend? | "
       "I want to go to the cinema, any ideas? | Help me pick a movie for date night.",
       "Recommend a movie for tonight. | What film should we see this weekend? | "
       "Pick something for my movie night. | Any movie ideas for a rainy evening?",
       [("The user wants a movie recommendation.", "Get a movie recommendation.",
         "The movie fits the user's genres, directors and viewing habits."),
        ("The user plans a movie night.", "Plan a movie night.", "The plan follows the user's habits.")],
       "I booked the seats for you ({desc}) tonight at 8.", "Here is some general film advice ({desc}).",
       [_s("Preferred Movie Genres", "movie genre", "psychological thrillers | romantic comedies | "
           "animated films | film noir | sci-fi epics | documentaries | horror comedies"),
        _s("Favourite Directors", "director", "Denis Villeneuve | Greta Gerwig | Bong Joon-ho | Hayao Miyazaki | "
           "Agnes Varda | Christopher Nolan"),
        _s("Viewing Format", "way to watch", "IMAX screenings | home streaming | small arthouse cinemas | "
           "drive-in theaters", multi=False),
        _s("Movie Length Preference", "movie length", "under two hours | long director's cuts | short films",
           multi=False)]),
    _d("Music", "music", "the music",
       "Make me a playlist for tonight. | I want to discover some new music. | "
       "Can you put on something to listen to? | Help me find a few new songs.",
       "Make me a playlist for the weekend. | What should I listen to while I work? | "
       "Put together some music for my evening. | Find me new music I'd like.",
       [("The user wants a playlist.", "Get a playlist.", "The playlist fits the user's genres, artists and platform."),
        ("The user wants new music.", "Discover new music.", "The suggestions follow the user's taste.")],
       "I created the playlist for you ({desc}) and it's ready to play.",
       "Here is some general music advice ({desc}).",
       [_s("Preferred Genres", "genre", "jazz | bossa nova | indie rock | synth-pop | classical piano | "
           "afrobeat | lo-fi hip hop | bluegrass | techno"),
        _s("Favourite Artists", "artist", "Elis Regina | Bill Evans | Arcade Fire | Robyn | Fela Kuti | "
           "Nils Frahm | Khruangbin | Norah Jones | Bon Iver"),
        _s("Listening Platform", "music app", "Spotify | Apple Music | Tidal | YouTube Music | Bandcamp",
           multi=False, reasons="my family plan moved to a new service | I got a new phone"),
        _s("Listening Context", "listening moment", "music for focus at work | songs for running | "
           "vinyl on Sunday mornings | background music for cooking")]),
    _d("Rental Cars", "a rental car", "the car rental",
       "I need to rent a car next week. | Can you book me a rental car? | "
       "Help me find a car for the road trip. | Could you look up car rentals at the airport?",
       "Book me a rental car for the trip. | I need a car for the weekend, can you help? | "
       "Find a rental car at the airport. | What car should I rent for the road trip?",
       [("The user wants a rental car.", "Rent a car.", "The rental fits the user's car type and company."),
        ("The user plans a road trip.", "Plan a road trip rental.", "The rental follows the user's habits.")],
       "I reserved the car for you ({desc}) for pickup on Friday.", "Rental cars are easy to find ({desc}).",
       [_s("Car Type", "car size", "a compact car | an SUV | a minivan | an electric car | a convertible",
           multi=False, reasons="the baby arrived | we got a dog | I'm trying to cut emissions"),
        _s("Rental Company", "rental company", "Hertz | Avis | Enterprise | Sixt | Europcar"),
        _s("Transmission Preference", "transmission", "automatic | manual", multi=False),
        _s("Insurance Preference", "insurance", "full coverage | basic coverage only | my credit card's coverage",
           multi=False)]),
    _d("Restaurants", "a restaurant", "dinner out",
       "Can you find me a place for dinner? | I want to eat out tonight. | "
       "Help me pick a restaurant for the weekend. | Could you book a table somewhere nice?",
       "Where should I go for dinner this weekend? | Any dinner ideas for Saturday? | "
       "Can you book a restaurant for my friend's visit? | I want to eat out tonight, what do you suggest?",
       [("The user wants a restaurant recommendation.", "Get a dinner recommendation.",
         "The restaurant fits cuisine, diet, budget and ambiance."),
        ("The user plans a dinner with friends.", "Plan a dinner.", "The dinner follows the user's habits.")],
       "I booked a table for you ({desc}) on Saturday at 7 PM.", "Here is general information on eating out ({desc}).",
       [_s("Cuisine Preference", "cuisine", "Thai | Ethiopian | Lebanese | Japanese | Peruvian | Georgian | "
           "Korean | Sicilian | Mexican", tpl="I'm craving {v} food. | Could you find a {v} place? | "
           "{v} cuisine is my favorite."),
        _s("Dietary Restrictions", "diet", "vegetarian | vegan | gluten-free | pescatarian | dairy-free",
           multi=False, reasons="my doctor told me to change my diet | I watched a documentary about farming"),
        _s("Price Range", "price range", "under $30 | under $20 | $30-$60 | around $50", multi=False, kind="limit",
           tpl="Keep it {v} per person. | My budget is {v} per person. | Something {v} a head, please."),
        _s("Ambiance Preference", "atmosphere", "a quiet atmosphere | outdoor seating | a lively bar scene | "
           "candlelit tables | a family-friendly room")]),
    _d("Services", "a home service", "a cleaner or handyman visit",
       "I need a cleaner for my apartment. | Can you find someone to fix my sink? | "
       "Help me book a dog walker. | Could you find a handyman for this week?",
       "Book a cleaner for next week. | Find someone to fix the shelves. | "
       "I need help around the house, can you arrange it? | Get me a service for the apartment, please.",
       [("The user wants a home service booked.", "Book a home service.",
         "The booking fits the user's provider, timing and standards."),
        ("The user needs a repair.", "Arrange a repair.", "The repair follows the user's habits.")],
       "I booked the service for you ({desc}) for Thursday.", "Home services vary in price ({desc}).",
       [_s("Service Types", "service", "house cleaning | dog walking | plumbing repairs | window washing | "
           "furniture assembly"),
        _s("Preferred Time Slot", "time slot", "weekday evenings | Saturday mornings | early mornings | "
           "lunchtime visits", multi=False, kind="schedule",
           tpl="Book it for {v}. | {v} suit me best. | I'm home for visits {v}."),
        _s("Provider Rating Threshold", "rating", "4.5 stars and up | 4 stars and up | verified pros only",
           multi=False, tpl="Only providers with {v}. | I go for {v}. | Make sure it's {v}."),
        _s("Payment Preference", "payment", "card in the app | cash on the day | invoice by email", multi=False)]),
    _d("Shopping", "some shopping", "the shopping",
       "I need new running shoes. | Can you help me buy a gift? | Help me find a new jacket. | "
       "Could you order some things for the house?",
       "Can you order a birthday gift for my friend? | Help me buy new clothes for work. | "
       "I need to do some shopping, can you help? | Find me a new jacket for winter.",
       [("The user wants to buy something.", "Buy an item.", "The purchase fits the user's brands and delivery."),
        ("The user wants a gift.", "Buy a gift.", "The gift order follows the user's habits.")],
       "I placed the order for you ({desc}); it ships today.", "Here is some general shopping advice ({desc}).",
       [_s("Favourite Brands", "brand", "Patagonia | Uniqlo | Muji | Nike | Levi's | IKEA | Lush"),
        _s("Shopping Channel", "way to shop", "online stores | local boutiques | outlet malls | secondhand shops",
           multi=False),
        _s("Delivery Preference", "delivery", "next-day delivery | store pickup | delivery to my office | "
           "parcel lockers", multi=False, reasons="I moved to a building without a concierge | I started working "
           "from the office again"),
        _s("Payment Method", "payment method", "PayPal | Apple Pay | my credit card | buy now pay later",
           multi=False)]),
    _d("Sports", "a sports plan", "the game to watch",
       "When is the next match on? | Can you find tickets for a game? | I want to watch some sports this "
       "weekend. | Help me plan a sports afternoon.",
       "Can you plan my sports weekend? | Find me a game to watch on Sunday. | "
       "Get tickets for the next match, please. | Where should I watch the game this weekend?",
       [("The user wants to follow a game.", "Watch a game.", "The plan fits the user's teams and viewing habits."),
        ("The user wants match tickets.", "Buy match tickets.", "The tickets follow the user's habits.")],
       "I sorted out the match for you ({desc}) for Sunday.", "There are games on most weekends ({desc}).",
       [_s("Favourite Teams", "team", "FC Porto | the Golden State Warriors | Arsenal | the Toronto Maple Leafs | "
           "Bayern Munich | the Melbourne Storm"),
        _s("Sports Followed", "sport", "basketball | football | tennis | ice hockey | cycling | rugby league"),
        _s("Viewing Preference", "way to watch", "live at the stadium | at a sports bar | streaming at home | "
           "on the radio", multi=False, reasons="my knee surgery | we moved far from the stadium"),
        _s("Seat Preference at Venues", "seat at games", "behind the goal | upper tier seats | courtside | "
           "family stand", multi=False)]),
    _d("Train", "a train ticket", "the train journey",
       "I need a train ticket next week. | Can you book me a train? | Help me find a rail connection. | "
       "Could you look up trains to the coast?",
       "Book me a train for the weekend. | Find a train to the city on Friday. | "
       "I need a rail ticket for my visit, can you help? | Which train should I take next week?",
       [("The user wants a train ticket.", "Book a train.", "The booking fits the user's class, seat and time."),
        ("The user plans a rail trip.", "Plan a rail trip.", "The trip follows the user's habits.")],
       "Your train ticket is booked ({desc}) and on your phone.", "Trains on that line are frequent ({desc}).",
       [_s("Train Class", "class", "first class | standard class | the quiet coach", multi=False,
           reasons="my company now pays for first class | I'm trying to save money this year"),
        _s("Train Seat Preference", "seat", "a forward-facing window seat | an aisle seat | a table seat | "
           "a seat near the luggage rack", multi=False),
        _s("Train Departure Time", "departure time", "trains before 8 AM | mid-morning trains | "
           "evening trains after 6 PM", multi=False, kind="schedule",
           tpl="I'd like {v}. | {v} work best for me. | Look for {v}, please."),
        _s("Ticket Flexibility", "ticket type", "flexible tickets | cheapest advance fares | rail pass fares",
           multi=False)]),
    _d("Travel", "a trip", "the trip itself",
       "I want to plan a holiday. | Can you help me plan a trip? | I'm thinking about a getaway next month. | "
       "Help me find a destination for the summer.",
       "Plan my summer holiday. | Where should I travel next? | Help me plan a short break away. | "
       "Can you put together an itinerary for my trip?",
       [("The user wants a holiday planned.", "Plan a holiday.", "The trip fits the user's destinations and style."),
        ("The user wants a short getaway.", "Plan a getaway.", "The getaway follows the user's habits.")],
       "I booked the trip for you ({desc}) and sent the itinerary.", "Here is some general travel advice ({desc}).",
       [_s("Destination Types", "kind of destination", "beach towns | mountain villages | big city breaks | "
           "national parks | wine regions | islands"),
        _s("Travel Style", "travel style", "slow travel | backpacking | luxury resorts | guided tours | self-drive tours",
           multi=False, reasons="the baby arrived | I got a big promotion"),
        _s("Trip Activities", "activity", "hiking | museum visits | cooking classes | snorkeling | "
           "street food tours | cycling tours"),
        _s("Trip Length", "trip length", "long weekends | two-week trips | one-week trips", multi=False)]),
)

# Multi-domain tasks pair domains that a real request would combine.
MD_COMBOS: tuple[tuple[str, ...], ...] = (
    ("Flights", "Hotels"), ("Restaurants", "Events"), ("Travel", "Flights", "Hotels"), ("Music", "Events"),
    ("Movies", "Restaurants"), ("Train", "Hotels"), ("Rental Cars", "Travel"), ("Calendar", "Alarm"),
    ("Messaging", "Calendar"), ("Shopping", "Games"), ("Books", "Travel"), ("Sports", "Restaurants"),
    ("Buses", "Events"), ("Media", "Train"), ("Finance", "Shopping"), ("Services", "Calendar"),
    ("Restaurants", "Music"), ("Hotels", "Restaurants"), ("Flights", "Rental Cars"),
)
