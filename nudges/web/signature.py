"""Checking `X-Twilio-Signature` on webhooks.

The URL Twilio signed is the public one (PUBLIC_BASE_URL), not what Flask sees
behind a proxy, and the query string must be the raw bytes: Werkzeug's
`request.url` decodes it and breaks the check.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, request
from twilio.request_validator import RequestValidator

F = TypeVar("F", bound=Callable[..., Any])
# Config key: the path an app of webhooks is mounted at (nudges.app). Werkzeug's
# DispatcherMiddleware moves it from the path to SCRIPT_NAME; Twilio signed both.
MOUNTED_AT = "NUDGES_MOUNTED_AT"


def signed_url(public_base_url: str, path: str, raw_query: bytes) -> str:
    url = public_base_url.rstrip("/") + path
    if raw_query:
        url += "?" + raw_query.decode("latin-1")
    return url


def is_valid_request(auth_token: str, public_base_url: str) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not auth_token:
        return False
    path = current_app.config.get(MOUNTED_AT, "") + request.path
    url = signed_url(public_base_url, path, request.query_string)
    validator = RequestValidator(auth_token)
    # The common case first: Twilio signed exactly PUBLIC_BASE_URL (one HMAC).
    # Otherwise the SDK's full check, which also tries the URL with and without
    # a port and the JSON body hash.
    if "bodySHA256" not in request.args and hmac.compare_digest(
        validator.compute_signature(url, request.form), signature
    ):
        return True
    return bool(validator.validate(url, request.form, signature))


def require_twilio_signature(view: F) -> F:
    """403 with no side effects unless Twilio (or someone with the token) signed it."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from nudges.web import get_runtime

        settings = get_runtime(current_app).settings
        token = settings.twilio_auth_token or _console_token(settings.secret_key)
        if not is_valid_request(token, settings.public_base_url):
            return Response("invalid or missing X-Twilio-Signature\n", 403, mimetype="text/plain")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _console_token(secret_key: str) -> str:
    """Without Twilio credentials there is no auth token; webhooks are then signed
    with SECRET_KEY, so the check is never simply off."""
    return secret_key
