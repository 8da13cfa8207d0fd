"""The appointment in writing, in the call: ``ConfirmationSms``.

With it on, the answer to a confirmation, or to a request for another time that ends in a goodbye, is the
``send_sms`` action to the callee's number (the number this outbound call reached: the person who just
decided) with the appointment's date, time and place, and then the goodbye: ``[send_sms, speak]``. Once per
call: a decision is taken while the call asks, and a goodbye ends the asking. A failure comes back as
``sms_failed``, which is logged (without the number or the text) and counted, and changes no outcome. Each
message costs about 7 ct, and sipgate support must enable ``send_sms`` for the AI Flow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiflow import HandlerResult, SmsFailed, send_sms
from reminders.conversation.state import CallState, Stage
from reminders.model.reminder import Outcome
from reminders.texting import confirmation_text

__all__ = ["IN_WRITING", "ConfirmationSms"]

logger = logging.getLogger(__name__)

# The outcomes whose goodbye comes with the appointment in writing.
IN_WRITING = frozenset({Outcome.CONFIRMED, Outcome.RESCHEDULE_REQUESTED})


class ConfirmationSms:
    """``on_sms(result)`` hears ``"sent"`` for each ``send_sms`` answered and ``"failed"`` for each ``sms_failed``."""

    def __init__(self, on_sms: Callable[[str], None] | None = None) -> None:
        self._on_sms = on_sms or _unheard

    def after_decision(self, call: CallState, reply: HandlerResult) -> HandlerResult:
        """``reply`` to a turn of the asking stage; with the SMS first if it decided one of :data:`IN_WRITING` and
        says goodbye."""
        if call.outcome not in IN_WRITING or call.stage is not Stage.GOODBYE or call.number is None:
            return reply
        assert call.outcome is not None
        text = confirmation_text(
            outcome=call.outcome, caller=call.caller, when=call.when, language=call.language, location=call.location
        )
        self._on_sms("sent")
        return [send_sms(call.number, text), reply]

    def failed(self, event: SmsFailed) -> None:
        """sipgate could not send it: logged and counted; the outcome stands."""
        logger.warning(
            "the confirmation SMS failed", extra={"session_id": event.session_id, "reason": event.reason or "unknown"}
        )
        self._on_sms("failed")


def _unheard(result: str) -> None:
    """The default ``on_sms``: nobody counts."""
