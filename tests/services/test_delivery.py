"""Twilio's status callbacks folded into the outbox, called directly: a status
never moves backwards, and an opt-out at the carrier stops the parent."""

from __future__ import annotations

from nudges.db.models import Outbox
from nudges.runtime import Runtime
from nudges.services.clinicians import create_clinician
from nudges.services.delivery import record_status
from nudges.services.enrolment import Invitation, invite
from tests.conftest import ANNA_ATLANTA
from tests.services.conftest import queued, subscriber

SID = "SM" + "d" * 32


def invitation_id(runtime: Runtime) -> int:
    lee = create_clinician(runtime, "lee@clinic.example", "a long enough passphrase")
    invite(runtime, lee.id, Invitation(ANNA_ATLANTA))
    [row] = queued(runtime, "invitation")
    return row.id


def stored(runtime: Runtime, outbox_id: int) -> Outbox:
    with runtime.db.session() as session:
        row = session.get(Outbox, outbox_id)
        assert row is not None
        return row


def test_delivered_is_final_and_a_late_sent_is_ignored(runtime: Runtime) -> None:
    row_id = invitation_id(runtime)
    assert record_status(runtime, row_id, SID, "delivered", None).changed
    late = record_status(runtime, row_id, SID, "sent", None)
    assert late.found and not late.changed
    row = stored(runtime, row_id)
    assert (row.state, row.provider_status, row.provider_sid) == ("delivered", "delivered", SID)


def test_a_callback_found_by_sid_alone(runtime: Runtime) -> None:
    row_id = invitation_id(runtime)
    record_status(runtime, row_id, SID, "sent", None)
    assert record_status(runtime, None, SID, "undelivered", 30003).changed
    assert stored(runtime, row_id).state == "undelivered"
    assert not record_status(runtime, None, "SM" + "e" * 32, "delivered", None).found


def test_a_status_for_another_sid_changes_nothing(runtime: Runtime) -> None:
    row_id = invitation_id(runtime)
    record_status(runtime, row_id, SID, "sent", None)
    assert not record_status(runtime, row_id, "SM" + "e" * 32, "delivered", None).changed
    assert stored(runtime, row_id).provider_status == "sent"


def test_an_opt_out_at_the_carrier_stops_the_parent(runtime: Runtime) -> None:
    row_id = invitation_id(runtime)
    record_status(runtime, row_id, SID, "failed", 21610)
    assert stored(runtime, row_id).state == "failed"
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "stopped" and sub.next_send_at is None
