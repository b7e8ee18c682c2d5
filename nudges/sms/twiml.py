"""TwiML replies, written by the Twilio SDK's `MessagingResponse`."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from flask import Response
from twilio.twiml.messaging_response import MessagingResponse


def messaging_response(messages: Sequence[str]) -> str:
    return _document(tuple(messages))


# Replies repeat (HELP, STOP, the confirmations), and the SDK's ElementTree
# serialisation was a fifth of HELP's time: the recent documents are kept.
# Our own reply texts only, which the database stores anyway.
@functools.lru_cache(maxsize=32)
def _document(messages: tuple[str, ...]) -> str:
    response = MessagingResponse()
    for text in messages:
        response.message(text)
    return str(response.to_xml())


def twiml(messages: Sequence[str], status: int = 200) -> Response:
    return Response(messaging_response(messages), status, mimetype="text/xml")
