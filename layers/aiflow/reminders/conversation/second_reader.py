"""The second reader: a language model reads the answers the rules leave unclear, inside the turn's deadline.

The rules (:mod:`~reminders.conversation.intents`) stay the reader: no network, well under a millisecond. Only
when they leave an answer unclear (they cannot read it, or it contradicts itself) and the callee has heard
the appointment's date and time is the model asked (:meth:`SecondReader.reread`); an empty answer, one the
rules read and one said before the appointment was heard never go to it.

What the model is told: the call's language, the appointment's date and time (in the callee's time zone,
with its weekday) and the call's day, so that "morgen" or "Friday" can be placed; the choices the question
offers; the callee's words. Never the callee's name, number or the practice: the reading needs none of
them. It answers with one call of the tool ``record_reading`` (:func:`record_reading`), whose arguments are
the reading: the intent among the question's choices (confirm, cancel, another time, say it again, a
person, or unclear), what the answer asks if it asks anything (:class:`~reminders.conversation.intents.Asked`),
the time asked for instead (:class:`~reminders.model.preferred_time.PreferredTime`) and how sure it is.

The same safety as the rules': a question is not a decision, unless it asks for another time ("Geht auch
Freitag?"); a reading the model is not sure of (below :data:`MIN_CONFIDENCE`), "unclear", a reply without
the tool call or with arguments that do not validate is declined. A declined, failed or late reading
leaves the rules' reading: the callee is asked again, as without the model.

The clock: the request gets the turn's time left less :data:`AFTER_THE_MODEL_SECONDS`, what the turn still
needs after it (the outcome's write, the session's save, the answer), and never more than
:data:`MAX_MODEL_SECONDS` (a longer deadline is the turn's margin, not the model's); with less than
:data:`MIN_MODEL_SECONDS` of that left the model is not asked. The model's client keeps to that deadline
(``aiflow.deadline``, retries off in :class:`aiflow.llm.BedrockConverse`), so a slow model costs the turn
its time, never its deadline, and the caller hears the question again rather than silence. The hold pattern
(a filler, the answer on the next turn) is not used: asking again is as good here, and cheaper.

Each reading is reported to ``on_reading`` (:class:`ModelReading`: used, declined, failed, timed out, and
how long it took), which the webhook counts; the log line says the same, and never the callee's words.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from aiflow.deadline import Deadline, current_deadline, deadline_scope
from aiflow.llm import ChatModel, ModelError, ModelReply, ModelRequest, Tool
from aiflow.llm.model import TIMEOUT
from reminders.conversation.intents import Asked, Intent, Understood
from reminders.model.preferred_time import PreferredTime
from reminders.model.reminder import Language

__all__ = [
    "AFTER_THE_MODEL_SECONDS",
    "MAX_MODEL_SECONDS",
    "MIN_CONFIDENCE",
    "MIN_MODEL_SECONDS",
    "READING_TOOL",
    "ModelReading",
    "SecondReader",
    "record_reading",
]

logger = logging.getLogger(__name__)

MIN_CONFIDENCE = 0.8  # a reading less sure than this is declined: asking again is cheaper than a wrong decision
# What a turn needs after the model's answer: the outcome's write and the session's save (a DynamoDB request
# each, with a retry that fits), and sending the answer.
AFTER_THE_MODEL_SECONDS = 0.25
MIN_MODEL_SECONDS = 0.2  # less time than this for the model: no small model answers so soon, it is not asked
# A one-line reading that a small model has not given in a second is not worth the caller's wait (Nova Micro
# answers in 0.3-0.5 s, Claude Haiku in 1.1-1.4 s); a turn with a longer deadline keeps the rest as margin.
MAX_MODEL_SECONDS = 1.0

Choice = Literal["confirm", "cancel", "reschedule", "repeat", "person", "unclear"]


class ModelReading(StrEnum):
    """What became of one request to the model (the ``result`` of the webhook's ``ModelReadings`` metric)."""

    USED = "used"  # its reading is the answer's
    DECLINED = "declined"  # not sure, unclear, or no valid reading: asked again
    FAILED = "failed"  # an error (throttled, the model's or the service's, no connection): asked again
    TIMED_OUT = "timed_out"  # no answer in the time the turn had for it (or too little time to ask): asked again


_INTENT = (
    "confirm: they will come; cancel: they will not come and want no other time; reschedule: they want another "
    "date or time; repeat: they did not hear or understand the reminder and want it again; person: they want to "
    "speak to someone at the practice; unclear: none of these for sure (they are asked again)"
)
_ASKS = (
    "only if the answer asks something: when, where, who (who is calling), what (what the call or the "
    "appointment is about), practice (anything else, which only the practice can answer)"
)


def record_reading(
    intent: Annotated[Choice, Field(description=_INTENT)],
    confidence: Annotated[float, Field(ge=0, le=1, description="how sure you are of the intent, from 0 to 1")],
    asks: Annotated[Asked | None, Field(description=_ASKS)] = None,
    preferred_time: Annotated[
        PreferredTime | None,
        Field(description="only for reschedule, and only the parts the callee said: the time they ask for instead"),
    ] = None,
) -> Understood | None:
    """Record how a careful receptionist would read the callee's answer to the reminder's question."""
    if intent == "unclear" or confidence < MIN_CONFIDENCE:
        return None
    decided = Intent(intent)
    if asks is not None and decided in (Intent.CONFIRM, Intent.CANCEL):  # a question is not a decision
        return Understood(Intent.QUESTION if asks is Asked.PRACTICE else Intent.REPEAT, worded=True, asked=asks)
    return Understood(
        decided, worded=True, asked=asks, preferred=preferred_time if decided is Intent.RESCHEDULE else None
    )


READING_TOOL = Tool.of(record_reading)

_SYSTEM = """\
You read one answer of a callee to an automated appointment reminder call, as a careful receptionist would.
The call has said the appointment's date and time and asked: confirm it (yes, key 1), cancel it (no, key 2)
or ask for another time (key 3); the callee may also ask to hear it again or to speak to a person.
The answer comes from a speech recogniser and may be garbled, in German or English, in regional words.
Call the tool record_reading exactly once and write nothing else. Decide only what the words say: a maybe,
a condition, irony, a complaint or words that do not answer the question are unclear. A question is
recorded in asks. A time the callee asks for instead goes into preferred_time, dates as YYYY-MM-DD and
times as HH:MM (24 h), counted from the call's day."""


class SecondReader:
    """Reads with ``model`` what the rules left unclear (see the module's notes); ``on_reading`` hears each result."""

    def __init__(
        self,
        model: ChatModel,
        *,
        on_reading: Callable[[ModelReading, float], None] | None = None,
        after_the_model_seconds: float = AFTER_THE_MODEL_SECONDS,
    ) -> None:
        self._model = model
        self._on_reading = on_reading
        self._after_the_model = after_the_model_seconds

    @staticmethod
    def wanted(text: str, understood: Understood, *, appointment_heard: bool) -> bool:
        """Whether the model should read ``text``: the rules found it unclear, it has words, and the callee
        heard the appointment's date and time."""
        return understood.intent is Intent.UNCLEAR and appointment_heard and any(c.isalpha() for c in text)

    def reread(
        self,
        text: str,
        understood: Understood,
        *,
        appointment_heard: bool,
        appointment: datetime | None,
        language: Language,
        session_id: str,
    ) -> Understood:
        """``understood`` (the rules' reading of ``text``), or the model's where it is wanted and sure in time."""
        if appointment is None or not self.wanted(text, understood, appointment_heard=appointment_heard):
            return understood
        started = time.monotonic()
        result, reading = self._ask(request(text, appointment=appointment, language=language))
        took = time.monotonic() - started
        logger.info(
            "model read the answer",
            extra={
                "session_id": session_id,
                "result": result.value,
                "intent": reading.intent.value if reading else None,
                "latency_ms": round(took * 1000),
            },
        )
        if self._on_reading is not None:
            self._on_reading(result, took)
        return reading or understood

    def _ask(self, model_request: ModelRequest) -> tuple[ModelReading, Understood | None]:
        deadline = self._model_deadline()
        if deadline is not None and deadline.remaining() < MIN_MODEL_SECONDS:
            return ModelReading.TIMED_OUT, None
        try:
            with deadline_scope(deadline):
                reply = self._model.converse(model_request)
        except ModelError as failure:
            logger.warning("model gave no reading: %s", failure.kind)
            return (ModelReading.TIMED_OUT if failure.kind == TIMEOUT else ModelReading.FAILED), None
        except Exception:  # whatever else goes wrong on the way, the callee is asked again, never left in silence
            logger.exception("model request failed")
            return ModelReading.FAILED, None
        reading = reading_of(reply)
        return (ModelReading.USED if reading else ModelReading.DECLINED), reading

    def _model_deadline(self) -> Deadline | None:
        """The turn's deadline, less what the turn needs after the model, at most :data:`MAX_MODEL_SECONDS`
        away; ``None`` outside a turn."""
        turn = current_deadline()
        if turn is None:
            return None
        at_the_latest = time.monotonic() + turn.reserve + MAX_MODEL_SECONDS
        return Deadline(min(turn.at - self._after_the_model, at_the_latest), turn.reserve)


def request(text: str, *, appointment: datetime, language: Language) -> ModelRequest:
    """The request for a reading of ``text``: the facts the reading needs, and nothing of who the callee is."""
    facts = (
        f"The call's language: {language.value}.\n"
        f"The appointment: {appointment:%A %Y-%m-%d %H:%M} ({appointment.tzinfo}).\n"
        f"The call's day: {datetime.now(appointment.tzinfo):%A %Y-%m-%d}.\n"
        f"The callee's answer: {text}"
    )
    return ModelRequest(
        system=_SYSTEM,
        messages=[{"role": "user", "content": [{"text": facts}]}],
        tools=[READING_TOOL.spec()],
    )


def reading_of(reply: ModelReply) -> Understood | None:
    """The reading in ``reply``'s call of ``record_reading``, made safe; ``None`` if there is no sure, valid one."""
    calls = [call for call in reply.tool_calls if call.name == READING_TOOL.name]
    if len(calls) != 1:
        return None
    return _validated(calls[0].arguments)


def _validated(arguments: dict[str, Any]) -> Understood | None:
    try:
        given = READING_TOOL.arguments.model_validate(arguments)
    except ValidationError:
        logger.warning("model's reading is malformed", extra={"fields": sorted(arguments)})
        return None
    reading: Understood | None = READING_TOOL.function(
        **{name: getattr(given, name) for name in type(given).model_fields}
    )
    return reading
