"""InMemorySessionStore: versions, optimistic locking, deletion and copies that cannot leak; the reader of a
cancelled transaction's reasons (against DynamoDB in tests/integration/test_dynamodb_store.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from aiflow import CancellationReasons, InMemorySessionStore, StateConflict, StoredState

SID = "call-1"


@pytest.fixture
def store() -> InMemorySessionStore:
    return InMemorySessionStore()


def test_a_session_never_saved_is_empty_at_version_0(store: InMemorySessionStore) -> None:
    assert store.load(SID) == StoredState(data={}, version=0)


def test_each_save_increments_the_version(store: InMemorySessionStore) -> None:
    assert store.save(SID, {"step": "greeting"}, expected_version=0) == 1
    assert store.save(SID, {"step": "date"}, expected_version=1) == 2
    assert store.load(SID) == StoredState({"step": "date"}, 2)


def test_round_trip_keeps_unicode_and_nesting(store: InMemorySessionStore) -> None:
    data = {"name": "Jürgen Ö'Brien 😀", "slots": [{"at": "10:00", "free": True}, None], "n": 1.5, "empty": {}}
    store.save(SID, data, expected_version=0)
    assert store.load(SID).data == data


@pytest.mark.parametrize(
    ("saved_versions", "expected_version"),
    [
        pytest.param(0, 1, id="nothing-saved-yet-but-expects-1"),
        pytest.param(1, 0, id="already-saved-but-expects-new"),
        pytest.param(2, 1, id="stale"),
        pytest.param(2, 3, id="from-the-future"),
    ],
)
def test_save_on_the_wrong_version_conflicts_and_changes_nothing(
    store: InMemorySessionStore, saved_versions: int, expected_version: int
) -> None:
    for version in range(saved_versions):
        store.save(SID, {"v": version + 1}, expected_version=version)
    before = store.load(SID)

    with pytest.raises(StateConflict):
        store.save(SID, {"v": "lost"}, expected_version=expected_version)

    assert store.load(SID) == before


def test_two_writers_on_the_same_version_the_second_conflicts(store: InMemorySessionStore) -> None:
    first, second = store.load(SID), store.load(SID)
    store.save(SID, {"writer": "first"}, expected_version=first.version)
    with pytest.raises(StateConflict):
        store.save(SID, {"writer": "second"}, expected_version=second.version)
    assert store.load(SID) == StoredState({"writer": "first"}, 1)


def test_delete_forgets_the_session(store: InMemorySessionStore) -> None:
    store.save(SID, {"a": 1}, expected_version=0)
    store.delete(SID)
    assert store.load(SID) == StoredState()
    assert store.save(SID, {"a": 2}, expected_version=0) == 1, "a deleted session starts over at version 0"


def test_delete_of_an_unknown_session_is_harmless(store: InMemorySessionStore) -> None:
    store.delete("never-seen")
    assert store.load("never-seen") == StoredState()


def test_sessions_are_independent(store: InMemorySessionStore) -> None:
    store.save("call-1", {"who": "one"}, expected_version=0)
    store.save("call-2", {"who": "two"}, expected_version=0)
    store.delete("call-1")
    assert store.load("call-2") == StoredState({"who": "two"}, 1)


def test_changing_saved_data_afterwards_does_not_change_the_store(store: InMemorySessionStore) -> None:
    data: dict[str, Any] = {"items": [1, 2], "nested": {"k": "v"}}
    store.save(SID, data, expected_version=0)
    data["items"].append(3)
    data["nested"]["k"] = "changed"
    data["new"] = True
    assert store.load(SID).data == {"items": [1, 2], "nested": {"k": "v"}}


def test_changing_loaded_data_does_not_change_the_store(store: InMemorySessionStore) -> None:
    store.save(SID, {"items": [1, 2], "nested": {"k": "v"}}, expected_version=0)
    loaded = store.load(SID)
    loaded.data["items"].append(3)
    loaded.data["nested"]["k"] = "changed"
    assert store.load(SID).data == {"items": [1, 2], "nested": {"k": "v"}}


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({1, 2}, id="set"),
        pytest.param(b"bytes", id="bytes"),
        pytest.param(datetime.date(2025, 1, 1), id="date"),
        pytest.param(object(), id="object"),
    ],
)
def test_data_that_is_not_json_is_refused_and_nothing_is_stored(store: InMemorySessionStore, value: object) -> None:
    with pytest.raises(TypeError):
        store.save(SID, {"bad": value}, expected_version=0)
    assert store.load(SID) == StoredState()


def test_data_is_stored_as_json_would_carry_it(store: InMemorySessionStore) -> None:
    store.save(SID, {"pair": (1, 2), 7: "seven"}, expected_version=0)
    assert store.load(SID).data == {"pair": [1, 2], "7": "seven"}


def test_an_error_without_cancellation_reasons_reads_as_nothing_refused() -> None:
    reasons = CancellationReasons.of(TimeoutError("no answer from DynamoDB"))
    assert not reasons.condition_failed(0)
    assert reasons.item(0) is None
