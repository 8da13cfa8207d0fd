"""What the callee wants, from what they said or pressed: confirm, cancel, repeat, a person, or unclear.

Callers answer in sentences, not keywords, and in either language whatever the call's language is, so
one vocabulary covers German and English. Matching keywords alone gets "nein, nicht absagen" backwards;
the reading here, in order:

1. A request to hear it again or to speak to a person wins: the caller is not done yet.
2. A hedge ("vielleicht", "not sure") makes the answer unclear: asking again is cheaper than a wrong
   cancellation.
3. Per clause (split at punctuation and at "aber", "sondern", "but"), verbs of deciding carry the answer:
   "bestätigen", "absagen", "kommen", "cancel", "be there". A negation ("nicht", "kein", "not", "n't",
   "never") flips the cue it belongs to: the next cue after it, or else the last one before it, since
   German puts "nicht" after the finite verb ("ich komme nicht").
   A negated modal with nothing else to negate decides too: "ich kann nicht", "I won't".
4. Only an answer without such verbs is read by its answer words ("ja", "nein", "yes", "no", "genau").
5. Signals that contradict each other on the level that decides make the answer unclear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Intent", "intent_of_key", "understand"]


class Intent(StrEnum):
    CONFIRM = "confirm"
    CANCEL = "cancel"
    REPEAT = "repeat"
    PERSON = "person"
    UNCLEAR = "unclear"


_KEYS = {"1": Intent.CONFIRM, "2": Intent.CANCEL, "*": Intent.REPEAT, "0": Intent.PERSON}


def intent_of_key(digit: str) -> Intent:
    """The key the question offers for each choice; any other key is unclear."""
    return _KEYS.get(digit, Intent.UNCLEAR)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.casefold().split())


# Verbs (and their nouns) that decide. "bleibt" as in "der Termin bleibt"; "verschieben" frees the slot.
_CONFIRM_VERBS = _words(
    "bestätigen bestätige bestätigt bestätigung behalten behalte bleibt wahrnehmen "
    "confirm confirmed confirming confirmation keep keeping"
)
_CANCEL_VERBS = _words(
    "absagen absage abgesagt stornieren storniere storniert stornierung streichen streiche verhindert "
    "verschieben verschiebe cancel cancelled canceled cancelling canceling cancellation reschedule"
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
_MODALS = _words("kann können könnte werde werden will möchte can could will would")
# A whole answer of one word that means the key it names, or "say again".
_ONLY_WORD = {
    "eins": Intent.CONFIRM,
    "one": Intent.CONFIRM,
    "zwei": Intent.CANCEL,
    "two": Intent.CANCEL,
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
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class _Cue:
    position: int
    intent: Intent  # CONFIRM or CANCEL
    decisive: bool  # a verb of deciding; else an answer word
    flippable: bool = True

    def flipped(self) -> None:
        self.intent = Intent.CANCEL if self.intent is Intent.CONFIRM else Intent.CONFIRM


def understand(text: str) -> Intent:
    """The caller's intent in ``text`` (recognised speech in German or English)."""
    normalized = _normalize(text)
    only = _ONLY_WORD.get(normalized.strip(" .,!?"))
    if only is not None:
        return only
    if _REPEAT.search(normalized):
        return Intent.REPEAT
    if _PERSON.search(normalized):
        return Intent.PERSON
    if _HEDGE.search(normalized):
        return Intent.UNCLEAR
    decisions: set[Intent] = set()
    answers: set[Intent] = set()
    for clause in _CLAUSE.split(normalized):
        _read_clause(_WORD.findall(clause), decisions, answers)
    for found in (decisions, answers):
        if found:
            return found.pop() if len(found) == 1 else Intent.UNCLEAR
    return Intent.UNCLEAR


def _normalize(text: str) -> str:
    """Lower case (``ß`` as ``ss``), curly apostrophes straight, English contractions spelt out."""
    folded = text.casefold().replace("\u2019", "'")
    folded = _BARE_NEGATIVE.sub(lambda match: _BARE_NEGATIVES[match[0]], folded)
    folded = _NEGATIVE_CONTRACTION.sub(lambda match: f"{_IRREGULAR_NEGATIVES.get(match[1], match[1])} not", folded)
    for pattern, replacement in _SUFFIXES:
        folded = pattern.sub(replacement, folded)
    return folded


def _read_clause(words: list[str], decisions: set[Intent], answers: set[Intent]) -> None:
    cues: list[_Cue] = []
    negations: list[int] = []
    modals = 0
    skip = 0
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
    unattached = 0
    for negation in negations:
        target = _negated_cue(cues, negation)
        if target is None:
            unattached += 1
        else:
            target.flipped()
    if not cues and modals:
        # "Ich kann nicht", "I won't": the modal stands for coming to the appointment. Negated it decides;
        # alone ("ich kann", "I will") it is no more than a yes.
        cues.append(_Cue(0, Intent.CANCEL if unattached % 2 else Intent.CONFIRM, decisive=unattached % 2 == 1))
    clause_decisions = {cue.intent for cue in cues if cue.decisive}
    decisions |= clause_decisions
    if not clause_decisions:
        answers |= {cue.intent for cue in cues}


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
