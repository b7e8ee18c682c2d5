"""A clinician's invitation, called directly: exactly one invitation text, sent
at the first moment the window is open where the parent lives; a bad list
imports nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from nudges.clock import FrozenClock
from nudges.db.models import Outbox, Subscriber
from nudges.runtime import Runtime
from nudges.services.clinicians import create_clinician
from nudges.services.enrolment import Invitation, InviteError, import_csv, invite, read_csv
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO, PAT_PORTLAND
from tests.services.conftest import as_utc, count, queued, subscriber, text

NEW_YORK = ZoneInfo("America/New_York")


def clinician(runtime: Runtime, email: str = "lee@clinic.example") -> int:
    return create_clinician(runtime, email, "a long enough passphrase").id


def test_an_invitation_queues_one_text_now_inside_the_window(
    runtime: Runtime, clock: FrozenClock
) -> None:
    lee = clinician(runtime)
    sub_id = invite(runtime, lee, Invitation(ANNA_ATLANTA, alias="A."))
    [invitation] = queued(runtime, "invitation")
    assert invitation.subscriber_id == sub_id and invitation.state == "queued"
    assert "YES" in invitation.body
    assert as_utc(invitation.slot_at) == clock.now()  # 15:00 in New York: the window is open
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "pending" and sub.clinician_id == lee
    assert sub.alias == "A." and sub.next_send_at is None  # no nudge before YES


def test_an_invitation_at_night_waits_for_the_window_to_open(
    runtime: Runtime, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 11, 24, 2, 30, tzinfo=NEW_YORK))
    invite(runtime, clinician(runtime), Invitation(ANNA_ATLANTA))
    [invitation] = queued(runtime, "invitation")
    opening = datetime(2026, 11, 24, 9, 0, tzinfo=NEW_YORK)  # SEND_WINDOW opens at 09:00
    assert as_utc(invitation.slot_at) == opening.astimezone(UTC)


def test_a_number_that_cannot_reach_988_is_refused_and_nothing_is_stored(
    runtime: Runtime,
) -> None:
    with pytest.raises(InviteError, match="988"):
        invite(runtime, clinician(runtime), Invitation("+442071838750"))
    assert count(runtime, Subscriber) == 0
    assert count(runtime, Outbox) == 0


def test_another_clinicians_active_client_cannot_be_invited(runtime: Runtime) -> None:
    lee = clinician(runtime)
    invite(runtime, lee, Invitation(ANNA_ATLANTA))
    text(runtime, ANNA_ATLANTA, "YES")
    with pytest.raises(InviteError):
        invite(runtime, clinician(runtime, "kim@clinic.example"), Invitation(ANNA_ATLANTA))
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.clinician_id == lee and sub.state == "active"
    assert len(queued(runtime, "invitation")) == 1


def test_a_list_with_a_bad_row_imports_nothing_unless_told_to_skip_it(
    runtime: Runtime,
) -> None:
    lee = clinician(runtime)
    rows = read_csv(f"phone,alias\n{ANNA_ATLANTA},A.\nnot a number,B.\n{CARLOS_CHICAGO},C.\n")
    report = import_csv(runtime, lee, rows)
    assert report.invited == 0 and len(report.problems) == 1
    assert count(runtime, Subscriber) == 0

    report = import_csv(runtime, lee, rows, skip_invalid=True)
    assert (report.invited, report.skipped) == (2, 1)
    invited = {row.subscriber_id for row in queued(runtime, "invitation")}
    assert len(invited) == 2
    assert subscriber(runtime, PAT_PORTLAND) is None
