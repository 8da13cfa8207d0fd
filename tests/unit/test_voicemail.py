"""Mailbox or person: the first words of an answered outbound call, in German and English.

The tables are real greetings (carrier announcements, personal mailbox greetings, some split the way a
speech recogniser delivers them) and real first answers of people. The rule may miss a mailbox now and
then (the call goes on as an unclear answer); it must never take a person for one.
"""

from __future__ import annotations

import pytest

from reminders.conversation.voicemail import is_mailbox_greeting
from reminders.model.after_voicemail import voicemail_is_final

GERMAN_MAILBOXES = [
    "Der Teilnehmer ist zurzeit nicht erreichbar. Bitte hinterlassen Sie eine Nachricht nach dem Signalton.",
    "Der gewünschte Gesprächspartner ist zurzeit nicht erreichbar.",
    "Die Person, die Sie anrufen, ist zurzeit nicht erreichbar.",
    "Der Mobilfunkteilnehmer ist derzeit nicht erreichbar, bitte versuchen Sie es später noch einmal.",
    "Mailbox von 0 1 5 7 9 0 0 0 0 6 8 7.",
    "Hallo, Sie sind verbunden mit der Mailbox von Erika Mustermann.",
    "Willkommen bei der Mailbox. Bitte sprechen Sie nach dem Signalton.",
    "Hallo, hier ist der Anrufbeantworter von Familie Müller.",
    "Hallo, hier ist der Anrufbeantworter von Familie Müller. Wir sind leider nicht zu Hause.",
    "Hier ist der automatische Anrufbeantworter der Familie Schneider. Sprechen Sie nach dem Piepton.",
    "Guten Tag, Sie haben die Nummer von Thomas Weber erreicht. Hinterlassen Sie mir eine Nachricht.",
    "Hallo, hier ist Tom. Ich bin gerade nicht erreichbar.",
    "Hi, hier ist Lisa, ich kann gerade nicht ans Telefon gehen. Sprich mir einfach auf die Mailbox.",
    "Hallo, ich bin gerade nicht da, hinterlass mir doch eine Nachricht.",
    "Hallo, du hast Jan erreicht. Ich bin leider nicht erreichbar, ich rufe zurück.",
    "Ja hallo, hier ist die Mailbox von Sabine.",
    "Sie sind verbunden mit der Sprachbox von Peter Schulz.",
    "Bitte hinterlassen Sie Ihre Nachricht nach dem Ton.",
    "Nach dem Signalton können Sie eine Nachricht hinterlassen.",
    "Leider kann ich Ihren Anruf gerade nicht entgegennehmen. Bitte hinterlassen Sie eine Nachricht.",
    "Guten Tag, Sie sind mit dem Anrufbeantworter von Dr. Klein verbunden.",
    "Hallo, das ist die Mobilbox von Markus.",
    "Hallo, ich bin momentan nicht erreichbar, ruf mich später wieder an.",
    "Die von Ihnen gewählte Rufnummer ist vorübergehend nicht erreichbar.",
    "Der Anschluss ist zurzeit nicht erreichbar.",
    "Hallo, leider bin ich nicht erreichbar, sprechen Sie auf das Band.",
    "Moin, hier ist Kai. Grad nicht da, sprich nach dem Piep.",
    "Herzlich willkommen auf der Mailbox von Anna Becker.",
    "Hallo, Sie haben Familie Wagner erreicht. Wir rufen Sie gerne zurück.",
    "Dies ist die Voicemail von Stefan Hoffmann.",
    "Hallo, ich kann Ihren Anruf leider nicht annehmen, bitte hinterlassen Sie eine Sprachnachricht.",
    "Ich bin im Moment nicht zu Hause und rufe so bald wie möglich zurück.",
    "Sie sprechen mit dem Anrufbeantworter von Ingrid Koch.",
    "Guten Tag, hier ist die Mailbox der Rufnummer 0 1 7 1 2 3 4 5.",
    "Hallo, hier ist Maria. Hinterlass eine Nachricht nach dem Ton, ich melde mich.",
    "Der Teilnehmer ist vorübergehend nicht erreichbar.",
    "Ich bin gerade nicht verfügbar. Bitte versuchen Sie es später.",
    "Hallo, hier spricht der Anrufbeantworter.",
    "Leider ist niemand zu Hause. Hinterlassen Sie Name und Nummer nach dem Signalton.",
    "Hallo, wir sind gerade nicht erreichbar.",
    "Hier ist Frank, ich bin im Urlaub und nicht erreichbar.",
    "Hallo. Ich bin gerade beschäftigt.",  # a greeting that says too little: a miss is allowed
]
ENGLISH_MAILBOXES = [
    "The person you are calling is not available. Please leave a message after the tone.",
    "The person you're calling is not available right now.",
    "The number you have dialed is not available.",
    "The subscriber you are calling is currently unavailable.",
    "Please leave a message after the beep.",
    "Hi, you've reached Sarah. I can't take your call right now.",
    "Hi, you have reached the voicemail of John Miller.",
    "Hey, this is Mike, leave a message and I'll get back to you.",
    "Hello, you've reached the Johnson residence. We can't come to the phone right now.",
    "Welcome to the voicemail box of 5 5 5 1 2 3 4.",
    "Your call has been forwarded to an automatic voice message system.",
    "Hi, this is Emma. I'm not available right now, please leave your name and number.",
    "You have reached the mailbox of David Brown.",
    "Hello, I can't answer the phone right now. Leave a message at the tone.",
    "Sorry I missed your call, leave a message and I'll call you back.",
    "This is Karen, I'm away from my phone, please leave a message.",
    "Hi, it's Tom. Leave me a message.",
    "The mobile customer you are calling is not available.",
    "Hello, you have reached Dr. Smith's answering machine.",
    "At the tone, please record your message.",
    "The person you are trying to reach is unavailable.",
    "Hi, you've reached Lisa and Mark, we're not home right now.",
    "Please leave your message after the signal.",
    "Hello, I'm unavailable at the moment, I'll return your call.",
    "You've reached the voice mail of Peter Parker.",
    "Hey, it's Chris. Can't take your call, leave a voicemail.",
    "Thanks for calling, you've reached Anna.",
    "The party you are calling is not available.",
    "Hello, I'm not available to take your call.",
    "Hi, this is Rachel's voicemail.",
    "The number you have called is not reachable.",
    "I am away from the phone right now. I will get back to you.",
    "Hello, this is Jenny. I can't get to the phone.",
    "You've reached 5 5 5 9 8 7 6.",
    "Hi, this is Bob, please leave a message.",
    "We're sorry, the person you called is unavailable.",
    "Hello, nobody is home, leave a message after the beep.",
    "You have reached the office of Dr. Jones. The office is closed, please leave a message.",
    "Hi, I'm busy right now.",  # a greeting that says too little: a miss is allowed
    "Hey, it's Jo, you know what to do.",  # likewise
]
GERMAN_PEOPLE = [
    "Hallo?",
    "Ja, Müller.",
    "Praxis Weber, guten Tag.",
    "Wer ist da?",
    "Ja?",
    "Ja, bitte?",
    "Schmidt.",
    "Hallo, wer spricht da?",
    "Ja, hallo.",
    "Guten Tag.",
    "Müller hier.",
    "Hier ist Müller.",
    "Ja, hier ist Anna.",
    "Moment, ich kann gerade schlecht reden.",
    "Hallo, ich bin gerade im Auto.",
    "Wie bitte?",
    "Ja, ich komme.",
    "Nein.",
    "Was ist das für ein Anruf?",
    "Ist das ein Anrufbeantworter?",
    "Bin ich hier auf einer Mailbox?",
    "Hallo, hier ist Erika Mustermann.",
    "Mustermann, guten Tag.",
    "Ja, am Apparat.",
    "Hallo, Sie sprechen mit Frau Schulz.",
    "Guten Morgen, Weber.",
    "Ja bitte, wer ist dran?",
    "Hallo? Hallo? Ich höre nichts.",
    "Ich verstehe Sie schlecht.",
    "Ich rufe Sie gleich zurück, ich bin beim Arzt.",
    "Meine Frau ist nicht da, worum geht es?",
    "Ja, was gibt's?",
    "Hallo, wer ruft an?",
    "Familie Schneider, hallo.",
    "Ach, die Erinnerung, ja.",
    "Ja, der Termin passt.",
    "Einen Moment bitte.",
    "Ja, Schulz, Apotheke am Markt.",
    "Hallo, hier ist die Tochter von Frau Koch.",
    "Nein, ich kann nicht.",
    "Hören Sie mich?",
    "Kann ich Sie zurückrufen?",
]
ENGLISH_PEOPLE = [
    "Hello?",
    "Hello, this is John.",
    "Hi.",
    "Yes?",
    "Who is this?",
    "Speaking.",
    "Miller.",
    "Hello, John Miller speaking.",
    "Good morning.",
    "Hi, it's Sarah.",
    "Yeah, hello?",
    "Who's calling?",
    "Dr. Smith's office, how can I help you?",
    "Hello, this is the Johnson residence.",
    "Sorry, I can't hear you.",
    "Yes, speaking, who is this?",
    "Hang on a second.",
    "Is this a recording?",
    "Is this a voicemail?",
    "Am I talking to a machine?",
    "Hello, I'm driving right now.",
    "Sorry, can you call me back later?",
    "Yes, I'll be there.",
    "No.",
    "What is this about?",
    "Hi, this is Jane Doe.",
    "Hello? Anyone there?",
    "Yes, hello, who am I speaking to?",
    "Good afternoon, Brown here.",
    "Can you repeat that?",
    "Hello, this is Mike, who's this?",
    "I'm busy, make it quick.",
    "Yes, go ahead.",
    "Oh, the appointment, right.",
    "My husband isn't home, can I help?",
    "Hey.",
    "Hello, Peter here.",
    "I'll call you back, I'm in a meeting.",
    "Sorry, who?",
    "Hi, yes, this is she.",
    "Hello, can you hear me?",
]


def rate(greetings: list[str]) -> float:
    return sum(is_mailbox_greeting(greeting) for greeting in greetings) / len(greetings)


@pytest.mark.parametrize(
    ("language", "mailboxes", "people"),
    [("de", GERMAN_MAILBOXES, GERMAN_PEOPLE), ("en", ENGLISH_MAILBOXES, ENGLISH_PEOPLE)],
)
def test_mailboxes_are_recognised_and_people_never_taken_for_one(
    language: str, mailboxes: list[str], people: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(mailboxes) >= 40
    assert len(people) >= 40
    taken = [answer for answer in people if is_mailbox_greeting(answer)]
    recognised = rate(mailboxes)
    with capsys.disabled():
        print(
            f"\n[{language}] mailboxes recognised: {recognised:.0%} of {len(mailboxes)}; "
            f"people taken for a mailbox: {len(taken)} of {len(people)}"
        )
    assert taken == [], "a person must never be taken for a mailbox"
    missed = [greeting for greeting in mailboxes if not is_mailbox_greeting(greeting)]
    assert recognised >= 0.9, f"missed: {missed}"


@pytest.mark.parametrize(
    ("pieces", "mailbox"),
    [
        (["Hallo, hier ist Tom."], False),
        (["Hallo, hier ist Tom.", "Ich bin gerade nicht erreichbar."], True),
        (["Hi, this is Emma.", "Please leave a message."], True),
        (["Hello?", "Who is this?"], False),
    ],
)
def test_a_greeting_in_several_pieces_is_read_as_a_whole(pieces: list[str], mailbox: bool) -> None:
    assert is_mailbox_greeting(" ".join(pieces)) is mailbox


@pytest.mark.parametrize(
    ("attempt", "max_attempts", "retry", "final"),
    [(1, 3, True, False), (3, 3, True, True), (1, 3, False, True), (1, 1, True, True)],
)
def test_a_voicemail_closes_the_reminder_only_on_the_last_attempt_or_without_retries(
    attempt: int, max_attempts: int, retry: bool, final: bool
) -> None:
    assert voicemail_is_final(attempt, max_attempts, retry_after_voicemail=retry) is final
