"""Bringing a table written before issue 20 up to date: hashed number keys, the sharded index, the TTL.

Before, the table kept phone numbers in clear in the keys of lines (``LINE#<E.164 digits>``) and
do-not-call entries (``OPTOUT#<E.164 digits>``, with the number in the entry), listed reminders in the
``by-status`` index by the bare status, and kept reminders for ever. :meth:`Migration.migrate` scans the
table once and, for each item written so:

- a reminder without ``status_shard``, ``callee`` or ``expires_at`` gets them (conditional on its status,
  number and appointment being as read: a reminder that changed meanwhile was written by the new code,
  which writes them itself);
- a line or a do-not-call entry under a number in clear moves to its keyed hash (the entry without its
  number); an item the new code wrote under the hash meanwhile wins, and the old one goes either way.

Everything else (sessions, rate counters, items already migrated) is left as it is, so running it again
changes nothing: ``reminders migrate`` can be repeated until it reports nothing to do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reminders.store.do_not_call import OPTOUT_PREFIX
from reminders.store.items import LINE_KEY_PREFIX, REMINDER_KEY_PREFIX, record_from_item, status_shard
from reminders.store.table import ReminderTable

__all__ = ["Migrated", "Migration"]

_NUMBER_IN_CLEAR_DIGITS = 15  # E.164's longest; a keyed hash has 64 hex digits


@dataclass
class Migrated:
    """What one migration run changed."""

    reminders: int = 0  # given status_shard, callee and expires_at
    lines: int = 0  # moved to the number's keyed hash
    do_not_call_entries: int = 0  # moved to the number's keyed hash, without the number
    changed_meanwhile: int = 0  # reminders written by the new code while the migration ran: left to it

    @property
    def anything(self) -> bool:
        return any((self.reminders, self.lines, self.do_not_call_entries))


class Migration(ReminderTable):
    """The repository's part that migrates items written the old way (see the module's docstring)."""

    def migrate(self) -> Migrated:
        migrated = Migrated()
        for item in self._every_item():
            key = item["pk"]["S"]
            if key.startswith(REMINDER_KEY_PREFIX) and not {"status_shard", "callee", "expires_at"} <= item.keys():
                if self._migrate_reminder(item):
                    migrated.reminders += 1
                else:
                    migrated.changed_meanwhile += 1
            elif _number_in_clear(key, LINE_KEY_PREFIX):
                self._rekey(item, LINE_KEY_PREFIX, key.removeprefix(LINE_KEY_PREFIX), drop=())
                migrated.lines += 1
            elif _number_in_clear(key, OPTOUT_PREFIX):
                number = key.removeprefix(OPTOUT_PREFIX)
                entry = {"number_hash": self.number_keys(number)}
                self._rekey(item, OPTOUT_PREFIX, number, drop=("number",), add=entry)
                migrated.do_not_call_entries += 1
        return migrated

    def _every_item(self) -> Iterator[dict[str, Any]]:
        for page in self.client.get_paginator("scan").paginate(TableName=self.table_name):
            yield from page.get("Items", [])

    def _migrate_reminder(self, item: dict[str, Any]) -> bool:
        record = record_from_item(item)
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key={"pk": item["pk"]},
                UpdateExpression="SET status_shard = :shard, callee = :callee, expires_at = :expires",
                ConditionExpression="#status = :status AND to_phone_number = :number AND appointment_at = :appointment",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":shard": {"S": status_shard(record.reminder_id, record.status)},
                    ":callee": {"S": self.number_keys(record.to_phone_number)},
                    ":expires": {"N": str(self.retention.expires_at(record.appointment_at))},
                    ":status": item["status"],
                    ":number": item["to_phone_number"],
                    ":appointment": item["appointment_at"],
                },
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def _rekey(
        self,
        item: dict[str, Any],
        prefix: str,
        number: str,
        *,
        drop: tuple[str, ...],
        add: dict[str, str] | None = None,
    ) -> None:
        """Put ``item`` under the number's keyed hash (unless one is there) and delete it under the number."""
        moved = {name: value for name, value in item.items() if name not in drop}
        moved.update({name: {"S": value} for name, value in (add or {}).items()})
        moved["pk"] = {"S": prefix + self.number_keys(number)}
        # Refused if the new code wrote it under the hash meanwhile: that one is current.
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.put_item(TableName=self.table_name, Item=moved, ConditionExpression="attribute_not_exists(pk)")
        self.client.delete_item(TableName=self.table_name, Key={"pk": item["pk"]})


def _number_in_clear(key: str, prefix: str) -> bool:
    suffix = key.removeprefix(prefix)
    return key.startswith(prefix) and suffix.isdigit() and len(suffix) <= _NUMBER_IN_CLEAR_DIGITS
