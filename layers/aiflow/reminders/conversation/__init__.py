"""The reminder call: the conversation (``call``), its reading of what the callee says or presses
(``intents``), what it says in each language (``speech``) and how it tells a mailbox from a person
(``voicemail``)."""

from reminders.conversation.call import (
    ANSWER_TIMEOUT_SECONDS,
    MAILBOX_QUIET_SECONDS,
    MAX_REPEATS,
    MAX_SILENCES,
    MAX_UNCLEAR,
    TRANSFER_TIMEOUT_SECONDS,
    CallState,
    ReminderConversation,
    Stage,
)
from reminders.conversation.intents import Intent, Understood, intent_of_key, read_answer, understand
from reminders.conversation.speech import Phrasebook, phrasebook
from reminders.conversation.voicemail import calls_back_after_voicemail, is_mailbox_greeting, voicemail_is_final

__all__ = [
    "ANSWER_TIMEOUT_SECONDS",
    "MAILBOX_QUIET_SECONDS",
    "MAX_REPEATS",
    "MAX_SILENCES",
    "MAX_UNCLEAR",
    "TRANSFER_TIMEOUT_SECONDS",
    "CallState",
    "Intent",
    "Phrasebook",
    "ReminderConversation",
    "Stage",
    "Understood",
    "calls_back_after_voicemail",
    "intent_of_key",
    "is_mailbox_greeting",
    "phrasebook",
    "read_answer",
    "understand",
    "voicemail_is_final",
]
