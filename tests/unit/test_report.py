"""The figures of `reminders report` (reminders.operations.report)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reminders.model.preferred_time import PreferredTime
from reminders.model.reminder import HistoryEntry, Outcome, ReminderRecord, ReminderStatus
from reminders.model.retention import Retention
from reminders.operations.report import OPEN, FollowUps, summarize

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _record(
    reminder_id: str,
    *,
    day: int = 0,
    status: ReminderStatus = ReminderStatus.SCHEDULED,
    attempts: int = 0,
    answered: int = 0,
    first_call: datetime | None = None,
    decided_after: timedelta | None = None,
) -> ReminderRecord:
    history = [HistoryEntry(at=first_call, event="dialling", detail="attempt 1")] if first_call else []
    return ReminderRecord(
        reminder_id=reminder_id,
        to_phone_number="+4915712345678",
        appointment_at=MONDAY + timedelta(days=day),
        time_zone="Europe/Berlin",
        name="Erika",
        status=status,
        outcome=Outcome(status.value) if status not in {ReminderStatus.SCHEDULED, ReminderStatus.CALLING} else None,
        attempts=attempts,
        answered_attempt=answered,
        decided_at=first_call + decided_after if first_call and decided_after else None,
        history=history,
    )


def test_outcomes_answer_rate_attempts_and_time_to_decision() -> None:
    called = MONDAY - timedelta(days=1)
    records = [
        _record(
            "a",
            status=ReminderStatus.CONFIRMED,
            attempts=1,
            answered=1,
            first_call=called,
            decided_after=timedelta(minutes=1),
        ),
        _record(
            "b",
            status=ReminderStatus.CONFIRMED,
            attempts=2,
            answered=2,
            first_call=called,
            decided_after=timedelta(hours=1, minutes=1),
        ),
        _record(
            "c",
            status=ReminderStatus.CANCELLED,
            attempts=1,
            answered=1,
            first_call=called,
            decided_after=timedelta(minutes=3),
        ),
        _record("d", status=ReminderStatus.NO_ANSWER, attempts=3, first_call=called, decided_after=timedelta(hours=2)),
        _record("e"),
    ]

    report = summarize(records)

    assert [(row.outcome, row.count, row.share) for row in report.outcomes] == [
        ("confirmed", 2, 0.4),
        ("cancelled", 1, 0.2),
        ("no_answer", 1, 0.2),
        (OPEN, 1, 0.2),
    ]
    assert (report.reminders, report.called) == (5, 4)
    assert report.answer_rate == 0.75
    assert report.attempts_per_reminder == 7 / 4
    assert report.median_first_call_to_decision == timedelta(minutes=32)  # between 3 min and 1 h 1 min


def test_the_period_takes_appointments_from_since_until_before_until() -> None:
    records = [_record(f"day-{day}", day=day) for day in range(5)]

    report = summarize(records, since=MONDAY + timedelta(days=1), until=MONDAY + timedelta(days=3))

    assert report.reminders == 2


def test_an_empty_period_has_no_rates() -> None:
    report = summarize([])

    assert (report.reminders, report.outcomes, report.answer_rate, report.attempts_per_reminder) == (0, [], None, None)
    assert report.median_first_call_to_decision is None


def test_the_report_counts_the_sms_after_the_last_attempt() -> None:
    from reminders.model.reminder import Outcome, ReminderRecord, ReminderStatus, SmsFate

    def closed(reminder_id: str, sms: SmsFate | None) -> ReminderRecord:
        return ReminderRecord(
            reminder_id=reminder_id,
            to_phone_number="+4915790000687",
            appointment_at="2026-12-03T10:00:00+01:00",
            time_zone="Europe/Berlin",
            name="Erika",
            status=ReminderStatus.NO_ANSWER,
            outcome=Outcome.NO_ANSWER,
            attempts=3,
            sms=sms,
        )

    records = [closed("a", SmsFate.SENT), closed("b", SmsFate.SENT), closed("c", SmsFate.REFUSED)]
    records += [closed("d", SmsFate.MAYBE_SENT), closed("e", SmsFate.SKIPPED), closed("f", None)]

    assert summarize(records).sms == {"sent": 2, "refused": 1, "unknown": 1}


def test_what_the_practice_has_to_act_on() -> None:
    def closed(reminder_id: str, status: ReminderStatus, **fields: object) -> ReminderRecord:
        return _record(reminder_id, status=status, attempts=1, answered=1).model_copy(update=fields)

    friday = PreferredTime(weekday="friday", part_of_day="morning")
    records = [
        closed("wrong", ReminderStatus.WRONG_NUMBER),
        closed("friday", ReminderStatus.RESCHEDULE_REQUESTED, preferred_time=friday),
        closed("some-day", ReminderStatus.RESCHEDULE_REQUESTED),
        closed("asked", ReminderStatus.CONFIRMED, question_open=True),
        closed("someone-else", ReminderStatus.NO_DECISION, third_party_attempt=1),
        closed("earlier-someone-else", ReminderStatus.CONFIRMED, attempts=2, third_party_attempt=1),
        _record("still-open", status=ReminderStatus.CALLING, attempts=1).model_copy(update={"third_party_attempt": 1}),
    ]

    report = summarize(records)

    assert report.follow_ups == FollowUps(
        wrong_number=1, reschedule_requested=2, with_preferred_time=1, question_open=1, third_party=1
    )
    assert ("wrong_number", 1) in [(row.outcome, row.count) for row in report.outcomes]


def test_the_report_says_from_when_on_it_covers_what_is_kept() -> None:
    kept = Retention(30).kept_since(MONDAY)

    figures = summarize([_record("a", day=-40), _record("b")], covers_since=kept)

    assert kept == MONDAY - timedelta(days=30)
    assert figures.covers_since == kept
    assert summarize([]).covers_since is None, "unknown unless told"
