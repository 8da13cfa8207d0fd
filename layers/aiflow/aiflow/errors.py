"""Exceptions raised by the aiflow SDK."""

from __future__ import annotations

__all__ = ["AiFlowError", "InvalidAction", "InvalidEvent", "StateConflict"]


class AiFlowError(Exception):
    """Base of every error the SDK raises on purpose."""


class InvalidEvent(AiFlowError):
    """A webhook body that is not an AI Flow event; ``reason`` says why, fit for a 400 response."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidAction(AiFlowError):
    """A handler produced something that is not a valid AI Flow action."""


class StateConflict(AiFlowError):
    """Another turn of the same call saved its state first; reload and run the step again."""
