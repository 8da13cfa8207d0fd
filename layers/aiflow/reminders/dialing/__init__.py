"""Placing reminder calls (``dialer``: one call-queue message at a time, under the claims and the cap) and
rescuing reminders whose messages went astray (``reconciler``).

The dialer's parts: ``dialer`` (the message and the dial, with the design and the state diagram),
``placing`` (the POST under the calls-per-second cap), ``answer_check`` (what follows an attempt),
``moves`` (deferred, expired, rejected), ``timing`` (when steps are due, shared with the reconciler) and
``dispositions`` (what became of a message).
"""

from reminders.dialing.dialer import Dialer
from reminders.dialing.dispositions import Disposition, RetryLater
from reminders.dialing.reconciler import Action, Reconciler, ReconcilingFailed, Recovery
from reminders.dialing.timing import CallTiming

__all__ = ["Action", "CallTiming", "Dialer", "Disposition", "Reconciler", "ReconcilingFailed", "Recovery", "RetryLater"]
