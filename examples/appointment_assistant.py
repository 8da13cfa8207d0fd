"""A dental practice's reminder call: the patient confirms or cancels tomorrow's appointment.

The assistant greets, asks the patient to say yes or no (or press 1 or 2), asks again after an unclear
answer or silence, and after the goodbye hangs up. The hangup waits for ``assistant_speech_ended``:
sent together with the goodbye it would cut it off. What has to survive between turns (how often we
asked, whether the goodbye is playing, the outcome) lives in the per-call state, so the handlers take
``(event, state)``.

Try it with the call simulator::

    from aiflow.testing import CallSimulator
    call = CallSimulator(create_assistant()).start_call(direction="outbound")
    call.say("Yes, I'll be there.")
    print(call.transcript_text())
"""

from __future__ import annotations

import logging
import re
from typing import Any

from aiflow import (
    AiFlowAssistant,
    AssistantSpeechEnded,
    DtmfReceived,
    HangupAction,
    SessionEnd,
    SessionStart,
    SessionStore,
    SpeakAction,
    UserInputTimeout,
    UserSpeak,
    hangup,
    speak,
)

__all__ = ["APPOINTMENT", "PRACTICE", "create_assistant"]

logger = logging.getLogger(__name__)

PRACTICE = "Smile Dental"
APPOINTMENT = "tomorrow at 10:30"
ANSWER_TIMEOUT_SECONDS = 6
MAX_QUESTIONS = 3  # the first question and two repeats; then the practice calls back

_YES = frozenset({"yes", "yeah", "yep", "confirm", "correct", "ok", "okay", "fine"})
_NO = frozenset({"no", "nope", "cancel", "can't", "cannot"})
# Hedging outweighs any yes or no in the same sentence: better to ask again than to book wrongly.
_UNSURE = re.compile(r"\b(?:maybe|perhaps|not sure|don't know)\b")
_WORD = re.compile(r"[a-z']+")


def create_assistant(
    *,
    webhook_token: str | None = None,
    session_store: SessionStore | None = None,
    token: str | None = None,
    base_url: str | None = None,
) -> AiFlowAssistant:
    """The reminder assistant; on Lambda pass a DynamoDB session store, since turns may run anywhere.

    ``token`` (a sipgate API token) and ``base_url`` let it place the reminder calls too (``assistant.call``).
    """
    assistant = AiFlowAssistant(
        webhook_token=webhook_token, session_store=session_store, token=token, base_url=base_url
    )

    @assistant.on_session_start
    def greet(event: SessionStart, state: dict[str, Any]) -> SpeakAction:
        state["questions"] = 1
        return speak(
            f"Hello, this is {PRACTICE}. You have an appointment with us {APPOINTMENT}. "
            "Will you come? Say yes or press 1 to confirm, say no or press 2 to cancel.",
            user_input_timeout_seconds=ANSWER_TIMEOUT_SECONDS,
        )

    @assistant.on_user_speak
    def answer(event: UserSpeak, state: dict[str, Any]) -> SpeakAction | None:
        text = event.text.lower()
        words = set(_WORD.findall(text))
        said_yes, said_no = bool(words & _YES), bool(words & _NO)
        if said_yes != said_no and not _UNSURE.search(text):
            return _decide(state, confirmed=said_yes)
        return _ask_again(state, "Sorry, I didn't catch that.")

    @assistant.on_dtmf_received
    def key(event: DtmfReceived, state: dict[str, Any]) -> SpeakAction | None:
        if event.digit in ("1", "2"):
            return _decide(state, confirmed=event.digit == "1")
        return _ask_again(state, "That key does nothing here.")

    @assistant.on_user_input_timeout
    def silence(event: UserInputTimeout, state: dict[str, Any]) -> SpeakAction | None:
        return _ask_again(state, "Are you still there?")

    @assistant.on_assistant_speech_ended
    def maybe_hang_up(event: AssistantSpeechEnded, state: dict[str, Any]) -> HangupAction | None:
        # Only the goodbye ends the call; the greeting and repeats also end with assistant_speech_ended.
        return hangup() if state.get("saying_goodbye") else None

    @assistant.on_session_end
    def report(event: SessionEnd, state: dict[str, Any]) -> None:
        # A real practice would update its calendar here; the outcome is in the state.
        logger.info("reminder call %s: %s", event.session_id, state.get("outcome", "no answer"))

    return assistant


def _decide(state: dict[str, Any], *, confirmed: bool) -> SpeakAction | None:
    if state.get("saying_goodbye"):
        return None  # the patient answered again while we say goodbye: already decided
    state["outcome"] = "confirmed" if confirmed else "cancelled"
    if confirmed:
        return _goodbye(state, f"Thank you! Your appointment {APPOINTMENT} is confirmed. See you then, goodbye!")
    return _goodbye(state, "Your appointment is cancelled. The practice will call you to find a new date. Goodbye!")


def _ask_again(state: dict[str, Any], opening: str) -> SpeakAction | None:
    if state.get("saying_goodbye"):
        return None
    if state.get("questions", 0) >= MAX_QUESTIONS:
        state["outcome"] = "unclear"
        return _goodbye(state, f"{opening} The practice will call you back. Goodbye!")
    state["questions"] = state.get("questions", 0) + 1
    return speak(
        f"{opening} Please say yes or press 1 to confirm your appointment {APPOINTMENT}, "
        "or say no or press 2 to cancel it.",
        user_input_timeout_seconds=ANSWER_TIMEOUT_SECONDS,
    )


def _goodbye(state: dict[str, Any], text: str) -> SpeakAction:
    state["saying_goodbye"] = True
    return speak(text)
