"""Lambda's DynamoDB stream event source, done by a thread on loopback.

``StreamPoller`` reads every shard of a table's stream (DynamoDB Local keeps streams like DynamoDB does)
and invokes the function with batches in Lambda's record format. As with Lambda, a shard's records go in
order and a batch that fails is read again: from the first record the function names in
``batchItemFailures``, or whole when the invocation fails. There is no retry limit here (Lambda's ends in
the on-failure destination); the stack's stop ends the poller. Lambda's filter criteria are not applied:
the functions ignore the records they do not want, so only the number of invocations differs.
"""

from __future__ import annotations

import logging
from typing import Any

from local.lambda_runtime import InvocationError, LocalFunction
from local.pollers import _Loop

logger = logging.getLogger(__name__)


class StreamPoller(_Loop):
    def __init__(
        self,
        streams: Any,
        *,
        stream_arn: str,
        function: LocalFunction,
        batch_size: int = 100,
        starting_position: str = "TRIM_HORIZON",
        interval: float = 0.3,
    ) -> None:
        super().__init__(f"stream-{stream_arn.rsplit('/', 1)[-1]}", interval)
        self._streams = streams
        self._stream_arn = stream_arn
        self._function = function
        self._batch_size = batch_size
        self._starting_position = starting_position
        self._iterators: dict[str, str | None] = {}  # shard id -> next iterator; None once the shard is closed
        self._pending: dict[str, list[dict[str, Any]]] = {}  # shard id -> records read but not yet handled
        self.invocations = 0

    def tick(self) -> None:
        for shard_id in self._shards():
            self._iterators.setdefault(shard_id, self._first_iterator(shard_id))
            pending = self._pending.setdefault(shard_id, [])
            if not pending:
                pending.extend(self._read(shard_id))
            while pending:
                handled = self._invoke(pending[: self._batch_size])
                del pending[:handled]
                if handled == 0:
                    break  # tried again at the next tick, as Lambda retries a failed batch

    def _shards(self) -> list[str]:
        description = self._streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]
        return [shard["ShardId"] for shard in description.get("Shards", [])]

    def _first_iterator(self, shard_id: str) -> str | None:
        answer = self._streams.get_shard_iterator(
            StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType=self._starting_position
        )
        iterator: str | None = answer.get("ShardIterator")
        return iterator

    def _read(self, shard_id: str) -> list[dict[str, Any]]:
        iterator = self._iterators.get(shard_id)
        if iterator is None:
            return []
        answer = self._streams.get_records(ShardIterator=iterator, Limit=1000)
        self._iterators[shard_id] = answer.get("NextShardIterator")
        return [self._lambda_record(record) for record in answer.get("Records", [])]

    def _invoke(self, batch: list[dict[str, Any]]) -> int:
        """How many records of ``batch``, from its start, were handled."""
        self.invocations += 1
        try:
            result = self._function.invoke({"Records": batch})
        except InvocationError as error:
            logger.warning("stream batch of %d records failed, reading it again: %s", len(batch), error)
            return 0
        failures = [item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])]
        sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        return min((sequence_numbers.index(failed) for failed in failures), default=len(batch))

    def _lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """A record as Lambda hands it over: the stream's, with its ARN and the creation time in epoch seconds."""
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if created is not None and not isinstance(created, int | float):
            change["ApproximateCreationDateTime"] = created.timestamp()
        return {**record, "dynamodb": change, "eventSourceARN": self._stream_arn}
