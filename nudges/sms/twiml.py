"""TwiML replies. Built by hand: a fixed, tiny shape, escaped properly."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from flask import Response


def messaging_response(messages: Sequence[str]) -> str:
    body = "".join(f"<Message>{escape(text)}</Message>" for text in messages)
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>'


def twiml(messages: Sequence[str], status: int = 200) -> Response:
    return Response(messaging_response(messages), status, mimetype="text/xml")
