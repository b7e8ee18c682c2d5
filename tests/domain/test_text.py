from __future__ import annotations

import pytest

from nudges.domain.text import fold, straight_apostrophes


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Ya NO quiero más", "ya no quiero mas"),
        ("ÑOÑO", "nono"),
        ("ＳＴＯＰ", "stop"),  # full-width letters from some keyboards
        ("ﬁnal", "final"),  # a ligature
        ("plain", "plain"),
    ],
)
def test_fold_lowers_and_drops_accents(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_curly_apostrophes_become_straight() -> None:
    assert straight_apostrophes("don\u2019t \u2018stop\u2019") == "don't 'stop'"
