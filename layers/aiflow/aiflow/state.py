"""Per-call state that survives between turns, and the stores that keep it.

A turn loads the call's state with its version, runs the handler on a copy, and saves it only if it
changed, on the condition that nobody saved a newer version meanwhile (optimistic locking). A lost race
raises :class:`~aiflow.errors.StateConflict`; the assistant then re-runs the turn on fresh state.
State must be JSON-serialisable: it is stored as JSON text.

A handler on a :class:`DynamoDBSessionStore` may ask for a write of its own to be committed with the
turn's state (:func:`write_with_state`): both go in one ``TransactWriteItems``, so the turn costs one
write request instead of two, at twice the write capacity of each item (DynamoDB's price of a
transaction), and the write happens exactly when the state is saved (a repeated event that loses the
state's race writes nothing).

:class:`CancellationReasons` reads why DynamoDB cancelled such a transaction (which part's condition failed,
and the item as it was): the store's own transaction and any an application writes read it one way.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiflow._extras import MissingExtra
from aiflow.errors import StateConflict

__all__ = [
    "CancellationReasons",
    "DynamoDBSessionStore",
    "InMemorySessionStore",
    "SessionStore",
    "StoredState",
    "write_with_state",
    "writes_with_state",
]

_pending_writes: ContextVar[list[dict[str, Any]] | None] = ContextVar("aiflow_writes_with_state", default=None)


def write_with_state(item: Mapping[str, Any]) -> None:
    """Commit ``item`` (a ``TransactWriteItems`` entry, ``{"Update": {...}}`` say) with this turn's state.

    Only inside a handler of an assistant whose store is a :class:`DynamoDBSessionStore`; elsewhere it raises.
    """
    pending = _pending_writes.get()
    if pending is None:
        raise RuntimeError("write_with_state() is for a handler that takes the call's state, during its turn")
    pending.append(dict(item))


@contextlib.contextmanager
def writes_with_state() -> Iterator[list[dict[str, Any]]]:
    """The writes handlers ask for during the block (the assistant saves them with the state)."""
    token = _pending_writes.set([])
    try:
        pending = _pending_writes.get()
        assert pending is not None
        yield pending
    finally:
        _pending_writes.reset(token)


@dataclass(frozen=True)
class CancellationReasons:
    """Why DynamoDB cancelled a ``TransactWriteItems``: one reason per part, in the order the parts were given.

    DynamoDB gives every part a reason: ``ConditionalCheckFailed`` for a part whose condition was not met
    (with the item as it was, if that part asked for ``ReturnValuesOnConditionCheckFailure="ALL_OLD"``),
    ``None`` for a part that was fine, or another code (a conflict with a concurrent transaction, throttling).
    """

    reasons: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def of(cls, error: Exception) -> CancellationReasons:
        """The reasons of a botocore ``TransactionCanceledException``; none for an error that carries none."""
        response: Mapping[str, Any] = getattr(error, "response", None) or {}
        return cls(tuple(response.get("CancellationReasons") or ()))

    def condition_failed(self, part: int) -> bool:
        """Whether the condition of part number ``part`` (counted from 0) was not met."""
        return 0 <= part < len(self.reasons) and self.reasons[part].get("Code") == "ConditionalCheckFailed"

    def item(self, part: int) -> dict[str, Any] | None:
        """The item of part ``part`` as it was when its condition failed; ``None`` if it passed, did not ask for
        the item, or the item does not exist."""
        if not self.condition_failed(part):
            return None
        item = self.reasons[part].get("Item")
        return dict(item) if item else None


@dataclass(frozen=True)
class StoredState:
    """A call's state as loaded; ``version`` 0 means nothing was stored yet."""

    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0


class SessionStore(Protocol):
    """Where the assistant keeps per-call state between turns."""

    def load(self, session_id: str) -> StoredState: ...

    def save(self, session_id: str, data: Mapping[str, Any], *, expected_version: int) -> int:
        """Store ``data`` if the stored version is still ``expected_version``; return the new version.

        Raises :class:`StateConflict` if another turn saved first.
        """
        ...

    def delete(self, session_id: str) -> None: ...


class InMemorySessionStore:
    """A store in this process's memory: for tests, the simulator and single-process servers.

    On Lambda every execution environment has its own memory, so use :class:`DynamoDBSessionStore`.
    """

    def __init__(self) -> None:
        self._items: dict[str, StoredState] = {}
        self._lock = threading.Lock()

    def load(self, session_id: str) -> StoredState:
        with self._lock:
            stored = self._items.get(session_id, StoredState())
        return StoredState(copy.deepcopy(stored.data), stored.version)

    def save(self, session_id: str, data: Mapping[str, Any], *, expected_version: int) -> int:
        snapshot = json.loads(json.dumps(data))  # same contract as DynamoDB: JSON or an error, now
        with self._lock:
            current = self._items.get(session_id, StoredState()).version
            if current != expected_version:
                raise StateConflict(f"session {session_id}: version {current}, expected {expected_version}")
            self._items[session_id] = StoredState(snapshot, current + 1)
        return current + 1

    def delete(self, session_id: str) -> None:
        with self._lock:
            self._items.pop(session_id, None)


class DynamoDBSessionStore:
    """Per-call state in a DynamoDB table keyed by a string partition key.

    Items are ``{<key_attribute>: "SESSION#<id>", "state": <JSON text>, "version": <n>,
    "expires_at": <epoch seconds>}``; enable TTL on ``expires_at`` so abandoned calls disappear.
    The state is kept as JSON text rather than a DynamoDB map: one attribute, no ``Decimal``
    conversions, and the store never has to know what handlers put in it.
    """

    def __init__(
        self,
        table_name: str,
        *,
        client: Any = None,
        key_attribute: str = "pk",
        key_prefix: str = "SESSION#",
        ttl_seconds: int = 24 * 3600,
    ) -> None:
        if not table_name:
            raise ValueError("table_name is required")
        self.table_name = table_name
        self.client = client if client is not None else _dynamodb_client()
        self._key_attribute = key_attribute
        self._key_prefix = key_prefix
        self._ttl_seconds = ttl_seconds

    def _key(self, session_id: str) -> dict[str, Any]:
        return {self._key_attribute: {"S": self._key_prefix + session_id}}

    def load(self, session_id: str) -> StoredState:
        # Strongly consistent: the version we read is the one the conditional write will compare.
        response = self.client.get_item(TableName=self.table_name, Key=self._key(session_id), ConsistentRead=True)
        item = response.get("Item")
        if item is None:
            return StoredState()
        return StoredState(json.loads(item["state"]["S"]), int(item["version"]["N"]))

    def save(
        self,
        session_id: str,
        data: Mapping[str, Any],
        *,
        expected_version: int,
        with_writes: Sequence[Mapping[str, Any]] = (),
    ) -> int:
        """Store ``data`` if the stored version is ``expected_version``; ``with_writes`` in the same transaction."""
        new_version = expected_version + 1
        item = {
            **self._key(session_id),
            "state": {"S": json.dumps(data, separators=(",", ":"))},
            "version": {"N": str(new_version)},
            "expires_at": {"N": str(int(time.time()) + self._ttl_seconds)},
        }
        if expected_version == 0:
            condition, values = "attribute_not_exists(#key)", None
        else:
            condition, values = "version = :expected", {":expected": {"N": str(expected_version)}}
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Item": item,
            "ConditionExpression": condition,
        }
        if values is None:
            request["ExpressionAttributeNames"] = {"#key": self._key_attribute}
        else:
            request["ExpressionAttributeValues"] = values
        if with_writes:
            self._save_in_transaction(session_id, request, with_writes)
            return new_version
        try:
            self.client.put_item(**request)
        except self.client.exceptions.ConditionalCheckFailedException:
            raise StateConflict(f"session {session_id}: saved by another turn first") from None
        return new_version

    def _save_in_transaction(self, session_id: str, put: dict[str, Any], writes: Sequence[Mapping[str, Any]]) -> None:
        try:
            self.client.transact_write_items(TransactItems=[{"Put": put}, *writes])
        except self.client.exceptions.TransactionCanceledException as error:
            if CancellationReasons.of(error).condition_failed(0):
                raise StateConflict(f"session {session_id}: saved by another turn first") from None
            raise

    def delete(self, session_id: str) -> None:
        self.client.delete_item(TableName=self.table_name, Key=self._key(session_id))


def _dynamodb_client() -> Any:
    try:
        import boto3  # deferred: only a process that uses this store pays for boto3
    except ImportError as missing:  # the [aws] extra is not installed (Lambda's runtime has boto3)
        raise MissingExtra("aws", "DynamoDBSessionStore", missing) from missing
    return boto3.client("dynamodb")
