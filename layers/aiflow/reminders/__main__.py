"""``python -m reminders``: the same as the console script ``reminders`` (see :mod:`reminders.operations.cli`)."""

from reminders.operations.cli import run

run()
