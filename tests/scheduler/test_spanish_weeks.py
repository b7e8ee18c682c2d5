"""Two weeks of ticks for Spanish-speaking parents: only Spanish texts, never
repeated, each nudge one GSM-7 segment (and system texts at most two)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from messages import gsm7_length, load_library, segments
from messages.gsm import non_gsm7
from nudges.clock import FrozenClock
from nudges.runtime import Runtime
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO, PAT_PORTLAND
from tests.fakes.fake_twilio import FakeTwilio
from tests.scheduler.conftest import ClockedTransport, text

# Slow tier: two simulated weeks of ticks.
pytestmark = pytest.mark.slow

# Two Spanish parents (one by HOLA, one by a sentence and daily) and one English
# parent alongside, so a mix-up between them would show.
SPANISH = {
    ANNA_ATLANTA: ("HOLA", "SI", "HORA 10am"),
    CARLOS_CHICAGO: ("hola, quiero unirme", "sí", "2", "DIARIO", "HORA 19:00"),
}
ENGLISH = {PAT_PORTLAND: ("JOIN", "YES", "TIME 6pm", "DAILY")}


def _system_pattern(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[a-z_]+\\\}", ".+?", re.escape(template)), re.S)


def test_two_weeks_of_spanish_nudges_only_spanish_distinct_one_segment(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    for phone, bodies in {**SPANISH, **ENGLISH}.items():
        text(runtime, phone, *bodies)
    end = clock.now() + timedelta(weeks=2)
    while clock.now() < end:
        tick(runtime)
        clock.advance(minutes=30)

    library = load_library()
    nudges_by_lang = {
        lang: {n.text for n in library.nudges if n.lang == lang} for lang in ("en", "es")
    }
    system_es = [_system_pattern(t) for t in library.system["es"].values()]
    system_texts_es = {b for b in (_checkin_body(library),) if b}
    assert isinstance(runtime.transport, ClockedTransport)
    by_phone: dict[str, list[str]] = {}
    for _at, sms in runtime.transport.sent:
        by_phone.setdefault(sms.to, []).append(sms.body)

    for phone in SPANISH:
        bodies = by_phone[phone]
        assert len(bodies) >= 4, (phone, len(bodies))
        # Never repeated (the weekly check-in question is the same text each week).
        programme = [b for b in bodies if b not in system_texts_es]
        assert len(programme) == len(set(programme)), phone
        for body in bodies:
            assert not non_gsm7(body), body
            if body in nudges_by_lang["es"]:
                assert segments(body) == 1, (body, gsm7_length(body))
            else:
                # Anything else sent on schedule (the weekly check-in) is a Spanish system text.
                assert any(p.fullmatch(body) for p in system_es), body
                assert segments(body) <= 2, body
            assert body not in nudges_by_lang["en"], body
        assert sum(body in nudges_by_lang["es"] for body in bodies) >= 4, phone
    # The daily Spanish parent got more than the default one, in the track they chose.
    assert len(by_phone[CARLOS_CHICAGO]) > len(by_phone[ANNA_ATLANTA])
    guilt_es = {n.text for n in library.track("guilt", "es")}
    assert set(by_phone[CARLOS_CHICAGO]) & guilt_es
    # The English parent beside them got English nudges only.
    english = by_phone[PAT_PORTLAND]
    assert english and not set(english) & nudges_by_lang["es"]


def _checkin_body(library: Any) -> str:
    """The check-in question as a Spanish parent gets it (the program name filled)."""
    from messages import system_text

    return system_text("checkin_question", lang="es", program="GoodEnough")
