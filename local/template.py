"""Read ``template.yaml`` so that local resources are created from it, never described a second time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"

_TABLE_PROPERTIES = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (``!Ref``, ``!GetAtt``, ...) read as their long form."""


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.load(stream, Loader=_CloudFormationLoader)  # noqa: S506 - safe loader subclass
    return document


def resource_properties(logical_id: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    resources: dict[str, Any] = (template or load_template())["Resources"]
    properties: dict[str, Any] = resources[logical_id]["Properties"]
    return properties


def create_table(client: Any, table_name: str, logical_id: str = "Table") -> None:
    """Create ``table_name`` exactly as the template's ``logical_id`` table: keys, indexes, billing, TTL."""
    properties = resource_properties(logical_id)
    client.create_table(
        TableName=table_name, **{name: properties[name] for name in _TABLE_PROPERTIES if name in properties}
    )
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    ttl = properties.get("TimeToLiveSpecification")
    if ttl:
        client.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)
