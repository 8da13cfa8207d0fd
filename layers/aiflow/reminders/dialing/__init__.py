"""Placing reminder calls (``dialer``: one call-queue message at a time, under the claims and the cap) and
rescuing reminders whose messages went astray (``reconciler``)."""

from reminders.dialing.dialer import CallTiming, Dialer, Disposition, RetryLater
from reminders.dialing.reconciler import Action, Reconciler, ReconcilingFailed, Recovery

__all__ = ["Action", "CallTiming", "Dialer", "Disposition", "Reconciler", "ReconcilingFailed", "Recovery", "RetryLater"]
