"""Reading the callee's answer: a table of real phrasings in German and English, negations above all."""

from __future__ import annotations

import pytest

from reminders.intents import Intent, intent_of_key, understand

CONFIRM, CANCEL, REPEAT, PERSON, UNCLEAR = Intent

PHRASINGS = [
    # German: yes, and coming
    ("Ja", CONFIRM),
    ("Ja, gerne.", CONFIRM),
    ("Jawohl.", CONFIRM),
    ("Genau.", CONFIRM),
    ("Mhm.", CONFIRM),
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
    ("Ich muss den Termin verschieben.", CANCEL),
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
    ("Das ist nicht richtig.", CANCEL),
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
    ("I need to reschedule.", CANCEL),
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
    ("That's not right.", CANCEL),
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
    ("Hallo? Wer ist da?", UNCLEAR),
    ("Auf keinen Fall!", UNCLEAR),
    ("Hm.", UNCLEAR),
    ("", UNCLEAR),
]


@pytest.mark.parametrize(("said", "intent"), PHRASINGS, ids=[said or "(nothing)" for said, _ in PHRASINGS])
def test_phrasing(said: str, intent: Intent) -> None:
    assert understand(said) is intent


@pytest.mark.parametrize(
    ("said", "intent"),
    [("JA!", CONFIRM), ("  nein  ", CANCEL), ("I CAN\u2019T COME", CANCEL), ("ICH KOMME NICHT", CANCEL)],
)
def test_case_spacing_and_apostrophes_do_not_matter(said: str, intent: Intent) -> None:
    assert understand(said) is intent


@pytest.mark.parametrize(
    ("digit", "intent"),
    [("1", CONFIRM), ("2", CANCEL), ("*", REPEAT), ("0", PERSON), ("#", UNCLEAR), ("3", UNCLEAR), ("9", UNCLEAR)],
)
def test_keys(digit: str, intent: Intent) -> None:
    assert intent_of_key(digit) is intent
