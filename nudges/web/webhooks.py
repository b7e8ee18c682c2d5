"""POST /sms/inbound: Twilio's messaging webhook.

The keyword and crisis check run before any database work, so HELP and crisis
replies go out (as TwiML, in this response) even when the database is down.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request

from nudges.app import get_runtime
from nudges.domain.keywords import interpret
from nudges.inbound import InboundSms, InvalidInbound, handle_inbound, safety_reply
from nudges.sms.signature import require_twilio_signature
from nudges.sms.twiml import twiml

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__)


def bad_request(reason: str) -> Response:
    return Response(reason + "\n", 400, mimetype="text/plain")


@bp.post("/sms/inbound")
@require_twilio_signature
def inbound() -> Response:
    form = request.form
    missing = [name for name in ("From", "Body", "MessageSid") if name not in form]
    if missing:
        return bad_request("missing " + ", ".join(missing))
    try:
        sms = InboundSms(
            from_number=form["From"].strip(),
            body=form["Body"],
            message_sid=form["MessageSid"].strip(),
            opt_out_type=form.get("OptOutType") or None,
        )
    except InvalidInbound as exc:
        return bad_request(str(exc))

    runtime = get_runtime(current_app)
    intent = interpret(sms.body)
    try:
        reply = handle_inbound(runtime, sms, intent)
    except Exception:
        # Never let an outage swallow a crisis or HELP reply.
        log.exception("inbound processing failed")
        fallback = safety_reply(runtime.settings, intent)
        if fallback is not None:
            return twiml(fallback)
        # Without a fallback URL Twilio drops a failed webhook; 503 makes it visible
        # in the Twilio console (error 11200) and triggers the fallback URL if set.
        return Response("temporarily unavailable\n", 503, mimetype="text/plain")
    return twiml(reply.messages)
