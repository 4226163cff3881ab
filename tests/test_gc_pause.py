"""services.gc_pause: the collector is off inside, back on after the last of overlapping pauses, and left
off when it was off before."""
from __future__ import annotations

import gc
import threading

import pytest

from services.gc_pause import paused_collection

pytestmark = pytest.mark.unit


def test_gp001_paused_inside_and_on_again_after():
    assert gc.isenabled()
    with paused_collection():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_gp002_overlapping_pauses_of_two_threads_end_with_the_last():
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with paused_collection():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    with paused_collection():
        thread.start()
        inside.wait(5)
    assert not gc.isenabled()          # the other thread still reads
    leave.set()
    thread.join(5)
    assert gc.isenabled()


def test_gp003_an_error_inside_still_ends_the_pause_and_an_off_collector_stays_off():
    with pytest.raises(ValueError), paused_collection():
        raise ValueError("x")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_gp004_the_web_app_collects_fully_less_often(dash_app):
    from services.gc_pause import THRESHOLDS

    assert gc.get_threshold() == THRESHOLDS and THRESHOLDS[2] > 10
