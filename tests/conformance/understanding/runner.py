"""Playing each answer of the corpus through the call's reading of a first answer, and the figures it makes.

A first answer meets the conversation (``reminders.conversation.call``, ``on_user_speak``) in this order:

1. while the call's first pieces of speech are heard, :func:`is_mailbox_greeting` reads them: a mailbox
   is left a message and nothing it says decides anything;
2. :func:`read_answer` reads the answer; its intent is the reading, in the corpus's words (an ``Intent``'s
   value is the name of the record it makes; ``unclear`` is asked again);
3. said into the question (``barge_in``), an answer of answer words only (not ``worded``: "ja", "yes",
   "hallo") is taken for the callee picking up, and the opening is said again: asked again.

Step 3 mirrors the one condition in ``on_user_speak`` that depends on barging in; when the conversation's
rule for it changes, :func:`reading_of` changes with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reminders.conversation import is_mailbox_greeting, read_answer
from reminders.conversation.intents import Intent

from .corpus import ASKED_AGAIN, DECISIONS, Answer, Labels, Record, load_answers, load_labels

__all__ = [
    "TARGET_ACCURACY",
    "TARGET_HARMFUL",
    "TARGET_MAILBOX_RECOGNITION",
    "Figures",
    "Played",
    "Tally",
    "measure",
    "reading_of",
]

# Issue 18's targets: recorded as a receptionist would, harmful readings at most, mailbox greetings recognised.
# No request for another time recorded as confirmed, and no person taken for a mailbox, at all.
TARGET_ACCURACY = 0.90
TARGET_HARMFUL = 1 / 200
TARGET_MAILBOX_RECOGNITION = 0.95


def reading_of(text: str, *, barged_in: bool) -> Record:
    """What the call makes of ``text`` as the callee's first answer, after the question or into it."""
    if is_mailbox_greeting(text):
        return Record.MAILBOX
    understood = read_answer(text)
    if barged_in and not understood.worded:
        return Record.REPEAT  # the opening again: the call takes the answer for a "hello"
    return _record_of(understood.intent)


def _record_of(intent: Intent) -> Record:
    try:
        return Record(intent.value)
    except ValueError:
        raise ValueError(f"the reading's intent {intent.value!r} names no record: map it in runner.py") from None


@dataclass(frozen=True)
class Played:
    """One answer and what the call made of it."""

    answer: Answer
    reading: Record
    as_receptionist: bool
    harmful: bool


@dataclass
class Tally:
    """The figures of a group of answers."""

    answers: int = 0
    as_receptionist: int = 0  # recorded as a careful receptionist would
    harmful: int = 0
    asked_again: int = 0
    clear: int = 0  # answers a receptionist takes as a decision
    clear_asked_again: int = 0
    reschedules: int = 0  # requests for another time
    reschedules_confirmed: int = 0
    mailboxes: int = 0
    mailboxes_recognised: int = 0
    persons: int = 0  # every answer that is not a mailbox's
    persons_as_mailbox: int = 0

    def add(self, played: Played) -> None:
        record, reading = played.answer.record, played.reading
        self.answers += 1
        self.as_receptionist += played.as_receptionist
        self.harmful += played.harmful
        self.asked_again += reading in ASKED_AGAIN
        if record in DECISIONS:
            self.clear += 1
            self.clear_asked_again += reading in ASKED_AGAIN
        if record is Record.RESCHEDULE:
            self.reschedules += 1
            self.reschedules_confirmed += reading is Record.CONFIRM
        if record is Record.MAILBOX:
            self.mailboxes += 1
            self.mailboxes_recognised += reading is Record.MAILBOX
        else:
            self.persons += 1
            self.persons_as_mailbox += reading is Record.MAILBOX

    @property
    def accuracy(self) -> float:
        return self.as_receptionist / self.answers if self.answers else 1.0

    @property
    def mailbox_recognition(self) -> float:
        return self.mailboxes_recognised / self.mailboxes if self.mailboxes else 1.0


@dataclass
class Figures:
    """The figures of one run: in all, per language and per (language, category), and every answer played."""

    barge_in: bool
    total: Tally = field(default_factory=Tally)
    languages: dict[str, Tally] = field(default_factory=dict)
    categories: dict[tuple[str, str], Tally] = field(default_factory=dict)
    played: list[Played] = field(default_factory=list)

    def add(self, played: Played) -> None:
        language, category = played.answer.language, played.answer.category
        self.played.append(played)
        self.total.add(played)
        self.languages.setdefault(language, Tally()).add(played)
        self.categories.setdefault((language, category), Tally()).add(played)

    @property
    def misses(self) -> list[Played]:
        """The answers not recorded as a receptionist would, the harmful ones first."""
        return sorted((p for p in self.played if not p.as_receptionist), key=lambda p: not p.harmful)


def play(answer: Answer, labels: Labels, *, barge_in: bool) -> Played:
    reading = reading_of(answer.say, barged_in=barge_in)
    return Played(
        answer=answer,
        reading=reading,
        as_receptionist=reading in answer.accepted(labels),
        harmful=reading in answer.harmful(labels),
    )


def measure(*, barge_in: bool = False, answers: Iterable[Answer] | None = None) -> Figures:
    """Play ``answers`` (the whole corpus unless given) through the call's reading; their figures.

    ``barge_in``: every answer is said into the question, after the appointment's date and time were heard.
    """
    labels = load_labels()
    figures = Figures(barge_in=barge_in)
    for answer in load_answers() if answers is None else answers:
        figures.add(play(answer, labels, barge_in=barge_in))
    return figures
