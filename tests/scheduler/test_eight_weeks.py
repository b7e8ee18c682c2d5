"""Eight simulated weeks of ticks for parents in several zones."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from messages import load_library, system_text
from nudges.clock import FrozenClock
from nudges.domain.preferences import candidate_zones
from nudges.domain.schedule import inside_window
from nudges.runtime import Runtime
from scheduler.runner import tick
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO, HANA_HONOLULU, PAT_PORTLAND
from tests.fakes.fake_twilio import FakeTwilio
from tests.scheduler.conftest import ClockedTransport, text

# Slow tier: simulates eight weeks of ticks (about two minutes).
pytestmark = pytest.mark.slow

ARI_PHOENIX = "+16025550111"
JO_JUNEAU = "+19075550177"  # Alaska: two zones by area code
WINDOW = (time(9), time(20))

PARENTS = {
    # phone: (texts after JOIN/YES, stored zone, frequency)
    ANNA_ATLANTA: (["TIME 10am"], "America/New_York", "3w"),
    CARLOS_CHICAGO: (["TIME 7:30pm", "DAILY"], "America/Chicago", "daily"),
    # Pat keeps an Oregon number but says Eastern: both zones must be inside the window.
    PAT_PORTLAND: (["ZONE Eastern", "TIME 9am"], "America/New_York", "3w"),
    HANA_HONOLULU: (["TIME 9am", "DAILY"], "Pacific/Honolulu", "daily"),
    ARI_PHOENIX: (["TIME noon"], "America/Phoenix", "3w"),
    JO_JUNEAU: (["ZONE Alaska", "TIME 6pm", "DAILY"], "America/Anchorage", "daily"),
}


def test_eight_weeks_on_time_in_the_window_never_repeated_never_doubled(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    for phone, (texts, _zone, _freq) in PARENTS.items():
        text(runtime, phone, "JOIN", "YES", *texts)
    start = clock.now()
    end = start + timedelta(weeks=8)
    while clock.now() < end:
        tick(runtime)
        clock.advance(minutes=30)

    assert isinstance(runtime.transport, ClockedTransport)
    sent = runtime.transport.sent
    by_phone: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for at, sms in sent:
        by_phone[sms.to].append((at, sms.body))
    assert len(fake_twilio.messages) == len(sent)

    for phone, (_texts, zone, frequency) in PARENTS.items():
        sends = by_phone[phone]
        zones = candidate_zones(phone, zone)
        # Inside the window in every zone the parent may be in.
        assert all(inside_window(at, zones, WINDOW) for at, _ in sends), phone
        # Never repeated: the programme has more nudges than 8 weeks of slots
        # (the weekly check-in question, in place of one of them, is the same each week).
        bodies = [body for _, body in sends if body != question(runtime)]
        assert len(bodies) == len(set(bodies)), phone
        # Never more than 3 in any 24 hours, never two on one local day.
        times = [at for at, _ in sends]
        for at in times:
            assert sum(1 for other in times if at <= other < at + timedelta(hours=24)) <= 3
        assert all(b - a >= timedelta(hours=20) for a, b in zip(times, times[1:], strict=False))
        # On schedule: 3 a week or daily, give or take the first and last day.
        expected = 8 * 3 if frequency == "3w" else 8 * 7
        assert expected - 2 <= len(sends) <= expected, (phone, len(sends))
        if frequency == "3w":
            local_days = {at.astimezone(ZoneInfo(zone)).weekday() for at in times}
            assert local_days <= {0, 2, 4}, phone


def test_nudges_follow_programme_order(
    runtime: Runtime, fake_twilio: FakeTwilio, clock: FrozenClock
) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN", "YES", "TIME 10am")
    clock.set(datetime(2026, 11, 23, 21, tzinfo=UTC))
    for _ in range(14 * 48):
        tick(runtime)
        clock.advance(minutes=30)
    # Every cadence walks the whole track in file order (issue 16).
    programme = [n.text for n in load_library().track("perfectionism")]
    bodies = [m["Body"] for m in fake_twilio.messages]
    # The second and third Mondays bring the weekly check-in in place of a nudge;
    # the track goes on where it was.
    nudges = [body for body in bodies if body != question(runtime)]
    assert nudges == programme[: len(nudges)]
    assert len(bodies) == 6 and len(nudges) == 4


def question(runtime: Runtime) -> str:
    return system_text("checkin_question", program=runtime.settings.program_name)
