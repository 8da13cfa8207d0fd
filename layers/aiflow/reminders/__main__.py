"""``python -m reminders``: see :mod:`reminders.cli`."""

import sys

from reminders.cli import main

sys.exit(main())
