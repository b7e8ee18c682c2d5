"""Replies that go somewhere, through the inbound and enrolment use cases on a
real database: an answer to a nudge's question is thanked and kept with the
nudge; HELP names the parent's frequency; SORRY and its twins answer from the
moments bank without repeating soon; invitations name who invites."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from messages import load_library, system_text
from nudges.clock import FrozenClock
from nudges.crisis_model import Assessment
from nudges.db.models import InboundMessage, Outbox
from nudges.runtime import Runtime
from nudges.services.clinicians import AccountError, create_clinician, set_invite_name
from nudges.services.conversation import conversation
from nudges.services.enrolment import Invitation, invite
from nudges.services.inbound import InboundSms, respond
from tests.conftest import ANNA_ATLANTA, CARLOS_CHICAGO, PAT_PORTLAND
from tests.services.conftest import queued, subscriber, text

LIBRARY = load_library()
ASKING = next(n for n in LIBRARY.nudges if n.asks and n.lang == "en")
TELLING = next(n for n in LIBRARY.nudges if not n.asks and n.lang == "en")
THANKS = {system_text(key) for key in ("answer_thanks", "answer_thanks_2", "answer_thanks_3")}
THANKS_ES = {
    system_text(key, lang="es") for key in ("answer_thanks", "answer_thanks_2", "answer_thanks_3")
}


def client_of_lee(runtime: Runtime, phone: str = ANNA_ATLANTA) -> None:
    """A parent Dr. Lee invited, who said YES (their free text is kept for Lee)."""
    lee = create_clinician(runtime, "lee@example.org", "correct horse battery")
    invite(runtime, lee.id, Invitation(phone=phone, alias="A", track="guilt"))
    text(runtime, phone, "YES")


def sent(
    runtime: Runtime, phone: str, nudge_id: str, at: datetime, state: str = "delivered"
) -> int:
    """A nudge as the sender leaves it (set-up: the sending path has its own tests)."""
    sub = subscriber(runtime, phone)
    assert sub is not None
    with runtime.db.session() as session:
        row = Outbox(
            dedupe_key=f"nudge:{sub.id}:{at.isoformat()}",
            kind="nudge",
            subscriber_id=sub.id,
            slot_at=at,
            nudge_id=nudge_id,
            body=LIBRARY.nudge(nudge_id).text,
            state=state,
            attempts=1,
            verify_before_send=False,
            created_at=at,
            updated_at=at,
        )
        session.add(row)
        session.flush()
        return row.id


def stored(runtime: Runtime, sid: str) -> InboundMessage:
    with runtime.db.session() as session:
        row = session.scalar(select(InboundMessage).where(InboundMessage.message_sid == sid))
        assert row is not None
        return row


def sid() -> str:
    return "SM" + secrets.token_hex(16)


def test_an_answer_is_thanked_and_kept_with_the_nudge_it_answers(
    runtime: Runtime, clock: FrozenClock
) -> None:
    client_of_lee(runtime)
    nudge = sent(runtime, ANNA_ATLANTA, ASKING.id, clock.now())
    clock.advance(hours=3)
    answer = sid()
    [reply] = text(runtime, ANNA_ATLANTA, "I sat outside for five minutes", answer)
    assert reply in THANKS
    row = stored(runtime, answer)
    assert row.answers_outbox_id == nudge
    assert row.body == "I sat outside for five minutes"  # for Lee to read


def test_an_answer_to_a_nudge_stamped_ahead_of_this_clock_is_its_answer_and_reads_after_it(
    runtime: Runtime, clock: FrozenClock
) -> None:
    # The scheduler's clock a minute ahead of the web host's (or `nudges tick --now`):
    # the nudge's stamp is after the reply's, and it is still the text answered.
    client_of_lee(runtime)
    nudge = sent(runtime, ANNA_ATLANTA, ASKING.id, clock.now() + timedelta(minutes=1))
    answer = sid()
    [reply] = text(runtime, ANNA_ATLANTA, "my mom mostly", answer)
    assert reply in THANKS
    row = stored(runtime, answer)
    assert row.answers_outbox_id == nudge and row.follows_outbox_id == nudge
    sub = subscriber(runtime, ANNA_ATLANTA)
    with runtime.db.session() as session:
        lines = conversation(session, sub)
    texts = [line.text for line in lines]
    assert texts.index("my mom mostly") == texts.index(ASKING.text) + 1  # right after it
    assert lines[texts.index("my mom mostly")].at == clock.now()  # at its own time


def test_yes_to_a_did_you_question_is_an_answer_not_a_second_sign_up(
    runtime: Runtime, clock: FrozenClock
) -> None:
    client_of_lee(runtime)
    nudge = sent(runtime, ANNA_ATLANTA, ASKING.id, clock.now())
    clock.advance(hours=1)
    answer = sid()
    [reply] = text(runtime, ANNA_ATLANTA, "YES", answer)
    assert reply in THANKS and "already signed up" not in reply
    assert stored(runtime, answer).answers_outbox_id == nudge
    assert stored(runtime, answer).body == "YES"
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "active"


def test_a_later_text_that_asks_nothing_closes_the_question(
    runtime: Runtime, clock: FrozenClock
) -> None:
    client_of_lee(runtime)
    sent(runtime, ANNA_ATLANTA, ASKING.id, clock.now())
    sent(runtime, ANNA_ATLANTA, TELLING.id, clock.now() + timedelta(hours=1))
    clock.advance(hours=2)
    answer = sid()
    [reply] = text(runtime, ANNA_ATLANTA, "YES", answer)
    assert "already getting texts" in reply
    assert stored(runtime, answer).answers_outbox_id is None


@pytest.mark.parametrize(
    ("state", "later"),
    [("undelivered", timedelta(hours=1)), ("delivered", timedelta(hours=49))],
)
def test_an_undelivered_question_or_one_past_48_hours_is_not_answered(
    runtime: Runtime, clock: FrozenClock, state: str, later: timedelta
) -> None:
    client_of_lee(runtime)
    sent(runtime, ANNA_ATLANTA, ASKING.id, clock.now(), state=state)
    clock.set(clock.now() + later)
    answer = sid()
    [reply] = text(runtime, ANNA_ATLANTA, "it went fine", answer)
    assert reply == system_text("unrecognised", program="GoodEnough")
    assert stored(runtime, answer).answers_outbox_id is None


def test_a_spanish_nudge_is_thanked_in_spanish(runtime: Runtime, clock: FrozenClock) -> None:
    asking_es = next(n for n in LIBRARY.nudges if n.asks and n.lang == "es")
    client_of_lee(runtime)
    sent(runtime, ANNA_ATLANTA, asking_es.id, clock.now())
    [reply] = text(runtime, ANNA_ATLANTA, "si")
    assert reply in THANKS_ES


def test_help_names_the_frequency_the_parent_gets(runtime: Runtime) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    text(runtime, ANNA_ATLANTA, "YES")
    [weekly] = text(runtime, ANNA_ATLANTA, "HELP")
    assert "up to 3 msgs/wk" in weekly
    text(runtime, ANNA_ATLANTA, "DAILY")
    [daily] = text(runtime, ANNA_ATLANTA, "HELP")
    assert "1 msg/day" in daily and "3 msgs/wk" not in daily
    [spanish] = text(runtime, ANNA_ATLANTA, "AYUDA")
    assert "1 al dia" in spanish
    [unknown] = text(runtime, PAT_PORTLAND, "HELP")
    assert "up to 3 msgs/wk" in unknown and "SORRY" in unknown


def test_sorry_sends_each_text_of_its_bank_before_one_repeats(runtime: Runtime) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    text(runtime, ANNA_ATLANTA, "YES")
    bank = [LIBRARY.moment_text(i) for i in LIBRARY.moment_bank()["sorry:en"]]
    got = [text(runtime, ANNA_ATLANTA, word)[0] for word in ("SORRY", "sorry.", "Sorry!")]
    got += [text(runtime, ANNA_ATLANTA, "sorry")[0] for _ in range(len(bank) - 3)]
    assert got == bank  # every text once, in bank order
    text(runtime, ANNA_ATLANTA, "CALM")  # another moment does not reset this one
    assert text(runtime, ANNA_ATLANTA, "SORRY") == [bank[0]]  # then the one sent longest ago


def test_a_spanish_twin_answers_in_spanish_and_a_paused_parent_is_answered(
    runtime: Runtime,
) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    text(runtime, ANNA_ATLANTA, "YES")
    text(runtime, ANNA_ATLANTA, "PAUSE")
    first_es = LIBRARY.moment_bank()["night:es"][0]
    assert text(runtime, ANNA_ATLANTA, "NOCHE") == [LIBRARY.moment_text(first_es)]
    sub = subscriber(runtime, ANNA_ATLANTA)
    assert sub is not None and sub.state == "paused" and sub.recent_moments == first_es


def test_an_unknown_number_gets_the_usual_not_signed_up(runtime: Runtime) -> None:
    [reply] = text(runtime, CARLOS_CHICAGO, "BEDTIME")
    assert reply == system_text("not_subscribed", program="GoodEnough")
    assert subscriber(runtime, CARLOS_CHICAGO) is None


def test_the_invitation_names_who_invites_as_the_clinician_chose(runtime: Runtime) -> None:
    rivera = create_clinician(
        runtime, "rivera@example.org", "correct horse battery", invite_name="Dr. Rivera"
    )
    plain = create_clinician(runtime, "lee@example.org", "correct horse battery")
    invite(runtime, rivera.id, Invitation(phone=ANNA_ATLANTA))
    invite(runtime, plain.id, Invitation(phone=CARLOS_CHICAGO))
    named, neutral = (row.body or "" for row in queued(runtime, "invitation"))
    assert named.startswith("GoodEnough: Dr. Rivera invited you") and "seen by Dr. Rivera" in named
    assert "someone" not in neutral and "GoodEnough" in neutral
    assert "help@goodenough.example" in neutral  # how to get info, from a known contact


def test_an_invite_name_is_changed_on_the_account_and_never_names_a_condition(
    runtime: Runtime,
) -> None:
    lee = create_clinician(runtime, "lee@example.org", "correct horse battery")
    assert set_invite_name(runtime, lee.id, " Bayside  Family Therapy ") == "Bayside Family Therapy"
    with pytest.raises(AccountError, match="health conditions"):
        set_invite_name(runtime, lee.id, "Postpartum Depression Care")
    with pytest.raises(AccountError, match="health conditions"):
        create_clinician(runtime, "x@example.org", "correct horse battery", invite_name="PTSD Team")
    invite(runtime, lee.id, Invitation(phone=ANNA_ATLANTA))
    [row] = queued(runtime, "invitation")
    assert (row.body or "").startswith("GoodEnough: Bayside Family Therapy invited you")
    assert set_invite_name(runtime, lee.id, "") is None


class TopicScreen:
    """A model stand-in that reads every free text as a concern about `topic`."""

    def __init__(self, topic: str) -> None:
        self.topic = topic

    def assess(self, text: str) -> Assessment:
        return Assessment(0.6, 0.2, "concern", confirms_crisis=False, topic=self.topic)


@pytest.mark.parametrize(
    ("topic", "line"),
    [("harm_to_child", "1-833-852-6262"), ("violence", "1-800-799-7233")],
)
def test_a_concern_the_model_reads_as_a_topic_names_its_line(
    runtime: Runtime, topic: str, line: str
) -> None:
    text(runtime, ANNA_ATLANTA, "JOIN")
    text(runtime, ANNA_ATLANTA, "YES")
    runtime.semantic = TopicScreen(topic)  # type: ignore[assignment]
    reply = respond(runtime, InboundSms(ANNA_ATLANTA, "I keep seeing it happen in my head", sid()))
    [words] = reply.messages
    assert reply.level == "concern" and line in words
    assert "988" in words and "HOME to 741741" in words
