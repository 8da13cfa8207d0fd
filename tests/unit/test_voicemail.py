"""Mailbox or person: the first words of an answered outbound call, in German and English.

The tables are real greetings (carriers' announcements in Germany, Austria, Switzerland, the UK and the US,
personal mailbox greetings, short ones, some split the way a speech recogniser delivers them) and real first
answers of people, many of them sounding like a mailbox. The rule may miss a mailbox now and then; it must
never take a person for one. What it misses and may be a recording is asked again, never decided, while a
person who gives a reason with the answer is answered; and the call listens for a mailbox until it knows a
person answered, so that a missed greeting that ends in silence closes as after a mailbox.
"""

from __future__ import annotations

import pytest

from reminders.conversation.intents import Intent, read_answer
from reminders.conversation.mailbox import Mailbox
from reminders.conversation.state import CallState
from reminders.conversation.voicemail import (
    GREETING_FRAGMENTS,
    MONOLOGUE_WORDS,
    is_mailbox_greeting,
    may_be_a_recording,
    unless_a_recording,
)
from reminders.model.after_voicemail import voicemail_is_final
from reminders.model.reminder import Language

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
    "Der gewünschte Gesprächspartner ist derzeit nicht erreichbar. Bitte versuchen Sie es später noch einmal.",
    "Der A1 Teilnehmer ist zurzeit nicht erreichbar.",
    "Willkommen bei der Mobilbox von A1. Der Teilnehmer ist derzeit nicht erreichbar.",
    "Die Person, die Sie angerufen haben, ist zurzeit nicht erreichbar. "
    "Sie können nach dem Signalton eine Nachricht hinterlassen.",
    "Hallo, das ist die Combox von 079 123 45 67. Bitte sprechen Sie nach dem Ton.",
    "Die gewählte Rufnummer ist nicht vergeben.",
    "Kein Anschluss unter dieser Nummer. Bitte rufen Sie die Auskunft an.",
    "Der Teilnehmer ist zur Zeit nicht erreichbar. Ihr Anruf wird an die Mailbox weitergeleitet.",
    "Ihr Anruf wird an die Sprachbox weitergeleitet.",
    "Die Mailbox ist voll.",
    "Diese Rufnummer ist nicht mehr in Betrieb.",
    "Der gewünschte Teilnehmer telefoniert gerade.",
    "Mobilbox. Der Teilnehmer ist nicht erreichbar.",
    "Guten Tag, hier ist die Swisscom Combox von Beat Müller.",
    "Hallo, hier ist Anna, sprich mir was drauf.",
    "Hallo, hier ist Anna. Ich bin grad nicht da, ich ruf dich zurück.",
    "Servus, i bin's, da Hias. Grad ned erreichbar, probier's später.",
    "Moin moin, hier ist Jens. Bin auf See, melde mich, wenn ich zurück bin.",
    "Hallöchen, hier ist die Steffi. Ich bin grad nicht am Handy, schreib mir einfach.",
    "Grüezi mitenand, da isch d'Familie Keller. Mir sind grad nöd dihei, lönd Sie e Nachricht.",
    "Hoi, da isch de Reto. Ich rüef zrugg.",
    "Hallo, hier ist Lisa. Wenn du das hörst, bin ich gerade nicht da.",
    "Hey, hier ist Tim. Leider verpasst, ich ruf zurück.",
    "Hallo, hier ist Familie Schmitt. Leider sind wir nicht zu Hause. Rufen Sie später wieder an.",
    "Guten Tag, Sie sind verbunden mit dem Büro von Dr. Meier. Wir sind ab Montag wieder für Sie da.",
    "Zahnarztpraxis Dr. Huber, unsere Praxis ist vom 1. bis 14. August geschlossen.",
    "Hallo, hier ist Oma Erna. Ich hör das Telefon nicht immer, ruft mich später nochmal an.",
    "Hi, hier ist der Max, bin beim Sport, meld mich später.",
    "Anrufbeantworter Familie Lange.",
    "Hier ist der Anschluss von Familie Becker, bitte hinterlassen Sie Ihre Nachricht.",
    "Leider bin ich momentan nicht erreichbar.",
    "Praxis Dr. Weiß, außerhalb unserer Sprechzeiten erreichen Sie den ärztlichen Bereitschaftsdienst unter 116 117.",
    "Herzlich willkommen bei der Praxis Dr. Berg. Sie rufen außerhalb unserer Sprechzeiten an.",
    "Griaß Gott, do is da Franz, i bin grad ned do, ruaf ma später nomoi o.",
    "Hallo, hier ist Kevin. Ich bin gerade im Meeting, ich melde mich.",
    "Hier ist Sandra, ich bin bis Montag im Urlaub und lese keine Nachrichten. Ich melde mich danach.",
    "Hallo, Sie haben Jürgen Schulz angerufen. Ich rufe Sie so schnell wie möglich zurück.",
    "Hallo, Sie sind bei Müllers gelandet. Leider ist gerade keiner da.",
    "Hallo ihr Lieben, hier ist Mama. Ich bin beim Einkaufen, ich ruf euch zurück.",
    "Servus, hier ist die Vroni. Bin grad beschäftigt, schreib mir a WhatsApp.",
    "Hier ist die Mailbox von Kerstin Vogel, bitte sprechen Sie nach dem Piepton.",
    "Sie sind mit der Mobilbox von Florian verbunden.",
    "Die Praxis ist wegen Urlaub geschlossen. In dringenden Fällen wenden Sie sich bitte an Dr. Schmidt.",
    "Hallo, hier ist Nina. Ich bin nicht erreichbar, sprich mir einfach drauf.",
    "Momentan ist leider niemand erreichbar. Bitte rufen Sie später noch einmal an.",
    "Der Anschluss ist besetzt.",
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
    "The number you have dialled has not been recognised.",
    "The person you are calling is not available. Please try later.",
    "Welcome to the Vodafone voicemail service. The person you have called is not available.",
    "The EE customer you are calling is not available.",
    "The Three customer you are calling is unavailable.",
    "Sorry, the number you have called is not available. Please try again later.",
    "We're sorry, you have reached a number that has been disconnected or is no longer in service.",
    "The cellular customer you have called is not available.",
    "The Google Voice subscriber you have called is not available.",
    "Your call has been forwarded to voicemail.",
    "The voicemail box is full.",
    "The subscriber's voicemail has not been set up.",
    "Hi, it's Mike, you know what to do.",
    "Hey, you've reached Kate, leave a message!",
    "Hi, this is Jess, I'm not around right now, I'll call you back.",
    "Hiya, Sam here, can't get to the phone, leave a message.",
    "Hello, you're through to Chris. Leave a message and I'll ring you back.",
    "Alright, it's Gaz, ring us back later.",
    "Hi, this is the Patel residence. We're out at the moment, please leave a message.",
    "You have reached the voicemail of 0 7 7 0 0 9 0 0 1 2 3.",
    "Hey, it's Ben. I'm on the other line, I'll call you back.",
    "Hello, you have reached Dr. Green's surgery. The surgery is now closed.",
    "Thank you for calling Smith Dental. Our office is currently closed.",
    "Hi, it's Olivia. Sorry I can't answer, text me.",
    "If you're hearing this, I'm busy.",
    "Hey, I'm not here right now, but leave a message.",
    "Leave a message.",
    "Voicemail.",
    "The Verizon Wireless customer you are trying to reach is not available.",
    "Hi, this is Pat. I'm out of the office until Monday. For urgent matters, please contact Sue.",
    "Hey, it's Dan, I'm probably driving, call you later.",
    "Hello, this is Ravi, kindly leave your message, I will revert.",
    "Howya, it's Seán, I'm not about, leave a message.",
    "Hi, it's Lucy, I'm not available right now but I'll get back to you.",
    "This is Tom's phone, I can't pick up right now.",
    "Hey there, it's Megan! Sorry I missed you, I'll call you back.",
    "Hello, this is Dr. Kim's office. We are closed for the holidays.",
    "You have reached the Johnsons. Nobody's home right now.",
    "Hi, you've got Lisa's phone. Text me instead.",
    "The mailbox you are trying to reach is full.",
    "The number you are trying to reach is currently switched off.",
    "Hi, it's Jack. I'm at work till six, drop me a message.",
    "Hello, Emily speaking, well, not really, this is my voicemail.",
    "Please leave your message for 0 1 6 1 4 9 6 0 0 0 0.",
    "Hi, this is Grace, I'll be back on Monday, speak then.",
    "Hey, it's Nick, I'm away on holiday, back next week.",
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
    "Hallo, hier ist Anna, ich bin gerade unterwegs, aber der Termin passt.",
    "Hallo, hier ist Peters, ich ruf Sie gleich zurück.",
    "Ja, hier ist Müller, Sie haben mich gerade noch erwischt, ich komme.",
    "Ich war im Urlaub, deshalb hab ich die Nachricht auf der Mailbox erst jetzt gehört. Ja, ich komme.",
    "Ich hab Ihre Nachricht auf dem Anrufbeantworter gehört, den Termin sage ich ab.",
    "Hier ist die Tochter, meine Mutter ruft Sie zurück.",
    "Am Dienstag bin ich nicht zu Hause, da bin ich verreist.",
    "Ich bin nicht die Mailbox, ich bin's wirklich. Ich komme.",
    "Ich rufe später zurück, ich bin beim Arzt.",
    "Moin, hier ist Kai, ich bin gerade im Auto, aber ja, Dienstag passt.",
    "Sie haben die richtige Nummer gewählt, ich bin Frau Peters.",
    "Ich bin am Dienstag leider im Urlaub.",
    "Ich bin um zehn nicht erreichbar, geht es auch um elf?",
    "Die Praxis hat mich schon erreicht, ich komme.",
    "Mein Mann ist nicht erreichbar, er ruft Sie später zurück.",
    "Sie haben mich auf dem Handy erreicht, ich bin gerade unterwegs. Ja, ich komme.",
    "Ich bin gerade beschäftigt, sagen Sie den Termin bitte ab.",
    "Hier ist Müller, ich bin nicht da am Dienstag.",
    "Hallo, ich bin im Büro, können Sie später nochmal anrufen?",
    "Ich höre meine Mailbox nie ab, gut dass Sie mich erreichen. Ich komme.",
    "Ich bin grad im Stress, ruf später nochmal an.",
    "Hier ist Jonas, schreiben Sie mir lieber eine SMS mit dem Termin.",
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
    "Hi, it's Sarah, I'm at work but yes, Tuesday is fine.",
    "Hello, this is Mike, I'll call you right back.",
    "I got your voicemail, yes, I'll be there.",
    "I heard the message you left on my answering machine, I need to cancel.",
    "This is Mr Peters' daughter, he'll call you back.",
    "You've reached the right person, go ahead.",
    "I'm away on Tuesday, I'm at a conference.",
    "Sorry, I was away from the phone, who is this?",
    "I'm busy right now, can you call back later?",
    "Not now, I'm in a meeting. Call me later.",
    "Yes, I'm not available at ten but could come at eleven.",
    "The number you called is my work phone, but yes, I'll come.",
    "The person you are calling is my husband, he's at work.",
    "Hey, it's Tom, I'm driving, but I'll be there.",
    "I'm not available then, can we move it?",
    "Hi, this is Lisa, just text me the details.",
    "I never check my voicemail, glad you got me. Yes, I'll come.",
    "Leave it with me, I'll be there.",
    "I'm busy, cancel it please.",
    "Hello, I'm at the office, can you ring later?",
    "Yes, hello, this is Peter, I'll come.",
    "Sorry, I missed your call yesterday. Yes, Tuesday is fine.",
    "It's John, I'm on the train, I'll call you back in ten minutes.",
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
    assert recognised >= 0.95, f"missed: {missed}"


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
    "greeting",
    [
        "Hallo. Ich bin gerade beschäftigt.",
        "Hi, I'm busy right now.",
        "Ich bin im Moment nicht zu Hause und rufe so bald wie möglich zurück.",
        "Moin, bin grad nicht am Platz, ich komm gleich wieder.",
        "Hallo, ich bin gerade beschäftigt, ich melde mich gerne.",  # "gerne" alone would confirm
        "Hey, I'm away right now, sure I'll get back to you.",  # and "sure"
        "Ich rufe zurück, ich bin gerade beim Einkaufen.",  # a person in a hurry: asked again is right too
        "I'll call you back, I'm in a meeting.",
        "Hello, this is Mike, I'll call you right back.",
        " ".join(["Willkommen bei uns, wir freuen uns sehr über Ihren Anruf und sind gleich für Sie da"] * 2),
    ],
)
def test_what_may_be_a_recording_is_asked_again_never_decided(greeting: str) -> None:
    assert not is_mailbox_greeting(greeting)
    assert may_be_a_recording(greeting)
    assert unless_a_recording(greeting, read_answer(greeting)).intent is Intent.UNCLEAR


@pytest.mark.parametrize(
    "answer",
    [
        "Ich bin gerade nicht zu Hause, ich sitz im Auto, aber ja, ich komme.",
        "I'm not at home right now, I'm driving, but yes, I'll be there.",
        "Hi, it's Sarah, I'm at work but yes, Tuesday is fine.",
        "Sorry, I missed your call yesterday. Yes, Tuesday is fine.",
        "Ich bin am Dienstag leider im Urlaub.",  # another day: about the appointment
        "I'm away on Tuesday, I'm at a conference.",
        "Meine Frau ist arbeiten, rufen Sie heute Abend nochmal an.",  # someone else's absence
        "Try again tomorrow, he'll be in.",
        "Yes, and please email me a confirmation.",  # asks for the reminder's facts
        "Ich bin erst ab dem 16. wieder da.",
        "I'm busy right now, can you call back later?",  # a question
        "Ja, ich komme.",
    ],
)
def test_an_answer_with_its_reason_is_no_recording(answer: str) -> None:
    understood = read_answer(answer)
    assert not may_be_a_recording(answer)
    assert unless_a_recording(answer, understood) is understood


def test_a_monologue_is_words_enough_and_no_question() -> None:
    words = ["blah"] * MONOLOGUE_WORDS
    assert may_be_a_recording(" ".join(words))
    assert not may_be_a_recording(" ".join(words[1:]))
    assert not may_be_a_recording(" ".join(words) + ", wer ist da?")


def _outbound_call() -> CallState:
    return CallState(language=Language.GERMAN, reminder_id="r-1", listening_for_mailbox=True)


def test_the_first_pieces_are_read_as_a_greeting_and_kept_no_longer() -> None:
    call = _outbound_call()
    for _ in range(GREETING_FRAGMENTS):
        assert not Mailbox.answered(call, "Hallo?")
    assert call.heard == "", "all a greeting can be was read"
    assert not Mailbox.answered(call, "Bitte sprechen Sie nach dem Ton."), "a conversation by now"
    assert call.listening_for_mailbox, "nothing a person says was heard yet"


def test_the_call_listens_for_a_mailbox_until_a_person_answers_in_words() -> None:
    call = _outbound_call()
    assert not Mailbox.missed_greeting(call), "a call that heard nothing yet has no greeting to miss"
    Mailbox.answered(call, "Hallo?")
    assert Mailbox.screened(call, "Hallo?", read_answer("Hallo?")).intent is Intent.UNCLEAR
    assert Mailbox.missed_greeting(call)

    Mailbox.answered(call, "Wie bitte?")
    assert Mailbox.screened(call, "Wie bitte?", read_answer("Wie bitte?")).intent is Intent.REPEAT

    assert not call.listening_for_mailbox
    assert call.heard == ""
    assert not Mailbox.missed_greeting(call)
    busy = "Ich bin gerade beschäftigt."
    assert Mailbox.screened(call, busy, read_answer(busy)) == read_answer(busy), "a person's words are read as said"


def test_after_the_first_pieces_nothing_is_taken_for_a_recording() -> None:
    call = _outbound_call()
    for _ in range(GREETING_FRAGMENTS + 1):
        Mailbox.answered(call, "Hallo.")
    busy = "Hallo, ich bin gerade beschäftigt, ich melde mich gerne."
    assert Mailbox.screened(call, busy, read_answer(busy)).intent is Intent.CONFIRM


def test_a_missed_greeting_is_waited_out_then_left_the_message() -> None:
    call = _outbound_call()
    Mailbox.answered(call, "Hallo, hier ist Erika.")

    wait = Mailbox.after_the_missed_greeting(call)

    assert call.stage == "mailbox"
    assert not call.listening_for_mailbox
    assert wait.user_input_timeout_seconds == 2


@pytest.mark.parametrize(
    ("attempt", "max_attempts", "retry", "final"),
    [(1, 3, True, False), (3, 3, True, True), (1, 3, False, True), (1, 1, True, True)],
)
def test_a_voicemail_closes_the_reminder_only_on_the_last_attempt_or_without_retries(
    attempt: int, max_attempts: int, retry: bool, final: bool
) -> None:
    assert voicemail_is_final(attempt, max_attempts, retry_after_voicemail=retry) is final


@pytest.mark.parametrize(
    ("answer", "mailbox", "intent"),
    [
        # A greeting recited as a joke, or to a machine, then taken back and answered: a person
        ("Bitte sprechen Sie nach dem ... ach, das ist ja ein Computer. Ja, ich komme.", False, Intent.CONFIRM),
        ("Please leave a message after the... oh, it's a computer. Yes, I'm coming.", False, Intent.CONFIRM),
        ("Hier ist die Mailbox von Peters, haha, nein, Spaß, ich bin's, ich komme.", False, Intent.CONFIRM),
        ("You've reached the Peters, leave a message... just kidding, it's me, I'll be there.", False, Intent.CONFIRM),
        ("Nach dem Piep ... nur ein Scherz, ich sage den Termin ab.", False, Intent.CANCEL),
        ("Leave your name and number, only joking, can we move it to Thursday?", False, Intent.RESCHEDULE),
        # A message asked for instead of talking now: a person, asked again
        ("Hinterlassen Sie mir lieber eine Nachricht, ich kann jetzt nicht reden.", False, Intent.UNCLEAR),
        ("Leave me a message instead, I can't talk right now.", False, Intent.UNCLEAR),
        ("Schicken Sie mir lieber eine SMS, ich bin im Zug.", False, Intent.UNCLEAR),
        # Near-misses: the joke is the mailbox's own, or no retraction at all
        ("Hallo? Hallo? Haha, reingelegt, das ist nur meine Mailbox, sprich nach dem Piep.", True, None),
        ("Hello? ... Just kidding, I'm not here, leave a message after the beep.", True, None),
        ("Bitte hinterlassen Sie eine Nachricht nach dem Signalton.", True, None),
    ],
)
def test_a_greeting_taken_back_is_a_person(answer: str, mailbox: bool, intent: Intent | None) -> None:
    assert is_mailbox_greeting(answer) is mailbox
    if intent is not None:
        assert read_answer(answer).intent is intent
