"""The Flask application factory."""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from nudges.clock import Clock
from nudges.config import SHORT_SECRET_KEY, Settings, load_settings, weak_secret_key
from nudges.logs import configure_logging
from nudges.runtime import build_runtime
from nudges.sms.transports import Transport

MAX_REQUEST_BYTES = 64 * 1024  # Twilio webhooks are small; a 10 kB body still fits.
WEBHOOKS_AT = "/sms"  # Twilio's two webhooks: /sms/inbound and /sms/status
log = logging.getLogger(__name__)


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
    if weak_secret_key(settings):
        log.warning(
            "setting SECRET_KEY is shorter than %d characters: clinicians' sessions "
            "signed with it can be forged; set a long random value",
            SHORT_SECRET_KEY,
        )

    runtime = build_runtime(settings, clock=clock, transport=transport)
    app.extensions["nudges"] = runtime
    _request_ids(app)

    from nudges.web import clinician, extensions, health, status, webhooks

    extensions.init_app(app, settings)
    app.register_blueprint(webhooks.bp, url_prefix=WEBHOOKS_AT)
    app.register_blueprint(status.bp, url_prefix=WEBHOOKS_AT)
    app.register_blueprint(health.bp)
    app.register_blueprint(clinician.bp)
    # Twilio's webhooks are signed, not sessions: CSRF does not apply to them.
    extensions.csrf.exempt(webhooks.bp)
    extensions.csrf.exempt(status.bp)
    if settings.metrics_enabled:
        from nudges.web import metrics

        app.register_blueprint(metrics.bp)
    if settings.sms_transport == "console":
        from nudges.web import simulator

        app.register_blueprint(simulator.bp)
        # The simulator holds no login or authority to forge; it is a dev tool
        # for the console transport only.
        extensions.csrf.exempt(simulator.bp)
    app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, {WEBHOOKS_AT: _webhook_app(runtime, test_config)}
    )
    return app


def _webhook_app(runtime: Any, test_config: dict[str, Any] | None) -> Flask:
    """Twilio's webhooks in a Flask app of their own, mounted at WEBHOOKS_AT by
    Werkzeug's DispatcherMiddleware.

    They are machine to machine and signed, with no cookie, login or form page,
    so they skip the session, CSRF, login and rate-limit work every page request
    pays. The extensions' own exemptions on one app (a session interface that
    opens none, the limiter's request filter, CSRF exempt) measured slower: their
    hooks still run on every request of the app they are on (HELP, without the
    reply-deadline thread, 2.0-2.1x the signed bare endpoint mounted here,
    2.4-2.6x exempted, same runs, 2 December 2026). The same blueprints stay
    registered on the main app, so `url_for` and `flask routes` still see them."""
    from nudges.web import status, webhooks
    from nudges.web.signature import MOUNTED_AT

    hooks = Flask("nudges.webhooks")
    hooks.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES, **(test_config or {}))
    hooks.config["SECRET_KEY"] = None  # no sessions here
    hooks.config[MOUNTED_AT] = WEBHOOKS_AT
    hooks.extensions["nudges"] = runtime
    _request_ids(hooks)
    # Below the mount point: the middleware moved WEBHOOKS_AT to SCRIPT_NAME.
    hooks.register_blueprint(webhooks.bp)
    hooks.register_blueprint(status.bp)
    return hooks


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _request_ids(app: Flask) -> None:
    """Every request gets an id, in the logs and the X-Request-Id header: the
    caller's (a proxy's X-Request-Id, or Twilio's idempotency token) when it is
    a plain token, else a new one."""

    @app.before_request
    def _assign() -> None:
        # From the WSGI environ: a missing header costs Werkzeug's Headers an
        # exception object per lookup, on every webhook.
        environ = request.environ
        offered = environ.get("HTTP_X_REQUEST_ID") or environ.get(
            "HTTP_I_TWILIO_IDEMPOTENCY_TOKEN", ""
        )
        # 128 random bits in hex, as uuid4().hex gives, without building a UUID.
        g.request_id = offered if _REQUEST_ID.fullmatch(offered) else os.urandom(16).hex()

    @app.after_request
    def _echo(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        return response
