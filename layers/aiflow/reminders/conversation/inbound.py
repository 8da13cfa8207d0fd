"""Inbound callers and callbacks: who calls us hears nothing of a reminder and cannot decide it.

Caller ID can be forged, so an inbound caller is not trusted by it. A caller whose number has an open
reminder is thanked and hung up on, and a dial of the reminder's *stored* number is put on the call queue
(``InboundCallbacks=call-back``), which reaches only its real owner; the mailbox message asked them to call
back, so a reminder it closed still gets the callback for a while
(:func:`reminders.model.after_voicemail.calls_back_after_voicemail`). Anyone else hears a short
explanation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiflow import SpeakAction
from reminders.conversation import replies
from reminders.conversation.speech import phrasebook
from reminders.conversation.state import CallLanguages, CallState
from reminders.model.after_voicemail import calls_back_after_voicemail
from reminders.model.reminder import MAX_ATTEMPTS, InboundCallbacks, Language, ReminderRecord, utc_now
from reminders.store.repository import LineClaim, ReminderRepository

if TYPE_CHECKING:
    from reminders.aws.delivery import CallDelivery

__all__ = ["Inbound"]

logger = logging.getLogger(__name__)


class Inbound:
    """Callers we do not talk to about a reminder. ``caller_name`` is who calls (the practice), unless a
    reminder names its own; ``inbound_callbacks`` with ``callback_delivery`` (made on first use: most calls
    never need the queue) requests the private callback."""

    def __init__(
        self,
        repository: ReminderRepository,
        languages: CallLanguages,
        *,
        caller_name: str,
        inbound_callbacks: InboundCallbacks,
        callback_delivery: Callable[[], CallDelivery] | None,
    ) -> None:
        if inbound_callbacks is InboundCallbacks.CALL_BACK and callback_delivery is None:
            raise ValueError("inbound callbacks need a callback_delivery (the call queue)")
        self._repository = repository
        self._languages = languages
        self._caller_name = caller_name
        self._inbound_callbacks = inbound_callbacks
        self._callback_delivery = callback_delivery

    def answer(self, session_id: str, claim: LineClaim) -> tuple[CallState, SpeakAction]:
        """A caller whose number has a reminder: thanked, hung up on and, if it is open, called back."""
        reminder = claim.reminder
        caller = reminder.caller_name or self._caller_name
        record = self._repository.get(reminder.reminder_id)
        context = {"session_id": session_id, "reminder_id": reminder.reminder_id}
        # The mailbox message asked them to call back: a reminder it closed still gets the callback.
        reopenable = (
            record is not None
            and self._inbound_callbacks is InboundCallbacks.CALL_BACK
            and calls_back_after_voicemail(record, utc_now())
        )
        if record is None or (record.is_decided and not reopenable):
            logger.info("inbound call about a closed reminder", extra=context)
            return self.unknown_caller(session_id, reminder.language, caller)
        call = CallState(language=reminder.language, caller=caller)
        self._languages.remember(session_id, call.language)
        book = phrasebook(call.language)
        if self._inbound_callbacks is InboundCallbacks.OFF or record.attempts >= MAX_ATTEMPTS:
            logger.info("inbound call about an open reminder; no callback", extra=context)
            return call, replies.goodbye(call, book.no_callback.format(caller=caller))
        self._request_callback(record)
        logger.info("inbound call about an open reminder; callback requested", extra=context)
        return call, replies.goodbye(call, book.calling_back.format(caller=caller))

    def unknown_caller(self, session_id: str, language: Language, caller: str) -> tuple[CallState, SpeakAction]:
        """A call about no open reminder: the short explanation, then goodbye."""
        call = CallState(language=language, caller=caller)
        self._languages.remember(session_id, language)
        return call, replies.goodbye(call, phrasebook(language).unknown_caller.format(caller=caller))

    def _request_callback(self, record: ReminderRecord) -> None:
        """Put a dial of the reminder's next attempt on the call queue, now: the message carries no number.

        The attempt number keeps it idempotent: a caller who calls in twice gets one call back.
        """
        from reminders.messages.call_queue import DialMessage  # deferred: only a callback needs the queue's messages

        assert self._callback_delivery is not None, "checked in __init__"
        message = DialMessage(reminder_id=record.reminder_id, attempt=record.attempts + 1, callback=True)
        self._callback_delivery().send(message)
