"""The nudge library: content, system texts, GSM-7 rules. Imports nothing of ours."""

from messages.gsm import gsm7_length, is_gsm7, segments
from messages.library import Library, Nudge, Source, load_library, system_text

__all__ = [
    "Library",
    "Nudge",
    "Source",
    "gsm7_length",
    "is_gsm7",
    "load_library",
    "segments",
    "system_text",
]
