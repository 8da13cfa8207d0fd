"""The model's answer past the turn's deadline: a background runner, and the answers it leaves under (session, turn).

A turn hands the runner a :class:`Job` (the session, the turn's number, the history) and the time it may
wait. The runner returns the :class:`Answer` if it comes in that time; otherwise ``None``, the caller hears
a filler, and the answer is delivered later: written under (session, turn) in the session store by a
conditional write (the first answer wins; a repeated delivery changes nothing), where the next
``assistant_speech_ended`` reads it. What asks the model and delivers is the :class:`Worker` (the agent).

Two runners, one interface (:class:`BackgroundRunner`):

- :class:`ThreadRunner` (tests, local servers, any long-lived process): the request runs in a thread from
  the start; the turn waits for it as long as it may, and a request that is still going keeps going and
  delivers its answer itself. No request is made twice.
- :class:`LambdaInvokeRunner` (AWS Lambda, where nothing runs after the handler returns: a thread would be
  frozen with the environment): the turn asks the model itself under a deadline of the time it may wait;
  if that runs out, it invokes a worker asynchronously (Lambda ``Invoke`` with ``InvocationType=Event``,
  by default this same function) with the job and what the turn already has (tool results included, so
  no tool runs twice). The worker asks again, without the turn's deadline, and delivers. The price: one
  more invocation and one more model request for each slow turn.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from aiflow._extras import MissingExtra
from aiflow.deadline import Deadline, bind_to_deadline, deadline_scope
from aiflow.errors import StateConflict
from aiflow.llm.model import TIMEOUT
from aiflow.state import SessionStore

__all__ = [
    "JOB_KEY",
    "Answer",
    "AnswerStore",
    "BackgroundRunner",
    "Job",
    "LambdaInvokeRunner",
    "ThreadRunner",
    "Worker",
]

JOB_KEY = "aiflow_llm_job"  # the key of a worker's invocation event: {"aiflow_llm_job": <Job>}


class Job(BaseModel):
    """One turn's question to the model: the history up to the caller's words, and what was added since."""

    model_config = ConfigDict(defer_build=True)

    session_id: str
    turn: int
    messages: list[dict[str, Any]]
    caller_number: str | None = None  # for tools that take it; never sent to the model
    progress: list[dict[str, Any]] = Field(default_factory=list)  # model and tool messages already had


class Answer(BaseModel):
    """What the model came to: words to say, actions for after them, the messages to add to the history.

    ``failure`` (a :class:`~aiflow.llm.ModelError` kind, or why the answer was unusable) means the caller
    hears the assistant's fallback; ``messages`` then holds what was had before the failure.
    """

    model_config = ConfigDict(defer_build=True)

    text: str | None = None
    actions: list[dict[str, Any]] = Field(default_factory=list)
    messages: list[dict[str, Any]] = Field(default_factory=list)
    failure: str | None = None


class Worker(Protocol):
    """What a runner runs: asks the model for a job (never raises), and delivers a late answer."""

    def answer(self, job: Job) -> Answer: ...

    def deliver(self, job: Job, answer: Answer) -> None: ...


class BackgroundRunner(Protocol):
    """Runs a job: its answer if it comes ``within`` seconds, else ``None`` and the worker delivers it later."""

    def ask(self, job: Job, within: float, worker: Worker) -> Answer | None: ...


class AnswerStore:
    """Late answers in the session store, one item per (session, turn) beside the session's own."""

    def __init__(self, sessions: SessionStore) -> None:
        self.sessions = sessions

    @staticmethod
    def key(session_id: str, turn: int) -> str:
        return f"{session_id}#llm-answer#{turn}"

    def put(self, session_id: str, turn: int, answer: Answer) -> bool:
        """Write the answer unless one is there already (a conditional write); whether it was written."""
        try:
            self.sessions.save(self.key(session_id, turn), answer.model_dump(mode="json"), expected_version=0)
        except StateConflict:
            return False
        return True

    def get(self, session_id: str, turn: int) -> Answer | None:
        stored = self.sessions.load(self.key(session_id, turn))
        return Answer.model_validate(stored.data) if stored.version else None

    def discard(self, session_id: str, turn: int) -> None:
        self.sessions.delete(self.key(session_id, turn))


class _Slot:
    """Where a thread leaves its answer, and whether the turn stopped waiting for it (then it delivers)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.answer: Answer | None = None
        self.abandoned = False


class ThreadRunner:
    """Each job in a thread of this process (see the module's notes): for tests and long-lived servers."""

    def ask(self, job: Job, within: float, worker: Worker) -> Answer | None:
        slot = _Slot()
        # A new thread starts with an empty context: no turn deadline, the model's own read timeout applies.
        threading.Thread(target=self._run, args=(job, worker, slot), name=f"llm-{job.turn}", daemon=True).start()
        slot.done.wait(max(0.0, within))
        with slot.lock:
            if slot.answer is None:
                slot.abandoned = True
            return slot.answer

    @staticmethod
    def _run(job: Job, worker: Worker, slot: _Slot) -> None:
        answer = worker.answer(job)
        with slot.lock:
            slot.answer = answer
            abandoned = slot.abandoned
        slot.done.set()
        if abandoned:
            worker.deliver(job, answer)


class LambdaInvokeRunner:
    """Asks within the turn, hands a slow job to an asynchronous Lambda invocation (see the module's notes).

    ``function_name`` is the worker (default: this function, ``AWS_LAMBDA_FUNCTION_NAME``), whose handler
    passes events with :data:`JOB_KEY` to :meth:`LlmAgent.run_job` (``LlmAgent.lambda_handler`` does).
    ``client`` replaces the Lambda client made from the environment.
    """

    def __init__(self, function_name: str | None = None, *, client: Any = None) -> None:
        self.function_name = function_name or os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        if not self.function_name:
            raise ValueError("LambdaInvokeRunner needs a function_name outside Lambda")
        self._client = client
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = bind_to_deadline(_lambda_client())
            return self._client

    def ask(self, job: Job, within: float, worker: Worker) -> Answer | None:
        with deadline_scope(Deadline.after(within, reserve=0.0)):
            answer = worker.answer(job)
        if answer.failure != TIMEOUT:
            return answer
        handoff = job.model_copy(update={"progress": answer.messages})
        payload = json.dumps({JOB_KEY: handoff.model_dump(mode="json")}, separators=(",", ":"))
        self.client.invoke(FunctionName=self.function_name, InvocationType="Event", Payload=payload.encode())
        return None


def _lambda_client() -> Any:
    try:
        import boto3  # deferred: only a turn that hands off pays for the Lambda client
        from botocore.config import Config
    except ImportError as missing:
        raise MissingExtra("bedrock", "LambdaInvokeRunner", missing) from missing
    config = Config(retries={"total_max_attempts": 1}, connect_timeout=0.5, read_timeout=2)
    return boto3.client("lambda", config=config)
