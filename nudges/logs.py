"""Logging that never carries a phone number or message text.

1. Our code logs ids and kinds, never numbers or bodies.
2. Libraries that would (the Twilio SDK logs request parameters at INFO;
   SQLAlchemy's engine logs statement parameters) are held at WARNING, and the
   engine hides parameters in its errors (`hide_parameters=True`).
3. Last guard: a filter on every handler masks anything shaped like a phone number.
"""

from __future__ import annotations

import logging
import re

from nudges.config import log_format_from_env

QUIET_LOGGERS = ("twilio", "twilio.http_client", "sqlalchemy", "sqlalchemy.engine", "urllib3")
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

# E.164, and US numbers as people write them: (404) 555-0123, 404-555-0123, 404.555.0123.
PHONE_SHAPES = re.compile(
    r"\+\d[\d\s().-]{6,18}\d"
    r"|\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b"
    r"|(?<![\w.])1?\d{10}(?![\w.])"
)


def redact(text: str) -> str:
    return PHONE_SHAPES.sub("[phone]", text)


class RedactingFilter(logging.Filter):
    """Masks phone-number shapes in the rendered message and any traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            # Only the masked text from here on: a formatter that renders the
            # exception itself (the JSON one does) would show the number again.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the current web request's, else "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def current_request_id() -> str:
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover - flask is a dependency
        return "-"
    if has_request_context():
        return str(getattr(g, "request_id", "-"))
    return "-"


def quiet_libraries() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(level: int = logging.INFO, log_format: str | None = None) -> None:
    """For the commands that run the service: one handler, redacted, libraries
    quiet; JSON lines when the format is json (for a log pipeline), text
    otherwise. Without a format, LOG_FORMAT is read through nudges.config."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format=FORMAT)
        if log_format is None:
            log_format = log_format_from_env()
        if log_format == "json":
            from pythonjsonlogger.json import JsonFormatter

            for handler in root.handlers:
                handler.setFormatter(
                    JsonFormatter(
                        "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                        rename_fields={"levelname": "level", "name": "logger"},
                    )
                )
    else:
        root.setLevel(level)
    guard_handlers()
    quiet_libraries()


def guard_handlers() -> None:
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
