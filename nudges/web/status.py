"""POST /sms/status: Twilio's delivery status callbacks.

The callback URL carries the outbox id (`?outbox=<id>`), so a callback that
arrives before the sender stored the SID still finds its row.
"""

from __future__ import annotations

import logging
import re

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError

from nudges.domain.outbox import STATUS_RANK
from nudges.services.delivery import record_status
from nudges.web import get_runtime
from nudges.web.signature import require_twilio_signature

log = logging.getLogger(__name__)
bp = Blueprint("status", __name__)
SID = re.compile(r"(?:SM|MM)[0-9a-fA-F]{32}")
NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits only, small enough for any integer column


def _plain(text: str, status: int) -> Response:
    return Response(text + "\n", status, mimetype="text/plain")


@bp.post("/status")  # below nudges.app.WEBHOOKS_AT
@require_twilio_signature
def status_callback() -> Response:
    sid = request.form.get("MessageSid", "")
    status = request.form.get("MessageStatus", "")
    if not SID.fullmatch(sid):
        return _plain("MessageSid missing or malformed", 400)
    if status not in STATUS_RANK:
        return _plain("MessageStatus missing or unknown", 400)
    raw_code = request.form.get("ErrorCode") or None
    if raw_code is not None and not NUMBER.fullmatch(raw_code):
        return _plain("ErrorCode must be a number", 400)
    outbox_arg = request.args.get("outbox")
    if outbox_arg is not None and not NUMBER.fullmatch(outbox_arg):
        return _plain("outbox must be a number", 400)
    try:
        outcome = record_status(
            get_runtime(current_app),
            int(outbox_arg) if outbox_arg else None,
            sid,
            status,
            int(raw_code) if raw_code else None,
        )
    except SQLAlchemyError:
        log.exception("status callback could not be stored")
        return _plain("temporarily unavailable", 503)
    if not outcome.found:
        # Not ours (or purged). 200 so Twilio does not keep retrying it.
        return _plain("no such message", 200)
    return _plain("updated" if outcome.changed else "ignored", 200)
