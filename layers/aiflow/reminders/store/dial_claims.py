"""The dial's writes: the claim of an attempt (one transaction), its release, and the calls-per-second slot.

The claim is the exactly-once guard of dialling: the attempt on the reminder, the callee's line
(:func:`reminders.store.lines.line_claim_put`) and the do-not-call check
(:func:`reminders.store.do_not_call.not_listed_check`) are written in one ``TransactWriteItems``, so a
refused part writes nothing. ``RATE#<epoch second>`` items count the calls placed in each second, shared by
every dialer instance.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiflow import CancellationReasons
from reminders.model.history import HistoryEvent
from reminders.model.reminder import HistoryEntry, ReminderRecord, ReminderStatus
from reminders.store.do_not_call import not_listed_check
from reminders.store.errors import LineBusy, NumberOptedOut, ReminderMovedOn
from reminders.store.items import history_attribute, record_from_item, reminder_key, status_shard_values
from reminders.store.lines import line_claim_put
from reminders.store.table import ReminderTable

__all__ = ["DialClaims"]


class DialClaims(ReminderTable):
    """The repository's part that claims and gives back dial attempts, and counts calls per second."""

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
        :class:`LineBusy` (see :func:`~reminders.store.lines.line_claim_put`), in that order when several hold.
        """
        now = self._now()
        entry = HistoryEntry(at=now, event=HistoryEvent.DIALLING, detail=f"attempt {attempt}")
        line = line_claim_put(
            self.table_name, self.number_keys, seen, attempt, now, claim_for=claim_line_for, keep_for=keep_line_for
        )
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {"Update": self._attempt_claim(seen, attempt, entry)},
                    {"Put": line},
                    {"ConditionCheck": not_listed_check(self.table_name, self.number_keys, seen.to_phone_number)},
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
            "Key": {"pk": {"S": reminder_key(seen.reminder_id)}},
            "UpdateExpression": "SET attempts = :attempt, #status = :calling, status_shard = :status_shard,"
            " attempt_started_at = :now, updated_at = :now, history = list_append(history, :entry)",
            "ConditionExpression": "attempts = :previous AND #status = :scheduled AND size(history) = :seen",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":attempt": {"N": str(attempt)},
                ":previous": {"N": str(attempt - 1)},
                ":calling": {"S": ReminderStatus.CALLING.value},
                ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
                ":seen": {"N": str(len(seen.history))},
                ":now": {"S": entry.at.isoformat()},
                ":entry": history_attribute(entry.event, entry.at, entry.detail),
                **status_shard_values(seen.reminder_id, ReminderStatus.CALLING),
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
                "SET attempts = :previous, #status = :scheduled, status_shard = :status_shard, updated_at = :now,"
                " history = list_append(history, :entry)",
                "attempts = :attempt AND #status = :calling AND answered_attempt < :attempt",
                {
                    ":attempt": {"N": str(attempt)},
                    ":previous": {"N": str(attempt - 1)},
                    ":calling": {"S": ReminderStatus.CALLING.value},
                    ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
                    ":now": {"S": now.isoformat()},
                    ":entry": history_attribute(HistoryEvent.NOT_PLACED, now, f"attempt {attempt}: {reason}"),
                    **status_shard_values(reminder_id, ReminderStatus.SCHEDULED),
                },
            )
            is not None
        )

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
