"""The server freezes its long-lived objects once, after the first page has run."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from reach.ui import heap


@pytest.fixture
def fresh_heap(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process that has not settled yet; the collector as it was afterwards."""
    monkeypatch.setattr(heap, "_settled", False)
    registered: list[object] = []
    monkeypatch.setattr(heap.atexit, "register", registered.append)
    gc.unfreeze()
    yield
    gc.unfreeze()


class Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_settling_moves_every_live_object_out_of_the_collectors_walk(fresh_heap):
    assert gc.get_freeze_count() == 0
    heap.settle_once()
    assert gc.get_freeze_count() > 1000  # the interpreter's and the libraries' objects


def test_settling_a_second_time_freezes_nothing_new(fresh_heap):
    heap.settle_once()
    frozen = gc.get_freeze_count()
    made_after = [Cycle() for _ in range(500)]
    heap.settle_once()
    assert gc.get_freeze_count() == frozen
    del made_after


def test_garbage_made_after_settling_is_still_collected(fresh_heap):
    heap.settle_once()
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
    heap.settle_once()
    assert ref() is None
