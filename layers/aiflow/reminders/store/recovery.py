"""Bringing a reminder back: the reconciler's re-sent step, and a voicemail reminder reopened for a callback.

Both are conditional on the reminder being as the caller saw it, so two reconcilers (or two callback
messages) never both act on one reminder.
"""

from __future__ import annotations

from reminders.model.history import HistoryEvent
from reminders.model.reminder import ReminderRecord, ReminderStatus
from reminders.store.items import history_attribute, status_shard_values
from reminders.store.table import ReminderTable

__all__ = ["Recoveries"]


class Recoveries(ReminderTable):
    """The repository's part for reminders whose messages went astray or whose callee called back."""

    def note_recovery(self, seen: ReminderRecord, detail: str) -> bool:
        """The reconciler re-sends the step of ``seen``: count it; ``False`` if the reminder moved on meanwhile.

        The condition (same status, attempts and recoveries as seen) also keeps two reconcilers from both
        re-sending one step.
        """
        now = self._now()
        return (
            self._update(
                seen.reminder_id,
                "SET recoveries = :recovered, updated_at = :now, history = list_append(history, :entry)",
                "#status = :status AND attempts = :attempts AND "
                # Reminders stored before the reconciler existed have no count yet.
                + (
                    "(recoveries = :seen OR attribute_not_exists(recoveries))"
                    if seen.recoveries == 0
                    else "recoveries = :seen"
                ),
                {
                    ":status": {"S": seen.status.value},
                    ":attempts": {"N": str(seen.attempts)},
                    ":seen": {"N": str(seen.recoveries)},
                    ":recovered": {"N": str(seen.recoveries + 1)},
                    ":now": {"S": now.isoformat()},
                    ":entry": history_attribute(HistoryEvent.RECONCILED, now, detail),
                },
            )
            is not None
        )

    def reopen_for_callback(self, reminder_id: str, attempts: int) -> ReminderRecord | None:
        """Reopen a reminder closed as ``voicemail`` for the callback its callee asked for by calling in.

        The outcome goes (the callback call writes the new one); ``attempts`` is what the reopening was
        decided on. ``None`` if the reminder is no longer closed as ``voicemail`` with that many attempts
        (reopened by a concurrent callback message, or never closed so).
        """
        now = self._now()
        return self._update(
            reminder_id,
            "SET #status = :scheduled, status_shard = :status_shard, call_at = :now, updated_at = :now,"
            " history = list_append(history, :entry)"
            " REMOVE outcome, outcome_via, outcome_session_id, decided_at",
            "#status = :voicemail AND attempts = :attempts",
            {
                ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
                ":voicemail": {"S": ReminderStatus.VOICEMAIL.value},
                ":attempts": {"N": str(attempts)},
                ":now": {"S": now.isoformat()},
                ":entry": history_attribute(
                    HistoryEvent.REOPENED, now, "the callee called back after the mailbox message"
                ),
                **status_shard_values(reminder_id, ReminderStatus.SCHEDULED),
            },
        )
