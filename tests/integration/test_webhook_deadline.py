"""Every webhook turn is answered within its deadline (800 ms from arrival), whatever DynamoDB and SSM do.

The faults are on the wire: :class:`FaultyProxy` sits between the webhook's clients and DynamoDB Local (or
moto's DynamoDB) and the moto server's SSM, and hangs or slows every answer. The webhook is
``functions/webhook/app.py`` started cold with its endpoints pointed at the proxies; the test's own view of
the table goes to the server directly. Each turn's wall time is measured around ``lambda_handler``, from
the moment its API Gateway event is stamped (the deadline counts from there).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from aiflow.testing import FakeLambdaContext, http_api_event
from reminders.model.reminder import Outcome
from reminders.store.repository import ReminderRepository
from tests.harness.aws import NUMBER_KEYS
from tests.harness.tcp_proxy import FaultyProxy
from tests.harness.webhook import CALLEE, HEADERS, Webhook, dial, let_the_token_cache_expire

DEADLINE = 0.8  # the default TURN_DEADLINE_MS
APOLOGY = "Entschuldigung, bei uns ist gerade ein technischer Fehler aufgetreten."
QUESTION = "Um den Termin zu bestätigen, sagen Sie Ja oder drücken Sie die 1."


@dataclass
class SlowWorld:
    """The webhook behind proxies for DynamoDB and SSM, and a way to send it one turn of a call, timed."""

    webhook: Webhook
    dynamodb: FaultyProxy
    ssm: FaultyProxy
    session_id: str = "deadline-call"

    def turn(self, event_type: str, **fields: Any) -> tuple[dict[str, Any], float]:
        """One event of the call through ``lambda_handler``: the reply and its wall time from the event's stamp."""
        session = {"id": self.session_id, "account_id": "a", "phone_number": CALLEE}
        if event_type == "session_start":
            session |= {"direction": "outbound", "from_phone_number": "+4921155660", "to_phone_number": CALLEE}
        started = time.monotonic()
        event = http_api_event(json.dumps({"type": event_type, "session": session, **fields}), HEADERS)
        reply: dict[str, Any] = self.webhook.app.lambda_handler(event, FakeLambdaContext())
        return reply, time.monotonic() - started


def said(reply: dict[str, Any]) -> str:
    body = json.loads(reply["body"])
    return " ".join(action.get("text", "") for action in (body if isinstance(body, list) else [body]))


@pytest.fixture
def world(
    start_webhook: Callable[..., Webhook], dynamodb_endpoint: str, moto_server: str
) -> Iterator[Callable[..., SlowWorld]]:
    proxies: list[FaultyProxy] = []

    def start(**environment: str) -> SlowWorld:
        dynamodb = FaultyProxy(int(dynamodb_endpoint.rsplit(":", 1)[1])).__enter__()
        ssm = FaultyProxy(int(moto_server.rsplit(":", 1)[1])).__enter__()
        proxies.extend([dynamodb, ssm])
        endpoints = {"AWS_ENDPOINT_URL_DYNAMODB": dynamodb.url, "AWS_ENDPOINT_URL_SSM": ssm.url}
        webhook = start_webhook(**{"TURN_DEADLINE_MS": "", **endpoints, **environment})  # "": the default
        # Our own view of the table never goes through the proxy.
        webhook.repository = ReminderRepository(
            webhook.table, client=boto3.client("dynamodb", endpoint_url=dynamodb_endpoint), number_keys=NUMBER_KEYS
        )
        dial(webhook)
        return SlowWorld(webhook, dynamodb, ssm)

    yield start
    for proxy in proxies:
        proxy.__exit__(None, None, None)


def test_a_hung_table_gets_the_apology_within_the_deadline(world: Callable[..., SlowWorld]) -> None:
    slow = world()
    reply, _ = slow.turn("session_start")
    assert QUESTION in said(reply)

    slow.dynamodb.mode = "hang"
    for event_type, fields in [("user_speak", {"text": "Ja"}), ("dtmf_received", {"digit": "1"})]:
        reply, took = slow.turn(event_type, **fields)
        assert took < DEADLINE, f"{event_type} answered after {took:.3f} s"
        assert reply["statusCode"] == 200
        assert said(reply).startswith(APOLOGY)
    assert slow.dynamodb.met["hang"] >= 1, "the webhook met the hung table"


def test_a_hung_table_at_the_greeting_gets_the_apology_within_the_deadline(world: Callable[..., SlowWorld]) -> None:
    slow = world()
    slow.dynamodb.mode = "hang"

    reply, took = slow.turn("session_start")

    assert took < DEADLINE, f"answered after {took:.3f} s"
    assert said(reply).startswith(APOLOGY)
    assert slow.dynamodb.met["hang"] >= 1


def test_300_ms_per_call_still_answers_the_common_turns(world: Callable[..., SlowWorld]) -> None:
    slow = world()
    slow.dynamodb.mode, slow.dynamodb.delay = "latency", 0.3

    start, start_took = slow.turn("session_start")  # 1 read + 1 write: 0.6 s of waiting
    again, again_took = slow.turn("user_speak", text="Wie bitte?")  # 1 read + 1 write

    assert max(start_took, again_took) < DEADLINE, (start_took, again_took)
    assert min(start_took, again_took) >= 0.6, "each call waited 300 ms"
    assert QUESTION in said(start)
    assert QUESTION in said(again)
    assert not said(again).startswith(APOLOGY)


def test_300_ms_per_call_on_the_deciding_turn_keeps_the_outcome_and_answers_in_time(
    world: Callable[..., SlowWorld],
) -> None:
    slow = world()
    slow.turn("session_start")
    slow.dynamodb.mode, slow.dynamodb.delay = "latency", 0.3

    reply, took = slow.turn("user_speak", text="Ja, ich komme.")  # 1 read + 2 writes: 0.9 s would be late

    assert took < DEADLINE, f"answered after {took:.3f} s"
    assert reply["statusCode"] == 200
    record = slow.webhook.reminder()
    assert record.outcome is Outcome.CONFIRMED, "the outcome written before the deadline is kept"
    assert said(reply).startswith(APOLOGY) or "bestätigt" in said(reply)


def test_ssm_hung_at_a_cold_start_gets_the_apology_within_the_deadline(world: Callable[..., SlowWorld]) -> None:
    slow = world()
    slow.ssm.mode = "hang"

    reply, took = slow.turn("session_start")

    assert took < DEADLINE, f"answered after {took:.3f} s"
    assert said(reply).startswith(APOLOGY)
    assert slow.ssm.met["hang"] >= 1


def test_ssm_hung_when_the_token_cache_expires_keeps_the_last_token_and_answers(
    world: Callable[..., SlowWorld],
) -> None:
    slow = world()
    start, _ = slow.turn("session_start")
    assert QUESTION in said(start)
    slow.ssm.mode = "hang"
    let_the_token_cache_expire(slow.webhook)

    reply, took = slow.turn("user_speak", text="Wie bitte?")
    again, again_took = slow.turn("user_speak", text="Wie bitte?")

    assert max(took, again_took) < DEADLINE, (took, again_took)
    assert QUESTION in said(reply), "the conversation goes on with the last token"
    assert QUESTION in said(again)
    assert slow.ssm.met["hang"] == 1, "a failed refresh is not tried again on the next turn"


def test_a_deadline_in_the_environment_is_kept(world: Callable[..., SlowWorld]) -> None:
    slow = world(TURN_DEADLINE_MS="400")
    slow.dynamodb.mode = "hang"

    reply, took = slow.turn("session_start")

    assert took < 0.4, f"answered after {took:.3f} s"
    assert said(reply).startswith(APOLOGY)


def test_after_a_snapstart_restore_the_token_and_connections_are_fresh(world: Callable[..., SlowWorld]) -> None:
    slow = world()
    slow.turn("session_start")
    connections = (slow.dynamodb.connections["forward"], slow.ssm.connections["forward"])

    slow.webhook.app._after_restore()  # what the runtime hook runs in an environment restored from the snapshot
    reply, _ = slow.turn("user_speak", text="Wie bitte?")

    assert QUESTION in said(reply)
    assert slow.ssm.connections["forward"] == connections[1] + 1, "the token is read again, not the snapshot's"
    assert slow.dynamodb.connections["forward"] == connections[0] + 1, "a new connection, not the snapshot's"
