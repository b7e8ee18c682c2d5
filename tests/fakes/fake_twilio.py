"""A fake of Twilio's Messages API on 127.0.0.1, for the real SDK to talk to.

    with FakeTwilio() as twilio:
        transport = TwilioTransport(twilio.account_sid, twilio.auth_token,
                                    from_number="+14045550100", api_base_url=twilio.base_url)
        transport.send(OutgoingSms(to="+14045550123", body="hi"))
        assert twilio.messages[0]["Body"] == "hi"

Faults, for retry and crash tests:
- `queue_errors([(400, 21610), (500, None)])`: the next calls answer with these.
- `fault_rate(0.2, seed=1)`: a seeded share of calls fail with 429, 500 or a timeout;
  add "slow_accept" to the faults for timeouts where Twilio did take the message.
  A timeout never answers: the call hangs until the client's own timeout closes
  the connection, so no test races a delay here against the client's deadline.
- `accept_then_fail(n)`: the next n calls are recorded as accepted (Twilio has the
  message) but answered with a 500, as when the response is lost on the way back.
- `hold_queue()` / `release_queue()`: accepted messages wait in Twilio's own queue
  (status `queued`, or `accepted` for a Messaging Service, and no DateSent), as
  Twilio does when a burst exceeds the sender's rate; release sends them.

The message list honours Twilio's documented filters: `To`, `From`, and
`DateSent` / `DateSent<` / `DateSent>` (dates as YYYY-MM-DD, compared by day,
inclusive; a message with no DateSent never matches a DateSent filter), newest
first, `PageSize` at most 1000.
"""

from __future__ import annotations

import base64
import json
import random
import re
import secrets
import select
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")


class FakeTwilio:
    account_sid = "AC" + "f" * 32
    auth_token = "fake-auth-token"

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self.now = now  # the test's clock, so DateCreated/DateSent follow moved time
        self.messages: list[dict[str, str]] = []
        self._resources: list[dict[str, Any]] = []
        self.requests_count = 0
        self._errors: list[tuple[int, int | None]] = []
        self._accept_then_fail = 0
        self._rate = 0.0
        self._faults: tuple[str, ...] = ()
        self._random = random.Random(0)
        self._holding = False
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._stopping = threading.Event()  # lets a hanging "timeout" call end at exit
        # serve_forever notices shutdown() only between polls: the default 0.5 s
        # poll cost about half a second of teardown per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> FakeTwilio:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- scripting -------------------------------------------------------------------
    def queue_errors(self, errors: Iterable[tuple[int, int | None]]) -> None:
        with self._lock:
            self._errors.extend(errors)

    def fault_rate(
        self, rate: float, seed: int = 0, faults: tuple[str, ...] = ("429", "500", "timeout")
    ) -> None:
        with self._lock:
            self._rate, self._faults, self._random = rate, faults, random.Random(seed)

    def accept_then_fail(self, count: int = 1) -> None:
        with self._lock:
            self._accept_then_fail += count

    def hold_queue(self) -> None:
        with self._lock:
            self._holding = True

    def release_queue(self) -> None:
        """Twilio sends what it held: status `sent`, DateSent now."""
        with self._lock:
            self._holding = False
            for resource in self._resources:
                if resource["date_sent"] is None:
                    resource["status"] = "sent"
                    resource["date_sent"] = _rfc2822(self.now())

    def resources(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._resources]

    def sent_to(self, phone: str) -> list[dict[str, str]]:
        with self._lock:
            return [m for m in self.messages if m["To"] == phone]

    # --- the server ------------------------------------------------------------------
    def _decide(self) -> tuple[str, int, int | None]:
        """What to do with the next call: ("ok"|"error"|"timeout"|"accept_fail", status, code)."""
        with self._lock:
            self.requests_count += 1
            if self._errors:
                status, code = self._errors.pop(0)
                return "error", status, code
            if self._accept_then_fail:
                self._accept_then_fail -= 1
                return "accept_fail", 500, None
            if self._rate and self._random.random() < self._rate:
                fault = self._random.choice(self._faults)
                if fault in ("timeout", "slow_accept"):
                    return fault, 0, None
                return "error", int(fault), 20429 if fault == "429" else None
        return "ok", 201, None

    def _record(self, form: dict[str, str]) -> dict[str, Any]:
        sid = "SM" + secrets.token_hex(16)
        resource = self._resource(sid, form)
        with self._lock:
            self.messages.append({**form, "sid": sid, "_received": f"{time.monotonic():.6f}"})
            self._resources.append(resource)
        return resource

    def _resource(self, sid: str, form: dict[str, str]) -> dict[str, Any]:
        now = _rfc2822(self.now())
        held = self._holding
        queued_status = "accepted" if "MessagingServiceSid" in form else "queued"
        return {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": form["To"],
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form["Body"],
            "status": queued_status if held else "sent",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "date_created": now,
            "date_sent": None if held else now,
            "error_code": None,
            "error_message": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # quiet: tests read the recorded messages instead

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status: int, code: int | None, message: str) -> None:
                self._reply(
                    status,
                    {
                        "code": code,
                        "message": message,
                        "more_info": f"https://www.twilio.com/docs/errors/{code}",
                        "status": status,
                    },
                )

            def _hang_until_the_client_gives_up(self) -> None:
                """Answer nothing: the client's read timeout fires and it closes the
                connection (seen here as readable EOF), or the fake stops."""
                self.close_connection = True
                deadline = time.monotonic() + 60
                while not fake._stopping.is_set() and time.monotonic() < deadline:
                    readable, _, _ = select.select([self.connection], [], [], 0.05)
                    if readable:
                        return

            def _authorised(self) -> bool:
                expected = base64.b64encode(
                    f"{fake.account_sid}:{fake.auth_token}".encode()
                ).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    self._error(401, 20003, "Authenticate")
                    return False
                return True

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                """The message list, with Twilio's filters (see the module docstring)."""
                path, _, query = self.path.partition("?")
                if not MESSAGES_PATH.match(path):
                    self._error(404, 20404, "The requested resource was not found")
                    return
                if not self._authorised():
                    return
                params = {k: v[0] for k, v in parse_qs(query).items()}
                with fake._lock:
                    found = [r for r in fake._resources if _matches(r, params)]
                size = min(int(params.get("PageSize", "50")), 1000)
                found = list(reversed(found))[:size]
                self._reply(
                    200,
                    {
                        "messages": found,
                        "page": 0,
                        "page_size": size,
                        "start": 0,
                        "end": len(found),
                        "uri": path,
                        "first_page_uri": path,
                        "next_page_uri": None,
                        "previous_page_uri": None,
                    },
                )

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                match = MESSAGES_PATH.match(self.path)
                if not match:
                    self._error(404, 20404, "The requested resource was not found")
                    return
                if not self._authorised():
                    return
                form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                if not form.get("To"):
                    self._error(400, 21604, "A 'To' phone number is required.")
                    return
                if not form.get("Body"):
                    self._error(400, 21602, "Message body is required.")
                    return
                if not (form.get("From") or form.get("MessagingServiceSid")):
                    self._error(400, 21603, "A 'From' or 'MessagingServiceSid' is required.")
                    return
                action, status, code = fake._decide()
                if action == "timeout":
                    self._hang_until_the_client_gives_up()
                    return
                if action == "slow_accept":
                    # Twilio took the message but the client gave up before an answer.
                    fake._record(form)
                    self._hang_until_the_client_gives_up()
                    return
                if action == "error":
                    self._error(status, code, "scripted error")
                    return
                payload = fake._record(form)
                if action == "accept_fail":
                    self._error(500, None, "accepted, but the answer was lost")
                    return
                self._reply(201, payload)

        return Handler


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-answer (a killed sender) is not an error here."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _rfc2822(at: float) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(at))


def _sent_day(resource: dict[str, Any]) -> str | None:
    if resource["date_sent"] is None:
        return None
    parsed = time.strptime(resource["date_sent"], "%a, %d %b %Y %H:%M:%S +0000")
    return time.strftime("%Y-%m-%d", parsed)


def _matches(resource: dict[str, Any], params: dict[str, str]) -> bool:
    if "To" in params and resource["to"] != params["To"]:
        return False
    if "From" in params and resource["from"] != params["From"]:
        return False
    day = _sent_day(resource)
    for key, test in (
        ("DateSent", lambda d, v: d == v),
        ("DateSent<", lambda d, v: d <= v),
        ("DateSent>", lambda d, v: d >= v),
    ):
        if key in params:
            value = params[key][:10]  # the SDK may send a full timestamp; Twilio uses the day
            if day is None or not test(day, value):
                return False
    return True
