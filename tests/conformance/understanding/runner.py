"""Playing each answer of the corpus through the call's reading of a first answer, and the figures it makes.

A first answer meets the conversation (``reminders.conversation.call``, ``on_user_speak``) in this order:

1. while the call's first pieces of speech are heard, :func:`is_mailbox_greeting` reads them: a mailbox
   is left a message and nothing it says decides anything;
2. the conversation works out how much of its opening the callee had heard (``replies.heard``) and reads
   the answer with it (``decisions.reading``, which calls ``read_answer`` with the corpus's appointment);
   its intent is the reading, in the corpus's words (an ``Intent``'s value is the name of the record it
   makes; ``unclear`` and ``repeat`` are asked again). Answer words alone ("ja", "yes", "hallo") said
   before the appointment's date and time were heard are a repeat: the call says again what was missed.

Both steps are the conversation's own functions, played on the call's own opening: the runner mirrors
nothing. When is the answer said (:class:`Moment`): after the question, into it once the date and time
were heard (``--barge-in``), or into the greeting's first words (``--into-greeting``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo

from reminders.conversation import CallState, is_mailbox_greeting, phrasebook, replies, unless_a_recording
from reminders.conversation.decisions import reading
from reminders.conversation.intents import Intent
from reminders.model.reminder import Language

from .corpus import ASKED_AGAIN, DECISIONS, Answer, Labels, Record, load_answers, load_labels

__all__ = [
    "TARGET_ACCURACY",
    "TARGET_HARMFUL",
    "TARGET_MAILBOX_RECOGNITION",
    "Figures",
    "Moment",
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


# The corpus's appointment, in the callee's time zone; the call comes the day before.
APPOINTMENT = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
_LANGUAGES = {"de": Language.GERMAN, "en": Language.ENGLISH}
_OPENING_MS = 30_000  # how long the opening plays: any length will do, the call reads shares of it


class Moment(StrEnum):
    """When the callee gives the first answer."""

    AFTER_THE_QUESTION = "answered after the question"
    AFTER_THE_DATE = "said into the question, after the appointment's date and time (barge-in)"
    INTO_THE_GREETING = "said into the greeting's first words"


def reading_of(text: str, *, moment: Moment = Moment.AFTER_THE_QUESTION, language: str = "de") -> Record:
    """What the call makes of ``text`` as the callee's first answer, said at ``moment`` of its opening."""
    if is_mailbox_greeting(text):
        return Record.MAILBOX
    understood = reading(text, heard_at(moment, language), appointment=APPOINTMENT)
    return _record_of(unless_a_recording(text, understood).intent)  # a first answer: maybe a recording


@cache
def heard_at(moment: Moment, language: str) -> replies.Heard:
    """How much of the opening the call takes the callee to have heard at ``moment``, worked out as it does."""
    call = CallState(language=_LANGUAGES[language], reminder_id="corpus", caller="Praxis Dr. Weber", name="Sam")
    call.when = phrasebook(call.language).when(APPOINTMENT)
    replies.opening(call, hints=[])
    replies.started(call, started_at_ms=0, duration_ms=_OPENING_MS)
    if moment is Moment.AFTER_THE_QUESTION:
        return replies.heard(call, barged_in=False, at_ms=_OPENING_MS)
    share = call.question.appointment_ends if moment is Moment.AFTER_THE_DATE else call.question.greeting_ends / 4
    return replies.heard(call, barged_in=True, at_ms=round(share * _OPENING_MS) + 1)


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

    moment: Moment
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


def play(answer: Answer, labels: Labels, *, moment: Moment) -> Played:
    reading = reading_of(answer.say, moment=moment, language=answer.language)
    return Played(
        answer=answer,
        reading=reading,
        as_receptionist=reading in answer.accepted(labels),
        harmful=reading in answer.harmful(labels),
    )


def measure(
    *, barge_in: bool = False, moment: Moment | None = None, answers: Iterable[Answer] | None = None
) -> Figures:
    """Play ``answers`` (the whole corpus unless given) through the call's reading; their figures.

    ``barge_in``: every answer is said into the question, after the appointment's date and time were heard
    (``Moment.AFTER_THE_DATE``); ``moment`` names any other.
    """
    labels = load_labels()
    figures = Figures(moment=moment or (Moment.AFTER_THE_DATE if barge_in else Moment.AFTER_THE_QUESTION))
    for answer in load_answers() if answers is None else answers:
        figures.add(play(answer, labels, moment=figures.moment))
    return figures
