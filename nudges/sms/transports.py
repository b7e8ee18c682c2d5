"""The one seam to the SMS provider: `Transport.send(sms) -> SendResult`.

Errors come back as `SendError` with a kind (see nudges.domain.send_errors), so
the sender decides retry or settle without knowing which provider it used.
Nothing here retries: the sender does, with backoff, because the Twilio SDK
does not retry a 429 by itself.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from nudges.config import Settings
from nudges.domain.send_errors import ErrorKind, classify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingSms:
    to: str
    body: str
    status_callback: str | None = None
    # Twilio drops a message still queued after this many seconds, so a backlog
    # can never deliver a nudge into quiet hours.
    validity_period: int | None = 3600


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str


class SendError(Exception):
    """A failed send. Its text never holds the phone number or the body."""

    def __init__(self, kind: ErrorKind, code: int | None, http_status: int | None) -> None:
        super().__init__(f"send failed: kind={kind.value} code={code} http_status={http_status}")
        self.kind = kind
        self.code = code
        self.http_status = http_status


class Transport(Protocol):
    name: str

    def send(self, sms: OutgoingSms) -> SendResult: ...

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """The SID of a message with this body sent to `to` since `since`, if the
        provider has one. Raises SendError when the provider cannot be asked."""
        ...


class ConsoleTransport:
    """For laptops and demos: prints the text to stdout and remembers it."""

    name = "console"

    def __init__(self, echo: bool = True) -> None:
        self.echo = echo
        self.sent: list[OutgoingSms] = []
        self._sids: list[str] = []
        self._lock = threading.Lock()

    def send(self, sms: OutgoingSms) -> SendResult:
        with self._lock:
            self.sent.append(sms)
        if self.echo:
            # Neither the number nor the text: stdout is the service log under
            # `nudges serve`. Read the texts at /dev/phone or with `nudges tick --show`.
            print(f"[console sms] {len(sms.body)} characters sent", flush=True)
        sid = "SM" + secrets.token_hex(16)
        with self._lock:
            self._sids.append(sid)
        return SendResult(sid=sid, status="queued")

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        with self._lock:
            for sms, sid in zip(self.sent, self._sids, strict=True):
                if sms.to == to and sms.body == body:
                    return sid
        return None


class TwilioTransport:
    """The official SDK. `api_base_url` points it at any Twilio-compatible server."""

    name = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        from_number: str = "",
        messaging_service_sid: str = "",
        api_base_url: str = "",
        timeout: float = 10.0,
    ) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        if not (from_number or messaging_service_sid):
            raise ValueError("TwilioTransport needs a from number or a messaging service SID")
        self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
        if api_base_url:
            # The documented way to aim the SDK elsewhere; region/edge would rewrite the host.
            self.client.api.base_url = api_base_url.rstrip("/")
            self.client.region = None
            self.client.edge = None
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid

    def send(self, sms: OutgoingSms) -> SendResult:
        from requests import RequestException
        from twilio.base.exceptions import TwilioException, TwilioRestException

        kwargs: dict[str, object] = {"to": sms.to, "body": sms.body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        else:
            kwargs["from_"] = self.from_number
        if sms.status_callback:
            kwargs["status_callback"] = sms.status_callback
        if sms.validity_period:
            kwargs["validity_period"] = sms.validity_period
        try:
            message = self.client.messages.create(**kwargs)  # type: ignore[arg-type]
        except TwilioRestException as exc:
            code = int(exc.code) if exc.code is not None else None
            raise SendError(classify(code, exc.status), code, exc.status) from None
        except (RequestException, TwilioException, OSError) as exc:
            log.warning("twilio send: no answer (%s)", type(exc).__name__)
            raise SendError(ErrorKind.TRANSIENT, None, None) from None
        return SendResult(sid=str(message.sid), status=str(message.status or "queued"))

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        from requests import RequestException
        from twilio.base.exceptions import TwilioException, TwilioRestException

        # Not filtered on DateSent: a message Twilio still holds in its queue (a
        # burst over the sender's rate) has none, and would be missed, then sent
        # twice. Newest first, by number; matched on the body and creation time.
        try:
            found = self.client.messages.list(to=to, limit=100)
        except TwilioRestException as exc:
            code = int(exc.code) if exc.code is not None else None
            raise SendError(classify(code, exc.status), code, exc.status) from None
        except (RequestException, TwilioException, OSError):
            raise SendError(ErrorKind.TRANSIENT, None, None) from None
        earliest = since - timedelta(minutes=5)  # our clock and Twilio's may differ a little
        for message in found:
            created = message.date_created
            if created is not None and created < earliest:
                continue
            if message.body == body and message.direction == "outbound-api":
                return str(message.sid)
        return None


def build_transport(settings: Settings) -> Transport:
    if settings.sms_transport == "twilio":
        return TwilioTransport(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            from_number=settings.twilio_from_number,
            messaging_service_sid=settings.twilio_messaging_service_sid,
            api_base_url=settings.twilio_api_base_url,
            timeout=settings.twilio_timeout_seconds,
        )
    return ConsoleTransport()
