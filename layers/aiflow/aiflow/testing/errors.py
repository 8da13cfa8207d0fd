"""The one error the call simulator raises: the webhook broke the protocol, or the test asked for the impossible."""

from __future__ import annotations

__all__ = ["SimulatorError"]


class SimulatorError(Exception):
    """A call could not go on the way sipgate would run it.

    Raised when the webhook answers something sipgate would not accept (an error status, a body that is
    not valid actions, actions for another session), when the assistant keeps the call busy without end,
    and when a test makes a move the protocol has no event for. ``status_code`` and ``body`` hold the
    webhook's answer when there was one.
    """

    def __init__(self, message: str, *, status_code: int | None = None, body: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body
