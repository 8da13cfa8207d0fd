"""Concurrency: many turns of many calls at once on the webhook, and two dialers on one queue.

Afterwards every reminder has exactly one outcome and every callee was dialled exactly once (counted at the
fake sipgate). moto's DynamoDB gets the atomic conditional writes of the real one (``atomic_dynamodb_writes``).
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from typing import Any

import boto3
import pytest

from aiflow.testing.sipgate import FakeSipgate
from functions.dialer import app as dialer_app
from reminders.model.reminder import Language, ReminderStatus
from tests.harness.dialer import (
    Clock,
    Handler,
    Poller,
    Resources,
    atomic_dynamodb_writes,
    delayed_messages,
    dial,
    end_delays,
    events_of,
    make_dialer,
    record,
)
from tests.harness.reliability import (
    announced_outcome,
    check_reply,
    dialled,
    event_source_mapping,
    outcome_events,
    settle,
)
from tests.harness.webhook import RacingStore, Webhook

CALLS = 10
TURNS_PER_CALL = 5
# What a callee may do, and sipgate report, while the question plays: decisions both ways, silence, requests
# to repeat, keys without a meaning, the end of the speech.
MOVES: list[dict[str, Any]] = [
    {"type": "dtmf_received", "digit": "1"},
    {"type": "user_speak", "text": "Ja, ich komme."},
    {"type": "dtmf_received", "digit": "2"},
    {"type": "user_speak", "text": "Nein, ich muss absagen."},
    {"type": "user_input_timeout"},
    {"type": "user_speak", "text": "Wie bitte?"},
    {"type": "dtmf_received", "digit": "*"},
    {"type": "dtmf_received", "digit": "7"},
    {"type": "assistant_speech_ended"},
    {"type": "user_speak", "text": "Hallo?", "barged_in": True},
]


# Powertools keeps one metric set per process, which Lambda never shares between requests; threads do.
@pytest.mark.filterwarnings("ignore:No application metrics to publish")
@pytest.mark.filterwarnings("ignore:Dimension 'event_type' has already been added")
def test_fifty_turns_at_once_across_ten_calls_decide_each_reminder_exactly_once(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    atomic_dynamodb_writes(monkeypatch)
    calls = []
    for index in range(CALLS):
        number = f"+4915790{index:06d}"
        language = (Language.GERMAN, Language.ENGLISH)[index % 2]
        dialled(webhook.repository, f"race-{index}", number, language=language)
        call = webhook.simulator().start_call(direction="outbound", to_phone_number=number)
        calls.append((f"race-{index}", number, language, call))
    chosen = random.Random(6)
    turns = [
        (call_index, {**move, "session": {"id": call.session_id}})
        for call_index, (_, _, _, call) in enumerate(calls)
        for move in chosen.sample(MOVES, TURNS_PER_CALL)
    ]
    # Every turn reads its call's state before any of them writes: the worst interleaving, every time.
    store = webhook.app.assistant.session_store
    monkeypatch.setattr(webhook.app.assistant, "session_store", RacingStore(store, parties=len(turns)))
    replies: list[tuple[int, dict[str, Any]]] = []

    def take_turn(call_index: int, event: dict[str, Any]) -> None:
        replies.append((call_index, webhook.post(json.dumps(event))))

    threads = [threading.Thread(target=take_turn, args=turn) for turn in turns]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    monkeypatch.setattr(webhook.app.assistant, "session_store", store)
    for _, _, _, call in calls:
        call.hang_up()  # the callee hangs up: an undecided call ends as no_decision

    assert len(replies) == len(turns), "every turn was answered"
    for call_index, reply in replies:
        check_reply(reply, frozenset({200, 204}), calls[call_index][3].session_id)
    for call_index, (reminder_id, number, language, call) in enumerate(calls):
        reminder = webhook.repository.get(reminder_id)
        assert reminder is not None
        assert reminder.is_decided
        assert outcome_events(reminder) == [reminder.status.value], "exactly one outcome, written once"
        assert reminder.outcome_session_id == call.session_id
        assert webhook.repository.find_line(number) is None
        goodbyes = [
            announced_outcome(action.get("text", ""), language)
            for index, reply in replies
            if index == call_index and reply["statusCode"] == 200
            for action in _actions(reply)
        ]
        # That the goodbye tells the recorded outcome is checked, with the race pinned down, below.
        assert len([said for said in goodbyes if said is not None]) <= 1, "one goodbye at most"


def _actions(reply: dict[str, Any]) -> list[dict[str, Any]]:
    payload = json.loads(reply["body"])
    return payload if isinstance(payload, list) else [payload]


class PinnedRace:
    """Two turns of one call, "confirm" and "cancel", interleaved in one order that threads can take.

    Both read the call's state; "confirm" writes its outcome first; "cancel" then finds the reminder decided,
    and saves the call's state before "confirm" does, so that "confirm" loses the state write and runs again.
    """

    def __init__(self, webhook: Webhook) -> None:
        self._store = webhook.app.assistant.session_store
        self._both_loaded = threading.Barrier(2)
        self._confirm_recorded = threading.Event()
        self._cancel_saved = threading.Event()
        self._loaded = threading.local()
        events = webhook.app.dynamodb.meta.events
        events.register("before-parameter-build.dynamodb.TransactWriteItems", self._before_write)
        events.register("after-call.dynamodb.TransactWriteItems", self._after_write)

    def _before_write(self, params: dict[str, Any], **_: Any) -> None:
        """The outcome is written with the line's release, in one transaction: "cancel" waits for "confirm"'s."""
        updates = [entry["Update"]["UpdateExpression"] for entry in params["TransactItems"] if "Update" in entry]
        if threading.current_thread().name == "cancel" and any("outcome = :outcome" in text for text in updates):
            assert self._confirm_recorded.wait(timeout=10)

    def _after_write(self, **_: Any) -> None:
        if threading.current_thread().name == "confirm":
            self._confirm_recorded.set()

    def load(self, session_id: str) -> Any:
        state = self._store.load(session_id)
        if not getattr(self._loaded, "once", False):
            self._loaded.once = True
            self._both_loaded.wait(timeout=10)
        return state

    def save(self, session_id: str, data: Any, *, expected_version: int) -> int:
        turn = threading.current_thread().name
        if turn == "confirm":
            assert self._cancel_saved.wait(timeout=10)
        version: int = self._store.save(session_id, data, expected_version=expected_version)
        if turn == "cancel":
            self._cancel_saved.set()
        return version

    def delete(self, session_id: str) -> None:
        self._store.delete(session_id)


def test_two_answers_at_once_the_caller_hears_the_decision_that_was_recorded(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    atomic_dynamodb_writes(monkeypatch)
    dialled(webhook.repository, "r-1", "+4915790000687")
    call = webhook.simulator().start_call(direction="outbound", to_phone_number="+4915790000687")
    monkeypatch.setattr(webhook.app.assistant, "session_store", PinnedRace(webhook))
    answers = {
        "confirm": {"type": "dtmf_received", "digit": "1", "session": {"id": call.session_id}},
        "cancel": {"type": "user_speak", "text": "Nein, ich sage ab.", "session": {"id": call.session_id}},
    }
    replies: dict[str, dict[str, Any]] = {}

    def answer(turn: str) -> None:
        replies[turn] = webhook.post(json.dumps(answers[turn]))

    threads = [threading.Thread(target=answer, args=(turn,), name=turn) for turn in answers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    reminder = webhook.repository.get("r-1")
    assert reminder is not None
    assert outcome_events(reminder) == ["confirmed"], "written once, by the turn that came first"
    said = [action["text"] for reply in replies.values() if reply["statusCode"] == 200 for action in _actions(reply)]
    contradicting = [text for text in said if announced_outcome(text, Language.GERMAN) not in (None, reminder.outcome)]
    assert contradicting == [], f"the reminder is {reminder.outcome.value}, but the caller heard {contradicting}"


def test_two_dialers_on_one_queue_dial_each_reminder_once_and_close_it_once(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    atomic_dynamodb_writes(monkeypatch)
    clock = Clock()
    dialers = {name: make_dialer(resources, sipgate, clock=clock, retry_delay_minutes=5) for name in ("one", "two")}
    # Two Lambda instances (the template's MaximumConcurrency): each thread's invocations use its own dialer.
    monkeypatch.setattr(dialer_app, "_dialer", lambda token: dialers[threading.current_thread().name])
    pollers = {name: Poller(event_source_mapping(handler), resources) for name in dialers}
    numbers = [f"+4915791{index:06d}" for index in range(CALLS)]
    bodies = [dial(f"appt-{index}", number, max_attempts=1) for index, number in enumerate(numbers)]
    bodies += bodies[::2]  # SQS delivers some messages twice
    random.Random(6).shuffle(bodies)
    sqs = boto3.client("sqs")
    for body in bodies:
        sqs.send_message(QueueUrl=resources.queue_url, MessageBody=body)

    for _ in range(6):  # the dial messages, then the answer checks: both dialers polling at once
        threads = [threading.Thread(target=pollers[name].drain, name=name) for name in pollers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        waiting = delayed_messages(resources.queue_url)
        if not waiting:
            break
        clock.advance(max(delay for _, delay in waiting))
        end_delays(resources.queue_url)
    settle(pollers["one"], clock)  # anything given back while the other dialer had stopped polling

    digits = [number.lstrip("+") for number in numbers]
    assert Counter(sipgate.rang()) == Counter(digits), "every callee rang exactly once"
    assert len(sipgate.received) == CALLS
    for index in range(CALLS):
        reminder = record(resources, f"appt-{index}")
        assert (reminder.status, reminder.attempts) == (ReminderStatus.NO_ANSWER, 1)
        assert events_of(reminder).count("dialling") == 1
        assert outcome_events(reminder) == ["no_answer"], "exactly one outcome"
    assert sqs.receive_message(QueueUrl=resources.dead_letter_url).get("Messages", []) == []
