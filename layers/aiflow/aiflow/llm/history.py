"""The call's history as Converse messages, kept in the session state, and the rules that keep it valid.

Bedrock wants a conversation that starts with a user message and alternates. The call starts with the
assistant's greeting, so the history opens with a short user message that stands for the call being
connected. Speech that reaches the webhook while the model has not answered the last user message (the
caller spoke again during a filler) joins that message rather than making two in a row.

Barge-in: when the caller interrupts, the assistant's last message is cut to what was heard, estimated
from ``assistant_speak``'s ``speech_started_at`` and ``duration_ms`` and the moment of the interruption,
with words spoken at an even pace. The model then does not believe it said what the caller never heard.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["CALL_CONNECTED", "add_user_text", "cut_to_heard", "heard_words", "opening"]

type Message = dict[str, Any]

CALL_CONNECTED = "[The call is connected.]"  # stands for the caller picking up; the model never hears a number
CUT_MARK = " ..."  # ends an answer the caller interrupted: the model sees it was cut off


def opening(greeting: str) -> list[Message]:
    """A new call's history: the call connected, the assistant's greeting."""
    return [_message("user", CALL_CONNECTED), _message("assistant", greeting)]


def add_user_text(history: list[Message], text: str) -> None:
    """Add what the caller said: a new user message, or more of the last one if the model has not answered it."""
    if history and history[-1]["role"] == "user":
        history[-1]["content"].append({"text": text})
    else:
        history.append(_message("user", text))


def add_assistant_text(history: list[Message], text: str) -> None:
    """Add what the assistant said outside the model's messages (a tool's closing words)."""
    history.append(_message("assistant", text))


def heard_words(text: str, *, started_at_ms: float, duration_ms: float, interrupted_at_ms: float) -> str:
    """The words of ``text`` the caller heard before interrupting (all of them if the speech was over)."""
    words = text.split()
    if duration_ms <= 0 or interrupted_at_ms >= started_at_ms + duration_ms:
        return text
    share = max(0.0, (interrupted_at_ms - started_at_ms) / duration_ms)
    return " ".join(words[: math.ceil(share * len(words))])


def cut_to_heard(history: list[Message], spoken: Mapping[str, Any], interrupted_at_ms: float) -> bool:
    """Cut the assistant's last text in ``history`` to what was heard of ``spoken`` (the last ``assistant_speak``).

    Only if that speech is the last assistant message's text (a filler is not in the history). Returns
    whether anything was cut.
    """
    last = _last_assistant_text(history)
    if last is None or last.get("text") != spoken.get("text"):
        return False
    heard = heard_words(
        last["text"],
        started_at_ms=spoken["started_at_ms"],
        duration_ms=spoken["duration_ms"],
        interrupted_at_ms=interrupted_at_ms,
    )
    if heard == last["text"]:
        return False
    last["text"] = heard + CUT_MARK if heard else CUT_MARK.strip()
    return True


def _last_assistant_text(history: list[Message]) -> dict[str, Any] | None:
    if not history or history[-1]["role"] != "assistant":
        return None
    texts = [block for block in history[-1]["content"] if "text" in block]
    return texts[-1] if texts else None


def _message(role: str, text: str) -> Message:
    return {"role": role, "content": [{"text": text}]}
