"""The text the trained crisis model (tier 2) reads: `model_reading(text) -> str`. Pure.

The model scores what it is given, and on a few shapes of text its score says
more about the shape than the words (measured on the shipped model):

- **Capitals.** The sentence encoder loses most of what a shouted text says:
  "I KEEP THINKING ABOUT THE BRIDGE" scored 0.04 (ordinary) where the same words
  in lower case scored 1.0, "I HAVE THE PILLS COUNTED OUT" 0.002. A text with no
  lower-case letter is read in lower case.
- **One word.** "Bye" scored 0.99 (the full crisis response) and "bye" 0.001,
  "Saludos" 0.74 and "saludos" 0.085, "Pills" 0.83 and "pills" 0.97. A one-word
  text is read in lower case, the way most are typed, so its case changes
  nothing; on a list of one-word risk texts lower case was the form caught most
  often (17 of 26, against 12 capitalised and 1 in capitals), and on 92 ordinary
  one-word replies it flagged none, as every other form.
- **A word repeated.** "blah" scored 0.004 and "blah" 2,000 times 0.95 (a
  concern). A run of one word is read once: "blah blah blah" as "blah", "no,
  no, no" as "no". Only a run of the same word, so nothing else is lost.

- **A venting idiom it misreads.** "quiero quitarme este peso de encima, mucho
  trabajo" (I want this weight off me, so much work) scored as a crisis: the
  model hears "quitarme la vida" in it. A few such idioms (`[model_paraphrase]`
  in crisis_phrases.toml) are read as the plain words they mean ("desahogarme",
  to vent), so what else the message says still decides.

Punctuation stays: a trailing-off "hey..." says more than "hey", and the phrase
rules read the text as written whatever the model is given.
"""

from __future__ import annotations

import re

from nudges.domain.crisis import MODEL_PARAPHRASES

# The same word again and again, separated by spaces or commas (not across
# sentences or lines). Case-insensitive: "Blah blah BLAH" is one run.
_RUN = re.compile(r"\b(\w+)(?:(?:[ \t]*,[ \t]*|[ \t]+)\1\b)+", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def model_reading(text: str) -> str:
    """The text as the model reads it (see the module's notes)."""
    for idiom, plain in MODEL_PARAPHRASES:
        text = idiom.sub(plain, text)
    text = _RUN.sub(r"\1", text)
    if len(_WORD.findall(text)) == 1 or not any(ch.islower() for ch in text):
        return text.lower()
    return text
