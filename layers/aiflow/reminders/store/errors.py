"""Why the repository refused a write: what a caller decides on, with nothing written."""

from __future__ import annotations

from reminders.model.reminder import ReminderRecord

__all__ = ["LineBusy", "NumberOptedOut", "ReminderMovedOn"]


class NumberOptedOut(Exception):
    """The callee's number is on the do-not-call list: the reminder's call must never ring."""


class LineBusy(Exception):
    """Another call's claim holds the callee's number: nothing was claimed."""


class ReminderMovedOn(Exception):
    """The reminder changed since it was read (claimed, moved, closed): nothing was claimed.

    ``current`` is the reminder as it is now (from the refused write, no read of its own), or ``None`` if
    it is gone.
    """

    def __init__(self, current: ReminderRecord | None) -> None:
        super().__init__("the reminder changed since it was read")
        self.current = current
