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

from nudges.domain import checkin as checkins
from nudges.domain.consent import Event, State
from nudges.domain.crisis import CrisisSignal
from nudges.domain.keywords import MAX_PAUSE_DAYS, TRACK_CHOICES, Intent, Kind
from nudges.domain.language import FREQUENCY_ES, date_es, time_es, zone_label_es
from nudges.domain.phone import lifeline_reaches
from nudges.domain.preferences import (
    clamp_to_window,
    format_minute,
    lifeline_zone,
    within_hours,
    zone_label,
)
from nudges.domain.subscriber import (
    KEEP,
    SubscriberChange,
    Subscription,
    promised_time,
    scheduled,
)

__all__ = [
    "AskedNudge",
    "Decision",
    "Rules",
    "Say",
    "SubscriberChange",
    "Subscription",
    "decide",
]


@dataclass(frozen=True)
class Rules:
    """The settings the conversation depends on."""

    window: tuple[time, time]
    default_timezone: str = "America/New_York"
    # The hard-moment bank: "sorry:en" -> its text ids in bank order.
    moments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class AskedNudge:
    """The last programme text sent to this parent, when it asked a question."""

    outbox_id: int
    sent_at: datetime
    lang: str = "en"  # the nudge's language: the acknowledgement's too


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
    answers: int | None = None  # the outbox id of the nudge this text answers
    checkin: int | None = None  # the check-in answer (1-5) this text gave
    replaces_checkin: bool = False  # it replaces the answer the parent's last one gave

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
            answers=self.answers or other.answers,
            checkin=self.checkin or other.checkin,
            replaces_checkin=self.replaces_checkin or other.replaces_checkin,
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
    asked: AskedNudge | None = None,
) -> Decision:
    """What to say and change for one inbound text.

    Precedence: crisis > help > opt-out > the rest. A crisis message that is
    also an opt-out is answered as a crisis and honoured as a stop. With
    Twilio's Advanced Opt-Out (`advanced_opt_out` set) Twilio has answered
    STOP/START/HELP already: record the change, say nothing. The change carries
    the next send time it implies: the slot the reply promised. `asked` is the
    last programme text sent, when it asked a question: a reply may answer it.
    """
    state = sub.state if sub else State.NONE
    if intent.kind is Kind.SPANISH and state not in SUBSCRIBED:
        intent = replace(intent, kind=Kind.JOIN)  # ESPAÑOL from a newcomer: join in Spanish
    if intent.consents and state is State.PENDING:
        # "ok" or a thumbs-up to "Reply YES to start" is a yes to it (and the
        # consent record keeps what they wrote). To anything else, a stop
        # confirmation above all, it is only an acknowledgement.
        intent = replace(intent, kind=Kind.CONFIRM)
    lang = reply_language(sub, intent)
    safe_lang = safety_language(sub, intent)
    safety = intent if safe_lang == intent.lang else replace(intent, lang=safe_lang)
    decision = in_language(_decide(sub, phone, safety, rules, now, advanced_opt_out, asked), lang)
    chosen = language_choice(sub, intent)
    if (chosen is not None and chosen != (sub.lang if sub else None)) or decision.create:
        decision = replace(decision, change=decision.change.plus(SubscriberChange(lang=lang)))
    decision = _in_question_context(decision, sub, intent, now)
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
    if all(say.lang is not None for say in decision.replies):
        return decision  # each has its own already (every text decides many)
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
    asked: AskedNudge | None = None,
) -> Decision:
    state = sub.state if sub else State.NONE
    quiet = advanced_opt_out is not None
    in_area = lifeline_reaches(phone)
    decision = Decision()
    # Kept with the nudge it answers even when the screen answers it first.
    answers = answered(sub, intent, asked, now)

    if intent.crisis is not None:
        reply = safety_reply(intent.crisis, intent.lang, in_area)
        opting_out = intent.kind is Kind.OPT_OUT or advanced_opt_out == "STOP"
        if reply.key in SAYS_TEXTS_PAUSED and (state not in SUBSCRIBED or opting_out):
            # Nobody gets our texts here (not signed up, stopped, or stopping now):
            # the same reply without "our texts are paused".
            reply = replace(reply, key=reply.key + "_no_texts")
        decision = Decision(
            replies=(reply,),
            crisis=sub is not None,
            audit=() if sub else (("crisis_reply_unknown_number", None),),
            answers=answers,
        )
        concern = intent.crisis.is_concern
        if intent.kind is Kind.PAUSE and concern and sub is not None and state in _ANSWERING:
            # "pause for a week, I can't do this anymore": the pause asked for, not
            # the concern's 24-hour hold, beside the concern reply (which comes first).
            # A crisis pauses until RESUME already, and its reply says so.
            return decision.plus(_preference(sub, phone, intent, rules, now))
        if intent.kind is not Kind.OPT_OUT and advanced_opt_out != "STOP":
            return decision

    if advanced_opt_out == "HELP" or intent.kind in (Kind.HELP, Kind.HELP_ES):
        frequency = sub.frequency if sub else DEFAULT_FREQUENCY
        reply = help_reply(intent, phone, frequency, intent.lang)  # the safety language
        return decision.plus(Decision(replies=() if quiet else (reply,)))

    # "No thanks" to an invitation is a refusal: honour it like STOP (FCC: any
    # reasonable means). After consent a bare "no" is an answer, not an opt-out.
    declined = intent.kind is Kind.DECLINE and state is State.PENDING
    if advanced_opt_out == "STOP" or intent.kind is Kind.OPT_OUT or declined:
        if state is State.STOPPED:
            return decision  # a second STOP gets no second confirmation (CTIA: one)
        replies = () if quiet else (Say(stop_confirm_key(in_area), lang=intent.lang),)
        opt_out = SubscriberChange(event=Event.OPT_OUT)
        return decision.plus(Decision(replies=replies, create=sub is None, change=opt_out))

    if not in_area and state is State.NONE:
        return Decision(replies=(Say("not_in_area"),))
    if answers is not None and asked is not None:
        # "YES" to "Did you...?" is an answer, not a second sign-up.
        return acknowledge(answers, asked.lang, quiet)
    # "yeah", "sure" to a stop confirmation is an acknowledgement, not a new
    # opt-in: only the words that confirmation named (START, YES, UNSTOP) rejoin.
    acknowledges_stop = intent.kind is Kind.CONFIRM and not intent.rejoins
    if state is State.STOPPED and acknowledges_stop and advanced_opt_out != "START":
        return Decision(replies=(Say("not_subscribed_stopped"),))
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
        return Decision(replies=(Say(_not_subscribed_key(intent, state)),))
    return _preference(sub, phone, intent, rules, now)


def _not_subscribed_key(intent: Intent, state: State) -> str:
    """What a number that gets no texts hears for a text that needs them (TIME,
    PAUSE, TRACK, anything). A stopped number is told what the stop confirmation
    told it, START, which rejoins at once (JOIN would ask for YES all over again);
    a number we never texted, or whose invitation expired, is told JOIN. MENU
    from a stopped number gets the same (the menu's TIME, PAUSE... do nothing
    there); from anyone else, the menu."""
    if state is State.STOPPED:
        return "not_subscribed_stopped"
    return "menu" if intent.kind is Kind.MENU else "not_subscribed"


def stop_confirm_key(in_area: bool) -> str:
    """The stop confirmation names 988 only where 988 answers (US, Canada)."""
    return "stop_confirm" if in_area else "stop_confirm_outside"


# The crisis replies that end by saying our texts are paused; each has a twin
# ("<key>_no_texts") for a number that gets none.
SAYS_TEXTS_PAUSED = frozenset({"crisis", "crisis_violence", "crisis_child"})


def safety_reply(signal: CrisisSignal, lang: str, in_area: bool = True) -> Say:
    """The crisis or concern reply, in the message's language, with the resource
    that fits what was written beside 988 and 741741."""
    if not in_area:
        return Say("crisis_outside")
    lang = "es" if lang == "es" else "en"
    if signal.is_concern:
        return Say(concern_key(signal), lang=lang)
    if "violence" in signal.categories:
        return Say("crisis_violence", lang=lang)  # the domestic violence hotline
    if "harm_to_child" in signal.categories:
        return Say("crisis_child", lang=lang)  # the maternal mental health line and Childhelp
    return Say("crisis", lang=lang)


def concern_key(signal: CrisisSignal) -> str:
    """The concern reply for what the rules or the model read: harm to a child
    (the maternal mental health line and Childhelp) or violence at home (the
    domestic violence hotline), else the plain one. These texts offer the line
    ("if someone at home is hurting you"), never assume it: a concern is often
    an idiom, and the reply must not accuse."""
    if "harm_to_child" in signal.categories:
        return "concern_child"
    if "violence" in signal.categories:
        return "concern_violence"
    return "concern"


DEFAULT_FREQUENCY = "3w"  # an unknown number hears the default
# The frequency HELP states (CTIA: the HELP reply gives the message frequency).
FREQUENCY_NOTES = {
    "en": {"3w": "up to 3 msgs/wk", "daily": "1 msg/day"},
    "es": {"3w": "hasta 3 por semana", "daily": "1 al dia"},
}


# The frequency as the welcome, the welcome back and DAILY / WEEKLY name it
# (Spanish: language.FREQUENCY_ES, through `in_language`).
FREQUENCY_LABELS = {"3w": "3 times a week", "daily": "every day"}


def frequency_label(frequency: str) -> str:
    return FREQUENCY_LABELS.get(frequency, FREQUENCY_LABELS[DEFAULT_FREQUENCY])


def help_reply(
    intent: Intent, phone: str, frequency: str = DEFAULT_FREQUENCY, lang: str | None = None
) -> Say:
    """The help reply, naming the frequency this parent really gets, in `lang`
    (AYUDA: Spanish whoever sends it)."""
    if intent.kind is Kind.HELP_ES:
        lang = "es"
    if not lifeline_reaches(phone):
        return Say("help_outside", lang=lang)
    notes = FREQUENCY_NOTES["es" if lang == "es" else "en"]
    note = notes.get(frequency, notes[DEFAULT_FREQUENCY])
    key = "help_es" if intent.kind is Kind.HELP_ES else "help"
    return Say(key, {"msg_frequency": note}, lang=lang)


# --- answers to a nudge's question ----------------------------------------------

ANSWER_OPEN = timedelta(hours=48)  # a reply this long after the question answers it
ANSWER_THANKS = ("answer_thanks", "answer_thanks_2", "answer_thanks_3")
_ANSWERING = (State.ACTIVE, State.PAUSED)


def answered(
    sub: Subscription | None, intent: Intent, asked: AskedNudge | None, now: datetime
) -> int | None:
    """The outbox id of the nudge this text answers, or None.

    An answer is an ordinary message (no keyword) or a plain yes/no ("yeah",
    "sort of") from an active or paused parent, within ANSWER_OPEN of a nudge
    that asked a question, with no focus choice offered since (a check-in sent
    since is a later programme text, so `asked` is then None).

    `asked` is the last programme text that reached the number, so a reply
    follows it whatever its stamp says: a nudge stamped after `now` (its slot,
    by a scheduler whose clock runs ahead of this host's, or by `nudges tick
    --now`) is still the one being answered."""
    if sub is None or asked is None or sub.state not in _ANSWERING:
        return None
    if intent.kind is not Kind.OTHER and not intent.short_answer:
        return None
    if now > asked.sent_at + ANSWER_OPEN:
        return None
    if _focus_offered_since(sub, asked.sent_at):
        return None
    return asked.outbox_id


def _focus_offered_since(sub: Subscription, since: datetime) -> bool:
    # The choice is open CHOICE_OPEN from the moment it is offered (the welcome
    # or TRACK); a choice offered after the nudge is the newer question.
    until = sub.track_choice_until
    return until is not None and until - CHOICE_OPEN > since


def acknowledge(outbox_id: int, lang: str, quiet: bool = False) -> Decision:
    """A short thanks for an answer; the variant follows the nudge, so a parent
    who answers several nudges does not read the same line each time."""
    key = ANSWER_THANKS[outbox_id % len(ANSWER_THANKS)]
    replies = () if quiet else (Say(key, lang="es" if lang == "es" else "en"),)
    return Decision(replies=replies, answers=outbox_id)


# --- texts for hard moments ------------------------------------------------------

MOMENT_KEY = "moment"  # Say(MOMENT_KEY, {"id": ...}): a text from the moments bank
RECENT_MOMENTS = 12  # ids remembered: a moment's 4 to 6 texts all come before one repeats


def pick_moment(bank: tuple[str, ...], recent: tuple[str, ...]) -> str:
    """The first text of the bank not sent lately, else the one sent longest ago."""
    fresh = [text_id for text_id in bank if text_id not in recent]
    if fresh:
        return fresh[0]
    return max(bank, key=recent.index)


def _moment(sub: Subscription, intent: Intent, rules: Rules) -> Decision:
    lang = "es" if intent.lang == "es" else "en"
    bank = rules.moments.get(f"{intent.moment}:{lang}", ())
    if not bank:
        return Decision(replies=(Say("unrecognised"),))
    chosen = pick_moment(bank, sub.recent_moments)
    recent = (chosen, *(i for i in sub.recent_moments if i != chosen))[:RECENT_MOMENTS]
    return Decision(
        replies=(Say(MOMENT_KEY, {"id": chosen}, lang=lang),),
        change=SubscriberChange(recent_moments=recent),
    )


def _confirm(
    sub: Subscription | None, phone: str, rules: Rules, now: datetime, quiet: bool
) -> Decision:
    state = sub.state if sub else State.NONE
    if state is State.ACTIVE:
        assert sub is not None
        return Decision(replies=() if quiet else already_on(sub, phone, rules, now))
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
    promise = promised_time(sub, phone, rules.window, now)
    fields = {"time": promise.text if promise else format_minute(sub.send_minute)}
    if key != "resumed":
        # The frequency this parent has (DAILY before YES, or before a STOP, is
        # kept): it once said "about 3 a week" to a daily parent whom HELP then
        # told "1 msg/day".
        fields["frequency"] = frequency_label(sub.frequency)
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


def already_on(sub: Subscription, phone: str, rules: Rules, now: datetime) -> tuple[Say, ...]:
    """RESUME, START or YES from a parent whose texts are coming: say so, and
    when, and change nothing (a "welcome back" read as if they had been away).
    A parent whose zones share no sending hours hears why nothing comes."""
    promise = promised_time(sub, phone, rules.window, now)
    if promise is None:
        fields = {"zone": zone_label(sub.timezone), "window": window_text(rules.window)}
        return (Say("no_window", fields),)
    return (Say("already_on", {"frequency": frequency_label(sub.frequency), "time": promise.text}),)


# Settings a parent can change before YES or while paused; the reply then says
# that nothing comes yet, so "your texts will come around 7:30pm" is not read as
# a restart.
_SETTINGS = (Kind.TIME, Kind.ZONE, Kind.DAILY, Kind.WEEKLY, Kind.TRACK, Kind.CHOICE)


def _preference(
    sub: Subscription, phone: str, intent: Intent, rules: Rules, now: datetime
) -> Decision:
    checkin = _checkin_text(sub, intent, now)
    if checkin is not None:
        return checkin
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
        if intent.days is not None and not 1 <= intent.days <= MAX_PAUSE_DAYS:
            # PAUSE 0, PAUSE -3, PAUSE 200: say the range; pause nothing rather
            # than some span they did not ask for.
            return Decision(replies=(Say("pause_range"),))
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
    if kind is Kind.RESUME and sub.state is State.ACTIVE:
        return Decision(replies=already_on(sub, phone, rules, now))  # nothing to resume
    if kind is Kind.RESUME:
        promise = promised_time(sub, phone, rules.window, now)
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
        # 7:45pm in a window to 8pm is inside the hours: only the margin kept
        # before their end moves it, and the reply says that, not the hours.
        margin = minute != intent.minute and within_hours(intent.minute, rules.window)
        key, wanted = ("time_margin", minute) if margin else ("time_set", intent.minute)
        return _with_promise(changed, phone, rules, now, key, wanted, ("time_changed", None))
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
        return Decision(
            replies=(Say("frequency_set", {"frequency": frequency_label(frequency)}),),
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
    if kind is Kind.MOMENT:
        return _moment(sub, intent, rules)
    if kind in (Kind.TRACK, Kind.CHOICE):
        return _track(sub, intent, now)
    if kind is Kind.UNCLEAR_OPT_OUT:
        return Decision(replies=(Say("opt_out_question"),))
    return Decision(replies=(Say("consent_prompt" if pending else "unrecognised"),))


def _track(sub: Subscription, intent: Intent, now: datetime) -> Decision:
    """TRACK shows the choice; TRACK 2, or a bare 2 while the choice is open, sets it.

    Switching keeps the parent's place: the next nudge is the same week's in the
    new track, and the reply says so only to a parent who has had a nudge (a
    first choice has no place to keep). A bare number with no choice open is not
    guessed at."""
    if intent.kind is Kind.CHOICE and (not sub.choosing_track(now) or intent.track is None):
        return Decision(replies=(Say("number_unclear"),))  # 4 or 5 is no focus
    if intent.track is None or intent.track not in TRACK_CHOICES:
        # TRACK 5 names the tracks there are, and that nothing changed; either
        # way the choice is open, so a bare 1, 2 or 3 now picks.
        return Decision(
            replies=(Say("track_unknown" if intent.unknown_track else "track_menu"),),
            change=SubscriberChange(track_choice_until=now + CHOICE_OPEN),
        )
    key = "track_switched" if sub.nudges_sent > 0 else "track_set"
    return Decision(
        replies=(Say(key, {"focus": TRACK_LABELS[intent.track]}),),
        change=SubscriberChange(track=intent.track, track_choice_until=None),
        audit=(("track_changed", intent.track),),
    )


# The replies that offer the focus choice: a bare digit after them picks a track.
FOCUS_QUESTIONS = frozenset({"track_menu", "track_unknown"})

# A bare number the conversation did not take (no focus choice or check-in was
# open, or 4 to a focus question): the clinician reads it as what it was.
UNTAKEN_NUMBER = "unclear_number"


def recorded_kind(intent: Intent, decision: Decision) -> str:
    """What the text is recorded as for the clinician: its keyword, except a bare
    number that chose no focus, answered no check-in and no nudge, and an "ok"
    that was a yes to the consent prompt."""
    if intent.consents and decision.event is Event.CONFIRM:
        return Kind.CONFIRM.value
    if intent.kind is Kind.CHOICE:
        took = any(action == "track_changed" for action, _ in decision.audit)
        if not (took or decision.checkin is not None or decision.answers is not None):
            return UNTAKEN_NUMBER
    return intent.kind.value


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
    promise = promised_time(changed, phone, rules.window, now)
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
    elif key == "time_margin":
        end = rules.window[1]
        fields["end"] = format_minute(end.hour * 60 + end.minute)
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


# --- the weekly check-in ---------------------------------------------------------


def _checkin_text(sub: Subscription, intent: Intent, now: datetime) -> Decision | None:
    """CHECKIN OFF/ON, or an answer to the open check-in; None for anything else.

    An answer closes the question; a second digit soon after it replaces it
    (a second answer would average into the clinician's chart)."""
    lang = sub.lang
    if intent.kind is Kind.CHECKINS_OFF:
        return Decision(
            replies=(Say("checkins_off", lang=lang),),
            change=SubscriberChange(checkins_enabled=False, question=None),
            audit=(("checkins_off", None),),
        )
    if intent.kind is Kind.CHECKINS_ON:
        return Decision(
            replies=(Say("checkins_on", lang=lang),),
            change=SubscriberChange(checkins_enabled=True),
            audit=(("checkins_on", None),),
        )
    scored = checkin_score(sub, intent, now)
    if scored is None:
        return None
    score, earlier = scored
    if earlier is None or earlier == score:
        say = Say(checkins.answer_reply(score), lang=lang)
    else:
        say = Say(checkins.changed_reply(score), {"score": str(score)}, lang=lang)
    return Decision(replies=(say,)).plus(_recorded(score, now, earlier))


def checkin_score(
    sub: Subscription | None, intent: Intent, now: datetime
) -> tuple[int, int | None] | None:
    """(the score this text gives the check-in, the answer it replaces or None),
    or None: a bare 1-5, or a message that starts with one ("2, rough week"),
    while the last question asked is a check-in sent within ANSWER_OPEN, or
    within CORRECT_WITHIN of an answer to one."""
    if sub is None or sub.state not in (State.ACTIVE, State.PAUSED):
        return None
    if intent.number is None or not checkins.is_answer(intent.number):
        return None
    if checkins.checkin_open(sub.question, sub.question_at, now):
        return intent.number, None
    earlier = checkins.correctable(sub.question, sub.question_at, now)
    if earlier is None:
        return None
    return intent.number, earlier


def _recorded(score: int, now: datetime, earlier: int | None = None) -> Decision:
    """The answer kept: on this text, the question now "answered" (a digit
    within CORRECT_WITHIN changes it), and, for a change, the answer it
    replaces taken off the earlier text (`replaces_checkin`)."""
    audit: tuple[tuple[str, str | None], ...] = ()
    if checkins.is_low(score):
        audit += (("checkin_low", f"{score}/5"),)
    if earlier is not None and earlier != score:
        audit += (("checkin_changed", f"{earlier}/5 to {score}/5"),)
    return Decision(
        change=SubscriberChange(question=checkins.answered_question(score), question_at=now),
        checkin=score,
        replaces_checkin=earlier is not None,
        audit=audit,
    )


def _in_question_context(
    decision: Decision, sub: Subscription | None, intent: Intent, now: datetime
) -> Decision:
    """Keep track of the last question asked, which a bare digit answers.

    - The focus menu just went out: it is now the open question.
    - A safety reply answered a message that also scored the week ("1. I
      can't go on"): the score is still recorded for the clinician; the safety
      reply is the only text."""
    if any(say.key in FOCUS_QUESTIONS for say in decision.replies):
        asked = SubscriberChange(question=checkins.TRACK_QUESTION, question_at=now)
        return replace(decision, change=decision.change.plus(asked))
    if decision.checkin is None and intent.crisis is not None:
        scored = checkin_score(sub, intent, now)
        if scored is not None:
            return decision.plus(_recorded(scored[0], now, scored[1]))
    return decision
