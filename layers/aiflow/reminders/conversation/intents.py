"""What the callee wants, from what they said or pressed: confirm, cancel, another time, no more calls,
repeat, a person, a question for the practice, the wrong number, someone else answering, or unclear.

Callers answer in sentences, not keywords, in either language whatever the call's language is, in their
region's words, and through a speech recogniser; one vocabulary covers German and English
(:mod:`~reminders.conversation.lexicon`), and the answer is first brought to it
(:mod:`~reminders.conversation.wording`: contractions, regional forms, elongations, split words,
mis-hearings, idioms such as "kein Ding"). A decision is read only where a careful receptionist would make
one; everything else is asked again. The reading, in order:

0. A greeting recited, then taken back ("..., haha, nein, Spaß, ich bin's, ich komme", "oh, it's a
   computer. Yes, fine", "ach nee, ich bin ja dran"): what follows is the answer, when it says one in words
   or is a yes.
1. A key's name said as the whole answer ("1", "die Eins", "I'm pressing one") is that key.
2. No more calls ("rufen Sie mich nicht mehr an", "keine Werbeanrufe", "do-not-call list", "opt me out")
   wins: it is said in words that would otherwise read as a repeat request ("nie wieder", "again") or a
   negation.
3. The wrong number ("hier wohnt kein Herr ...", "this isn't Peter's phone"), a person at the practice
   asked for, someone else answering for the callee ("mein Mann ist nicht da", "try again tomorrow"):
   none of these is the callee deciding; a person asked for to arrange another time is that request, and
   one named in what was done before ("we moved it with your receptionist") is not asked for.
4. A complaint or sarcasm ("Toll, noch so ein Robo-Anruf", "geht's noch?") decides nothing, nor does an
   announcement the mailbox reader missed ("Our hours are Monday to Friday, nine to five"); the sentences
   after it are the answer when they decide in words ("Oh great, another robot. Yes, I'll be there."). A
   sarcasm frame ("Sure, because ten AM is so convenient", "wie praktisch") leaves the answer unclear
   unless it decides in words.
5. Per clause (:mod:`~reminders.conversation.questions`, :mod:`~reminders.conversation.cues`): a clause
   that asks never decides, unless it asks for another time ("Können wir den verschieben?"); a clause that
   reports what was done ("wir haben den schon umgelegt", a visit made: "ich war letzte Woche schon bei
   Ihnen") or what the practice said ("the doctor said I don't need to come back", "Der Arzt hat gesagt,
   ...") decides nothing; a clause about being late ("ein paar Minuten später", "a few minutes after
   ten") says the callee comes, and its hedges and negations are about the minutes, unless later is wished
   for ("etwas später am Tag wäre gut": another time). A request to be called back later is no question.
   A question that asks the practice to cancel ("Können Sie den Termin absagen?") is that request.
   The appointment's own day ("ich kann morgen nicht") says no more than "then"; away or busy on it is a
   no, on another day no answer.
6. Another time: a verb or phrase for it ("verschieben", "was anderes", "push it back") or a time the
   callee names that is not the appointment's own ("lieber Freitag um 9", "I can only do evenings") is a
   request for another time, with the time it states (``preferred``). It outweighs a yes or no in the
   same answer ("ich kann nicht, aber Freitag ginge") and a hedge ("Donnerstag vielleicht?"); so does a no
   beside the appointment still wanted ("aber ich möchte den Termin nicht verlieren"). A time the callee
   will know by, or called at before, is none asked for, nor is the part of the day the appointment is in
   beside a yes ("see you in the morning"), nor the appointment's time offered among others in a question
   ("zehn oder elf?" asks when). Another one asked for without its noun ("aber ich möchte einen anderen")
   is another time; one refused ("und einen neuen brauch ich nicht") says nothing of the appointment.
7. "Say again" ("wie bitte", "you broke up"), with what it asks if it asks a fact ("welcher Tag war das
   nochmal?").
8. A hedge ("vielleicht", "I'll have to ask my boss"), a dispute ("falsche Uhrzeit"), a negation that
   cannot be placed ("ja, aber nicht um zehn") or praise that answers nothing ("Prima, das ist genau mein
   Geburtstag") makes the answer unclear: asking again is cheaper than a wrong decision.
9. Verbs of deciding carry the answer; if they contradict each other, it is unclear. A "no" before them
   answers a worry, not the question ("Nein, nein, das passt schon"; "Nein, den brauche ich nicht mehr").
10. Then a question alone: a fact the reminder holds is said again (``REPEAT`` with ``asked``), anything
    else is for the practice (``QUESTION``). A decision with a question keeps it in ``asked``.
11. Only then answer words ("ja", "nein", "jo", "aye", "genau"), which are also how people pick up the
    phone ("Ja, Müller?"): ``worded`` is false when nothing else carries the answer.
12. Last, a precedence that keeps wording the reader does not know on the harmless side: a cancellation
    beside any cue of another time ("bräucht an andern Termin", "auf donners tag legen", a day offered in a
    question) is a request for another time, unless a new one is refused or left to the callee; a double
    negation idiom ("ich kann ja schlecht nicht kommen") read as a cancellation is asked again, and so is
    settled beside a call made before ("I spoke to reception, it's all sorted": that call's outcome), unless
    the cancellation is said in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from reminders.conversation import signals
from reminders.conversation.cues import Reading, read_clause
from reminders.conversation.lexicon import DECIDING_WORDS, KEYS_BY_NAME, THE_DAY_AHEAD, WEEKDAYS, words
from reminders.conversation.preferred_time import mentions_a_time, part_of_day_of, read_preferred_time
from reminders.conversation.questions import Clause, asked_in, clauses
from reminders.conversation.wording import normalized
from reminders.model.preferred_time import PreferredTime

__all__ = ["Asked", "Intent", "Understood", "intent_of_key", "read_answer", "understand"]


class Intent(StrEnum):
    CONFIRM = "confirm"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    OPT_OUT = "opt_out"
    REPEAT = "repeat"
    PERSON = "person"
    QUESTION = "question"  # a question only the practice can answer: it calls back; the decision is still asked
    WRONG_NUMBER = "wrong_number"  # the person is not known at this number
    THIRD_PARTY = "third_party"  # someone else answered for the callee
    UNCLEAR = "unclear"


class Asked(StrEnum):
    """What a question asks: a fact the reminder holds (said again from it), or one only the practice knows."""

    WHEN = "when"
    WHERE = "where"
    WHO = "who"  # who is calling
    WHAT = "what"  # what the call or appointment is about
    PRACTICE = "practice"


@dataclass(frozen=True)
class Understood:
    intent: Intent
    # Said in words that carry the intent ("ich komme", "absagen", "verschieben", "wie bitte"), not only in
    # answer words ("ja", "nein", "okay"), which are also how people pick up the phone ("Ja, Müller?").
    worded: bool
    # A question the answer also asks ("Ja, muss ich was mitbringen?" confirms and asks the practice).
    asked: Asked | None = None
    # For RESCHEDULE, the time the callee asked for, when they named one.
    preferred: PreferredTime | None = None


_KEYS = {"1": Intent.CONFIRM, "2": Intent.CANCEL, "3": Intent.RESCHEDULE, "*": Intent.REPEAT, "0": Intent.PERSON}


def intent_of_key(digit: str) -> Intent:
    """The key the question offers for each choice; any other key is unclear."""
    return _KEYS.get(digit, Intent.UNCLEAR)


def understand(text: str, *, appointment: datetime | None = None) -> Intent:
    """The caller's intent in ``text`` (recognised speech in German or English)."""
    return read_answer(text, appointment=appointment).intent


# Step 3: who answered, and whom they want, before anything they say is read as deciding.
_NOT_DECIDING = (
    (Intent.WRONG_NUMBER, signals.WRONG_NUMBER),
    (Intent.PERSON, signals.PERSON),
    (Intent.THIRD_PARTY, signals.THIRD_PARTY),
)
_DECISIONS = {"confirm": Intent.CONFIRM, "cancel": Intent.CANCEL, "reschedule": Intent.RESCHEDULE}


def read_answer(text: str, *, appointment: datetime | None = None) -> Understood:
    """The caller's intent in ``text``, and whether words beyond "ja" or "nein" carry it.

    ``appointment`` (aware, in the callee's time zone) tells a time the callee asks for from one that only
    restates the appointment; without it, any time named is asked for.
    """
    retracted = signals.after_a_retraction(text)
    if retracted is not None:
        # "..., haha, nein, Spaß, ich bin's, ich komme", "oh, you're a machine. Yes, fine": the answer after
        # it, unless a bare no ("Oh, it's a machine, no thanks" refuses the call: read whole).
        understood = read_answer(retracted, appointment=appointment)
        if understood.intent is not Intent.UNCLEAR and (understood.worded or understood.intent is Intent.CONFIRM):
            return understood
    said = normalized(text)
    key = _key_named(said)
    if key is not None:
        return Understood(intent_of_key(key), worded=True)
    if signals.OPT_OUT.search(said):
        return Understood(Intent.OPT_OUT, worded=True)
    for intent, pattern in _NOT_DECIDING:
        if pattern.search(said):
            if intent is Intent.PERSON:
                return _person_or_another_time(text, said, appointment)
            return Understood(intent, worded=True)
    if signals.COMPLAINT.search(said) or signals.ANNOUNCEMENT.search(said):
        return _after_a_complaint(text, appointment)
    understood = _another_time_over_no(_read_clauses(text, said, clauses(said), appointment), text, said)
    if signals.ANNOYANCE.search(said) and not understood.worded:
        return Understood(Intent.UNCLEAR, worded=True)  # "Schon wieder ein Anruf, ja ja.": annoyed, no answer
    if signals.SARCASM.search(said) and not (understood.worded and understood.intent.value in _DECISIONS):
        return Understood(Intent.UNCLEAR, worded=True)  # "Ten on a Tuesday, how convenient.": no question either
    return understood


def _another_time_over_no(understood: Understood, text: str, said: str) -> Understood:
    """Step 12, the precedence that keeps an unknown clause harmless: a no beside any cue of another time is a
    request for another time ("Naa, des pack i ned, i bräucht an andern Termin"), unless a new one is refused
    or left to the callee ("no, and no new one" stays a cancellation). A double negation idiom is never a
    cancellation: asked again; nor is settled beside a call made before ("I spoke to reception, it's all
    sorted"), unless the cancellation is said in words."""
    if understood.intent is not Intent.CANCEL:
        return understood
    if signals.DOUBLE_NEGATION.search(said):
        return Understood(Intent.UNCLEAR, worded=False)  # "ich kann ja schlecht nicht kommen": no cancellation
    folded = text.casefold().replace("\u2019", "'")
    if signals.CALL_MADE.search(said) and signals.SETTLED.search(folded) and not _CANCELLED_IN_WORDS.search(folded):
        return Understood(Intent.UNCLEAR, worded=False)  # "das ist erledigt" after a call: that call's outcome
    if not signals.ANOTHER_TIME_CUE.search(said):
        return understood
    if signals.NO_NEW_ONE.search(said):
        return understood
    return Understood(Intent.RESCHEDULE, worded=True, asked=understood.asked)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _after_a_complaint(text: str, appointment: datetime | None) -> Understood:
    """A complaint or an announcement decides nothing; sentences after the last one that holds it are the
    answer when they decide in words ("Oh great, another robot. Yes, I'll be there."), not when they only say
    yes or no ("Great, another robocall. No." may refuse the call)."""
    sentences = _SENTENCE_END.split(text.strip())
    complaining = [
        index
        for index, sentence in enumerate(sentences)
        if signals.COMPLAINT.search(normalized(sentence)) or signals.ANNOUNCEMENT.search(normalized(sentence))
    ]
    rest = " ".join(sentences[complaining[-1] + 1 :]) if complaining else ""
    if rest:
        understood = read_answer(rest, appointment=appointment)
        if understood.worded and understood.intent is not Intent.UNCLEAR:
            return understood
    return Understood(Intent.UNCLEAR, worded=True)


def _person_or_another_time(text: str, said: str, appointment: datetime | None) -> Understood:
    """A person wanted to arrange another time ("could someone call me to rearrange?") is that request: the
    practice gets in touch about it anyway. A person named in what was done before ("we moved it with your
    receptionist") is not asked for: the report is read."""
    parts = clauses(said)
    understood = _read_clauses(text, said, parts, appointment)
    reported = any(signals.told_as_done(part.text) and signals.PERSON.search(part.text) for part in parts)
    if understood.intent is Intent.RESCHEDULE or reported:
        return understood
    return Understood(Intent.PERSON, worded=True)


def _read_clauses(text: str, said: str, parts: list[Clause], appointment: datetime | None) -> Understood:
    """Steps 5 to 11: the answer's clauses read, then weighed."""
    reading, questions, told = Reading(), list[str](), _Told()
    restated = _the_appointment_s_day(appointment)
    asking: list[tuple[Clause, bool]] = []  # each question, and whether it asks for another time
    hedging: list[Clause] = []
    quoted = False  # the clause before ends in what the practice said: this one is what it said
    for index, clause in enumerate(parts):
        practice_said = signals.PRACTICE_SAID.search(clause.text)
        if practice_said or (quoted and not clause.asks):
            told.reported = True  # "the doctor said I don't need to come back": for the practice to check
            quoted = practice_said is not None and not clause.text[practice_said.end() :].strip(" .,;:!?")
            continue
        quoted = False
        done = signals.told_as_done(clause.text)
        if done == "confirm":
            told.confirmed = True
            reading.answers.add("confirm")  # confirmed before: the yes stands, unless the answer now decides
        elif done is not None:
            told.reported, told.moved = True, done in ("moved", "visited")
            if done == "cancel":
                reading.decisions.add("cancel")  # given up before: so it stays, unless the answer now says more
        elif signals.ABOUT_THE_CALL.search(clause.text):
            continue  # "ich bin gerade nicht zu Hause", "I can't talk long": the call, not the appointment
        elif clause.asks:
            requests = _read_question(clause, reading)
            if _asks_which(clause, appointment):
                questions.append(Asked.WHEN.value)  # "zehn oder elf?": which time the appointment is
            elif not requests and not signals.CALL_BACK_LATER.search(clause.text):
                questions.append(asked_in(clause.text))  # a request, or a callback asked, is no question
            asking.append((clause, requests))
        elif signals.LATENESS.search(clause.text) and not signals.LATER_WISHED.search(clause.text):
            told.late = True
            reading.answers.add("confirm")  # late, so coming
        elif signals.KNOWN_LATER.search(clause.text):
            told.hedged = told.later = True  # "das entscheidet sich erst heute Abend": not yet, and no time asked
        else:
            if signals.HEDGE.search(clause.text):
                hedging.append(clause)
            if read_clause(clause.words, reading, opening=index == 0, restated=restated) and _negation_unplaced(clause):
                reading.doubtful = True
    asked = _asked(questions, said)
    said_no = "cancel" in reading.decisions or (not reading.decisions and "cancel" in reading.answers)
    stated = " ".join(clause.text for clause in parts if not clause.asks)  # "Brauche ich trotzdem ...?" asks
    if said_no and signals.STILL_WANTED.search(stated):
        reading.decisions.add("reschedule")  # not then, but not given up either: another time
    if "reschedule" in reading.decisions or not (told.late or told.reported or told.later):
        named, preferred = _time_asked_for(text, appointment)
        if named and "reschedule" not in reading.decisions and Asked.WHEN in questions:
            named = not any(_asks_which(clause, appointment) for clause, _ in asking)
        if named and reading.decisions == {"confirm"} and _the_appointment_s_part_of_day(preferred, appointment):
            named = False  # "Perfect, see you in the morning": the morning the appointment is in
        if named and reading.decisions == {"confirm"} and not asking and _late_by(said, preferred, appointment):
            told.late, named = True, False
            reading.answers.add("confirm")  # "ich schaffe es erst zehn nach zehn": late, so coming
        if "reschedule" in reading.decisions or named:
            besides = _asked(_beside_the_request(asking, appointment), said)
            return Understood(Intent.RESCHEDULE, worded=True, asked=besides, preferred=preferred)
    told.hedged |= any(not (told.late and _about_the_minutes(clause)) for clause in hedging)
    if "cancel" in reading.decisions and not told.reported and _another_weekday(text, appointment):
        reading.doubtful = True  # "I'm away on Wednesday", "next week": a no to another day, not to the appointment
    if signals.REPEAT.search(said):
        return Understood(Intent.REPEAT, worded=True, asked=asked if asked is not Asked.PRACTICE else None)
    if told.hedged or reading.doubtful or signals.DISPUTE.search(said) or _ironic(reading):
        return Understood(Intent.UNCLEAR, worded=False)
    return _weighed(reading, asked, told)


@dataclass
class _Told:
    late: bool = False  # a clause about being late: coming
    reported: bool = False  # a clause about what was done before
    moved: bool = False  # a clause telling it was moved before: for the practice to check
    confirmed: bool = False  # a clause telling it was confirmed before: a yes in words
    hedged: bool = False  # a clause not sure of coming
    later: bool = False  # a clause saying when the callee will know: its time is not asked for


def _read_question(clause: Clause, reading: Reading) -> bool:
    """A clause that asks decides nothing, unless it asks for another time ("Können wir verschieben?"):
    whether it does."""
    asked = Reading()
    read_clause(clause.words, asked, opening=False)
    if "reschedule" in asked.decisions:
        reading.decisions.add("reschedule")
        return True
    if asked.decisions == {"cancel"} and _asks_the_practice(clause):
        reading.decisions.add("cancel")  # "Können Sie den Termin absagen?": asked of the practice, a request
        return True
    return False


_ASKING_YOU = words("können könnten würden kannst könntest würdest kann könnte can could would will")
_YOU = words("sie du you")


def _asks_the_practice(clause: Clause) -> bool:
    """Whether a question asks the practice to do something ("Können Sie ...?", "Could you ...?"), not
    whether the callee may ("Kann ich ...?", "Can I ...?")."""
    said = [word for word in clause.words if word not in _LEADING_WORDS]
    return len(said) > 1 and said[0] in _ASKING_YOU and said[1] in _YOU


_LEADING_WORDS = words("und oder also so aber and or but well then dann bitte please")


def _beside_the_request(asking: list[tuple[Clause, bool]], appointment: datetime | None) -> list[str]:
    """What the questions of a request for another time ask besides it: a question that asks for another
    time, or names one other than the appointment's ("Ginge es auch am Mittwoch um 15 Uhr?"), is the request
    itself, no question for the practice to call back about."""
    return [
        asked_in(clause.text)
        for clause, requests in asking
        if not requests and not _time_asked_for(clause.text, appointment)[0]
    ]


def _the_appointment_s_day(appointment: datetime | None) -> frozenset[str]:
    """The words that name the appointment's day and nothing else: its weekday, "morgen", "then"."""
    if appointment is None:
        return THE_DAY_AHEAD
    return THE_DAY_AHEAD | WEEKDAYS[appointment.weekday()]


_LATE_BY = timedelta(minutes=20)
_PREFERRING = re.compile(
    r"\b(?:lieber|liebsten|stattdessen|besser|ginge|wäre|rather|prefer\w*|instead|better|could we|can we)\b"
)


def _late_by(said: str, preferred: PreferredTime | None, appointment: datetime | None) -> bool:
    """Whether the time stated beside coming is the appointment's day, a few minutes after its time, and not
    preferred ("ich schaffe es erst zehn nach zehn", "I'll make it for ten past"): being late, not another
    time ("ich komme lieber um Viertel nach zehn" asks for one)."""
    if preferred is None or appointment is None or _PREFERRING.search(said):
        return False
    clock = preferred.time or preferred.after
    if not isinstance(clock, str) or ":" not in clock or preferred.before or preferred.part_of_day:
        return False
    if preferred.week or preferred.shift or preferred.date not in (None, appointment.date().isoformat()):
        return False
    hours, minutes = (int(part) for part in clock.split(":"))
    late = appointment.replace(hour=hours, minute=minutes) - appointment
    return timedelta(0) < late <= _LATE_BY


_ALTERNATIVES = re.compile(r"\b(?:oder|or)\b")


def _asks_which(clause: Clause, appointment: datetime | None) -> bool:
    """Whether a question offers the appointment's own day or time among others ("zehn oder elf?", "was it
    ten or eleven?"): it asks which the appointment is, and the other is no time asked for."""
    if appointment is None or not clause.asks:
        return False
    offered = [_AT_A_NUMBER.sub(r"um \1", part) for part in _ALTERNATIVES.split(clause.text)]
    if len(offered) < 2 or not all(mentions_a_time(part) for part in offered):
        return False
    return any(read_preferred_time(part, appointment=appointment) is None for part in offered)


# A number offered as an alternative is an hour: "zehn oder elf?" is "um zehn oder um elf?".
_AT_A_NUMBER = re.compile(
    r"^\W*(?:(?:war|was|ist|is|it|das|that|at|um|es)\W+)*((?:zehn|elf|zwölf|neun|acht|ten|eleven|twelve|nine|eight"
    r"|\d{1,2})\b)"
)


def _the_appointment_s_part_of_day(preferred: PreferredTime | None, appointment: datetime | None) -> bool:
    """Whether the time stated is only the part of the day the appointment is in ("see you in the morning")."""
    if preferred is None or appointment is None or preferred.stated().keys() != {"part_of_day"}:
        return False
    return preferred.part_of_day == part_of_day_of(appointment)


def _about_the_minutes(clause: Clause) -> bool:
    """Whether a hedge beside a lateness is about the minutes ("kann sein, dass der Bus Verspätung hat", "but
    maybe 10:15"), not about coming ("vielleicht komme ich"): it names a time or is a bare "kann sein"."""
    if not DECIDING_WORDS.isdisjoint(clause.words):
        return False
    return len(clause.words) <= 3 or mentions_a_time(clause.text)


def _another_weekday(text: str, appointment: datetime | None) -> bool:
    """Whether the answer, in its own words (an idiom may have taken the day in), names a weekday other than
    the appointment's, or a day or week after it ("übermorgen", "next week": the appointment is the next day
    or so when the reminder calls)."""
    folded = text.casefold()
    if appointment is None or _CANCELLED_IN_WORDS.search(folded):
        return False  # "Sagen Sie ab, ich bin bis nächste Woche krank": the day is the reason, the no is said
    others = frozenset().union(*(day for day in WEEKDAYS if day is not WEEKDAYS[appointment.weekday()]))
    return not others.isdisjoint(_LETTERS.findall(folded)) or _LATER_DAYS.search(folded) is not None


_LETTERS = re.compile(r"[^\W\d_]+")
_CANCELLED_IN_WORDS = re.compile(r"\b(?:absagen|abgesagt|stornier\w*|streichen|cancel\w*|sag\w* (?:\w+ ){0,3}ab)\b")
_LATER_DAYS = re.compile(
    r"\b(?:übermorgen|(?:nächste|kommende)\w* (?:woche|monat)|next (?:week|month)|the week after"
    r"|day after tomorrow|wochenende|weekend)\b"
)


def _negation_unplaced(clause: Clause) -> bool:
    """Whether a negation that belongs to no cue leaves the answer in doubt: when it is about a time ("ja,
    aber nicht um zehn", "I can't on Tuesday") or stands in no statement of its own ("nicht ganz"), not
    when the clause says something else of its own ("das ist keine Mailbox")."""
    return _SUBJECTS.isdisjoint(clause.words) or mentions_a_time(clause.text)


_SUBJECTS = words("ich wir das es er sie i we it that this he she they")


def _weighed(reading: Reading, asked: Asked | None, told: _Told) -> Understood:
    """Steps 9 to 11: the verbs, then a question alone, then the answer words."""
    if reading.decisions:
        decision = _only(reading.decisions)
        return Understood(decision, worded=True, asked=asked if decision is not Intent.UNCLEAR else None)
    if asked is not None and asked is not Asked.PRACTICE:
        return Understood(Intent.REPEAT, worded=True, asked=asked)  # "Ja, worum geht's?": not yet understood
    if asked is Asked.PRACTICE and not reading.answers:
        return Understood(Intent.QUESTION, worded=True, asked=asked)
    if told.moved:
        return Understood(Intent.QUESTION, worded=True, asked=Asked.PRACTICE)  # "wir haben den schon verlegt"
    if told.reported or not reading.answers:
        return Understood(Intent.UNCLEAR, worded=False)
    answer = _only(reading.answers)
    worded = asked is not None or told.confirmed
    return Understood(answer, worded=worded, asked=asked if answer is not Intent.UNCLEAR else None)


def _only(decisions: set[str]) -> Intent:
    return _DECISIONS[next(iter(decisions))] if len(decisions) == 1 else Intent.UNCLEAR


def _asked(questions: list[str], said: str) -> Asked | None:
    """What the answer asks: the first fact it asks about, else the practice, if it asks or announces a question."""
    facts = [Asked(asked) for asked in questions if asked != Asked.PRACTICE]
    if facts:
        return facts[0]
    if questions or signals.QUESTION_ANNOUNCED.search(said):
        return Asked.PRACTICE
    return None


def _ironic(reading: Reading) -> bool:
    """Praise with nothing it praises: "Perfect, that's my birthday." is no yes."""
    return reading.praised and reading.unexplained and not reading.decisions


def _time_asked_for(text: str, appointment: datetime | None) -> tuple[bool, PreferredTime | None]:
    """Whether ``text`` asks for a time other than the appointment's, and which; without the appointment,
    any time it names is asked for, and none can be resolved."""
    if appointment is None:
        return mentions_a_time(text), None
    preferred = read_preferred_time(text, appointment=appointment)
    return preferred is not None, preferred


_KEY_WORDS = words("ich i am drück drücke drücken press pressing push die the taste key number nummer ok okay")


def _key_named(said: str) -> str | None:
    """The key a whole answer names ("3", "die Eins", "ich drück die 1", "I'm pressing one"), if it does."""
    named = [word for word in said.replace(".", " ").replace("!", " ").split() if word not in _KEY_WORDS]
    return KEYS_BY_NAME.get(named[0]) if len(named) == 1 else None
