"""How long personal data is kept: every item about a reminder expires a number of days after its appointment.

The reminder (with its history), its line and the call's state are the items that name a person or
their appointment. Each carries ``expires_at`` (epoch seconds, the table's TTL attribute):
:meth:`Retention.expires_at` for the reminder, earlier for what is needed only around the call (the line a
day after the appointment, the call's state a day after its last turn). DynamoDB's TTL deletes an item
within a few days of that moment (usually within two); readers treat an expired item as gone. Only the
do-not-call entry stays, as a keyed hash of the number (:mod:`reminders.store.number_keys`), so that the
number is never rung again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["DEFAULT_RETENTION_DAYS", "MAX_RETENTION_DAYS", "Retention"]

DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650


@dataclass(frozen=True)
class Retention:
    """Keep a reminder ``days`` days after its appointment (at least one: its line and callbacks need a day)."""

    days: int = DEFAULT_RETENTION_DAYS

    def __post_init__(self) -> None:
        if not 1 <= self.days <= MAX_RETENTION_DAYS:
            raise ValueError(f"retention must be 1 to {MAX_RETENTION_DAYS} days, not {self.days}")

    @property
    def period(self) -> timedelta:
        return timedelta(days=self.days)

    def kept_since(self, now: datetime) -> datetime:
        """The earliest appointment whose reminder is still kept at ``now`` (older ones may be deleted)."""
        return now - self.period

    def expires_at(self, appointment_at: datetime) -> int:
        """The TTL of an item about an appointment at ``appointment_at``: epoch seconds."""
        return int((appointment_at + self.period).timestamp())
