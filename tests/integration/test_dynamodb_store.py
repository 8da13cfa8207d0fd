"""DynamoDBSessionStore against a real moto server on loopback (see ``moto_server`` in tests/harness/aws.py)."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from aiflow import AiFlowAssistant, CancellationReasons, DynamoDBSessionStore, StateConflict, StoredState

SID = "550e8400-e29b-41d4-a716-446655440000"


@pytest.fixture
def client(dynamodb_table: str) -> Any:
    return boto3.client("dynamodb")


@pytest.fixture
def store(dynamodb_table: str) -> DynamoDBSessionStore:
    # No client given: the store builds its own from the environment (AWS_ENDPOINT_URL -> moto), as on Lambda.
    return DynamoDBSessionStore(dynamodb_table)


def raw_item(client: Any, table: str, session_id: str = SID) -> dict[str, Any] | None:
    item: dict[str, Any] | None = client.get_item(
        TableName=table, Key={"pk": {"S": f"SESSION#{session_id}"}}, ConsistentRead=True
    ).get("Item")
    return item


def test_a_session_never_saved_is_empty_at_version_0(store: DynamoDBSessionStore) -> None:
    assert store.load(SID) == StoredState({}, 0)


def test_round_trip_keeps_unicode_and_nesting(store: DynamoDBSessionStore) -> None:
    data = {
        "name": "Jürgen Ö'Brien 😀",
        "slots": [{"at": "2025-03-01T10:00", "free": True}, {"at": None, "free": False}],
        "score": 1.25,
        "count": 12345678901234567890,
        "empty": {"list": [], "map": {}},
        "quote": 'she said "ja"\n',
    }
    assert store.save(SID, data, expected_version=0) == 1
    assert store.load(SID) == StoredState(data, 1)


def test_each_save_increments_the_version(store: DynamoDBSessionStore) -> None:
    for version in range(3):
        assert store.save(SID, {"step": version}, expected_version=version) == version + 1
    assert store.load(SID) == StoredState({"step": 2}, 3)


@pytest.mark.parametrize("saved_before", [0, 1], ids=["first-save", "later-save"])
def test_two_stores_saving_on_the_same_version_the_second_conflicts(dynamodb_table: str, saved_before: int) -> None:
    one, two = DynamoDBSessionStore(dynamodb_table), DynamoDBSessionStore(dynamodb_table)
    for version in range(saved_before):
        one.save(SID, {"writer": "setup"}, expected_version=version)
    seen_by_one, seen_by_two = one.load(SID), two.load(SID)

    one.save(SID, {"writer": "one"}, expected_version=seen_by_one.version)
    with pytest.raises(StateConflict):
        two.save(SID, {"writer": "two"}, expected_version=seen_by_two.version)

    assert two.load(SID) == StoredState({"writer": "one"}, saved_before + 1)


def test_save_expecting_a_version_that_was_never_stored_conflicts(store: DynamoDBSessionStore) -> None:
    with pytest.raises(StateConflict):
        store.save(SID, {"a": 1}, expected_version=1)
    assert store.load(SID) == StoredState()


def test_delete_forgets_the_session(store: DynamoDBSessionStore, client: Any, dynamodb_table: str) -> None:
    store.save(SID, {"a": 1}, expected_version=0)
    store.save("other-call", {"b": 2}, expected_version=0)

    store.delete(SID)
    store.delete("never-seen")

    assert store.load(SID) == StoredState()
    assert raw_item(client, dynamodb_table) is None
    assert store.load("other-call") == StoredState({"b": 2}, 1)
    assert store.save(SID, {"a": 2}, expected_version=0) == 1, "a deleted session starts over at version 0"


def test_item_layout_and_expiry(client: Any, dynamodb_table: str) -> None:
    store = DynamoDBSessionStore(dynamodb_table, client=client, ttl_seconds=3600)

    before = int(time.time())
    store.save(SID, {"name": "Ada"}, expected_version=0)
    after = int(time.time())

    item = raw_item(client, dynamodb_table)
    assert item is not None
    assert item["pk"] == {"S": f"SESSION#{SID}"}
    assert json.loads(item["state"]["S"]) == {"name": "Ada"}
    assert item["version"] == {"N": "1"}
    assert before + 3600 <= int(item["expires_at"]["N"]) <= after + 3600


def test_ttl_is_enabled_on_the_table_the_store_expects(client: Any, dynamodb_table: str) -> None:
    description = client.describe_time_to_live(TableName=dynamodb_table)["TimeToLiveDescription"]
    assert description == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_state_that_is_not_json_is_refused_and_nothing_is_stored(store: DynamoDBSessionStore) -> None:
    with pytest.raises(TypeError):
        store.save(SID, {"bad": {1, 2}}, expected_version=0)
    assert store.load(SID) == StoredState()


def _put_new(table: str, key: str, **more: Any) -> dict[str, Any]:
    """A transaction part that stores a new item ``key`` (refused if it exists)."""
    return {
        "Put": {
            "TableName": table,
            "Item": {"pk": {"S": key}, **more},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def test_a_write_with_the_state_is_committed_with_it_or_not_at_all(client: Any, dynamodb_table: str) -> None:
    store = DynamoDBSessionStore(dynamodb_table, client=client)
    store.save(SID, {"n": 1}, expected_version=0, with_writes=[_put_new(dynamodb_table, "NOTE#1")])
    assert raw_item(client, dynamodb_table) is not None

    with pytest.raises(StateConflict):  # the session moved on: neither the state nor its write
        store.save(SID, {"n": 2}, expected_version=0, with_writes=[_put_new(dynamodb_table, "NOTE#2")])
    note = client.get_item(TableName=dynamodb_table, Key={"pk": {"S": "NOTE#2"}}, ConsistentRead=True)
    assert "Item" not in note

    # The write's own condition failing is the caller's business, not a lost race of the state.
    with pytest.raises(client.exceptions.TransactionCanceledException):
        store.save(SID, {"n": 2}, expected_version=1, with_writes=[_put_new(dynamodb_table, "NOTE#1")])
    assert store.load(SID) == StoredState({"n": 1}, 1)


def test_cancellation_reasons_name_the_refused_part_and_return_its_item(client: Any, dynamodb_table: str) -> None:
    client.put_item(TableName=dynamodb_table, Item={"pk": {"S": "TAKEN"}, "owner": {"S": "first"}})
    refused = _put_new(dynamodb_table, "TAKEN", owner={"S": "second"})
    refused["Put"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"

    with pytest.raises(client.exceptions.TransactionCanceledException) as cancelled:
        client.transact_write_items(TransactItems=[_put_new(dynamodb_table, "FREE"), refused])

    reasons = CancellationReasons.of(cancelled.value)
    assert [reasons.condition_failed(part) for part in range(3)] == [False, True, False]
    assert reasons.item(1) == {"pk": {"S": "TAKEN"}, "owner": {"S": "first"}}
    assert reasons.item(0) is None, "a part that passed has no item"


def count_turn(event: Any, state: dict[str, Any]) -> str:
    state["n"] = state.get("n", 0) + 1
    return f"turn {state['n']}"


def test_an_assistant_with_the_dynamodb_store_keeps_state_between_turns(store: DynamoDBSessionStore) -> None:
    assistant = AiFlowAssistant(on_user_speak=count_turn, session_store=store)
    said = json.dumps({"type": "user_speak", "text": "hi", "session": {"id": SID}})

    assert [assistant.handle(said).actions[0]["text"] for _ in range(3)] == ["turn 1", "turn 2", "turn 3"]

    ended = json.dumps({"type": "session_end", "session": {"id": SID}})
    assert assistant.handle(ended).status_code == 204
    assert store.load(SID) == StoredState()


def test_concurrent_turns_of_one_call_lose_no_update(client: Any, dynamodb_table: str) -> None:
    turns, workers = 20, 8
    # Every turn changes the state, so a turn can only lose the race to a turn that saved successfully in
    # between, and each of the other 19 turns saves successfully exactly once: a turn conflicts at most
    # turns - 1 times. With that many retries no turn can run out of them, however the threads interleave;
    # the default of 3 is meant for sipgate's one-event-at-a-time calls, not for 8 writers at once.
    store = DynamoDBSessionStore(dynamodb_table, client=client)  # one thread-safe client, created up front
    assistant = AiFlowAssistant(on_user_speak=count_turn, session_store=store, max_conflict_retries=turns - 1)
    said = json.dumps({"type": "user_speak", "text": "hi", "session": {"id": SID}}).encode()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        responses = list(pool.map(lambda _: assistant.handle(said), range(turns)))

    assert [response.status_code for response in responses] == [200] * turns
    assert not any(response.used_fallback for response in responses)
    assert store.load(SID) == StoredState({"n": turns}, turns)
    said_back = sorted(int(response.actions[0]["text"].removeprefix("turn ")) for response in responses)
    assert said_back == list(range(1, turns + 1)), "every turn saved exactly one increment"
