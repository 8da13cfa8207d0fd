"""Erasure: every item of a reminder, or of a phone number's reminders, deleted (GDPR art. 17).

A reminder's personal data lies in its item (``REMINDER#<id>``: the number, the name, the appointment,
the history), in its line (``LINE#<hash>``: a copy of the reminder) and in the state of its calls
(``SESSION#<session id>``: name, number, appointment as spoken). :meth:`Erasure.erase_reminder` deletes
all three; the sessions are the ones its history names (every answered call notes its session). A
number's reminders are found through the ``by-callee`` index, keyed by the number's keyed hash
(:mod:`reminders.store.number_keys`), and each is erased so; the number's line goes whichever reminder
it names.

What stays: the do-not-call entry (``OPTOUT#<hash>``, no number in it), so that an erased number that
opted out is still never rung; ``RATE#`` counters (no personal data); the state of an inbound call
(which names no reminder: it expires by its TTL a day after the call). What the schedules hold is the
Scheduler's: :class:`reminders.aws.erasure.Eraser` deletes them with the items.

A message already on its way for an erased reminder finds nothing (a dial is rejected as unknown), except
a dial message that carries the whole reminder, which stores it again, as it would any new reminder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reminders.model.reminder import ReminderRecord
from reminders.store.do_not_call import OPTOUT_PREFIX
from reminders.store.items import (
    CALLEE_INDEX,
    SESSION_KEY_PREFIX,
    line_key,
    record_from_item,
    reminder_key,
)
from reminders.store.table import ReminderTable

__all__ = ["Erased", "Erasure"]

# How the history names a call's session: "attempt 1, session <id>" (outcomes.py), "... session <id>: ...".
_SESSION_IN_HISTORY = re.compile(r"\bsession ([^\s,:;]+)")


@dataclass
class Erased:
    """What an erasure deleted (keys hold no number), and whether a do-not-call entry stays."""

    reminder_ids: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    schedule_names: list[str] = field(default_factory=list)  # the reminders' own (the Eraser lists the rest)
    do_not_call_kept: bool = False

    def add(self, other: Erased) -> None:
        self.reminder_ids += other.reminder_ids
        self.keys += other.keys
        self.schedule_names += other.schedule_names
        self.do_not_call_kept = self.do_not_call_kept or other.do_not_call_kept


class Erasure(ReminderTable):
    """The repository's part that deletes a reminder's items, or those of a number's reminders."""

    def erase_reminder(self, reminder_id: str) -> Erased:
        """Delete the reminder, its line (if it names this reminder) and its calls' states; empty if unknown."""
        item = self.client.get_item(
            TableName=self.table_name, Key={"pk": {"S": reminder_key(reminder_id)}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return Erased()
        record = record_from_item(item)
        erased = Erased(reminder_ids=[reminder_id])
        if record.schedule_name:
            erased.schedule_names.append(record.schedule_name)
        line = line_key(record.to_phone_number, self.number_keys)
        try:
            self.client.delete_item(
                TableName=self.table_name,
                Key={"pk": {"S": line}},
                ConditionExpression="reminder_id = :reminder",
                ExpressionAttributeValues={":reminder": {"S": reminder_id}},
            )
            erased.keys.append(line)
        except self.client.exceptions.ConditionalCheckFailedException:
            pass  # no line, or another reminder's: erase_number takes it when the number goes
        for key in [SESSION_KEY_PREFIX + session for session in _sessions_of(record)]:
            if "Attributes" in self.client.delete_item(
                TableName=self.table_name, Key={"pk": {"S": key}}, ReturnValues="ALL_OLD"
            ):
                erased.keys.append(key)
        # The reminder last: a failure above leaves it, and the erasure can be repeated.
        self.client.delete_item(TableName=self.table_name, Key={"pk": {"S": reminder_key(reminder_id)}})
        erased.keys.append(reminder_key(reminder_id))
        return erased

    def erase_number(self, number: str) -> Erased:
        """Erase every reminder of ``number`` and its line; the do-not-call entry, if any, stays."""
        callee = self.number_keys(number)
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table_name,
            IndexName=CALLEE_INDEX,
            KeyConditionExpression="callee = :callee",
            ExpressionAttributeValues={":callee": {"S": callee}},
        )
        erased = Erased()
        for page in pages:
            for item in page.get("Items", []):
                erased.add(self.erase_reminder(item["pk"]["S"].split("#", 1)[1]))
        line = line_key(number, self.number_keys)
        if "Attributes" in self.client.delete_item(
            TableName=self.table_name, Key={"pk": {"S": line}}, ReturnValues="ALL_OLD"
        ):
            erased.keys.append(line)
        listed = self.client.get_item(TableName=self.table_name, Key={"pk": {"S": OPTOUT_PREFIX + callee}})
        erased.do_not_call_kept = "Item" in listed
        return erased


def _sessions_of(record: ReminderRecord) -> set[str]:
    """The sessions of the reminder's calls: the deciding one and every one its history names."""
    sessions = {record.outcome_session_id} if record.outcome_session_id else set()
    for entry in record.history:
        sessions.update(_SESSION_IN_HISTORY.findall(entry.detail or ""))
    return sessions
