"""A clinician invites a client: exactly one invitation text, nothing more until
the parent texts YES. From the web page, `nudges enroll`, or a CSV list."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from messages import system_text
from nudges.db.models import Clinician, Subscriber
from nudges.domain.clinician import invitation
from nudges.domain.consent import Event, State, invitation_refusal, sends_invitation
from nudges.domain.conversation import FREQUENCY_NOTES
from nudges.domain.keywords import TRACK_CHOICES, track_named
from nudges.domain.phone import InvalidPhone, lifeline_reaches, parse_phone
from nudges.domain.preferences import DEFAULT_FREQUENCY, lifeline_zone
from nudges.domain.subscriber import SubscriberChange
from nudges.runtime import Runtime
from nudges.services import episodes, notice, standing
from nudges.services.audit import record
from nudges.services.subscriptions import apply, new_subscriber

FREQUENCIES = ("3w", "daily")
LANGUAGES = ("en", "es")
# What a clinician's spreadsheet may say in its language column.
_LANGUAGE_NAMES = {
    "en": "en", "english": "en", "ingles": "en", "inglés": "en", "eng": "en",
    "es": "es", "spanish": "es", "espanol": "es", "español": "es", "spa": "es",
}  # fmt: skip


class InviteError(ValueError):
    """Why an invitation cannot be made, in words for the clinician."""


@dataclass(frozen=True)
class Invitation:
    phone: str  # as typed
    alias: str = ""
    track: str | None = None  # None: the parent chooses after YES
    timezone: str | None = None  # None: from the number
    send_minute: int | None = None  # None: noon
    frequency: str = "3w"
    lang: str = "en"  # the parent's language: "en" or "es"


@dataclass(frozen=True)
class CheckedInvitation:
    phone: str  # E.164
    alias: str
    track: str | None
    timezone: str | None
    send_minute: int | None
    frequency: str
    lang: str = "en"


def check(invitation: Invitation) -> CheckedInvitation:
    """Validate what was typed; raises InviteError naming the problem."""
    try:
        phone = parse_phone(invitation.phone)
    except InvalidPhone as exc:
        raise InviteError(str(exc)) from None
    if not lifeline_reaches(phone):
        raise InviteError("We can only text numbers in the US and Canada, where 988 answers.")
    alias = " ".join(invitation.alias.split())
    if len(alias) > 60:
        raise InviteError("Keep the alias short (60 characters at most); no full name is needed.")
    if invitation.track is not None and invitation.track not in TRACK_CHOICES:
        raise InviteError(
            f"unknown focus {invitation.track[:30]!r}: use {', '.join(TRACK_CHOICES[:-1])}"
            f" or {TRACK_CHOICES[-1]}"
            " (or 1, 2, 3), or leave it empty to let the parent choose"
        )
    if invitation.timezone is not None and not lifeline_zone(invitation.timezone):
        raise InviteError("Choose a US or Canadian time zone.")
    if invitation.frequency not in FREQUENCIES:
        raise InviteError("Choose 3 a week or daily.")
    if invitation.lang not in LANGUAGES:
        raise InviteError(
            f"unknown language {invitation.lang[:20]!r}: use en (English) or es (Spanish)"
        )
    minute = invitation.send_minute
    if minute is not None and not 0 <= minute < 24 * 60:
        raise InviteError("Choose a time of day.")
    return CheckedInvitation(
        phone,
        alias,
        invitation.track,
        invitation.timezone,
        minute,
        invitation.frequency,
        invitation.lang,
    )


def invite(runtime: Runtime, clinician_id: int, invitation: Invitation) -> int:
    """Invite one number; returns the client's id. Raises InviteError."""
    checked = check(invitation)
    with runtime.db.session() as session:
        return _invite(session, runtime, clinician_id, checked, runtime.clock.now())


def _invite(
    session: Session,
    runtime: Runtime,
    clinician_id: int,
    inv: CheckedInvitation,
    now: datetime,
) -> int:
    settings = runtime.settings
    sub = session.scalar(select(Subscriber).where(Subscriber.phone == inv.phone).with_for_update())
    actor = f"clinician:{clinician_id}"
    if sub is not None:
        refusal = refusal_for(session, sub, clinician_id)
        if refusal:
            raise InviteError(refusal)
        if standing.invitation_unsent(session, sub):
            # The first invitation never went out: it lapses (in its own episode)
            # and this one starts afresh, with a full 7 days to answer.
            lapse = SubscriberChange(event=Event.EXPIRE)
            apply(session, sub, lapse, now, by=actor, audit=(("invitation_not_sent", None),))
    else:
        sub = new_subscriber(session, settings, inv.phone, now)
    change = invitation(
        settings.send_window,
        now,
        clinician_id=clinician_id,
        alias=inv.alias or f"client ending {inv.phone[-4:]}",
        frequency=inv.frequency,
        timezone=inv.timezone,
        send_minute=inv.send_minute,
        track=inv.track,
        lang=inv.lang,
    )
    episodes.start(session, sub, now, "invite", clinician_id)  # history stays with the last one
    apply(session, sub, change, now, by=actor)
    body = invitation_text(session, runtime, clinician_id, inv.lang, inv.frequency)
    notice.queue_in_window(
        session,
        settings,
        sub,
        now,
        kind="invitation",
        dedupe_key=f"invite:{sub.id}:{sub.episode_id}:{now.isoformat()}",
        body=body,
        clinician_id=clinician_id,
    )
    record(session, now, "invited", actor=actor, subscriber_id=sub.id, clinician_id=clinician_id)
    return sub.id


def invitation_text(
    session: Session,
    runtime: Runtime,
    clinician_id: int,
    lang: str,
    frequency: str = DEFAULT_FREQUENCY,
) -> str:
    """The one invitation: naming who invites as the clinician chose on their
    account, or the neutral text (program, how to get info) when they chose none;
    either way stating the frequency the clinician chose (carriers require it)."""
    settings = runtime.settings
    inviter = session.scalar(select(Clinician.invite_name).where(Clinician.id == clinician_id))
    notes = FREQUENCY_NOTES["es" if lang == "es" else "en"]
    fields = {
        "program": settings.program_name,
        "support": settings.support_contact,
        "msg_frequency": notes.get(frequency, notes[DEFAULT_FREQUENCY]),
    }
    if inviter:
        return system_text("invitation_from", lang=lang, inviter=inviter, **fields)
    return system_text("invitation", lang=lang, **fields)


Rows = Iterable[tuple[int, CheckedInvitation]]
Progress = Callable[[Rows], Rows]


@dataclass
class CsvReport:
    problems: list[str]
    invited: int = 0
    skipped: int = 0


# Header names a clinician's spreadsheet may use, for the columns we read.
_COLUMNS = {
    "phone": "phone", "number": "phone", "phone number": "phone", "mobile": "phone",
    "cell": "phone", "telephone": "phone", "tel": "phone",
    "alias": "alias", "name": "alias", "client": "alias", "initials": "alias",
    "track": "track", "focus": "track", "topic": "track",
    "language": "language", "lang": "language", "idioma": "language",
}  # fmt: skip


class CsvError(ValueError):
    """The file as a whole cannot be read (not one row): the message says why."""


def read_csv(text: str) -> list[tuple[int, Invitation]]:
    """Rows of `phone[,alias[,track[,language]]]`, or any order under a header
    row naming them (phone/number, alias/name, track/focus, language: en or es).
    Commas, semicolons (a European spreadsheet) or tabs; a byte-order mark is
    ignored. Row numbers are the
    file's lines, so a clinician can find the row we name."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    order: tuple[str, ...] = ("phone", "alias", "track", "language")
    seen_row = False
    rows: list[tuple[int, Invitation]] = []
    for number, fields in enumerate(reader, start=1):
        cells = [cell.strip() for cell in fields]
        if not any(cells):
            continue
        first, seen_row = not seen_row, True
        if first and _is_header(cells):
            order = _header_order(cells)
            continue
        values = dict(zip(order, cells, strict=False))
        track_cell = (values.get("track") or "").strip().lower()
        # An unknown track is kept as typed, so the check names the row.
        track = (track_named(track_cell) or track_cell) if track_cell else None
        alias = values.get("alias") or ""
        lang = _language(values.get("language") or "")
        invitation = Invitation(phone=values.get("phone", ""), alias=alias, track=track, lang=lang)
        rows.append((number, invitation))
    return rows


def _language(cell: str) -> str:
    """`es`, `Spanish`, `español` -> "es"; empty -> "en"; anything else is kept as
    typed, so the check names the row."""
    typed = cell.strip().lower()
    return _LANGUAGE_NAMES.get(typed, typed) if typed else "en"


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _is_header(cells: list[str]) -> bool:
    return any(cell.lower() in _COLUMNS for cell in cells) and not any(
        ch.isdigit() for ch in cells[0]
    )


def _header_order(cells: list[str]) -> tuple[str, ...]:
    order = tuple(_COLUMNS.get(cell.lower(), f"ignored:{i}") for i, cell in enumerate(cells))
    if "phone" not in order:
        raise CsvError("the header row has no phone column (call it phone or number)")
    return order


def import_csv(
    runtime: Runtime,
    clinician_id: int,
    rows: list[tuple[int, Invitation]],
    *,
    skip_invalid: bool = False,
    progress: Callable[
        [Iterable[tuple[int, CheckedInvitation]]], Iterable[tuple[int, CheckedInvitation]]
    ]
    | None = None,
) -> CsvReport:
    """Check every row first (format, area, duplicates in the file, numbers that may
    not be invited); with any problem nothing is imported unless `skip_invalid`."""
    report = CsvReport(problems=[])
    good: list[tuple[int, CheckedInvitation]] = []
    seen: dict[str, int] = {}
    with runtime.db.session() as session:
        for number, invitation in rows:
            try:
                checked = check(invitation)
                if checked.phone in seen:
                    raise InviteError(f"the same number as row {seen[checked.phone]}")
                seen[checked.phone] = number
                _refusal(session, clinician_id, checked.phone)
            except InviteError as exc:
                report.problems.append(f"row {number}: {exc}")
                continue
            good.append((number, checked))
    if report.problems and not skip_invalid:
        return report
    report.skipped = len(report.problems)
    for _number, checked in progress(good) if progress else good:
        with runtime.db.session() as session:
            _invite(session, runtime, clinician_id, checked, runtime.clock.now())
        report.invited += 1
    return report


def _refusal(session: Session, clinician_id: int, phone: str) -> None:
    sub = session.scalar(select(Subscriber).where(Subscriber.phone == phone))
    if sub is not None:
        refusal = refusal_for(session, sub, clinician_id)
        if refusal:
            raise InviteError(refusal)


NOT_YOURS = (
    "This number cannot be invited. If the parent wants these texts, they can text JOIN"
    " to sign up themselves."
)


def refusal_for(session: Session, sub: Subscriber, clinician_id: int) -> str | None:
    """Why this number may not be invited now, truthfully; None when it may.

    An invitation of the clinician's own that never went out may be sent again;
    a stopped number is refused saying who stopped it (the parent's STOP, the
    carrier, or an End on the clinician page), never more than what happened."""
    mine = sub.clinician_id == clinician_id
    state = sub.state
    if state is State.PENDING and mine and standing.invitation_unsent(session, sub):
        return None
    if not mine and not sends_invitation(state, Event.INVITE):
        # Whether a number is in the programme, and how it left, belongs to the
        # parent (and their own clinician): another clinician learns nothing.
        return NOT_YOURS
    if state is State.STOPPED:
        source = standing.stop_source_anywhere(session, sub) or "sms"
        if source.startswith("clinician:"):
            who = "You" if source == f"clinician:{clinician_id}" else "A clinician"
            return (
                f"{who} ended the texts to this number, so it was not invited: once ended,"
                " only the parent can restart them, by texting START."
            )
        if source == "twilio_error":
            return (
                "The carrier reports that this number opted out of our texts, so it was not"
                " invited. Only the parent can rejoin, by texting START."
            )
        return (
            "This number texted STOP to opt out, so it was not invited."
            " Only the parent can rejoin, by texting START."
        )
    return invitation_refusal(state, mine)


def invite_again(runtime: Runtime, clinician_id: int, client_id: int) -> int | None:
    """Invite a client of the clinician's whose invitation lapsed (expired,
    cancelled or never sent) with the settings it had; None if the number is
    not theirs. Raises InviteError when it may not be invited."""
    with runtime.db.session() as session:
        sub = session.get(Subscriber, client_id) if 0 < client_id < 2**31 else None
        if sub is None or sub.clinician_id != clinician_id:
            return None
        now = runtime.clock.now()
        choosing = sub.track_choice_until is not None
        checked = CheckedInvitation(
            sub.phone,
            sub.alias or "",
            None if choosing else sub.track,  # the parent still chooses, as first asked
            sub.timezone,
            sub.send_minute,
            sub.frequency,
            sub.lang or "en",  # a Spanish invitee is invited again in Spanish
        )
        return _invite(session, runtime, clinician_id, checked, now)
