"""``python -m reminders``: the same as the console script ``reminders`` (see :mod:`reminders.cli`)."""

from reminders.cli import run

run()
