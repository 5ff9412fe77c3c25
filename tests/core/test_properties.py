"""Property-based: any sequence of writes and forgets keeps the graph's invariants."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memagent import HashingEmbedder, Memory
from memagent.graph.candidates import SINGLE_VALUED_PREFIXES

CITIES = ["Boston", "Denver", "Lisbon", "Osaka"]
FOODS = ["sushi", "tacos", "ramen", "curry"]
DIETS = ["vegetarian", "vegan", "pescatarian"]

turn = st.one_of(
    st.builds(lambda c: f"I live in {c}", st.sampled_from(CITIES)),
    st.builds(lambda c: f"I moved to {c}", st.sampled_from(CITIES)),
    st.builds(lambda f: f"I love {f}", st.sampled_from(FOODS)),
    st.builds(lambda f: f"I don't like {f} anymore", st.sampled_from(FOODS)),
    st.builds(lambda d: f"I'm {d} now", st.sampled_from(DIETS)),
    st.builds(lambda f: f"Please forget that I love {f}", st.sampled_from(FOODS)),
    st.builds(lambda c: f"My favorite city is {c}", st.sampled_from(CITIES)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(turn, min_size=1, max_size=12), st.lists(st.sampled_from(FOODS + CITIES), max_size=2))
def test_invariants_hold_after_any_sequence(turns, forget_queries):
    mem = Memory.open(":memory:", embedder=HashingEmbedder(dim=128))
    for t in turns:
        mem.add("u", t)
    for q in forget_queries:
        mem.forget("u", query=q)
    current = mem.items("u")
    # one current value per single-valued subject
    subjects = [i.subject for i in current if i.subject and i.subject.startswith(SINGLE_VALUED_PREFIXES)]
    assert len(subjects) == len(set(subjects))
    # a per-value subject never holds both polarities at once
    likes = [(i.subject, i.polarity) for i in current if i.subject and i.subject.startswith("likes:")]
    assert len({s for s, _ in likes}) == len(likes)
    # the vector index mirrors the store exactly
    assert mem.index.ids("u") == mem.store.item_ids("u")
    # superseded items are closed and point to an existing item
    for item in mem.items("u", include_inactive=True):
        if item.status == "superseded":
            assert item.valid_to is not None and item.valid_to >= item.valid_from
    # a forgotten query word is gone from every current memory that matched it by containment
    for q in forget_queries:
        assert all(q.lower() not in i.text.lower() for i in mem.items("u", include_inactive=True)
                   if i.value and i.value.lower() == q.lower())
    mem.close()
