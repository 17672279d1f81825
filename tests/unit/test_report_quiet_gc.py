"""The collector pause around report builds and renders: on inside, back as it was after."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from console.report.quiet_gc import collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_back_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_after_an_error() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("export failed")
    assert gc.isenabled()


def test_nested_pauses_resume_once_at_the_outermost() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner end does not switch it back on early
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_as_a_decorator() -> None:
    @collector_paused()
    def build() -> bool:
        return gc.isenabled()

    assert build() is False
    assert gc.isenabled()


def test_overlapping_threads_leave_it_on() -> None:
    """A build worker and an export worker that overlap, ending in the other order."""
    first_in, second_in, first_may_end = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_in.wait(5)
            first_may_end.wait(5)
        seen.append(gc.isenabled())  # the second is still inside: still paused

    def second() -> None:
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_may_end.set()
            worker.join(5)

    worker = threading.Thread(target=first)
    worker.start()
    second()
    assert seen == [False]
    assert gc.isenabled()
