"""The SMS after the last attempt: the dialer's ``sms`` messages, sent once (the rules: :mod:`reminders.model.sms`).

When an answer check leaves a reminder closed as ``no_answer`` or ``voicemail`` (the check closed it, or
the webhook did on the mailbox's call) and ``SMS_AFTER_LAST_ATTEMPT`` names that outcome, the check puts an
``sms`` message on the call queue (:meth:`LastAttemptTexts.follow`). The message is handled here:

1. Read the reminder. Reopened (a callback), or its SMS settled before: nothing. Claimed (``sending``) by an
   invocation that did not live to settle it: ``maybe_sent``, never a second request.
2. After the appointment, or outside the calling window with its opening after the appointment: ``skipped``.
   Outside the window: ``deferred``, the message delivered again at the opening (SQS delay or a one-time
   schedule), where step 2 is decided again.
3. Claim it (``sending``) in one transaction with the check that the number is not on the do-not-call list
   (listed: ``skipped``), then ``POST /v2/sessions/sms``: a ``2xx`` is ``sent``; ``402``, ``403``, ``400`` are
   ``refused`` with the reason (alarmed through the ``SmsRefused`` metric, never retried); a ``5xx``, a
   timeout, anything after the request left is ``maybe_sent``; a connection never made gives the claim back
   and the message comes again (:class:`RetryLater`).

Each step's write is conditional, so a message delivered twice, or the check's and a deferred one racing,
send one SMS. The outcome event waits for the fate (:mod:`reminders.messages.outcome_events`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiflow.phone import mask
from aiflow.sms import SmsClient, SmsMaybeSent, SmsNotSent, SmsRefused
from reminders.aws.delivery import CallDelivery
from reminders.dialing.dispositions import Disposition, RetryLater
from reminders.messages.call_queue import SmsMessage
from reminders.model.calling_window import CallingWindow
from reminders.model.reminder import Outcome, ReminderRecord, SmsFate
from reminders.model.sms import SmsSkipped, SmsWaits, when_to_text
from reminders.store.repository import ReminderRepository, SmsClaim
from reminders.texting import after_last_attempt_text, sms_parts

__all__ = ["LastAttemptTexts", "SmsSender"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsSender:
    """Who the SMS is from: ``caller_name`` unless the reminder names its own, and the number to call back.
    ``client`` makes the SMS client of one dialling thread."""

    texted: frozenset[Outcome]
    caller_name: str
    callback_number: str
    client: Callable[[], SmsClient]


class LastAttemptTexts:
    """Sends the SMS after the last attempt; ``sender`` ``None``: SMS after the last attempt is off."""

    def __init__(
        self,
        sender: SmsSender | None,
        *,
        window: CallingWindow,
        repository: ReminderRepository,
        delivery: CallDelivery,
        clock: Callable[[], datetime],
    ) -> None:
        self._sender = sender
        self._window = window
        self._repository = repository
        self._delivery = delivery
        self._now = clock
        self._threads = threading.local()

    def follow(self, record: ReminderRecord, outcome: Outcome | None) -> None:
        """``record``, as read, is closed with ``outcome`` after its attempt ``attempts``: queue its SMS, if that
        outcome gets one and nobody looked at it yet."""
        if self._sender is not None and outcome in self._sender.texted and record.sms is None:
            self._delivery.send(SmsMessage(reminder_id=record.reminder_id, attempt=max(record.attempts, 1)))

    def handle(self, message: SmsMessage) -> Disposition:
        """Step 1 to 3 of the module's notes, for one ``sms`` message."""
        record = self._repository.get(message.reminder_id)
        if record is None or self._sender is None or record.outcome not in self._sender.texted:
            return Disposition.CLOSED  # reopened for a callback, or the SMS turned off meanwhile
        if record.sms is SmsFate.SENDING:
            # Claimed by an invocation that did not settle it: its request may have left.
            self._settle(record, SmsFate.MAYBE_SENT, "the claiming invocation ended before it recorded the answer")
            return Disposition.SMS_MAYBE_SENT
        if record.sms is not None and record.sms.settled:
            return Disposition.DUPLICATE
        plan = when_to_text(record, self._now(), self._window)
        if isinstance(plan, SmsSkipped):
            return self._skip(record, plan.reason)
        if isinstance(plan, SmsWaits):
            return self._defer(record, message, plan.at)
        return self._send(record, self._sender)

    def _skip(self, record: ReminderRecord, reason: str) -> Disposition:
        self._repository.skip_sms(record.reminder_id, reason)
        logger.info("reminder %s: no SMS: %s", record.reminder_id, reason)
        return Disposition.SMS_SKIPPED

    def _defer(self, record: ReminderRecord, message: SmsMessage, at: datetime) -> Disposition:
        # The delivery first: if the note below fails, the message still comes (and finds nothing changed).
        self._delivery.deliver_at(message, at, time_zone=record.time_zone)
        self._repository.defer_sms(record.reminder_id, at)
        logger.info("reminder %s: SMS deferred to the calling window's opening %s", record.reminder_id, at)
        return Disposition.SMS_DEFERRED

    def _send(self, record: ReminderRecord, sender: SmsSender) -> Disposition:
        claim = self._repository.claim_sms(record)
        if claim is SmsClaim.LISTED:
            return self._skip(record, "number on the do-not-call list")
        if claim is SmsClaim.TAKEN:
            return Disposition.DUPLICATE
        text = after_last_attempt_text(
            caller=record.caller_name or sender.caller_name,
            appointment=record.local_appointment,
            language=record.language,
            callback_number=sender.callback_number,
        )
        number = mask(record.to_phone_number)
        try:
            self._client(sender).send(record.to_phone_number, text)
        except SmsRefused as refused:
            self._settle(record, SmsFate.REFUSED, refused.reason)
            logger.warning("reminder %s: sipgate refused the SMS to %s: %s", record.reminder_id, number, refused.reason)
            return Disposition.SMS_REFUSED
        except SmsNotSent as error:
            self._repository.give_back_sms(record.reminder_id, str(error))
            raise RetryLater(f"SMS to {number} not sent: {error}") from None
        except SmsMaybeSent as error:
            self._settle(record, SmsFate.MAYBE_SENT, error.reason)
            logger.warning("reminder %s: the SMS to %s may have been sent: %s", record.reminder_id, number, error)
            return Disposition.SMS_MAYBE_SENT
        self._settle(record, SmsFate.SENT, None)
        logger.info("reminder %s: SMS to %s sent (%d part(s))", record.reminder_id, number, sms_parts(text))
        return Disposition.SMS_SENT

    def _client(self, sender: SmsSender) -> SmsClient:
        """This thread's SMS client (a requests session is not thread-safe), made on its first SMS."""
        client: SmsClient | None = getattr(self._threads, "sms", None)
        if client is None:
            client = self._threads.sms = sender.client()
        return client

    def _settle(self, record: ReminderRecord, fate: SmsFate, detail: str | None) -> None:
        self._repository.settle_sms(record.reminder_id, fate, detail)
