"""The faults the reliability suite injects, and the few helpers its scenarios share (no tests here).

Every fault is made where it happens in production, so that the code under test meets it as it would:

- :class:`ThrottledTable`: DynamoDB answering HTTP 400 ``ProvisionedThroughputExceededException`` or
  ``ThrottlingException`` on the wire. botocore parses it into a real ``ClientError`` and retries it as the
  client is configured to (the webhook: once), which an error raised before the call would skip.
- :class:`SsmDenial`: the moto server refusing ``GetParameter`` with ``AccessDeniedException``, as SSM does
  for a role without ``ssm:GetParameter`` on the parameter.
- The SDK's ``FakeSipgate`` (``aiflow.testing.sipgate``) can also take a call and drop the
  connection before answering (``Reply(DROPPED)``); its ``rang()`` says which calls sipgate took.
- :func:`event_source_mapping` and :class:`LambdaTimedOut`: an invocation that raises or is killed gives
  its whole batch back to the queue, as Lambda's SQS event source mapping does.

:func:`check_reply` is what every webhook reply must be; :func:`settle` runs the dialer's queue to its end.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from aiflow import parse_action
from reminders.conversation.speech import phrasebook
from reminders.model.reminder import Language, Outcome, Reminder, ReminderRecord
from reminders.store.repository import ReminderRepository
from tests.harness.dialer import (
    Clock,
    Poller,
    delayed_messages,
    end_delays,
    start_attempt,
)
from tests.harness.events import strict_json

# DynamoDB.


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


@dataclass
class ThrottledTable:
    """Throttles the requests of one DynamoDB client for which ``throttling(operation, request)`` is true.

    ``request`` is the request's JSON body (``Key``, ``Item``, ``UpdateExpression`` ...). ``sent`` counts every
    request the client tried to send, ``throttled`` those refused, each by operation name.
    """

    client: Any
    code: str = "ProvisionedThroughputExceededException"
    throttling: Callable[[str, dict[str, Any]], bool] | None = None
    sent: list[str] = field(default_factory=list)
    throttled: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.client.meta.events.register("before-send.dynamodb", self._answer)

    def everything(self) -> None:
        self.throttling = lambda operation, request: True

    def nothing(self) -> None:
        self.throttling = None

    def next_requests(self, count: int, where: Callable[[str, dict[str, Any]], bool]) -> None:
        """Throttle the next ``count`` requests that match ``where``, then nothing."""
        left = [count]
        lock = threading.Lock()

        def throttling(operation: str, request: dict[str, Any]) -> bool:
            with lock:
                if left[0] and where(operation, request):
                    left[0] -= 1
                    return True
                return False

        self.throttling = throttling

    def _answer(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        operation = event_name.rsplit(".", 1)[-1]
        self.sent.append(operation)
        body = json.loads(request.body or b"{}")
        if self.throttling is None or not self.throttling(operation, body):
            return None
        self.throttled.append(operation)
        error = {"__type": f"com.amazonaws.dynamodb.v20120810#{self.code}", "message": "injected: rate exceeded"}
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": uuid.uuid4().hex}
        return AWSResponse(request.url, 400, headers, _Body(json.dumps(error).encode()))


def _items(operation: str, request: dict[str, Any]) -> list[tuple[str, str]]:
    """What a request reads or writes: (operation, key) for each item, a transaction's included."""
    if operation == "TransactWriteItems":
        entries = [(kind, body) for entry in request["TransactItems"] for kind, body in entry.items()]
    else:
        entries = [(operation, request)]
    return [
        (kind, str((body.get("Item") or body.get("Key") or {}).get("pk", {}).get("S", ""))) for kind, body in entries
    ]


def session_item(operation: str, request: dict[str, Any]) -> bool:
    """A read or write of a call's state (``SESSION#...``), alone or in a transaction."""
    return any(key.startswith("SESSION#") for _, key in _items(operation, request))


def line_release(operation: str, request: dict[str, Any]) -> bool:
    """Freeing the callee's line once the reminder is decided (with the outcome, in one transaction)."""
    return any(kind in ("DeleteItem", "Delete") and key.startswith("LINE#") for kind, key in _items(operation, request))


# SSM.


@dataclass
class SsmDenial:
    """Parameters the moto server refuses to read, as SSM refuses a role without access to them."""

    denied: set[str] = field(default_factory=set)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> SsmDenial:
        from moto.ssm.exceptions import AccessDeniedException
        from moto.ssm.models import SimpleSystemManagerBackend

        real_get_parameter = SimpleSystemManagerBackend.get_parameter
        denied = self.denied

        def get_parameter(backend: Any, name: str) -> Any:
            if name in denied:
                raise AccessDeniedException(
                    f"User: arn:aws:sts::123456789012:assumed-role/fn/fn is not authorized to perform: "
                    f"ssm:GetParameter on resource: {name} because no identity-based policy allows it"
                )
            return real_get_parameter(backend, name)

        monkeypatch.setattr(SimpleSystemManagerBackend, "get_parameter", get_parameter)
        return self


# sipgate.

# Lambda.


class LambdaTimedOut(BaseException):
    """The invocation is killed where it stands: no ``except Exception`` and no ``finally`` of ours runs on."""


def event_source_mapping(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]],
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The handler as Lambda's SQS event source mapping sees it: an invocation that raises or times out fails
    every record of its batch, which comes back after the visibility timeout (the poller: at once)."""

    def invoke(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            return handler(event, context)
        except (Exception, LambdaTimedOut):
            return {"batchItemFailures": [{"itemIdentifier": record["messageId"]} for record in event["Records"]]}

    return invoke


# Reminders and calls.


def dialled(
    repository: ReminderRepository,
    reminder_id: str,
    number: str,
    *,
    language: Language = Language.GERMAN,
    time_zone: str = "Europe/Berlin",
    max_attempts: int = 3,
) -> Reminder:
    """A reminder as the dialer leaves it when the callee's phone rings: stored, attempt 1 and the line claimed."""
    reminder = Reminder(
        reminder_id=reminder_id,
        to_phone_number=number,
        appointment_at=datetime(2030, 12, 3, 10, 30),
        time_zone=time_zone,
        name="Erika Mustermann",
        language=language,
        max_attempts=max_attempts,
    )
    assert repository.create(reminder)
    start_attempt(repository, reminder_id)
    return reminder


def announced_outcome(text: str, language: Language) -> Outcome | None:
    """The outcome a goodbye tells the caller, or ``None`` if ``text`` announces none."""
    book = phrasebook(language)
    for outcome, template in ((Outcome.CONFIRMED, book.confirmed), (Outcome.CANCELLED, book.cancelled)):
        head, tail = template.split("{when}")
        if text.startswith(head) and text.endswith(tail):
            return outcome
    if text in (book.silent_goodbye, book.unclear_goodbye):
        return Outcome.NO_DECISION
    return None


def outcome_events(record: ReminderRecord) -> list[str]:
    """The entries of a reminder's history that record its outcome.

    A mailbox on an attempt that is not the last leaves a note of the outcome's name (``voicemail``, the
    reminder open for its next attempt): ``voicemail`` entries are notes, and one outcome on a reminder
    decided so.
    """
    outcomes = {outcome.value for outcome in Outcome} - {Outcome.VOICEMAIL.value}
    decided = [entry.event for entry in record.history if entry.event in outcomes]
    return [*decided, Outcome.VOICEMAIL.value] if record.outcome is Outcome.VOICEMAIL else decided


def settle(poller: Poller, clock: Clock, *, rounds: int = 12) -> None:
    """Run the dialer until its queue is empty: each delayed message (answer checks, retries) when it is due.

    Nobody answers the calls it places: the webhook is not in the loop.
    """
    for _ in range(rounds):
        poller.drain()
        waiting = delayed_messages(poller.resources.queue_url)
        if not waiting:
            return
        clock.advance(max(delay for _, delay in waiting))
        end_delays(poller.resources.queue_url)
    raise AssertionError(f"the call queue still had messages after {rounds} rounds")


# Webhook replies.


def check_reply(reply: Mapping[str, Any], allowed: frozenset[int], session_id: str | None) -> int:
    """The reply is a proxy result the Lambda runtime can send, with a protocol status and body."""
    json.dumps(reply)  # the Lambda runtime sends it as JSON: no bytes, no objects
    status = reply["statusCode"]
    assert status < 500, f"a 5xx: {reply}"
    assert status in allowed, f"HTTP {status}, expected one of {sorted(allowed)}: {reply.get('body')!r:.300}"
    assert not reply.get("isBase64Encoded")
    body = reply.get("body") or ""
    if status == 200:
        payload = strict_json(body)
        actions = payload if isinstance(payload, list) else [payload]
        assert actions
        for action in actions:
            parse_action(action)
            assert action["session_id"] == session_id, f"an action for another session: {action}"
    elif status == 204:
        assert body == ""
    else:
        assert set(strict_json(body)) == {"error"}
    return int(status)
