"""POST /sms/status: signed, forward-only, harmless in any order."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from nudges.db.models import Outbox, Subscriber
from nudges.web import get_runtime
from tests.conftest import ANNA_ATLANTA, PUBLIC_BASE_URL, SignedClient, sign

SID = "SM" + "d" * 32
NOW = datetime(2026, 11, 23, 20, tzinfo=UTC)


@pytest.fixture
def row_id(app: Any) -> int:
    with get_runtime(app).db.session() as session:
        sub = Subscriber(
            phone=ANNA_ATLANTA,
            state="active",
            state_changed_at=NOW,
            timezone="America/New_York",
            send_minute=600,
            frequency="3w",
            track="perfectionism",
            lang="en",
            nudges_sent=1,
            created_at=NOW,
        )
        session.add(sub)
        session.flush()
        row = Outbox(
            dedupe_key=f"nudge:{sub.id}:2026-11-23",
            kind="nudge",
            subscriber_id=sub.id,
            slot_at=NOW,
            body="hi",
            state="sending",
            attempts=1,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(row)
        session.flush()
        return row.id


def callback(twilio: SignedClient, row_id: int | None, status: str, **extra: str) -> Any:
    path = "/sms/status" + (f"?outbox={row_id}" if row_id is not None else "")
    return twilio.post(path, {"MessageSid": SID, "MessageStatus": status, **extra})


def state(app: Any, row_id: int) -> tuple[str, str | None, str | None]:
    with get_runtime(app).db.session() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        return row.state, row.provider_status, row.provider_sid


def test_an_unsigned_callback_is_refused(app: Any, row_id: int) -> None:
    response = app.test_client().post(
        f"/sms/status?outbox={row_id}", data={"MessageSid": SID, "MessageStatus": "delivered"}
    )
    assert response.status_code == 403
    assert state(app, row_id) == ("sending", None, None)


def test_the_outbox_id_is_covered_by_the_signature(twilio: SignedClient, row_id: int) -> None:
    data = {"MessageSid": SID, "MessageStatus": "delivered"}
    signature = sign(twilio.token, f"{PUBLIC_BASE_URL}/sms/status?outbox={row_id + 1}", data)
    response = twilio.post(f"/sms/status?outbox={row_id}", data, signature=signature)
    assert response.status_code == 403


def test_a_callback_before_the_sid_was_stored_still_lands(
    twilio: SignedClient, app: Any, row_id: int
) -> None:
    assert callback(twilio, row_id, "sent").status_code == 200
    assert state(app, row_id) == ("sent", "sent", SID)


ORDERS = list(itertools.permutations(["queued", "sent", "delivered"]))


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_statuses_in_any_order_end_delivered(
    twilio: SignedClient, app: Any, row_id: int, order: tuple[str, ...]
) -> None:
    for status in order + order:  # and every one twice
        assert callback(twilio, row_id, status).status_code == 200
    assert state(app, row_id) == ("delivered", "delivered", SID)


def test_a_late_sent_never_overwrites_undelivered(
    twilio: SignedClient, app: Any, row_id: int
) -> None:
    callback(twilio, row_id, "undelivered", ErrorCode="30003")
    callback(twilio, row_id, "sent")
    assert state(app, row_id)[0] == "undelivered"


def test_a_callback_with_30004_stops_the_subscriber(
    twilio: SignedClient, app: Any, row_id: int
) -> None:
    callback(twilio, row_id, "failed", ErrorCode="30004")
    with get_runtime(app).db.session() as session:
        sub = session.scalar(select(Subscriber))
    assert sub is not None and sub.state == "stopped"


def test_a_callback_for_another_sid_is_ignored(twilio: SignedClient, app: Any, row_id: int) -> None:
    callback(twilio, row_id, "sent")
    other = twilio.post(
        f"/sms/status?outbox={row_id}", {"MessageSid": "SM" + "e" * 32, "MessageStatus": "failed"}
    )
    assert other.status_code == 200
    assert state(app, row_id) == ("sent", "sent", SID)


def test_a_callback_found_by_sid_without_an_outbox_id(
    twilio: SignedClient, app: Any, row_id: int
) -> None:
    callback(twilio, row_id, "sent")
    callback(twilio, None, "delivered")
    assert state(app, row_id)[0] == "delivered"


@pytest.mark.parametrize(
    ("query", "data"),
    [
        ("?outbox=1", {"MessageStatus": "sent"}),
        ("?outbox=1", {"MessageSid": "nope", "MessageStatus": "sent"}),
        ("?outbox=1", {"MessageSid": SID, "MessageStatus": "exploded"}),
        ("?outbox=1", {"MessageSid": SID, "MessageStatus": "failed", "ErrorCode": "abc"}),
        ("?outbox=x", {"MessageSid": SID, "MessageStatus": "sent"}),
        ("?outbox=%C2%B2", {"MessageSid": SID, "MessageStatus": "sent"}),
        ("?outbox=99999999999999999999", {"MessageSid": SID, "MessageStatus": "sent"}),
        ("?outbox=1", {"MessageSid": SID, "MessageStatus": "failed", "ErrorCode": "\u00b2"}),
    ],
)
def test_malformed_callbacks_get_a_400(
    twilio: SignedClient, query: str, data: dict[str, str]
) -> None:
    assert twilio.post("/sms/status" + query, data).status_code == 400


def test_a_callback_for_an_unknown_row_is_accepted_and_changes_nothing(
    twilio: SignedClient,
) -> None:
    assert callback(twilio, 999, "delivered").status_code == 200
