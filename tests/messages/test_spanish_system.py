"""Every system text has a Spanish twin with the same fields, and the Spanish
system texts pass the validator's GSM-7 Spanish rules."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

from messages import load_library
from messages.library import ROOT, Library
from messages.validate import check_library, check_spanish


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_english_system_text_has_a_spanish_twin_with_the_same_fields() -> None:
    system = load_library().system
    english, spanish = system["en"], system["es"]
    assert set(english) <= set(spanish), sorted(set(english) - set(spanish))
    for key, template in english.items():
        assert fields(spanish[key]) == fields(template), key


def test_no_spanish_system_text_is_left_untranslated() -> None:
    system = load_library().system
    for key, template in system["es"].items():
        assert template != system["en"].get(key), key


def test_the_spanish_system_texts_pass_the_validator() -> None:
    problems = [p for p in check_library() if p.file.startswith("system/")]
    assert problems == [], [str(p) for p in problems]


def test_the_checker_catches_a_spanish_system_text_that_breaks_the_rules(tmp_path: Path) -> None:
    library = load_library()
    broken = Library(
        system={**library.system, "es": {**library.system["es"], "menu": "Menú: " + "x" * 320}},
        system_files=library.system_files,
    )
    found = {(p.id, p.rule) for p in check_spanish(broken)}
    assert ("menu", "gsm7 es") in found


def test_a_spanish_consent_prompt_that_drops_a_required_fact_is_a_problem(
    tmp_path: Path,
) -> None:
    root = tmp_path / "messages"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    es = root / "system" / "es.toml"
    es.write_text(es.read_text("utf-8").replace("Responde SI para empezar, ", ""), "utf-8")
    found = {(p.file, p.id, p.rule) for p in check_library(root)}
    assert ("system/es.toml", "consent_prompt", "required facts") in found


def test_the_spanish_invitation_names_ayuda_as_the_english_names_help() -> None:
    """A tester found the Spanish invitation named SI and STOP but not AYUDA."""
    from messages import system_text

    fields = {"program": "GoodEnough", "support": "x@y.example"}
    english = system_text("invitation", lang="en", msg_frequency="1 msg/day", **fields)
    spanish = system_text("invitation", lang="es", msg_frequency="1 al dia", **fields)
    assert "HELP" in english and "AYUDA" in spanish and "STOP" in spanish
