"""The deployed webhook under moto's in-process ``mock_aws`` alone, as a user of the stack first tests it.

No moto server and no DynamoDB Local: ``mock_aws`` answers in this process, from botocore's ``before-send``
event, so every AWS call the webhook makes must go through a botocore client to be answered (a request
signed and sent by hand would go to AWS itself). What the webhook meets is what ``template.yaml`` declares:
``local.template.LocalStackResources`` creates the table (``create_table``), the queues and the SSM
SecureStrings the template names inside the mock, and resolves the webhook's environment from the template.
The caller is the SDK's call simulator with the token from SSM.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from aiflow.testing import CallSimulator, LambdaTarget
from local.template import REGION, LocalStackResources
from reminders.model.reminder import Outcome, Via
from tests.harness.aws import NUMBER_KEY
from tests.harness.webhook import (
    CALLER_NAME,
    Webhook,
    assert_decided,
    assert_goodbye_then_hangup,
    cold_start,
    dial,
    session_start,
)

APOLOGY = "Entschuldigung"
QUESTION = "Um den Termin zu bestätigen, sagen Sie Ja oder drücken Sie die 1."


@pytest.fixture
def mocked_webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Webhook, str]]:
    """Inside ``mock_aws``: the template's resources, and the webhook started cold on the template's environment."""
    for variable in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL_SQS"):
        monkeypatch.delenv(variable, raising=False)  # an endpoint of our own would take the calls past the mock
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        resources = LocalStackResources(
            stack_name="mocked", client=boto3.client, parameter_overrides={"CallerName": CALLER_NAME}
        )
        resources.create()
        environment = resources.functions()["WebhookFunction"].environment
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        # The test's repository hashes numbers under the harness's key: the webhook reads the same one.
        boto3.client("ssm").put_parameter(
            Name=environment["NUMBER_KEY_PARAMETER"], Value=NUMBER_KEY, Type="SecureString", Overwrite=True
        )
        # The template's 800 ms is a budget for DynamoDB and SSM in the region; moto answering in this process, on a
        # machine busy with parallel tests, took longer and the first turn ran out of time. The subject here is
        # which path the requests take, not their latency (the deadline's own tests keep the template's budget).
        monkeypatch.setenv("TURN_DEADLINE_MS", "5000")
        token = resources.secrets[environment["WEBHOOK_TOKEN_PARAMETER"]]
        yield Webhook(cold_start(), environment["TABLE_NAME"], environment["CALL_QUEUE_URL"]), token


def test_the_deployed_webhook_answers_a_call_under_mock_aws_alone(mocked_webhook: tuple[Webhook, str]) -> None:
    webhook, token = mocked_webhook
    dial(webhook)

    call = CallSimulator(LambdaTarget(webhook.app.lambda_handler), token).start_call(
        direction="outbound", to_phone_number="+4915790000687"
    )
    assert not call.actions[0]["text"].startswith(APOLOGY), "the apology: the token was not read from the mock's SSM"
    call.assert_said(QUESTION)
    call.press("1")

    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CONFIRMED, Via.KEY)


def test_a_wrong_token_is_refused_under_mock_aws(mocked_webhook: tuple[Webhook, str]) -> None:
    webhook, token = mocked_webhook
    headers = {"Content-Type": "application/json", "X-API-TOKEN": token}

    assert webhook.post(session_start(), headers)["statusCode"] == 200
    refused = webhook.post(session_start(), {**headers, "X-API-TOKEN": "not-the-token"})

    assert refused["statusCode"] == 401
    assert json.loads(refused["body"]) == {"error": "missing or wrong X-API-TOKEN"}
