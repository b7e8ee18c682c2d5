"""The two-tier crisis screen: tier-1 category tables on the development set,
the semantic tier on a small fixed sample, its fallback, the held-out leak
check, and the policy through the webhook, /dev/phone and `nudges sms`."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from nudges.cli import main
from nudges.db.models import CrisisAlert, Outbox, Subscriber
from nudges.domain.crisis import PATTERNS, detect_crisis, normalise
from nudges.services.clinicians import create_clinician
from nudges.services.enrolment import Invitation, invite
from nudges.services.semantic import EXEMPLARS, SemanticScreen
from nudges.web import get_runtime
from tests.conftest import ANNA_ATLANTA, SignedClient
from tests.crisis.corpus import load

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


def test_tier1_false_alarms_on_held_out_ordinary_messages_stay_under_two_percent() -> None:
    ordinary = [r for r in HELDOUT if not r.crisis]
    alarms = [r.text for r in ordinary if detect_crisis(r.text)]
    assert len(ordinary) >= 100
    assert len(alarms) / len(ordinary) < 0.02, alarms


def test_no_held_out_text_is_in_the_rules_or_the_exemplars() -> None:
    banks = tomllib.loads(EXEMPLARS.read_text("utf-8"))
    exemplars = {normalise(t) for t in banks["crisis"] + banks["ordinary"]}
    rules = normalise(" ".join(p for parts in PATTERNS.values() for p in parts))
    dev = {normalise(r.text) for r in DEV}
    for row in HELDOUT:
        plain = normalise(row.text)
        assert plain not in exemplars, row.text
        assert plain not in dev, row.text
        # No rule spells out a held-out message of five words or more (shorter
        # ones, like "ya no quiero vivir", are the warning sign itself).
        if len(plain.split()) >= 5:
            assert plain.strip() not in rules, row.text


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


def test_the_semantic_tier_flags_a_paraphrase_the_rules_miss(screen: SemanticScreen) -> None:
    paraphrase = "everything would be easier for them if I just stopped being around"
    assert detect_crisis(paraphrase) is None
    assert screen.available and screen.flags(paraphrase)


@pytest.mark.parametrize(
    "ordinary", ["drowning in laundry over here", "what dose of motrin for a toddler", "STOP"]
)
def test_the_semantic_tier_passes_ordinary_messages(screen: SemanticScreen, ordinary: str) -> None:
    assert not screen.flags(ordinary)


def test_a_weights_file_that_does_not_match_its_pin_is_refused() -> None:
    refused = SemanticScreen(weights_sha256="0" * 64)
    assert not refused.available and "sha256" in refused.status
    assert refused.flags("I want to end my own life") is False


def test_without_the_model_the_rules_still_answer_and_health_says_degraded(app: Any) -> None:
    refused = SemanticScreen(weights_sha256="0" * 64)
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


def test_a_tier_two_flag_alone_holds_nudges_a_day_and_alerts_only_on_the_dashboard(
    twilio: SignedClient, app: Any, clock: Any
) -> None:
    runtime = get_runtime(app)
    lee = create_clinician(
        runtime, "lee@example.org", "correct horse battery", phone="+13125550100"
    )
    invite(runtime, lee.id, Invitation(phone=ANNA_ATLANTA, alias="A", track="guilt"))
    twilio.text(ANNA_ATLANTA, "YES")
    paraphrase = "everything would be easier for them if I just stopped being around"
    reply = twilio.text(ANNA_ATLANTA, paraphrase).data.decode()
    assert "988" in reply and "741741" in reply
    [alert] = _rows(app, CrisisAlert)
    assert alert.tier == "possible" and alert.categories == "possible"
    assert [o.kind for o in _rows(app, Outbox)] == ["invitation"]  # no text to the clinician
    [sub] = _rows(app, Subscriber)
    assert sub.state == "paused" and sub.paused_until is not None
    assert abs((sub.paused_until - clock.now()).total_seconds() - 24 * 3600) < 1


def test_a_bare_keyword_never_reaches_the_semantic_tier(twilio: SignedClient, app: Any) -> None:
    class Exploding:
        def flags(self, text: str) -> bool:
            raise AssertionError(f"the model was asked about {text!r}")

    get_runtime(app).semantic = Exploding()  # type: ignore[assignment]
    for keyword in ("STOP", "HELP", "YES", "JOIN", "PAUSE", "TIME 7pm", "MENU"):
        assert twilio.text(ANNA_ATLANTA, keyword).status_code == 200


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
