"""Crisis alerts, called directly: only the client's own clinician acknowledges
one, at the frozen moment; the parent's words are kept two weeks, then cleared."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from nudges.clock import FrozenClock
from nudges.db.models import CrisisAlert
from nudges.runtime import Runtime
from nudges.services.alerts import ALERT_TEXT_DAYS, acknowledge, forget_old_texts
from nudges.services.clinicians import create_clinician
from nudges.services.enrolment import Invitation, invite
from tests.conftest import ANNA_ATLANTA
from tests.services.conftest import as_utc, text

PASSWORD = "a long enough passphrase"


@pytest.fixture
def alert(runtime: Runtime) -> tuple[int, int]:
    """Dr Lee's client Anna texted a crisis: (Lee's id, the alert's id)."""
    lee = create_clinician(runtime, "lee@clinic.example", PASSWORD, phone="+14045550177")
    invite(runtime, lee.id, Invitation(ANNA_ATLANTA))
    text(runtime, ANNA_ATLANTA, "YES")
    text(runtime, ANNA_ATLANTA, "I want to end my life")
    with runtime.db.session() as session:
        [alert_id] = session.scalars(select(CrisisAlert.id)).all()
    return lee.id, alert_id


def stored(runtime: Runtime, alert_id: int) -> CrisisAlert:
    with runtime.db.session() as session:
        row = session.get(CrisisAlert, alert_id)
        assert row is not None
        return row


def test_the_clients_clinician_acknowledges_at_the_frozen_moment(
    runtime: Runtime, clock: FrozenClock, alert: tuple[int, int]
) -> None:
    lee, alert_id = alert
    clock.advance(minutes=7)
    assert acknowledge(runtime, lee, alert_id) is not None
    row = stored(runtime, alert_id)
    assert row.acknowledged_by == lee
    assert row.acknowledged_at is not None and as_utc(row.acknowledged_at) == clock.now()


def test_another_clinician_cannot_acknowledge_it(runtime: Runtime, alert: tuple[int, int]) -> None:
    _lee, alert_id = alert
    kim = create_clinician(runtime, "kim@clinic.example", PASSWORD)
    assert acknowledge(runtime, kim.id, alert_id) is None
    assert stored(runtime, alert_id).acknowledged_at is None


def test_the_parents_words_are_kept_two_weeks_then_cleared(
    runtime: Runtime, clock: FrozenClock, alert: tuple[int, int]
) -> None:
    _lee, alert_id = alert
    assert stored(runtime, alert_id).message_text == "I want to end my life"
    almost = clock.now() + timedelta(days=ALERT_TEXT_DAYS) - timedelta(minutes=1)
    assert forget_old_texts(runtime, almost) == 0
    assert forget_old_texts(runtime, almost + timedelta(minutes=2)) == 1
    row = stored(runtime, alert_id)
    assert row.message_text is None and row.categories  # the categories stay
