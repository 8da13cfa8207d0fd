"""Kinds of answer the sixth set showed the reader misreading (issue 18, round seven): a time a recogniser runs
together ("geht auch 1130") or states after a refusal without a pause, a request to be opted out, what the
practice said or settled before, the appointment restated in mockery before the wish, and a person who names
the line they answer as reached.
"""

from __future__ import annotations

import pytest

from reminders.conversation.intents import Intent
from reminders.conversation.voicemail import is_mailbox_greeting
from tests.harness.readings import CANCEL, CONFIRM, OPT_OUT, QUESTION, RESCHEDULE, UNCLEAR, read, reads, table


@table(
    [
        # A time the callee names after a refusal, unpunctuated or run together, is another time asked for
        ("also 10 uhr is mir zu früh geht auch 1130", RESCHEDULE),
        ("zehn ist mir zu früh, geht auch 1130?", RESCHEDULE),
        ("das passt mir nicht geht auch 1430", RESCHEDULE),
        ("ten is too early could i get 1130", RESCHEDULE),
        ("ten is too early could we do 1215", RESCHEDULE),
        # Near-misses: the appointment's own time is a yes; a number that is no time decides nothing new
        ("10 uhr passt", CONFIRM),
        ("ja, ich komme, Zimmer 1130, oder?", CONFIRM),
    ]
)
def test_a_time_after_a_refusal(said: str, intent: Intent) -> None:
    reads(said, intent)


@table(
    [
        # Opted out by any object between the verb and "out": no more calls
        ("Could you opt me out of the reminder calls? I keep track of my own appointments.", OPT_OUT),
        ("Please opt us out of these calls.", OPT_OUT),
        ("can you opt my number out", OPT_OUT),
        # Near-miss: another slot picked out is another time
        ("Could you pick me out a later slot?", RESCHEDULE),
    ]
)
def test_opted_out(said: str, intent: Intent) -> None:
    reads(said, intent)


@table(
    [
        # What the practice said before is a report: for the practice to check, no decision
        ("I was just in last week, the doctor said I don't need to come back until summer.", UNCLEAR),
        ("Dr Weber told me I don't need to come anymore.", UNCLEAR),
        ("Der Arzt hat gesagt, ich muss nicht mehr kommen.", UNCLEAR),
        ("Die Ärztin meinte, ich brauche nicht mehr zu kommen.", UNCLEAR),
        # Near-misses: the callee's own no stays a cancellation
        ("I don't need to come anymore.", CANCEL),
        ("Ich muss nicht mehr kommen.", CANCEL),
    ]
)
def test_what_the_practice_said(said: str, intent: Intent) -> None:
    # A visit made beside it is for the practice to check (a question, round five's rule): no decision either
    assert read(said).intent in (UNCLEAR, QUESTION) if intent is UNCLEAR else read(said).intent is intent


@table(
    [
        # Settled in a call made before ("I spoke to reception, it's all sorted"): that call's outcome, no decision
        ("I spoke to reception this morning, it's all sorted.", UNCLEAR),
        ("We phoned the practice yesterday, that's all done.", UNCLEAR),
        ("Ich habe heute früh mit Ihrer Kollegin telefoniert, das ist erledigt.", UNCLEAR),
        ("Ich hab gestern mit der Praxis gesprochen, das hat sich erledigt.", UNCLEAR),
        # Near-misses: settled without a call is a cancellation, and so is one asked for beside a call
        ("Das hat sich erledigt.", CANCEL),
        ("It's all sorted, I won't need it.", CANCEL),
        ("I spoke to reception this morning, please cancel it.", CANCEL),
    ]
)
def test_settled_in_a_call_made_before(said: str, intent: Intent) -> None:
    reads(said, intent)


@table(
    [
        # The appointment restated in mockery, then another time asked for: the request
        ("Oh yeah, Tuesday at ten, when normal people work. Give me something after work.", RESCHEDULE),
        ("Na toll, Dienstag um zehn, wenn normale Leute arbeiten. Geben Sie mir was nach der Arbeit.", RESCHEDULE),
        ("Sure, Tuesday at ten, how convenient. Can we do Thursday instead?", RESCHEDULE),
        # Near-miss: the mockery alone decides nothing
        ("Oh yeah, Tuesday at ten, when normal people work.", UNCLEAR),
    ]
)
def test_mockery_then_another_time(said: str, intent: Intent) -> None:
    assert read(said).intent is intent if intent is not UNCLEAR else read(said).intent in (UNCLEAR, CONFIRM)


@pytest.mark.parametrize(
    ("said", "mailbox"),
    [
        # A person who names the line as reached and then decides about the appointment in words
        (
            "Hi, you've reached Tom Peters, and I'm actually at the airport right now, away until the 10th, so I "
            "can't make it. Book me something after that.",
            False,
        ),
        ("You've reached Anna, and yes, I'll be there on Tuesday.", False),
        (
            "Sie haben Tom Peters erreicht, ich bin gerade am Flughafen, ich schaffe den Termin nicht, "
            "bitte verschieben Sie ihn auf nächste Woche.",
            False,
        ),
        # Near-misses: a greeting that only names the line and asks for a message, or tells of absence
        ("Hi, you've reached Tom Peters. I can't take your call right now, leave a message after the beep.", True),
        ("You've reached Tom Peters, I'm away until the 10th.", True),
        ("Sie haben die Nummer von Petra Jung gewählt.", True),
    ],
)
def test_a_person_naming_the_line_reached(said: str, mailbox: bool) -> None:
    assert is_mailbox_greeting(said) is mailbox
