"""/metrics: Prometheus counters an operator can use, behind METRICS_ENABLED."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nudges.app import create_app
from nudges.config import Settings
from nudges.web import get_runtime
from tests.conftest import ANNA_ATLANTA, SECRET_KEY, SignedClient


@pytest.fixture
def metered(make_settings: Callable[..., Settings], clock: Any) -> Iterator[Any]:
    app = create_app({"TESTING": True}, settings=make_settings(METRICS_ENABLED="true"), clock=clock)
    yield app
    get_runtime(app).db.dispose()


def value(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_metrics_are_off_unless_enabled(app: Any) -> None:
    assert app.test_client().get("/metrics").status_code == 404


def test_metrics_count_crisis_replies_opt_outs_and_inbound_latency(metered: Any) -> None:
    client = metered.test_client()
    phone = SignedClient(client, SECRET_KEY)
    before = client.get("/metrics").data.decode()
    phone.text(ANNA_ATLANTA, "JOIN")
    phone.text(ANNA_ATLANTA, "I want to die")
    phone.text(ANNA_ATLANTA, "STOP")
    after = client.get("/metrics")
    assert after.status_code == 200 and after.mimetype == "text/plain"
    text = after.data.decode()
    for name, delta in [
        ('nudges_crisis_replies_total{level="crisis",tier="1"}', 1),
        ('nudges_opt_outs_total{source="sms"}', 1),
        ("nudges_inbound_seconds_count", 3),
    ]:
        assert value(text, name) - value(before, name) == delta, name
    assert "4045550123" not in text and "want to die" not in text
