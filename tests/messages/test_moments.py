"""The hard-moment bank (SORRY, CALM, BEDTIME, NIGHT and the Spanish twins) and
the crisis-line citations, as `nudges messages check` sees them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from messages import load_library, moment_text
from messages.library import ROOT, Library
from messages.validate import MOMENT_TEXTS, MOMENTS, check_moments, check_resources
from nudges.domain.keywords import MOMENT_WORDS
from nudges.domain.keywords import MOMENTS as KEYWORD_MOMENTS


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rules(problems: list[object]) -> set[tuple[str, str]]:
    return {(p.id, p.rule) for p in problems}  # type: ignore[attr-defined]


def test_the_shipped_bank_and_citations_pass() -> None:
    library = load_library()
    assert check_moments(library) == [] and check_resources(library) == []


def test_every_moment_has_four_to_six_texts_in_each_language() -> None:
    bank = load_library().moment_bank()
    assert {key.split(":")[0] for key in bank} == set(MOMENTS)
    for lang in ("en", "es"):
        for moment in MOMENTS:
            assert len(bank[f"{moment}:{lang}"]) in MOMENT_TEXTS


def test_the_validator_and_the_keywords_know_the_same_moments() -> None:
    assert set(KEYWORD_MOMENTS) == set(MOMENTS)
    assert {(moment, lang) for moment, lang in MOMENT_WORDS.values()} == {
        (moment, lang) for moment in MOMENTS for lang in ("en", "es")
    }


def test_a_moment_text_is_found_by_its_id() -> None:
    assert moment_text("moment-sorry-1").startswith("Yelled?")
    with pytest.raises(KeyError):
        moment_text("moment-nope")


def test_a_curly_quote_in_a_moment_text_is_a_problem(copy: Path) -> None:
    edit(copy / "moments.en.toml", "Yelled? A repair", "Yelled? A repair\u2019s")
    assert ("moment-sorry-1", "gsm7") in rules(check_moments(Library.load(copy)))


def test_an_accented_spanish_vowel_is_a_problem(copy: Path) -> None:
    edit(copy / "moments.es.toml", "Luego vuelve.", "Luego vuelve aquí.")
    assert ("momento-noche-2", "gsm7 es") in rules(check_moments(Library.load(copy)))


def test_unsafe_wording_and_a_missing_source_are_problems(copy: Path) -> None:
    edit(copy / "moments.en.toml", "Taking a break to calm", "You should take a break to calm")
    edit(copy / "moments.en.toml", 'sources = ["pennestri2018"]', 'sources = ["nobody2020"]')
    found = rules(check_moments(Library.load(copy)))
    assert ("moment-calm-3", "should at the reader") in found
    assert ("moment-night-1", "sources") in found


def test_a_moment_with_too_few_texts_is_a_problem(copy: Path) -> None:
    path = copy / "moments.en.toml"
    text = path.read_text(encoding="utf-8")
    for n in (2, 3):
        text = text.replace(
            f'id = "moment-night-{n}"\nmoment = "night"', f'id = "x{n}"\nmoment = "x"'
        )
    path.write_text(text, encoding="utf-8")
    found = rules(check_moments(Library.load(copy)))
    assert ("night", "moment bank") in found and ("x2", "moment") in found


def test_a_crisis_line_number_no_source_names_is_a_problem(copy: Path) -> None:
    edit(copy / "system/en.toml", "1-800-799-7233 or text START", "1-800-799-7234 or text START")
    edit(copy / "system/en.toml", "text START to 88788", "text HELLO to 88788")
    found = rules(check_resources(Library.load(copy)))
    assert ("crisis_violence", "resources") in found  # the first text that gives it
    problems = [str(p) for p in check_resources(Library.load(copy))]
    assert any("1-800-799-7234" in p for p in problems)
    assert any("HELLO for 88788" in p for p in problems)


def test_the_catalogue_shows_every_moment_text_beside_its_evidence(tmp_path: Path) -> None:
    from messages.export import export_catalogue

    paths = export_catalogue(tmp_path / "catalogue")
    page = (tmp_path / "catalogue" / "moments.html").read_text(encoding="utf-8")
    assert tmp_path / "catalogue" / "moments.html" in paths
    for text in load_library().moments:
        assert f'id="{text.id}"' in page
    assert "Pennestri MH" in page and "Basis for a self-compassion" in page
    assert 'href="moments.html"' in (tmp_path / "catalogue" / "index.html").read_text()
