"""ReminderRepository against the moto server: every conditional write wins once, and only when it should."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from reminders.model.history import HistoryEvent
from reminders.model.reminder import Outcome, Reminder, ReminderRecord, ReminderStatus, Via
from reminders.store.do_not_call import DoNotCallList
from reminders.store.repository import LineBusy, NumberOptedOut, ReminderMovedOn, ReminderRepository
from tests.harness.aws import NUMBER_KEYS
from tests.harness.dialer import atomic_dynamodb_writes

START = datetime(2030, 3, 1, 9, 0, 0, 500_000, tzinfo=UTC)
NUMBER = "+4915790000687"


class SettableClock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def _atomic_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    atomic_dynamodb_writes(monkeypatch)


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def client(dynamodb_table: str) -> Any:
    return boto3.client("dynamodb")


@pytest.fixture
def repo(dynamodb_table: str, client: Any, clock: SettableClock) -> ReminderRepository:
    return ReminderRepository(dynamodb_table, client=client, clock=clock, number_keys=NUMBER_KEYS)


def reminder(reminder_id: str = "appt-1", number: str = NUMBER, **fields: Any) -> Reminder:
    values: dict[str, Any] = {
        "reminder_id": reminder_id,
        "to_phone_number": number,
        "appointment_at": "2030-03-02T10:30:00",
        "time_zone": "Europe/Berlin",
        "name": "Ada Lovelace",
    }
    values.update(fields)
    return Reminder.model_validate(values)


def claim(
    repo: ReminderRepository,
    reminder_id: str,
    attempt: int = 1,
    *,
    line_for: timedelta = timedelta(minutes=10),
    keep_for: timedelta = timedelta(days=1),
) -> ReminderRecord:
    """The dialer's claim of ``attempt`` on the reminder as it is stored now."""
    return repo.claim_attempt(_record(repo, reminder_id), attempt, claim_line_for=line_for, keep_line_for=keep_for)


def refusal(repo: ReminderRepository, reminder_id: str, attempt: int = 1, **hold: timedelta) -> str:
    """What refuses that claim (the exception's name), or ``claimed``."""
    try:
        claim(repo, reminder_id, attempt, **hold)
    except (ReminderMovedOn, NumberOptedOut, LineBusy) as refused:
        return type(refused).__name__
    return "claimed"


# Reminders.


def test_create_stores_a_scheduled_reminder_once(repo: ReminderRepository) -> None:
    assert repo.create(reminder(), schedule_name="appt-1-schedule")
    assert not repo.create(reminder(name="Someone Else")), "an existing id is never overwritten"

    stored = repo.get("appt-1")
    assert stored is not None
    assert stored.reminder() == reminder(call_at=START)
    assert (stored.status, stored.attempts, stored.outcome) == (ReminderStatus.SCHEDULED, 0, None)
    assert stored.schedule_name == "appt-1-schedule"
    assert stored.call_at == START, "no call_at: call now"
    assert stored.appointment_at == datetime(2030, 3, 2, 9, 30, tzinfo=UTC)
    assert [entry.event for entry in stored.history] == ["scheduled"]


def test_get_of_an_unknown_reminder_is_none(repo: ReminderRepository) -> None:
    assert repo.get("nobody") is None


def test_list_gives_every_reminder_or_those_of_one_status_by_call_time(repo: ReminderRepository) -> None:
    for index, hour in enumerate((12, 10, 11)):
        repo.create(reminder(f"appt-{index}", call_at=f"2030-03-01T{hour}:00:00"))
    claim(repo, "appt-2")

    assert sorted(record.reminder_id for record in repo.list()) == ["appt-0", "appt-1", "appt-2"]
    assert [record.reminder_id for record in repo.list(ReminderStatus.SCHEDULED)] == ["appt-1", "appt-0"]
    assert [record.reminder_id for record in repo.list(ReminderStatus.CALLING)] == ["appt-2"]
    assert list(repo.list(ReminderStatus.CONFIRMED)) == []


def test_each_attempt_is_claimed_exactly_once_and_in_order(repo: ReminderRepository, clock: SettableClock) -> None:
    repo.create(reminder())
    read_before = _record(repo, "appt-1")

    first = claim(repo, "appt-1")

    assert (first.status, first.attempts, first.attempt_started_at) == (ReminderStatus.CALLING, 1, START)
    assert first == _record(repo, "appt-1"), "the claimed record is the stored one"
    assert refusal(repo, "appt-1", 1) == "ReminderMovedOn", "a second claim of the same attempt loses"
    with pytest.raises(ReminderMovedOn) as moved:
        repo.claim_attempt(read_before, 1, claim_line_for=timedelta(minutes=10), keep_line_for=timedelta(days=1))
    assert moved.value.current == first, "the refusal carries the reminder as it is now"
    assert refusal(repo, "appt-1", 3) == "ReminderMovedOn", "attempts cannot be skipped"
    assert refusal(repo, "appt-1", 2) == "ReminderMovedOn", "not while attempt 1 is live (calling)"
    clock.advance(minutes=5)
    repo.end_line_claim(NUMBER, "appt-1", 1)
    assert repo.reschedule(
        "appt-1",
        START,
        attempts=1,
        from_status=ReminderStatus.CALLING,
        schedule_name=None,
        reason="attempt 1 was not answered",
    )
    second = claim(repo, "appt-1", 2)
    assert second.attempt_started_at == START + timedelta(minutes=5)
    assert [entry.event for entry in second.history] == ["scheduled", "dialling", "rescheduled", "dialling"]


def test_a_reminder_changed_since_it_was_read_is_not_claimed(repo: ReminderRepository) -> None:
    repo.create(reminder())
    read = _record(repo, "appt-1")
    moved = reminder(number="+4915790000999", call_at="2030-03-01T18:00:00")
    assert repo.replace_waiting(moved, attempts=0, schedule_name=None, reason="the appointment moved")

    with pytest.raises(ReminderMovedOn) as refused:
        repo.claim_attempt(read, 1, claim_line_for=timedelta(minutes=10), keep_line_for=timedelta(days=1))

    assert refused.value.current == _record(repo, "appt-1")
    assert refused.value.current is not None
    assert refused.value.current.to_phone_number == "4915790000999"
    assert (_record(repo, "appt-1").status, _record(repo, "appt-1").attempts) == (ReminderStatus.SCHEDULED, 0)
    assert repo.find_line(NUMBER) is None, "nothing of a refused claim is written"


def test_a_refused_claim_writes_nothing(repo: ReminderRepository, dynamodb_table: str, client: Any) -> None:
    repo.create(reminder("first"))
    repo.create(reminder("second"))
    repo.create(reminder("listed", number="+4915790000555"))
    DoNotCallList(dynamodb_table, client=client, number_keys=NUMBER_KEYS).add("+4915790000555", source="operator")
    claim(repo, "first")

    assert refusal(repo, "second") == "LineBusy"
    assert refusal(repo, "listed") == "NumberOptedOut"

    for untouched in ("second", "listed"):
        record = _record(repo, untouched)
        assert (record.status, record.attempts, len(record.history)) == (ReminderStatus.SCHEDULED, 0, 1)
    assert _line_owner(repo) == "first"
    assert repo.find_line("+4915790000555") is None


def test_a_released_attempt_can_be_claimed_again(repo: ReminderRepository) -> None:
    repo.create(reminder())
    claim(repo, "appt-1")

    assert repo.release_attempt("appt-1", 1, "HTTP 503")
    assert not repo.release_attempt("appt-1", 1, "HTTP 503"), "released already"

    released = _record(repo, "appt-1")
    assert (released.status, released.attempts) == (ReminderStatus.SCHEDULED, 0)
    assert released.history[-1].event == "not placed"
    assert released.history[-1].detail == "attempt 1: HTTP 503"
    assert refusal(repo, "appt-1") == "claimed", "the same attempt again, its line too"


def test_an_answered_or_decided_attempt_is_not_released(repo: ReminderRepository) -> None:
    repo.create(reminder("answered"))
    claim(repo, "answered")
    repo.record_answer("answered", 1, "session-1")
    repo.create(reminder("decided", number="+4915790000688"))
    claim(repo, "decided")
    repo.record_outcome("decided", Outcome.CONFIRMED, via=Via.KEY)

    assert not repo.release_attempt("answered", 1, "late")
    assert not repo.release_attempt("decided", 1, "late")
    assert _record(repo, "answered").attempts == 1


def test_an_answer_is_recorded_once_per_attempt(repo: ReminderRepository) -> None:
    repo.create(reminder())
    claim(repo, "appt-1")

    assert repo.record_answer("appt-1", 1, "session-1")
    assert not repo.record_answer("appt-1", 1, "session-1"), "the same session_start twice"
    assert _record(repo, "appt-1").answered_attempt == 1
    assert not repo.record_answer("unknown", 1, "session-2")


def test_the_first_outcome_wins(repo: ReminderRepository, clock: SettableClock) -> None:
    repo.create(reminder())
    claim(repo, "appt-1")
    clock.advance(minutes=1)

    assert repo.record_outcome("appt-1", Outcome.CONFIRMED, via=Via.SPEECH, session_id="session-1")
    assert not repo.record_outcome("appt-1", Outcome.NO_ANSWER, detail="late check")

    decided = _record(repo, "appt-1")
    assert (decided.status, decided.outcome, decided.outcome_via) == (
        ReminderStatus.CONFIRMED,
        Outcome.CONFIRMED,
        Via.SPEECH,
    )
    assert decided.outcome_session_id == "session-1"
    assert decided.decided_at == START + timedelta(minutes=1)
    assert decided.last_error is None
    assert decided.history[-1].detail == "by speech"


def test_a_failure_outcome_keeps_its_reason(repo: ReminderRepository) -> None:
    repo.create(reminder())

    assert repo.record_outcome("appt-1", Outcome.FAILED, detail="HTTP 404: unknown flow")

    failed = _record(repo, "appt-1")
    assert (failed.status, failed.last_error) == (ReminderStatus.FAILED, "HTTP 404: unknown flow")


def test_an_open_question_is_kept_with_the_outcome_as_a_flag(repo: ReminderRepository) -> None:
    repo.create(reminder("asked"))
    repo.create(reminder("plain", number="+4915790000688"))

    assert repo.record_outcome("asked", Outcome.CONFIRMED, via=Via.SPEECH, question_open=True)
    assert repo.record_outcome("plain", Outcome.CONFIRMED, via=Via.SPEECH)

    assert _record(repo, "asked").question_open
    assert not _record(repo, "plain").question_open


def test_a_wrong_number_is_final(repo: ReminderRepository) -> None:
    repo.create(reminder())
    claim(repo, "appt-1")

    assert repo.record_outcome("appt-1", Outcome.WRONG_NUMBER, via=Via.SPEECH, session_id="session-1")

    closed = _record(repo, "appt-1")
    assert (closed.status, closed.outcome, closed.is_decided) == (
        ReminderStatus.WRONG_NUMBER,
        Outcome.WRONG_NUMBER,
        True,
    )
    assert closed.history[-1].event == "wrong_number"
    assert refusal(repo, "appt-1", 2) == "ReminderMovedOn", "never dialled again"


def test_someone_else_answering_is_noted_once_per_attempt_on_an_open_reminder(repo: ReminderRepository) -> None:
    repo.create(reminder())
    claim(repo, "appt-1")

    assert repo.record_third_party("appt-1", 1, "session-1")
    assert not repo.record_third_party("appt-1", 1, "session-1"), "the same attempt twice"

    noted = _record(repo, "appt-1")
    assert (noted.status, noted.outcome, noted.third_party_attempt) == (ReminderStatus.CALLING, None, 1)
    assert noted.third_party_answered_last
    assert (noted.history[-1].event, noted.history[-1].detail) == (
        "answered by someone else",
        "attempt 1, session session-1: not the callee, no decision asked",
    )
    retry_at = datetime(2030, 3, 1, 18, 0, tzinfo=UTC)  # what the dialer's answer check does next
    repo.end_line_claim(NUMBER, "appt-1", 1)
    repo.reschedule("appt-1", retry_at, attempts=1, from_status=ReminderStatus.CALLING, schedule_name=None, reason="")
    claim(repo, "appt-1", 2)
    assert not _record(repo, "appt-1").third_party_answered_last, "attempt 2 is another call"
    repo.record_outcome("appt-1", Outcome.CONFIRMED, via=Via.KEY)
    assert not repo.record_third_party("appt-1", 2, "session-2"), "a closed reminder is not noted"
    assert not repo.record_third_party("unknown", 1, "session-3")


def test_cancel_closes_an_open_reminder_only(repo: ReminderRepository) -> None:
    repo.create(reminder("open"))
    repo.create(reminder("decided", number="+4915790000688"))
    repo.record_outcome("decided", Outcome.NO_DECISION)

    assert repo.cancel("open")
    assert not repo.cancel("open"), "cancelled already"
    assert not repo.cancel("decided")
    assert not repo.cancel("unknown")
    assert _record(repo, "open").status == ReminderStatus.CANCELLED
    assert _record(repo, "decided").status == ReminderStatus.NO_DECISION
    assert refusal(repo, "open") == "ReminderMovedOn", "a cancelled reminder is never dialled"
    assert not repo.record_outcome("open", Outcome.CONFIRMED)


def test_reschedule_moves_the_call_and_keeps_or_replaces_the_schedule_name(repo: ReminderRepository) -> None:
    repo.create(reminder(), schedule_name="first")
    later = datetime(2030, 3, 1, 18, 0, tzinfo=UTC)

    assert repo.reschedule("appt-1", later, attempts=0, schedule_name=None, reason="call now")
    assert (_record(repo, "appt-1").call_at, _record(repo, "appt-1").schedule_name) == (later, "first")
    assert repo.reschedule(
        "appt-1", later + timedelta(hours=1), attempts=0, schedule_name="second", reason="outside the window"
    )
    assert not repo.reschedule("appt-1", later, attempts=1, schedule_name=None, reason="a late retry of attempt 1")

    moved = _record(repo, "appt-1")
    assert (moved.call_at, moved.schedule_name) == (later + timedelta(hours=1), "second")
    assert moved.history[-1].event == "rescheduled"
    assert moved.history[-1].detail == f"outside the window; call at {(later + timedelta(hours=1)).isoformat()}"
    repo.cancel("appt-1")
    assert not repo.reschedule("appt-1", later, attempts=0, schedule_name=None, reason="too late")


def test_rescheduling_the_next_attempt_ends_the_live_one(repo: ReminderRepository) -> None:
    repo.create(reminder())
    claim(repo, "appt-1")
    later = datetime(2030, 3, 1, 18, 0, tzinfo=UTC)

    assert repo.reschedule(
        "appt-1",
        later,
        attempts=1,
        from_status=ReminderStatus.CALLING,
        schedule_name=None,
        reason="attempt 1 was not answered",
    )

    moved = _record(repo, "appt-1")
    assert (moved.status, moved.attempts, moved.call_at) == (ReminderStatus.SCHEDULED, 1, later)


def test_note_appends_to_a_known_reminder_and_creates_nothing(repo: ReminderRepository, client: Any) -> None:
    repo.create(reminder())

    repo.note("appt-1", HistoryEvent.MAYBE_PLACED, "attempt 1")
    repo.note("unknown", HistoryEvent.REJECTED, "bad message")

    noted = _record(repo, "appt-1").history[-1]
    assert noted.model_dump(exclude={"at"}) == {"event": HistoryEvent.MAYBE_PLACED, "detail": "attempt 1"}
    assert repo.get("unknown") is None
    assert client.scan(TableName=repo.table_name)["Count"] == 1


def test_a_reminder_stored_by_an_earlier_release_reads_with_its_history(repo: ReminderRepository, client: Any) -> None:
    repo.create(reminder())
    # Releases before the claim was one transaction noted a placed call as "placed"; the cancellation names who.
    for event in ("dialling", "placed", "cancelled by operator"):
        client.update_item(
            TableName=repo.table_name,
            Key={"pk": {"S": "REMINDER#appt-1"}},
            UpdateExpression="SET history = list_append(history, :entry)",
            ExpressionAttributeValues={
                ":entry": {"L": [{"M": {"at": {"S": START.isoformat()}, "event": {"S": event}}}]}
            },
        )

    events = [entry.event for entry in _record(repo, "appt-1").history]
    assert events == ["scheduled", "dialling", "placed", "cancelled by operator"]
    assert all(isinstance(event, HistoryEvent) for event in events)


# Lines.


def test_a_line_is_held_for_one_reminder_until_its_claim_ends(repo: ReminderRepository, clock: SettableClock) -> None:
    repo.create(reminder("first"))
    repo.create(reminder("second", number="0049 1579 0000687"))

    claim(repo, "first")
    assert refusal(repo, "second") == "LineBusy", "the number is on a live call"
    _unanswered(repo, "first", 1)
    assert refusal(repo, "first", 2) == "LineBusy", "not the same reminder's next attempt either"

    clock.advance(minutes=10, seconds=2)
    assert refusal(repo, "first", 2) == "claimed", "a lost call stops blocking the number"
    assert repo.release_attempt("first", 2, "HTTP 503")
    assert refusal(repo, "first", 2) == "claimed", "the same attempt again (its message redelivered)"
    assert refusal(repo, "second") == "LineBusy"
    line = repo.find_line("4915790000687")
    assert line is not None
    assert (line.reminder.reminder_id, line.attempt) == ("first", 2)


def test_an_unanswered_call_ends_its_claim_and_keeps_the_line(repo: ReminderRepository) -> None:
    repo.create(reminder("first"))
    claim(repo, "first")
    _unanswered(repo, "first", 1)

    repo.end_line_claim("4915790000687", "first", 2)  # not the claiming attempt: nothing changes
    assert refusal(repo, "first", 2) == "LineBusy"
    repo.end_line_claim("4915790000687", "first", 1)

    assert refusal(repo, "first", 2) == "claimed", "the next attempt may ring"
    line = repo.find_line("4915790000687")
    assert line is not None
    assert (line.reminder.reminder_id, line.attempt) == ("first", 2)


def test_find_line_reads_consistently(repo: ReminderRepository, client: Any) -> None:
    repo.create(reminder("first"))
    claim(repo, "first")
    sent: list[dict[str, Any]] = []

    def record_get_item(params: dict[str, Any], **_: Any) -> None:
        sent.append(params)

    client.meta.events.register("provide-client-params.dynamodb.GetItem", record_get_item)
    try:
        assert repo.find_line("+4915790000687") is not None
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.GetItem", record_get_item)

    # The webhook reads the claim the dialer wrote just before the phone rang: an eventually consistent
    # read may miss it, and the callee would be treated as unknown.
    [request] = sent
    assert request.get("ConsistentRead") is True


def test_find_line_gives_the_reminder_until_the_line_expires(repo: ReminderRepository, clock: SettableClock) -> None:
    repo.create(reminder())
    claim(repo, "appt-1", keep_for=timedelta(hours=6))

    line = repo.find_line("+49 1579 0000687")

    assert line is not None
    assert line.reminder == _record(repo, "appt-1").reminder()
    assert line.attempt == 1
    assert line.claimed_until == (START + timedelta(minutes=10)).replace(microsecond=0)
    clock.now = datetime(2030, 3, 2, 15, 31, tzinfo=UTC)  # the appointment (09:30 UTC) plus 6 hours, passed
    assert repo.find_line(NUMBER) is None
    assert repo.find_line("+4915790000999") is None


def test_release_line_removes_only_the_releasing_reminders_line(repo: ReminderRepository, clock: SettableClock) -> None:
    repo.create(reminder("first"))
    repo.create(reminder("second"))
    claim(repo, "first", line_for=timedelta(minutes=1))
    clock.advance(minutes=2)
    claim(repo, "second")

    repo.release_line(NUMBER, "first")
    assert _line_owner(repo) == "second", "the first reminder's release does not touch the second's line"
    repo.release_line(NUMBER, "second")
    assert repo.find_line(NUMBER) is None


# The calls-per-second cap.


def test_each_second_has_at_most_its_cap_of_dial_slots(repo: ReminderRepository, clock: SettableClock) -> None:
    assert [repo.take_dial_slot(3) for _ in range(4)] == [True, True, True, False]
    clock.advance(seconds=1)
    assert repo.take_dial_slot(3)


def test_concurrent_dialers_share_one_cap(dynamodb_table: str, clock: SettableClock) -> None:
    dialers = [
        ReminderRepository(dynamodb_table, client=boto3.client("dynamodb"), clock=clock, number_keys=NUMBER_KEYS)
        for _ in range(10)
    ]

    with ThreadPoolExecutor(max_workers=10) as pool:
        granted = list(pool.map(lambda dialer: dialer.take_dial_slot(4), dialers))

    assert sum(granted) == 4


def test_dial_counters_expire(repo: ReminderRepository, client: Any) -> None:
    repo.take_dial_slot(1)

    [item] = client.scan(TableName=repo.table_name)["Items"]

    second = int(START.timestamp())
    assert item["pk"] == {"S": f"RATE#{second}"}
    assert int(item["expires_at"]["N"]) > second


def _record(repo: ReminderRepository, reminder_id: str) -> Any:
    found = repo.get(reminder_id)
    assert found is not None
    return found


def _unanswered(repo: ReminderRepository, reminder_id: str, attempt: int) -> None:
    """The answer check's move of an unanswered attempt's reminder (without ending its line claim): the next
    attempt waits, here due at once."""
    assert repo.reschedule(
        reminder_id, START, attempts=attempt, from_status=ReminderStatus.CALLING, schedule_name=None, reason="no answer"
    )


def _line_owner(repo: ReminderRepository) -> str:
    claim = repo.find_line(NUMBER)
    assert claim is not None
    return claim.reminder.reminder_id
