"""What the person at the other end of an outbound call does, for :class:`~aiflow.testing.sipgate.FakeSipgate`.

A callee script gets the :class:`~aiflow.testing.SimulatedCall` that began when the callee picked up (the
assistant's greeting already played) and makes the callee's moves; the fake sipgate hangs up for the callee if
the script leaves the call open. :data:`NO_ANSWER` is a phone that rings out: sipgate sends no event at all.
"""

from __future__ import annotations

from collections.abc import Callable

from aiflow.testing.simulator import SimulatedCall

__all__ = ["NO_ANSWER", "CalleeScript", "mailbox", "presses", "says", "stays_silent"]

type CalleeScript = Callable[[SimulatedCall], None]

NO_ANSWER: CalleeScript | None = None


def says(words: str) -> CalleeScript:
    """The callee listens to the question and answers with ``words``."""

    def play(call: SimulatedCall) -> None:
        call.say(words)

    return play


def presses(keys: str) -> CalleeScript:
    """The callee answers by pressing ``keys``."""

    def play(call: SimulatedCall) -> None:
        call.press(keys)

    return play


def mailbox(greeting: str) -> CalleeScript:
    """A mailbox: its greeting talks into the assistant's question, then it records in silence until hung up on."""

    def play(call: SimulatedCall) -> None:
        call.say(greeting, barged_in=True)
        stays_silent(call)

    return play


def stays_silent(call: SimulatedCall) -> None:
    """The callee picks up and says nothing, timeout after timeout, until the assistant hangs up."""
    while not call.ended:
        call.stay_silent()
