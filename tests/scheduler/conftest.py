"""A runtime that sends through the real Twilio SDK to our fake Twilio server."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from nudges.clock import FrozenClock
from nudges.config import Settings
from nudges.db.models import Outbox, Subscriber
from nudges.runtime import Runtime, build_runtime
from nudges.services.inbound import InboundSms, handle_inbound
from nudges.sms.transports import OutgoingSms, SendResult, TwilioTransport
from scheduler.runner import tick
from tests.fakes.fake_twilio import FakeTwilio


class ClockedTransport:
    """Wraps a transport and notes the clock time of every accepted send."""

    name = "twilio"

    def __init__(self, inner: TwilioTransport, clock: FrozenClock) -> None:
        self.inner = inner
        self.clock = clock
        self.sent: list[tuple[datetime, OutgoingSms]] = []

    def send(self, sms: OutgoingSms) -> SendResult:
        result = self.inner.send(sms)
        self.sent.append((self.clock.now(), sms))
        return result

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        return self.inner.find_sent(to, body, since)


@pytest.fixture
def fake_twilio(clock: FrozenClock) -> Iterator[FakeTwilio]:
    with FakeTwilio(now=lambda: clock.now().timestamp()) as server:
        yield server


@pytest.fixture
def twilio_settings(make_settings: Callable[..., Settings], fake_twilio: FakeTwilio) -> Settings:
    return make_settings(
        SMS_TRANSPORT="twilio",
        TWILIO_ACCOUNT_SID=fake_twilio.account_sid,
        TWILIO_AUTH_TOKEN=fake_twilio.auth_token,
        TWILIO_FROM_NUMBER="+14045550100",
        TWILIO_API_BASE_URL=fake_twilio.base_url,
        MAX_SENDS_PER_SECOND="1000",
    )


@pytest.fixture
def runtime(
    twilio_settings: Settings, fake_twilio: FakeTwilio, clock: FrozenClock
) -> Iterator[Runtime]:
    inner = TwilioTransport(
        fake_twilio.account_sid,
        fake_twilio.auth_token,
        from_number="+14045550100",
        api_base_url=fake_twilio.base_url,
        timeout=0.3,
    )
    built = build_runtime(twilio_settings, clock=clock, transport=ClockedTransport(inner, clock))
    yield built
    built.db.dispose()


def text(runtime: Runtime, phone: str, *bodies: str) -> list[Any]:
    """The parent texts the service, as the webhook would pass it on."""
    replies = []
    for body in bodies:
        sms = InboundSms(phone, body, "SM" + secrets.token_hex(16))
        replies.append(handle_inbound(runtime, sms).messages)
    return replies


def sent(runtime: Runtime, phone: str) -> list[Outbox]:
    """What went out to `phone` on schedule, oldest first."""
    with runtime.db.session() as session:
        sub_id = session.scalar(select(Subscriber.id).where(Subscriber.phone == phone))
        return list(
            session.scalars(
                select(Outbox)
                .where(Outbox.subscriber_id == sub_id, Outbox.state == "sent")
                .order_by(Outbox.slot_at)
            )
        )


def run_due(runtime: Runtime, clock: FrozenClock, days: float) -> None:
    """Tick at each moment a text is due (as `nudges tick --now next` does)."""
    end = clock.now() + timedelta(days=days)
    while True:
        tick(runtime)
        with runtime.db.session() as session:
            due = session.scalar(
                select(Subscriber.next_send_at)
                .where(Subscriber.next_send_at.is_not(None))
                .order_by(Subscriber.next_send_at)
            )
        if due is None or due >= end:
            clock.set(end)
            return
        clock.set(max(due, clock.now()))
