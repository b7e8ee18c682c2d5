"""The programme as a parent receives it (issue 16): walked through the real dispatch
and sender with a frozen clock, slot by slot, for each track and cadence.

Every cadence walks the whole track in file order, so a 3-a-week parent gets every
text of the track once, no text twice, and the kind mix the validator promises.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from messages import Nudge, load_library, system_text
from messages.programme_rules import CALMING_KINDS, MIN_KINDS_IN_WINDOW, WINDOW
from nudges.clock import FrozenClock
from nudges.db.models import Subscriber
from nudges.runtime import Runtime
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA
from tests.fakes.fake_twilio import FakeTwilio
from tests.scheduler.conftest import ClockedTransport, text

# Slow tier: each test walks weeks of slots through the real dispatch and sender
# (1.5-3 s apiece on two cores), like test_eight_weeks.py.
pytestmark = pytest.mark.slow

TRACKS = {"1": "perfectionism", "2": "guilt", "3": "role_strain"}


def next_send_at(runtime: Runtime) -> datetime | None:
    with runtime.db.session() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.phone == ANNA_ATLANTA))
    assert sub is not None
    return sub.next_send_at


def walk(runtime: Runtime, clock: FrozenClock, until: datetime) -> list[str]:
    """Tick at each of the parent's slots until `until`; the bodies they received."""
    while (slot := next_send_at(runtime)) is not None and slot < until:
        clock.set(slot)
        tick(runtime)
    assert isinstance(runtime.transport, ClockedTransport)
    return [sms.body for _, sms in runtime.transport.sent if sms.to == ANNA_ATLANTA]


def track_texts(runtime: Runtime, bodies: list[str]) -> list[str]:
    """The bodies without the weekly check-in question (asked in place of a nudge)."""
    question = system_text("checkin_question", program=runtime.settings.program_name)
    return [body for body in bodies if body != question]


def received_nudges(bodies: list[str], track: str) -> list[Nudge]:
    by_text = {n.text: n for n in load_library().track(track)}
    missing = [b for b in bodies if b not in by_text]
    assert not missing, missing
    return [by_text[b] for b in bodies]


def assert_kind_mix(nudges: list[Nudge]) -> None:
    kinds = [n.kind for n in nudges]
    assert all(a != b for a, b in zip(kinds, kinds[1:], strict=False)), kinds
    for start in range(len(kinds) - WINDOW + 1):
        window = set(kinds[start : start + WINDOW])
        assert len(window) >= MIN_KINDS_IN_WINDOW, (start, window)
        assert window & CALMING_KINDS, (start, window)


def join(runtime: Runtime, digit: str, daily: bool) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN", "YES", digit, "TIME 10am", *(["DAILY"] if daily else []))


@pytest.mark.parametrize("digit", sorted(TRACKS))
@pytest.mark.parametrize(("frequency", "per_week"), [("3w", 3), ("daily", 7)])
def test_eight_weeks_walk_the_track_in_order_with_no_repeat_and_the_kind_mix(
    runtime: Runtime,
    fake_twilio: FakeTwilio,
    clock: FrozenClock,
    digit: str,
    frequency: str,
    per_week: int,
) -> None:
    join(runtime, digit, daily=frequency == "daily")
    sent = walk(runtime, clock, clock.now() + timedelta(weeks=8))
    bodies = track_texts(runtime, sent)

    track = TRACKS[digit]
    nudges = received_nudges(bodies, track)
    assert len(bodies) == len(set(bodies)), "a nudge was repeated"
    # One slot a week (after the first) is the check-in question.
    assert 8 * per_week - 1 <= len(sent) <= 8 * per_week
    assert len(sent) - len(bodies) in (7, 8)
    # In file order from the first text: nothing skipped, whatever the cadence.
    assert [n.id for n in nudges] == [n.id for n in load_library().track(track)][: len(nudges)]
    assert nudges[0].theme, "the first text names the first theme"
    assert_kind_mix(nudges)
    assert len(fake_twilio.messages) == len(runtime.transport.sent)  # type: ignore[attr-defined]


@pytest.mark.parametrize("digit", sorted(TRACKS))
def test_at_three_a_week_every_text_of_the_track_is_sent_once_then_the_check_ins(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock, digit: str
) -> None:
    track = load_library().track(TRACKS[digit])
    join(runtime, digit, daily=False)
    # Two track texts a week (the third slot is the weekly check-in question);
    # the first caring check-in comes about a month after.
    weeks = len(track) // 2 + 5
    bodies = track_texts(runtime, walk(runtime, clock, clock.now() + timedelta(weeks=weeks)))

    assert bodies[: len(track)] == [n.text for n in track]
    first_checkin = load_library().checkins()[0]
    assert bodies[len(track)] == first_checkin.text
    assert len(bodies) == len(track) + 1  # the check-ins come about monthly after
