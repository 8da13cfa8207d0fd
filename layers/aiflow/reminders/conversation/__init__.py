"""The reminder call: the conversation (``call``, which wires the parts below to an assistant's handlers),
its reading of what the callee says or presses (``intents``) and of the time they ask for instead
(``preferred_time``), what it says in each language (``speech``)
and how it tells a mailbox from a person (``voicemail``).

The conversation's parts, each a stage of the call: the first turn (``opening``), inbound callers
(``inbound``), mailboxes (``mailbox``), the decision turns (``decisions``), the outcome's write
(``outcomes``), how replies are played (``replies``) and the state kept between turns (``state``).
"""

from reminders.conversation.call import ReminderConversation
from reminders.conversation.decisions import MAX_REPEATS, MAX_SILENCES, MAX_UNCLEAR, TRANSFER_TIMEOUT_SECONDS
from reminders.conversation.intents import Asked, Intent, Understood, intent_of_key, read_answer, understand
from reminders.conversation.mailbox import MAILBOX_QUIET_SECONDS
from reminders.conversation.preferred_time import mentions_a_time, read_preferred_time
from reminders.conversation.replies import ANSWER_TIMEOUT_SECONDS
from reminders.conversation.speech import Phrasebook, phrasebook
from reminders.conversation.state import CallState, Stage
from reminders.conversation.voicemail import is_mailbox_greeting, may_be_a_recording, unless_a_recording

__all__ = [
    "ANSWER_TIMEOUT_SECONDS",
    "MAILBOX_QUIET_SECONDS",
    "MAX_REPEATS",
    "MAX_SILENCES",
    "MAX_UNCLEAR",
    "TRANSFER_TIMEOUT_SECONDS",
    "Asked",
    "CallState",
    "Intent",
    "Phrasebook",
    "ReminderConversation",
    "Stage",
    "Understood",
    "intent_of_key",
    "is_mailbox_greeting",
    "may_be_a_recording",
    "mentions_a_time",
    "phrasebook",
    "read_answer",
    "read_preferred_time",
    "understand",
    "unless_a_recording",
]
