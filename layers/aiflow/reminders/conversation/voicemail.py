"""Recognising a mailbox that answered an outbound reminder call.

sipgate reports no answering-machine detection: a mailbox answers like a person and its greeting arrives
as ``user_speak`` text, often barging into our question and often in several pieces. The conversation
feeds the first few pieces of an outbound call, joined, to :func:`is_mailbox_greeting`.

The rule is built to never take a person for a mailbox, at the price of missing a few unusual personal
greetings (those calls go on as unclear answers and end ``no_decision``): a greeting is a mailbox only
when it says something a person answering the phone does not say. These are

- the carriers' announcements ("ist zurzeit nicht erreichbar", "the person you are calling", "the number
  you have dialed") and the request for a message ("hinterlassen Sie eine Nachricht", "nach dem
  Signalton", "leave a message", "after the tone");
- a mailbox naming itself ("Mailbox von ...", "hier ist der Anrufbeantworter", "voicemail"), unless it is
  a question ("Ist das ein Anrufbeantworter?" is a person wondering about us);
- the owner's absence in a mailbox's words ("ich bin gerade nicht erreichbar", "you've reached",
  "I can't take your call", "leider nicht da ... zurück").

A first answer ("Hallo?", "Ja, Müller", "Praxis Weber, guten Tag", "Hello, this is John", "Wer ist da?")
carries none of them. ``tests/unit/test_voicemail.py`` holds the tables and prints both rates.

What follows a mailbox (another attempt, the callback it promises) is the reminder's rule, in
:mod:`reminders.model.after_voicemail`.
"""

from __future__ import annotations

import re

__all__ = ["GREETING_FRAGMENTS", "is_mailbox_greeting"]

# How many user_speak pieces of an outbound call's start can belong to a mailbox greeting. Later speech is a
# conversation: a person who said three things is not a mailbox, and what they say later is never re-read.
GREETING_FRAGMENTS = 3

_MESSAGE_REQUEST = re.compile(
    r"\bhinterl[aä]ss\w*\b.{0,40}\bnachricht\b|\bnachricht\b.{0,30}\bhinterl[aä]ss\w*"
    r"|\bnach dem (?:signal|piep|ton|beep)\w*|\bsignalton\b|\bpiepton\b|\bnach dem piep\b"
    r"|\bsprech\w* (?:sie |du )?(?:jetzt |bitte |einfach |gerne )?(?:nach|auf) (?:dem|das)\b"
    r"|\bauf (?:das |mein |meinen )?band\b|\bsprachnachricht\b"
    r"|\bleave (?:me |us )?(?:a |your )?(?:\w+ )?(?:message|voicemail)\b|\bafter the (?:tone|beep|signal)\b"
    r"|\bat the (?:tone|beep)\b|\brecord your message\b"
)
_CARRIER = re.compile(
    r"\b(?:ist|sind|bin) (?:\w+ ){0,3}(?:nicht|nicht mehr) (?:erreichbar|verfügbar)\b"
    r"|\bnicht (?:erreichbar|verfügbar)\b.{0,40}\b(?:nachricht|später|zurück)\b"
    r"|\bthe (?:person|party|subscriber|customer|number|mobile) (?:you (?:are|have|were) )?"
    r"(?:calling|called|dialed|dialled|trying)\b"
    r"|\bthe number you have\b|\b(?:is|are) (?:not|currently not|unable to) (?:available|reachable|take)\b"
    r"|\bis unavailable\b|\bnot available (?:right now|at the moment|to take)\b"
    r"|\bforwarded to an? (?:automatic |automated )?voice (?:message|mail)\b"
)
_MAILBOX_NAME = re.compile(
    r"\b(?:mailbox|sprachbox|mobilbox|anrufbeantworter|voicemail|voice mail|voicebox|answering machine)\b"
)
_ABSENCE = re.compile(
    r"\byou(?: have|'ve|ve) reached\b"
    r"|\b(?:can ?not|can't|could ?not|couldn't) (?:take|answer|get to|come to) (?:your|the|this) (?:call|phone)\b"
    r"|\bsie haben (?:\w+ ){1,5}erreicht\b|\bkann (?:\w+ ){0,3}nicht ans telefon\b"
    r"|\bnicht ans telefon (?:gehen|kommen)\b"
    r"|\b(?:gerade|leider|momentan|zurzeit|im moment) nicht (?:da|zu hause|erreichbar|im büro)\b.{0,60}\bzurück\w*"
    r"|\bi am (?:not available|away from|unavailable)\b"
)


def is_mailbox_greeting(text: str) -> bool:
    """Whether ``text`` (the first pieces of what answered an outbound call, joined) is a mailbox's greeting."""
    folded = " ".join(text.casefold().replace("\u2019", "'").replace("'ll", " will").replace("i'm", "i am").split())
    if _MESSAGE_REQUEST.search(folded) or _CARRIER.search(folded) or _ABSENCE.search(folded):
        return True
    return any("?" not in sentence for sentence in _sentences_naming_a_mailbox(folded))


def _sentences_naming_a_mailbox(folded: str) -> list[str]:
    sentences = re.findall(r"[^.!?]*[.!?]?", folded)
    return [sentence for sentence in sentences if _MAILBOX_NAME.search(sentence)]
