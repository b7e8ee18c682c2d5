"""Is a message Spanish? Enough to answer a crisis in the parent's language.

Counts common function words of each language; ties go to English (the
service's default). Pure and instant."""

from __future__ import annotations

import re

from nudges.domain.text import fold

_SPANISH = frozenset(
    [
        "que",
        "quiero",
        "estoy",
        "mi",
        "mis",
        "me",
        "no",
        "ya",
        "mas",
        "yo",
        "tengo",
        "puedo",
        "para",
        "por",
        "con",
        "una",
        "uno",
        "los",
        "las",
        "el",
        "la",
        "de",
        "y",
        "es",
        "esta",
        "estoy",
        "hijo",
        "hija",
        "hijos",
        "bebe",
        "morir",
        "vivir",
        "nadie",
        "todos",
        "pero",
        "porque",
        "soy",
        "siento",
        "nada",
        "mejor",
        "sin",
        "vida",
        "miedo",
        "ayuda",
        "casa",
        "hacer",
        "hoy",
        "esposo",
        "pareja",
        "mucho",
        "muy",
        "tambien",
    ]
)
_ENGLISH = frozenset(
    [
        "i",
        "the",
        "to",
        "and",
        "my",
        "is",
        "it",
        "you",
        "want",
        "can",
        "not",
        "of",
        "a",
        "me",
        "im",
        "dont",
        "cant",
        "be",
        "so",
        "this",
        "that",
        "with",
        "just",
        "have",
        "am",
        "are",
        "was",
        "he",
        "she",
        "they",
        "kids",
        "baby",
        "feel",
        "like",
        "today",
    ]
)
# "no", "me" and "a" are in both; they count for neither.
_SHARED = frozenset({"no", "me", "a"})
_WORD = re.compile(r"[a-z]+")


def looks_spanish(text: str) -> bool:
    plain = fold(text[:2000])
    words = _WORD.findall(plain)
    spanish = sum(1 for w in words if w in _SPANISH and w not in _SHARED)
    english = sum(1 for w in words if w in _ENGLISH and w not in _SHARED)
    return spanish > english


# --- A Spanish sentence asking to join ----------------------------------------
#
# "hola, quiero unirme", "quiero recibir los mensajes", "¿cómo me uno?": a parent
# who asks in Spanish gets the Spanish consent prompt, not "you are not signed
# up". Read on the accent-free lowercase text; a "no" anywhere ("no quiero
# recibir mensajes") is never a request to join.
_JOIN_VERBS_ES = (
    r"(?:unirme|unirse|unir|inscribirme|inscribir|registrarme|registrar|suscribirme"
    r"|suscribir|apuntarme|apuntar|anotarme)"
)
_WANT_ES = r"(?:quiero|quisiera|queria|deseo|me gustaria|me interesa|puedo|podria)"
_JOIN_SENTENCE_ES = re.compile(
    r"\b(?:quiero|quisiera|queria|deseo|me gustaria|me interesa|puedo|podria"
    r"|como (?:puedo|hago para)|me quiero|me puedo|me gustaria)\s+"
    + _JOIN_VERBS_ES
    + r"\b"
    + r"|\b(?:quiero|quisiera|deseo|me gustaria)\s+(?:recibir\s+)?(?:los|sus|estos|esos)?\s*"
    r"(?:mensajes|textos|consejos)\b"
    r"|\b(?:quiero|quisiera|deseo|me gustaria)\s+recibir\b"
    r"|\b(?:me uno|me inscribo|me apunto|me anoto|inscribeme|anotame|suscribeme)\b"
    # "participar" or "empezar" only about the programme: "quiero empezar de
    # nuevo con mi vida" is not a sign-up.
    r"|\b" + _WANT_ES + r"\s+(?:participar|empezar|comenzar)"
    r"(?:\s+(?:en\s+)?(?:el|este|su)\s+(?:programa|servicio))?$"
)
_NO = re.compile(r"\bno\b|\bya no\b|\bnunca\b")
_JOIN_SENTENCE_MAX_WORDS = 16


def asks_to_join_in_spanish(text: str) -> bool:
    """Is this a short Spanish message asking to join? (Not a keyword: a sentence.)"""
    plain = re.sub(r"[^\w\s]", " ", fold(text[:2000])).strip()
    if len(plain.split()) > _JOIN_SENTENCE_MAX_WORDS or _NO.search(plain):
        return False
    return bool(_JOIN_SENTENCE_ES.search(plain))


# --- Reply fields in Spanish ---------------------------------------------------
#
# The conversation rules fill a reply's fields in one form ("7:30pm Eastern",
# "Mon Dec 7", "every day"); a Spanish reply gets them through these tables,
# each with the article Spanish needs in front of it ("las 7:30pm (hora del
# Este)", "el lunes 7 de diciembre"), so the Spanish texts read naturally. GSM-7
# Spanish: no a/i/o/u with an acute accent (messages/SPANISH.md).
ZONE_LABELS_ES = {
    "Eastern": "hora del Este",
    "Central": "hora del Centro",
    "Mountain": "hora de la Montaña",
    "Arizona": "hora de Arizona",
    "Pacific": "hora del Pacifico",
    "Alaska": "hora de Alaska",
    "Hawaii": "hora de Hawai",
    "Atlantic": "hora del Atlantico",
    "Newfoundland": "hora de Terranova",
    "Guam": "hora de Guam",
    "Samoa": "hora de Samoa",
}
# What a parent may write after ZONA, accent-free and lowercase.
ZONE_NAMES_ES = {
    "este": "America/New_York",
    "del este": "America/New_York",
    "hora del este": "America/New_York",
    "centro": "America/Chicago",
    "del centro": "America/Chicago",
    "hora del centro": "America/Chicago",
    "central": "America/Chicago",
    "montana": "America/Denver",
    "de la montana": "America/Denver",
    "hora de la montana": "America/Denver",
    "pacifico": "America/Los_Angeles",
    "del pacifico": "America/Los_Angeles",
    "hora del pacifico": "America/Los_Angeles",
    "oeste": "America/Los_Angeles",
    "hawai": "Pacific/Honolulu",
    "atlantico": "America/Puerto_Rico",
    "terranova": "America/St_Johns",
}
_DAYS_ES = {
    "Mon": "lunes",
    "Tue": "martes",
    "Wed": "miércoles",
    "Thu": "jueves",
    "Fri": "viernes",
    "Sat": "sabado",
    "Sun": "domingo",
}
_MONTHS_ES = {
    "Jan": "enero",
    "Feb": "febrero",
    "Mar": "marzo",
    "Apr": "abril",
    "May": "mayo",
    "Jun": "junio",
    "Jul": "julio",
    "Aug": "agosto",
    "Sep": "septiembre",
    "Oct": "octubre",
    "Nov": "noviembre",
    "Dec": "diciembre",
}
FREQUENCY_ES = {"every day": "todos los dias", "3 times a week": "3 veces por semana"}
_CLOCK = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?P<ampm>am|pm)(?: (?P<zone>.+))?")
_DATE = re.compile(r"(?P<day>[A-Z][a-z]{2}) (?P<month>[A-Z][a-z]{2}) (?P<n>\d{1,2})")


def zone_label_es(label: str) -> str:
    """'Eastern' -> 'hora del Este'; a zone with no Spanish name keeps its own."""
    return ZONE_LABELS_ES.get(label, f"zona {label}")


def time_es(text: str) -> str:
    """'7:30pm Eastern' -> 'las 7:30pm (hora del Este)'; '1:00pm' -> 'la 1:00pm'."""
    clock = _CLOCK.fullmatch(text)
    if clock is None:
        return text
    article = "la" if clock["hour"] == "1" else "las"
    said = f"{article} {clock['hour']}:{clock['minute']}{clock['ampm']}"
    return f"{said} ({zone_label_es(clock['zone'])})" if clock["zone"] else said


def date_es(text: str) -> str:
    """'Mon Dec 7' -> 'el lunes 7 de diciembre'."""
    date = _DATE.fullmatch(text)
    if date is None or date["day"] not in _DAYS_ES or date["month"] not in _MONTHS_ES:
        return text
    return f"el {_DAYS_ES[date['day']]} {date['n']} de {_MONTHS_ES[date['month']]}"
