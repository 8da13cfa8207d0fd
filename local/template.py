"""Read ``template.yaml`` so that local resources are created from it, never described a second time.

``LocalStackResources`` creates what the template declares (DynamoDB tables, SQS queues with their
redrive policies, Scheduler groups, event buses, the SSM SecureStrings its parameters name) on local endpoints and
resolves every function's environment (``!Ref``, ``!GetAtt``, ``!Sub``, ``!If``) to the local values, so
the handlers run unchanged. Resources with no local meaning (the HTTP API, log groups, alarms, the
layer, a bus's policy) are skipped: the local gateway, the log files and the worker processes stand in.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from local.lambda_runtime import FunctionSpec

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"
ACCOUNT_ID = "123456789012"
REGION = "eu-central-1"

_TABLE_PROPERTIES = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "BillingMode",
    "StreamSpecification",
)
_QUEUE_ATTRIBUTES = {
    "DelaySeconds": "DelaySeconds",
    "MaximumMessageSize": "MaximumMessageSize",
    "MessageRetentionPeriod": "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout": "VisibilityTimeout",
}
_NO_VALUE = object()


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (``!Ref``, ``!GetAtt``, ...) read as their long form."""


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506 - a SafeLoader
    return document


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def create_table(
    client: Any, table_name: str, logical_id: str = "Table", template: dict[str, Any] | None = None
) -> None:
    """Create ``table_name`` exactly as the template's ``logical_id`` table: keys, indexes, billing, stream, TTL."""
    properties = (template or load_template())["Resources"][logical_id]["Properties"]
    settings = {name: properties[name] for name in _TABLE_PROPERTIES if name in properties}
    if "StreamSpecification" in settings:  # CloudFormation infers what the API wants said
        settings["StreamSpecification"] = {"StreamEnabled": True, **settings["StreamSpecification"]}
    client.create_table(TableName=table_name, **settings)
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    ttl = properties.get("TimeToLiveSpecification")
    if ttl:
        client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)


@dataclass
class LocalStackResources:
    """The template's resources created on local endpoints, and the values its references resolve to."""

    stack_name: str
    client: Callable[[str], Any]  # a boto3 client for a service, on its local endpoint
    parameter_overrides: dict[str, str] = field(default_factory=dict)
    template: dict[str, Any] = field(default_factory=load_template)
    secrets: dict[str, str] = field(default_factory=dict)  # SSM parameter name -> value created
    _references: dict[str, dict[str, str]] = field(default_factory=dict)

    # Creation.

    def create(self) -> None:
        """Create every resource the local stack emulates, in dependency order (dead-letter queues first)."""
        for name, definition in self.template.get("Parameters", {}).items():
            value = self.parameter_overrides.get(name, definition.get("Default"))
            self._references[name] = {"Ref": "" if value is None else str(value)}
        for logical_id, resource in self.template["Resources"].items():
            if resource["Type"] == "AWS::IAM::Role":
                role_name = f"{self.stack_name}-{logical_id}"
                self._references[logical_id] = {
                    "Ref": role_name,
                    "Arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{role_name}",
                }
        for logical_id in resources_of_type(self.template, "AWS::DynamoDB::Table"):
            self._create_table(logical_id)
        for logical_id in self._queues_in_dependency_order():
            self._create_queue(logical_id)
        for logical_id, resource in resources_of_type(self.template, "AWS::Scheduler::ScheduleGroup").items():
            self._create_schedule_group(logical_id, resource.get("Properties", {}))
        for logical_id, resource in resources_of_type(self.template, "AWS::Events::EventBus").items():
            self._create_event_bus(logical_id, resource.get("Properties", {}))
        self._create_secrets()
        for logical_id in self.template["Resources"]:
            # Not emulated (the HTTP API, log groups, alarms, the layer): a name to refer to, nothing behind it.
            self._references.setdefault(
                logical_id,
                {"Ref": f"{self.stack_name}-{logical_id}", "Arn": f"arn:aws:local:{REGION}:{ACCOUNT_ID}:{logical_id}"},
            )

    def _create_table(self, logical_id: str) -> None:
        client = self.client("dynamodb")
        table_name = f"{self.stack_name}-{logical_id}"
        create_table(client, table_name, logical_id, self.template)
        description = client.describe_table(TableName=table_name)["Table"]
        self._references[logical_id] = {
            "Ref": table_name,
            "Arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{table_name}",
            "StreamArn": description.get("LatestStreamArn", ""),
        }

    def _queues_in_dependency_order(self) -> list[str]:
        queues = resources_of_type(self.template, "AWS::SQS::Queue")
        has_redrive = {
            logical_id for logical_id, queue in queues.items() if "RedrivePolicy" in queue.get("Properties", {})
        }
        return [q for q in queues if q not in has_redrive] + [q for q in queues if q in has_redrive]

    def _create_queue(self, logical_id: str) -> None:
        properties = self.resolve(self.template["Resources"][logical_id].get("Properties", {}))
        attributes = {
            attribute: str(properties[name]) for name, attribute in _QUEUE_ATTRIBUTES.items() if name in properties
        }
        redrive = properties.get("RedrivePolicy")
        if redrive:
            attributes["RedrivePolicy"] = json.dumps(redrive)
        client = self.client("sqs")
        queue_name = properties.get("QueueName") or f"{self.stack_name}-{logical_id}"
        url = client.create_queue(QueueName=queue_name, Attributes=attributes)["QueueUrl"]
        arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self._references[logical_id] = {"Ref": url, "Arn": arn, "QueueName": queue_name, "QueueUrl": url}

    def _create_schedule_group(self, logical_id: str, properties: dict[str, Any]) -> None:
        name = self.resolve(properties).get("Name") or f"{self.stack_name}-{logical_id}"
        response = self.client("scheduler").create_schedule_group(Name=name)
        self._references[logical_id] = {"Ref": name, "Arn": response["ScheduleGroupArn"]}

    def _create_event_bus(self, logical_id: str, properties: dict[str, Any]) -> None:
        """The bus, without its policy: moto does not enforce resource policies (the template's is for AWS)."""
        name = self.resolve(properties.get("Name")) or f"{self.stack_name}-{logical_id}"
        arn = self.client("events").create_event_bus(Name=name)["EventBusArn"]
        self._references[logical_id] = {"Ref": name, "Arn": arn, "Name": name}

    def _create_secrets(self) -> None:
        """A SecureString for every template parameter that names one (``...ParameterName``)."""
        ssm = self.client("ssm")
        for name in self.template.get("Parameters", {}):
            if not name.endswith("ParameterName"):
                continue
            parameter = self._references[name]["Ref"]
            value = self.secrets.get(parameter) or secrets.token_urlsafe(24)
            ssm.put_parameter(Name=parameter, Value=value, Type="SecureString", Overwrite=True)
            self.secrets[parameter] = value

    # Resolution.

    def reference(self, logical_id: str, attribute: str = "Ref") -> str:
        return self._references[logical_id][attribute]

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic function the local stack understands replaced by its local value."""
        if isinstance(value, list):
            return [item for item in (self.resolve(item) for item in value) if item is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self._ref(argument)
            if key == "Fn::GetAtt":
                logical_id, attribute = argument
                return self._references[logical_id][attribute]
            if key == "Fn::Sub":
                return self._sub(argument)
            if key == "Fn::If":
                condition, when_true, when_false = argument
                return self.resolve(when_true if self._condition(condition) else when_false)
            if key == "Fn::Join":
                separator, parts = argument
                return separator.join(str(part) for part in self.resolve(parts))
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not _NO_VALUE}

    def _ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": self.stack_name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": _NO_VALUE,
        }
        if name in pseudo:
            return pseudo[name]
        return self._references[name]["Ref"]

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        variables = {name: self.resolve(item) for name, item in variables.items()}

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name:
                logical_id, attribute = name.split(".", 1)
                return self._references[logical_id][attribute]
            return str(self._ref(name))

        return re.sub(r"\$\{([^}!]+)\}", substitute, text)

    def _condition(self, name: str) -> bool:
        return bool(self._evaluate(self.template["Conditions"][name]))

    def _evaluate(self, expression: Any) -> Any:
        if isinstance(expression, dict) and len(expression) == 1:
            ((key, argument),) = expression.items()
            if key == "Fn::Equals":
                left, right = (self._evaluate(item) for item in argument)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self._evaluate(argument[0])
            if key == "Fn::And":
                return all(self._evaluate(item) for item in argument)
            if key == "Fn::Or":
                return any(self._evaluate(item) for item in argument)
            if key == "Condition":
                return self._condition(argument)
        return self.resolve(expression)

    # Functions.

    def functions(self) -> dict[str, FunctionSpec]:
        """Every ``AWS::Serverless::Function`` with its Globals applied and its environment resolved."""
        defaults = self.template.get("Globals", {}).get("Function", {})
        specs = {}
        for logical_id, resource in resources_of_type(self.template, "AWS::Serverless::Function").items():
            properties = resource["Properties"]
            variables = {
                **defaults.get("Environment", {}).get("Variables", {}),
                **properties.get("Environment", {}).get("Variables", {}),
            }
            environment = {name: str(value) for name, value in self.resolve(variables).items()}
            specs[logical_id] = FunctionSpec(
                logical_id=logical_id,
                code_dir=str(properties["CodeUri"]).rstrip("/"),
                handler=properties["Handler"],
                timeout_seconds=float(properties.get("Timeout", defaults.get("Timeout", 3))),
                memory_mb=int(properties.get("MemorySize", defaults.get("MemorySize", 128))),
                environment=environment,
            )
        return specs

    def event_sources(self, function_id: str, event_type: str) -> list[dict[str, Any]]:
        """The resolved ``Properties`` of a function's events of one type (``SQS``, ``HttpApi``, ...)."""
        events = self.template["Resources"][function_id]["Properties"].get("Events", {})
        return [self.resolve(event.get("Properties", {})) for event in events.values() if event["Type"] == event_type]
