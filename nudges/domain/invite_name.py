"""How an invitation names who invites: the clinician's own choice ("Dr. Rivera",
"Bayside Family Therapy"), checked here so the text stays one the parent can
trust and that says nothing about their health.

An invitation from a named person or practice does not read like phishing; a
name that carries a condition ("Postpartum Depression Clinic") would tell anyone
who sees the lock screen why this parent was invited (compliance research:
enrolment with a mental-health clinician is itself health information).
"""

from __future__ import annotations

import re

from messages.gsm import BASIC

INVITE_NAME_MAX = 32  # keeps the invitation within two segments (validator: LONGEST_FIELDS)

# Conditions, diagnoses and crisis words: never in a text a parent's phone shows.
_CONDITION = re.compile(
    r"\b(?:depress\w*|anxi\w*|postpartum|post-partum|perinatal|ppd|ptsd|trauma\w*|bipolar"
    r"|ocd|adhd|autis\w*|eating|disorders?|addict\w*|substance|rehab\w*|suicid\w*|crisis"
    r"|psychos\w*|schizo\w*|mental|behavioral|behavioural|psychiatr\w*|grief|hiv|cancer"
    r"|oncology|fertility|ivf|abuse|violence)\b",
    re.I,
)
# A link, an address or a number in an invitation is what phishing looks like.
_LINK_OR_NUMBER = re.compile(r"https?:|www\.|\.(?:com|org|net|us)\b|@|\d{3}")


class InviteNameError(ValueError):
    """Why this name cannot go in an invitation, in words for the clinician."""


def check_invite_name(raw: str) -> str | None:
    """The name as the invitation will show it, None for the neutral invitation
    (an empty name); raises InviteNameError naming the problem."""
    name = " ".join(raw.split())
    if not name:
        return None
    if len(name) > INVITE_NAME_MAX:
        raise InviteNameError(
            f"Keep it to {INVITE_NAME_MAX} characters, like Dr. Rivera or Bayside Family Therapy."
        )
    odd = sorted({ch for ch in name if ch not in BASIC})
    if odd:
        # One such character makes the whole text UCS-2 (70 characters a segment).
        raise InviteNameError(
            "Use plain letters: " + " ".join(odd) + " cannot be sent in a standard text."
        )
    if _CONDITION.search(name):
        raise InviteNameError(
            "Leave out health conditions: the invitation shows on the lock screen. "
            "Use your name or your practice's name."
        )
    if _LINK_OR_NUMBER.search(name):
        raise InviteNameError("Leave out links, emails and numbers: use a name.")
    return name
