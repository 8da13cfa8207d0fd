"""What the reminder's text messages say, in German and English, and how long they are on the wire.

``texts``: the SMS after the last attempt (who calls, the appointment's date and time, the number to call
back; no name and no place, as for a mailbox: a phone may be shared) and the confirmation sent in the call
(date, time and place). Both are GSM-7 (the 7-bit SMS alphabet, which has ä, ö, ü and ß) and, for a caller
name of up to :data:`~reminders.texting.texts.CALLER_NAME_FOR_ONE_SMS` characters, one SMS of 160.
"""

from reminders.texting.texts import (
    CALLER_NAME_FOR_ONE_SMS,
    ONE_SMS,
    after_last_attempt_text,
    confirmation_text,
    sms_parts,
)

__all__ = ["CALLER_NAME_FOR_ONE_SMS", "ONE_SMS", "after_last_attempt_text", "confirmation_text", "sms_parts"]
