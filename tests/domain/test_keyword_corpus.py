"""A table of real-looking messages and what they must mean (`keyword_corpus.tsv`).

Opt-out follows what people write; ordinary sentences change nothing; a short
message that could mean a break gets a question."""

from __future__ import annotations

from pathlib import Path

import pytest

from nudges.domain.keywords import Kind, interpret

CORPUS = Path(__file__).with_name("keyword_corpus.tsv")


def _cases() -> list[tuple[str, str]]:
    cases = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        intent, _, message = line.partition("\t")
        cases.append((intent, message.replace("\\n", "\n")))
    return cases


CASES = _cases()


def test_the_corpus_is_big_enough_and_covers_every_intent() -> None:
    assert len(CASES) >= 150
    assert {intent for intent, _ in CASES} == {kind.value for kind in Kind}


@pytest.mark.parametrize(("intent", "message"), CASES, ids=[repr(m)[:40] for _, m in CASES])
def test_each_message_means_what_a_person_would_read(intent: str, message: str) -> None:
    assert interpret(message).kind.value == intent


def test_stop_with_a_crisis_is_both() -> None:
    intent = interpret("STOP. I want to die")
    assert intent.kind is Kind.OPT_OUT and intent.crisis is not None


@pytest.mark.parametrize(
    ("message", "days"),
    [
        ("pause for a week, I'm drowning", 7),
        ("can you pause for a bit im overwhelmed", None),
        ("pause for 2 weeks please we're travelling", 14),
        ("Pause. Too much going on", None),
        ("pause 7 im drowning", 7),
        ("Pause please I can't do this right now", None),
        ("pausa por una semana, estoy agotada", 7),
        ("pausa 2 semanas porque vamos de viaje", 14),
    ],
)
def test_a_pause_with_a_reason_is_the_span_asked_and_the_model_reads_it_all(
    message: str, days: int | None
) -> None:
    intent = interpret(message)
    assert intent.kind is Kind.PAUSE and intent.days == days
    assert intent.beyond == message  # the screen reads the reason, as it read free text


@pytest.mark.parametrize(
    "message",
    ["sure why not", "why not", "sure, why not", "ok sounds good", "claro, por qué no"],
)
def test_a_casual_yes_consents_only_at_the_prompt(message: str) -> None:
    intent = interpret(message)
    assert intent.kind is Kind.OTHER and intent.consents


@pytest.mark.parametrize("message", ["why not me", "sounds bad", "por que no me contestan"])
def test_a_question_that_starts_like_a_casual_yes_is_not_one(message: str) -> None:
    assert not interpret(message).consents
