"""GET/POST /dev/phone: a pretend phone for trying the conversation without Twilio.

Registered only with the console transport. Texts go through the same inbound
service as the webhook (so HELP and crisis answer during an outage too); the
thread is kept server-side, with nudges sent to the number in it.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from nudges.domain.phone import InvalidPhone, parse_phone
from nudges.domain.preferences import zone_on_join
from nudges.services.inbound import InboundSms, Unavailable, respond
from nudges.services.simulator import Bubble, record_exchange, thread
from nudges.web import get_runtime

bp = Blueprint("simulator", __name__, template_folder="templates")
DEFAULT_NUMBER = "+14045550123"
MAX_BODY = 1600


def _page(
    number: str,
    *,
    typed: str = "",
    error: str | None = None,
    status: int = 200,
    extra: list[Bubble] | None = None,
) -> ResponseReturnValue:
    runtime = get_runtime(current_app)
    try:
        bubbles = thread(runtime, number)
    except Exception:  # noqa: BLE001 - the page still works during an outage
        bubbles = []
    bubbles += extra or []
    # Times as the phone's owner reads them: in their number's own zone.
    zone = zone_on_join(number, runtime.settings.default_timezone) if number else ""
    html = render_template(
        "simulator.html", number=number, thread=bubbles, typed=typed, error=error, zone=zone
    )
    return html, status


@bp.get("/dev/phone")
def phone() -> ResponseReturnValue:
    """The thread of the last number used; `?phone=` shows another number's (a
    clinician's own, say, to read the alert text and its link)."""
    asked = request.args.get("phone", "")
    if asked:
        try:
            session["sim_phone"] = parse_phone(asked[:40])
        except InvalidPhone as exc:
            return _page(asked.strip()[:40], error=str(exc), status=400)
    return _page(session.get("sim_phone", DEFAULT_NUMBER))


@bp.post("/dev/phone")
def send() -> ResponseReturnValue:
    typed_number = request.form.get("phone", "")
    body = request.form.get("body", "")[:MAX_BODY]
    try:
        number = parse_phone(typed_number)
    except InvalidPhone as exc:
        return _page(typed_number.strip()[:40], typed=body, error=str(exc), status=400)
    if not body.strip():
        return _page(number, error="Type a message first.", status=400)
    session["sim_phone"] = number
    sms = InboundSms(from_number=number, body=body, message_sid="SM" + secrets.token_hex(16))
    runtime = get_runtime(current_app)
    try:
        reply = respond(runtime, sms)
    except Unavailable:
        return _page(
            number,
            typed=body,
            error="The service can't reach its database right now, so that text was not "
            "handled. Try again in a moment (HELP and crisis texts still get answers).",
            status=503,
        )
    try:
        record_exchange(runtime, number, body, reply.messages)
    except Exception:  # noqa: BLE001 - show the reply even when it cannot be stored
        now = runtime.clock.now()
        shown = [Bubble("you", body, now)] + [Bubble("service", t, now) for t in reply.messages]
        return _page(number, extra=shown)
    return redirect(url_for("simulator.phone"))
