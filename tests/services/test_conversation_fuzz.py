"""Random conversations, ticks and time jumps for several numbers, checking the
promises that must hold whatever parents send and whenever the scheduler runs:

- no nudge without a consent record (a YES with its MessageSid);
- none after STOP until the parent consents again;
- HELP is always answered, with 988;
- at most 3 scheduled texts to a number in any 24 hours;
- never outside SEND_WINDOW in any zone the parent may be in.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import select

from nudges.clock import FrozenClock
from nudges.config import load_settings
from nudges.db.migrate import upgrade
from nudges.db.models import ConsentEvent, Subscriber
from nudges.domain.preferences import candidate_zones
from nudges.domain.schedule import inside_window
from nudges.runtime import build_runtime
from nudges.services.inbound import InboundSms, Unavailable, respond
from nudges.services.subscriptions import next_due
from nudges.sms.transports import ConsoleTransport
from scheduler.runner import tick

# Slow tier: a Hypothesis state machine (about half a minute).
pytestmark = pytest.mark.slow

PHONES = ["+14045550123", "+13125550188", "+15035550142", "+12083844000"]  # ET CT PT MT
TEXTS = [
    "JOIN", "YES", "yes please", "STOP", "Stop please", "START", "HELP", "PAUSE", "PAUSE 2",
    "RESUME", "TIME 7:30pm", "TIME 9am", "TIME 6am", "ZONE Pacific", "ZONE Hawaii", "DAILY",
    "WEEKLY", "TRACK 2", "2", "MENU", "thanks, that helped", "stop for a week",
    "I can't stop texting my ex", "I want to die", "leave me alone", "ayuda",
]  # fmt: skip
OPT_OUTS = {"STOP", "Stop please", "leave me alone"}
CONSENTS = {"YES", "yes please", "START"}
_TEMPLATE: Path | None = None


def _template() -> Path:
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = Path(tempfile.mkdtemp()) / "template.sqlite3"
        upgrade(f"sqlite:///{_TEMPLATE}")
    return _TEMPLATE


class Conversations(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp())
        shutil.copy(_template(), self.dir / "db.sqlite3")
        self.settings = load_settings(
            {
                "DATABASE_URL": f"sqlite:///{self.dir / 'db.sqlite3'}",
                "SECRET_KEY": "fuzz",
                "MAX_SENDS_PER_SECOND": "1000",
            }  # fmt: skip
        )
        self.clock = FrozenClock(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
        self.console = ConsoleTransport(echo=False)
        self.runtime = build_runtime(self.settings, clock=self.clock, transport=self.console)
        self.seen = 0
        self.sent_at: list[tuple[str, datetime]] = []
        # What the parents said, independent of what the service recorded.
        self.opted_out: set[str] = set()
        self.said_yes: set[str] = set()

    def teardown(self) -> None:
        self.runtime.db.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    @rule(phone=st.sampled_from(PHONES), body=st.sampled_from(TEXTS))
    def text(self, phone: str, body: str) -> None:
        sms = InboundSms(phone, body, "SM" + secrets.token_hex(16))
        try:
            reply = respond(self.runtime, sms)
        except Unavailable:
            raise AssertionError("the database is up; nothing should be unavailable") from None
        if body in ("HELP", "ayuda"):
            assert any("988" in m for m in reply.messages), reply
        if body in OPT_OUTS:
            self.opted_out.add(phone)
            self.said_yes.discard(phone)
        elif body in CONSENTS:
            self.opted_out.discard(phone)
            self.said_yes.add(phone)

    @rule(phone=st.sampled_from(PHONES))
    def join_and_consent(self, phone: str) -> None:
        """The common path, so that nudges flow and the checks have work to do."""
        self.text(phone, "JOIN")
        self.text(phone, "YES")

    @rule(hours=st.integers(min_value=1, max_value=72), lag=st.integers(0, 25))
    def time_passes(self, hours: int, lag: int) -> None:
        """`hours` pass with a scheduler that ticks when something is due (`lag`
        minutes late), and once at the end."""
        end = self.clock.now() + timedelta(hours=hours)
        for _ in range(500):  # a scheduler that stops making progress fails here
            due = next_due(self.runtime)
            if due is None or due + timedelta(minutes=lag) >= end:
                break
            self.clock.set(max(self.clock.now(), due + timedelta(minutes=lag)))
            self._tick()
        else:
            raise AssertionError("next_send_at never moved past the horizon")
        self.clock.set(end)
        self._tick()

    def _tick(self) -> None:
        tick(self.runtime)
        for sms in self.console.sent[self.seen :]:
            self.sent_at.append((sms.to, self.clock.now()))
            self._check_send(sms.to)
        self.seen = len(self.console.sent)

    @rule(minutes=st.integers(min_value=1, max_value=6 * 60))
    def the_scheduler_was_down(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    def _check_send(self, phone: str) -> None:
        now = self.clock.now()
        assert phone not in self.opted_out, "a text after STOP without new consent"
        assert phone in self.said_yes, "a text to a number that never said YES"
        with self.runtime.db.session() as session:
            sub = session.scalar(select(Subscriber).where(Subscriber.phone == phone))
            assert sub is not None
            events = list(
                session.scalars(
                    select(ConsentEvent)
                    .where(ConsentEvent.subscriber_id == sub.id)
                    .order_by(ConsentEvent.id)
                )
            )
        # The last consent change before this send made them active, by a YES we hold.
        assert events, "a text went to a number with no consent record"
        last_yes = [e for e in events if e.to_state == "active" and e.from_state == "pending"]
        assert last_yes and last_yes[-1].message_sid, "no YES on record"
        after_stop = [e for e in events if e.to_state == "stopped"]
        if after_stop:
            rejoined = [e for e in events if e.id > after_stop[-1].id and e.to_state == "active"]
            assert rejoined, "a text after STOP without new consent"
        zones = candidate_zones(phone, sub.timezone)
        assert inside_window(now, zones, self.settings.send_window), (phone, now, zones)

    @invariant()
    def at_most_three_in_any_24_hours(self) -> None:
        for phone in PHONES:
            times = sorted(t for p, t in self.sent_at if p == phone)
            for i, start in enumerate(times):
                within = [t for t in times[i:] if t - start < timedelta(hours=24)]
                assert len(within) <= 3, (phone, within)


Conversations.TestCase.settings = settings(
    max_examples=40,
    derandomize=True,  # the same conversations on every run: a failure reproduces
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestConversations = Conversations.TestCase
