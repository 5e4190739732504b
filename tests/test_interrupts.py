"""Signals held while a step must not be split, and the stop signals taken as Ctrl-C."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from voicecoach.interrupts import STOP_SIGNALS, held_interrupts, signals_as_interrupt


@pytest.mark.parametrize("signum", [signal.SIGINT, *STOP_SIGNALS])
def test_a_signal_in_a_held_block_is_raised_as_the_block_ends(signum: int) -> None:
    steps: list[str] = []
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, *STOP_SIGNALS)}

    def held_step() -> None:
        with signals_as_interrupt():
            with held_interrupts():
                os.kill(os.getpid(), signum)
                steps.append("after the signal")
            steps.append("after the block")

    with pytest.raises(KeyboardInterrupt):
        held_step()
    assert steps == ["after the signal"]
    assert {s: signal.getsignal(s) for s in before} == before


def test_a_held_block_without_a_signal_changes_nothing() -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, *STOP_SIGNALS)}
    with held_interrupts():
        pass
    assert {s: signal.getsignal(s) for s in before} == before


def test_off_the_main_thread_a_held_block_just_runs() -> None:
    ran: list[bool] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with held_interrupts():
                ran.append(True)
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert ran == [True]
    assert errors == []
