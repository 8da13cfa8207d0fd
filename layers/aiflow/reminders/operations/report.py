"""How the reminder calls went: the figures of ``reminders report``, computed from the stored reminders.

A reminder counts in a period when its appointment falls in it (``since`` inclusive, ``until`` exclusive),
so a report answers "how did the reminders for last week's appointments go". It can cover only what is
kept: reminders are deleted ``RetentionDays`` after their appointment (``reminders.model.retention``), so
the report says from when on it is whole (``covers_since``) and that a period reaching back before it is
not. The figures:

- per outcome (the final status, or ``open`` while a reminder is scheduled or calling): count and share;
- the answer rate: of the reminders that were called at least once, the share that someone answered;
- attempts per reminder: the mean number of calls placed, over the reminders called at least once;
- the median time from the first call to the decision, over the decided reminders that were called;
- the SMS after the last attempt: how many were sent, refused, and may have been sent (``unknown``).
- what the practice has to act on (:class:`FollowUps`): wrong numbers to correct, requests for another time
  (and how many named one), open questions to call back about, and reminders whose last call reached
  someone else for the callee.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import BaseModel

from reminders.model.history import HistoryEvent
from reminders.model.reminder import ReminderRecord, ReminderStatus
from reminders.model.sms import sms_in_event

__all__ = ["OPEN", "FollowUps", "OutcomeCount", "OutcomeReport", "summarize"]

OPEN = "open"
# The history event that marks a call leaving for sipgate (see reminders.store.dial_claims.claim_attempt).
_CALL_STARTED = HistoryEvent.DIALLING


class OutcomeCount(BaseModel):
    outcome: str
    count: int
    share: float


class FollowUps(BaseModel):
    """The period's closed reminders the practice has to act on, by what it has to do."""

    wrong_number: int  # correct the callee's number
    reschedule_requested: int  # offer another time
    with_preferred_time: int  # of those, the callee named the time they would like
    question_open: int  # call back about a question only the practice can answer
    third_party: int  # the last call reached someone else for the callee: reach them another way


class OutcomeReport(BaseModel):
    """The figures of a period; ``covers_since`` is the earliest appointment still kept (``None``: unknown)."""

    since: datetime | None
    until: datetime | None
    covers_since: datetime | None  # appointments before this may be deleted already: the figures miss them
    reminders: int
    outcomes: list[OutcomeCount]
    called: int
    answer_rate: float | None
    attempts_per_reminder: float | None
    median_first_call_to_decision: timedelta | None
    sms: dict[str, int] = {}  # the SMS after the last attempt by what the outcome event says: sent, refused, unknown
    follow_ups: FollowUps


def summarize(
    records: Iterable[ReminderRecord],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    covers_since: datetime | None = None,
) -> OutcomeReport:
    chosen = [
        record
        for record in records
        if (since is None or record.appointment_at >= since) and (until is None or record.appointment_at < until)
    ]
    outcomes = Counter(_outcome(record) for record in chosen)
    called = [record for record in chosen if record.attempts > 0]
    decision_seconds = [
        (record.decided_at - first_call).total_seconds()
        for record in called
        if record.decided_at is not None and (first_call := _first_call(record)) is not None
    ]
    return OutcomeReport(
        since=since,
        until=until,
        covers_since=covers_since,
        reminders=len(chosen),
        outcomes=[
            OutcomeCount(outcome=outcome, count=count, share=count / len(chosen))
            for outcome, count in sorted(outcomes.items(), key=lambda item: (-item[1], item[0]))
        ],
        called=len(called),
        answer_rate=_share(sum(record.answered_attempt > 0 for record in called), len(called)),
        attempts_per_reminder=_share(sum(record.attempts for record in called), len(called)),
        median_first_call_to_decision=timedelta(seconds=statistics.median(decision_seconds))
        if decision_seconds
        else None,
        sms=dict(Counter(sms_in_event(record.sms) for record in chosen if sms_in_event(record.sms) != "none")),
        follow_ups=_follow_ups([record for record in chosen if record.is_decided]),
    )


def _follow_ups(closed: list[ReminderRecord]) -> FollowUps:
    rescheduled = [record for record in closed if record.status is ReminderStatus.RESCHEDULE_REQUESTED]
    return FollowUps(
        wrong_number=sum(record.status is ReminderStatus.WRONG_NUMBER for record in closed),
        reschedule_requested=len(rescheduled),
        with_preferred_time=sum(record.preferred_time is not None for record in rescheduled),
        question_open=sum(record.question_open for record in closed),
        third_party=sum(record.third_party_answered_last for record in closed),
    )


def _outcome(record: ReminderRecord) -> str:
    return record.status.value if record.is_decided else OPEN


def _first_call(record: ReminderRecord) -> datetime | None:
    return next((entry.at for entry in record.history if entry.event == _CALL_STARTED), None)


def _share(part: float, whole: int) -> float | None:
    return part / whole if whole else None
