"""The reconciler Lambda: an EventBridge Scheduler rate schedule (every five minutes) runs the reconciler.

Wiring only; :mod:`reminders.dialing.reconciler` says what it does. EMF metrics (namespace
``POWERTOOLS_METRICS_NAMESPACE``, dimension ``service``): ``Reconciled`` on every run (zero when all is
well, so that the alarm on it has data), and ``RemindersExpired`` or ``RemindersFailed`` for the reminders
it closed. A run that could not reconcile some reminders fails (the Lambda ``Errors`` metric).
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from reminders.aws import CallDelivery
from reminders.dialing.reconciler import Action, Reconciler
from reminders.settings import ReconcilerConfig
from reminders.store.repository import ReminderRepository

SERVICE = "aiflow-reconciler"
logger = Logger(service="reconciler")
metrics = Metrics(service=SERVICE)
copy_config_to_registered_loggers(source_logger=logger, include={"reminders", "aiflow"})

_CLOSED_METRICS = {Action.EXPIRED: "RemindersExpired", Action.FAILED: "RemindersFailed"}


@functools.cache
def _reconciler() -> Reconciler:
    config = ReconcilerConfig.from_environ()
    return Reconciler(
        config,
        repository=ReminderRepository(config.table_name, client=boto3.client("dynamodb")),
        delivery=CallDelivery(boto3.client("sqs"), config.call_queue_url),
    )


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    recoveries = _reconciler().run()
    metrics.add_metric(name="Reconciled", unit=MetricUnit.Count, value=len(recoveries))
    for action, count in Counter(recovery.action for recovery in recoveries).items():
        if action in _CLOSED_METRICS:
            metrics.add_metric(name=_CLOSED_METRICS[action], unit=MetricUnit.Count, value=count)
    return {"reconciled": [{"reminder_id": r.reminder_id, "action": r.action.value} for r in recoveries]}
