"""What every part of the repository shares: the table, its client, the clock, and the conditional update.

:class:`ReminderTable` is the base of the repository's parts (:mod:`reminders.store.repository` puts them
together): each part adds the writes of one concern and speaks to DynamoDB through ``self.client``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from reminders.model.reminder import ReminderRecord, utc_now
from reminders.model.retention import Retention
from reminders.store.items import record_from_item, reminder_key
from reminders.store.number_keys import NO_NUMBER_KEYS, NumberKeys

__all__ = ["ReminderTable"]


class ReminderTable:
    """The reminders' table, its client, the clock every write stamps its time with, the keys of numbers
    (:mod:`reminders.store.number_keys`) and how long a reminder is kept (:mod:`reminders.model.retention`).

    Without ``number_keys`` nothing can be found by number: the dial's claim, the lines and the do-not-call
    list raise :class:`~reminders.store.number_keys.NumberKeysMissing`.
    """

    def __init__(
        self,
        table_name: str,
        *,
        client: Any = None,
        clock: Callable[[], datetime] = utc_now,
        number_keys: NumberKeys = NO_NUMBER_KEYS,
        retention: Retention = Retention(),  # noqa: B008 - frozen
    ) -> None:
        if not table_name:
            raise ValueError("table_name is required")
        self.table_name = table_name
        self.client = client if client is not None else _dynamodb_client()
        self._now = clock
        self.number_keys = number_keys
        self.retention = retention

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
            "Key": {"pk": {"S": reminder_key(reminder_id)}},
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


def _dynamodb_client() -> Any:
    import boto3  # deferred: tests pass their own client

    return boto3.client("dynamodb")
