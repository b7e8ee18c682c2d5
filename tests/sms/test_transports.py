"""The real Twilio SDK against our fake Twilio server; the console transport."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from nudges.domain.send_errors import ErrorKind
from nudges.sms.transports import ConsoleTransport, OutgoingSms, SendError, TwilioTransport
from tests.fakes.fake_twilio import FakeTwilio

ANNA = "+14045550123"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


def transport(fake: FakeTwilio, **kwargs: str) -> TwilioTransport:
    kwargs.setdefault("from_number", "+14045550100")
    return TwilioTransport(
        fake.account_sid, fake.auth_token, api_base_url=fake.base_url, timeout=0.5, **kwargs
    )


def test_it_sends_through_the_sdk_with_callback_and_validity(fake: FakeTwilio) -> None:
    result = transport(fake).send(
        OutgoingSms(
            to=ANNA, body="You are enough.", status_callback="https://x/sms/status?outbox=7"
        )
    )
    assert result.sid.startswith("SM") and len(result.sid) == 34
    [sent] = fake.messages
    assert sent["To"] == ANNA
    assert sent["From"] == "+14045550100"
    assert sent["Body"] == "You are enough."
    assert sent["StatusCallback"] == "https://x/sms/status?outbox=7"
    assert sent["ValidityPeriod"] == "3600"


def test_it_can_send_from_a_messaging_service(fake: FakeTwilio) -> None:
    sid = "MG" + "1" * 32
    transport(fake, from_number="", messaging_service_sid=sid).send(OutgoingSms(ANNA, "hi"))
    assert fake.messages[0]["MessagingServiceSid"] == sid
    assert "From" not in fake.messages[0]


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, 21610, ErrorKind.OPTED_OUT),
        (400, 21211, ErrorKind.UNUSABLE),
        (400, 21614, ErrorKind.UNUSABLE),
        (429, 20429, ErrorKind.TRANSIENT),
        (500, None, ErrorKind.TRANSIENT),
        (503, None, ErrorKind.TRANSIENT),
        (400, 30007, ErrorKind.NO_RETRY),
        (400, 21408, ErrorKind.CONFIG),
    ],
)
def test_twilio_errors_are_classified(
    fake: FakeTwilio, status: int, code: int | None, kind: ErrorKind
) -> None:
    fake.queue_errors([(status, code)])
    with pytest.raises(SendError) as caught:
        transport(fake).send(OutgoingSms(ANNA, "hi"))
    assert caught.value.kind is kind
    assert caught.value.code == code
    assert ANNA not in str(caught.value) and "hi" not in str(caught.value)


def test_a_timeout_is_transient(fake: FakeTwilio) -> None:
    fake.fault_rate(1.0, faults=("timeout",))
    with pytest.raises(SendError) as caught:
        transport(fake).send(OutgoingSms(ANNA, "hi"))
    assert caught.value.kind is ErrorKind.TRANSIENT


def test_a_timeout_after_twilio_took_the_message_is_transient_and_found_later(
    fake: FakeTwilio,
) -> None:
    # The fake never answers; the client's own 0.5 s timeout ends the call.
    fake.fault_rate(1.0, faults=("slow_accept",))
    with pytest.raises(SendError) as caught:
        transport(fake).send(OutgoingSms(ANNA, "hi"))
    assert caught.value.kind is ErrorKind.TRANSIENT
    fake.fault_rate(0.0)
    [taken] = fake.messages
    since = datetime.now(UTC) - timedelta(hours=1)
    assert transport(fake).find_sent(ANNA, "hi", since) == taken["sid"]


def test_wrong_credentials_are_a_configuration_error(fake: FakeTwilio) -> None:
    wrong = TwilioTransport(
        fake.account_sid, "wrong", from_number="+14045550100", api_base_url=fake.base_url
    )
    with pytest.raises(SendError) as caught:
        wrong.send(OutgoingSms(ANNA, "hi"))
    assert caught.value.kind is ErrorKind.CONFIG


def test_the_console_transport_records_but_prints_neither_number_nor_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    console = ConsoleTransport()
    result = console.send(OutgoingSms(ANNA, "Small wins count."))
    assert result.sid.startswith("SM")
    assert console.sent == [OutgoingSms(ANNA, "Small wins count.")]
    out = capsys.readouterr().out
    assert "Small wins count." not in out and "0123" not in out
    assert "17 characters" in out
