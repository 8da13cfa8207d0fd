"""Rules of template.yaml that no linter knows: where the template repeats a definition of the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from reminders.model.reminder import DECIDED
from tests.harness.template import template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = template()
RESOURCES = TEMPLATE["Resources"]


def test_the_publishers_stream_filter_lets_every_final_status_through_and_no_other() -> None:
    stream = RESOURCES["OutcomePublisherFunction"]["Properties"]["Events"]["TableStream"]["Properties"]
    (only,) = stream["FilterCriteria"]["Filters"]
    pattern = json.loads(only["Pattern"])

    assert set(pattern["dynamodb"]["NewImage"]["status"]["S"]) == {status.value for status in DECIDED}
    assert pattern["dynamodb"]["Keys"]["pk"]["S"] == [{"prefix": "REMINDER#"}]


def test_the_webhook_offers_snapstart_on_its_published_versions_and_keeps_the_deadline_the_code_allows() -> None:
    from reminders.settings import WebhookConfig

    webhook = RESOURCES["WebhookFunction"]["Properties"]
    assert webhook["AutoPublishAlias"] == "live"
    assert webhook["SnapStart"] == {
        "Fn::If": ["UseWebhookSnapStart", {"ApplyOn": "PublishedVersions"}, {"Ref": "AWS::NoValue"}]
    }
    assert TEMPLATE["Conditions"]["UseWebhookSnapStart"] == {"Fn::Equals": [{"Ref": "WebhookSnapStart"}, "true"]}
    assert webhook["Environment"]["Variables"]["TURN_DEADLINE_MS"] == {"Ref": "TurnDeadlineMs"}
    parameter = TEMPLATE["Parameters"]["TurnDeadlineMs"]
    limits = {bound.__class__.__name__: bound for bound in WebhookConfig.model_fields["turn_deadline_ms"].metadata}
    assert limits["Ge"].ge <= parameter["MinValue"] <= parameter["Default"] <= parameter["MaxValue"] <= limits["Le"].le
    assert parameter["MaxValue"] < webhook["Timeout"] * 1000, "the deadline comes before Lambda's timeout"


def test_every_alarm_notifies_the_alarm_topic() -> None:
    alarms = {name: resource for name, resource in RESOURCES.items() if resource["Type"] == "AWS::CloudWatch::Alarm"}

    assert alarms
    for name, alarm in alarms.items():
        assert alarm["Properties"].get("AlarmActions") == [{"Ref": "AlarmTopic"}], name


def test_the_dashboard_is_json_and_shows_only_metrics_the_functions_emit() -> None:
    body, variables = RESOURCES["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    dashboard = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))
    emitted = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "functions").rglob("*.py"))

    custom = [
        line[1]
        for widget in dashboard["widgets"]
        for line in widget["properties"]["metrics"]
        if line[0] == "x"  # ${Namespace}: the functions' own metrics
    ]
    assert variables["Namespace"] == "AiFlowReminders"
    assert custom
    for metric in custom:
        assert f'"{metric}"' in emitted, f"no function emits {metric}"
