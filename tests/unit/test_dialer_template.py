"""What template.yaml promises about the dialer's entrances: https to sipgate, call messages only on the
stack's own bus from the principals its policy names, and the reconciler on its schedule."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.harness.template import template

TEMPLATE = template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://api.sipgate.com", True),
        ("https://proxy.example.com/sipgate", True),
        ("http://api.sipgate.com", False),  # the token would travel in clear text
        ("ftp://api.sipgate.com", False),
    ],
)
def test_the_sipgate_base_url_must_be_https(url: str, allowed: bool) -> None:
    pattern = TEMPLATE["Parameters"]["SipgateBaseUrl"]["AllowedPattern"]

    assert (re.fullmatch(pattern, url) is not None) is allowed


def test_call_messages_come_only_from_the_stacks_own_bus() -> None:
    rule = RESOURCES["DialerFunction"]["Properties"]["Events"]["ReminderEvent"]

    assert rule["Type"] == "EventBridgeRule"
    assert rule["Properties"]["EventBusName"] == {"Ref": "ReminderEventBus"}, "never the default bus"
    assert RESOURCES["ReminderEventBus"]["Type"] == "AWS::Events::EventBus"
    assert TEMPLATE["Outputs"]["EventBusName"]["Value"] == {"Ref": "ReminderEventBus"}


def test_the_bus_policy_denies_call_messages_from_everyone_but_the_named_senders() -> None:
    [deny, _allow] = RESOURCES["ReminderEventBus"]["Properties"]["Policy"]["Statement"]

    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "events:PutEvents")
    with_senders, without_senders = deny["Condition"]["Fn::If"][1:]
    assert with_senders["StringEquals"] == {"events:detail-type": "Reminder call"}
    assert with_senders["ArnNotLike"] == {"aws:PrincipalArn": {"Ref": "CallSenderPrincipalArns"}}
    assert without_senders == {"StringEquals": {"events:detail-type": "Reminder call"}}, "nobody, by default"
    assert TEMPLATE["Parameters"]["CallSenderPrincipalArns"]["Default"] == ""


def test_the_reconciler_runs_every_five_minutes_with_its_grace_and_the_minimum_notice() -> None:
    reconciler = RESOURCES["ReconcilerFunction"]["Properties"]
    [schedule] = reconciler["Events"].values()

    assert schedule["Type"] == "ScheduleV2"
    assert schedule["Properties"]["ScheduleExpression"] == "rate(5 minutes)"
    variables = reconciler["Environment"]["Variables"]
    assert variables["RECONCILE_GRACE_MINUTES"] == {"Ref": "ReconcileGraceMinutes"}
    assert variables["MIN_NOTICE_MINUTES"] == {"Ref": "MinNoticeMinutes"}
    assert RESOURCES["DialerFunction"]["Properties"]["Environment"]["Variables"]["MIN_NOTICE_MINUTES"] == {
        "Ref": "MinNoticeMinutes"
    }
    assert TEMPLATE["Parameters"]["MinNoticeMinutes"]["Default"] == 60
    alarm = RESOURCES["ReconcilerRecoveredAlarm"]["Properties"]
    assert (alarm["MetricName"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
        "Reconciled",
        0,
        "GreaterThanThreshold",
    )
