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
    [("PAUSE", None), ("pause 7", 7), ("PAUSE 2 weeks", 14), ("pause 500", 500), ("pause 0", 0)],
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


# A black-box tester's texts that were not honoured as opt-outs. Carriers and
# CTIA expect reasonable opt-out wording honoured.
@pytest.mark.parametrize(
    "body",
    [
        "Enough texts. Stop.",
        "I'm done with these, stop",
        "I didn't sign up for this. Stop",
        "Ugh. STOP please",
        "pls stop msging me",
        "stop txting me",
        "u can stop now thx",
        "you can stop now",
        "I want out",
        "Stahp",
        "STOPPP",
        "Unsuscribe",
        "St0p",  # a digit for a letter: a tester's "St0p" got a concern and no stop
        "5T0P pls",
        "unsubscr1be",
        "unsubscibe me",
        "pls unsuscribe",
        "ST\u200bOP",
        "S\u200dTOP please",
        "\ufeffSTOP",
        "\x1b[31mSTOP\x1b[0m",
        "\x1b[1;31mstop\x1b[m please",
        "quitarme de la lista",
        "quiero que me quiten de los mensajes",
        "quítenme de la lista por favor",
        "sáquenme de la lista",
    ],
)
def test_reasonable_opt_out_wording_is_honoured(body: str) -> None:
    assert interpret(body).kind is Kind.OPT_OUT


@pytest.mark.parametrize(
    "body",
    [
        "stop yelling at my kids",
        "I can't stop crying",
        "I keep telling them, stop",
        "my toddler won't stop. ever",
        "the bus stop",
        "sitting on the stoop",
        "I want out of this marriage",
        "you can stop crying now, I said",
        # Spanish venting: "quitarme" is to take something off me, not to opt out.
        "quiero quitarme el cansancio de encima",
        "necesito quitarme este peso, que semana",
        "quiero quitarme los zapatos y dormir",
        # "Get me out of here" may be a plea for help, never an opt-out.
        "sáquenme de aquí",
        "sacame de aqui por favor",
    ],
)
def test_words_about_something_else_are_not_an_opt_out(body: str) -> None:
    assert interpret(body).kind is not Kind.OPT_OUT


@pytest.mark.parametrize(
    "body",
    ["a veces pienso en quitarme la vida", "quiero quitarme la vida", "me voy a quitar la vida"],
)
def test_spanish_words_about_taking_ones_life_are_a_crisis_not_an_opt_out(body: str) -> None:
    intent = interpret(body)
    assert intent.kind is not Kind.OPT_OUT
    assert intent.crisis is not None and intent.crisis.level == "crisis" and intent.lang == "es"


@pytest.mark.parametrize(
    "body",
    [
        "STOP. I want to kill myself",
        "Unsuscribe. I want to kill myself",
        "Everything is pointless, I'm going to kill myself. Stop.",
        "ST\u200bOP. I want to die",
    ],
)
def test_an_opt_out_with_crisis_words_is_both(body: str) -> None:
    intent = interpret(body)
    assert intent.kind is Kind.OPT_OUT and intent.crisis is not None


@pytest.mark.parametrize(
    ("body", "beyond"),
    [
        ("STOP", ""),
        ("STOP please 🙏", ""),
        ("TIME 7:30pm", ""),
        ("PAUSE 3 days", ""),
        ("please stop texting me", ""),
        ("Wrong number, please stop", ""),
        ("STOP. Tonight is my last night", "Tonight is my last night"),
        ("STOP i have a gun", "i have a gun"),
        ("Enough texts. Stop.", "Enough texts."),
        ("HELP. I can't breathe", "I can't breathe"),
    ],
)
def test_the_words_beyond_a_keyword_are_kept_for_the_model(body: str, beyond: str) -> None:
    assert interpret(body).beyond.strip() == beyond


@pytest.mark.parametrize(
    ("body", "lang"),
    [
        ("thanks", "en"),
        ("Thank you!", "en"),
        ("ok thanks", "en"),
        ("gracias", "es"),
        ("PARAR", "es"),
    ],
)
def test_a_polite_word_alone_is_spanish_only_when_it_is_a_spanish_word(
    body: str, lang: str
) -> None:
    assert interpret(body).lang == lang


@pytest.mark.parametrize(
    "body",
    ["I'd like to join please", "hey can I sign up", "how do I subscribe?", "add me to the list"],
)
def test_a_short_english_sentence_asking_to_join_is_join(body: str) -> None:
    assert interpret(body).kind is Kind.JOIN


@pytest.mark.parametrize(
    "body", ["I don't want to join", "I joined the gym today", "stop adding me", "no sign up"]
)
def test_a_refusal_or_a_sentence_about_something_else_is_not_join(body: str) -> None:
    assert interpret(body).kind is not Kind.JOIN


def test_the_model_reads_what_follows_a_join_sentence() -> None:
    assert interpret("I want to join. I cant go on").beyond == "I cant go on"
