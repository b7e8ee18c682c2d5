"""GET/POST /dev/phone: a pretend phone for trying the conversation without Twilio.

Registered only with the console transport. Texts go through the same inbound
service as the webhook; the thread lives in the browser session, not the database.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from nudges.app import get_runtime
from nudges.inbound import InboundSms, InvalidInbound, handle_inbound

bp = Blueprint("simulator", __name__, template_folder="templates")
MAX_THREAD = 40


@bp.get("/dev/phone")
def phone() -> ResponseReturnValue:
    number = session.get("sim_phone", "+14045550123")
    thread = session.get("sim_thread", [])
    sent = [
        sms.body
        for sms in getattr(get_runtime(current_app).transport, "sent", [])
        if sms.to == number
    ]
    return render_template(
        "simulator.html", number=number, thread=thread, outbound=sent[-10:], error=None
    )


@bp.post("/dev/phone")
def send() -> ResponseReturnValue:
    number = request.form.get("phone", "").strip()
    body = request.form.get("body", "")[:1600]
    try:
        sms = InboundSms(from_number=number, body=body, message_sid="SM" + secrets.token_hex(16))
    except InvalidInbound as exc:
        thread = session.get("sim_thread", [])
        html = render_template(
            "simulator.html", number=number, thread=thread, outbound=[], error=str(exc)
        )
        return html, 400
    reply = handle_inbound(get_runtime(current_app), sms)
    if number != session.get("sim_phone"):
        session["sim_thread"] = []
    thread = session.get("sim_thread", [])
    thread.append({"who": "you", "text": body})
    thread += [{"who": "service", "text": text} for text in reply.messages]
    session["sim_phone"] = number
    session["sim_thread"] = thread[-MAX_THREAD:]
    return redirect(url_for("simulator.phone"))
