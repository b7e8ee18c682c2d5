"""The Flask application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from nudges.clock import Clock
from nudges.config import Settings, load_settings
from nudges.runtime import Runtime, build_runtime
from nudges.sms.transports import Transport

MAX_REQUEST_BYTES = 64 * 1024  # Twilio webhooks are small; a 10 kB body still fits.


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    clock: Clock | None = None,
    transport: Transport | None = None,
) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES)
    if test_config:
        app.config.update(test_config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    runtime = build_runtime(settings, clock=clock, transport=transport)
    app.extensions["nudges"] = runtime

    from nudges.web import health, status, webhooks

    app.register_blueprint(webhooks.bp)
    app.register_blueprint(status.bp)
    app.register_blueprint(health.bp)
    if settings.sms_transport == "console":
        from nudges.web import simulator

        app.register_blueprint(simulator.bp)
    return app


def get_runtime(app: Flask) -> Runtime:
    runtime = app.extensions["nudges"]
    assert isinstance(runtime, Runtime)
    return runtime
