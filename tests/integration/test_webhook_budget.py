"""The read/write budget of each webhook turn: requests counted on the wire of the webhook's own DynamoDB client.

Every request botocore sends (``before-send``, so retries count too) through ``lambda_handler`` on DynamoDB
Local is counted per turn: common turns 1 read + 1 write, the outbound ``session_start`` at most 1 read + 1
write, a deciding turn at most 1 read + 2 writes. A ``TransactWriteItems`` is one write request.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from aiflow.testing import FakeLambdaContext, http_api_event
from reminders.model.reminder import Outcome
from tests.harness.webhook import CALLEE, HEADERS, Webhook, dial

READS = {"GetItem", "Query", "BatchGetItem", "Scan"}


class Requests:
    """The webhook client's requests, by operation, since the last :meth:`take`."""

    def __init__(self, client: Any) -> None:
        self.seen: Counter[str] = Counter()
        client.meta.events.register("before-send.dynamodb", self._count)

    def _count(self, request: Any, **_: Any) -> None:
        self.seen[request.headers["X-Amz-Target"].decode().rsplit(".", 1)[1]] += 1

    def take(self) -> tuple[int, int, dict[str, int]]:
        """Reads, writes and the operations of the turn just played."""
        seen, self.seen = dict(self.seen), Counter()
        reads = sum(count for operation, count in seen.items() if operation in READS)
        return reads, sum(seen.values()) - reads, seen


def turn(webhook: Webhook, event_type: str, **fields: Any) -> dict[str, Any]:
    session = {"id": "budget-call", "account_id": "a", "phone_number": CALLEE}
    if event_type == "session_start":
        session |= {"direction": "outbound", "from_phone_number": "+4921155660", "to_phone_number": CALLEE}
    event = http_api_event(json.dumps({"type": event_type, "session": session, **fields}), HEADERS)
    reply: dict[str, Any] = webhook.app.lambda_handler(event, FakeLambdaContext())
    assert reply["statusCode"] == 200, reply
    assert "Entschuldigung" not in reply["body"], "the turn itself answered, not the fallback"
    return reply


def within(spent: tuple[int, int, dict[str, int]], reads: int, writes: int) -> None:
    assert spent[0] <= reads, f"{spent[2]} is over {reads} read(s)"
    assert spent[1] <= writes, f"{spent[2]} is over {writes} write(s)"


@pytest.mark.parametrize(
    ("decision", "fields", "outcome"),
    [
        ("user_speak", {"text": "Ja, ich komme."}, Outcome.CONFIRMED),
        ("dtmf_received", {"digit": "2"}, Outcome.CANCELLED),
        ("user_speak", {"text": "Ich möchte einen anderen Termin."}, Outcome.RESCHEDULE_REQUESTED),
    ],
)
def test_every_turn_of_a_call_keeps_its_read_write_budget(
    webhook: Webhook, decision: str, fields: dict[str, Any], outcome: Outcome
) -> None:
    dial(webhook)
    requests = Requests(webhook.app.dynamodb)

    turn(webhook, "session_start")
    within(requests.take(), reads=1, writes=1)
    assert webhook.reminder().answered_attempt == 1, "the answer is noted with the first state"

    turn(webhook, "user_speak", text="Wie bitte?")
    assert requests.take()[:2] == (1, 1)
    turn(webhook, "dtmf_received", digit="7")  # a key that means nothing: asked again
    assert requests.take()[:2] == (1, 1)

    turn(webhook, decision, **fields)
    within(requests.take(), reads=1, writes=2)
    assert webhook.reminder().outcome is outcome
    assert webhook.repository.find_line(CALLEE) is None, "the line is released with the outcome"
