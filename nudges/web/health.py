"""GET /healthz: is the web process up, and can it reach the database?"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from nudges.app import get_runtime

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    runtime = get_runtime(current_app)
    try:
        with runtime.db.session() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        return jsonify(status="degraded", database="unreachable"), 503
    return jsonify(status="ok", database="ok", transport=runtime.transport.name), 200
