"""How the reminders' table spells things: the keys, the index, and the (de)serialisation of its items.

Every part of the repository writes and reads items through these, so that a reminder, a history entry
and a key are spelled one way. Numbers come back from DynamoDB as ``Decimal``; a reminder's numbers are
all integers, and :func:`record_from_item` reads them so.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from aiflow import phone
from reminders.model.history import HistoryEvent
from reminders.model.reminder import ReminderRecord

__all__ = [
    "REMINDER_KEY_PREFIX",
    "STATUS_INDEX",
    "attribute",
    "from_attributes",
    "history_attribute",
    "line_key",
    "record_from_item",
    "reminder_key",
    "to_attributes",
]

STATUS_INDEX = "by-status"
REMINDER_KEY_PREFIX = "REMINDER#"
_LINE_KEY_PREFIX = "LINE#"
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def reminder_key(reminder_id: str) -> str:
    return f"{REMINDER_KEY_PREFIX}{reminder_id}"


def line_key(number: str) -> str:
    return f"{_LINE_KEY_PREFIX}{phone.normalize(number)}"


def attribute(value: Any) -> dict[str, Any]:
    """One value as a DynamoDB attribute (``{"S": ...}``, ``{"N": ...}``, ...)."""
    serialized: dict[str, Any] = _serializer.serialize(value)
    return serialized


def to_attributes(values: dict[str, Any]) -> dict[str, Any]:
    """An item from plain values; ``None`` values are left out (DynamoDB keeps no empty attributes)."""
    return {name: attribute(value) for name, value in values.items() if value is not None}


def from_attributes(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def history_attribute(event: HistoryEvent, at: datetime, detail: str | None = None) -> dict[str, Any]:
    """A one-entry history list, for ``list_append(history, ...)`` or a new item's ``history``."""
    entry = {"at": at.isoformat(), "event": event.value}
    if detail:
        entry["detail"] = detail
    return {"L": [{"M": to_attributes(entry)}]}


def record_from_item(item: dict[str, Any]) -> ReminderRecord:
    """A reminder from its DynamoDB item: a read's answer or an image of the table's change stream."""
    values = from_attributes(item)
    values.pop("pk", None)
    return ReminderRecord.model_validate(json.loads(json.dumps(values, default=_number)))


def _number(value: Any) -> Any:
    # TypeDeserializer gives Decimal for numbers; the record's numbers are all integers.
    return int(value)
