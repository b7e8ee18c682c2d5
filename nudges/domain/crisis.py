"""Crisis language in an inbound text: `detect_crisis(text) -> CrisisSignal | None`.

A curated phrase list, not a model: predictable, fast, explainable in review.
It favours recall. A false alarm costs one kind text with 988 in it and a
clinician glancing at a dashboard; a miss can cost a life. So idioms are only
excluded where the idiom is unmistakable ("this is killing me", "dying to"),
and negation is honoured only for harm to a child ("I'd never hurt my kids"),
where the parent is telling us the opposite of a risk. "I don't want to live"
is a crisis: negation inside a crisis phrase is part of the phrase.

Text is normalised first: lowercase, accents stripped (Spanish without accents
still matches), apostrophes dropped ("can't" and "cant" read the same), runs of
3+ repeated letters squeezed ("diiiie" -> "die"), everything else a space.
Patterns are plain alternations with no nested repetition, so a 10 kB message
is scanned in linear time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class CrisisSignal:
    """Which kinds of risk matched. Names only: the text is never kept."""

    categories: tuple[str, ...]


_ME = r"(?:my ?self|myslef|mysef|my ?selfe|meself)"
_KID = (
    r"(?:baby|babies|bby|kid|kids|child|children|son|sons|daughter|daughters|toddler|newborn"
    r"|infant|little one|boy|girl|him|her|them)"
)
_WANT = r"(?:want|wanna|wana|need|going|gonna|ready|about|planning|plan|trying|try|tempted)"

PATTERNS: dict[str, list[str]] = {
    "suicidal": [
        r"\b(?:suicid\w*|sucid\w*|suicd\w*|suiscid\w*|suisid\w*|suiside\w*|sewer ?slide)",
        r"\bkil+ ?(?:ing )?" + _ME,
        r"\bkms\b",
        r"\bkys\b",
        r"\bkill me\b",
        r"\bun ?aliv(?:e|ing)\b",
        r"\b(?:end|ending|take|taking|end ?ing) (?:my|my own) li(?:fe|ves)\b",
        r"\b(?:end|ending) (?:it|it all|everything|things)\b(?! (?:was|is|of|off|up|with|at))",
        r"\b" + _WANT + r" (?:to )?(?:die|be dead|dead)\b",
        r"\b(?:wish|hope) (?:i|id) (?:was|were|could|would|had) (?:be )?(?:dead|die|died|gone)\b",
        r"\bbetter off dead\b",
        r"\b(?:dont|do not|never|no longer|dont even) (?:want|wanna|wish) (?:to )?"
        r"(?:live|be alive|exist|be here|wake up|go on|keep going|be around)\b",
        r"\bnever wake up\b",
        r"\b(?:hope|wish) i (?:dont|do not|never|wont) wake up\b",
        r"\b(?:no|nothing|no reason) (?:reason )?to live\b",
        r"\bnothing (?:left )?to live for\b",
        r"\bnot worth (?:living|it anymore|being alive)\b",
        r"\b(?:better off|happier|fine) without me\b",
        r"\b(?:i am|im|i feel like|feel like) (?:such )?a burden\b",
        r"\b(?:overdose|overdosing|od on)\b",
        r"\b(?:take|taking|swallow|swallowing) (?:all )?(?:of )?(?:my|the|these|those) pills\b",
        r"\b(?:hang|hanging|shoot|shooting|drown|drowning) " + _ME,
        r"\bjump(?:ing)? (?:off|in front of)\b",
        r"\b(?:slit|slash|cut) (?:my )?(?:wrists?|throat)\b",
        r"\bgun to my head\b",
        r"\b(?:this is|saying) (?:my )?(?:final |last )?goodbye\b",
        r"\bgoodbye forever\b",
        r"\b(?:wont|will not) be (?:here|around) (?:tomorrow|much longer|anymore)\b",
        # Spanish
        r"\b(?:me )?quiero morir\w*",
        r"\bquiero (?:matarme|suicidarme|desaparecer|dejar de vivir)\b",
        r"\bme quiero (?:matar|suicidar|ir para siempre)\b",
        r"\b(?:matarme|quitarme la vida|acabar con mi vida)\b",
        r"\bno quiero (?:vivir|seguir|seguir viviendo|despertar|estar aqui)\b",
        r"\b(?:mejor|estarian mejor) sin mi\b",
        r"\bno (?:tengo )?(?:nada|razon) (?:para|por) (?:vivir|que vivir)\b",
    ],
    "self_harm": [
        r"\b(?:cut|cutting|hurt|hurting|harm|harming|burn|burning|punch|punching) " + _ME,
        r"\bself ?harm\w*",
        r"\bcutting again\b",
        r"\b(?:hacerme dano|lastimarme|cortarme|hacerme da\w+)\b",
    ],
    "harm_to_child": [
        r"\b(?:hurt|hurting|harm|harming|hit|hitting|shake|shaking|smother|smothering|kill"
        r"|killing|drown|drowning|choke|choking|strangle|strangling|throw|throwing|suffocate"
        r"|suffocating|snap at|lose it with|lose control with|beat|beating) "
        r"(?:my |the |our |this |that )?" + _KID + r"\b",
        r"\b(?:scared|afraid|terrified|worried|frightened) (?:that )?(?:i|ill|i will|i might"
        r"|i could|im going to|im gonna|of what i) ?(?:might |could |will |would )?"
        r"(?:do|hurt|harm|snap|lose it|lose control|shake|hit)\b",
        r"\b(?:thoughts|thinking|images|urges?) (?:of|about) (?:hurting|harming|killing"
        r"|shaking|drowning|smothering)\b",
        r"\bintrusive thoughts\b",
        r"\b(?:lastimar|hacerle dano|hacerle da\w+|pegarle|matar) (?:a )?(?:mi|mis) "
        r"(?:bebe|hijo|hija|hijos|hijas|nino|nina|ninos)\b",
    ],
    "hopeless": [
        r"\b(?:cant|cannot|can not|cant even) (?:go on|keep going|do this anymore|take (?:it|this)"
        r" anymore|keep doing this|live like this|handle (?:it|this|anything) anymore|cope)\b"
        # "she can't go on the trip" is about plans, not despair.
        r"(?! (?:the|a|an|to|with|at|on|in|for|tomorrow|today)\b)",
        r"\b(?:no|dont see (?:a|any)|cant see (?:a|any)) (?:point|way out|hope|future)\b",
        r"\bwhats the point\b",
        r"\bhopeless\b",
        r"\b(?:want|wish|need) (?:it all|everything|it|the pain) to (?:stop|end|be over)\b",
        r"\b(?:just )?(?:want|wanna|wish i could) (?:to )?"
        r"(?:disappear|vanish|not exist|sleep forever|give up)\b",
        r"\bgiv(?:e|ing) up on (?:life|everything|myself)\b",
        r"\b(?:no puedo|ya no puedo|no aguanto) (?:mas|seguir)\b",
        r"\bsin salida\b",
        r"\b(?:sin esperanza|no hay esperanza)\b",
    ],
    "violence": [
        r"\b(?:he|she|they|partner|husband|wife|boyfriend|girlfriend|ex) "
        r"(?:hits|beats|chokes|hurts|threatens|threatened|is hurting|keeps hitting) "
        r"(?:me|us|my)\b",
        r"\bthreaten(?:ed|s|ing)? to kill\b",
        r"\b(?:going|gonna|wants|want|trying) to kill (?:me|us)\b",
        r"\b(?:afraid|scared|terrified) (?:of|for) (?:my|our) (?:life|lives|safety)\b",
        r"\b(?:abuse|abusing|abused|abusive)\b",
        r"\bnot safe (?:at home|here|with)\b",
    ],
}

# Negation that reverses harm-to-child phrases: "I'd never hurt my kids".
_NEGATED_HARM = re.compile(
    r"\b(?:never|wouldnt|would not|could not|couldnt|id never|would never|could never"
    r"|will never|dont ever)\s+(?:ever\s+)?(?:\w+\s+)?$"
)

# Idioms that look like crisis phrases but are not; removed before matching.
_IDIOMS = re.compile(
    r"\b(?:killing it|killin it|is killing me|are killing me|was killing me|killing me softly"
    r"|dying to (?:see|try|know|go|get|hear|meet|watch|eat)|to die for"
    r"|die of (?:embarrassment|laughter|shame|boredom|cuteness)|dead tired|dead on my feet"
    r"|(?:phone|battery|car|laptop|plant|plants) (?:is |was |just )?died"
    r"|end (?:it|things) with (?:him|her|them|my)"
    r"|shoot (?:me )?(?:a text|an email|a message)|hit (?:me )?up)\b"
)

_COMPILED = {name: re.compile("|".join(parts)) for name, parts in PATTERNS.items()}
MAX_SCAN = 20_000  # characters; a webhook body is at most a few kB


def normalise(text: str) -> str:
    text = text[:MAX_SCAN]
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['\u2018\u2019`\u00b4]", "", text)
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return f" {text.strip()} "


def detect_crisis(text: str) -> CrisisSignal | None:
    """The risk categories the message matches, or None. Never raises."""
    if not text:
        return None
    plain = _IDIOMS.sub(" ", normalise(text))
    found: list[str] = []
    for name, pattern in _COMPILED.items():
        for match in pattern.finditer(plain):
            if name == "harm_to_child" and _NEGATED_HARM.search(plain[: match.start()]):
                continue
            found.append(name)
            break
    return CrisisSignal(tuple(found)) if found else None


def is_crisis(text: str) -> bool:
    return detect_crisis(text) is not None
