"""What a call leaves on its reminder: the answer, a mailbox's message, and the outcome, written once.

The webhook notes an answered attempt (``answered_attempt``, in the call's first state save) and a mailbox
that got the message (``voicemail_attempt``); the dialer's answer check reads both. The outcome is written
once, on the condition that the reminder is still open; a decision may free the callee's line in the same
transaction (:func:`reminders.store.lines.line_release_part`).
"""

from __future__ import annotations

from typing import Any

from aiflow import CancellationReasons
from reminders.model.history import HistoryEvent
from reminders.model.preferred_time import PreferredTime
from reminders.model.reminder import Outcome, ReminderStatus, Via
from reminders.store.items import history_attribute, reminder_key, status_shard_values, to_attributes
from reminders.store.lines import LineRelease, line_release_part
from reminders.store.table import ReminderTable

__all__ = ["CallOutcomes"]


class CallOutcomes(ReminderTable):
    """The repository's part that records what became of a call."""

    def record_answer(self, reminder_id: str, attempt: int, session_id: str) -> bool:
        """Note that the callee answered ``attempt`` (the dialer then does not retry it)."""
        now = self._now()
        return (
            self._update(
                reminder_id,
                "SET answered_attempt = :attempt, updated_at = :now, history = list_append(history, :entry)",
                "answered_attempt < :attempt",
                {
                    ":attempt": {"N": str(attempt)},
                    ":now": {"S": now.isoformat()},
                    ":entry": history_attribute(HistoryEvent.ANSWERED, now, f"attempt {attempt}, session {session_id}"),
                },
            )
            is not None
        )

    def answer_note(self, reminder_id: str, attempt: int, session_id: str) -> dict[str, Any]:
        """:meth:`record_answer` as a transaction entry, for the call's first state save (``aiflow.write_with_state``).

        The session's own condition (it must be new) keeps a repeated ``session_start`` from noting it
        twice; the line names the latest attempt, so no later one can have been noted already.
        """
        now = self._now()
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": {"pk": {"S": reminder_key(reminder_id)}},
                "UpdateExpression": "SET answered_attempt = :attempt, updated_at = :now,"
                " history = list_append(history, :entry)",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": {
                    ":attempt": {"N": str(attempt)},
                    ":now": {"S": now.isoformat()},
                    ":entry": history_attribute(HistoryEvent.ANSWERED, now, f"attempt {attempt}, session {session_id}"),
                },
            }
        }

    def record_voicemail(self, reminder_id: str, attempt: int, session_id: str) -> bool:
        """Note that ``attempt`` reached a mailbox and left the message; the reminder stays open for a retry.

        ``voicemail_attempt`` tells the dialer's answer check that the answered attempt is over and another
        follows (:mod:`reminders.conversation.voicemail` decides). ``False`` if the attempt was noted before or
        the reminder was closed meanwhile.
        """
        detail = f"attempt {attempt}, session {session_id}: message left"
        return self._note_attempt_over(reminder_id, attempt, "voicemail_attempt", HistoryEvent.VOICEMAIL, detail)

    def record_third_party(self, reminder_id: str, attempt: int, session_id: str) -> bool:
        """Note that someone else answered ``attempt`` for the callee; the reminder stays open for the dialer.

        ``third_party_attempt`` tells the dialer's answer check that the attempt is over undecided: it calls
        again like after no answer, or closes the reminder ``no_decision`` after the last attempt. ``False``
        if the attempt was noted before or the reminder was closed meanwhile.
        """
        detail = f"attempt {attempt}, session {session_id}: not the callee, no decision asked"
        return self._note_attempt_over(reminder_id, attempt, "third_party_attempt", HistoryEvent.THIRD_PARTY, detail)

    def _note_attempt_over(
        self, reminder_id: str, attempt: int, attribute: str, event: HistoryEvent, detail: str
    ) -> bool:
        """Set ``attribute`` to ``attempt`` on an open reminder, once per attempt, with a history entry."""
        now = self._now()
        return (
            self._update(
                reminder_id,
                f"SET {attribute} = :attempt, updated_at = :now, history = list_append(history, :entry)",
                f"(attribute_not_exists({attribute}) OR {attribute} < :attempt) AND #status IN (:scheduled, :calling)",
                {
                    ":attempt": {"N": str(attempt)},
                    ":now": {"S": now.isoformat()},
                    ":entry": history_attribute(event, now, detail),
                    ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
                    ":calling": {"S": ReminderStatus.CALLING.value},
                },
            )
            is not None
        )

    def record_outcome(
        self,
        reminder_id: str,
        outcome: Outcome,
        *,
        via: Via | None = None,
        session_id: str | None = None,
        detail: str | None = None,
        release_line: LineRelease | None = None,
        question_open: bool = False,
        preferred_time: PreferredTime | None = None,
    ) -> bool:
        """Write the outcome once: ``False`` if the reminder already has one or was closed meanwhile.

        With ``release_line`` the callee's line is freed in the same transaction (one request, twice the
        write capacity); a line another reminder (or attempt) holds by then is left alone. What the practice
        has to act on goes with it, never the callee's words: ``question_open`` (the callee asked what only
        the practice can answer) and ``preferred_time`` (the parts of the time a rescheduling callee asked for).
        """
        now = self._now()
        values: dict[str, Any] = {
            ":outcome": {"S": outcome.value},
            ":status": {"S": ReminderStatus(outcome.value).value},
            ":now": {"S": now.isoformat()},
            ":entry": history_attribute(
                HistoryEvent.decided(outcome), now, detail or (f"by {via.value}" if via else None)
            ),
            ":scheduled": {"S": ReminderStatus.SCHEDULED.value},
            ":calling": {"S": ReminderStatus.CALLING.value},
            **status_shard_values(reminder_id, ReminderStatus(outcome.value)),
        }
        assignments = [
            "outcome = :outcome",
            "#status = :status",
            "status_shard = :status_shard",
            "decided_at = :now",
            "updated_at = :now",
            "history = list_append(history, :entry)",
        ]
        if via is not None:
            assignments.append("outcome_via = :via")
            values[":via"] = {"S": via.value}
        if session_id is not None:
            assignments.append("outcome_session_id = :session")
            values[":session"] = {"S": session_id}
        if detail is not None:
            assignments.append("last_error = :detail")
            values[":detail"] = {"S": detail}
        if question_open:
            assignments.append("question_open = :question_open")
            values[":question_open"] = {"BOOL": True}
        if preferred_time is not None:
            assignments.append("preferred_time = :preferred_time")
            values[":preferred_time"] = {"M": to_attributes(preferred_time.stated())}
        update = "SET " + ", ".join(assignments)
        condition = "attribute_not_exists(outcome) AND #status IN (:scheduled, :calling)"
        if release_line is not None:
            released = self._decide_releasing_line(reminder_id, update, condition, values, release_line)
            if released is not None:
                return released
        return self._update(reminder_id, update, condition, values) is not None

    def _decide_releasing_line(
        self, reminder_id: str, update: str, condition: str, values: dict[str, Any], line: LineRelease
    ) -> bool | None:
        """The outcome and the line's release in one transaction; ``None`` if only the line's condition failed."""
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": {"pk": {"S": reminder_key(reminder_id)}},
                            "UpdateExpression": update,
                            "ConditionExpression": f"attribute_exists(pk) AND ({condition})",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": values,
                        }
                    },
                    line_release_part(self.table_name, self.number_keys, reminder_id, line, self._now()),
                ]
            )
        except self.client.exceptions.TransactionCanceledException as error:
            refused = CancellationReasons.of(error)
            if refused.condition_failed(0):
                return False  # decided before: the line is the caller's to release
            if refused.condition_failed(1):
                return None  # the number is another reminder's by now: the outcome alone
            raise
        return True
