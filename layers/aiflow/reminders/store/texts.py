"""The SMS after a reminder's last attempt, on the reminder: deferred, claimed, settled, each write conditional.

``sms`` on the reminder's item is its fate (:class:`reminders.model.reminder.SmsFate`), ``sms_detail`` why
(a refusal's reason, a skip's, a deferral's time). The writes keep the one rule: a request that may have
reached sipgate is never made again.

- :meth:`SmsRecords.claim_sms` sets ``sending`` before the request, in one transaction with the check that
  the number is not on the do-not-call list: only a reminder whose SMS nobody claimed or settled yet, still
  closed with the outcome that was read, can be claimed, so two messages never both send.
- :meth:`SmsRecords.settle_sms` writes what the request came to; only over ``sending``.
- :meth:`SmsRecords.give_back_sms` undoes a claim whose request certainly never left (no connection).
- :meth:`SmsRecords.defer_sms` and :meth:`SmsRecords.skip_sms` are for a text not yet claimed.
- :meth:`SmsRecords.note_sms_resent` notes that the reconciler sent a lost ``sms`` message again; the note
  moves ``updated_at``, from which the reconciler gives the message its grace again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from aiflow import CancellationReasons
from reminders.model.history import HistoryEvent
from reminders.model.reminder import ReminderRecord, SmsFate
from reminders.store.do_not_call import not_listed_check
from reminders.store.items import history_attribute, reminder_key
from reminders.store.table import ReminderTable

__all__ = ["SmsClaim", "SmsRecords"]

_UNCLAIMED = "attribute_not_exists(sms) OR sms = :deferred"


class SmsClaim(StrEnum):
    CLAIMED = "claimed"  # ours to send now
    TAKEN = "taken"  # claimed or settled before, or the reminder moved on (reopened for a callback)
    LISTED = "listed"  # the number is on the do-not-call list: nothing claimed


class SmsRecords(ReminderTable):
    """The repository's part that keeps the fate of a reminder's SMS."""

    def claim_sms(self, record: ReminderRecord) -> SmsClaim:
        """Claim ``record``'s SMS (``sending``) if nobody did and its number is not on the do-not-call list."""
        now = self._now()
        claim = {
            "TableName": self.table_name,
            "Key": {"pk": {"S": reminder_key(record.reminder_id)}},
            "UpdateExpression": "SET sms = :sending, updated_at = :now, history = list_append(history, :entry)",
            "ConditionExpression": f"attribute_exists(pk) AND ({_UNCLAIMED}) AND #status = :status",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":sending": {"S": SmsFate.SENDING.value},
                ":deferred": {"S": SmsFate.DEFERRED.value},
                ":status": {"S": record.status.value},
                ":now": {"S": now.isoformat()},
                ":entry": history_attribute(HistoryEvent.SMS, now, "sending"),
            },
        }
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {"Update": claim},
                    {"ConditionCheck": not_listed_check(self.table_name, self.number_keys, record.to_phone_number)},
                ]
            )
        except self.client.exceptions.TransactionCanceledException as error:
            refused = CancellationReasons.of(error)
            if refused.condition_failed(0):
                return SmsClaim.TAKEN
            if refused.condition_failed(1):
                return SmsClaim.LISTED
            raise
        return SmsClaim.CLAIMED

    def settle_sms(self, reminder_id: str, fate: SmsFate, detail: str | None = None) -> bool:
        """What the claimed request came to: ``sent``, ``maybe_sent`` or ``refused`` (``detail``: the reason)."""
        return self._write_fate(reminder_id, fate, detail, "sms = :sending")

    def skip_sms(self, reminder_id: str, reason: str) -> bool:
        """Never send the reminder's SMS, for ``reason``; ``False`` if it was claimed or settled before."""
        return self._write_fate(reminder_id, SmsFate.SKIPPED, reason, _UNCLAIMED)

    def defer_sms(self, reminder_id: str, at: datetime) -> bool:
        """The SMS waits until ``at``; ``False`` if it was deferred, claimed or settled before."""
        return self._write_fate(reminder_id, SmsFate.DEFERRED, f"until {at.isoformat()}", "attribute_not_exists(sms)")

    def give_back_sms(self, reminder_id: str, reason: str) -> bool:
        """Undo the claim of a request that certainly never left, so that the SMS can be claimed again."""
        now = self._now()
        return (
            self._update(
                reminder_id,
                "REMOVE sms SET sms_detail = :reason, updated_at = :now, history = list_append(history, :entry)",
                "sms = :sending",
                {
                    ":sending": {"S": SmsFate.SENDING.value},
                    ":reason": {"S": reason},
                    ":now": {"S": now.isoformat()},
                    ":entry": history_attribute(HistoryEvent.SMS, now, f"not sent, to be tried again: {reason}"),
                },
            )
            is not None
        )

    def note_sms_resent(self, seen: ReminderRecord, detail: str) -> bool:
        """The reconciler sends ``seen``'s lost ``sms`` message again; ``False`` if its SMS moved on since it was read
        (or another reconciler sent it)."""
        now = self._now()
        values: dict[str, Any] = {
            ":status": {"S": seen.status.value},
            ":seen_at": {"S": seen.updated_at.isoformat()},
            ":now": {"S": now.isoformat()},
            ":entry": history_attribute(HistoryEvent.RECONCILED, now, detail),
        }
        return (
            self._update(
                seen.reminder_id,
                "SET updated_at = :now, history = list_append(history, :entry)",
                "#status = :status AND updated_at = :seen_at",
                values,
                names={"#status": "status"},
            )
            is not None
        )

    def _write_fate(self, reminder_id: str, fate: SmsFate, detail: str | None, condition: str) -> bool:
        now = self._now()
        values: dict[str, Any] = {
            ":fate": {"S": fate.value},
            ":now": {"S": now.isoformat()},
            ":entry": history_attribute(HistoryEvent.SMS, now, f"{fate.value}: {detail}" if detail else fate.value),
        }
        for name, fate_named in ((":sending", SmsFate.SENDING), (":deferred", SmsFate.DEFERRED)):
            if name in condition:
                values[name] = {"S": fate_named.value}
        update = "SET sms = :fate, updated_at = :now, history = list_append(history, :entry)"
        if detail is not None:
            update += ", sms_detail = :detail"
            values[":detail"] = {"S": detail}
        return self._update(reminder_id, update, condition, values) is not None
