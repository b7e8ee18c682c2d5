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

QUIET_LOGGERS = ("twilio", "twilio.http_client", "sqlalchemy", "sqlalchemy.engine", "urllib3")
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

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
        return True


def quiet_libraries() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(level: int = logging.INFO) -> None:
    """For the commands that run the service: one handler, redacted, libraries quiet."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format=FORMAT)
    else:
        root.setLevel(level)
    guard_handlers()
    quiet_libraries()


def guard_handlers() -> None:
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
