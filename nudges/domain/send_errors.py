"""What a failed send means, from Twilio's error code and the HTTP status.

Twilio reports 2xxxx codes when the API call fails and 3xxxx codes later, in
the status callback. Twilio advises against hard logic on codes it keeps
refining, so anything unknown is treated as "do not retry blindly".
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    OPTED_OUT = "opted_out"  # the parent opted out at Twilio or the carrier: stop, never retry
    UNUSABLE = "unusable"  # the number cannot take texts: mark it, stop sending
    TRANSIENT = "transient"  # try again later, with backoff, a bounded number of times
    NO_RETRY = "no_retry"  # e.g. filtered as spam: retrying the same text will not help
    CONFIG = "config"  # our account or sender is misconfigured: an operator must act


OPTED_OUT_CODES = {21610, 30004}
UNUSABLE_CODES = {21211, 21614, 21635, 30005, 30006}
TRANSIENT_CODES = {20429, 30003, 30008, 30001, 30036}
NO_RETRY_CODES = {30007}  # filtered as spam: the same text again will be filtered again
CONFIG_CODES = {20003, 20404, 21408, 21606, 21608, 21612, 30034, 30035, 21659}

MAX_ATTEMPTS = 5


def classify(code: int | None, http_status: int | None) -> ErrorKind:
    if code in OPTED_OUT_CODES:
        return ErrorKind.OPTED_OUT
    if code in UNUSABLE_CODES:
        return ErrorKind.UNUSABLE
    if code in TRANSIENT_CODES:
        return ErrorKind.TRANSIENT
    if code in NO_RETRY_CODES:
        return ErrorKind.NO_RETRY
    if code in CONFIG_CODES or http_status in (401, 403):
        return ErrorKind.CONFIG
    if code is None and http_status is None:
        return ErrorKind.TRANSIENT  # no answer at all: a timeout or a reset connection
    if http_status is not None and (http_status == 429 or http_status >= 500):
        return ErrorKind.TRANSIENT
    return ErrorKind.NO_RETRY


def retry_delay(attempt: int, *, base: float = 30.0, cap: float = 1800.0) -> float:
    """Seconds to wait before attempt `attempt + 1`: 30 s, 60 s, 120 s ... at most `cap`."""
    return float(min(cap, base * 2 ** max(0, attempt - 1)))
