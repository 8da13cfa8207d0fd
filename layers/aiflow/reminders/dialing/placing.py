"""The POST that places a call: under the calls-per-second cap, tried again only while certainly not placed.

:meth:`CallPlacer.post` takes a slot of the cap (a DynamoDB counter per second, shared by every dialer)
before each try; only what certainly placed no call (429, 503, a failed connect: the SDK's ``retryable``)
is tried again, within the deadline, after the server's ``Retry-After`` or a doubling backoff. Anything
after the request may have left is :class:`MaybePlaced`: the callee's phone may ring, so never a second
POST. Each dialling thread has its own sipgate client: requests' sessions are not thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from aiflow.outbound import CallRejected, OutboundCallError, OutboundClient, PlacedCall
from reminders.dialing.dispositions import RetryLater
from reminders.model.reminder import ReminderRecord
from reminders.settings import DialerConfig
from reminders.store.repository import ReminderRepository

__all__ = ["CallPlacer", "MaybePlaced"]

# A slot is only taken while this much of its second remains, so that the request reaches sipgate within
# the second it was counted in.
SLOT_MARGIN = 0.3
POST_TRIES = 3
FIRST_BACKOFF = 0.5  # seconds before the second try, doubled before each further one


class MaybePlaced(Exception):
    """sipgate may have taken the call without confirming it."""


class CallPlacer:
    """Places calls for the dialer; thread-safe (one sipgate client per thread)."""

    def __init__(
        self,
        config: DialerConfig,
        *,
        repository: ReminderRepository,
        outbound: Callable[[], OutboundClient],
        clock: Callable[[], datetime],
        sleep: Callable[[float], None],
    ) -> None:
        self._config = config
        self._repository = repository
        self._new_outbound = outbound
        self._threads = threading.local()
        self._now = clock
        self._sleep = sleep

    def post(self, record: ReminderRecord, deadline: datetime) -> PlacedCall:
        """The POST, tried again while sipgate certainly did not place the call; each try takes a slot of the cap.

        No try starts after ``deadline``; :class:`RetryLater` when every try failed for certain,
        :class:`MaybePlaced` for any failure after the request may have left (the SDK's ``retryable`` is
        ``False``, or an error it did not foresee); :class:`~aiflow.outbound.CallRejected` as sipgate said it.
        """
        try_number = 1
        while True:
            self._take_slot(deadline)
            try:
                return self._outbound().call(
                    ai_flow_id=self._config.ai_flow_id,
                    billing_device=self._config.billing_device,
                    to_phone_number=record.to_phone_number,
                )
            except CallRejected:
                raise
            except OutboundCallError as error:
                if not error.retryable:
                    raise MaybePlaced(str(error)) from error
                wait = error.retry_after if error.retry_after is not None else FIRST_BACKOFF * 2 ** (try_number - 1)
                if try_number == POST_TRIES or self._now() + timedelta(seconds=wait) >= deadline:
                    raise RetryLater(f"sipgate did not take the call: {error}") from error
            except Exception as error:
                raise MaybePlaced(f"{type(error).__name__}: {error}") from error
            self._sleep(wait)
            try_number += 1

    def _take_slot(self, deadline: datetime) -> None:
        """Wait for a slot of the calls-per-second cap; :class:`RetryLater` if none is free before ``deadline``."""
        while True:
            now = self._now()
            if now >= deadline:
                raise RetryLater(f"no slot of the {self._config.calls_per_second} calls per second came free in time")
            second, fraction = divmod(now.timestamp(), 1)
            if fraction <= 1 - SLOT_MARGIN and self._repository.take_dial_slot(self._config.calls_per_second):
                if self._now().timestamp() // 1 == second:
                    return
                continue  # the second ended while DynamoDB answered: the slot is spent, take the next one
            self._sleep(1 - self._now().timestamp() % 1)

    def _outbound(self) -> OutboundClient:
        """This thread's sipgate client: requests' Session, and with it the client, is not thread-safe."""
        client: OutboundClient | None = getattr(self._threads, "outbound", None)
        if client is None:
            client = self._threads.outbound = self._new_outbound()
        return client
