"""Adversarial: one user never sees, loses or deletes another user's data, whatever the ids look like.

Plugins keep extra vectors per user in the shared index (CIPHER contexts); their keys must never collide with a
real user's key, and reopening or deleting must never touch another user's vectors.
"""

from __future__ import annotations

import pytest

from memagent import HashingEmbedder, Memory, NotFoundError
from memagent.preferences import Cipher
from memagent.store.index import key_owner
from memagent.testing.forensics import TRICKY_USER_IDS, user_views

PARK = "The city council approved a new park on Monday. The park will have a playground and a pond."
PARK_EDIT = "- City council approved a new park on Monday\n- Park will have a playground and a pond"
LIBRARY = "The mayor opened a new public library downtown. The library has a playground and a reading garden."


def _open(tmp_path):
    return Memory.open(tmp_path / "m.db", embedder=HashingEmbedder(dim=256))


def test_a_user_named_like_a_plugin_namespace_does_not_destroy_cipher_contexts_on_reopen(tmp_path):
    mem = _open(tmp_path)
    learned = Cipher(mem, task="summarization").learn("u1", PARK, PARK, PARK_EDIT)
    assert learned.preference
    mem.add("u1::cipher", "I love jazz")  # a legal user id that looks like u1's CIPHER namespace
    mem.close()
    mem = _open(tmp_path)
    cipher = Cipher(mem, task="summarization")
    assert cipher.infer("u1", LIBRARY, k=1).preference == learned.preference
    assert [i.text for i in mem.recall("u1::cipher", "jazz").items()] == ["User loves jazz."]
    mem.close()


def test_tenant_style_user_ids_keep_their_cipher_contexts_across_reopen(tmp_path):
    mem = _open(tmp_path)
    learned = Cipher(mem, task="summarization").learn("acme::alice", PARK, PARK, PARK_EDIT)
    mem.close()
    mem = _open(tmp_path)
    assert Cipher(mem, task="summarization").infer("acme::alice", LIBRARY, k=1).preference == learned.preference
    mem.close()


def test_deleting_a_user_never_deletes_the_vectors_of_a_user_with_a_longer_id(tmp_path):
    mem = _open(tmp_path)
    Cipher(mem, task="summarization").learn("u1", PARK, PARK, PARK_EDIT)
    jazz = mem.add("u1::cipher", "I love jazz").ops[0].item_id
    mem.delete_user("u1")
    assert mem.index.ids("u1::cipher") == {jazz}
    assert [e.item.id for e in mem.recall("u1::cipher", "jazz").entries if e.components.get("dense")] == [jazz]
    mem.close()


def test_deleting_the_longer_id_keeps_the_other_users_cipher_contexts(tmp_path):
    mem = _open(tmp_path)
    cipher = Cipher(mem, task="summarization")
    learned = cipher.learn("u1", PARK, PARK, PARK_EDIT)
    mem.add("u1::cipher", "I love jazz")
    mem.delete_user("u1::cipher")
    assert cipher.infer("u1", LIBRARY, k=1).preference == learned.preference
    mem.close()


def test_delete_user_removes_plugin_vectors_even_when_the_plugin_is_not_loaded(tmp_path):
    mem = _open(tmp_path)
    Cipher(mem, task="summarization").learn("u1", PARK, PARK, PARK_EDIT)
    mem.add("u2", "I love jazz")
    mem.close()
    mem = _open(tmp_path)  # this process never builds a Cipher
    mem.delete_user("u1")
    assert {key_owner(k)[0] for k in mem.index.users()} == {"u2"}
    mem.close()


def test_forget_removes_plugin_vectors_even_when_the_plugin_is_not_loaded(tmp_path):
    mem = _open(tmp_path)
    learned = Cipher(mem, task="summarization").learn("u1", PARK, PARK, PARK_EDIT)
    mem.close()
    mem = _open(tmp_path)
    mem.forget("u1", learned.item_id)
    assert mem.index.users() == set()  # neither the item vector nor the context vector is left
    mem.close()


ODD_IDS = list(TRICKY_USER_IDS)


def test_no_view_of_any_user_shows_another_users_words(tmp_path):
    mem = _open(tmp_path)
    cipher = Cipher(mem, task="summarization")
    secret = {u: f"Secretword{n}q" for n, u in enumerate(ODD_IDS)}
    for u in ODD_IDS:
        mem.add(u, f"I love {secret[u]} jazz")
        mem.add_instruction(u, f"When I book flights, always fly with {secret[u]} airlines")
        cipher.learn(u, f"{PARK} {secret[u]}", PARK, f"{PARK_EDIT} {secret[u]}")
    mem.close()
    mem = _open(tmp_path)
    cipher = Cipher(mem, task="summarization")
    for u in ODD_IDS:
        cipher_view = str([mem.store.get_event(u, e.event_id).text for e in cipher.infer(u, PARK, k=5).evidence])
        views = {**user_views(mem, u, query="jazz flights airlines park book a flight"), "cipher": cipher_view}
        for view, text in views.items():
            leaked = [s for v, s in secret.items() if v != u and s in text]
            assert not leaked, (u, view, leaked)
        assert secret[u] in views["recall"] and secret[u] in views["cipher"]
    assert mem.forget("u1", query=f"{secret['u1']} jazz")
    for u in ODD_IDS[1:]:
        assert any(secret[u] in i.text for i in mem.items(u)), u
    mem.close()


@pytest.mark.parametrize("victim", ["u1", "u1::cipher"])
def test_forgetting_by_id_of_another_user_is_not_found(tmp_path, victim):
    mem = _open(tmp_path)
    item = mem.add(victim, "I love jazz").ops[0].item_id
    attacker = "u1::cipher" if victim == "u1" else "u1"
    mem.add(attacker, "I live in Lisbon")
    for call in (lambda: mem.forget(attacker, item), lambda: mem.get(attacker, item),
                 lambda: mem.explain(attacker, item), lambda: mem.history(attacker, item)):
        with pytest.raises(NotFoundError):
            call()
    assert mem.get(victim, item).text == "User loves jazz."
    assert [h.op for h in mem.history(victim, item)] == ["insert"]


def test_the_history_of_a_forgotten_item_is_still_its_owners(tmp_path):
    mem = _open(tmp_path)
    item = mem.add("u1", "I love jazz").ops[0].item_id
    mem.add("u2", "I live in Lisbon")
    mem.forget("u1", item)
    assert [(h.op, h.text) for h in mem.history("u1", item)] == [("insert", None), ("forget", None)]
    with pytest.raises(NotFoundError):
        mem.history("u2", item)
    mem.close()
