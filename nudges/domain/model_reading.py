"""The texts the trained crisis model (tier 2) reads for one message:
`model_readings(text) -> tuple[str, ...]`; the screen keeps the most severe
verdict among them. Pure.

On a few shapes of text the model's score says more about the shape than the
words (measured on the shipped model):

- **Capitals.** The sentence encoder loses most of what a shouted text says:
  "I KEEP THINKING ABOUT THE BRIDGE" scored 0.04 (ordinary) where the same words
  in lower case scored 1.0, "I HAVE THE PILLS COUNTED OUT" 0.002.
- **One word.** Case moves a one-word score either way: "Bye" 0.99 and "bye"
  0.001, "Pills" 0.83 and "pills" 0.97, "Alone" a concern and "alone" nothing.
- **A long run of one word.** "blah" scored 0.004 and "blah" 2,000 times 0.95 (a
  concern).
- **A venting idiom it misreads.** "quiero quitarme este peso de encima, mucho
  trabajo" (I want this weight off me, so much work) scored as a crisis: the
  model hears "quitarme la vida" in it. A few such idioms (`[model_paraphrase]`
  in crisis_phrases.toml) are read as the plain words they mean ("desahogarme",
  to vent), so what else the message says still decides.

So a text with no lower-case letter, or of one word, is read as written and in
lower case, and the more severe reading stands: lowering never hides a risk
the text as written showed ("Alone", "Soga"), and a shouted risk is found. A
run of five or more of the same word is read once ("blah" x 2000 as "blah");
shorter runs are how people write ("cant cant cant breathe", "sorry, sorry").
Punctuation stays: a trailing-off "hey..." says more than "hey", and the phrase
rules read the text as written whatever the model is given.
"""

from __future__ import annotations

import re

from nudges.domain.crisis import MODEL_PARAPHRASES

# Five or more of the same word, separated by spaces or commas (not across
# sentences or lines). Case-insensitive: "Blah blah BLAH blah blah" is one run.
_LONG_RUN = re.compile(r"\b(\w+)(?:(?:[ \t]*,[ \t]*|[ \t]+)\1\b){4,}", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def model_readings(text: str) -> tuple[str, ...]:
    """The text as the model reads it, and in lower case when case may hide or
    invent a risk (see the module's notes); the first is the main reading."""
    for idiom, plain in MODEL_PARAPHRASES:
        text = idiom.sub(plain, text)
    text = _LONG_RUN.sub(r"\1", text)
    lowered = text.lower()
    if lowered != text and (len(_WORD.findall(text)) == 1 or not any(c.islower() for c in text)):
        return (text, lowered)
    return (text,)
