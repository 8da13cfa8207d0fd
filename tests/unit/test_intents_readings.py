"""Issue 18's readings of a first answer, one table per rule, each with the answers it must leave alone.

The answers here are not the corpus's (tests/conformance/understanding): they are other wordings of the
same rules, so that a rule tuned to the corpus's sentences fails here.
"""

from __future__ import annotations

import pytest

from reminders.conversation.intents import Asked, Intent, Understood, read_answer
from tests.harness.readings import (
    CANCEL,
    CONFIRM,
    OPT_OUT,
    QUESTION,
    REPEAT,
    RESCHEDULE,
    THIRD,
    UNCLEAR,
    WRONG,
    read,
    table,
)


@table(
    [
        # A question decides nothing ...
        ("Muss ich den Ausweis mitnehmen?", QUESTION),
        ("Kann ich mit dem Bus hinkommen?", QUESTION),
        ("Passt es, wenn ich etwas früher da bin?", RESCHEDULE),  # earlier: another time
        ("Bleibt der Termin beim gleichen Arzt?", QUESTION),
        ("Will I need to take my shoes off?", QUESTION),
        ("Can I bring my husband along?", QUESTION),
        ("Does the appointment include a blood test?", QUESTION),
        ("muss ich nüchtern sein", QUESTION),  # a recogniser's question, no question mark
        # ... unless it begins with a clear answer
        ("Ja, brauche ich dafür eine Überweisung?", CONFIRM),
        ("Nein, kann ich das Rezept trotzdem abholen?", CANCEL),
        ("Yes, should I bring my old X-rays?", CONFIRM),
        ("I'll be there. Is there a lift?", CONFIRM),
        # ... or asks for another time
        ("Könnten wir den Termin auf später legen?", RESCHEDULE),
        ("Could we push it to the afternoon?", RESCHEDULE),
    ]
)
def test_a_question_is_no_decision(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


@pytest.mark.parametrize(
    ("said", "intent", "asked"),
    [
        ("Um welche Uhrzeit war das?", REPEAT, Asked.WHEN),
        ("Wann ist der Termin nochmal?", REPEAT, Asked.WHEN),
        ("Wo finde ich die Praxis?", REPEAT, Asked.WHERE),
        ("Wer ruft denn da an?", REPEAT, Asked.WHO),
        ("Um was geht es?", REPEAT, Asked.WHAT),
        ("What date was that?", REPEAT, Asked.WHEN),
        ("Where are you located?", REPEAT, Asked.WHERE),
        ("Who is this?", REPEAT, Asked.WHO),
        ("What is this regarding?", REPEAT, Asked.WHAT),
        ("Ja, wo ist das nochmal?", REPEAT, Asked.WHERE),  # not yet understood: no yes
        ("Wie lange muss ich nüchtern bleiben?", QUESTION, Asked.PRACTICE),
        ("Wo kann ich parken?", QUESTION, Asked.PRACTICE),  # where, but only the practice knows
        ("How much will it cost?", QUESTION, Asked.PRACTICE),
        ("Ja, ich komme. Wie lange dauert es?", CONFIRM, Asked.PRACTICE),
        ("Ich komme, und ich habe noch eine Frage zum Rezept.", CONFIRM, Asked.PRACTICE),
    ],
)
def test_what_a_question_asks(said: str, intent: Intent, asked: Asked) -> None:
    assert read(said) == Understood(intent, worded=True, asked=asked)


@table(
    [
        ("Ich kann kommen.", CONFIRM),
        ("I can come.", CONFIRM),
        ("Ich kann erst nachmittags.", RESCHEDULE),
        ("I can only do Thursdays.", RESCHEDULE),
        ("Ich kann.", UNCLEAR),  # a bare modal is no yes
        ("Ich kann nicht.", CANCEL),
        ("Das kann ich nicht versprechen.", UNCLEAR),  # a negated modal with more is no no
        ("I can't promise that.", UNCLEAR),
    ]
)
def test_a_modal_is_a_yes_only_with_what_it_modifies(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


@table(
    [
        ("Lieber am Donnerstagvormittag.", RESCHEDULE),
        ("Ginge auch der 12. März?", RESCHEDULE),
        ("Um elf wäre besser.", RESCHEDULE),
        ("Geht's eine halbe Stunde früher?", RESCHEDULE),
        ("Next Wednesday would suit me better.", RESCHEDULE),
        ("Could we do half past two instead?", RESCHEDULE),
        ("Sometime in the evening, if possible.", RESCHEDULE),
        ("Nein, lieber Freitag.", RESCHEDULE),  # never a no
        ("Yes, but Friday would be better.", RESCHEDULE),  # never a yes
        # The appointment's own time restated is no alternative
        ("Ja, Dienstag um zehn ist gut.", CONFIRM),
        ("Yes, Tuesday at ten works.", CONFIRM),
        ("Alles klar, dann bis Dienstag um zehn.", CONFIRM),
    ]
)
def test_a_concrete_alternative_is_another_time(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


def test_another_time_carries_the_time_asked_for() -> None:
    understood = read("Lieber am Freitag um 9.")
    assert understood.intent is RESCHEDULE
    assert understood.preferred is not None
    assert (understood.preferred.weekday, understood.preferred.time) == ("friday", "09:00")
    assert read("Ich möchte den Termin verschieben.").preferred is None


@table(
    [
        ("Das haben wir doch schon letzten Monat verschoben.", QUESTION),  # moved before: the practice checks
        ("Ich habe den Termin bereits bestätigt.", CONFIRM),  # confirmed before: it stands
        ("My daughter already cancelled it for me.", CANCEL),  # given up before: it stays given up
        ("It was rescheduled last week.", QUESTION),
        ("We sorted that out with your colleague.", UNCLEAR),
        # A report beside a request: the request decides
        ("Ich habe schon einmal verschoben, können wir nochmal verschieben?", RESCHEDULE),
    ]
)
def test_a_report_is_no_request(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


@table(
    [
        ("Na toll, ein Sprachcomputer.", UNCLEAR),
        ("Super, schon wieder so ein Anruf.", UNCLEAR),
        ("Great, just what I needed, a robot.", UNCLEAR),
        ("Wonderful, that's the day of my exam.", UNCLEAR),
        # Praise that praises the appointment is a yes
        ("Super, danke, ich komme.", CONFIRM),
        ("Wonderful, thank you.", CONFIRM),
        ("Prima, bis Dienstag.", CONFIRM),
    ]
)
def test_sarcasm_and_complaints_decide_nothing(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


@table(
    [
        ("Jo, i kimm scho.", CONFIRM),  # Bavarian
        ("Ja eh, passt.", CONFIRM),  # Austrian
        ("Ja, das gaht guet.", CONFIRM),  # Swiss
        ("Nei, i cha am Zischtig nöd.", CANCEL),  # Swiss: the appointment's day restated, "I can't then"
        ("Naa, des geht ned.", CANCEL),
        ("Nä, dat jeht nit.", CANCEL),  # Rhenish
        ("Nee, dat passt nich.", CANCEL),  # northern
        ("Passt schon, ne?", CONFIRM),  # "ne" at the end is a tag, not a no
        ("Ne, passt nicht.", CANCEL),  # "ne" first is a no
        ("Na klar, ich komme.", CONFIRM),  # "na" before "klar" is no no
        ("Na.", CANCEL),  # alone, it is
        ("Aye, nae bother.", CONFIRM),  # Scottish
        ("I dinnae think I can make it.", UNCLEAR),  # a hedge
        ("Grand so, see you then.", CONFIRM),  # Irish
        ("Haan, I will surely come.", CONFIRM),  # Indian
        ("Cheers mate, I'll be there.", CONFIRM),  # British
        ("No problem at all.", CONFIRM),  # "no" inside "no problem"
        ("No, that's a problem.", CANCEL),
        ("Do schaff i am Dienstag.", UNCLEAR),  # Swabian: working, not managing it
        ("Das schaffe ich.", CONFIRM),
    ]
)
def test_regional_words(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


@table(
    [
        ("jaaaa", CONFIRM),
        ("neeee", CANCEL),
        ("yessss", CONFIRM),
        ("nooo thanks", CANCEL),
        ("ab sagen bitte", CANCEL),
        ("can cel it", CANCEL),
        ("ver schieben", RESCHEDULE),
        ("con firmed", CONFIRM),
        ("die zwei", CANCEL),
        ("taste drei", RESCHEDULE),
        ("press one", CONFIRM),
        ("counsel please", CANCEL),
        ("i will be their", CONFIRM),
        ("JA ICH KOMME", CONFIRM),
        ("ich komme nich", CANCEL),
        ("donnerstag 9 uhr", RESCHEDULE),
        ("friday at 3", RESCHEDULE),
    ]
)
def test_what_speech_recognisers_write(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


@table(
    [
        ("Kein Stress, ich komme.", CONFIRM),
        ("Spricht nichts dagegen.", CONFIRM),
        ("No objection, see you then.", CONFIRM),
        ("Why not.", CONFIRM),
        ("Nein, ich brauche keinen anderen Termin, das passt.", CONFIRM),
        ("No, I don't need it anymore.", CANCEL),
        ("Nein, ich komme nicht mehr, ich brauche den Termin nicht.", CANCEL),
        ("No, I don't want to move it, it's fine.", CONFIRM),
    ]
)
def test_negation_idioms(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


@table(
    [
        ("Ich komme, wird aber etwas später.", CONFIRM),
        ("I'll be there, but running five minutes late.", CONFIRM),
        ("Ja, ich bin vielleicht nicht ganz pünktlich.", CONFIRM),
        ("I might be late, but I'll come.", CONFIRM),
        # A hedge about coming still hedges
        ("Ich komme vielleicht.", UNCLEAR),
        ("I might come.", UNCLEAR),
        # A later time is another time, not lateness
        ("Geht es zwei Stunden später?", RESCHEDULE),
    ]
)
def test_lateness_does_not_hedge_attendance(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


@table(
    [
        ("Ich möchte keine Erinnerungsanrufe.", OPT_OUT),
        ("Keine Computeranrufe mehr, bitte.", OPT_OUT),
        ("Bitte tragen Sie mich aus Ihrer Anrufliste aus.", OPT_OUT),
        ("Add me to your do not call list.", OPT_OUT),
        ("I don't want any more reminder calls.", OPT_OUT),
        ("Stop phoning me.", OPT_OUT),
        # A cancellation is no opt-out
        ("Tragen Sie mich für Dienstag aus.", CANCEL),
        ("Take me off the schedule, please.", CANCEL),
    ]
)
def test_opt_outs_in_other_words(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


@table(
    [
        ("Hier wohnt keine Frau Peters.", WRONG),
        ("Sie sind falsch verbunden, hier ist die Firma Müller.", WRONG),
        ("Sorry, wrong number.", WRONG),
        ("There's no Mrs Peters at this number.", WRONG),
        ("Nobody by that name lives here.", WRONG),
        ("Das ist die falsche Uhrzeit.", UNCLEAR),  # a dispute of the time is no wrong number
        ("You've got the wrong time.", UNCLEAR),
        ("Meine Frau ist gerade nicht zu Hause.", THIRD),
        ("Mein Sohn ist beim Training, ich sag's ihm.", THIRD),
        ("He's asleep, can I take a message?", THIRD),
        ("She's not in, try again later.", THIRD),
        ("Ich bin der Nachbar, Herr Peters ist verreist.", THIRD),
        ("Meine Frau und ich kommen.", CONFIRM),  # a relative named, present
    ]
)
def test_wrong_numbers_and_third_parties(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


@table(
    [
        ("Our opening hours are Monday to Friday, eight to six.", UNCLEAR),
        ("Die Praxis ist heute geschlossen.", UNCLEAR),
    ]
)
def test_an_announcement_decides_nothing(said: str, intent: Intent) -> None:
    assert read(said).intent is intent


def test_without_the_appointment_any_time_named_is_asked_for() -> None:
    assert read_answer("Ja, Dienstag um zehn passt.").intent is RESCHEDULE
    assert read_answer("Ja, passt.").intent is CONFIRM
