"""The call's first turn: finding the reminder by the other party's number, and the greeting.

- Outbound ``session_start``: the dialer claimed the callee's line with a copy of the reminder; the call
  finds it by the callee's number, notes the answered attempt and asks, naming who calls (``caller``).
  Everything later turns need is copied into the call's state then.
- Budget: the outbound ``session_start`` reads the line and writes the state with the answered attempt in
  one transaction (1 read, 1 write; the SDK skips the always-empty state load).
- Inbound ``session_start``, and any call whose number has no reminder: :mod:`reminders.conversation.inbound`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiflow import SessionStart, SpeakAction, write_with_state
from aiflow.phone import mask
from reminders.conversation import replies
from reminders.conversation.decisions import Decisions
from reminders.conversation.inbound import Inbound
from reminders.conversation.speech import phrasebook
from reminders.conversation.state import CallLanguages, CallState
from reminders.store.repository import LineClaim, ReminderRepository

__all__ = ["Opening"]

logger = logging.getLogger(__name__)


class Opening:
    """Starts calls on ``repository``'s lines. ``caller_name`` is who calls unless a reminder names its own;
    ``on_answered`` hears every outbound call picked up (by a person or a mailbox)."""

    def __init__(
        self,
        repository: ReminderRepository,
        languages: CallLanguages,
        inbound: Inbound,
        decisions: Decisions,
        *,
        caller_name: str,
        on_answered: Callable[[], None] | None,
    ) -> None:
        self._repository = repository
        self._languages = languages
        self._inbound = inbound
        self._decisions = decisions
        self._caller_name = caller_name
        self._on_answered = on_answered

    def start(self, event: SessionStart) -> tuple[CallState, SpeakAction]:
        """A new call: find its reminder by the other party's number and ask, or explain and say goodbye."""
        session = event.session
        number = session.remote_number
        claim = self._repository.find_line(number) if number else None
        if claim is None:
            logger.info(
                "no reminder for this number",
                extra={"session_id": event.session_id, "direction": _direction(event), "number": mask(number)},
            )
            return self._inbound.unknown_caller(event.session_id, self._languages.default, self._caller_name)
        if not session.is_outbound:
            return self._inbound.answer(event.session_id, claim)
        return self._outbound(event, claim)

    def _outbound(self, event: SessionStart, claim: LineClaim) -> tuple[CallState, SpeakAction]:
        """The callee picked up: the answered attempt noted, the greeting, the appointment and the question."""
        reminder = claim.reminder
        # Noted with the call's first state save, in one transaction: the turn's only write. A repeated
        # session_start loses that save's race and runs on the stored state, so it is counted once.
        write_with_state(self._repository.answer_note(reminder.reminder_id, claim.attempt, event.session_id))
        if self._on_answered:
            self._on_answered()
        logger.info(
            "call about a reminder",
            extra={
                "session_id": event.session_id,
                "direction": _direction(event),
                "reminder_id": reminder.reminder_id,
                "attempt": claim.attempt,
                "number": mask(event.session.remote_number),
            },
        )
        book = phrasebook(reminder.language)
        call = CallState(
            language=reminder.language,
            reminder_id=reminder.reminder_id,
            attempt=claim.attempt,
            max_attempts=reminder.max_attempts,
            caller=reminder.caller_name or self._caller_name,
            number=event.session.remote_number,
            name=reminder.name,
            when=book.when(reminder.local_appointment),
            appointment=reminder.local_appointment,
            location=reminder.location,
            listening_for_mailbox=True,
        )
        self._languages.remember(event.session_id, call.language)
        return call, replies.opening(call, self._decisions.hints(book))


def _direction(event: SessionStart) -> str:
    return "outbound" if event.session.is_outbound else "inbound"
