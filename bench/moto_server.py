"""``python -m bench.moto_server PORT``: moto's server on 127.0.0.1 with DynamoDB's atomic conditional writes.

DynamoDB checks a write's condition and applies it as one step. moto's request threads can interleave two
conditional writes to one item (both check, then both write), which the real service never does: under the
dialer's concurrent calls the calls-per-second counter could then pass its cap because of the fake. Writes
are serialised here (as ``tests/harness/dialer.py`` does in-process), nothing else changes.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from typing import Any

_WRITES = threading.RLock()  # re-entrant: a transaction applies its items through put_item and the like


def _serialised(write: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(write)
    def one_at_a_time(*args: Any, **kwargs: Any) -> Any:
        with _WRITES:
            return write(*args, **kwargs)

    return one_at_a_time


def main() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.server import main as serve

    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        setattr(DynamoDBBackend, name, _serialised(getattr(DynamoDBBackend, name)))
    serve(["-H", "127.0.0.1", "-p", sys.argv[1]])


if __name__ == "__main__":
    main()
