"""A bare Flask endpoint returning fixed TwiML: the floor bench/load.py compares with."""

from flask import Flask, Response

app = Flask(__name__)
REPLY = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'


@app.post("/sms/inbound")
def inbound() -> Response:
    return Response(REPLY, 200, mimetype="text/xml")


@app.post("/sms/status")
def status() -> Response:
    return Response("ok\n", 200, mimetype="text/plain")
