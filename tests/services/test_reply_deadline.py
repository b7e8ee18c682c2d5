"""run_within: the result when the work is in time, Late when it is not, and
the work's own errors (a TimeoutError included) passed through as they are."""

from __future__ import annotations

import threading

import pytest

from nudges.services.reply_deadline import Late, run_within


def test_work_in_time_gives_its_result_and_runs_on_a_worker_thread() -> None:
    caller = threading.current_thread()
    assert run_within(1.0, lambda: threading.current_thread()) is not caller
    assert run_within(1.0, lambda a, b: a + b, 2, 3) == 5


def test_work_past_its_deadline_is_late_and_still_finishes() -> None:
    release, finished = threading.Event(), threading.Event()

    def held() -> None:
        release.wait(5)
        finished.set()

    with pytest.raises(Late):
        run_within(0.05, held)
    release.set()
    assert finished.wait(5)


def test_the_works_own_timeout_is_its_error_not_a_late_reply() -> None:
    def times_out() -> None:
        raise TimeoutError("the work's own")

    with pytest.raises(TimeoutError, match="the work's own") as raised:
        run_within(1.0, times_out)
    assert not isinstance(raised.value, Late)
