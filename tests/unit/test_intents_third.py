"""Kinds of answer the held-out set of round two showed the reader missing (issue 18, third round), each in
other wordings, both languages, and with near-misses that must not read that way.
"""

from __future__ import annotations

from reminders.conversation.intents import Intent
from tests.harness.readings import (
    CANCEL,
    CONFIRM,
    OPT_OUT,
    PERSON,
    QUESTION,
    REPEAT,
    RESCHEDULE,
    THIRD,
    UNCLEAR,
    WRONG,
    reads,
    table,
)


@table(
    [
        # A replacement appointment asked for is another time, whatever "passt nicht" before it says
        ("Da passt es mir nicht, bitte einen Ersatztermin.", RESCHEDULE),
        ("Geht nicht, ich bräuchte einen Ausweichtermin.", RESCHEDULE),
        ("Haben Sie einen Alternativtermin für mich?", RESCHEDULE),
        ("Dann bitte einen Nachholtermin.", RESCHEDULE),
        ("That doesn't suit, I need a replacement appointment.", RESCHEDULE),
        ("Can't make it, could you offer an alternative slot?", RESCHEDULE),
        ("Could I get a substitute appointment?", RESCHEDULE),
        # Coming, only not then
        ("Ich komme gern, nur nicht zu der Zeit.", RESCHEDULE),
        ("Kommen will ich schon, bloß nicht zu dieser Uhrzeit.", RESCHEDULE),
        ("Ich möchte kommen, aber nicht an dem Tag.", RESCHEDULE),
        ("I want to come, just not at that time.", RESCHEDULE),
        ("I'd like to come, only not on that day.", RESCHEDULE),
        ("Happy to come in, just not then.", RESCHEDULE),
        # A day ruled out in other words, another named
        ("Ja mei, am Dienstag wird's nix, geht's am Donnerstag aa?", RESCHEDULE),
        ("Am Dienstag wird das nichts, lieber Mittwoch.", RESCHEDULE),
        ("Tuesday's a no-go, how about Thursday?", RESCHEDULE),
        ("Tomorrow's a no-go for me, please cancel.", CANCEL),
        ("Morgen wird's leider nix.", CANCEL),
        ("Yes, tomorrow is no problem.", CONFIRM),
    ]
)
def test_another_time_said_beside_a_no(said: str, intent: Intent) -> None:
    reads(said, intent)


@table(
    [
        # Sarcasm: "as if", "nothing better to do"
        ("Ja klar, als hätte ich Dienstag um zehn nichts Besseres zu tun.", UNCLEAR),
        ("Sicher, als wäre ich dienstags nicht arbeiten.", UNCLEAR),
        ("Klar komme ich, als hätte ich sonst nichts zu tun.", UNCLEAR),
        ("Oh sure, like I've got nothing better to do on a Tuesday morning.", UNCLEAR),
        ("Yeah, as if I had nothing better to do.", UNCLEAR),
        ("Sure, like I have all the time in the world.", UNCLEAR),
        # Near-misses: a plain yes said with "like I said", nothing else planned
        ("Like I said, I'll be there.", CONFIRM),
        ("Ich hab nichts Besseres vor, ich komme.", CONFIRM),
        ("Als ob ich das vergessen würde, ich komme.", CONFIRM),
    ]
)
def test_sarcasm_as_if(said: str, intent: Intent) -> None:
    reads(said, intent)


@table(
    [
        # Another day or time in a compound, the appointment changed, a part of the day's appointment
        ("Wäre ein anderer Wochentag möglich?", RESCHEDULE),
        ("Ginge eine andere Tageszeit?", RESCHEDULE),
        ("Dienstag ist schlecht, lässt sich das ändern?", RESCHEDULE),
        ("Können wir den Termin abändern?", RESCHEDULE),
        ("Tuesday's bad, can that be changed?", RESCHEDULE),
        ("Could we change the day?", RESCHEDULE),
        ("Ich bräuchte einen Abendtermin.", RESCHEDULE),
        ("Haben Sie einen Nachmittagstermin?", RESCHEDULE),
        ("Do you have an evening appointment?", RESCHEDULE),
        ("I'd need a morning slot.", RESCHEDULE),
        # Split by the recogniser
        ("ich brauche einen and eren termin", RESCHEDULE),
        ("i need a nother appointment", RESCHEDULE),
        # "Or something else" asked about the appointment is no request
        ("Ist das die Kontrolle nach der OP oder was anderes?", QUESTION),
        ("Is that the check-up or something else?", QUESTION),
        ("Gibt es was anderes?", RESCHEDULE),
        # A conflict at the appointment's time
        ("Na super, genau dann hab ich eine Besprechung.", RESCHEDULE),
        ("Da hab ich leider Dienst.", RESCHEDULE),
        ("Um die Zeit habe ich schon einen Zahnarzttermin.", RESCHEDULE),
        ("Oh brilliant, that's exactly when my meeting is.", RESCHEDULE),
        ("I've got a shift then.", RESCHEDULE),
        ("Da hab ich Zeit, ich komme.", CONFIRM),
    ]
)
def test_another_time_in_other_words(said: str, intent: Intent) -> None:
    reads(said, intent)


@table(
    [
        # Told as done: a cancellation stands, a visit made frees the slot, a move is for the practice to check
        ("Den hab ich am Freitag schon bei Ihrer Kollegin abgesagt.", CANCEL),
        ("Meine Frau hat den für mich schon abgesagt.", CANCEL),
        ("I rang on Friday and cancelled that already.", CANCEL),
        ("My wife already cancelled it for me.", CANCEL),
        # A visit already made: whether it was this appointment's is for the practice to check (round five)
        ("Ich war heute früh schon bei Ihnen, der Doktor hat mich gleich drangenommen.", QUESTION),
        ("I was in this morning, the doctor saw me already.", QUESTION),
        ("Wir haben den schon telefonisch auf Donnerstag verlegt.", QUESTION),
        ("We moved it to Thursday over the phone already.", QUESTION),
        ("My husband already rescheduled it.", QUESTION),
        ("Ich hab schon online bestätigt.", CONFIRM),
        ("I cancelled it, but now I'd like to come after all.", UNCLEAR),
    ]
)
def test_what_was_done_before(said: str, intent: Intent) -> None:
    reads(said, intent)


@table(
    [
        # Giving it up in other words
        ("Bitte löschen Sie den Termin.", CANCEL),
        ("Please remove that appointment.", CANCEL),
        ("Delete the appointment, please.", CANCEL),
        ("Der Termin ist hinfällig, ich geh da nicht hin.", CANCEL),
        ("Der Termin ist überflüssig geworden.", CANCEL),
        ("I'm not coming, you can give the slot to someone else.", CANCEL),
        ("Geben Sie den Termin jemand anderem.", CANCEL),
        ("Löschen Sie bitte meine Nummer.", OPT_OUT),
        # Regional and recogniser forms
        ("Merci vilmal, das stimmt für mich.", CONFIRM),
        ("Das stimmt so nicht.", UNCLEAR),
        ("Nä, dat krisch isch nit hin, dat jeht nit.", CANCEL),
        ("ne ich kom nich hin", CANCEL),
        ("Cheers, lovely, I'll pop in tomorrow.", CONFIRM),
        ("I'll drop by at ten.", CONFIRM),
        ("Grand, grand, I'll be down to ye at ten.", CONFIRM),
        ("Ah no, I won't be able for it, sure I'll ring ye.", CANCEL),
        ("I wouldn't dream of missing it.", CONFIRM),
        ("Den lass ich mir nicht entgehen.", CONFIRM),
        # No more calls, the practice named again, a person wanted
        ("Schluss mit diesen Anrufen, bitte aus der Liste nehmen.", OPT_OUT),
        ("Genug mit den Anrufen.", OPT_OUT),
        ("Welche Praxis, sagten Sie?", REPEAT),
        ("Which practice did you say?", REPEAT),
        ("Spreche ich mit einer Maschine? Ich will einen richtigen Menschen.", PERSON),
        ("Geben Sie mir mal die Frau Doktor.", PERSON),
        # The wrong number, someone else's phone
        ("Das ist ein Firmenanschluss, hier gibt es niemanden namens Peters.", WRONG),
        ("Das ist das Handy meiner Oma, die hört schlecht, worum geht's denn?", THIRD),
        ("This is my dad's mobile, he's hard of hearing.", THIRD),
        # The callee's moment, then the answer
        ("Bin grad im Auto, eigentlich nicht erreichbar, aber sagen Sie den Termin ab.", CANCEL),
        ("I'm driving, not really reachable, but cancel the appointment.", CANCEL),
        # Annoyed at the calls, but answering in words
        ("Schon wieder ein Anruf, ja doch, ich komme ja!", CONFIRM),
        ("Another call? Yes, I'm coming, for the tenth time!", CONFIRM),
        ("Schon wieder ein Anruf, ja ja.", UNCLEAR),
        ("Toll, noch so ein Robo-Anruf.", UNCLEAR),
    ]
)
def test_clear_answers_in_other_words(said: str, intent: Intent) -> None:
    reads(said, intent)
