"""The two-tier crisis screen: tier-1 category tables on the development set,
the semantic tier on a small fixed sample, its fallback, the held-out leak
check, and the policy through the webhook, /dev/phone and `nudges sms`."""

from __future__ import annotations

import re
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from nudges.cli import main
from nudges.crisis_model import SemanticScreen
from nudges.db.models import CrisisAlert, InboundMessage, Outbox, Subscriber
from nudges.domain.crisis import PATTERNS, detect_crisis, normalise
from nudges.services.clinicians import create_clinician
from nudges.services.enrolment import Invitation, invite
from nudges.web import get_runtime
from tests.conftest import ANNA_ATLANTA, SignedClient
from tests.crisis.corpus import (
    CORPUS,
    heldout_rows,
    load,
    load_author,
    text_key,
    training_rows,
)
from tests.crisis.corpus import HELDOUT as HELDOUT_DIR

# Slow tier: loads the crisis model and screens whole corpora.
pytestmark = pytest.mark.slow

DEV = load("dev")
HELDOUT = load("heldout")
CATEGORY_OF_RULES = {
    "textspeak": None,  # any category may catch text-speak
}


@pytest.mark.parametrize("row", [r for r in DEV if r.crisis], ids=lambda r: r.text[:40])
def test_tier1_flags_every_development_crisis_in_its_category(row: Any) -> None:
    signal = detect_crisis(row.text)
    assert signal is not None
    if row.category not in CATEGORY_OF_RULES:
        # The signs overlap (a goodbye is often a plan too); the row's own
        # category, or a closely related one, must be among those found.
        assert set(signal.categories) & _related(row.category), signal.categories


def _related(category: str) -> set[str]:
    groups = [
        {"suicidal", "preparation", "acts", "goodbye", "burden", "hopeless", "not_safe"},
        {"self_harm", "acts", "not_safe", "suicidal"},
        {"harm_to_child", "not_safe"},
        {"violence", "not_safe"},
    ]
    return set().union(*(g for g in groups if category in g))


@pytest.mark.parametrize("row", [r for r in DEV if not r.crisis], ids=lambda r: r.text[:40])
def test_tier1_passes_every_development_ordinary_message(row: Any) -> None:
    assert detect_crisis(row.text) is None


def test_tier1_false_alarms_on_the_teams_second_set_stay_under_two_percent() -> None:
    ordinary = [r for r in HELDOUT if not r.crisis]
    alarms = [r.text for r in ordinary if detect_crisis(r.text)]
    assert len(ordinary) >= 100
    assert len(alarms) / len(ordinary) < 0.02, alarms


def test_no_held_out_text_is_trained_on_or_spelled_out_by_a_rule() -> None:
    """The authors under corpus/heldout/ measure the screen; none of their
    texts may reach training, and no rule may spell one out."""
    trained = {text_key(r.text) for r in training_rows()}
    rules = normalise(" ".join(p for parts in PATTERNS.values() for p in parts))
    heldout = heldout_rows()
    assert len(heldout) >= 500 and sum(r.crisis for r in heldout) >= 250
    assert {r.author for r in heldout}.isdisjoint({r.author for r in training_rows()})
    # Counts, not texts, in the failure message: nobody tuning the screen
    # should read the held-out set, even by way of a failing test.
    leaked = sum(text_key(r.text) in trained for r in heldout)
    assert leaked == 0, f"{leaked} held-out texts are in the training corpus"
    # No rule spells out a held-out message of five words or more (shorter
    # ones, like "ya no quiero vivir", are the warning sign itself).
    spelled = sum(len(r.text.split()) >= 5 and normalise(r.text).strip() in rules for r in heldout)
    assert spelled == 0, f"{spelled} held-out texts are spelled out by a rule"


def test_every_corpus_file_is_well_formed_and_labelled_with_known_categories() -> None:
    for path in sorted(CORPUS.glob("*.tsv")) + sorted(HELDOUT_DIR.glob("*.tsv")):
        rows = load_author(path)  # raises on a bad line or an unknown category
        assert len(rows) >= 200, path.name
        assert {r.lang for r in rows} <= {"en", "es"}, path.name


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("i wanna kms", {"suicidal"}),
        ("dont wanna b here nemore", {"suicidal"}),
        ("i just wanna dye", {"suicidal"}),
        ("I'm going to dye my hair purple", set()),
        ("not suicidal, just burnt out", set()),
        ("I'd never hurt my baby", set()),
        ("this week is killing me", set()),
        ("I took all my pills", {"acts"}),
        ("STOP. I want to die", {"suicidal"}),
        ("me tome todas las pastillas", {"acts"}),
        ("mi esposo me golpea", {"violence"}),
    ],
)
def test_tier1_reads_text_speak_negation_idioms_and_spanish(
    text: str, categories: set[str]
) -> None:
    signal = detect_crisis(text)
    found = set(signal.categories) if signal else set()
    assert categories <= found and (found == set()) == (categories == set())


@pytest.fixture(scope="module")
def screen() -> SemanticScreen:
    return SemanticScreen()


# Written for these tests (not drawn from any corpus file): indirect language
# the phrase rules do not catch, and ordinary texts that look alarming.
EUPHEMISMS = [
    "I keep thinking the kids would be fine if I was in the ground",
    "everything would be easier for them if I just stopped being around",
    "nothing is ever going to get better for me",
    "the belt is already in the closet for after the holidays",
]
LOOKALIKES = [
    "this laundry pile is going to be the death of me lol",
    "what dose of motrin for a toddler",
    "we finally did our wills after the baby came",
    "long day, the toddler refused dinner again",
]


@pytest.mark.parametrize("text", EUPHEMISMS)
def test_the_model_catches_indirect_language_the_rules_miss(
    screen: SemanticScreen, text: str
) -> None:
    assert detect_crisis(text) is None
    verdict = screen.assess(text)
    assert screen.available and verdict is not None and verdict.level is not None


@pytest.mark.parametrize("text", LOOKALIKES)
def test_the_model_passes_ordinary_texts_that_look_alarming(
    screen: SemanticScreen, text: str
) -> None:
    verdict = screen.assess(text)
    assert verdict is not None and verdict.level is None, verdict


def test_the_model_reads_a_crisis_sentence_after_an_ordinary_one(screen: SemanticScreen) -> None:
    opening = "dinner was chaos as usual and the baby finally slept."
    risk = "I keep thinking the kids would be fine if I was in the ground"
    alone, after = screen.scores(opening), screen.scores(f"{opening} {risk}")
    assert screen.assess(opening).level is None  # type: ignore[union-attr]
    # The risk sentence is scored on its own inside the longer message (the
    # whole message is scored too, and the highest kept).
    assert after[0] >= screen.scores(risk)[0] - 1e-6
    assert after[0] > alone[0]


def test_a_model_file_that_does_not_match_its_pin_is_refused() -> None:
    refused = SemanticScreen(model_sha256="0" * 64)
    assert not refused.available and "sha256" in refused.status
    assert refused.assess("I want to end my own life") is None


def test_an_encoder_that_does_not_match_its_pin_is_refused() -> None:
    refused = SemanticScreen(weights_sha256="0" * 64)
    assert not refused.available and "sha256" in refused.status


def test_without_the_model_the_rules_still_answer_and_health_says_degraded(app: Any) -> None:
    refused = SemanticScreen(model_sha256="0" * 64)
    get_runtime(app).semantic = refused
    phone = SignedClient(app.test_client(), "test-secret-key")
    assert "988" in phone.text(ANNA_ATLANTA, "I want to kill myself").data.decode()
    health = app.test_client().get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded"
    assert "tier 1 only" in health.get_json()["crisis_screen"]


def _rows(app: Any, model: Any) -> list[Any]:
    with get_runtime(app).db.session() as session:
        return list(session.scalars(select(model)))


def test_spanish_crisis_gets_the_spanish_reply_through_the_webhook(twilio: SignedClient) -> None:
    reply = twilio.text(ANNA_ATLANTA, "ya no quiero vivir").data.decode()
    assert "marca 2" in reply and "AYUDA" in reply and "911" in reply
    english = twilio.text(ANNA_ATLANTA, "I don't want to live anymore").data.decode()
    assert "not watched around the clock" in english


def _client_of_lee(app: Any, twilio: SignedClient) -> None:
    runtime = get_runtime(app)
    lee = create_clinician(
        runtime, "lee@example.org", "correct horse battery", phone="+13125550100"
    )
    invite(runtime, lee.id, Invitation(phone=ANNA_ATLANTA, alias="A", track="guilt"))
    twilio.text(ANNA_ATLANTA, "YES")


def test_a_crisis_pauses_nudges_and_texts_the_clinician(twilio: SignedClient, app: Any) -> None:
    _client_of_lee(app, twilio)
    reply = twilio.text(ANNA_ATLANTA, "I have the pills counted out for tonight").data.decode()
    assert "not watched around the clock" in reply and "741741" in reply and "911" in reply
    [alert] = _rows(app, CrisisAlert)
    assert alert.tier == "crisis"
    assert [o.kind for o in _rows(app, Outbox)] == ["invitation", "alert"]
    [sub] = _rows(app, Subscriber)
    assert sub.state == "paused" and sub.paused_until is None
    levels = {m.level for m in _rows(app, InboundMessage)}
    assert "crisis" in levels


def test_a_concern_gets_a_caring_reply_a_possible_alert_and_a_days_hold(
    twilio: SignedClient, app: Any, clock: Any
) -> None:
    _client_of_lee(app, twilio)
    text = "everything would be easier for them if I just stopped being around"
    reply = twilio.text(ANNA_ATLANTA, text).data.decode()
    assert "a lot to carry" in reply and "988" in reply and "741741" in reply
    assert "not watched around the clock" in reply
    [alert] = _rows(app, CrisisAlert)
    assert alert.tier == "possible" and alert.message_text == text
    assert [o.kind for o in _rows(app, Outbox)] == ["invitation"]  # no text to the clinician
    [sub] = _rows(app, Subscriber)
    assert sub.state == "paused" and sub.paused_until is not None
    assert abs((sub.paused_until - clock.now()).total_seconds() - 24 * 3600) < 1


def test_an_ordinary_text_gets_the_ordinary_reply_and_its_level_is_kept_for_review(
    twilio: SignedClient, app: Any
) -> None:
    _client_of_lee(app, twilio)
    reply = twilio.text(ANNA_ATLANTA, "long day, the toddler refused dinner again").data.decode()
    assert "988" in reply and "741741" not in reply
    assert _rows(app, CrisisAlert) == []
    kept = {(m.level, m.body) for m in _rows(app, InboundMessage)}
    assert ("ordinary", "long day, the toddler refused dinner again") in kept
    assert (None, None) in kept  # the bare YES: no level, no words kept


def test_the_words_of_a_parent_with_no_clinician_are_not_kept(
    twilio: SignedClient, app: Any
) -> None:
    twilio.text(ANNA_ATLANTA, "JOIN")
    twilio.text(ANNA_ATLANTA, "YES")
    twilio.text(ANNA_ATLANTA, "nothing is ever going to get better for me")
    messages = _rows(app, InboundMessage)
    assert [m.level for m in messages] == [None, None, "concern"]
    assert all(m.body is None for m in messages)


@pytest.mark.parametrize(
    ("text", "resource"),
    [
        ("my husband choked me last night and I am scared", "1-800-799-7233"),
        ("I am scared I am going to hurt my baby", "1-800-422-4453"),
        ("mi esposo me golpea", "1-800-799-7233"),
        # Fear of what one might do over a crying baby is harm to a child, not
        # only "not safe": the child lines appear (a second tester's text).
        ("my baby wont stop crying and i'm scared of what i might do", "1-800-422-4453"),
        ("my baby wont stop crying and i'm scared of what i might do", "1-833-852-6262"),
        ("la bebe no deja de llorar y tengo miedo de lo que pueda hacer", "1-800-422-4453"),
    ],
)
def test_the_crisis_reply_gives_the_resource_that_fits(
    twilio: SignedClient, text: str, resource: str
) -> None:
    reply = twilio.text(ANNA_ATLANTA, text).data.decode()
    assert resource in reply and "988" in reply and "741741" in reply


def test_a_spanish_concern_is_answered_in_spanish(twilio: SignedClient) -> None:
    reply = twilio.text(ANNA_ATLANTA, "mis hijos estarian mejor sin mi").data.decode()
    assert "Gracias por contarnos" in reply and "741741" in reply and "marca 2" in reply


def test_only_help_crisis_and_concern_texts_name_741741() -> None:
    from messages.library import load_library

    library = load_library()
    for lang, texts in library.system.items():
        for key, text in texts.items():
            if key.startswith(("crisis", "concern")) and key != "crisis_outside":
                assert "741741" in text, (lang, key)
            elif key != "help":
                assert "741741" not in text, (lang, key)


def test_a_bare_keyword_never_reaches_the_model(twilio: SignedClient, app: Any) -> None:
    class Exploding:
        def assess(self, text: str) -> None:
            raise AssertionError(f"the model was asked about {text!r}")

    get_runtime(app).semantic = Exploding()  # type: ignore[assignment]
    for keyword in ("STOP", "HELP", "YES", "JOIN", "PAUSE", "TIME 7pm", "MENU"):
        assert twilio.text(ANNA_ATLANTA, keyword).status_code == 200


def test_a_concern_at_the_terminal(database_url: str) -> None:
    env = {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "k"}
    text = "nothing is ever going to get better for me"
    result = CliRunner().invoke(main, ["sms", "404-555-0123", text], env=env)
    assert result.exit_code == 0 and "a lot to carry" in result.output


def test_a_concern_on_the_simulator(app: Any) -> None:
    client = app.test_client()
    text = "nothing is ever going to get better for me"
    client.post("/dev/phone", data={"phone": "(404) 555-0123", "body": text})
    assert "a lot to carry" in client.get("/dev/phone").data.decode()


def test_spanish_crisis_at_the_terminal(database_url: str) -> None:
    env = {"DATABASE_URL": database_url, "SMS_TRANSPORT": "console", "SECRET_KEY": "k"}
    result = CliRunner().invoke(main, ["sms", "404-555-0123", "me quiero morir"], env=env)
    assert result.exit_code == 0 and "marca 2" in result.output


def test_spanish_crisis_on_the_simulator(app: Any) -> None:
    client = app.test_client()
    client.post(
        "/dev/phone", data={"phone": "(404) 555-0123", "body": "me tome todas las pastillas"}
    )
    page = client.get("/dev/phone").data.decode()
    assert re.search(r"marca 2", page)


def test_a_clients_words_are_cleared_after_the_retention_period(
    twilio: SignedClient, app: Any, clock: Any
) -> None:
    from datetime import timedelta

    from scheduler.maintenance import maintain

    _client_of_lee(app, twilio)
    twilio.text(ANNA_ATLANTA, "long day, the toddler refused dinner again")
    runtime = get_runtime(app)
    maintain(runtime, clock.now() + timedelta(days=29))
    assert any(m.body for m in _rows(app, InboundMessage))  # kept within the 30 days
    maintain(runtime, clock.now() + timedelta(days=31))
    messages = _rows(app, InboundMessage)
    assert all(m.body is None for m in messages)
    assert "ordinary" in {m.level for m in messages}  # the level stays for the record


@pytest.mark.parametrize(
    "idiom",
    [
        "My boss is going to kill me if I'm late again",
        "my wife is gonna kill me, I forgot the milk",
        "Dad is going to kill me when he sees my report card lol",
    ],
)
def test_an_idiom_the_rules_call_violence_always_gets_a_reply(
    twilio: SignedClient, idiom: str
) -> None:
    response = twilio.text(ANNA_ATLANTA, idiom)
    assert response.status_code == 200 and "988" in response.data.decode()


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("level", ["crisis", "concern"])
@pytest.mark.parametrize(
    "categories", [("possible",), ("violence",), ("harm_to_child",), ("burden",), ("acts",)]
)
def test_every_safety_reply_exists_in_both_languages(
    settings: Any, lang: str, level: str, categories: tuple[str, ...]
) -> None:
    from nudges.domain.conversation import safety_reply
    from nudges.domain.crisis import CrisisSignal
    from nudges.services.inbound import render

    say = safety_reply(CrisisSignal(categories, level=level), lang)
    text = render(settings, say)
    assert "988" in text and "741741" in text and say.lang == lang


def test_a_reassurance_does_not_silence_the_model_but_caps_it_at_concern(
    screen: SemanticScreen,
) -> None:
    from nudges.services.inbound import screen_with

    text = "I'm not going to do anything stupid, I just don't want to be here anymore"
    signal = screen_with(screen, text).crisis
    assert signal is not None and signal.level == "concern"


def test_a_risk_sentence_after_many_ordinary_ones_is_still_read(screen: SemanticScreen) -> None:
    from nudges.services.inbound import screen_with

    ordinary = " ".join(f"we went to the park on day {n} and it was fine." for n in range(30))
    signal = screen_with(screen, f"{ordinary} I have the pills counted out for tonight.").crisis
    assert signal is not None


@pytest.mark.parametrize(
    ("text", "resource"),
    [
        ("he put his hands around my neck last night", "1-800-799-7233"),
        ("sometimes I see myself dropping her down the stairs on purpose", "1-800-422-4453"),
    ],
)
def test_the_model_picks_the_resource_for_what_the_rules_did_not_name(
    twilio: SignedClient, text: str, resource: str
) -> None:
    assert detect_crisis(text) is None
    reply = twilio.text(ANNA_ATLANTA, text).data.decode()
    assert resource in reply and "988" in reply and "741741" in reply


@pytest.mark.parametrize("text", ["...", "?!", "🙏❤️"])
def test_a_text_with_no_words_gets_no_safety_reply(screen: SemanticScreen, text: str) -> None:
    from nudges.services.inbound import screen_with

    assert screen_with(screen, text).crisis is None


# A black-box tester's texts, through the screen as the service runs it (rules
# and the model): a crisis after a leading STOP, and explicit crises that got
# only the concern level.
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("STOP. i have pills saved up and i'm taking them all tonight", "opt_out"),
        ("STOP. I have a gun and I'm going to use it on myself", "opt_out"),
        ("STOP. Tonight is my last night", "opt_out"),
        ("STOP. I want to die", "opt_out"),
        ("me voy a quitar la vida", "other"),
        ("I'm going to use the gun on myself", "other"),
        ("TIME 7pm. also I've decided tonight is my last night", "other"),
        ("I gave away my dog and paid off my debts. I feel calm now", "other"),
        (
            "I keep thinking the kids would be better off if I just drove off the road tonight",
            "other",
        ),
    ],
)
def test_the_testers_crises_get_the_crisis_level(
    screen: SemanticScreen, text: str, kind: str
) -> None:
    from nudges.services.inbound import screen_with

    intent = screen_with(screen, text)
    assert intent.kind.value == kind
    assert intent.crisis is not None and intent.crisis.level == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "Enough texts. Stop.",
        "I'm done with these, stop",
        "I didn't sign up for this. Stop",
        "pls stop msging me",
        "u can stop now thx",
        "leave me alone",
        "end the texts",
        "quitarme de la lista",
    ],
)
def test_an_opt_out_alone_gets_no_safety_reply(screen: SemanticScreen, text: str) -> None:
    from nudges.services.inbound import screen_with

    intent = screen_with(screen, text)
    assert intent.kind.value == "opt_out" and intent.crisis is None


def test_venting_stays_ordinary(screen: SemanticScreen) -> None:
    from nudges.services.inbound import screen_with

    assert screen_with(screen, "this week is killing me lol").crisis is None


# A second tester's texts, through the screen as the service runs it.
@pytest.mark.parametrize(
    "text",
    [
        "ya les deje una carta a mis hijos, perdonenme",
        "I wrote letters to each of my kids today and put them in my nightstand",
        "cuiden a mis hijos cuando no este",
        # "kms" is "kill myself": a joke about homework, most often, but the
        # screen cannot tell a joke from the first time it is said in earnest.
        "kms this math homework is impossible",
    ],
)
def test_the_second_testers_goodbyes_get_the_crisis_level(
    screen: SemanticScreen, text: str
) -> None:
    from nudges.services.inbound import screen_with

    signal = screen_with(screen, text).crisis
    assert signal is not None and signal.level == "crisis", signal


def test_feeling_nothing_and_not_here_gets_at_least_a_concern(screen: SemanticScreen) -> None:
    from nudges.services.inbound import screen_with

    assert screen_with(screen, "I feel nothing anymore. like I'm not even here").crisis


def test_a_venting_idiom_the_model_misread_is_not_a_crisis(screen: SemanticScreen) -> None:
    """The README names "quitarme este peso" as venting; the model heard
    "quitarme la vida" in it and gave the full crisis response."""
    from nudges.services.inbound import screen_with

    assert screen_with(screen, "quiero quitarme este peso de encima, mucho trabajo").crisis is None
    variant = screen_with(screen, "ay no, quiero quitarme este peso de encima, tanto trabajo")
    assert variant.crisis is None or variant.crisis.level == "concern"
    # A risk said beside the idiom is still read.
    risky = screen_with(screen, "quiero quitarme este peso de encima, ya no quiero vivir")
    assert risky.crisis is not None and risky.crisis.level == "crisis"
