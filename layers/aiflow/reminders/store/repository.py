"""The DynamoDB items the webhook and the dialer share, and every conditional write on them.

One table, partition key ``pk`` (string), no sort key:

========================  ===================================================================
``REMINDER#<id>``          the reminder, its status, attempts, outcome and history
``LINE#<E.164 digits>``    which reminder the number is about: a copy of it for the call, the
                           live-call claim (``claimed_until``) and an expiry (``expires_at``, TTL)
``RATE#<epoch second>``    how many calls were placed in that second (the calls-per-second cap)
``SESSION#<session id>``   the conversation state (written by ``aiflow.DynamoDBSessionStore``)
``OPTOUT#<E.164 digits>``  a number on the do-not-call list (``reminders.store.do_not_call``)
========================  ===================================================================

The sparse index ``by-status`` (``status``, ``call_at``) lists reminders by status. Every write that
can race, two events of one call or two dialers, is conditional, so repeated or concurrent work
never decides or dials twice.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel

from aiflow import CancellationReasons, phone
from reminders.model.reminder import (
    HistoryEntry,
    Outcome,
    Reminder,
    ReminderRecord,
    ReminderStatus,
    Via,
    utc_now,
)
from reminders.store.do_not_call import OPTOUT_PREFIX

__all__ = [
    "REMINDER_KEY_PREFIX",
    "STATUS_INDEX",
    "LineBusy",
    "LineClaim",
    "LineRelease",
    "NumberOptedOut",
    "ReminderMovedOn",
    "ReminderRepository",
    "record_from_item",
]

STATUS_INDEX = "by-status"
REMINDER_KEY_PREFIX = "REMINDER#"
_LARGEST_UTC_OFFSET = timedelta(hours=14)  # Pacific/Kiritimati
_OPEN = (ReminderStatus.SCHEDULED.value, ReminderStatus.CALLING.value)
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class NumberOptedOut(Exception):
    """The callee's number is on the do-not-call list: the reminder's call must never ring."""


class LineBusy(Exception):
    """Another call's claim holds the callee's number: nothing was claimed."""


class ReminderMovedOn(Exception):
    """The reminder changed since it was read (claimed, moved, closed): nothing was claimed.

    ``current`` is the reminder as it is now (from the refused write, no read of its own), or ``None`` if
    it is gone.
    """

    def __init__(self, current: ReminderRecord | None) -> None:
        super().__init__("the reminder changed since it was read")
        self.current = current


@dataclass(frozen=True)
class LineRelease:
    """What a decision does to the callee's line: delete its item, or only end its claim and keep the item
    (``keep_item_of_attempt``: the attempt whose claim ends), so that a call back still finds the reminder."""

    number: str
    keep_item_of_attempt: int | None = None


class LineClaim(BaseModel):
    """The reminder a phone number is being called about, as the webhook finds it by the callee's number."""

    number: str
    reminder: Reminder
    attempt: int
    claimed_until: datetime


def _to_attributes(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in values.items() if value is not None}


def _from_attributes(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def _history(event: str, at: datetime, detail: str | None = None) -> dict[str, Any]:
    entry = {"at": at.isoformat(), "event": event}
    if detail:
        entry["detail"] = detail
    return {"L": [{"M": _to_attributes(entry)}]}


class ReminderRepository:
    """Reminders, line claims and the dial-rate counter in one DynamoDB table."""

    def __init__(
        self,
        table_name: str,
        *,
        client: Any = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if not table_name:
            raise ValueError("table_name is required")
        self.table_name = table_name
        self.client = client if client is not None else _dynamodb_client()
        self._now = clock

    # Reminders.

    def create(self, reminder: Reminder, *, schedule_name: str | None = None) -> bool:
        """Store a new reminder as ``scheduled``; ``False`` (and nothing written) if the id exists."""
        return self.create_or_read(reminder, schedule_name=schedule_name)[1]

    def create_or_read(self, reminder: Reminder, *, schedule_name: str | None = None) -> tuple[ReminderRecord, bool]:
        """Store a new reminder as ``scheduled``: the record and ``True``; or, if the id exists, the stored record
        and ``False``, read from the refused write (one request either way, as consistent as a read)."""
        record, item = self._new_item(reminder, schedule_name)
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.client.exceptions.ConditionalCheckFailedException as error:
            return record_from_item(error.response["Item"]), False
        return record, True

    def create_unless_listed(
        self, reminder: Reminder, *, schedule_name: str | None = None
    ) -> tuple[ReminderRecord, bool]:
        """Store a new reminder unless its number is on the do-not-call list: one request (a transaction).

        Returns the record and ``True`` if it was stored, or the stored record and ``False`` if the id
        exists (read from the refused write, no second request); :class:`NumberOptedOut` if the number is
        listed (nothing written).
        """
        record, item = self._new_item(reminder, schedule_name)
        put = {
            "TableName": self.table_name,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(pk)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        try:
            self.client.transact_write_items(
                TransactItems=[{"Put": put}, {"ConditionCheck": self._not_listed(reminder.to_phone_number)}]
            )
        except self.client.exceptions.TransactionCanceledException as error:
            refused = CancellationReasons.of(error)
            if refused.condition_failed(1):
                raise NumberOptedOut(reminder.reminder_id) from None
            if (stored := refused.item(0)) is not None:
                return record_from_item(stored), False
            raise
        return record, True

    def _new_item(self, reminder: Reminder, schedule_name: str | None) -> tuple[ReminderRecord, dict[str, Any]]:
        now = self._now()
        record = ReminderRecord(
            **reminder.model_dump(),
            schedule_name=schedule_name,
            created_at=now,
            updated_at=now,
        )
        if record.call_at is None:
            record.call_at = now
        item = _to_attributes({"pk": _reminder_key(reminder.reminder_id), **record.model_dump(mode="json")})
        detail = f"call at {record.call_at.isoformat()}"
        item["history"] = _history("scheduled", now, detail)
        record.history = [HistoryEntry(at=now, event="scheduled", detail=detail)]
        return record, item

    def get(self, reminder_id: str) -> ReminderRecord | None:
        response = self.client.get_item(
            TableName=self.table_name, Key={"pk": {"S": _reminder_key(reminder_id)}}, ConsistentRead=True
        )
        item = response.get("Item")
        return record_from_item(item) if item else None

    def list(self, status: ReminderStatus | None = None, *, due_by: datetime | None = None) -> Iterator[ReminderRecord]:
        """Every reminder, or those with ``status`` (by the local call time); with ``due_by``, only those due by then.

        ``call_at`` is kept with the callee's UTC offset, so the index orders by local wall-clock time: the
        query reads up to ``due_by`` plus the largest offset there is (+14:00), and the exact cut follows.
        """
        if status is None:
            pages = self.client.get_paginator("scan").paginate(
                TableName=self.table_name,
                FilterExpression="begins_with(pk, :prefix)",
                ExpressionAttributeValues={":prefix": {"S": "REMINDER#"}},
            )
        else:
            condition, values = "#status = :status", {":status": {"S": status.value}}
            if due_by is not None:
                local_bound = (due_by.astimezone(UTC) + _LARGEST_UTC_OFFSET).replace(tzinfo=None).isoformat()
                condition += " AND call_at <= :bound"
                values[":bound"] = {"S": local_bound + "~"}  # "~" sorts after any offset or fraction
            pages = self.client.get_paginator("query").paginate(
                TableName=self.table_name,
                IndexName=STATUS_INDEX,
                KeyConditionExpression=condition,
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=values,
            )
        for page in pages:
            for item in page.get("Items", []):
                record = record_from_item(item)
                if due_by is None or (record.call_at is not None and record.call_at <= due_by):
                    yield record

    def claim_attempt(
        self, seen: ReminderRecord, attempt: int, *, claim_line_for: timedelta, keep_line_for: timedelta
    ) -> ReminderRecord:
        """Claim dial attempt number ``attempt`` of the reminder as read in ``seen``, and the callee's line, in one
        transaction that also checks the do-not-call list; the claimed record.

        This is the exactly-once guard of dialling: of two dialers (or a redelivered message) trying the
        same attempt, one wins the condition ``attempts = attempt - 1`` and ``scheduled`` (so no attempt
        starts before the previous one's answer check has made the reminder ``scheduled`` again), and the
        reminder must be as it was read (its history as long), so that the call goes to the number and at
        the time the dialer decided on. Nothing is written when any part is refused:
        :class:`ReminderMovedOn` (with the reminder as it is now), :class:`NumberOptedOut`, or
        :class:`LineBusy` (see :meth:`_line_claim`), in that order when several hold.
        """
        now = self._now()
        entry = HistoryEntry(at=now, event="dialling", detail=f"attempt {attempt}")
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {"Update": self._attempt_claim(seen, attempt, entry)},
                    {"Put": self._line_claim(seen, attempt, now, claim_for=claim_line_for, keep_for=keep_line_for)},
                    {"ConditionCheck": self._not_listed(seen.to_phone_number)},
                ]
            )
        except self.client.exceptions.TransactionCanceledException as error:
            refused = CancellationReasons.of(error)
            if refused.condition_failed(0):
                current = refused.item(0)
                raise ReminderMovedOn(record_from_item(current) if current else None) from None
            if refused.condition_failed(2):
                raise NumberOptedOut(seen.reminder_id) from None
            if refused.condition_failed(1):
                raise LineBusy(seen.reminder_id) from None
            raise
        return seen.model_copy(
            update={
                "attempts": attempt,
                "status": ReminderStatus.CALLING,
                "attempt_started_at": now,
                "updated_at": now,
                "history": [*seen.history, entry],
            }
        )

    def _attempt_claim(self, seen: ReminderRecord, attempt: int, entry: HistoryEntry) -> dict[str, Any]:
        """The attempt's part of :meth:`claim_attempt` (a transaction's ``Update``): refused, returning the
        reminder as it is, unless it is still as ``seen`` (every write to a reminder appends to its history)."""
        return {
            "TableName": self.table_name,
            "Key": {"pk": {"S": _reminder_key(seen.reminder_id)}},
            "UpdateExpression": "SET attempts = :attempt, #status = :calling, attempt_started_at = :now,"
            " updated_at = :now, history = list_append(history, :entry)",
            "ConditionExpression": "attempts = :previous AND #status = :scheduled AND size(history) = :seen",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":attempt": {"N": str(attempt)},
                ":previous": {"N": str(attempt - 1)},
                ":calling": {"S": ReminderStatus.CALLING.value},
                ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
                ":seen": {"N": str(len(seen.history))},
                ":now": {"S": entry.at.isoformat()},
                ":entry": _history(entry.event, entry.at, entry.detail),
            },
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }

    def release_attempt(self, reminder_id: str, attempt: int, reason: str) -> bool:
        """Give back a claimed attempt whose call was certainly not placed, so that a retry may claim it again.

        Only the dialer that knows sipgate did not take the call (429, 5xx, refused connection) calls this;
        ``False`` if the attempt is no longer the current one or was answered meanwhile.
        """
        now = self._now()
        return (
            self._update(
                reminder_id,
                "SET attempts = :previous, #status = :scheduled, updated_at = :now,"
                " history = list_append(history, :entry)",
                "attempts = :attempt AND #status = :calling AND answered_attempt < :attempt",
                {
                    ":attempt": {"N": str(attempt)},
                    ":previous": {"N": str(attempt - 1)},
                    ":calling": {"S": ReminderStatus.CALLING.value},
                    ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
                    ":now": {"S": now.isoformat()},
                    ":entry": _history("not placed", now, f"attempt {attempt}: {reason}"),
                },
            )
            is not None
        )

    def record_answer(self, reminder_id: str, attempt: int, session_id: str) -> bool:
        """Note that the callee answered ``attempt`` (the dialer then does not retry it)."""
        now = self._now()
        return (
            self._update(
                reminder_id,
                "SET answered_attempt = :attempt, updated_at = :now, history = list_append(history, :entry)",
                "answered_attempt < :attempt",
                {
                    ":attempt": {"N": str(attempt)},
                    ":now": {"S": now.isoformat()},
                    ":entry": _history("answered", now, f"attempt {attempt}, session {session_id}"),
                },
            )
            is not None
        )

    def answer_note(self, reminder_id: str, attempt: int, session_id: str) -> dict[str, Any]:
        """:meth:`record_answer` as a transaction entry, for the call's first state save (``aiflow.write_with_state``).

        The session's own condition (it must be new) keeps a repeated ``session_start`` from noting it
        twice; the line names the latest attempt, so no later one can have been noted already.
        """
        now = self._now()
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": {"pk": {"S": _reminder_key(reminder_id)}},
                "UpdateExpression": "SET answered_attempt = :attempt, updated_at = :now,"
                " history = list_append(history, :entry)",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": {
                    ":attempt": {"N": str(attempt)},
                    ":now": {"S": now.isoformat()},
                    ":entry": _history("answered", now, f"attempt {attempt}, session {session_id}"),
                },
            }
        }

    def record_outcome(
        self,
        reminder_id: str,
        outcome: Outcome,
        *,
        via: Via | None = None,
        session_id: str | None = None,
        detail: str | None = None,
        release_line: LineRelease | None = None,
    ) -> bool:
        """Write the outcome once: ``False`` if the reminder already has one or was closed meanwhile.

        With ``release_line`` the callee's line is freed in the same transaction (one request, twice the
        write capacity); a line another reminder (or attempt) holds by then is left alone.
        """
        now = self._now()
        values: dict[str, Any] = {
            ":outcome": {"S": outcome.value},
            ":status": {"S": ReminderStatus(outcome.value).value},
            ":now": {"S": now.isoformat()},
            ":entry": _history(outcome.value, now, detail or (f"by {via.value}" if via else None)),
            ":scheduled": {"S": _OPEN[0]},
            ":calling": {"S": _OPEN[1]},
        }
        assignments = [
            "outcome = :outcome",
            "#status = :status",
            "decided_at = :now",
            "updated_at = :now",
            "history = list_append(history, :entry)",
        ]
        if via is not None:
            assignments.append("outcome_via = :via")
            values[":via"] = {"S": via.value}
        if session_id is not None:
            assignments.append("outcome_session_id = :session")
            values[":session"] = {"S": session_id}
        if detail is not None:
            assignments.append("last_error = :detail")
            values[":detail"] = {"S": detail}
        update = "SET " + ", ".join(assignments)
        condition = "attribute_not_exists(outcome) AND #status IN (:scheduled, :calling)"
        if release_line is not None:
            released = self._decide_releasing_line(reminder_id, update, condition, values, release_line)
            if released is not None:
                return released
        return self._update(reminder_id, update, condition, values) is not None

    def _decide_releasing_line(
        self, reminder_id: str, update: str, condition: str, values: dict[str, Any], line: LineRelease
    ) -> bool | None:
        """The outcome and the line's release in one transaction; ``None`` if only the line's condition failed."""
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": {"pk": {"S": _reminder_key(reminder_id)}},
                            "UpdateExpression": update,
                            "ConditionExpression": f"attribute_exists(pk) AND ({condition})",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": values,
                        }
                    },
                    self._line_release(reminder_id, line),
                ]
            )
        except self.client.exceptions.TransactionCanceledException as error:
            refused = CancellationReasons.of(error)
            if refused.condition_failed(0):
                return False  # decided before: the line is the caller's to release
            if refused.condition_failed(1):
                return None  # the number is another reminder's by now: the outcome alone
            raise
        return True

    def _line_release(self, reminder_id: str, line: LineRelease) -> dict[str, Any]:
        """The line's part of a decision's transaction (see :meth:`release_line` and :meth:`end_line_claim`)."""
        key = {"pk": {"S": _line_key(line.number)}}
        if line.keep_item_of_attempt is None:
            return {
                "Delete": {
                    "TableName": self.table_name,
                    "Key": key,
                    "ConditionExpression": "attribute_not_exists(pk) OR reminder_id = :reminder",
                    "ExpressionAttributeValues": {":reminder": {"S": reminder_id}},
                }
            }
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": key,
                "UpdateExpression": "SET claimed_until = :ended",
                # Not attribute_not_exists: an update would create a stub line item. A missing line is left so.
                "ConditionExpression": "reminder_id = :reminder AND attempt = :attempt",
                "ExpressionAttributeValues": {
                    ":ended": {"N": str(int(self._now().timestamp()) - 1)},
                    ":reminder": {"S": reminder_id},
                    ":attempt": {"N": str(line.keep_item_of_attempt)},
                },
            }
        }

    def cancel(self, reminder_id: str, *, by: str = "operator") -> bool:
        """An operator (or a ``cancel`` message) withdraws the reminder before it is decided; ``False`` if it is
        decided already."""
        now = self._now()
        return (
            self._update(
                reminder_id,
                "SET #status = :cancelled, updated_at = :now, history = list_append(history, :entry)",
                "#status IN (:scheduled, :calling)",
                {
                    ":cancelled": {"S": ReminderStatus.CANCELLED.value},
                    ":scheduled": {"S": _OPEN[0]},
                    ":calling": {"S": _OPEN[1]},
                    ":now": {"S": now.isoformat()},
                    ":entry": _history(f"cancelled by {by}", now),
                },
            )
            is not None
        )

    def reschedule(
        self,
        reminder_id: str,
        call_at: datetime,
        *,
        attempts: int,
        from_status: ReminderStatus = ReminderStatus.SCHEDULED,
        schedule_name: str | None,
        reason: str,
    ) -> bool:
        """Move the next attempt to ``call_at`` and make the reminder ``scheduled``.

        For a dial outside the calling window or before its time and "call now" (``from_status``
        ``scheduled``), and the retry after the live attempt went unanswered (``calling``: the attempt is
        over). ``attempts`` and ``from_status`` are what the move was decided on: ``False`` if the reminder
        moved on meanwhile (another attempt claimed, the attempt checked by another check, closed), so that
        a late move never turns a live attempt back into ``scheduled`` and one attempt is retried once.
        """
        now = self._now()
        values: dict[str, Any] = {
            ":call_at": {"S": call_at.isoformat()},
            ":attempts": {"N": str(attempts)},
            ":now": {"S": now.isoformat()},
            ":entry": _history("rescheduled", now, f"{reason}; call at {call_at.isoformat()}"),
            ":scheduled": {"S": _OPEN[0]},
            ":from": {"S": from_status.value},
        }
        assignment = (
            "SET call_at = :call_at, #status = :scheduled, updated_at = :now, history = list_append(history, :entry)"
        )
        if schedule_name is not None:
            assignment += ", schedule_name = :schedule"
            values[":schedule"] = {"S": schedule_name}
        condition = "attempts = :attempts AND #status = :from"
        return self._update(reminder_id, assignment, condition, values) is not None

    def replace_waiting(
        self, reminder: Reminder, *, attempts: int, schedule_name: str | None, reason: str
    ) -> ReminderRecord | None:
        """Replace what a ``scheduled`` reminder says (a moved appointment, another name...) and its call time.

        ``attempts`` is what the change was decided on: ``None`` if the reminder was dialled, decided or
        cancelled meanwhile, so that a call in progress or a decision is never disturbed.
        """
        now = self._now()
        fields = reminder.model_dump(mode="json", exclude={"reminder_id"})
        names = {f"#f{index}": name for index, name in enumerate(fields)}
        values: dict[str, Any] = {
            ":attempts": {"N": str(attempts)},
            ":scheduled": {"S": _OPEN[0]},
            ":now": {"S": now.isoformat()},
            ":entry": _history("updated", now, reason),
        }
        assignments = ["updated_at = :now", "history = list_append(history, :entry)"]
        removals = []
        for alias, name in names.items():
            if fields[name] is None:
                removals.append(alias)
            else:
                values[f":v{alias[2:]}"] = _serializer.serialize(fields[name])
                assignments.append(f"{alias} = :v{alias[2:]}")
        if schedule_name is not None:
            assignments.append("schedule_name = :schedule")
            values[":schedule"] = {"S": schedule_name}
        update = "SET " + ", ".join(assignments) + (" REMOVE " + ", ".join(removals) if removals else "")
        return self._update(
            reminder.reminder_id, update, "#status = :scheduled AND attempts = :attempts", values, names=names
        )

    def note_recovery(self, seen: ReminderRecord, detail: str) -> bool:
        """The reconciler re-sends the step of ``seen``: count it; ``False`` if the reminder moved on meanwhile.

        The condition (same status, attempts and recoveries as seen) also keeps two reconcilers from both
        re-sending one step.
        """
        now = self._now()
        return (
            self._update(
                seen.reminder_id,
                "SET recoveries = :recovered, updated_at = :now, history = list_append(history, :entry)",
                "#status = :status AND attempts = :attempts AND "
                # Reminders stored before the reconciler existed have no count yet.
                + (
                    "(recoveries = :seen OR attribute_not_exists(recoveries))"
                    if seen.recoveries == 0
                    else "recoveries = :seen"
                ),
                {
                    ":status": {"S": seen.status.value},
                    ":attempts": {"N": str(seen.attempts)},
                    ":seen": {"N": str(seen.recoveries)},
                    ":recovered": {"N": str(seen.recoveries + 1)},
                    ":now": {"S": now.isoformat()},
                    ":entry": _history("reconciled", now, detail),
                },
            )
            is not None
        )

    def note(self, reminder_id: str, event: str, detail: str | None = None) -> None:
        """Append to the reminder's history (and ``last_error`` when ``detail`` explains a failure)."""
        now = self._now()
        self._update(
            reminder_id,
            "SET updated_at = :now, history = list_append(history, :entry)",
            "attribute_exists(pk)",
            {":now": {"S": now.isoformat()}, ":entry": _history(event, now, detail)},
        )

    # Lines: one live call per number, and how the webhook finds the reminder of a call.

    def _line_claim(
        self, reminder: ReminderRecord, attempt: int, now: datetime, *, claim_for: timedelta, keep_for: timedelta
    ) -> dict[str, Any]:
        """The callee's number for this attempt's call (a transaction's ``Put``), refused while another call's
        claim holds it.

        Another call is another reminder's or another attempt of this one: only the same attempt may claim
        again (its message redelivered after the attempt was given back). The claim ends by itself after
        ``claim_for`` (a lost call never blocks the number for long) or when the answer check finds the
        call unanswered (:meth:`end_line_claim`); the item stays until ``keep_for`` after the appointment so
        that a callback still finds the reminder.
        """
        claimed_until = now + claim_for
        expires_at = max(reminder.appointment_at, now) + keep_for
        item = _to_attributes(
            {
                "pk": _line_key(reminder.to_phone_number),
                "reminder_id": reminder.reminder_id,
                "reminder": reminder.reminder().model_dump_json(),
                "attempt": attempt,
                "claimed_until": int(claimed_until.timestamp()),
                "expires_at": int(expires_at.timestamp()),
            }
        )
        return {
            "TableName": self.table_name,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(pk) OR claimed_until < :now"
            " OR (reminder_id = :reminder AND attempt = :attempt)",
            "ExpressionAttributeValues": {
                ":now": {"N": str(int(now.timestamp()))},
                ":reminder": {"S": reminder.reminder_id},
                ":attempt": {"N": str(attempt)},
            },
        }

    def _not_listed(self, number: str) -> dict[str, Any]:
        """A transaction's check that ``number`` is not on the do-not-call list (no request of its own)."""
        return {
            "TableName": self.table_name,
            "Key": {"pk": {"S": OPTOUT_PREFIX + phone.normalize(number)}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }

    def find_line(self, number: str) -> LineClaim | None:
        """The reminder a number is about (live call or pending callback), or ``None``."""
        # Consistent: the webhook reads the claim the dialer wrote a second earlier, before the phone rang.
        response = self.client.get_item(
            TableName=self.table_name, Key={"pk": {"S": _line_key(number)}}, ConsistentRead=True
        )
        item = response.get("Item")
        if item is None:
            return None
        values = _from_attributes(item)
        if int(values["expires_at"]) < self._now().timestamp():
            return None  # TTL deletes lazily: an expired item may still be read
        return LineClaim(
            number=number,
            reminder=Reminder.model_validate_json(values["reminder"]),
            attempt=int(values["attempt"]),
            claimed_until=datetime.fromtimestamp(int(values["claimed_until"]), tz=self._now().tzinfo),
        )

    def end_line_claim(self, number: str, reminder_id: str, attempt: int) -> None:
        """The attempt's call is over (unanswered): the number is free for the next call, the item stays."""
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.update_item(
                TableName=self.table_name,
                Key={"pk": {"S": _line_key(number)}},
                UpdateExpression="SET claimed_until = :ended",
                ConditionExpression="reminder_id = :reminder AND attempt = :attempt",
                ExpressionAttributeValues={
                    ":ended": {"N": str(int(self._now().timestamp()) - 1)},
                    ":reminder": {"S": reminder_id},
                    ":attempt": {"N": str(attempt)},
                },
            )

    def release_line(self, number: str, reminder_id: str) -> None:
        """Forget the number's reminder once decided; a line since claimed by another reminder is kept."""
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.delete_item(
                TableName=self.table_name,
                Key={"pk": {"S": _line_key(number)}},
                ConditionExpression="reminder_id = :reminder",
                ExpressionAttributeValues={":reminder": {"S": reminder_id}},
            )

    # The calls-per-second cap, shared by every dialer instance.

    def take_dial_slot(self, calls_per_second: int) -> bool:
        """Count one call in the current second; ``False`` if the second already has its ``calls_per_second``."""
        second = int(self._now().timestamp())
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key={"pk": {"S": f"RATE#{second}"}},
                UpdateExpression="ADD dials :one SET expires_at = :expires",
                ConditionExpression="attribute_not_exists(dials) OR dials < :cap",
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":cap": {"N": str(calls_per_second)},
                    ":expires": {"N": str(second + 3600)},
                },
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    # Internals.

    def _update(
        self,
        reminder_id: str,
        update: str,
        condition: str,
        values: dict[str, Any],
        *,
        names: dict[str, str] | None = None,
    ) -> ReminderRecord | None:
        """One conditional UpdateItem on a reminder; the new record, or ``None`` if the condition failed."""
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": {"pk": {"S": _reminder_key(reminder_id)}},
            "UpdateExpression": update,
            "ConditionExpression": f"attribute_exists(pk) AND ({condition})",
            "ExpressionAttributeValues": values,
            "ReturnValues": "ALL_NEW",
        }
        names = dict(names or {})
        if "#status" in update or "#status" in condition:
            names["#status"] = "status"  # "status" is a reserved word
        if names:
            request["ExpressionAttributeNames"] = names
        try:
            response = self.client.update_item(**request)
        except self.client.exceptions.ConditionalCheckFailedException:
            return None
        return record_from_item(response["Attributes"])

    # Mailboxes: an attempt that reached one and is not the last (reminders.conversation.voicemail decides), and the
    # callee who calls back after the last one's message.

    def reopen_for_callback(self, reminder_id: str, attempts: int) -> ReminderRecord | None:
        """Reopen a reminder closed as ``voicemail`` for the callback its callee asked for by calling in.

        The outcome goes (the callback call writes the new one); ``attempts`` is what the reopening was
        decided on. ``None`` if the reminder is no longer closed as ``voicemail`` with that many attempts
        (reopened by a concurrent callback message, or never closed so).
        """
        now = self._now()
        return self._update(
            reminder_id,
            "SET #status = :scheduled, call_at = :now, updated_at = :now, history = list_append(history, :entry)"
            " REMOVE outcome, outcome_via, outcome_session_id, decided_at",
            "#status = :voicemail AND attempts = :attempts",
            {
                ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
                ":voicemail": {"S": ReminderStatus.VOICEMAIL.value},
                ":attempts": {"N": str(attempts)},
                ":now": {"S": now.isoformat()},
                ":entry": _history("reopened", now, "the callee called back after the mailbox message"),
            },
        )

    def record_voicemail(self, reminder_id: str, attempt: int, session_id: str) -> bool:
        """Note that ``attempt`` reached a mailbox and left the message; the reminder stays open for a retry.

        ``voicemail_attempt`` tells the dialer's answer check that the answered attempt is over and another
        follows. ``False`` if the attempt was noted before or the reminder was closed meanwhile.
        """
        now = self._now()
        return (
            self._update(
                reminder_id,
                "SET voicemail_attempt = :attempt, updated_at = :now, history = list_append(history, :entry)",
                "(attribute_not_exists(voicemail_attempt) OR voicemail_attempt < :attempt)"
                " AND #status IN (:scheduled, :calling)",
                {
                    ":attempt": {"N": str(attempt)},
                    ":now": {"S": now.isoformat()},
                    ":entry": _history("voicemail", now, f"attempt {attempt}, session {session_id}: message left"),
                    ":scheduled": {"S": _OPEN[0]},
                    ":calling": {"S": _OPEN[1]},
                },
            )
            is not None
        )


def _reminder_key(reminder_id: str) -> str:
    return f"{REMINDER_KEY_PREFIX}{reminder_id}"


def _line_key(number: str) -> str:
    return f"LINE#{phone.normalize(number)}"


def record_from_item(item: dict[str, Any]) -> ReminderRecord:
    """A reminder from its DynamoDB item: a read's answer or an image of the table's change stream."""
    values = _from_attributes(item)
    values.pop("pk", None)
    return ReminderRecord.model_validate(json.loads(json.dumps(values, default=_number)))


def _number(value: Any) -> Any:
    # TypeDeserializer gives Decimal for numbers; the record's numbers are all integers.
    return int(value)


def _dynamodb_client() -> Any:
    import boto3  # deferred: tests pass their own client

    return boto3.client("dynamodb")
