"""Headers every page carries, and a clean 400 for input no form should hold.

- No page may be framed (clickjacking), sniffed as another type, or leak its
  URL (which may name a client or an alert) to another site.
- A clinician page shows crisis texts and numbers: nothing of it is stored by
  the browser or a proxy (`no-store`), so Back after logout shows nothing.
- A NUL byte is refused before any database sees it (PostgreSQL rejects it in
  a string with an error that would otherwise be a 500).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

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
