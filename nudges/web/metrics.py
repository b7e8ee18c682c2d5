"""GET /metrics: Prometheus exposition, registered only when METRICS_ENABLED."""

from __future__ import annotations

from flask import Blueprint, Response

from nudges.metrics import render

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics() -> Response:
    body, content_type = render()
    return Response(body, 200, content_type=content_type)
