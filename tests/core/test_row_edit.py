"""``retrieval.arrays.RowEdit`` and ``Positions``: a list edited by position (rows removed, rows inserted) and the
id -> row map answered from the old map and the edit give what the edited list itself gives, over chains of edits
(a write after each recall patches the previous patch)."""

from __future__ import annotations

import random

import numpy as np

from memagent.retrieval.arrays import Positions, RowEdit, positions


def _edit(rng: random.Random, ids: list[str], fresh: list[str]) -> tuple[RowEdit, list[str], list[str]]:
    """A random edit of ``ids``: some rows removed (some of those ids come back, re-read), new ids inserted."""
    removed = sorted(rng.sample(range(len(ids)), rng.randint(0, min(4, len(ids)))))
    kept = [i for r, i in enumerate(ids) if r not in set(removed)]
    back = [ids[r] for r in removed if rng.random() < 0.5]
    added = back + [fresh.pop() for _ in range(rng.randint(0, 3))]
    out = list(kept)
    for iid in added:
        out.insert(rng.randint(0, len(out)), iid)
    inserted = sorted(out.index(i) for i in added)
    return RowEdit(ids, removed, inserted), [out[r] for r in inserted], out


def test_an_edit_applied_and_its_positions_are_the_edited_lists():
    rng = random.Random(5)
    for _ in range(200):
        fresh = [f"id{n}" for n in range(1000, 0, -1)]
        ids = [fresh.pop() for _ in range(rng.randint(0, 30))]
        pos = positions(ids)
        for _ in range(rng.randint(1, 20)):  # past the depth where a plain map is built again
            edit, values, want = _edit(rng, ids, fresh)
            got = edit.apply(ids, values)
            assert got == want
            src = edit.sources(len(want))
            assert src is not None
            assert [ids[r] if r >= 0 else None for r in src.tolist()] == [
                None if r in set(edit.inserted) else i for r, i in enumerate(want)]
            pos = positions(got, edit, pos)
            assert [pos.get(i) for i in want] == list(range(len(want)))
            assert all(pos.get(i) is None and i not in pos for i in ids if i not in set(want))
            assert pos.get("never") is None and "never" not in pos
            ids = got
        assert not isinstance(pos, Positions) or pos.depth <= 8


def test_an_edit_of_another_length_is_not_taken():
    edit = RowEdit(["a", "b", "c"], [1], [0])
    assert edit.sources(4) is None
    assert np.array_equal(edit.sources(3), np.array([-1, 0, 2]))
