"""A reminder's life outside its calls: stored, read, listed, moved, changed, cancelled, noted.

Every write here is conditional on what the caller decided on (the id is new, the reminder is still
``scheduled`` with that many attempts, still open), so that a late write never disturbs a call in progress
or a decision. The index ``by-status-shard`` (``status_shard``, ``call_at``) lists reminders by status,
each status over :data:`~reminders.store.items.STATUS_SHARDS` partitions (:mod:`reminders.store.items`):
:meth:`ReminderLifecycle.list` queries them side by side.

Every reminder is stored with what the table needs beside it: its ``status_shard``, ``callee`` (the keyed
hash of its number, for the ``by-callee`` index) and ``expires_at`` (the TTL: the repository's retention
after the appointment, :mod:`reminders.model.retention`); a change of its number or appointment moves both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from aiflow import CancellationReasons
from reminders.model.history import Canceller, HistoryEvent
from reminders.model.reminder import HistoryEntry, Reminder, ReminderRecord, ReminderStatus
from reminders.store.do_not_call import not_listed_check
from reminders.store.errors import NumberOptedOut
from reminders.store.items import (
    REMINDER_KEY_PREFIX,
    STATUS_INDEX,
    attribute,
    history_attribute,
    record_from_item,
    reminder_key,
    status_shard,
    status_shard_values,
    status_shards,
    to_attributes,
)
from reminders.store.table import ReminderTable

__all__ = ["ReminderLifecycle"]

_LARGEST_UTC_OFFSET = timedelta(hours=14)  # Pacific/Kiritimati
_SMALLEST_UTC_OFFSET = timedelta(hours=-12)  # Etc/GMT+12
_SHARD_READERS = 8  # threads querying a status's shards (botocore's pool keeps 10 connections)


class ReminderLifecycle(ReminderTable):
    """The repository's part that stores, reads and changes reminders between their calls."""

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
                TransactItems=[
                    {"Put": put},
                    {"ConditionCheck": not_listed_check(self.table_name, self.number_keys, reminder.to_phone_number)},
                ]
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
        item = to_attributes(
            {
                "pk": reminder_key(reminder.reminder_id),
                **record.model_dump(mode="json"),
                "status_shard": status_shard(reminder.reminder_id, record.status),
                **self._kept_by(reminder),
            }
        )
        detail = f"call at {record.call_at.isoformat()}"
        item["history"] = history_attribute(HistoryEvent.SCHEDULED, now, detail)
        record.history = [HistoryEntry(at=now, event=HistoryEvent.SCHEDULED, detail=detail)]
        return record, item

    def _kept_by(self, reminder: Reminder) -> dict[str, Any]:
        """The attributes that follow the reminder's number and appointment: ``callee`` and ``expires_at``."""
        return {
            "callee": self.number_keys(reminder.to_phone_number),
            "expires_at": self.retention.expires_at(reminder.appointment_at),
        }

    def get(self, reminder_id: str) -> ReminderRecord | None:
        response = self.client.get_item(
            TableName=self.table_name, Key={"pk": {"S": reminder_key(reminder_id)}}, ConsistentRead=True
        )
        item = response.get("Item")
        return record_from_item(item) if item else None

    def list(
        self, status: ReminderStatus | None = None, *, due_by: datetime | None = None, since: datetime | None = None
    ) -> Iterator[ReminderRecord]:
        """Every reminder, or those with ``status`` (by the local call time); with ``due_by``, only those due by then,
        with ``since`` (and ``due_by``), only those due from then on.

        A status is read from its index shards side by side (one query each, ordered by the local call
        time within a shard, not across them). ``call_at`` is kept with the callee's UTC offset, so the
        index orders by local wall-clock time: the query reads from ``since`` less the smallest offset there
        is (-12:00) up to ``due_by`` plus the largest (+14:00), and the exact cut follows.
        """
        if status is None:
            pages = self.client.get_paginator("scan").paginate(
                TableName=self.table_name,
                FilterExpression="begins_with(pk, :prefix)",
                ExpressionAttributeValues={":prefix": {"S": REMINDER_KEY_PREFIX}},
            )
            items: Iterator[dict[str, Any]] = (item for page in pages for item in page.get("Items", []))
        else:
            with ThreadPoolExecutor(max_workers=_SHARD_READERS, thread_name_prefix="shard") as readers:
                shards = list(readers.map(lambda shard: self._query_shard(shard, due_by, since), status_shards(status)))
            items = (item for shard in shards for item in shard)
        for item in items:
            record = record_from_item(item)
            if _due_between(record, since, due_by):
                yield record

    def _query_shard(self, shard: str, due_by: datetime | None, since: datetime | None) -> Sequence[dict[str, Any]]:
        """Every item of one index shard, or those whose local call time can be due by ``due_by`` (from ``since``)."""
        condition, values = "status_shard = :shard", {":shard": {"S": shard}}
        if due_by is not None:
            local_bound = (due_by.astimezone(UTC) + _LARGEST_UTC_OFFSET).replace(tzinfo=None).isoformat()
            values[":bound"] = {"S": local_bound + "~"}  # "~" sorts after any offset or fraction
            if since is None:
                condition += " AND call_at <= :bound"
            else:
                condition += " AND call_at BETWEEN :since AND :bound"
                values[":since"] = {
                    "S": (since.astimezone(UTC) + _SMALLEST_UTC_OFFSET).replace(tzinfo=None).isoformat()
                }
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table_name,
            IndexName=STATUS_INDEX,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
        )
        return [item for page in pages for item in page.get("Items", [])]

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
            ":entry": history_attribute(HistoryEvent.RESCHEDULED, now, f"{reason}; call at {call_at.isoformat()}"),
            ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
            ":from": {"S": from_status.value},
        }
        values.update(status_shard_values(reminder_id, ReminderStatus.SCHEDULED))
        assignment = (
            "SET call_at = :call_at, #status = :scheduled, status_shard = :status_shard, updated_at = :now,"
            " history = list_append(history, :entry)"
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
        fields = {**reminder.model_dump(mode="json", exclude={"reminder_id"}), **self._kept_by(reminder)}
        names = {f"#f{index}": name for index, name in enumerate(fields)}
        values: dict[str, Any] = {
            ":attempts": {"N": str(attempts)},
            ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
            ":now": {"S": now.isoformat()},
            ":entry": history_attribute(HistoryEvent.UPDATED, now, reason),
        }
        assignments = ["updated_at = :now", "history = list_append(history, :entry)"]
        removals = []
        for alias, name in names.items():
            if fields[name] is None:
                removals.append(alias)
            else:
                values[f":v{alias[2:]}"] = attribute(fields[name])
                assignments.append(f"{alias} = :v{alias[2:]}")
        if schedule_name is not None:
            assignments.append("schedule_name = :schedule")
            values[":schedule"] = {"S": schedule_name}
        update = "SET " + ", ".join(assignments) + (" REMOVE " + ", ".join(removals) if removals else "")
        return self._update(
            reminder.reminder_id, update, "#status = :scheduled AND attempts = :attempts", values, names=names
        )

    def cancel(self, reminder_id: str, *, by: Canceller = Canceller.OPERATOR) -> bool:
        """An operator (or a ``cancel`` message) withdraws the reminder before it is decided; ``False`` if it is
        decided already."""
        now = self._now()
        return (
            self._update(
                reminder_id,
                "SET #status = :cancelled, status_shard = :status_shard, updated_at = :now,"
                " history = list_append(history, :entry)",
                "#status IN (:scheduled, :calling)",
                {
                    ":cancelled": {"S": ReminderStatus.CANCELLED.value},
                    ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
                    ":calling": {"S": ReminderStatus.CALLING.value},
                    ":now": {"S": now.isoformat()},
                    ":entry": history_attribute(HistoryEvent.cancelled_by(by), now),
                    **status_shard_values(reminder_id, ReminderStatus.CANCELLED),
                },
            )
            is not None
        )

    def note(self, reminder_id: str, event: HistoryEvent, detail: str | None = None) -> None:
        """Append an entry to the reminder's history; nothing happens to a reminder the table lacks."""
        now = self._now()
        self._update(
            reminder_id,
            "SET updated_at = :now, history = list_append(history, :entry)",
            "attribute_exists(pk)",
            {":now": {"S": now.isoformat()}, ":entry": history_attribute(event, now, detail)},
        )


def _due_between(record: ReminderRecord, since: datetime | None, due_by: datetime | None) -> bool:
    if due_by is None:
        return True
    return record.call_at is not None and (since is None or since <= record.call_at) and record.call_at <= due_by
