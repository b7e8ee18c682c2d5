"""The crisis detector against a labelled set written for this project.

Recall must be 1.0: every crisis message in the set is caught, each its own
case so a failure names the message. Precision is held above a floor of 0.90:
a false alarm costs one kind text with 988 in it and a clinician's glance, so
we trade precision for recall, but the floor stops the detector sliding into
"everything is a crisis", which would bury real alerts on the dashboard.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nudges.domain.crisis import detect_crisis, is_crisis, normalise
from tests.crisis.corpus import read_rows

# category, lang, text: `team_bank` rows are crises, `ordinary` rows hard negatives.
ROWS = read_rows(Path(__file__).parent / "crisis_corpus.tsv")
CORPUS = {
    "crisis": [text for category, _, text in ROWS if category != "ordinary"],
    "safe": [text for category, _, text in ROWS if category == "ordinary"],
}
PRECISION_FLOOR = 0.90


def test_the_labelled_set_is_big_and_balanced() -> None:
    assert len(CORPUS["crisis"]) >= 100
    assert len(CORPUS["safe"]) >= 100
    assert len(CORPUS["crisis"]) + len(CORPUS["safe"]) >= 200


@pytest.mark.parametrize("message", CORPUS["crisis"])
def test_every_crisis_message_is_caught(message: str) -> None:
    assert is_crisis(message)


def test_precision_stays_above_the_floor() -> None:
    false_alarms = [m for m in CORPUS["safe"] if is_crisis(m)]
    caught = len(CORPUS["crisis"])
    precision = caught / (caught + len(false_alarms))
    assert precision >= PRECISION_FLOOR, false_alarms


@pytest.mark.parametrize(
    "message",
    [
        "this is killing me",
        "I'd never hurt my kids",
        "I could die of embarrassment",
        "dying to see the show",
        "my kid's phone died",
        "STOP",
        "HELP",
        "YES",
    ],
)
def test_named_hard_negatives_are_not_crises(message: str) -> None:
    assert not is_crisis(message)


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("I want to kill myself", "suicidal"),
        ("i keep cutting myself", "self_harm"),
        ("I'm scared I'll shake him", "harm_to_child"),
        ("I can't go on", "hopeless"),
        ("my husband hits me", "violence"),
        ("me quiero morir", "suicidal"),
    ],
)
def test_it_reports_the_category_but_never_the_text(message: str, category: str) -> None:
    signal = detect_crisis(message)
    assert signal is not None
    assert category in signal.categories
    assert all(word not in " ".join(signal.categories) for word in message.split() if len(word) > 4)


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("I Can\u2019t GO ON!!!", " i can not go on "),  # contractions expanded
        ("Quiero MORIR\u00e1", " quiero morira "),
        ("diiiiie", " die "),
        ("a\x00c\td", " a c d "),
    ],
)
def test_normalise(raw: str, plain: str) -> None:
    assert normalise(raw) == plain


@pytest.mark.parametrize(
    "message",
    ["", " ", "\x00\x01\x02", "\U0001f62d" * 3000, "a" * 10_000, "kill " * 2000, "(" * 5000],
)
def test_odd_or_huge_input_never_raises_and_is_quick(message: str) -> None:
    # Generous bound: a guard against catastrophic backtracking, not a timing test.
    start = time.perf_counter()
    detect_crisis(message)
    assert time.perf_counter() - start < 2.0


def test_a_crisis_at_the_end_of_a_long_message_is_still_found() -> None:
    assert is_crisis("so much going on today. " * 300 + "i want to die")


# A black-box tester's explicit crisis texts that got only the concern level.
@pytest.mark.parametrize(
    "message",
    [
        "me voy a quitar la vida",
        "me quiero quitar la vida",
        "I'm going to use the gun on myself",
        "I have a gun and I'm going to use it on myself",
        "voy a usar la pistola contra mi misma",
        "TIME 7pm. also I've decided tonight is my last night",
        "Tonight is my last night",
        "tonight will be my final night",
        "esta noche es mi ultima noche",
        "I gave away my dog and paid off my debts. I feel calm now",
        "paid off all my debts and gave away my cat",
        "regale mi perro y pague todas mis deudas",
        "I keep thinking the kids would be better off if I just drove off the road tonight",
        "they'd be better off if I drove off the bridge",
        "estarian mejor si me saliera de la carretera",
    ],
)
def test_explicit_intent_a_weapon_a_last_night_and_final_arrangements_are_a_crisis(
    message: str,
) -> None:
    signal = detect_crisis(message)
    assert signal is not None and signal.level == "crisis", signal


@pytest.mark.parametrize(
    "message",
    [
        "this week is killing me lol",
        "Tonight is my last night shift before vacation!",
        "tonight is my last night of freedom before the in-laws arrive",
        "today is my last day at work",
        "esta noche es mi ultima noche de trabajo",
        "we gave away the baby clothes and paid off the car",
        "finally paid off my debts!!",
        "we had to give away our dog because of the baby's allergies",
        "better off if I drive the kids to school myself",
        "I drove off the road in the snow this morning but we're fine",
        "my husband is going to use the gun at the range on saturday",
        "I'm going to use the knife on the pumpkin myself",
        "se me quito la vida de tanto reir",
    ],
)
def test_look_alikes_of_the_new_phrases_stay_ordinary(message: str) -> None:
    assert detect_crisis(message) is None


def test_invisible_characters_do_not_hide_a_crisis() -> None:
    assert is_crisis("I want to ki\u200bll myself")
    assert is_crisis("\x1b[31mI want to die\x1b[0m")


def test_the_end_of_a_very_long_message_is_read() -> None:
    """Past MAX_SCAN characters the beginning and the end are read: a parent's
    last sentence is where a crisis is often said."""
    filler = "We had a long day at the park and then dinner was late again. " * 500
    assert len(filler) > 25_000
    assert detect_crisis(filler + "I am going to end my life tonight.") is not None
    assert detect_crisis("I am going to end my life tonight. " + filler) is not None
    assert detect_crisis(filler) is None


# Black-box testers' means-ready texts: preparation (the means ready, alone or for
# a time) is a crisis. "tengo las pastillas listas" got only the model's concern.
@pytest.mark.parametrize(
    "message",
    [
        "tengo las pastillas listas",
        "tengo las pastillas listas para esta noche",
        "ya tengo las pastillas listas y los niños dormidos",
        "I have the pills ready",
        "I have the pills ready for tonight",
        "got the pills lined up",
        "I've got all my pills lined up",
        "the meds are counted out",
        "the rope is ready",
        # After any word ending in s, and with a time after "ready" (a review
        # found the first version of this rule missed these, which the one
        # before it caught).
        "No more tears, pills are ready",
        "Wrote the letters. Gun is ready.",
        "The kids are at my parents. Pills are ready",
        "the gun is ready this time",
        "my pills are ready before anyone wakes up",
        "I have the pills ready after the kids go to sleep",
        "I have the pills ready with a glass of water",
        "got the other pills lined up",  # "other" ends in "her", no owner
    ],
)
def test_the_means_ready_is_a_crisis(message: str) -> None:
    signal = detect_crisis(message)
    assert signal is not None and signal.level == "crisis" and "preparation" in signal.categories


@pytest.mark.parametrize(
    "message",
    [
        "I have the pills ready for the kids' flu",
        "tengo las pastillas listas para mi mamá",
        "tengo las pastillas listas para mañana",
        "tengo las pastillas listas en la bolsa",
        "I have the kids' meds ready for tonight",
        "the kids meds are ready",
        "the meds are ready at the pharmacy",
        "the pills are ready to pick up",
        "I have my meds lined up for the week",
        "got my meds laid out for the trip",
        "bye for now, thanks!",
        "my mom's pills are ready at the pharmacy",
        "her meds are ready",
        "the baby's meds are ready",
    ],
)
def test_means_ready_for_a_purpose_or_someone_else_stays_ordinary(message: str) -> None:
    assert detect_crisis(message) is None


# A second tester's texts (crisis2). A Spanish goodbye letter got only the model's
# concern where its English twin was a crisis; "I feel nothing anymore. like I'm
# not even here" got the ordinary reply; fear of what one might do to a crying
# baby got the crisis reply without the child lines (not_safe alone).
@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("ya les deje una carta a mis hijos, perdonenme", "goodbye"),
        ("le escribí una carta a cada uno de mis hijos", "goodbye"),
        ("ya escribi las cartas para mis hijos, estan en el cajon", "goodbye"),
        ("cuiden a mis hijos cuando no este", "goodbye"),
        ("cuida a mis niños cuando ya no esté", "goodbye"),
        ("forgive me for everything", "goodbye"),
        ("please take care of my kids when I'm gone", "preparation"),
        ("I wrote letters to each of my kids today and put them in my nightstand", "preparation"),
        ("my baby wont stop crying and i'm scared of what i might do", "harm_to_child"),
        ("im scared of what ill do to my son if he doesnt stop screaming", "harm_to_child"),
        ("scared of what I might do, the baby has been screaming for hours", "harm_to_child"),
        ("la bebe no deja de llorar y tengo miedo de lo que pueda hacer", "harm_to_child"),
        ("tengo miedo de lo que le pueda hacer a mi niña", "harm_to_child"),
    ],
)
def test_the_second_testers_crises_are_a_crisis_in_their_category(
    message: str, category: str
) -> None:
    signal = detect_crisis(message)
    assert signal is not None and signal.level == "crisis" and category in signal.categories


@pytest.mark.parametrize(
    "message",
    [
        "I feel nothing anymore. like I'm not even here",
        "i don't feel anything anymore",
        "I feel like I'm not even here",
        "so empty, like I'm not real",
        "ya no siento nada",
        "me siento vacia, como si no existiera",
        "ya no aguanto la vida",
    ],
)
def test_feeling_nothing_or_not_here_is_a_concern(message: str) -> None:
    signal = detect_crisis(message)
    assert signal is not None and signal.level == "concern", signal


@pytest.mark.parametrize(
    "message",
    [
        "le escribi una carta a mis hijos por navidad",
        "les escribi una carta a mis hijos para su cumpleaños",
        "los niños escribieron una carta a los reyes magos",
        "deje una nota a mis hijos en el refri con la lista de tareas",
        "mi mama cuida a mis hijos cuando no estoy",
        "cuiden a mis hijos cuando no este el sabado, tengo turno",
        "cuiden a mis hijos cuando no este en casa porfa",
        "can you take care of my kids when I'm gone on the trip",
        "my sister will take care of the kids when I'm not here on Saturday",
        "forgive me for everything I said last night lol",
        "perdonenme la tardanza",
        "I feel nothing for him anymore, the divorce is final",
        "I can't feel my toes anymore it's so cold",
        "the kids act like I'm not even here",
        "they talk over me like I'm not even here lol",
        "ya no siento nada en la pierna del frio",
        "mis hijos me ignoran como si no existiera",
        "my baby wont stop crying and i'm scared of what the doctor will say",
        "i'm scared of what my toddler might do with the scissors",
        "the baby keeps crying, I'm scared of what the pediatrician might find",
        "la bebe no deja de llorar y tengo miedo de que este enferma",
        "tengo miedo de lo que le pueda pasar a mi hijo en la escuela",
        "quiero quitarme este peso de encima, mucho trabajo",
    ],
)
def test_look_alikes_of_the_second_testers_phrases_stay_ordinary(message: str) -> None:
    assert detect_crisis(message) is None


def test_kms_is_kill_myself_whatever_it_is_said_about() -> None:
    """The normaliser reads "kms" as "kill myself". Said about homework it is most
    often a joke, but a joke is how many say it first, and the rules cannot tell. The model may
    answer it as a concern when it is confident the text is ordinary."""
    signal = detect_crisis("kms this math homework is impossible")
    assert signal is not None and signal.categories == ("suicidal",)
