"""Slow page runs are logged for operators: the page and the seconds, never who or what."""

from __future__ import annotations

import logging

import pytest

from reach import problems

from .test_app import app, small_db  # noqa: F401 - small_db is a fixture


@pytest.mark.parametrize(
    ("setting", "threshold"),
    [
        (None, None),  # unset: nothing is logged
        ("", None),
        ("  ", None),
        ("0", 0.0),  # every run
        ("2.5", 2.5),
        (" 3 ", 3.0),
        ("two", None),  # mistyped: the pages go on, nothing is logged
    ],
)
def test_the_threshold_comes_from_the_environment(monkeypatch, setting, threshold):
    if setting is None:
        monkeypatch.delenv("REACH_SLOW_RUN_SECONDS", raising=False)
    else:
        monkeypatch.setenv("REACH_SLOW_RUN_SECONDS", setting)
    assert problems.slow_run_seconds() == threshold


@pytest.mark.parametrize(
    ("seconds", "threshold", "logged"),
    [
        (0.4, None, []),
        (0.4, 0.5, []),
        (0.5, 0.5, ["page run: overview in 0.500 s"]),
        (2.25, 0.0, ["page run: overview in 2.250 s"]),
    ],
)
def test_a_run_is_logged_from_the_threshold_up(caplog, seconds, threshold, logged):
    with caplog.at_level(logging.WARNING, logger="reach"):
        problems.log_run("overview", seconds, threshold)
    assert [r.getMessage() for r in caplog.records] == logged


def test_each_run_of_the_dashboard_logs_its_page_and_nothing_of_the_viewer(
    request, monkeypatch, caplog
):
    monkeypatch.setenv("REACH_SLOW_RUN_SECONDS", "0")
    at = app(request.getfixturevalue("small_db"))
    with caplog.at_level(logging.WARNING, logger="reach"):
        at.run()
        at.sidebar.multiselect[0].select(at.sidebar.multiselect[0].options[0]).run()
    assert not at.exception
    runs = [r.getMessage() for r in caplog.records if r.getMessage().startswith("page run:")]
    # Open mode opens on the Overview; the filter change is a second run of it.
    assert len(runs) == 2
    assert all(m.startswith("page run: overview in ") and m.endswith(" s") for m in runs)
    chosen = at.sidebar.multiselect[0].value[0]
    assert all(chosen not in m for m in runs)  # no filter value, no number of the page


def test_no_run_is_logged_when_the_setting_is_unset(request, monkeypatch, caplog):
    monkeypatch.delenv("REACH_SLOW_RUN_SECONDS", raising=False)
    with caplog.at_level(logging.WARNING, logger="reach"):
        app(request.getfixturevalue("small_db")).run()
    assert not [r for r in caplog.records if r.getMessage().startswith("page run:")]
