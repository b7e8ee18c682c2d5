"""The welcome and the welcome back state the frequency the parent really has.

A black-box tester texted DAILY, then STOP, then START: the welcome back said
"about 3 a week" while HELP then said "1 msg/day" (and texts came daily). Both
texts had the default written into them; they now name the parent's own."""

from __future__ import annotations

import pytest

from tests.conftest import ANNA_ATLANTA, SignedClient
from tests.web.test_inbound_conversation import replies
from tests.web.test_spanish_conversation import which


def text(twilio: SignedClient, body: str) -> list[str]:
    return replies(twilio.text(ANNA_ATLANTA, body))


def test_daily_then_stop_then_start_is_welcomed_back_to_a_text_a_day(
    twilio: SignedClient,
) -> None:
    for body in ("JOIN", "YES", "DAILY", "STOP"):
        text(twilio, body)
    [back] = text(twilio, "START")
    assert which(back) == ("en", "rejoined")
    assert "every day" in back and "3" not in back.replace("988", "")
    [help_reply] = text(twilio, "HELP")
    assert "1 msg/day" in help_reply


def test_daily_then_weekly_then_stop_then_start_is_welcomed_back_to_3_a_week(
    twilio: SignedClient,
) -> None:
    for body in ("JOIN", "YES", "DAILY", "WEEKLY", "STOP"):
        text(twilio, body)
    [back] = text(twilio, "START")
    assert which(back) == ("en", "rejoined")
    assert "3 times a week" in back and "every day" not in back
    [help_reply] = text(twilio, "HELP")
    assert "up to 3 msgs/wk" in help_reply


def test_a_default_parent_is_welcomed_back_to_3_a_week(twilio: SignedClient) -> None:
    for body in ("JOIN", "YES", "STOP"):
        text(twilio, body)
    [back] = text(twilio, "YES")
    assert which(back) == ("en", "rejoined") and "3 times a week" in back


@pytest.mark.parametrize("rejoin", ["SI", "START"])
def test_in_spanish_diario_then_stop_then_yes_is_welcomed_back_to_every_day(
    twilio: SignedClient, rejoin: str
) -> None:
    for body in ("HOLA", "SI", "DIARIO", "PARAR"):
        text(twilio, body)
    [back] = text(twilio, rejoin)
    assert which(back) == ("es", "rejoined")
    assert "todos los dias" in back and "3 por semana" not in back
    [help_reply] = text(twilio, "AYUDA")
    assert "1 al dia" in help_reply


def test_in_spanish_semanal_is_welcomed_back_to_3_a_week(twilio: SignedClient) -> None:
    for body in ("HOLA", "SI", "DIARIO", "SEMANAL", "PARAR"):
        text(twilio, body)
    [back] = text(twilio, "SI")
    assert which(back) == ("es", "rejoined")
    assert "3 veces por semana" in back and "todos los dias" not in back


def test_daily_before_yes_is_welcomed_to_a_text_a_day(twilio: SignedClient) -> None:
    text(twilio, "JOIN")
    text(twilio, "DAILY")
    [welcome, _menu] = text(twilio, "YES")
    assert which(welcome) == ("en", "welcome")
    assert "every day" in welcome and "3 texts a week" not in welcome


def test_diario_before_si_is_welcomed_to_every_day_in_spanish(twilio: SignedClient) -> None:
    text(twilio, "HOLA")
    text(twilio, "DIARIO")
    [welcome, _menu] = text(twilio, "SI")
    assert which(welcome) == ("es", "welcome")
    assert "todos los dias" in welcome and "3 textos por semana" not in welcome
