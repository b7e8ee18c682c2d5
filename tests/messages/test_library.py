"""The real library passes every rule, and each rule catches what it is for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from messages import gsm7_length, is_gsm7, load_library, segments, system_text
from messages.export import export_catalogue
from messages.library import ROOT
from messages.validate import check_library


def test_the_library_passes_the_validator() -> None:
    assert [str(p) for p in check_library()] == []


def test_there_are_at_least_180_nudges_across_three_full_tracks() -> None:
    library = load_library()
    assert library.tracks == ["guilt", "perfectionism", "role_strain"]
    for track in library.tracks:
        nudges = library.track(track)
        assert len(nudges) >= 56
        assert len({n.text for n in nudges}) == len(nudges), "no repeats within a track"
    assert len(library.checkins()) >= 8
    assert sum(len(library.track(t)) for t in library.tracks) >= 180


def test_tracks_come_in_programme_order() -> None:
    order = [(n.week, n.day) for n in load_library().track("guilt")][:8]
    assert order[:3] == [(1, "mon"), (1, "tue"), (1, "wed")]
    assert order[7] == (2, "mon")


def test_sources_correct_the_seed_citations() -> None:
    sources = load_library().sources
    assert "Van Laar" in sources["meeussen2018"].citation
    assert "Van den Bergh" not in sources["meeussen2018"].citation
    assert sources["leerkes2018"].citation.startswith("Leerkes EM, Zhou N")


@pytest.mark.parametrize(
    ("text", "length", "count", "gsm"),
    [
        ("hello", 5, 1, True),
        ("a" * 160, 160, 1, True),
        ("a" * 161, 161, 2, True),
        ("[" * 80, 160, 1, True),
        ("\u20ac" * 81, 162, 2, True),
        ("it\u2019s", None, 1, False),
        ("a" * 70 + "\u2014", None, 2, False),
        ("", 0, 0, True),
    ],
)
def test_gsm7_rules(text: str, length: int | None, count: int, gsm: bool) -> None:
    assert is_gsm7(text) is gsm
    if length is not None:
        assert gsm7_length(text) == length
    assert segments(text) == count


def test_system_texts_fill_their_fields() -> None:
    text = system_text("help", program="GoodEnough", support="help@x.example")
    assert "GoodEnough" in text and "help@x.example" in text and "988" in text
    assert "988" in system_text("help_es", program="P", support="s")
    with pytest.raises(KeyError, match="nope"):
        system_text("nope")


@pytest.fixture
def bad_library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


PERF_W1_MON = (
    "Long ago a doctor named Winnicott saw that kids do well with a good-enough parent, "
    "not a perfect one. Good enough is the real goal."
)


@pytest.mark.parametrize(
    ("file", "old", "new", "rule", "named_id"),
    [
        (
            "tracks/perfectionism.en.toml",
            "Good enough is the real goal.",
            "Good enough \u2014 goal.",
            "gsm7",
            "perf-w1-mon",
        ),
        (
            "tracks/perfectionism.en.toml",
            PERF_W1_MON,
            PERF_W1_MON + " " + "Yes. " * 8,
            "segments",
            "perf-w1-mon",
        ),
        (
            "tracks/perfectionism.en.toml",
            "Good enough is the real goal.",
            "You should aim for good enough.",
            "should at the reader",
            "perf-w1-mon",
        ),
        (
            "tracks/perfectionism.en.toml",
            "Good enough is the real goal.",
            "No bad mom here.",
            "shaming",
            "perf-w1-mon",
        ),
        (
            "tracks/perfectionism.en.toml",
            "Good enough is the real goal.",
            "Skip the pills.",
            "method words",
            "perf-w1-mon",
        ),
        (
            "tracks/perfectionism.en.toml",
            "Good enough is the real goal.",
            "Consequently, unconditional acceptability characterizes adequacy.",
            "readability",
            "perf-w1-mon",
        ),
        (
            "tracks/perfectionism.en.toml",
            'sources = ["winnicott1953"], text = "Long',
            'sources = ["nobody2099"], text = "Long',
            "sources",
            "perf-w1-mon",
        ),
        (
            "tracks/perfectionism.en.toml",
            'id = "perf-w1-tue"',
            'id = "perf-w1-mon"',
            "unique ids",
            "perf-w1-mon",
        ),
        (
            "tracks/perfectionism.en.toml",
            'id = "perf-w8-sun", week = 8, day = "sun"',
            'id = "perf-w8-sun", week = 8, day = "sat"',
            "complete weeks",
            "perfectionism",
        ),
        (
            "system/en.toml",
            "In crisis? Call or text 988 or chat 988lifeline.org, any time.",
            "In crisis? Call a friend.",
            "required facts",
            "help",
        ),
        (
            "system/en.toml",
            "Msg&data rates may apply. Reply YES",
            "Reply YES",
            "required facts",
            "consent_prompt",
        ),
        (
            "system/en.toml",
            "not watched around the clock",
            "not watched",
            "required facts",
            "crisis",
        ),
    ],
)
def test_each_rule_names_the_file_the_id_and_the_rule(
    bad_library: Path, file: str, old: str, new: str, rule: str, named_id: str
) -> None:
    edit(bad_library / file, old, new)
    problems = check_library(bad_library)
    matching = [p for p in problems if p.rule == rule and p.id == named_id]
    assert matching, [str(p) for p in problems]
    assert Path(file).name in matching[0].file


def test_the_export_lists_every_nudge(tmp_path: Path) -> None:
    pages = export_catalogue(tmp_path / "catalogue")
    html = "".join(p.read_text("utf-8") for p in pages)
    for nudge in load_library().nudges:
        assert f'id="{nudge.id}"' in html
    assert "Meeussen L, Van Laar C" in html
    assert pages[0].name == "index.html"


def test_the_export_shows_evidence_for_every_nudge(tmp_path: Path) -> None:
    import re

    pages = export_catalogue(tmp_path / "catalogue")
    html = "".join(p.read_text("utf-8") for p in pages)
    for nudge in load_library().nudges:
        row = re.search(rf'<tr id="{re.escape(nudge.id)}">(.*?)</tr>', html)
        assert row is not None
        source_cell = re.findall(r"<td class=meta>(.*?)</td>", row.group(1))[0]
        assert source_cell not in ("", "-"), nudge.id
    assert "Basis for a small win" in html


def test_the_export_includes_every_system_text(tmp_path: Path) -> None:
    pages = export_catalogue(tmp_path / "catalogue")
    system = next(p for p in pages if p.name == "system.html").read_text("utf-8")
    library = load_library()
    for lang, texts in library.system.items():
        for key in texts:
            assert f'id="{lang}-{key}"' in system
    assert "988lifeline.org" in system and "741741" in system
    assert "system.html" in pages[0].read_text("utf-8")


def test_a_nudge_with_no_source_and_no_kind_basis_is_a_problem(bad_library: Path) -> None:
    edit(bad_library / "kinds.toml", '["small win"]', '["unused kind"]')
    problems = check_library(bad_library)
    assert any(p.rule == "sources" and "no basis" in p.message for p in problems)
