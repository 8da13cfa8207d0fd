"""What the callee wants, from what they said or pressed: confirm, cancel, another time, no more calls,
repeat, a person, or unclear.

Callers answer in sentences, not keywords, and in either language whatever the call's language is, so
one vocabulary covers German and English. Matching keywords alone gets "nein, nicht absagen" backwards;
the reading here, in order:

1. Asking for no more calls wins ("rufen Sie mich nicht mehr an", "stop calling me"): it is said in
   words that would otherwise read as a repeat request ("nie wieder", "again") or a negation.
2. A request to hear it again or to speak to a person comes next: the caller is not done yet.
3. A hedge ("vielleicht", "not sure") or a dispute of what we said ("falsche Uhrzeit", "wrong time")
   makes the answer unclear: asking again is cheaper than a wrong cancellation.
4. Per clause (split at punctuation and at "aber", "sondern", "but"), verbs of deciding carry the answer:
   "bestätigen", "absagen", "kommen", "verschieben", "cancel", "be there", "reschedule" (phrases such as
   "an einem anderen Tag", "another time" count as "reschedule"). A negation ("nicht", "kein", "not",
   "n't", "never") flips the cue it belongs to: the next cue after it, or else the last one before it,
   since German puts "nicht" after the finite verb ("ich komme nicht"); "nicht verschieben" keeps the
   appointment. A negated modal with nothing else to negate decides too: "ich kann nicht", "I won't".
5. Only an answer without such verbs is read by its answer words ("ja", "nein", "yes", "no", "genau").
6. The reading asks rather than guesses: a negated answer word ("das ist nicht richtig") or a negation
   about something it cannot read ("ja, aber nicht um zehn") makes the answer unclear, and so do signals
   that contradict each other on the level that decides. Wanting another time outweighs a yes or no in
   the same answer ("ich kann nicht, können wir verschieben?"): the slot is kept and the practice calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

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


_KEYS = {"1": Intent.CONFIRM, "2": Intent.CANCEL, "3": Intent.RESCHEDULE, "*": Intent.REPEAT, "0": Intent.PERSON}


def intent_of_key(digit: str) -> Intent:
    """The key the question offers for each choice; any other key is unclear."""
    return _KEYS.get(digit, Intent.UNCLEAR)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.casefold().split())


# Verbs (and their nouns) that decide. "bleibt" as in "der Termin bleibt".
_CONFIRM_VERBS = _words(
    "bestätigen bestätige bestätigt bestätigung behalten behalte bleibt wahrnehmen "
    "confirm confirmed confirming confirmation keep keeping"
)
_CANCEL_VERBS = _words(
    "absagen absage abgesagt stornieren storniere storniert stornierung streichen streiche verhindert "
    "cancel cancelled canceled cancelling canceling cancellation"
)
# Another time: the slot is not given up, the practice gets in touch.
_RESCHEDULE_VERBS = _words(
    "verschieben verschiebe verschoben verlegen verlege verlegt umbuchen umlegen umvereinbaren "
    "reschedule rescheduling rearrange postpone postponed"
)
_RESCHEDULE_PHRASES = re.compile(
    r"\b(?:eine?[mnrs]?|ein) (?:anderen?|späteren|neuen) (?:tag|termin|uhrzeit|zeitpunkt|datum|woche)\b"
    r"|\b(?:andere|spätere) (?:uhrzeit|zeit|woche)\b|\banderen (?:tag|termin)\b|\bneuen termin\b|\bein andermal\b"
    r"|\b(?:another|a different|a later|a new|some other) (?:time|day|date|slot|appointment|week)\b"
    r"|\bmove (?:it|the appointment|my appointment|that)\b|\bchange (?:the|my) (?:appointment|time|date)\b"
)
# Coming to the appointment is confirming it.
_COME_VERBS = _words(
    "komme kommen komm erscheine erscheinen vorbeikommen schaffe schaffen passt klappt geht dabei "
    "come coming attend attending"
)
_PHRASES = {
    "make it": Intent.CONFIRM,
    "be there": Intent.CONFIRM,
    "bin da": Intent.CONFIRM,
    "da sein": Intent.CONFIRM,
    "call off": Intent.CANCEL,
}
# Separable German verbs: "ich sage (den Termin) ab", "ich nehme (den Termin) wahr".
_SEPARABLE = {
    frozenset({"sage", "sagen", "sag"}): ("ab", Intent.CANCEL),
    frozenset({"nehme", "nehmen"}): ("wahr", Intent.CONFIRM),
}
_YES_WORDS = _words(
    "ja jawohl jo jep jup mhm genau richtig korrekt klar sicher natürlich gerne gern okay ok einverstanden "
    "selbstverständlich yes yeah yep yup yea sure correct right alright fine absolutely definitely certainly"
)
# "kein Problem" is a yes, not a negated verb.
_YES_PHRASES = frozenset({"of course", "sounds good", "no problem", "no worries", "kein problem", "jeden fall"})
_NO_WORDS = _words("nein nee ne nö no nope nah")
_NEGATIONS = _words("nicht kein keine keinen keinem keiner nie niemals keinesfalls not never")
# Words a negation may stand with and still only stress a no ("nein, leider nicht", "no, not at all").
_FILLERS = _words(
    "leider bitte also doch wirklich gar überhaupt eben halt mehr ganz auf fall ich es das ist so sorry "
    "unfortunately please really actually at all i it that is so"
)
_MODALS = _words("kann können könnte werde werden will möchte can could will would")
# A whole answer of one word that means the key it names, or "say again".
_ONLY_WORD = {
    "eins": Intent.CONFIRM,
    "one": Intent.CONFIRM,
    "zwei": Intent.CANCEL,
    "two": Intent.CANCEL,
    "drei": Intent.RESCHEDULE,
    "three": Intent.RESCHEDULE,
    **dict.fromkeys(_words("was wie hä bitte entschuldigung what sorry pardon"), Intent.REPEAT),
}

_REPEAT = re.compile(
    r"\bwiederhol\w*|\bnoch ?(?:ein)?mal\b|\bwie bitte\b|\bnicht verstanden\b|\bnicht verstehen\b"
    r"|\bwas haben sie gesagt\b|\brepeat\w*|\bagain\b|\bpardon\b|\bsay that\b|\bwhat did you say\b"
    r"|\bdid not (?:catch|understand|get)\b"
)
_PERSON = re.compile(
    r"\bmitarbeiter\w*|\b(?:einem|einen|echten) menschen\b|\brezeption\b|\bempfang\b|\bverbinden\b"
    r"|\bdurchstellen\b|\bweiterleiten\b|\bmit jemandem\b|\bjemanden sprechen\b"
    r"|\bhuman\b|\bagent\b|\boperator\b|\brepresentative\b|\breceptionist\b|\bsomeone\b|\bsomebody\b"
    r"|(?<!\bin )\bperson\b|\bspeak to\b|\btalk to\b|\bput me through\b"
)
_HEDGE = re.compile(
    r"\bvielleicht\b|\beventuell\b|\bmöglicherweise\b|\bwahrscheinlich\b|\bunsicher\b|\bnicht sicher\b"
    r"|\bweiss (?:ich )?(?:es )?(?:noch )?nicht\b|\bkeine ahnung\b|\bmal (?:sehen|schauen)\b"
    r"|\bmaybe\b|\bperhaps\b|\bpossibly\b|\bprobably\b|\bunsure\b|\bnot sure\b|\bdo not know\b"
    r"|\bno idea\b|\bmight\b|\bnot yet\b"
)
# The callee disputes what we said (the time, the person): a decision read from it would be a guess.
_DISPUTE = re.compile(
    r"\bfalsch\w*|\bstimmt (?:so )?nicht\b|\bstimmt doch nicht\b|\birrtum\b|\bverwechs\w*"
    r"|\bwrong\b|\bincorrect\b|\bmistake\w*|\bnot (?:my|mine)\b"
)
# No more calls at all: the number goes on the do-not-call list.
_OPT_OUT = re.compile(
    r"\bnicht (?:mehr|wieder|noch ?mal) an\b|\bnicht (?:mehr |wieder )?an(?:zu)?rufen\b|\bnicht mehr angerufen\b"
    r"|\bnie (?:mehr|wieder) an(?:rufen)?\b|\bkeine (?:\w+ )?anrufe\b|\bkeine (?:\w+ )?werbeanrufe\b"
    r"|\bhören sie auf\b.{0,20}\banzurufen\b|\baufhören\b.{0,20}\banzurufen\b|\bin ruhe\b"
    r"|\b(?:streichen|löschen|entfernen) sie (?:bitte )?meine (?:telefon)?nummer\b"
    r"|\bmeine (?:telefon)?nummer (?:bitte )?(?:löschen|streichen|entfernen|sperren)\b|\bsperrliste\b"
    r"|\bstop calling\b|\bquit calling\b|\bdo not (?:ever )?call (?:me|us|this number|here)\b"
    r"|\bnever call (?:me|us|this number|here)\b|\bno more (?:\w+ )?calls\b|\bnot want (?:any )?(?:more )?calls\b"
    r"|\bnot (?:want )?to be called\b|\bleave me alone\b|\bunsubscribe\b|\bopt(?:\s|-)?out\b"
    r"|\btake (?:me|my number) off\b|\bremove (?:me|my number)\b|\bdo not call list\b"
)
_NEGATIVE_CONTRACTION = re.compile(r"\b(\w+)n't\b")
_IRREGULAR_NEGATIVES = {"ca": "can", "wo": "will", "sha": "shall"}
# Speech recognisers sometimes drop the apostrophe.
_BARE_NEGATIVES = {
    "cannot": "can not",
    "cant": "can not",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "wont": "will not",
    "isnt": "is not",
    "couldnt": "could not",
    "wouldnt": "would not",
}
_BARE_NEGATIVE = re.compile(r"\b(?:" + "|".join(_BARE_NEGATIVES) + r")\b")
_SUFFIXES = ((re.compile(r"'ll\b"), " will"), (re.compile(r"'d\b"), " would"), (re.compile(r"'m\b"), " am"))
_CLAUSE = re.compile(r"[,.;:!?]+|\b(?:aber|sondern|but)\b")
_AS_RESCHEDULE = " reschedule "  # a phrase for another time reads as the verb
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class _Cue:
    position: int
    intent: Intent  # CONFIRM, CANCEL or RESCHEDULE
    decisive: bool  # a verb of deciding; else an answer word
    flippable: bool = True

    def flipped(self) -> None:
        # Not cancelling, and not moving it ("nicht verschieben"), both keep the appointment.
        self.intent = Intent.CANCEL if self.intent is Intent.CONFIRM else Intent.CONFIRM


@dataclass
class _Reading:
    decisions: set[Intent] = field(default_factory=set)
    answers: set[Intent] = field(default_factory=set)
    doubtful: bool = False  # a negation we cannot place: ask again


@dataclass(frozen=True)
class Understood:
    intent: Intent
    # Said in words that carry the intent ("ich komme", "absagen", "verschieben", "wie bitte"), not only in
    # answer words ("ja", "nein", "okay"), which are also how people pick up the phone ("Ja, Müller?").
    worded: bool
    # A question the answer also asks ("Ja, muss ich was mitbringen?" confirms and asks the practice).
    asked: Asked | None = None


def understand(text: str) -> Intent:
    """The caller's intent in ``text`` (recognised speech in German or English)."""
    return read_answer(text).intent


def read_answer(text: str) -> Understood:
    """The caller's intent in ``text``, and whether words beyond "ja" or "nein" carry it."""
    normalized = _normalize(text)
    only = _ONLY_WORD.get(normalized.strip(" .,!?"))
    if only is not None:
        return Understood(only, worded=True)
    if _OPT_OUT.search(normalized):
        return Understood(Intent.OPT_OUT, worded=True)
    reading = _Reading()
    for clause in _CLAUSE.split(_RESCHEDULE_PHRASES.sub(_AS_RESCHEDULE, normalized)):
        _read_clause(_WORD.findall(clause), reading)
    if Intent.RESCHEDULE in reading.decisions:
        return Understood(Intent.RESCHEDULE, worded=True)
    if _REPEAT.search(normalized):
        return Understood(Intent.REPEAT, worded=True)
    if _PERSON.search(normalized):
        return Understood(Intent.PERSON, worded=True)
    if reading.doubtful or _HEDGE.search(normalized) or _DISPUTE.search(normalized):
        return Understood(Intent.UNCLEAR, worded=False)
    for found, worded in ((reading.decisions, True), (reading.answers, False)):
        if found:
            return Understood(found.pop() if len(found) == 1 else Intent.UNCLEAR, worded=worded)
    return Understood(Intent.UNCLEAR, worded=False)


def _normalize(text: str) -> str:
    """Lower case (``ß`` as ``ss``), curly apostrophes straight, English contractions spelt out."""
    folded = text.casefold().replace("\u2019", "'")
    folded = _BARE_NEGATIVE.sub(lambda match: _BARE_NEGATIVES[match[0]], folded)
    folded = _NEGATIVE_CONTRACTION.sub(lambda match: f"{_IRREGULAR_NEGATIVES.get(match[1], match[1])} not", folded)
    for pattern, replacement in _SUFFIXES:
        folded = pattern.sub(replacement, folded)
    return folded


def _read_clause(words: list[str], reading: _Reading) -> None:
    cues, negations, modals, content = _cues(words)
    unattached = 0
    for negation in negations:
        target = _negated_cue(cues, negation)
        if target is None:
            unattached += 1
        elif target.decisive:
            target.flipped()
        else:
            reading.doubtful = True  # "das ist nicht richtig", "not right": no yes, and no clear no either
    if unattached and content:
        reading.doubtful = True  # "nicht um zehn": the negation is about something we cannot read
    if not cues and modals:
        # "Ich kann nicht", "I won't": the modal stands for coming to the appointment. Negated it decides;
        # alone ("ich kann", "I will") it is no more than a yes.
        cues.append(_Cue(0, Intent.CANCEL if unattached % 2 else Intent.CONFIRM, decisive=unattached % 2 == 1))
    clause_decisions = {cue.intent for cue in cues if cue.decisive}
    reading.decisions |= clause_decisions
    if not clause_decisions:
        reading.answers |= {cue.intent for cue in cues}


def _cues(words: list[str]) -> tuple[list[_Cue], list[int], int, int]:
    """The clause's cues, the positions of its negations, its modals and its words that are none of these."""
    cues: list[_Cue] = []
    negations: list[int] = []
    modals = content = skip = 0
    for position, word in enumerate(words):
        if skip:
            skip -= 1
            continue
        pair = " ".join(words[position : position + 2])
        if pair in _PHRASES:
            cues.append(_Cue(position, _PHRASES[pair], decisive=True))
            skip = 1
        elif pair in _YES_PHRASES:
            cues.append(_Cue(position, Intent.CONFIRM, decisive=False))
            skip = 1
        elif word in _CONFIRM_VERBS or word in _COME_VERBS:
            cues.append(_Cue(position, Intent.CONFIRM, decisive=True))
        elif word in _CANCEL_VERBS:
            cues.append(_Cue(position, Intent.CANCEL, decisive=True))
        elif word in _RESCHEDULE_VERBS:
            cues.append(_Cue(position, Intent.RESCHEDULE, decisive=True))
        elif separable := _separable(word, words[position + 1 :]):
            cues.append(_Cue(position, separable, decisive=True))
        elif word in _YES_WORDS:
            cues.append(_Cue(position, Intent.CONFIRM, decisive=False))
        elif word in _NO_WORDS:
            # "Nein" answers the question; it does not negate a verb, and nothing negates it.
            cues.append(_Cue(position, Intent.CANCEL, decisive=False, flippable=False))
        elif word in _NEGATIONS:
            negations.append(position)
        elif word in _MODALS:
            modals += 1
        elif word not in _FILLERS:
            content += 1
    return cues, negations, modals, content


def _separable(word: str, rest: list[str]) -> Intent | None:
    for stems, (particle, intent) in _SEPARABLE.items():
        if word in stems and particle in rest:
            return intent
    return None


def _negated_cue(cues: list[_Cue], negation: int) -> _Cue | None:
    """The cue a negation belongs to: the next flippable one after it, else the last one before it."""
    flippable = [cue for cue in cues if cue.flippable]
    after = [cue for cue in flippable if cue.position > negation]
    if after:
        return after[0]
    before = [cue for cue in flippable if cue.position < negation]
    return before[-1] if before else None
