"""The web side: Twilio's webhooks, health, and the pages. Views call services."""

from __future__ import annotations

from flask import Flask

from nudges.runtime import Runtime


def get_runtime(app: Flask) -> Runtime:
    runtime = app.extensions["nudges"]
    assert isinstance(runtime, Runtime)
    return runtime
