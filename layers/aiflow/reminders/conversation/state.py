"""The call's state between turns, and the language of each call this process served.

- Everything later turns need is copied into the call's state (:class:`CallState`) at ``session_start``,
  so on the common path (``user_speak``, ``dtmf_received``) a turn reads and writes only its session item.
  The assistant's session store keeps it as JSON; a handler reads it with :meth:`CallLanguages.resume` and
  writes it back with :func:`keep`.
- The fallback cannot read the state (the store may be what failed): :class:`CallLanguages` finds the call's
  language if this process served the call before, else the default language is spoken.
- Speech said into a question (a barge-in) is read by how much of the question was heard: the question
  playing (:class:`Playing`) keeps where in its text the greeting and the appointment's date and time end,
  and, from its ``assistant_speak``, when it started and how long it plays.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from reminders.model.preferred_time import PreferredTime
from reminders.model.reminder import Language, Outcome

__all__ = ["CallLanguages", "CallState", "Playing", "Stage", "keep", "stop_listening_for_a_mailbox"]

_LANGUAGE_HINTS = 1024  # calls whose language is remembered, the most recent


class Stage(StrEnum):
    ASKING = "asking"  # waiting for the decision
    MAILBOX = "mailbox"  # a mailbox answered: waiting for its greeting to end
    TRANSFERRING = "transferring"  # announcing the transfer, or transferred and waiting to hear whether it took
    GOODBYE = "goodbye"  # the goodbye is playing; hang up when it ends


class Playing(BaseModel):
    """The question the call asked last, for speech said into it.

    Positions are shares of the question's text (0 to 1), which the voice reads at an even pace: where the
    greeting ends (0 when it has none) and where the appointment's date and time end (0 when it does not
    state them). Its ``assistant_speak`` adds when it started playing (Unix ms) and for how long.
    """

    model_config = ConfigDict(extra="ignore")

    greeting_ends: float = 0.0
    appointment_ends: float = 0.0
    started_at_ms: int | None = None
    duration_ms: float | None = None

    def position(self, at_ms: int) -> float | None:
        """How far the question had played at ``at_ms`` (0 to 1), ``None`` while its playback is unknown."""
        if self.started_at_ms is None or not self.duration_ms:
            return None
        return min(1.0, max(0.0, (at_ms - self.started_at_ms) / self.duration_ms))


class CallState(BaseModel):
    """What one call keeps between turns; stored as JSON by the assistant's session store."""

    model_config = ConfigDict(extra="ignore")

    language: Language
    stage: Stage = Stage.ASKING
    reminder_id: str | None = None  # None: nothing to decide (an inbound caller, a closed reminder)
    attempt: int = 0
    max_attempts: int = 1
    caller: str = ""  # who calls, as the call names it
    number: str | None = None  # the callee's digits-only E.164 number: the line to release
    name: str = ""
    when: str = ""  # the appointment's date and time as spoken, in the callee's language and time zone
    appointment: AwareDatetime | None = None  # the same in the callee's time zone, for reading their answer
    location: str | None = None
    silences: int = 0  # timeouts in a row
    unclear: int = 0
    repeats: int = 0
    transfer_failed: bool = False
    outcome: Outcome | None = None
    # Mailbox recognition: on until an outbound call is known to be a person (a worded answer, a key) or a mailbox.
    listening_for_mailbox: bool = False
    heard: str = ""  # the first pieces (GREETING_FRAGMENTS) so far, dropped once read or the call is known
    pieces: int = 0
    voicemail_left: bool = False  # the message is left and the reminder stays open for another attempt
    third_party_noted: bool = False  # someone else answered for the callee: noted, the dialer calls again
    question_open: bool = False  # the callee asked what only the practice can answer: on the outcome
    preferred_time: PreferredTime | None = None  # the time asked for instead: on reschedule_requested
    question: Playing = Field(default_factory=Playing)
    appointment_heard: bool = False  # a question played past the appointment's date and time


def keep(state: dict[str, Any], call: CallState) -> None:
    """Write the call back into the assistant's state dict, which the assistant saves if it changed."""
    state.clear()
    state.update(call.model_dump(mode="json"))


def stop_listening_for_a_mailbox(call: CallState) -> None:
    """The call is known to be a person or a mailbox: what was heard is not kept longer than that."""
    call.listening_for_mailbox = False
    call.heard = ""


class CallLanguages:
    """The language of the calls this process served lately, for the fallback; ``default`` for any other."""

    def __init__(self, default: Language) -> None:
        self.default = default
        self._languages: OrderedDict[str, Language] = OrderedDict()
        self._lock = threading.Lock()

    def resume(self, session_id: str, state: dict[str, Any]) -> CallState | None:
        """The call's state, ``None`` for a call without one; its language is remembered."""
        if not state:
            return None
        call = CallState.model_validate(state)
        self.remember(session_id, call.language)
        return call

    def remember(self, session_id: str, language: Language) -> None:
        with self._lock:
            self._languages[session_id] = language
            self._languages.move_to_end(session_id)
            while len(self._languages) > _LANGUAGE_HINTS:
                self._languages.popitem(last=False)

    def of(self, session_id: str) -> Language:
        with self._lock:
            return self._languages.get(session_id, self.default)

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._languages.pop(session_id, None)
