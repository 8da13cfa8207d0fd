"""Lines: one live call per number, and how the webhook finds the reminder of a call.

A ``LINE#<the number's keyed hash>`` item (:mod:`reminders.store.number_keys`) names the reminder its
number is being called about, with a copy of it (the webhook's ``session_start`` reads that copy, not the
reminder), the attempt, the live-call claim (``claimed_until``) and an expiry (``expires_at``, TTL, a day
after the appointment: within the reminder's retention, which is a day at least). The dial's claim writes it
(:func:`line_claim_put`, a part of :meth:`reminders.store.dial_claims.DialClaims.claim_attempt`); a
decision ends the claim or deletes the item (:func:`line_release_part`, a part of
:meth:`reminders.store.outcomes.CallOutcomes.record_outcome`, or :class:`CallLines` on its own).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from reminders.model.reminder import Reminder, ReminderRecord
from reminders.store.items import from_attributes, line_key, to_attributes
from reminders.store.number_keys import NumberKeys
from reminders.store.table import ReminderTable

__all__ = ["CallLines", "LineClaim", "LineRelease", "line_claim_put", "line_release_part"]


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


def line_claim_put(
    table_name: str,
    number_keys: NumberKeys,
    reminder: ReminderRecord,
    attempt: int,
    now: datetime,
    *,
    claim_for: timedelta,
    keep_for: timedelta,
) -> dict[str, Any]:
    """The callee's number for this attempt's call (a transaction's ``Put``), refused while another call's
    claim holds it.

    Another call is another reminder's or another attempt of this one: only the same attempt may claim
    again (its message redelivered after the attempt was given back). The claim ends by itself after
    ``claim_for`` (a lost call never blocks the number for long) or when the answer check finds the
    call unanswered (:meth:`CallLines.end_line_claim`); the item stays until ``keep_for`` after the
    appointment so that a callback still finds the reminder.
    """
    claimed_until = now + claim_for
    expires_at = max(reminder.appointment_at, now) + keep_for
    item = to_attributes(
        {
            "pk": line_key(reminder.to_phone_number, number_keys),
            "reminder_id": reminder.reminder_id,
            "reminder": reminder.reminder().model_dump_json(),
            "attempt": attempt,
            "claimed_until": int(claimed_until.timestamp()),
            "expires_at": int(expires_at.timestamp()),
        }
    )
    return {
        "TableName": table_name,
        "Item": item,
        "ConditionExpression": "attribute_not_exists(pk) OR claimed_until < :now"
        " OR (reminder_id = :reminder AND attempt = :attempt)",
        "ExpressionAttributeValues": {
            ":now": {"N": str(int(now.timestamp()))},
            ":reminder": {"S": reminder.reminder_id},
            ":attempt": {"N": str(attempt)},
        },
    }


def line_release_part(
    table_name: str, number_keys: NumberKeys, reminder_id: str, line: LineRelease, now: datetime
) -> dict[str, Any]:
    """The line's part of a decision's transaction (see :meth:`CallLines.release_line` and
    :meth:`CallLines.end_line_claim`)."""
    if line.keep_item_of_attempt is None:
        return {
            "Delete": {
                "TableName": table_name,
                "Key": {"pk": {"S": line_key(line.number, number_keys)}},
                "ConditionExpression": "attribute_not_exists(pk) OR reminder_id = :reminder",
                "ExpressionAttributeValues": {":reminder": {"S": reminder_id}},
            }
        }
    key = line_key(line.number, number_keys)
    return {"Update": _claim_ended(table_name, key, reminder_id, line.keep_item_of_attempt, now)}


def _claim_ended(table_name: str, key: str, reminder_id: str, attempt: int, now: datetime) -> dict[str, Any]:
    """The update that ends ``attempt``'s claim of the number and keeps the item; refused if the line names
    another reminder or attempt, or is gone (an update would create a stub line item: a missing line stays so)."""
    return {
        "TableName": table_name,
        "Key": {"pk": {"S": key}},
        "UpdateExpression": "SET claimed_until = :ended",
        "ConditionExpression": "reminder_id = :reminder AND attempt = :attempt",
        "ExpressionAttributeValues": {
            ":ended": {"N": str(int(now.timestamp()) - 1)},
            ":reminder": {"S": reminder_id},
            ":attempt": {"N": str(attempt)},
        },
    }


class CallLines(ReminderTable):
    """The repository's reads and writes of the ``LINE#`` items outside the dial's and a decision's transactions."""

    def find_line(self, number: str) -> LineClaim | None:
        """The reminder a number is about (live call or pending callback), or ``None``."""
        # Consistent: the webhook reads the claim the dialer wrote a second earlier, before the phone rang.
        response = self.client.get_item(
            TableName=self.table_name, Key={"pk": {"S": line_key(number, self.number_keys)}}, ConsistentRead=True
        )
        item = response.get("Item")
        if item is None:
            return None
        values = from_attributes(item)
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
            key = line_key(number, self.number_keys)
            self.client.update_item(**_claim_ended(self.table_name, key, reminder_id, attempt, self._now()))

    def release_line(self, number: str, reminder_id: str) -> None:
        """Forget the number's reminder once decided; a line since claimed by another reminder is kept."""
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.delete_item(
                TableName=self.table_name,
                Key={"pk": {"S": line_key(number, self.number_keys)}},
                ConditionExpression="reminder_id = :reminder",
                ExpressionAttributeValues={":reminder": {"S": reminder_id}},
            )
