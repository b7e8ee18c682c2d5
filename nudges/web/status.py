"""POST /sms/status: Twilio's delivery status callbacks.

The callback URL carries the outbox id (`?outbox=<id>`), so a callback that
arrives before the sender stored the SID still finds its row.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, request
from sqlalchemy import select

from nudges.app import get_runtime
from nudges.db.models import Outbox
from nudges.delivery import STATUS_RANK, apply_status
from nudges.sms.signature import require_twilio_signature

bp = Blueprint("status", __name__)
SID = re.compile(r"(?:SM|MM)[0-9a-fA-F]{32}")


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
    if raw_code is not None and not raw_code.isdigit():
        return _plain("ErrorCode must be a number", 400)
    outbox_arg = request.args.get("outbox")
    if outbox_arg is not None and not outbox_arg.isdigit():
        return _plain("outbox must be a number", 400)

    runtime = get_runtime(current_app)
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
