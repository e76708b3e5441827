"""The server freezes its long-lived objects once, at the start of the run after its first page."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from reach.ui import heap

from .test_app import app, small_db  # noqa: F401 - small_db is a fixture


@pytest.fixture
def fresh_heap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process that has not settled yet; the collector as it was afterwards."""
    monkeypatch.setattr(heap, "_settled", False)
    monkeypatch.setattr(heap, "_page_ran", False)
    registered: list[object] = []
    monkeypatch.setattr(heap.atexit, "register", registered.append)
    gc.unfreeze()
    yield
    gc.unfreeze()


class Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_nothing_is_frozen_before_a_whole_page_has_run(fresh_heap):
    heap.settle()
    assert gc.get_freeze_count() == 0


def test_settling_moves_every_live_object_out_of_the_collectors_walk(fresh_heap):
    heap.page_ran()
    heap.settle()
    assert gc.get_freeze_count() > 1000  # the interpreter's and the libraries' objects


def test_settling_a_second_time_freezes_nothing_new(fresh_heap):
    heap.page_ran()
    heap.settle()
    frozen = gc.get_freeze_count()
    made_after = [Cycle() for _ in range(500)]
    heap.page_ran()
    heap.settle()
    assert gc.get_freeze_count() == frozen
    del made_after


def test_garbage_made_after_settling_is_still_collected(fresh_heap):
    heap.page_ran()
    heap.settle()
    collected = []
    cycle = Cycle()
    ref = weakref.ref(cycle, lambda _ref: collected.append(True))
    del cycle
    gc.collect(2)
    assert ref() is None and collected == [True]


def test_garbage_alive_before_settling_is_collected_first(fresh_heap):
    cycle = Cycle()
    ref = weakref.ref(cycle)
    del cycle  # garbage in a cycle, not yet collected: settling collects it, not freezes it
    heap.page_ran()
    heap.settle()
    assert ref() is None


def test_the_router_freezes_at_the_start_of_the_run_after_the_first_page(fresh_heap, request):
    at = app(request.getfixturevalue("small_db"))
    at.run()  # the first page: nothing frozen while a person waits for it
    assert not at.exception and at.metric
    assert heap._page_ran and not heap._settled and gc.get_freeze_count() == 0
    at.run()  # the next run starts by freezing
    assert not at.exception
    assert heap._settled and gc.get_freeze_count() > 1000
