"""Flask extensions, created unbound and attached in `init_app`: login sessions
(Flask-Login), CSRF on every clinician form (Flask-WTF), and the login limiter
(Flask-Limiter)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

from nudges.config import Settings
from nudges.services.clinicians import ClinicianView, load

SESSION_LIFETIME = timedelta(hours=8)

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class ClinicianUser(UserMixin):
    def __init__(self, view: ClinicianView) -> None:
        self.view = view
        self.id = view.id

    def get_id(self) -> str:
        # The session version rides in the session: when it moves on (logout,
        # a new password) the server refuses every cookie that names the old one.
        return f"{self.view.id}:{self.view.session_version}"


def init_app(app: Flask, settings: Settings) -> None:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_base_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        WTF_CSRF_TIME_LIMIT=int(SESSION_LIFETIME.total_seconds()),
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        RATELIMIT_HEADERS_ENABLED=True,
    )
    login_manager.init_app(app)
    login_manager.login_view = "clinician.login"
    login_manager.login_message = "Please log in to see your clients."
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    limiter.init_app(app)
    if settings.ratelimit_storage_uri.startswith("memory://"):
        # One app per process in production; tests build many, each with fresh
        # counts. A shared store (Redis) is never reset: a worker that restarts
        # must not forgive an attacker's failed guesses.
        limiter.reset()


@login_manager.user_loader
def _load_clinician(user_id: str) -> ClinicianUser | None:
    from flask import current_app

    from nudges.web import get_runtime

    clinician, _, version = user_id.partition(":")
    if not (clinician.isdigit() and version.isdigit()) or int(clinician) > 2**31 - 1:
        return None
    view = load(get_runtime(current_app), int(clinician))
    if view is None or view.session_version != int(version):
        return None  # logged out (or the password changed) since this cookie was issued
    return ClinicianUser(view)


def login_email_key() -> str:
    """The per-account limit's key: the email typed (lowercased)."""
    return "login:" + (request.form.get("email", "") or "").strip().lower()[:254]


def failed_login(response: Any) -> bool:
    """Only a wrong password counts against the limits (the login page answers it
    401): not a success (a redirect), and not an attempt the limiter already
    refused (429), or every retry during the wait would lengthen it and spill
    onto the address's count, locking out the clinic's other clinicians."""
    return bool(response.status_code == 401)
