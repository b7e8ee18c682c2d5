"""Settings from the environment (and `.env`), checked once at start.

A wrong value stops start-up with a `ConfigError` that names the setting, so an
operator never finds out about a typo from a parent who got no reply.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from messages.gsm import gsm7_length, non_gsm7
from nudges.domain.phone import E164
from nudges.domain.preferences import lifeline_zone, parse_zone

# The project's instance/ folder (absolute), so `nudges sms` finds the same
# database from any directory; NUDGES_INSTANCE_DIR moves it.
PROJECT_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("NUDGES_INSTANCE_DIR") or PROJECT_DIR / "instance").resolve()
TRANSPORTS = ("twilio", "console")
# Where STOPs and crises wait out a database outage unless NUDGES_STOP_SPOOL
# says otherwise; before crises were journalled the default file held opt-outs
# only, and one left by an older release is applied first.
DEFAULT_SAFETY_JOURNAL = INSTANCE_DIR / "safety_journal.jsonl"
LEGACY_SAFETY_JOURNAL: Path | None = INSTANCE_DIR / "pending_stops.jsonl"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    database_url: str = field(repr=False)
    secret_key: str = field(repr=False)
    public_base_url: str
    sms_transport: str
    program_name: str = "GoodEnough"
    support_contact: str = "help@goodenough.example"
    send_window: tuple[time, time] = (time(9, 0), time(20, 0))
    default_timezone: str = "America/New_York"
    max_sends_per_second: float = 1.0
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_from_number: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_api_base_url: str = ""
    message_retention_days: int = 30
    # Where the login limiter counts attempts: memory:// for one process; with
    # several web workers use a shared store such as redis://127.0.0.1:6379.
    ratelimit_storage_uri: str = "memory://"
    twilio_timeout_seconds: float = 10.0
    metrics_enabled: bool = False
    log_format: str = "text"  # or "json": one object a line, for a log pipeline
    # The safety journal (NUDGES_STOP_SPOOL keeps its name: deployments set it),
    # and an older release's file, applied first when the default place is used.
    safety_journal: Path = DEFAULT_SAFETY_JOURNAL
    legacy_safety_journal: Path | None = LEGACY_SAFETY_JOURNAL


# No text before 8 a.m. or after 9 p.m. in the parent's zone, whatever the
# operator sets (research/compliance.md section 2). A window shorter than an
# hour leaves parents' chosen times nowhere to go.
QUIET_HOURS_END, QUIET_HOURS_START = time(8, 0), time(21, 0)
MIN_WINDOW_MINUTES = 60


def parse_window(raw: str) -> tuple[time, time]:
    """`09:00-20:00` -> (09:00, 20:00); the start must come before the end."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", raw)
    if not match:
        raise ValueError("expected HH:MM-HH:MM, e.g. 09:00-20:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if not (0 <= h1 <= 23 and 0 <= h2 <= 23 and m1 < 60 and m2 < 60):
        raise ValueError("hours 0-23, minutes 0-59")
    start, end = time(h1, m1), time(h2, m2)
    if start >= end:
        raise ValueError("the window must start before it ends (no overnight windows)")
    if start < QUIET_HOURS_END or end > QUIET_HOURS_START:
        raise ValueError(
            "the window must lie within 08:00-21:00 (the federal quiet hours, "
            "47 CFR 64.1200(c)(1)); 09:00-20:00 is the default"
        )
    if (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) < MIN_WINDOW_MINUTES:
        raise ValueError(f"the window must be at least {MIN_WINDOW_MINUTES} minutes long")
    return start, end


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'nudges.sqlite3'}"


Env = Mapping[str, str]


# The console transport's key when none is set (the README names it, so it
# signs nothing a stranger could not).
DEV_SECRET_KEY = "dev-only-not-secret"
# Shorter than this, a key that signs sessions can be guessed offline.
SHORT_SECRET_KEY = 32


def weak_secret_key(settings: Settings) -> bool:
    """A key too short to sign clinicians' sessions in production: said at
    start-up (a warning, since a short key is weak rather than public)."""
    return settings.sms_transport == "twilio" and len(settings.secret_key) < SHORT_SECRET_KEY


def _get(env: Env, name: str, default: str = "") -> str:
    return env.get(name, default).strip()


def _fail(name: str, why: str) -> ConfigError:
    return ConfigError(f"setting {name} is invalid: {why}")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from `env` (default: os.environ after reading `.env`)."""
    if env is None:
        from dotenv import load_dotenv

        load_dotenv(Path.cwd() / ".env", override=False)
        env = os.environ
    twilio = _twilio_settings(env)
    transport = twilio["sms_transport"]
    secret_key = _get(env, "SECRET_KEY")
    if not secret_key:
        if transport == "twilio":
            raise _fail("SECRET_KEY", "required in production (set a long random value)")
        secret_key = DEV_SECRET_KEY
    elif transport == "twilio" and secret_key == DEV_SECRET_KEY:
        # Published in the README: anyone could sign a clinician's session cookie.
        raise _fail("SECRET_KEY", "the published development value; set a long random value")
    public_base_url = _get(env, "PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    if not re.match(r"^https?://[^\s/]+", public_base_url):
        raise _fail("PUBLIC_BASE_URL", "expected the URL Twilio calls, e.g. https://nudges.example")
    return Settings(
        database_url=_database_url(env),
        secret_key=secret_key,
        public_base_url=public_base_url,
        **twilio,
        **_sending_settings(env),
        **_text_settings(env),
        **_journal_settings(env),
    )


def _journal_settings(env: Env) -> dict[str, Any]:
    spool = _get(env, "NUDGES_STOP_SPOOL")
    if spool:
        return {"safety_journal": Path(spool), "legacy_safety_journal": None}
    # Read at call time, so a test can move the default away from instance/.
    return {
        "safety_journal": DEFAULT_SAFETY_JOURNAL,
        "legacy_safety_journal": LEGACY_SAFETY_JOURNAL,
    }


def log_format_from_env(env: Env | None = None) -> str:
    """LOG_FORMAT alone, for logging set up before the rest of the settings are
    read (or when they cannot be: the error must still be logged)."""
    value = _get(os.environ if env is None else env, "LOG_FORMAT", "text").lower()
    return value if value in ("text", "json") else "text"


def _database_url(env: Env) -> str:
    url = _get(env, "DATABASE_URL") or _default_database_url()
    if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", url):
        raise _fail("DATABASE_URL", "use sqlite:///path or postgresql://user@host/db")
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we install; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _twilio_settings(env: Env) -> dict[str, Any]:
    account_sid = _get(env, "TWILIO_ACCOUNT_SID")
    auth_token = _get(env, "TWILIO_AUTH_TOKEN")
    from_number = _get(env, "TWILIO_FROM_NUMBER")
    service_sid = _get(env, "TWILIO_MESSAGING_SERVICE_SID")
    transport = _get(env, "SMS_TRANSPORT") or (
        "twilio" if account_sid and auth_token else "console"
    )
    if transport not in TRANSPORTS:
        raise _fail("SMS_TRANSPORT", f"must be one of {', '.join(TRANSPORTS)}")
    if transport == "twilio":
        if not re.fullmatch(r"AC[0-9a-fA-F]{32}", account_sid):
            raise _fail("TWILIO_ACCOUNT_SID", "expected AC followed by 32 hex digits")
        if not auth_token:
            raise _fail("TWILIO_AUTH_TOKEN", "required when SMS_TRANSPORT=twilio")
        if not (from_number or service_sid):
            raise _fail(
                "TWILIO_FROM_NUMBER",
                "set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID for SMS_TRANSPORT=twilio",
            )
        if from_number and not E164.fullmatch(from_number):
            raise _fail("TWILIO_FROM_NUMBER", "expected an E.164 number like +14045550100")
        if service_sid and not re.fullmatch(r"MG[0-9a-fA-F]{32}", service_sid):
            raise _fail("TWILIO_MESSAGING_SERVICE_SID", "expected MG followed by 32 hex digits")
    try:
        timeout = float(_get(env, "TWILIO_TIMEOUT_SECONDS", "10"))
    except ValueError:
        raise _fail("TWILIO_TIMEOUT_SECONDS", "expected seconds, e.g. 10") from None
    if not 0.1 <= timeout <= 60:
        raise _fail("TWILIO_TIMEOUT_SECONDS", "between 0.1 and 60 seconds")
    api_base = _get(env, "TWILIO_API_BASE_URL")
    if api_base and not re.match(r"^https?://[^\s/]+", api_base):
        raise _fail("TWILIO_API_BASE_URL", "expected an http(s) URL")
    return {
        "sms_transport": transport,
        "twilio_account_sid": account_sid,
        "twilio_auth_token": auth_token,
        "twilio_from_number": from_number,
        "twilio_messaging_service_sid": service_sid,
        "twilio_api_base_url": api_base.rstrip("/"),
        "twilio_timeout_seconds": timeout,
    }


def _sending_settings(env: Env) -> dict[str, Any]:
    try:
        window = parse_window(_get(env, "SEND_WINDOW", "09:00-20:00"))
    except ValueError as exc:
        raise _fail("SEND_WINDOW", str(exc)) from None
    written = _get(env, "DEFAULT_TIMEZONE", "America/New_York")
    # The names a parent may text with ZONE ("Eastern", "PT") work here too.
    zone = parse_zone(written) or written
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _fail(
            "DEFAULT_TIMEZONE", "expected an IANA zone such as America/Chicago, or Eastern"
        ) from None
    if not lifeline_zone(zone):
        raise _fail("DEFAULT_TIMEZONE", "a US or Canadian zone (988 answers only there)")
    try:
        rate = float(_get(env, "MAX_SENDS_PER_SECOND", "1"))
    except ValueError:
        raise _fail("MAX_SENDS_PER_SECOND", "expected a number such as 1 or 0.5") from None
    if not 0 < rate <= 1000:
        raise _fail("MAX_SENDS_PER_SECOND", "must be above 0 and at most 1000")
    try:
        retention = int(_get(env, "MESSAGE_RETENTION_DAYS", "30"))
    except ValueError:
        raise _fail("MESSAGE_RETENTION_DAYS", "expected a whole number of days") from None
    if retention < 0:
        raise _fail("MESSAGE_RETENTION_DAYS", "must be 0 or more")
    return {
        "send_window": window,
        "default_timezone": zone,
        "max_sends_per_second": rate,
        "message_retention_days": retention,
    }


def _sms_field(env: Env, name: str, default: str, longest: int, what: str) -> str:
    """A value every system text carries: GSM-7 only, so no text turns UCS-2 (70
    characters a segment instead of 160), and short enough that every system
    text stays within 2 segments (the library is checked with the longest)."""
    value = _get(env, name, default)
    odd = non_gsm7(value)
    if odd:
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in odd[:3])
        verb = "are" if len(odd) > 1 else "is"
        raise _fail(name, f"{shown} {verb} outside the GSM-7 SMS alphabet; use plain characters")
    if not 1 <= gsm7_length(value) <= longest:
        raise _fail(name, f"1 to {longest} characters ({what})")
    return value


def _text_settings(env: Env) -> dict[str, Any]:
    program = _sms_field(env, "PROGRAM_NAME", "GoodEnough", 20, "it starts every system text")
    support = _sms_field(
        env, "SUPPORT_CONTACT", "help@goodenough.example", 40, "an email, phone or URL"
    )
    log_format = _get(env, "LOG_FORMAT", "text").lower()
    if log_format not in ("text", "json"):
        raise _fail("LOG_FORMAT", "text or json")
    limiter = _get(env, "RATELIMIT_STORAGE_URI", "memory://")
    if not re.match(r"^(memory|redis|rediss|memcached)://", limiter):
        raise _fail("RATELIMIT_STORAGE_URI", "use memory:// or redis://host:6379")
    metrics = _get(env, "METRICS_ENABLED", "false").lower()
    if metrics not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise _fail("METRICS_ENABLED", "true or false")
    return {
        "metrics_enabled": metrics in ("true", "1", "yes", "on"),
        "program_name": program,
        "support_contact": support,
        "ratelimit_storage_uri": limiter,
        "log_format": log_format,
    }
