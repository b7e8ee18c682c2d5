"""Prometheus metrics (prometheus_client), served at /metrics when METRICS_ENABLED.

Counters live in each process; under gunicorn set PROMETHEUS_MULTIPROC_DIR to an
empty directory (gunicorn.conf.py marks dead workers) and /metrics adds up every
process. Labels are kinds and classes only: never a number or a text.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

SENT = Counter("nudges_sms_sent_total", "Texts Twilio accepted, by kind", ["kind"])
DELIVERY = Counter(
    "nudges_sms_delivery_total", "Final delivery statuses from callbacks", ["status"]
)
SEND_FAILURES = Counter(
    "nudges_send_failures_total", "Failed provider calls, by error class", ["error_class"]
)
OPT_OUTS = Counter("nudges_opt_outs_total", "Opt-outs applied, by source", ["source"])
CRISIS_REPLIES = Counter(
    "nudges_crisis_replies_total",
    "Crisis and concern replies sent, by detector tier and level",
    ["tier", "level"],
)
INBOUND_SECONDS = Histogram(
    "nudges_inbound_seconds",
    "Time to answer an inbound text",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
OUTBOX_LAG = Gauge(
    "nudges_outbox_lag_seconds",
    "Age of the oldest queued text that is due, at the last send pass",
    multiprocess_mode="max",
)

# Send capacity (scheduler/capacity.py): alert when send_seconds > grace_seconds.
BUSIEST_SLOT_DUE = Gauge(
    "nudges_busiest_slot_due",
    "Parents due in the busiest send slot of the coming week",
    multiprocess_mode="max",
)
BUSIEST_SLOT_SEND_SECONDS = Gauge(
    "nudges_busiest_slot_send_seconds",
    "Seconds MAX_SENDS_PER_SECOND needs to send the busiest slot of the coming week",
    multiprocess_mode="max",
)
BUSIEST_SLOT_GRACE_SECONDS = Gauge(
    "nudges_busiest_slot_grace_seconds",
    "Seconds the busiest slot's texts may take: the 2 h grace, or less if the window closes",
    multiprocess_mode="max",
)


def render() -> tuple[bytes, str]:
    """The exposition text, added up across processes when multiprocess is on."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
