"""Reading the callee's answer: a table of real phrasings in German and English, negations above all."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from reminders.conversation.intents import Intent, intent_of_key, read_answer

# The appointment the answers are given to: Tuesday, 3 March 2026, 10:00 in Berlin.
APPOINTMENT = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def understand(said: str) -> Intent:
    return read_answer(said, appointment=APPOINTMENT).intent


CONFIRM, CANCEL, RESCHEDULE, OPT_OUT, REPEAT, PERSON, UNCLEAR = (
    Intent.CONFIRM,
    Intent.CANCEL,
    Intent.RESCHEDULE,
    Intent.OPT_OUT,
    Intent.REPEAT,
    Intent.PERSON,
    Intent.UNCLEAR,
)

PHRASINGS = [
    # German: yes, and coming
    ("Ja", CONFIRM),
    ("Ja, gerne.", CONFIRM),
    ("Jawohl.", CONFIRM),
    ("Genau.", CONFIRM),
    ("Mhm.", UNCLEAR),  # a hum is listening: a yes only with what it agrees to
    ("Bestätigen", CONFIRM),
    ("Ja, ich bestätige den Termin.", CONFIRM),
    ("Ich komme.", CONFIRM),
    ("Klar, ich komme.", CONFIRM),
    ("Ja, das passt.", CONFIRM),
    ("Auf jeden Fall, ich bin da.", CONFIRM),
    ("Kein Problem, ich komme.", CONFIRM),
    ("Ich nehme den Termin wahr.", CONFIRM),
    ("Der Termin bleibt.", CONFIRM),
    ("Eins", CONFIRM),
    # German: no, and not coming
    ("Nein", CANCEL),
    ("Nee.", CANCEL),
    ("Leider nein.", CANCEL),
    ("Absagen", CANCEL),
    ("Bitte absagen.", CANCEL),
    ("Ich möchte den Termin stornieren.", CANCEL),
    ("Ich sage den Termin ab.", CANCEL),
    ("Ich komme nicht.", CANCEL),
    ("Ich kann leider nicht kommen.", CANCEL),
    ("Ich kann leider nicht.", CANCEL),
    ("Das schaffe ich nicht.", CANCEL),
    ("Das passt mir leider gar nicht.", CANCEL),
    ("Das geht nicht.", CANCEL),
    ("Ich bin verhindert.", CANCEL),
    ("Ich muss den Termin verschieben.", RESCHEDULE),
    ("Zwei", CANCEL),
    # German negations that turn the keyword around
    ("Nein, nicht absagen!", CONFIRM),
    ("nein nicht absagen", CONFIRM),
    ("Auf keinen Fall absagen.", CONFIRM),
    ("Ich sage den Termin nicht ab.", CONFIRM),
    ("Ich möchte nicht absagen, ich komme.", CONFIRM),
    ("Nicht bestätigen.", CANCEL),
    ("Ich möchte den Termin nicht bestätigen.", CANCEL),
    ("Nicht bestätigen, sondern absagen.", CANCEL),
    ("Ja, ich kann nicht.", CANCEL),
    ("Nein, ich komme nicht.", CANCEL),
    ("Das ist nicht richtig.", UNCLEAR),
    # English: yes, and coming
    ("Yes", CONFIRM),
    ("Yeah, sure.", CONFIRM),
    ("Yep.", CONFIRM),
    ("Of course.", CONFIRM),
    ("Confirm", CONFIRM),
    ("Absolutely, confirm it.", CONFIRM),
    ("I'll be there.", CONFIRM),
    ("Sure, I\u2019m coming.", CONFIRM),  # a typographic apostrophe
    ("Yes I will.", CONFIRM),
    ("I want to keep my appointment.", CONFIRM),
    ("That works, I can make it.", CONFIRM),
    ("I'll come in person.", CONFIRM),
    ("One", CONFIRM),
    # English: no, and not coming
    ("No", CANCEL),
    ("Nope.", CANCEL),
    ("Cancel", CANCEL),
    ("Please cancel my appointment.", CANCEL),
    ("I'd like to cancel.", CANCEL),
    ("I can't make it.", CANCEL),
    ("I cannot come.", CANCEL),
    ("I won't be there.", CANCEL),
    ("No, I won't.", CANCEL),
    ("I'm not coming.", CANCEL),
    ("I need to reschedule.", RESCHEDULE),
    ("Two", CANCEL),
    # English negations that turn the keyword around
    ("I don't want to cancel.", CONFIRM),
    ("I dont want to cancel", CONFIRM),
    ("No, don't cancel it.", CONFIRM),
    ("Please do not cancel.", CONFIRM),
    ("Yes, cancel it.", CANCEL),
    ("Yes, please cancel.", CANCEL),
    ("I don't want to confirm.", CANCEL),
    ("Don't confirm, cancel.", CANCEL),
    ("That's not right.", UNCLEAR),
    # Asking to hear it again
    ("Wie bitte?", REPEAT),
    ("Was?", REPEAT),
    ("Können Sie das bitte wiederholen?", REPEAT),
    ("Noch einmal, bitte.", REPEAT),
    ("Nochmal bitte.", REPEAT),
    ("Ich habe Sie nicht verstanden.", REPEAT),
    ("Sorry?", REPEAT),
    ("Could you repeat that?", REPEAT),
    ("Say that again, please.", REPEAT),
    ("I didn't catch that.", REPEAT),
    ("Ja, aber können Sie das noch mal sagen?", REPEAT),
    # Asking for a person
    ("Ich möchte mit einem Mitarbeiter sprechen.", PERSON),
    ("Kann ich mit jemandem aus der Praxis sprechen?", PERSON),
    ("Verbinden Sie mich bitte mit der Rezeption.", PERSON),
    ("Can I talk to a real person?", PERSON),
    ("I'd like to speak to someone.", PERSON),
    ("Put me through to the receptionist.", PERSON),
    # Unclear: hedges, contradictions, other things
    ("Vielleicht.", UNCLEAR),
    ("Ich weiß es noch nicht.", UNCLEAR),
    ("Keine Ahnung.", UNCLEAR),
    ("Ja, vielleicht.", UNCLEAR),
    ("Maybe.", UNCLEAR),
    ("I'm not sure yet.", UNCLEAR),
    ("I don't know.", UNCLEAR),
    ("I might come.", UNCLEAR),
    ("Cancel. No wait, keep it.", UNCLEAR),
    ("Ja nein", UNCLEAR),
    ("Hallo? Wer ist da?", REPEAT),  # who is calling: said again
    ("Auf keinen Fall!", UNCLEAR),
    ("Hm.", UNCLEAR),
    ("", UNCLEAR),
]

# Issue 12: another time, no more calls, and answers that must be asked about rather than guessed.
REAL_WORLD_GERMAN = [
    ("Ich möchte den Termin verschieben.", RESCHEDULE),
    ("Geht es auch an einem anderen Tag?", RESCHEDULE),
    ("Können wir den Termin noch mal verschieben?", RESCHEDULE),
    ("Ich bräuchte einen anderen Termin.", RESCHEDULE),
    ("Haben Sie eine andere Uhrzeit?", RESCHEDULE),
    ("Ich kann da leider nicht, können wir das verlegen?", RESCHEDULE),
    ("Lieber an einem späteren Tag.", RESCHEDULE),
    ("Vielleicht können wir den Termin verschieben?", RESCHEDULE),
    ("Das müsste ich umbuchen.", RESCHEDULE),
    ("Ja, aber lieber ein andermal.", RESCHEDULE),
    ("Nein, nicht verschieben, ich komme.", CONFIRM),
    ("Ich möchte den Termin nicht verschieben.", CONFIRM),
    ("Drei", RESCHEDULE),
    ("Rufen Sie mich bitte nicht mehr an.", OPT_OUT),
    ("Keine Anrufe mehr, bitte.", OPT_OUT),
    ("Ich möchte keine automatischen Anrufe mehr.", OPT_OUT),
    ("Rufen Sie mich nie wieder an!", OPT_OUT),
    ("Hören Sie auf, mich ständig anzurufen.", OPT_OUT),
    ("Löschen Sie bitte meine Nummer.", OPT_OUT),
    ("Ich will nicht mehr angerufen werden.", OPT_OUT),
    ("Lassen Sie mich in Ruhe.", OPT_OUT),
    ("Rufen Sie hier nicht noch mal an.", OPT_OUT),
    ("Nein, das ist die falsche Uhrzeit.", UNCLEAR),
    ("Ja, aber nicht um zehn.", UNCLEAR),
    ("Das stimmt nicht.", UNCLEAR),
    ("Das ist falsch.", UNCLEAR),
    ("Nicht richtig.", UNCLEAR),
    ("Nicht ganz korrekt.", UNCLEAR),
    ("Ja, aber nicht am Dienstag.", UNCLEAR),
    ("Nein nicht um halb elf", UNCLEAR),
    ("Ich kann nicht um zehn.", UNCLEAR),
    ("Das muss eine Verwechslung sein.", UNCLEAR),
    ("Nein, leider nicht.", CANCEL),
    ("Nein, auf keinen Fall.", CANCEL),
    ("Ja, das ist richtig.", CONFIRM),
    ("Ja, ich bin dabei.", CONFIRM),
]
REAL_WORLD_ENGLISH = [
    ("Can we move it?", RESCHEDULE),
    ("Another time, please.", RESCHEDULE),
    ("I'd like to reschedule.", RESCHEDULE),
    ("Could we do a different day?", RESCHEDULE),
    ("Is there a later slot?", RESCHEDULE),
    ("I can't make it then, can we change the time?", RESCHEDULE),
    ("Can I postpone it?", RESCHEDULE),
    ("Maybe another day?", RESCHEDULE),
    ("Yes, but can we move the appointment?", RESCHEDULE),
    ("No, don't reschedule, I'll be there.", CONFIRM),
    ("Three", RESCHEDULE),
    ("Stop calling me.", OPT_OUT),
    ("Don't call me again.", OPT_OUT),
    ("Please do not call this number again.", OPT_OUT),
    ("No more calls, thanks.", OPT_OUT),
    ("Take me off your list.", OPT_OUT),
    ("Remove my number.", OPT_OUT),
    ("I don't want any more calls.", OPT_OUT),
    ("Never call me again!", OPT_OUT),
    ("Leave me alone.", OPT_OUT),
    ("I want to opt out.", OPT_OUT),
    ("I don't want to be called.", OPT_OUT),
    ("No, that's the wrong time.", UNCLEAR),
    ("Yes, but not at ten.", UNCLEAR),
    ("That's not correct.", UNCLEAR),
    ("That is wrong.", UNCLEAR),
    ("Not right.", UNCLEAR),
    ("Yes, but not on Tuesday.", UNCLEAR),
    ("That's not my appointment.", UNCLEAR),
    ("I think there's a mistake.", UNCLEAR),
    ("I can't on Tuesday.", CANCEL),  # the appointment's own day: "I can't then"
    ("No, not really.", CANCEL),
    ("No, not at all.", CANCEL),
    ("Yes, that's right.", CONFIRM),
    ("Yes, that's correct.", CONFIRM),
]


@pytest.mark.parametrize(("said", "intent"), PHRASINGS, ids=[said or "(nothing)" for said, _ in PHRASINGS])
def test_phrasing(said: str, intent: Intent) -> None:
    assert understand(said) is intent


@pytest.mark.parametrize(("said", "intent"), REAL_WORLD_GERMAN + REAL_WORLD_ENGLISH)
def test_real_world_phrasing(said: str, intent: Intent) -> None:
    assert understand(said) is intent


def test_the_real_world_tables_have_thirty_new_phrasings_per_language() -> None:
    assert len(REAL_WORLD_GERMAN) >= 30
    assert len(REAL_WORLD_ENGLISH) >= 30


@pytest.mark.parametrize(
    ("said", "intent"),
    [("JA!", CONFIRM), ("  nein  ", CANCEL), ("I CAN\u2019T COME", CANCEL), ("ICH KOMME NICHT", CANCEL)],
)
def test_case_spacing_and_apostrophes_do_not_matter(said: str, intent: Intent) -> None:
    assert understand(said) is intent


@pytest.mark.parametrize(
    ("digit", "intent"),
    [("1", CONFIRM), ("2", CANCEL), ("3", RESCHEDULE), ("*", REPEAT), ("0", PERSON), ("#", UNCLEAR), ("9", UNCLEAR)],
)
def test_keys(digit: str, intent: Intent) -> None:
    assert intent_of_key(digit) is intent
