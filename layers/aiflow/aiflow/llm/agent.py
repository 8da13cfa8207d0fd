"""``LlmAgent``: a language model holding the conversation of an :class:`~aiflow.AiFlowAssistant`, on sipgate's clock.

``agent.attach(assistant)`` gives the assistant its handlers. The call's history lives in the session
state under ``state["llm"]``, so any Lambda environment takes the next turn:

- ``session_start``: the greeting, and a history that opens with it;
- ``user_speak``: the caller's words join the history, the model is asked with tools (each ``toolUse``
  validated and called, its ``toolResult`` sent back, up to ``max_tool_rounds``) and its words are spoken;
  a tool's :class:`~aiflow.llm.EndTurn` actions follow once they have played. An interruption first cuts
  the assistant's last words to what was heard;
- ``assistant_speak``: which words are playing and since when, for that cut;
- ``assistant_speech_ended``: a late answer (below), else the actions waiting for the speech to end.

The clock. A turn waits for the model at most ``wait_seconds`` and never past the turn's deadline (less
``handoff_seconds`` for handing the job off and saving the state). If the answer is not there by then, the
caller hears a filler ("Einen Moment bitte ...") and the job goes on in the background
(:mod:`aiflow.llm.background`); each ``assistant_speech_ended`` after a filler waits again within its own
turn for the answer under (session, turn), speaks it when there, or says the next filler, up to
``max_fillers``, then the fallback. Every user_speak opens a new turn: an answer for an older one (the
caller spoke again, or hung up) is never spoken, and the worker drops it. This is the hold pattern of
sipgate's own flow-io server, made to work across Lambda invocations.

Failures (throttling, a model error, a timeout in the worker, a malformed tool call, too many tool
rounds) make the caller hear the assistant's fallback: never silence, never a 5xx. Each outcome is logged
(INFO, without words) and counted in ``outcomes``; ``on_outcome`` hands it to the host's metrics.

Privacy: the model gets the system prompt, the greeting and what was said, never the session (numbers,
account); transcripts go to the log at DEBUG only.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aiflow import events
from aiflow.actions import dump_action, speak
from aiflow.deadline import current_deadline
from aiflow.llm import history
from aiflow.llm.background import JOB_KEY, Answer, AnswerStore, BackgroundRunner, Job, ThreadRunner
from aiflow.llm.model import ANSWERED, ChatModel, ModelError, ModelReply, ModelRequest
from aiflow.llm.tools import Tool, unknown_tool

if TYPE_CHECKING:
    from aiflow.assistant import AiFlowAssistant, HandlerResult

__all__ = ["FILLERS", "STATE_KEY", "LlmAgent"]

logger = logging.getLogger("aiflow.llm")

STATE_KEY = "llm"
FILLERS: Mapping[str, tuple[str, ...]] = {
    "de": ("Einen Moment bitte ...", "Gleich habe ich es ...", "Noch einen kleinen Moment ..."),
    "en": ("One moment, please ...", "I'm almost there ...", "Just a moment more ..."),
}
_POLL_SECONDS = 0.05  # how often a turn after a filler looks for the late answer


class LlmAgent:
    """A model-driven conversation for an assistant (see the module's notes).

    ``language`` (``"de"`` or ``"en"``) picks the default ``fillers``. ``runner`` is where slow answers go on:
    a :class:`ThreadRunner` by default, a :class:`~aiflow.llm.LambdaInvokeRunner` on Lambda.
    """

    def __init__(
        self,
        *,
        model: ChatModel,
        system_prompt: str,
        greeting: str,
        tools: Iterable[Tool | Callable[..., Any]] = (),
        language: str = "de",
        fillers: Sequence[str] | None = None,
        max_fillers: int = 2,
        wait_seconds: float = 0.7,
        handoff_seconds: float = 0.15,
        max_tool_rounds: int = 4,
        runner: BackgroundRunner | None = None,
        on_outcome: Callable[[str], None] | None = None,
    ) -> None:
        if language not in FILLERS and fillers is None:
            raise ValueError(f"no default fillers for language {language!r}: give fillers=")
        self.model = model
        self.system_prompt = system_prompt
        self.greeting = greeting
        self.tools = {t.name: t for t in (t if isinstance(t, Tool) else Tool.of(t) for t in tools)}
        self.fillers = tuple(fillers or FILLERS[language])
        if not self.fillers:
            raise ValueError("fillers must not be empty")
        self.max_fillers = max_fillers
        self.wait_seconds = wait_seconds
        self.handoff_seconds = handoff_seconds
        self.max_tool_rounds = max_tool_rounds
        self.runner: BackgroundRunner = runner if runner is not None else ThreadRunner()
        self.outcomes: Counter[str] = Counter()
        self._on_outcome = on_outcome
        self._assistant: AiFlowAssistant | None = None
        self._specs = [t.spec() for t in self.tools.values()]

    def attach(self, assistant: AiFlowAssistant) -> AiFlowAssistant:
        """Give ``assistant`` the agent's handlers (its session store keeps the history and late answers)."""
        self._assistant = assistant
        assistant.on_session_start = self._on_session_start
        assistant.on_user_speak = self._on_user_speak
        assistant.on_assistant_speak = self._on_assistant_speak
        assistant.on_assistant_speech_ended = self._on_assistant_speech_ended
        return assistant

    def lambda_handler(self, event: Mapping[str, Any], context: object = None) -> dict[str, Any]:
        """The Lambda entry for both: webhook requests go to the assistant, background jobs to :meth:`run_job`."""
        if JOB_KEY in event:
            self.run_job(event)
            return {"delivered": True}
        return self.assistant.lambda_handler(event, context)

    def run_job(self, event: Mapping[str, Any]) -> None:
        """A background worker's invocation: ask the model for the job and deliver the answer."""
        job = Job.model_validate(event[JOB_KEY])
        self.deliver(job, self.answer(job))

    # The Worker: asking the model, delivering late.

    def answer(self, job: Job) -> Answer:
        """The model's answer to the job, tools called as it asks; failures are an answer with ``failure``."""
        added = list(job.progress)
        started = time.monotonic()
        try:
            for _ in range(self.max_tool_rounds + 1):
                reply = self.model.converse(
                    ModelRequest(system=self.system_prompt, messages=[*job.messages, *added], tools=self._specs)
                )
                added.append(reply.message)
                if not reply.tool_calls:
                    return _spoken_answer(reply, added)
                ended = self._call_tools(job, reply, added)
                if ended is not None:
                    return ended
            return Answer(failure="too_many_tool_rounds")
        except ModelError as failed:
            return Answer(failure=failed.kind, messages=added)
        except Exception:  # a worker has nobody to raise to: the failure is the answer, heard as the fallback
            logger.exception("session %s turn %s: asking the model failed", job.session_id, job.turn)
            return Answer(failure="error")
        finally:
            logger.debug("session %s turn %s: model %.0f ms", job.session_id, job.turn, _ms_since(started))

    def deliver(self, job: Job, answer: Answer) -> None:
        """Leave a late answer for the next ``assistant_speech_ended``; drop it if its turn is over."""
        current = self.assistant.session_store.load(job.session_id).data.get(STATE_KEY, {}).get("turn")
        if current is None or current > job.turn:  # the call ended, or the caller spoke again
            self._count("dropped_superseded")
            return
        if not AnswerStore(self.assistant.session_store).put(job.session_id, job.turn, answer):
            logger.info("session %s turn %s: an answer was delivered already", job.session_id, job.turn)

    def _call_tools(self, job: Job, reply: ModelReply, added: list[dict[str, Any]]) -> Answer | None:
        context = {"session_id": job.session_id, "caller_number": job.caller_number}
        outcomes = []
        for call in reply.tool_calls:
            found = self.tools.get(call.name)
            outcome = found.call(call.id, call.arguments, context) if found else unknown_tool(call.id, call.name)
            self._count("tool_error" if outcome.failed else f"tool:{call.name}")
            outcomes.append(outcome)
        added.append({"role": "user", "content": [outcome.block for outcome in outcomes]})
        ended = next((outcome.ended for outcome in outcomes if outcome.ended is not None), None)
        if ended is None:
            return None
        if ended.say:
            history.add_assistant_text(added, ended.say)
        return Answer(text=ended.say, actions=[dump_action(action) for action in ended.actions], messages=added)

    # The handlers.

    def _on_session_start(self, event: events.SessionStart, state: dict[str, Any]) -> HandlerResult:
        state[STATE_KEY] = {
            "history": history.opening(self.greeting),
            "turn": 0,
            "pending": None,
            "after_speech": [],
            "caller_number": event.session.remote_number,  # for tools that take it; never in the history
        }
        return speak(self.greeting)

    def _on_assistant_speak(self, event: events.AssistantSpeak, state: dict[str, Any]) -> HandlerResult:
        if event.text and STATE_KEY in state:
            started = event.speech_started_at if event.speech_started_at is not None else _now_ms()
            state[STATE_KEY]["speaking"] = {
                "text": event.text,
                "started_at_ms": started,
                "duration_ms": event.duration_ms or 0,
            }
        return None

    def _on_user_speak(self, event: events.UserSpeak, state: dict[str, Any]) -> HandlerResult:
        llm = state.setdefault(STATE_KEY, {"history": [], "turn": 0, "pending": None, "after_speech": []})
        if event.barged_in and llm.get("speaking"):
            history.cut_to_heard(llm["history"], llm["speaking"], _now_ms())
        if llm["pending"] is not None:
            self._count("superseded")  # its answer, if it comes, is for a turn that is over
        llm.update(turn=llm["turn"] + 1, pending=None, after_speech=[], speaking=None)
        if not event.text.strip():
            return None
        logger.debug("session %s turn %s: caller said %r", event.session_id, llm["turn"], event.text)
        history.add_user_text(llm["history"], event.text)
        job = Job(
            session_id=event.session_id,
            turn=llm["turn"],
            messages=llm["history"],
            caller_number=llm.get("caller_number"),
        )
        answer = self.runner.ask(job, self._time_to_wait(), self)
        if answer is None:
            llm["pending"] = {"turn": llm["turn"], "fillers": 1}
            self._count("filler")
            return speak(self.fillers[0])
        self._count("answered")
        return self._conclude(event, llm, answer)

    def _on_assistant_speech_ended(self, event: events.AssistantSpeechEnded, state: dict[str, Any]) -> HandlerResult:
        llm = state.get(STATE_KEY)
        if llm is None:
            return None
        pending = llm["pending"]
        if pending is None:
            actions, llm["after_speech"] = llm["after_speech"], []
            return actions or None
        answers = AnswerStore(self.assistant.session_store)
        answer = self._wait_for(answers, event.session_id, pending["turn"])
        if answer is not None:
            answers.discard(event.session_id, pending["turn"])
            llm["pending"] = None
            self._count("answered_late")
            return self._conclude(event, llm, answer)
        if pending["fillers"] < self.max_fillers:
            pending["fillers"] += 1
            self._count("filler")
            return speak(self.fillers[min(pending["fillers"], len(self.fillers)) - 1])
        llm.update(turn=llm["turn"] + 1, pending=None)  # given up: the late answer is for a turn that is over
        return self._fallback(event, "gave_up")

    def _conclude(self, event: events.Event, llm: dict[str, Any], answer: Answer) -> HandlerResult:
        if answer.failure is not None:
            return self._fallback(event, answer.failure)
        llm["history"].extend(answer.messages)
        logger.debug("session %s turn %s: assistant says %r", event.session_id, llm["turn"], answer.text)
        if not answer.text:
            return answer.actions or None
        llm["after_speech"] = answer.actions
        return speak(answer.text)

    def _fallback(self, event: events.Event, why: str) -> HandlerResult:
        self._count(f"fallback:{why}")
        logger.warning(
            "session %s: the model gave no answer (%s); the caller hears the fallback", event.session_id, why
        )
        fallback = self.assistant.fallback
        return fallback(event) if callable(fallback) else fallback

    # Internals.

    @property
    def assistant(self) -> AiFlowAssistant:
        """The assistant the agent is attached to."""
        if self._assistant is None:
            raise RuntimeError("attach the agent to an assistant first: agent.attach(assistant)")
        return self._assistant

    def _time_to_wait(self) -> float:
        """How long this turn may wait for the model: ``wait_seconds``, within the deadline less the handoff."""
        deadline = current_deadline()
        if deadline is None:
            return self.wait_seconds
        return max(0.0, min(self.wait_seconds, deadline.remaining() - self.handoff_seconds))

    def _wait_for(self, answers: AnswerStore, session_id: str, turn: int) -> Answer | None:
        waited_until = time.monotonic() + self._time_to_wait()
        while True:
            answer = answers.get(session_id, turn)
            if answer is not None or time.monotonic() + _POLL_SECONDS > waited_until:
                return answer
            time.sleep(_POLL_SECONDS)

    def _count(self, outcome: str) -> None:
        self.outcomes[outcome] += 1
        logger.info("llm outcome: %s", outcome)
        if self._on_outcome is not None:
            self._on_outcome(outcome)


def _spoken_answer(reply: ModelReply, added: list[dict[str, Any]]) -> Answer:
    if reply.stop_reason in ANSWERED and reply.text:
        return Answer(text=reply.text, messages=added)
    return Answer(failure=f"stop_reason:{reply.stop_reason}")


def _now_ms() -> float:
    return time.time() * 1000


def _ms_since(started: float) -> float:
    return (time.monotonic() - started) * 1000
