"""GET /healthz: 200 when the service can do its work, 503 naming why not."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from nudges.services.health import check
from nudges.web import get_runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    healthy, report = check(get_runtime(current_app))
    return jsonify(report), 200 if healthy else 503
