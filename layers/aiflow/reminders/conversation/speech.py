"""What the reminder call says, in German and English: the phrases, the voices and spoken dates.

Dates are written out here rather than with ``locale``: Lambda images carry no German locale, and
``strftime`` would depend on the process's locale anyway. The text-to-speech voice reads "1. Dezember"
as "erster Dezember" and "10:30 Uhr" as "zehn Uhr dreißig", so the written forms below are the spoken ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiflow import AzureTts
from reminders.model.reminder import Language

__all__ = ["Phrasebook", "phrasebook"]

_GERMAN_WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_GERMAN_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
_ENGLISH_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _german_when(moment: datetime) -> str:
    """``Dienstag, 1. Dezember um 10:30 Uhr``; a full hour without minutes (``um 10 Uhr``)."""
    clock = f"{moment.hour}" if moment.minute == 0 else f"{moment.hour}:{moment.minute:02d}"
    return f"{_GERMAN_WEEKDAYS[moment.weekday()]}, {moment.day}. {_GERMAN_MONTHS[moment.month - 1]} um {clock} Uhr"


def _english_when(moment: datetime) -> str:
    """``Tuesday, December 1 at 10:30 AM``; a full hour without minutes (``at 10 AM``)."""
    hour = moment.hour % 12 or 12
    clock = f"{hour}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}"
    half = "AM" if moment.hour < 12 else "PM"
    return f"{_ENGLISH_WEEKDAYS[moment.weekday()]}, {_ENGLISH_MONTHS[moment.month - 1]} {moment.day} at {clock} {half}"


@dataclass(frozen=True)
class Phrasebook:
    """Everything the call says in one language.

    Fields with ``{name}``, ``{when}``, ``{location}`` or ``{caller}`` (who calls: the practice) are templates.
    What a mailbox or an inbound caller hears names no callee and no place: anyone may hear it.
    Every question offers each choice by voice and by key, in words the call reads as that choice.
    """

    voice: AzureTts
    when: Callable[[datetime], str]
    greeting: str
    appointment: str
    location: str
    question: str
    short_question: str  # the question again, after an answer to the callee's own question or one not understood
    repeat_hint: str
    person_hint: str
    not_understood: str
    key_not_used: str
    who_calls: str
    where_unknown: str  # "where?" about a reminder without a location
    question_noted: str  # a question only the practice can answer
    still_there: str
    confirmed: str
    cancelled: str
    silent_goodbye: str
    unclear_goodbye: str
    connecting: str
    transfer_failed: str
    no_transfer: str
    unknown_caller: str
    technical_problem: str
    voicemail: str
    reschedule_connecting: str
    reschedule_goodbye: str
    reschedule_nobody: str
    opted_out: str
    wrong_number: str
    third_party_call_again: str
    third_party_last: str
    calling_back: str
    no_callback: str


_GERMAN = Phrasebook(
    voice=AzureTts(language=Language.GERMAN.value, voice="de-DE-KatjaNeural"),
    when=_german_when,
    greeting="Guten Tag, {name}, hier ist die automatische Terminerinnerung von {caller}.",
    appointment="Sie haben einen Termin am {when}.",
    location="Ort: {location}.",
    question=(
        "Um den Termin zu bestätigen, sagen Sie Ja oder drücken Sie die 1. "
        "Um ihn abzusagen, sagen Sie Nein oder drücken Sie die 2. "
        "Für einen anderen Termin sagen Sie 'verschieben' oder drücken Sie die 3."
    ),
    short_question="Kommen Sie zu dem Termin? Ja oder die 1, Nein oder die 2, 'verschieben' oder die 3.",
    repeat_hint="Zum Wiederholen sagen Sie 'wiederholen' oder drücken Sie die Sterntaste.",
    person_hint="Um mit einem Mitarbeiter zu sprechen, sagen Sie 'Mitarbeiter' oder drücken Sie die 0.",
    not_understood="Entschuldigung, das habe ich nicht verstanden.",
    key_not_used="Diese Taste ist nicht belegt.",
    who_calls="Hier ist die automatische Terminerinnerung von {caller}.",
    where_unknown="Ihr Termin ist bei {caller}.",
    question_noted="Ihre Frage gebe ich an {caller} weiter, Sie werden dazu zurückgerufen.",
    still_there="Sind Sie noch da?",
    confirmed="Vielen Dank! Ihr Termin am {when} ist bestätigt. Wir freuen uns auf Sie. Auf Wiederhören.",
    cancelled="Ihr Termin am {when} ist abgesagt. Vielen Dank für Ihre Rückmeldung. Auf Wiederhören.",
    silent_goodbye=(
        "Ich kann Sie leider nicht hören. Ihr Termin bleibt bestehen. "
        "Falls Sie absagen möchten, melden Sie sich bitte bei uns. Auf Wiederhören."
    ),
    unclear_goodbye=(
        "Ich konnte Sie leider nicht verstehen. Ihr Termin bleibt bestehen. "
        "Falls Sie absagen möchten, melden Sie sich bitte bei uns. Auf Wiederhören."
    ),
    connecting="Einen Moment bitte, ich verbinde Sie mit einem Mitarbeiter.",
    transfer_failed="Leider ist gerade niemand erreichbar.",
    no_transfer="Leider kann ich Sie gerade nicht mit einem Mitarbeiter verbinden.",
    unknown_caller=(
        "Guten Tag, hier ist die automatische Terminerinnerung von {caller}. "
        "Zu Ihrer Nummer liegt gerade keine offene Terminerinnerung vor. Auf Wiederhören."
    ),
    technical_problem=(
        "Entschuldigung, bei uns ist gerade ein technischer Fehler aufgetreten. "
        "Falls es nicht weitergeht, rufen wir Sie später noch einmal an."
    ),
    voicemail=(
        "Guten Tag, hier ist die automatische Terminerinnerung von {caller} für Ihren Termin am {when}. "
        "Um den Termin zu bestätigen oder abzusagen, rufen Sie uns bitte zurück. Auf Wiederhören."
    ),
    reschedule_connecting="Gern. Einen Moment bitte, ich verbinde Sie mit einem Mitarbeiter für einen neuen Termin.",
    reschedule_goodbye=(
        "Gern. {caller} meldet sich bei Ihnen, um einen neuen Termin zu vereinbaren. "
        "Bis dahin bleibt Ihr Termin reserviert. Auf Wiederhören."
    ),
    reschedule_nobody=(
        "Leider ist gerade niemand erreichbar. {caller} meldet sich bei Ihnen, um einen neuen Termin zu vereinbaren. "
        "Auf Wiederhören."
    ),
    opted_out="Verstanden, Sie erhalten von {caller} keine automatischen Anrufe mehr, auf Wiederhören.",
    wrong_number=(
        "Entschuldigen Sie bitte die Störung. Dann ist die Nummer bei uns falsch hinterlegt, "
        "wir lassen sie korrigieren. Auf Wiederhören."
    ),
    third_party_call_again="Vielen Dank, dann rufen wir später noch einmal an. Auf Wiederhören.",
    third_party_last="Vielen Dank. Bitte richten Sie aus, dass {caller} angerufen hat. Auf Wiederhören.",
    calling_back=(
        "Guten Tag, hier ist die automatische Terminerinnerung von {caller}. Vielen Dank für Ihren Anruf. "
        "Wir rufen Sie sofort unter Ihrer Nummer zurück. Auf Wiederhören."
    ),
    no_callback=(
        "Guten Tag, hier ist die automatische Terminerinnerung von {caller}. Vielen Dank für Ihren Anruf. "
        "Bitte warten Sie auf unseren Anruf oder wenden Sie sich direkt an die Praxis. Auf Wiederhören."
    ),
)

_ENGLISH = Phrasebook(
    voice=AzureTts(language=Language.ENGLISH.value, voice="en-US-JennyNeural"),
    when=_english_when,
    greeting="Hello {name}, this is the automated appointment reminder from {caller}.",
    appointment="You have an appointment on {when}.",
    location="Location: {location}.",
    question=(
        "To confirm it, say yes or press 1. To cancel it, say no or press 2. "
        "For another time, say 'another time' or press 3."
    ),
    short_question="Will you come? Yes or 1, no or 2, 'another time' or 3.",
    repeat_hint="To hear this again, say 'repeat' or press star.",
    person_hint="To speak to someone, say 'person' or press 0.",
    not_understood="Sorry, I didn't understand that.",
    key_not_used="That key does nothing here.",
    who_calls="This is the automated appointment reminder from {caller}.",
    where_unknown="Your appointment is with {caller}.",
    question_noted="I'll pass your question on to {caller}, and they will call you back about it.",
    still_there="Are you still there?",
    confirmed="Thank you! Your appointment on {when} is confirmed. See you then. Goodbye.",
    cancelled="Your appointment on {when} is cancelled. Thank you for letting us know. Goodbye.",
    silent_goodbye=(
        "I'm afraid I can't hear you. Your appointment stays as booked. "
        "If you need to cancel, please get in touch with us. Goodbye."
    ),
    unclear_goodbye=(
        "I'm afraid I couldn't understand you. Your appointment stays as booked. "
        "If you need to cancel, please get in touch with us. Goodbye."
    ),
    connecting="One moment please, I'll put you through to someone.",
    transfer_failed="Sorry, nobody is available right now.",
    no_transfer="Sorry, I can't put you through to anyone right now.",
    unknown_caller=(
        "Hello, this is the automated appointment reminder from {caller}. "
        "There is no open reminder for your number right now. Goodbye."
    ),
    technical_problem="Sorry, something went wrong on our side. If we can't continue, we'll call you back later.",
    voicemail=(
        "Hello, this is the automated appointment reminder from {caller} for your appointment on {when}. "
        "To confirm or cancel it, please call us back. Goodbye."
    ),
    reschedule_connecting="Sure. One moment please, I'll put you through to someone to find a new time.",
    reschedule_goodbye=(
        "Sure. {caller} will get in touch with you to find a new time. "
        "Until then your appointment stays reserved. Goodbye."
    ),
    reschedule_nobody=(
        "Sorry, nobody is available right now. {caller} will get in touch with you to find a new time. Goodbye."
    ),
    opted_out="Understood, you will get no more automated calls from {caller}, goodbye.",
    wrong_number=(
        "Sorry to have bothered you. Then we have the wrong number on file, and we'll have it corrected. Goodbye."
    ),
    third_party_call_again="Thank you, then we'll call again later. Goodbye.",
    third_party_last="Thank you. Please let them know that {caller} called. Goodbye.",
    calling_back=(
        "Hello, this is the automated appointment reminder from {caller}. Thank you for calling. "
        "We are calling you back on your number right away. Goodbye."
    ),
    no_callback=(
        "Hello, this is the automated appointment reminder from {caller}. Thank you for calling. "
        "Please wait for our call or get in touch with the practice directly. Goodbye."
    ),
)

_PHRASEBOOKS = {Language.GERMAN: _GERMAN, Language.ENGLISH: _ENGLISH}


def phrasebook(language: Language) -> Phrasebook:
    return _PHRASEBOOKS[language]
