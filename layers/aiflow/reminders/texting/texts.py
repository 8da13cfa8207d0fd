"""The SMS texts, in German and English, and how many SMS a text takes on the wire.

An SMS carries 160 characters of GSM-7 (GSM 03.38: Latin letters, digits, ä ö ü ß é and a few more; ``€``,
``[``, ``]``, ``{``, ``}``, ``\\``, ``~``, ``^`` and ``|`` take two) and only 70 once a single character is
outside it (UCS-2); a longer text is split, 153 (or 67) characters a part, each billed. The texts below are
written in GSM-7 and fit one SMS with a caller name of up to :data:`CALLER_NAME_FOR_ONE_SMS` characters;
a longer name (``CallerName`` allows 100), a callback number written long, or a name with a letter outside
GSM-7 (``Ł``, Cyrillic) makes two or more. :func:`sms_parts` counts them, the sender logs it.

- After the last attempt (the callee was not reached): who calls, the appointment's date and time, the
  number to call back (the AI Flow's number: a call to it reaches the private callback). No name and no
  place: the text goes to the stored number, which may be a shared phone.
- In the call, after a decision: the appointment's date, time and place, to the callee who just heard it.
"""

from __future__ import annotations

from datetime import datetime

from aiflow import phone
from reminders.model.reminder import Language, Outcome

__all__ = ["CALLER_NAME_FOR_ONE_SMS", "ONE_SMS", "after_last_attempt_text", "confirmation_text", "sms_parts"]

ONE_SMS = 160
CALLER_NAME_FOR_ONE_SMS = 30
_GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_ESCAPED = frozenset("^{}\\[~]|€")  # two septets each

_GERMAN_WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
_ENGLISH_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_AFTER_LAST_ATTEMPT = {
    Language.GERMAN: "{caller}: Erinnerung an Ihren Termin am {when}. Zum Bestätigen oder Absagen rufen Sie "
    "uns bitte an: {number}",
    Language.ENGLISH: "{caller}: a reminder of your appointment on {when}. To confirm or cancel it, please "
    "call us on {number}",
}
_CONFIRMED = {
    Language.GERMAN: "{caller}: Ihr Termin am {when} ist bestätigt.",
    Language.ENGLISH: "{caller}: your appointment on {when} is confirmed.",
}
_RESCHEDULE = {
    Language.GERMAN: "{caller}: Sie wünschen einen anderen Termin statt {when}. Wir rufen Sie an.",
    Language.ENGLISH: "{caller}: you asked for another time than {when}. We will call you.",
}
_PLACE = {Language.GERMAN: " Ort: {location}", Language.ENGLISH: " Location: {location}"}


def _when(moment: datetime, language: Language) -> str:
    """``Di 03.03. um 10:30 Uhr`` or ``Tue Mar 3 at 10:30 AM``: short, as a text writes it."""
    if language is Language.GERMAN:
        return f"{_GERMAN_WEEKDAYS[moment.weekday()]} {moment:%d.%m.} um {moment:%H:%M} Uhr"
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    month = _ENGLISH_MONTHS[moment.month - 1]
    return f"{_ENGLISH_WEEKDAYS[moment.weekday()]} {month} {moment.day} at {hour}:{moment.minute:02d} {half}"


def after_last_attempt_text(*, caller: str, appointment: datetime, language: Language, callback_number: str) -> str:
    """The SMS after the last attempt; ``appointment`` in the callee's time zone."""
    number = phone.normalize(callback_number, plus=True)
    return _AFTER_LAST_ATTEMPT[language].format(caller=caller, when=_when(appointment, language), number=number)


def confirmation_text(*, outcome: Outcome, caller: str, when: str, language: Language, location: str | None) -> str:
    """The SMS sent in the call after ``outcome`` (confirmed, or reschedule_requested): the appointment's date
    and time (``when``, as the call said it) and place."""
    texts = _CONFIRMED if outcome is Outcome.CONFIRMED else _RESCHEDULE
    text = texts[language].format(caller=caller, when=when)
    return text + _PLACE[language].format(location=location) if location else text


def sms_parts(text: str) -> int:
    """How many SMS ``text`` takes: 160 GSM-7 characters in one, 153 a part when split; 70 and 67 in UCS-2."""
    if all(character in _GSM7 or character in _GSM7_ESCAPED for character in text):
        septets = len(text) + sum(character in _GSM7_ESCAPED for character in text)
        return 1 if septets <= ONE_SMS else -(-septets // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)
