"""TwiML replies come from the Twilio SDK; the bytes Twilio receives are the
ones the hand-written builder sent before (expected values written out here)."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from nudges.sms.twiml import messaging_response, twiml

HEAD = '<?xml version="1.0" encoding="UTF-8"?>'


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (
            ["Reply STOP to opt out."],
            "<Response><Message>Reply STOP to opt out.</Message></Response>",
        ),
        (
            ["Tom & Jerry <3 \"quoted\" 'single'", "caf\u00e9 \U0001f62d\r\nnext ]]>"],
            "<Response><Message>Tom &amp; Jerry &lt;3 \"quoted\" 'single'</Message>"
            "<Message>caf\u00e9 \U0001f62d\r\nnext ]]&gt;</Message></Response>",
        ),
    ],
)
def test_messages_are_byte_identical_to_the_former_builder(
    messages: list[str], expected: str
) -> None:
    assert messaging_response(messages) == HEAD + expected


def test_no_messages_is_an_empty_response_element() -> None:
    # The SDK closes an empty element itself (`<Response />`, as Twilio's docs
    # show) where the former builder wrote `<Response></Response>`: the same XML.
    assert messaging_response([]) == HEAD + "<Response />"
    root = ElementTree.fromstring(messaging_response([]))
    assert (root.tag, list(root), root.text) == ("Response", [], None)


def test_the_reply_is_xml_with_its_status() -> None:
    response = twiml(["hi"], status=202)
    assert response.status_code == 202
    assert response.mimetype == "text/xml"
    assert response.get_data(as_text=True) == HEAD + "<Response><Message>hi</Message></Response>"
