"""The do-not-call list: numbers whose owners asked for no more automated calls.

One item per number in the reminders' table, ``OPTOUT#<the number's keyed hash>``
(:mod:`reminders.store.number_keys`); the entry holds no number, so it is the one trace of a number that
erasure (:mod:`reminders.store.erasure`) keeps, and no TTL ends it: an opt-out stands until an operator
removes it. Who reads and writes it:

- the conversation adds the callee's number when they opt out in a call (``source="call"``);
- the dialer's claim checks it in its transaction (:func:`not_listed_check`) and closes a listed reminder
  ``opted_out``;
- ``schedule`` and ``import`` refuse a listed number (:mod:`reminders.scheduling`), for a new reminder in
  the request that stores it (:func:`not_listed_check` again);
- the CLI's ``optout add|remove|list`` manages the list (``source="operator"``); the list shows each
  entry's hash, since no number is kept to show.

Numbers are normalised with :func:`aiflow.phone.normalize` before they are hashed, so ``+49 157 ...``,
``0049157...`` and ``49157...`` are one entry. A number is never logged here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from reminders.model.reminder import utc_now
from reminders.store.number_keys import NumberKeys

__all__ = ["OPTOUT_PREFIX", "DoNotCallEntry", "DoNotCallList", "Source", "not_listed_check"]

OPTOUT_PREFIX = "OPTOUT#"

type Source = Literal["call", "operator"]


class DoNotCallEntry(BaseModel):
    """One listed number, as stored: its keyed hash, never the number."""

    number_hash: str
    added_at: datetime
    source: Source
    reminder_id: str | None = None  # the reminder whose call the callee opted out in
    session_id: str | None = None


class DoNotCallList:
    """The ``OPTOUT#`` items of the reminders' table."""

    def __init__(
        self, table_name: str, *, client: Any, number_keys: NumberKeys, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.table_name = table_name
        self.client = client
        self._keys = number_keys
        self._now = clock

    def add(
        self, number: str, *, source: Source, reminder_id: str | None = None, session_id: str | None = None
    ) -> bool:
        """List ``number``; ``False`` (and the first entry kept) if it is listed already."""
        entry = DoNotCallEntry(
            number_hash=self._keys(number),
            added_at=self._now(),
            source=source,
            reminder_id=reminder_id,
            session_id=session_id,
        )
        item = {"pk": {"S": OPTOUT_PREFIX + entry.number_hash}}
        for name, value in entry.model_dump(mode="json", exclude_none=True).items():
            item[name] = {"S": str(value)}
        try:
            self.client.put_item(TableName=self.table_name, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def remove(self, number: str) -> bool:
        """Take ``number`` off the list; ``False`` if it was not on it."""
        response = self.client.delete_item(
            TableName=self.table_name, Key={"pk": {"S": _key(number, self._keys)}}, ReturnValues="ALL_OLD"
        )
        return "Attributes" in response

    def get(self, number: str) -> DoNotCallEntry | None:
        key = {"pk": {"S": _key(number, self._keys)}}
        response = self.client.get_item(TableName=self.table_name, Key=key, ConsistentRead=True)
        item = response.get("Item")
        return None if item is None else _entry(item)

    def contains(self, number: str) -> bool:
        return self.get(number) is not None

    def list(self) -> Iterator[DoNotCallEntry]:
        """Every listed number (a scan: the list is short and read by operators only)."""
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table_name,
            FilterExpression="begins_with(pk, :prefix)",
            ExpressionAttributeValues={":prefix": {"S": OPTOUT_PREFIX}},
        )
        for page in pages:
            for item in page.get("Items", []):
                yield _entry(item)


def not_listed_check(table_name: str, number_keys: NumberKeys, number: str) -> dict[str, Any]:
    """A transaction's check that ``number`` is not on the do-not-call list (no request of its own)."""
    return {
        "TableName": table_name,
        "Key": {"pk": {"S": _key(number, number_keys)}},
        "ConditionExpression": "attribute_not_exists(pk)",
    }


def _key(number: str, number_keys: NumberKeys) -> str:
    return f"{OPTOUT_PREFIX}{number_keys(number)}"


def _entry(item: dict[str, Any]) -> DoNotCallEntry:
    return DoNotCallEntry.model_validate({name: value["S"] for name, value in item.items() if name != "pk"})
