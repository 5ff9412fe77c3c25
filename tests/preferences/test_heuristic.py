"""Offline preference inference from (output, edited) pairs."""

from __future__ import annotations

import pytest

from memagent.errors import InvalidInputError
from memagent.preferences import HeuristicInferencer, style_profile

DOC = (
    "The city council approved a new park on Monday, and residents celebrated in the square. "
    "The park will have a playground and a pond. Officials said the project required approximately two million "
    "dollars. Construction starts in May."
)
SUMMARY = (
    "The city council approved a new park on Monday, and residents celebrated in the square. The park will have a "
    "playground and a pond. Officials said the project required approximately two million dollars."
)


@pytest.fixture
def infer():
    return HeuristicInferencer()


def test_bullets_and_brevity(infer):
    edited = "- City council approved a new park on Monday\n- Park will have a playground and a pond"
    phrases = infer.infer(SUMMARY, edited, context=DOC).phrases
    assert "bullet points" in phrases
    assert "parallel structure" in phrases  # items without final period or leading article
    assert "brief" in phrases
    assert "short sentences" not in phrases  # a list is not split sentences


def test_split_sentences_and_inserted_devices(infer):
    edited = (
        "Once upon a time, the city council approved a new park. It was Monday. Wow! Residents celebrated in "
        "the square. The park will have a playground. It will have a pond. Leaders said the project needed about "
        "two million dollars. What is your favorite part?"
    )
    phrases = infer.infer(SUMMARY, edited, context=DOC).phrases
    assert "short sentences" in phrases
    assert "storytelling" in phrases
    assert "playful language" in phrases
    assert any(p.startswith("interactive") for p in phrases)
    assert "brief" not in phrases


def test_cues_already_in_the_source_are_not_the_users(infer):
    doc = "A wonderful festival opened downtown. Thousands came. It was a great day for the town."
    out = "A festival opened downtown. Thousands came."
    edited = "A wonderful festival opened downtown. Thousands came."
    assert "positive tone" not in infer.infer(out, edited, context=doc).phrases
    assert "positive tone" in infer.infer(out, edited).phrases  # without the source it cannot tell


def test_email_salutations(infer):
    out = "Hello,\n\nI am writing about the project. I do not have the data yet.\n\nBest regards,\nSam"
    informal = "Hey there!\n\nI'm writing about the project. Honestly, I don't have the data yet."
    phrases = infer.infer(out, informal, context="project notes without data").phrases
    assert {"casual greeting", "no closing", "informal, uses contractions", "conversational"} <= set(phrases)
    formal = "Dear colleague,\n\nI am writing about the project.\n\nThank you so much for your help!\nBest,\nSam"
    phrases = infer.infer(out, formal).phrases
    assert "professional greeting" in phrases
    assert "thankful closing" in phrases


def test_second_person_and_emojis(infer):
    out = "I signed up for my first marathon. My knee hurts."
    edited = "You signed up for your first marathon 🚀 Your knee hurts 🚀"
    phrases = infer.infer(out, edited, context=out).phrases
    assert "second person narrative" in phrases
    assert "with emojis" in phrases
    assert "no emojis" in infer.infer(edited, out).phrases


def test_used_preference_carries_unobservable_relative_features(infer):
    # The output was already brief; the edit only adds a question. Without the used preference brevity is
    # invisible; with it, the kept feature is carried over.
    out = "The council approved a park."
    edited = "The council approved a park. What is your favorite part?"
    assert "brief" not in infer.infer(out, edited, context=DOC).phrases
    assert "brief" in infer.infer(out, edited, context=DOC, used="brief, asks questions").phrases
    # "short sentences" names sentence length, not overall brevity; and a negated phrase names nothing.
    assert "brief" not in infer.infer(out, edited, context=DOC, used="short sentences").phrases
    assert "brief" not in infer.infer(out, edited, context=DOC, used="not brief").phrases


def test_no_change_in_style_infers_nothing(infer):
    assert not infer.infer("The park opens in May.", "The park opens in June.", context=DOC)


def test_invalid_input(infer):
    with pytest.raises(InvalidInputError):
        infer.infer("", "edited")


def test_profile_reads_layout():
    p = style_profile("Q: What?\nA: This.\nQ: Why?\nA: That.")
    assert p.qa_lines == 4
    assert style_profile("1. one\n2. two").numbered_lines == 2
    assert style_profile("Hi Ana,\n\nBody.\n\nCheers,\nBo").greeting == "personal"
    assert style_profile("Hi Ana,\n\nBody.\n\nCheers,\nBo").closing == "casual"
