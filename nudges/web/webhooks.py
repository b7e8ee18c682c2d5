"""POST /sms/inbound: Twilio's messaging webhook.

The keyword and crisis check run before any database work, so HELP and crisis
replies go out (as TwiML, in this response) even when the database is down.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from nudges.services.inbound import (
    InboundSms,
    InvalidInbound,
    Unavailable,
    known_opt_out_type,
    respond,
)
from nudges.sms.twiml import twiml
from nudges.web import get_runtime
from nudges.web.signature import require_twilio_signature

bp = Blueprint("sms", __name__)


def bad_request(reason: str) -> Response:
    return Response(reason + "\n", 400, mimetype="text/plain")


@bp.post("/inbound")  # below nudges.app.WEBHOOKS_AT
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
            opt_out_type=known_opt_out_type(form.get("OptOutType")),
        )
    except InvalidInbound as exc:
        return bad_request(str(exc))
    try:
        reply = respond(get_runtime(current_app), sms)
    except Unavailable:
        # Without a fallback URL Twilio drops a failed webhook; 503 makes it visible
        # in the Twilio console (error 11200) and triggers the fallback URL if set.
        return Response("temporarily unavailable\n", 503, mimetype="text/plain")
    return twiml(reply.messages)
