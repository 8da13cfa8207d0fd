"""A deadline for each webhook turn: sipgate waits about a second for an answer, a caller who hears nothing hangs up.

``AiFlowAssistant(deadline_seconds=0.8)`` gives every turn a :class:`Deadline`, counted from the request's
arrival (``handle(..., received_at=...)``; the Lambda entry passes API Gateway's ``timeEpoch``). While the
turn runs, :func:`current_deadline` returns it, and every botocore client passed through
:func:`bind_to_deadline` keeps to it:

- each request's read timeout is the time left, less a reserve for answering (botocore's per-request
  ``read_timeout``); the client's own ``connect_timeout`` must be short (a hung connect is not shortened);
- a request that would start with less than :data:`MIN_ATTEMPT_SECONDS` left is not sent
  (:class:`DeadlineExceeded`);
- a retry is made only if one more attempt fits in the time left; its backoff is botocore's own, but at
  most :data:`RETRY_WAIT_SHARE` of the time left (botocore draws up to a second for a throttled request,
  which would leave the retried request and the rest of the turn nothing).

A turn that runs out of time fails like any failed turn: the assistant answers with the fallback, and
whatever was written before stays written (every write is one conditional request or one transaction).

Why not a thread with a timeout, or ``SIGALRM``: on Lambda, a thread still running when the handler
returns is frozen with the environment and resumes inside a later invocation, where its late writes would
race the next turn; an alarm raises at an arbitrary point, between two writes or inside a lock. Bounding
each wait on the wire keeps the turn in one thread, so nothing outlives the answer. The price: pure Python
in a handler is not preempted (the reminder handlers take about 2 ms); the assistant checks the time before
each step (load, handler, save), so a slow handler makes the turn answer with the fallback, late by what
the handler itself overran.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MIN_ATTEMPT_SECONDS",
    "RETRY_WAIT_SHARE",
    "Deadline",
    "DeadlineExceeded",
    "bind_to_deadline",
    "current_deadline",
    "deadline_scope",
    "read_timeout_now",
]

# Less than this left: a request (or retry) is not started, it could not get an answer in time.
MIN_ATTEMPT_SECONDS = 0.02
# The longest a retry waits, as a share of the time left: the rest is for the retried request and the turn's
# further requests (a deciding turn makes three).
RETRY_WAIT_SHARE = 0.25


class DeadlineExceeded(Exception):
    """The turn's time is up: what was left to do is not started."""


@dataclass(frozen=True)
class Deadline:
    """A point in ``time.monotonic()`` time by which the answer must be sent; ``reserve`` is kept for sending it."""

    at: float
    reserve: float = 0.1

    @classmethod
    def after(cls, seconds: float, *, start: float | None = None, reserve: float = 0.1) -> Deadline:
        """``seconds`` after ``start`` (a ``time.monotonic()`` value; default: now)."""
        return cls((time.monotonic() if start is None else start) + seconds, reserve)

    def remaining(self) -> float:
        """Seconds left for work: until the deadline, less the reserve for answering."""
        return self.at - self.reserve - time.monotonic()

    def check(self, step: str) -> None:
        """Raise :class:`DeadlineExceeded` if too little time is left to start ``step``."""
        if self.remaining() < MIN_ATTEMPT_SECONDS:
            raise DeadlineExceeded(f"no time left for {step}")


_current: ContextVar[Deadline | None] = ContextVar("aiflow_deadline", default=None)


def current_deadline() -> Deadline | None:
    """The deadline of the turn running in this context, if it has one."""
    return _current.get()


@contextlib.contextmanager
def deadline_scope(deadline: Deadline | None) -> Iterator[None]:
    """Make ``deadline`` the current one for the block (``None``: no deadline)."""
    token = _current.set(deadline)
    try:
        yield
    finally:
        _current.reset(token)


def monotonic_arrival(epoch_seconds: float | None, *, tolerance: float = 5.0) -> float:
    """A request's arrival (wall-clock epoch seconds, as API Gateway stamps it) in ``time.monotonic()`` time.

    A stamp from the future or more than ``tolerance`` seconds old (a clock that disagrees, a replayed
    event) is not believed: the arrival is then now.
    """
    now_wall, now = time.time(), time.monotonic()
    if epoch_seconds is None or not 0 <= now_wall - epoch_seconds <= tolerance:
        return now
    return now - (now_wall - epoch_seconds)


def read_timeout_now(configured: float | None, request: str) -> float | None:
    """The read timeout ``request`` may have now: the current turn's time left, at most ``configured``;
    ``None`` outside a turn. :class:`DeadlineExceeded` if too little is left to start it."""
    deadline = _current.get()
    if deadline is None:
        return None
    left = deadline.remaining()
    if left < MIN_ATTEMPT_SECONDS:
        raise DeadlineExceeded(f"no time left for {request}")
    return min(left, configured) if configured else left


def bind_to_deadline(client: Any) -> Any:
    """Make a boto3 client keep to the current turn's deadline (see the module's docstring); returns it.

    Outside a turn with a deadline the client behaves as configured.
    """
    from botocore.retries import standard  # deferred: only a process with boto3 clients needs it

    events = client.meta.events
    service = client.meta.service_model.service_id.hyphenize()
    adapter = standard.RetryEventAdapter()
    conditions = standard.StandardRetryConditions(max_attempts=_max_attempts(client))
    backoff = standard.ExponentialBackoff(
        service_name=service, throttling_detector=standard.ThrottlingErrorDetector(adapter)
    )

    def size_the_timeout(request: Any, **_: Any) -> None:
        timeout = read_timeout_now(client.meta.config.read_timeout, f"a {service} request")
        if timeout is not None:
            request.context["read_timeout"] = timeout

    def retry_in_time(**kwargs: Any) -> float | None:
        deadline = _current.get()
        if deadline is None:
            return None  # botocore's own retry handler decides
        context = adapter.create_retry_context(**kwargs)
        if not conditions.is_retryable(context):
            return None
        room = deadline.remaining() - MIN_ATTEMPT_SECONDS
        if room <= 0:
            raise DeadlineExceeded(f"no time left to retry a {service} request")
        delay: float = min(backoff.delay_amount(context), room * RETRY_WAIT_SHARE)
        return delay

    events.register(f"before-send.{service}", size_the_timeout, unique_id=f"aiflow-deadline-send-{service}")
    # First: the endpoint takes the first answer, so this one (the time that fits) wins over botocore's.
    events.register_first(f"needs-retry.{service}", retry_in_time, unique_id=f"aiflow-deadline-retry-{service}")
    return client


def _max_attempts(client: Any) -> int:
    retries = client.meta.config.retries or {}
    if "total_max_attempts" in retries:
        return int(retries["total_max_attempts"])
    if "max_attempts" in retries:
        return int(retries["max_attempts"]) + 1
    return 3
