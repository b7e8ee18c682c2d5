"""The conversation rules: for a subscriber's state and what they texted, what
to say and what to change. `decide(...) -> Decision`, pure.

The inbound service loads the subscriber, asks for a decision and applies its
typed `SubscriberChange` (next send time included) in one transaction; these
rules never touch the database, so a table of (state, message) -> decision
cases tests them directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from nudges.domain.consent import Event, State
from nudges.domain.crisis import CrisisSignal
from nudges.domain.keywords import TRACK_CHOICES, Intent, Kind
from nudges.domain.language import FREQUENCY_ES, date_es, time_es, zone_label_es
from nudges.domain.phone import lifeline_reaches
from nudges.domain.preferences import (
    clamp_to_window,
    format_minute,
    lifeline_zone,
    zone_label,
)
from nudges.domain.schedule import local_minute
from nudges.domain.subscriber import (
    KEEP,
    SubscriberChange,
    Subscription,
    next_send,
    scheduled,
)

__all__ = ["Decision", "Rules", "Say", "SubscriberChange", "Subscription", "decide"]


@dataclass(frozen=True)
class Rules:
    """The settings the conversation depends on."""

    window: tuple[time, time]
    default_timezone: str = "America/New_York"


@dataclass(frozen=True)
class Say:
    """One reply: a system text key and its fields."""

    key: str
    fields: Mapping[str, str] = field(default_factory=dict)
    lang: str | None = None  # None: the parent's language, filled in by `decide`


@dataclass(frozen=True)
class Decision:
    replies: tuple[Say, ...] = ()
    create: bool = False  # make a subscriber record first (with the defaults)
    # The consent event and the fields to write, with the next send time.
    change: SubscriberChange = SubscriberChange()
    keep_consent_text: bool = False  # the words of a YES or JOIN are the consent record
    crisis: bool = False  # pause nudges, alert the clinician, audit
    audit: tuple[tuple[str, str | None], ...] = ()

    @property
    def event(self) -> Event | None:
        """The consent event to apply and record."""
        return self.change.event

    def plus(self, other: Decision) -> Decision:
        return Decision(
            replies=self.replies + other.replies,
            create=self.create or other.create,
            change=self.change.plus(other.change),
            keep_consent_text=self.keep_consent_text or other.keep_consent_text,
            crisis=self.crisis or other.crisis,
            audit=self.audit + other.audit,
        )


SUBSCRIBED = (State.ACTIVE, State.PAUSED, State.PENDING)
CHOICE_OPEN = timedelta(days=1)  # how long a bare 1/2/3 means a track after the offer
CHOICE_OPEN_AFTER_JOIN = timedelta(days=8)  # longer than a pending sign-up lives
CONCERN_HOLD = timedelta(hours=24)  # nudges held after a concern-level text
TRACK_LABELS = {
    "perfectionism": "trying to be a perfect parent",
    "guilt": "parent guilt",
    "role_strain": "juggling work and family",
}
TRACK_LABELS_ES = {
    "perfectionism": "la presion de ser perfectos",
    "guilt": "la culpa de madres y padres",
    "role_strain": "el trabajo y la familia a la vez",
}


def decide(
    sub: Subscription | None,
    phone: str,
    intent: Intent,
    rules: Rules,
    now: datetime,
    advanced_opt_out: str | None = None,
) -> Decision:
    """What to say and change for one inbound text.

    Precedence: crisis > help > opt-out > the rest. A crisis message that is
    also an opt-out is answered as a crisis and honoured as a stop. With
    Twilio's Advanced Opt-Out (`advanced_opt_out` set) Twilio has answered
    STOP/START/HELP already: record the change, say nothing. The change carries
    the next send time it implies: the slot the reply promised.
    """
    lang = reply_language(sub, intent)
    state = sub.state if sub else State.NONE
    if intent.kind is Kind.SPANISH and state not in SUBSCRIBED:
        intent = replace(intent, kind=Kind.JOIN)  # ESPAÑOL from a newcomer: join in Spanish
    safety = replace(intent, lang=safety_language(sub, intent))
    decision = in_language(_decide(sub, phone, safety, rules, now, advanced_opt_out), lang)
    chosen = language_choice(sub, intent)
    if (chosen is not None and chosen != (sub.lang if sub else None)) or decision.create:
        decision = replace(decision, change=decision.change.plus(SubscriberChange(lang=lang)))
    if sub is None:
        return decision  # a new record has no slot until its YES
    return replace(decision, change=scheduled(decision.change, sub, phone, rules.window, now))


# --- The parent's language --------------------------------------------------------
#
# Every text the service sends a number is in that parent's language (DESIGN.md).
# It is chosen by the first message (a Spanish join word or sentence), by a yes
# in Spanish before the programme starts (a parent who answers an English
# invitation with SI reads Spanish), by ESPAÑOL / ENGLISH at any time, or by the
# clinician at invitation. Crisis, concern, help and stop replies are in Spanish
# when either the parent or the message is.


def language_choice(sub: Subscription | None, intent: Intent) -> str | None:
    """The language this text chooses for the parent, or None when it keeps theirs."""
    if intent.kind is Kind.SPANISH:
        return "es"
    if intent.kind is Kind.ENGLISH:
        return "en"
    started = sub is not None and sub.state in (State.ACTIVE, State.PAUSED)
    if intent.lang == "es" and intent.kind in (Kind.JOIN, Kind.CONFIRM) and not started:
        return "es"
    return None


def reply_language(sub: Subscription | None, intent: Intent) -> str:
    """The language of the replies to this text, and the parent's from now on."""
    chosen = language_choice(sub, intent)
    if chosen is not None:
        return chosen
    if sub is None:
        return intent.lang  # a newcomer is answered in the language they wrote
    if sub.state in SUBSCRIBED or intent.lang != "es":
        return sub.lang
    return "es"  # a stopped or expired number writing Spanish is answered in Spanish


def safety_language(sub: Subscription | None, intent: Intent) -> str:
    if intent.lang == "es" or (sub is not None and sub.lang == "es"):
        return "es"
    return "en"


def in_language(decision: Decision, lang: str) -> Decision:
    """Every reply without a language of its own goes in `lang`, its fields too."""
    replies = tuple(
        say if say.lang is not None else replace(say, lang=lang, fields=_fields(say.fields, lang))
        for say in decision.replies
    )
    return replace(decision, replies=replies)


_FOCUS_ES = {TRACK_LABELS[track]: label for track, label in TRACK_LABELS_ES.items()}


def _fields(fields: Mapping[str, str], lang: str) -> Mapping[str, str]:
    """The rules write fields one way ("7:30pm Eastern", "Mon Dec 7"); a Spanish
    reply says them in Spanish, each with its article."""
    if lang != "es" or not fields:
        return fields
    spanish = dict(fields)
    if "time" in spanish:
        spanish["time"] = time_es(spanish["time"])
    if "zone" in spanish:
        spanish["zone"] = "la " + zone_label_es(spanish["zone"])
    if "until" in spanish:
        spanish["until"] = date_es(spanish["until"])
    if "frequency" in spanish:
        spanish["frequency"] = FREQUENCY_ES.get(spanish["frequency"], spanish["frequency"])
    if "focus" in spanish:
        spanish["focus"] = _FOCUS_ES.get(spanish["focus"], spanish["focus"])
    return spanish


def _decide(
    sub: Subscription | None,
    phone: str,
    intent: Intent,
    rules: Rules,
    now: datetime,
    advanced_opt_out: str | None,
) -> Decision:
    state = sub.state if sub else State.NONE
    quiet = advanced_opt_out is not None
    in_area = lifeline_reaches(phone)
    decision = Decision()

    if intent.crisis is not None:
        decision = Decision(
            replies=(safety_reply(intent.crisis, intent.lang, in_area),),
            crisis=sub is not None,
            audit=() if sub else (("crisis_reply_unknown_number", None),),
        )
        if intent.kind is not Kind.OPT_OUT and advanced_opt_out != "STOP":
            return decision

    if advanced_opt_out == "HELP" or intent.kind in (Kind.HELP, Kind.HELP_ES):
        return decision.plus(Decision(replies=() if quiet else (help_reply(intent, phone),)))

    # "No thanks" to an invitation is a refusal: honour it like STOP (FCC: any
    # reasonable means). After consent a bare "no" is an answer, not an opt-out.
    declined = intent.kind is Kind.DECLINE and state is State.PENDING
    if advanced_opt_out == "STOP" or intent.kind is Kind.OPT_OUT or declined:
        if state is State.STOPPED:
            return decision  # a second STOP gets no second confirmation (CTIA: one)
        replies = () if quiet else (Say("stop_confirm", lang=intent.lang),)
        opt_out = SubscriberChange(event=Event.OPT_OUT)
        return decision.plus(Decision(replies=replies, create=sub is None, change=opt_out))

    if not in_area and state is State.NONE:
        return Decision(replies=(Say("not_in_area"),))
    if advanced_opt_out == "START" or intent.kind is Kind.CONFIRM:
        return _confirm(sub, phone, rules, now, quiet)
    if intent.kind is Kind.JOIN:
        if state in (State.ACTIVE, State.PAUSED):
            return Decision(replies=(Say("already_active"),))
        return Decision(
            replies=(Say("consent_prompt"),),
            create=sub is None,
            # A parent who joined themselves picks their focus after YES.
            change=SubscriberChange(
                event=Event.JOIN, track_choice_until=now + CHOICE_OPEN_AFTER_JOIN
            ),
            keep_consent_text=True,
        )
    if sub is None or state not in SUBSCRIBED:
        key = "menu" if intent.kind is Kind.MENU else "not_subscribed"
        return Decision(replies=(Say(key),))
    return _preference(sub, phone, intent, rules, now)


def safety_reply(signal: CrisisSignal, lang: str, in_area: bool = True) -> Say:
    """The crisis or concern reply, in the message's language, with the resource
    that fits what was written beside 988 and 741741."""
    if not in_area:
        return Say("crisis_outside")
    lang = "es" if lang == "es" else "en"
    if signal.is_concern:
        # One caring reply: a concern has no category-specific line (a rule's
        # "violence" answered as a concern is most often an idiom).
        return Say("concern", lang=lang)
    if "violence" in signal.categories:
        return Say("crisis_violence", lang=lang)  # the domestic violence hotline
    if "harm_to_child" in signal.categories:
        return Say("crisis_child", lang=lang)  # the maternal mental health line and Childhelp
    return Say("crisis", lang=lang)


def help_reply(intent: Intent, phone: str) -> Say:
    if not lifeline_reaches(phone):
        return Say("help_outside")
    return Say("help_es" if intent.kind is Kind.HELP_ES else "help")


def _confirm(
    sub: Subscription | None, phone: str, rules: Rules, now: datetime, quiet: bool
) -> Decision:
    state = sub.state if sub else State.NONE
    if state is State.ACTIVE:
        return Decision(replies=() if quiet else (Say("already_active"),))
    if state in (State.NONE, State.EXPIRED):
        # A YES we never asked for is not informed consent: ask properly first.
        return Decision(
            replies=(Say("consent_prompt"),),
            create=sub is None,
            change=SubscriberChange(event=Event.CONFIRM),
            keep_consent_text=True,
        )
    assert sub is not None
    key = {State.PENDING: "welcome", State.STOPPED: "rejoined"}.get(state, "resumed")
    promise = promised_time(sub, phone, rules, now)
    fields = {"time": promise.text if promise else format_minute(sub.send_minute)}
    replies: tuple[Say, ...] = (Say(key, fields),)
    offer = state is State.PENDING and sub.choosing_track(now)
    if offer:
        replies += (Say("track_menu"),)
    starts = state in (State.PENDING, State.STOPPED) and sub.programme_started_at is None
    return Decision(
        # Under Advanced Opt-Out Twilio sends its own opt-in reply (the welcome the
        # README gives), so nobody gets two.
        replies=() if quiet else replies,
        change=SubscriberChange(
            event=Event.CONFIRM,
            paused_until=None,
            track_choice_until=now + CHOICE_OPEN if offer else KEEP,
            programme_started_at=now if starts else KEEP,
            next_send_at=promise.slot if promise else None,
        ),
        keep_consent_text=True,
    )


# Settings a parent can change before YES or while paused; the reply then says
# that nothing comes yet, so "your texts will come around 7:30pm" is not read as
# a restart.
_SETTINGS = (Kind.TIME, Kind.ZONE, Kind.DAILY, Kind.WEEKLY, Kind.TRACK, Kind.CHOICE)


def _preference(
    sub: Subscription, phone: str, intent: Intent, rules: Rules, now: datetime
) -> Decision:
    decision = _preference_change(sub, phone, intent, rules, now)
    if intent.kind in _SETTINGS and not decision.change.is_empty():
        if sub.state is State.PAUSED:
            return decision.plus(Decision(replies=(Say("still_paused"),)))
        if sub.state is State.PENDING:
            return decision.plus(Decision(replies=(Say("starts_after_yes"),)))
    return decision


def _preference_change(
    sub: Subscription, phone: str, intent: Intent, rules: Rules, now: datetime
) -> Decision:
    kind, pending = intent.kind, sub.state is State.PENDING
    if kind in (Kind.PAUSE, Kind.RESUME) and pending:
        # Nothing to pause yet: the sign-up is waiting for their YES.
        return Decision(replies=(Say("consent_prompt"),))
    if kind is Kind.PAUSE:
        until = now + timedelta(days=intent.days) if intent.days else None
        if until is None:
            return Decision(
                replies=(Say("paused_indefinitely"),),
                change=SubscriberChange(event=Event.PAUSE, paused_until=None),
            )
        return Decision(
            replies=(Say("paused", {"until": _local_date(until, sub.timezone)}),),
            change=SubscriberChange(event=Event.PAUSE, paused_until=until),
        )
    if kind is Kind.RESUME:
        promise = promised_time(sub, phone, rules, now)
        text = promise.text if promise else format_minute(sub.send_minute)
        return Decision(
            replies=(Say("resumed", {"time": text}),),
            change=SubscriberChange(
                event=Event.RESUME,
                paused_until=None,
                next_send_at=promise.slot if promise else None,
            ),
        )
    if kind is Kind.TIME:
        if intent.minute is None:
            return Decision(replies=(Say("time_unknown"),))
        minute = clamp_to_window(intent.minute, rules.window)
        changed = Subscription(sub.state, sub.timezone, minute, sub.frequency)
        return _with_promise(
            changed, phone, rules, now, "time_set", intent.minute, ("time_changed", None)
        )
    if kind is Kind.ZONE:
        if intent.zone is None:
            return Decision(replies=(Say("zone_unknown"),))
        if not lifeline_zone(intent.zone):
            return Decision(replies=(Say("zone_outside"),))
        changed = Subscription(sub.state, intent.zone, sub.send_minute, sub.frequency)
        return _with_promise(
            changed, phone, rules, now, "zone_set", sub.send_minute, ("zone_changed", None)
        )
    if kind in (Kind.DAILY, Kind.WEEKLY):
        frequency = "daily" if kind is Kind.DAILY else "3w"
        label = "every day" if kind is Kind.DAILY else "3 times a week"
        return Decision(
            replies=(Say("frequency_set", {"frequency": label}),),
            change=SubscriberChange(frequency=frequency),
            audit=(("frequency_changed", frequency),),
        )
    if kind is Kind.MENU:
        return Decision(replies=(Say("menu"),))
    if kind in (Kind.SPANISH, Kind.ENGLISH):
        # The reply is in the new language; a sign-up still waiting for YES is
        # asked again, now in words they read.
        switched = "es" if kind is Kind.SPANISH else "en"
        return Decision(
            replies=(Say("consent_prompt" if pending else "language_set"),),
            audit=(("language_changed", switched),),
        )
    if kind in (Kind.TRACK, Kind.CHOICE):
        return _track(sub, intent, now)
    if kind is Kind.UNCLEAR_OPT_OUT:
        return Decision(replies=(Say("opt_out_question"),))
    return Decision(replies=(Say("consent_prompt" if pending else "unrecognised"),))


def _track(sub: Subscription, intent: Intent, now: datetime) -> Decision:
    """TRACK shows the choice; TRACK 2, or a bare 2 while the choice is open, sets it.

    Switching keeps the parent's place: the next nudge is the same week's in the
    new track. A bare number with no choice open is not guessed at."""
    if intent.kind is Kind.CHOICE and not sub.choosing_track(now):
        return Decision(replies=(Say("number_unclear"),))
    if intent.track is None or intent.track not in TRACK_CHOICES:
        return Decision(
            replies=(Say("track_menu"),),
            change=SubscriberChange(track_choice_until=now + CHOICE_OPEN),
        )
    return Decision(
        replies=(Say("track_set", {"focus": TRACK_LABELS[intent.track]}),),
        change=SubscriberChange(track=intent.track, track_choice_until=None),
        audit=(("track_changed", intent.track),),
    )


@dataclass(frozen=True)
class Promise:
    minute: int  # local minutes after midnight in the parent's stored zone
    text: str  # "4:30pm Pacific"
    slot: datetime  # when, in UTC: the next send time the change carries


def promised_time(sub: Subscription, phone: str, rules: Rules, now: datetime) -> Promise | None:
    """The local time the next nudge will really arrive, after every window rule;
    None when the parent's zones share no part of the window."""
    slot = next_send(sub, phone, rules.window, now)
    if slot is None:
        return None
    minute = local_minute(slot, sub.timezone)
    return Promise(minute, f"{format_minute(minute)} {zone_label(sub.timezone)}", slot)


def window_text(window: tuple[time, time]) -> str:
    return "-".join(format_minute(t.hour * 60 + t.minute) for t in window)


def _with_promise(
    changed: Subscription,
    phone: str,
    rules: Rules,
    now: datetime,
    key: str,
    wanted: int,
    audit: tuple[str, str | None],
) -> Decision:
    """Set a time or zone, and tell the parent the time their texts will really come."""
    promise = promised_time(changed, phone, rules, now)
    change = SubscriberChange(
        send_minute=changed.send_minute,
        timezone=changed.timezone,
        next_send_at=promise.slot if promise else None,
    )
    fields = {"zone": zone_label(changed.timezone), "window": window_text(rules.window)}
    if promise is None:
        # Nothing can be sent until they change it: say so now, not by silence.
        return Decision(
            replies=(Say("no_window", fields),),
            change=change,
            audit=(audit, ("parked_no_window", None)),
        )
    fields["time"] = promise.text
    if promise.minute != wanted:
        key = "time_moved"
    return Decision(replies=(Say(key, fields),), change=change, audit=(audit,))


def _local_date(at: datetime, zone: str) -> str:
    from zoneinfo import ZoneInfo

    local = at.astimezone(ZoneInfo(zone))
    return local.strftime("%a %b ") + str(local.day)


def crisis_hold(sub: Subscription, concern: bool, now: datetime) -> SubscriberChange:
    """Nudges stop after a crisis or concern text from a subscribed parent.

    Crisis level: paused until the clinician resumes or the parent texts RESUME.
    Concern level: held for CONCERN_HOLD (no cheerful nudge an hour after "I
    can't do this anymore"), unless they were paused with no end already."""
    if sub.state not in (State.ACTIVE, State.PAUSED):
        return SubscriberChange()
    until: datetime | None = None
    if concern and not (sub.state is State.PAUSED and sub.paused_until is None):
        until = max(sub.paused_until or now, now + CONCERN_HOLD)
    return SubscriberChange(event=Event.CRISIS, paused_until=until, next_send_at=None)
