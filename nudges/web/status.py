"""POST /sms/status: Twilio's delivery status callbacks.

The callback URL carries the outbox id (`?outbox=<id>`), so a callback that
arrives before the sender stored the SID still finds its row.
"""

from __future__ import annotations

import logging
import re

from flask import Blueprint, Response, current_app, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from nudges.app import get_runtime
from nudges.db.models import Outbox
from nudges.delivery import STATUS_RANK, apply_status
from nudges.runtime import Runtime
from nudges.sms.signature import require_twilio_signature

log = logging.getLogger(__name__)
bp = Blueprint("status", __name__)
SID = re.compile(r"(?:SM|MM)[0-9a-fA-F]{32}")
NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits only, small enough for any integer column


def _plain(text: str, status: int) -> Response:
    return Response(text + "\n", status, mimetype="text/plain")


@bp.post("/sms/status")
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

    runtime = get_runtime(current_app)
    try:
        return _apply(runtime, outbox_arg, sid, status, raw_code)
    except SQLAlchemyError:
        log.exception("status callback could not be stored")
        return _plain("temporarily unavailable", 503)


def _apply(
    runtime: Runtime, outbox_arg: str | None, sid: str, status: str, raw_code: str | None
) -> Response:
    with runtime.db.session() as session:
        if outbox_arg is not None:
            row = session.get(Outbox, int(outbox_arg), with_for_update=True)
        else:
            row = session.scalar(select(Outbox).where(Outbox.provider_sid == sid))
        if row is None:
            # Not ours (or purged). 200 so Twilio does not keep retrying it.
            return _plain("no such message", 200)
        changed = apply_status(
            session, row, sid, status, int(raw_code) if raw_code else None, runtime.clock.now()
        )
    return _plain("updated" if changed else "ignored", 200)
