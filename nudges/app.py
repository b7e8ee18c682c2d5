"""The Flask application factory."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Flask, Response, g, request

from nudges.clock import Clock
from nudges.config import Settings, load_settings
from nudges.logs import configure_logging
from nudges.runtime import build_runtime
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
    configure_logging()

    runtime = build_runtime(settings, clock=clock, transport=transport)
    app.extensions["nudges"] = runtime
    _request_ids(app)

    from nudges.web import clinician, extensions, health, status, webhooks

    extensions.init_app(app, settings)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(status.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(clinician.bp)
    # Twilio's webhooks are signed, machine to machine, with no cookie or form
    # page: no session, CSRF, login or rate limit work (HELP answers in about
    # two thirds of the time; bench/inbound.py).
    extensions.exempt(app, webhooks.bp)
    extensions.exempt(app, status.bp)
    if settings.metrics_enabled:
        from nudges.web import metrics

        app.register_blueprint(metrics.bp)
    if settings.sms_transport == "console":
        from nudges.web import simulator

        app.register_blueprint(simulator.bp)
        # The simulator holds no login or authority to forge; it is a dev tool
        # for the console transport only.
        extensions.csrf.exempt(simulator.bp)
    return app


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _request_ids(app: Flask) -> None:
    """Every request gets an id, in the logs and the X-Request-Id header: the
    caller's (a proxy's X-Request-Id, or Twilio's idempotency token) when it is
    a plain token, else a new one."""

    @app.before_request
    def _assign() -> None:
        offered = request.headers.get("X-Request-Id") or request.headers.get(
            "I-Twilio-Idempotency-Token", ""
        )
        g.request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex

    @app.after_request
    def _echo(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        return response
