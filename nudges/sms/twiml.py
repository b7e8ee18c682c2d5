"""TwiML replies, written by the Twilio SDK's `MessagingResponse`."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response
from twilio.twiml.messaging_response import MessagingResponse


def messaging_response(messages: Sequence[str]) -> str:
    response = MessagingResponse()
    for text in messages:
        response.message(text)
    return str(response.to_xml())


def twiml(messages: Sequence[str], status: int = 200) -> Response:
    return Response(messaging_response(messages), status, mimetype="text/xml")
