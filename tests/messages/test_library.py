"""The real library passes every rule, and each rule catches what it is for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from messages import (
    Nudge,
    gsm7_length,
    is_gsm7,
    load_library,
    programme_rules,
    segments,
    system_text,
)
from messages.export import RECEIVED_NOTE, export_catalogue, weeks_received
from messages.library import ROOT, Library
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


def test_tracks_come_in_file_order_in_eight_units_of_at_least_seven() -> None:
    import tomllib

    with (ROOT / "tracks" / "guilt.en.toml").open("rb") as handle:
        in_file = [entry["id"] for entry in tomllib.load(handle)["nudge"]]
    track = load_library().track("guilt")
    assert [n.id for n in track] == in_file
    units = load_library().units("guilt")
    assert len(units) == 8 and all(len(unit) >= 7 for unit in units)
    assert [n.week for n in track] == sorted(n.week for n in track)
    assert all(unit[0].theme and unit[0].theme in unit[0].text.lower() for unit in units)


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
    text = system_text(
        "help", program="GoodEnough", support="help@x.example", msg_frequency="1 msg/day"
    )
    assert "GoodEnough" in text and "help@x.example" in text and "988" in text
    assert "1 msg/day" in text
    assert "988" in system_text("help_es", program="P", support="s", msg_frequency="1 al dia")
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


PERF_W1_1 = (
    "First theme: good enough. The doctor Donald Winnicott wrote about the good enough mother, "
    "who gets things wrong and then adjusts. It fits any parent."
)
PERF = "tracks/perfectionism.en.toml"


@pytest.mark.parametrize(
    ("file", "old", "new", "rule", "named_id"),
    [
        (PERF, "It fits any parent.", "It fits \u2014 any parent.", "gsm7", "perf-w1-1"),
        (PERF, PERF_W1_1, PERF_W1_1 + " " + "Yes. " * 8, "segments", "perf-w1-1"),
        (
            PERF,
            "It fits any parent.",
            "You should aim for it.",
            "should at the reader",
            "perf-w1-1",
        ),
        (PERF, "It fits any parent.", "No bad mom here.", "shaming", "perf-w1-1"),
        (PERF, "It fits any parent.", "Skip the pills.", "method words", "perf-w1-1"),
        (
            PERF,
            "It fits any parent.",
            "Consequently, unconditional acceptability characterizes adequacy.",
            "readability",
            "perf-w1-1",
        ),
        (
            PERF,
            'theme = "good enough", sources = ["winnicott1953"]',
            'theme = "good enough", sources = ["nobody2099"]',
            "sources",
            "perf-w1-1",
        ),
        (PERF, 'id = "perf-w1-2"', 'id = "perf-w1-1"', "unique ids", "perf-w1-1"),
        # The programme: 8 units of 7 in order, themes, the kind mix, asks, the care step.
        (
            PERF,
            'id = "perf-w8-7", week = 8',
            'id = "perf-w8-7", week = 9',
            "units",
            "perfectionism",
        ),
        (PERF, 'id = "perf-w2-3", week = 2', 'id = "perf-w2-3", week = 1', "units", "perf-w2-2"),
        (PERF, 'theme = "good enough", ', "", "theme", "perf-w1-1"),
        (
            PERF,
            "good enough. The doctor Donald Winnicott wrote about the good enough mother",
            "standards. The doctor Donald Winnicott wrote about the mother",
            "theme",
            "perf-w1-1",
        ),
        (
            PERF,
            'id = "perf-w1-2", week = 1, kind = "reframe"',
            'id = "perf-w1-2", week = 1, kind = "normalising fact"',
            "kind mix",
            "perf-w1-2",
        ),
        (PERF, "It fits any parent.", "Does it fit any parent?", "asks", "perf-w1-1"),
        (
            PERF,
            'id = "perf-w1-2", week = 1, kind = "reframe",',
            'id = "perf-w1-2", week = 1, kind = "reframe", asks = true,',
            "asks",
            "perf-w1-2",
        ),
        # Inclusive, plain and honest English.
        (PERF, "It fits any parent.", "It fits any mum.", "us spelling", "perf-w1-1"),
        (PERF, "It fits any parent.", "You will realise it fits.", "us spelling", "perf-w1-1"),
        (PERF, "It fits any parent.", "It fits, at the end of the day.", "idiom", "perf-w1-1"),
        (
            PERF,
            "It fits any parent.",
            "Repair is always possible.",
            "child-outcome promise",
            "perf-w1-1",
        ),
        (
            PERF,
            "It fits any parent.",
            "It will make your child calm.",
            "child-outcome promise",
            "perf-w1-1",
        ),
        (
            PERF,
            "High standards can help. When they turn into 'never enough', they wear you down. "
            "You can keep the care and drop the 'never'.",
            "Just checking in. We think of you and hope this week has a few easy moments. "
            "No need to reply.",
            "near duplicate",
            "perf-w1-2",
        ),
        (
            "system/en.toml",
            "Crisis? Call or text 988, chat 988lifeline.org, text HOME to 741741.",
            "Crisis? Call a friend.",
            "required facts",
            "help",
        ),
        (
            "system/en.toml",
            "Msg&data rates may apply. Replies",
            "Replies",
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


def test_the_export_shows_the_weeks_a_default_parent_receives(tmp_path: Path) -> None:
    """Each track page's week-by-week table is weeks_received (the README's table
    too), with its note: no check-in in the first week, then one opening each week."""
    import re
    from html import escape

    pages = export_catalogue(tmp_path / "catalogue")
    page = next(p for p in pages if p.name == "perfectionism.en.html").read_text("utf-8")
    assert escape(RECEIVED_NOTE) in page
    weeks = re.findall(r"<tr><td>(\d+)</td><td><ol>(.*?)</ol></td></tr>", page)
    expected = weeks_received(load_library().track("perfectionism", "en"))
    assert [int(number) for number, _ in weeks] == list(range(1, len(expected) + 1))
    for (_, items), week in zip(weeks, expected, strict=True):
        assert items.startswith("<li><em>The weekly check-in") is week.checkin
        assert re.findall(r"\((perf-[\w-]+), ", items) == [n.id for n in week.nudges]
    assert not expected[0].checkin and all(week.checkin for week in expected[1:])


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


def test_a_track_without_two_care_steps_is_a_problem(bad_library: Path) -> None:
    edit(bad_library / PERF, "If low mood stays two weeks or more", "If low mood stays a while")
    edit(bad_library / PERF, "if low mood lasts two weeks or more", "if low mood lasts")
    problems = check_library(bad_library)
    assert [p.id for p in problems if p.rule == "care step"] == ["perfectionism"]


def test_a_system_text_in_uk_spelling_is_a_problem(bad_library: Path) -> None:
    edit(
        bad_library / "system/en.toml",
        ": texts for parents, {msg_frequency}",  # HELP's (invitations say it too)
        ": texts for mums, {msg_frequency}",
    )
    problems = check_library(bad_library)
    assert any(p.rule == "us spelling" and p.id == "help" for p in problems)


def nudge(n: int, kind: str, text: str = "", theme: str = "") -> Nudge:
    return Nudge(
        id=f"t-{n}",
        track="t",
        lang="en",
        week=1,
        kind=kind,
        text=text or f"Text {n}.",
        theme=theme,
        position=n,
    )


def test_six_in_a_row_need_four_kinds_and_a_calming_one() -> None:
    three_kinds = [nudge(i, k) for i, k in enumerate(["reframe", "values", "boundary"] * 2)]
    assert any("3 kinds" in m for _, _, m in programme_rules.check_kind_mix(three_kinds))
    no_calm = ["values", "boundary", "small win", "reflection", "small action", "seasons"]
    found = programme_rules.check_kind_mix([nudge(i, k) for i, k in enumerate(no_calm)])
    assert [m for _, _, m in found if "no reframe" in m]
    fine = ["values", "reframe", "small win", "reflection", "small action", "seasons"]
    assert programme_rules.check_kind_mix([nudge(i, k) for i, k in enumerate(fine)]) == []


def test_one_opening_used_by_more_than_three_texts_is_a_problem() -> None:
    kinds = ["values", "reframe", "boundary", "reflection", "seasons"]
    same = [nudge(i, k, f"Did you try thing {i}?") for i, k in enumerate(kinds)]
    assert [r for _, r, _ in programme_rules.check_openings(same[:3])] == []
    assert [r for _, r, _ in programme_rules.check_openings(same[:4])] == ["openings"]


def test_a_spanish_track_in_the_same_format_loads_and_is_checked(bad_library: Path) -> None:
    english = (bad_library / PERF).read_text("utf-8")
    spanish = english.replace('lang = "en"', 'lang = "es"').replace('id = "perf-', 'id = "perfes-')
    (bad_library / "tracks" / "perfectionism.es.toml").write_text(spanish, "utf-8")
    library = Library.load(bad_library)
    assert [n.id for n in library.track("perfectionism", "es")][:2] == [
        "perfes-w1-1",
        "perfes-w1-2",
    ]
    problems = check_library(bad_library)
    # Same schema: no unit, theme or kind-mix problem; English text has no Spanish care step,
    # and the English checks (spelling, idioms) do not run on it.
    rules = {p.rule for p in problems if "perfectionism.es" in p.file}
    assert rules == {"doctor step"}, [str(p) for p in problems]
