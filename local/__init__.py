"""The local stack: the whole product on one machine (``make demo``, ``make local``, integration tests).

Nothing here is imported by the Lambda code or shipped in the layer. On Lambda the layer puts ``aiflow``
and ``reminders`` on the path; here they are a folder of the repository.
"""

import sys
from pathlib import Path

_LAYER = str(Path(__file__).resolve().parents[1] / "layers" / "aiflow")
if _LAYER not in sys.path:
    sys.path.insert(0, _LAYER)
