"""How the reminders' table spells things: the keys, the indexes, and the (de)serialisation of its items.

Every part of the repository writes and reads items through these, so that a reminder, a history entry
and a key are spelled one way.

The ``by-status-shard`` index lists reminders by status without a hot partition: its partition key is
``status_shard``, the status and one of :data:`STATUS_SHARDS` shards fixed by the reminder id
(``scheduled#07``), so a bulk import's writes of ``scheduled`` spread over sixteen index partitions, and
a reader of one status queries the sixteen (in parallel). Every write of ``status`` writes
``status_shard`` with it (:func:`status_shard_values`). The ``by-callee`` index (``callee``, the number's
keyed hash, :mod:`reminders.store.number_keys`) finds a number's reminders for erasure.

Numbers come back from DynamoDB as ``Decimal``; a reminder's numbers are all integers, and
:func:`record_from_item` reads them so.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from reminders.model.history import HistoryEvent
from reminders.model.reminder import ReminderRecord, ReminderStatus
from reminders.store.number_keys import NumberKeys

__all__ = [
    "CALLEE_INDEX",
    "LINE_KEY_PREFIX",
    "REMINDER_KEY_PREFIX",
    "SESSION_KEY_PREFIX",
    "STATUS_INDEX",
    "STATUS_SHARDS",
    "attribute",
    "from_attributes",
    "history_attribute",
    "line_key",
    "record_from_item",
    "reminder_key",
    "status_shard",
    "status_shard_values",
    "status_shards",
    "to_attributes",
]

STATUS_INDEX = "by-status-shard"
STATUS_SHARDS = 16  # write capacity of one status: 16 index partitions (1,000 writes/s each)
CALLEE_INDEX = "by-callee"
REMINDER_KEY_PREFIX = "REMINDER#"
LINE_KEY_PREFIX = "LINE#"
SESSION_KEY_PREFIX = "SESSION#"  # aiflow.DynamoDBSessionStore's default
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def reminder_key(reminder_id: str) -> str:
    return f"{REMINDER_KEY_PREFIX}{reminder_id}"


def line_key(number: str, number_keys: NumberKeys) -> str:
    return f"{LINE_KEY_PREFIX}{number_keys(number)}"


def status_shard(reminder_id: str, status: ReminderStatus) -> str:
    """The reminder's ``status_shard``: its status and its shard (the same for every status it has)."""
    shard = int.from_bytes(hashlib.sha256(reminder_id.encode()).digest()[:4], "big") % STATUS_SHARDS
    return f"{status.value}#{shard:02d}"


def status_shards(status: ReminderStatus) -> list[str]:
    """Every ``status_shard`` of ``status``: the index partitions a reader of that status queries."""
    return [f"{status.value}#{shard:02d}" for shard in range(STATUS_SHARDS)]


def status_shard_values(reminder_id: str, status: ReminderStatus) -> dict[str, Any]:
    """``:status_shard`` for an update that sets ``status``: it says ``status_shard = :status_shard`` too."""
    return {":status_shard": {"S": status_shard(reminder_id, status)}}


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
