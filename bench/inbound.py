"""Time signed inbound webhooks through the WSGI app, in-process, against a bare
Flask endpoint that returns fixed TwiML, in the same run. Prints medians and ratio.

    .venv/bin/python bench/inbound.py [--rounds 400]

Goal (issue 2): the median of our inbound path at most 2x the bare endpoint, on SQLite.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask, Response
from twilio.request_validator import RequestValidator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nudges.app import create_app  # noqa: E402
from nudges.config import load_settings  # noqa: E402
from nudges.db.migrate import upgrade  # noqa: E402

BASE = "https://bench.example"
TOKEN = "bench-secret"
FIXED = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'


def bare_app() -> Flask:
    app = Flask("bare")

    @app.post("/sms/inbound")
    def inbound() -> Response:
        return Response(FIXED, mimetype="text/xml")

    return app


def timed(client, body: str, phone: str, sid: str) -> float:  # type: ignore[no-untyped-def]
    data = {"From": phone, "To": "+14045550100", "Body": body, "MessageSid": sid}
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/sms/inbound", data)
    start = time.perf_counter()
    response = client.post("/sms/inbound", data=data, headers={"X-Twilio-Signature": signature})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(url)
        env = {"DATABASE_URL": url, "SECRET_KEY": TOKEN, "PUBLIC_BASE_URL": BASE}
        ours = create_app(settings=load_settings(env)).test_client()
        bare = bare_app().test_client()
        results: dict[str, list[float]] = {"bare": [], "HELP": [], "JOIN+YES": [], "STOP": []}
        results["free text"] = []
        for i in range(args.rounds):
            phone = f"+1404{5550000 + i:07d}"
            sid = f"SM{i:032x}"
            results["bare"].append(timed(bare, "HELP", phone, sid))
            results["HELP"].append(timed(ours, "HELP", phone, f"SM{i:08x}{'1' * 24}"))
            join = timed(ours, "JOIN", phone, f"SM{i:08x}{'2' * 24}")
            results["JOIN+YES"].append(join + timed(ours, "YES", phone, f"SM{i:08x}{'3' * 24}"))
            results["free text"].append(
                timed(ours, "thank you, needed that", phone, f"SM{i:08x}{'4' * 24}")
            )
            results["STOP"].append(timed(ours, "STOP", phone, f"SM{i:08x}{'5' * 24}"))
        bare_median = statistics.median(results["bare"])
        print(f"rounds: {args.rounds} (SQLite, in-process WSGI, signed requests)")
        print(f"{'path':<12} {'median ms':>10} {'p95 ms':>8} {'x bare':>7}")
        for name, samples in results.items():
            median = statistics.median(samples)
            p95 = statistics.quantiles(samples, n=20)[18]
            per = 2 if name == "JOIN+YES" else 1
            print(
                f"{name:<12} {median * 1000:>10.3f} {p95 * 1000:>8.3f} "
                f"{median / per / bare_median:>7.2f}"
            )
        print("(JOIN+YES is two requests; its ratio is per request)")


if __name__ == "__main__":
    main()
