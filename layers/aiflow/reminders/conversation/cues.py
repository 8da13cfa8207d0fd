"""Reading one clause of an answer: its cues (verbs of deciding, answer words), the negations that flip
them, and what is left unexplained.

Verbs of deciding carry the answer ("bestätigen", "absagen", "kommen", "verschieben", "cancel", "be
there"); answer words ("ja", "nein", "yes", "genau") only answer a question. A negation ("nicht", "kein",
"not", "never") flips the cue it belongs to: the next cue after it, or else the last one before it, since
German puts "nicht" after the finite verb ("ich komme nicht"); "nicht verschieben" keeps the appointment.
A cue is flipped back by no later negation: "I won't be there and I don't have a car" negates the car.
A negated modal with nothing else in its clause decides too ("ich kann nicht", "I won't"), but not
with more ("das kann ich noch nicht sagen"); a modal alone says nothing ("ich kann erst abends" is no
yes). A negated answer word ("das ist nicht richtig") makes the answer doubtful; a negation that belongs
to no cue ("ja, aber nicht um zehn") is reported to the caller, who weighs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reminders.conversation import lexicon

__all__ = ["Cue", "Reading", "read_clause"]

CONFIRM, CANCEL, RESCHEDULE = "confirm", "cancel", "reschedule"


@dataclass
class Cue:
    position: int
    decision: str  # CONFIRM, CANCEL or RESCHEDULE
    decisive: bool  # a verb of deciding; else an answer word
    flippable: bool = True
    need: bool = False  # "brauche", "need": decides only negated, and only when nothing else follows

    def flip(self) -> None:
        # Not cancelling, and not moving it ("nicht verschieben"), both keep the appointment.
        self.decision = CANCEL if self.decision == CONFIRM else CONFIRM


@dataclass
class Reading:
    """What the clauses of one answer said, gathered."""

    decisions: set[str] = field(default_factory=set)
    answers: set[str] = field(default_factory=set)
    doubtful: bool = False  # a negated answer word, or a negation we cannot place: ask again
    praised: bool = False  # "toll", "great": a yes only if the rest of the answer explains itself
    unexplained: bool = False  # a clause that decides nothing and says something we cannot read


def read_clause(words: list[str], reading: Reading, *, opening: bool, restated: frozenset[str] = frozenset()) -> bool:
    """Add what the clause of ``words`` decides or answers to ``reading``; ``opening``: the answer's first;
    ``restated``: words that name the appointment's own day ("morgen", "am Dienstag"), which say no more than
    "then" ("ich kann morgen nicht" is "ich kann nicht").

    True when a negation in it belongs to no cue but to something else it says ("nicht um zehn", "not at
    home"): whether that makes the answer doubtful is the caller's to weigh.
    """
    cues, negations, modals, content = _cues(words, opening=opening, restated=restated)
    reading.praised |= not lexicon.PRAISE.isdisjoint(words)
    unattached = 0
    flipped: set[int] = set()
    for negation in negations:
        target = _negated_cue(cues, negation, flipped)
        if target is None:
            unattached += 1
        elif target.decisive:
            target.need = False
            target.flip()
            flipped.add(target.position)
        else:
            reading.doubtful = True  # "das ist nicht richtig", "not right": no yes, and no clear no either
    cues = [cue for cue in cues if not cue.need]  # needing it, unnegated, decides nothing
    if not cues and modals and unattached % 2 and not content:
        cues.append(Cue(0, CANCEL, decisive=True))  # "Ich kann nicht", "I won't": not coming
    elif not cues and unattached % 2 and not content:
        cues.append(Cue(0, CANCEL, decisive=False, flippable=False))  # "Leider nicht.": a stressed no
    decided = {cue.decision for cue in cues if cue.decisive}
    reading.decisions |= decided
    if not decided:
        reading.answers |= {cue.decision for cue in cues}
        reading.unexplained |= content > 0
    return bool(unattached and content)


def _cues(words: list[str], *, opening: bool, restated: frozenset[str]) -> tuple[list[Cue], list[int], int, int]:
    """The clause's cues, the positions of its negations, its modals and its words that are none of these."""
    cues: list[Cue] = []
    negations: list[int] = []
    modals = content = 0
    skip = False
    for position, word in enumerate(words):
        if skip:
            skip = False
            continue
        pair = " ".join(words[position : position + 2])
        if pair in lexicon.DECIDING_PAIRS:
            cues.append(Cue(position, lexicon.DECIDING_PAIRS[pair], decisive=True))
            skip = True
        elif cue := _cue(word, position, words, opening=opening):
            cues.append(cue)
        elif word in lexicon.NEGATIONS:
            negations.append(position)
        elif word in lexicon.MODALS:
            modals += 1
        elif word not in lexicon.FILLERS and word not in restated:
            content += 1
    return cues, negations, modals, content


def _cue(word: str, position: int, words: list[str], *, opening: bool) -> Cue | None:
    """The cue ``word`` is in its clause, if any; "na" and "ne" are a no only alone, first in the answer."""
    if word in lexicon.NEEDS_AN_OBJECT and not lexicon.OBJECTS & set(words):
        return None  # "do schaff i": working, not managing it
    for verbs, decision in (
        (lexicon.CONFIRM_VERBS | lexicon.COME_VERBS, CONFIRM),
        (lexicon.CANCEL_VERBS, CANCEL),
        (lexicon.RESCHEDULE_VERBS, RESCHEDULE),
    ):
        if word in verbs:
            return Cue(position, decision, decisive=True)
    if word in lexicon.NEEDS:
        return Cue(position, CONFIRM, decisive=True, need=True)
    if separable := _separable(word, words[position + 1 :]):
        return Cue(position, separable, decisive=True)
    if word in lexicon.YES_WORDS or word in lexicon.PRAISE:
        return Cue(position, CONFIRM, decisive=False)
    if word in lexicon.NO_WORDS or (word in lexicon.NO_AT_THE_START and opening and len(words) == 1):
        # "Nein" answers the question; it does not negate a verb, and nothing negates it.
        return Cue(position, CANCEL, decisive=False, flippable=False)
    return None


def _separable(word: str, rest: list[str]) -> str | None:
    for stems, particles in lexicon.SEPARABLE.items():
        if word in stems:
            return next((particles[particle] for particle in rest if particle in particles), None)
    return None


def _negated_cue(cues: list[Cue], negation: int, flipped: set[int]) -> Cue | None:
    """The cue a negation belongs to: the next flippable one after it, else the last one before it that no
    negation has flipped yet.

    Needing is negated only when no other cue follows it: "I don't need to reschedule" keeps the appointment.
    A negation after a verb already negated negates something of its own ("I won't be there and I don't have
    a car"): flipping the verb back would read a no as a yes.
    """
    flippable = [cue for cue in cues if cue.flippable]
    after = [cue for cue in flippable if cue.position > negation]
    if len(after) > 1 and after[0].need:
        after = after[1:]
    if after:
        return after[0]
    before = [cue for cue in flippable if cue.position < negation and cue.position not in flipped]
    return before[-1] if before else None
