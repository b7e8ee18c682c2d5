"""The nudge library: content, system texts, GSM-7 rules. Imports nothing of ours."""

from messages.gsm import gsm7_length, is_gsm7, segments
from messages.library import (
    Library,
    MomentText,
    Nudge,
    Source,
    load_library,
    moment_bank,
    moment_text,
    system_text,
)

__all__ = [
    "Library",
    "MomentText",
    "Nudge",
    "Source",
    "gsm7_length",
    "is_gsm7",
    "load_library",
    "moment_bank",
    "moment_text",
    "segments",
    "system_text",
]
