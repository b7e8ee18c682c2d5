import pytest

from nudges.domain.keywords import Kind, interpret, normalise


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("HELP", Kind.HELP),
        ("help", Kind.HELP),
        ("  Help!  ", Kind.HELP),
        ("info", Kind.HELP),
        ("INFO.", Kind.HELP),
        ("AYUDA", Kind.HELP_ES),
        ("ayuda", Kind.HELP_ES),
        ("I need help", Kind.HELP),
        ("STOP", Kind.OPT_OUT),
        ("stop.", Kind.OPT_OUT),
        ("Stop!!", Kind.OPT_OUT),
        ("STOPALL", Kind.OPT_OUT),
        ("unsubscribe", Kind.OPT_OUT),
        ("CANCEL", Kind.OPT_OUT),
        ("end", Kind.OPT_OUT),
        ("Quit", Kind.OPT_OUT),
        ("REVOKE", Kind.OPT_OUT),
        ("OPTOUT", Kind.OPT_OUT),
        ("opt out", Kind.OPT_OUT),
        ("please stop texting me", Kind.OPT_OUT),
        ("Unsubscribe me", Kind.OPT_OUT),
        ("take me off this list", Kind.OPT_OUT),
        ("don't text me anymore", Kind.OPT_OUT),
        ("no more texts please", Kind.OPT_OUT),
        ("I can't stop crying", Kind.OTHER),
        ("stopped by the park today", Kind.OTHER),
        ("the end of the week was good", Kind.OTHER),
        ("YES", Kind.CONFIRM),
        ("yes!", Kind.CONFIRM),
        ("Y", Kind.CONFIRM),
        ("START", Kind.CONFIRM),
        ("unstop", Kind.CONFIRM),
        ("JOIN", Kind.JOIN),
        ("join", Kind.JOIN),
        ("PAUSE", Kind.PAUSE),
        ("RESUME", Kind.RESUME),
        ("TIME 7:30pm", Kind.TIME),
        ("ZONE Pacific", Kind.ZONE),
        ("DAILY", Kind.DAILY),
        ("WEEKLY", Kind.WEEKLY),
        ("MENU", Kind.MENU),
        ("thanks, that was nice", Kind.OTHER),
        ("", Kind.OTHER),
        ("'; DROP TABLE subscriber; --", Kind.OTHER),
    ],
)
def test_it_reads_the_keyword(body: str, kind: Kind) -> None:
    assert interpret(body).kind is kind


@pytest.mark.parametrize(
    ("body", "days"),
    [("PAUSE", None), ("pause 7", 7), ("PAUSE 2 weeks", 14), ("pause 500", 90), ("pause 0", 1)],
)
def test_pause_takes_an_optional_number_of_days(body: str, days: int | None) -> None:
    intent = interpret(body)
    assert intent.kind is Kind.PAUSE
    assert intent.days == days


@pytest.mark.parametrize(
    ("body", "minute"),
    [
        ("TIME 7:30pm", 19 * 60 + 30),
        ("time 7:30 PM", 19 * 60 + 30),
        ("TIME 730pm", 19 * 60 + 30),
        ("TIME 19:30", 19 * 60 + 30),
        ("TIME 7pm", 19 * 60),
        ("TIME 10am", 10 * 60),
        ("TIME 10", 10 * 60),
        ("TIME 5", 17 * 60),
        ("TIME noon", 12 * 60),
        ("TIME 7 in the evening", 19 * 60),
        ("TIME 7.15 p.m.", 19 * 60 + 15),
        ("TIME soon", None),
        ("TIME 25:00", None),
        ("TIME 13pm", None),
    ],
)
def test_time_reads_common_ways_of_writing_a_time(body: str, minute: int | None) -> None:
    intent = interpret(body)
    assert intent.kind is Kind.TIME
    assert intent.minute == minute


@pytest.mark.parametrize(
    ("body", "zone"),
    [
        ("ZONE Pacific", "America/Los_Angeles"),
        ("zone eastern", "America/New_York"),
        ("ZONE Central time", "America/Chicago"),
        ("ZONE mountain", "America/Denver"),
        ("ZONE Arizona", "America/Phoenix"),
        ("ZONE Alaska", "America/Anchorage"),
        ("ZONE Hawaii", "Pacific/Honolulu"),
        ("ZONE America/Chicago", "America/Chicago"),
        ("zone america/new_york", "America/New_York"),
        ("ZONE Narnia", None),
    ],
)
def test_zone_takes_us_names_and_iana_names(body: str, zone: str | None) -> None:
    intent = interpret(body)
    assert intent.kind is Kind.ZONE
    assert intent.zone == zone


def test_crisis_is_reported_alongside_an_opt_out() -> None:
    intent = interpret("stop texting me, I want to kill myself")
    assert intent.crisis is not None
    assert intent.kind is Kind.OPT_OUT


def test_help_is_not_a_crisis() -> None:
    assert interpret("HELP").crisis is None


def test_normalise_handles_curly_quotes_and_control_characters() -> None:
    assert normalise("  Don\u2019t\x00 text\tme!! ") == "don't text me"


def test_it_survives_a_ten_kilobyte_body_with_emoji() -> None:
    intent = interpret("\U0001f600" * 2500 + "\x07" * 100)
    assert intent.kind is Kind.OTHER
