"""Headers every page carries, and a clean 400 for input no form should hold.

- No page may be framed (clickjacking), sniffed as another type, or leak its
  URL (which may name a client or an alert) to another site.
- A clinician page shows crisis texts and numbers: nothing of it is stored by
  the browser or a proxy (`no-store`), so Back after logout shows nothing.
- A NUL byte is refused before any database sees it (PostgreSQL rejects it in
  a string with an error that would otherwise be a 500).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest

# The pages use one stylesheet and no script of their own; the /dev/phone
# simulator (console transport only) keeps its small inline style and script.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SIMULATOR_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def init_blueprint(bp: Blueprint) -> None:
    bp.after_app_request(headers)
    bp.before_request(refuse_nul)
    # CSRF is checked before any blueprint's view, so its error is the app's.
    bp.app_errorhandler(400)(bad_request)


EXPIRED_FORM = (
    "This form had expired, or was opened before you last logged in, so it was not"
    " accepted. Reload the page to get a fresh form (what you typed needs typing again)."
)
UNREADABLE_FORM = (
    "Something in that form could not be read: an invisible character, or a field the"
    " page never offers."
)


def bad_request(error: BadRequest) -> ResponseReturnValue:
    """A clinician page's 400 as a page that says what went wrong, not Werkzeug's
    plain one; any other path keeps the plain answer."""
    if not request.path.startswith("/clinician"):
        return error
    message = EXPIRED_FORM if isinstance(error, CSRFError) else UNREADABLE_FORM
    back = request.referrer if _same_site(request.referrer) else url_for("clinician.dashboard_page")
    return render_template("bad_request.html", message=message, back=back), 400


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)  # type: ignore[union-attr]


def headers(response: Response) -> Response:
    simulator = request.path.startswith("/dev/")
    response.headers.setdefault("Content-Security-Policy", SIMULATOR_CSP if simulator else CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    static = request.path.startswith("/clinician/static/")
    if (request.path.startswith("/clinician") and not static) or simulator:
        response.headers["Cache-Control"] = "no-store"
    return response


def refuse_nul() -> None:
    """400 for a NUL anywhere in the path's form or query values or names."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)
