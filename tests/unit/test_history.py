"""The history's events: the strings stored reminders carry, every outcome's and every canceller's event."""

from __future__ import annotations

import pytest

from reminders.model import Canceller, HistoryEvent, Outcome

# What the table holds: every event any release wrote. A stored value never changes (reminders carrying it
# are read with the enum), so this list only grows.
STORED = {
    "scheduled",
    "updated",
    "rescheduled",
    "schedule message not applied",
    "cancelled by operator",
    "cancelled by a cancel message",
    "cancel message not applied",
    "rejected",
    "dialling",
    "not placed",
    "maybe placed",
    "refused",
    "placed",
    "answered",
    "voicemail",
    "reconciled",
    "reopened",
    "sms",
    "confirmed",
    "cancelled",
    "no_decision",
    "no_answer",
    "failed",
    "expired",
    "reschedule_requested",
    "opted_out",
    "answered by someone else",
    "wrong_number",
}


def test_the_events_are_the_stored_strings() -> None:
    assert {event.value for event in HistoryEvent} == STORED


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_is_an_event_of_its_own_value(outcome: Outcome) -> None:
    assert HistoryEvent.decided(outcome) == outcome.value


def test_a_cancellation_names_who_cancelled() -> None:
    assert HistoryEvent.cancelled_by(Canceller.OPERATOR) is HistoryEvent.CANCELLED_BY_OPERATOR
    assert HistoryEvent.cancelled_by(Canceller.CANCEL_MESSAGE) == "cancelled by a cancel message"
