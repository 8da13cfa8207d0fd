"""Faults the webhook meets in the middle of a call: a throttled table, a table that fails one write, a token
it cannot read. Each scenario states what the caller hears, what is recorded on the reminder, and that the
reminder is not lost: it ends decided, and if the call failed the callee is called again.

The webhook is ``functions/webhook/app.py:lambda_handler`` started cold, driven by the SDK's call simulator;
DynamoDB answers from the moto server, or with the throttling errors DynamoDB sends (:class:`ThrottledTable`).
After the call the dialer Lambda (on the same table, with a fake sipgate nobody answers) works off its queue:
the answer check of the attempt the webhook was called for, and whatever that check schedules.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import boto3
import pytest

from aiflow.testing.sipgate import FakeSipgate
from reminders.model.reminder import Language, Outcome, ReminderRecord, ReminderStatus, Via
from tests.harness.dialer import Clock, Handler, Poller, Resources, make_dialer, midday_zone, use
from tests.harness.reliability import (
    SsmDenial,
    ThrottledTable,
    announced_outcome,
    dialled,
    line_release,
    outcome_events,
    session_item,
    settle,
)
from tests.harness.webhook import (
    CALLEE,
    CALLEE_DIGITS,
    REMINDER_ID,
    TOKEN,
    Webhook,
    assert_decided,
    assert_goodbye_then_hangup,
    assert_open,
    let_the_token_cache_expire,
)

THROTTLES = ["ProvisionedThroughputExceededException", "ThrottlingException"]
APOLOGY = "Entschuldigung, bei uns ist gerade ein technischer Fehler aufgetreten."


def ring(webhook: Webhook) -> None:
    """The dialer rang the callee about reminder r-1 (in a zone where it is about noon, so a retry is soon)."""
    dialled(webhook.repository, REMINDER_ID, CALLEE, time_zone=midday_zone())


@dataclass
class Dialer:
    """The dialer Lambda on the webhook's table; its clock runs ahead to each queued message when it is due."""

    poller: Poller
    clock: Clock
    sipgate: FakeSipgate
    resources: Resources

    def after_the_call(self, reminder_id: str = REMINDER_ID, attempt: int = 1) -> None:
        """Work off the answer check the dialer queued when it dialled the attempt, and all that follows."""
        boto3.client("sqs").send_message(
            QueueUrl=self.resources.queue_url,
            MessageBody=json.dumps({"kind": "check_answer", "reminder_id": reminder_id, "attempt": attempt}),
            DelaySeconds=160,  # the answer timeout and the dial budget
        )
        settle(self.poller, self.clock)


@pytest.fixture
def dialer(handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch) -> Dialer:
    clock = Clock()
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock, retry_delay_minutes=5))
    return Dialer(Poller(handler, resources), clock, sipgate, resources)


def assert_called_again_until_closed(webhook: Webhook, dialer: Dialer) -> ReminderRecord:
    """The callee's phone rang again for each further attempt, once each, until the reminder closed."""
    record = webhook.reminder()
    assert record.is_decided, f"the reminder is still {record.status.value}: {[e.event for e in record.history]}"
    assert dialer.sipgate.rang() == [CALLEE_DIGITS] * (record.attempts - 1), "one ring per further attempt"
    assert record.attempts > 1, "the callee was called again"
    return record


# Throttling.


@pytest.mark.parametrize("code", THROTTLES)
def test_one_throttled_request_is_retried_and_the_caller_notices_nothing(webhook: Webhook, code: str) -> None:
    ring(webhook)
    table = ThrottledTable(webhook.app.dynamodb, code)
    call = webhook.call()

    table.next_requests(1, lambda operation, request: operation == "GetItem")
    call.say("Ja, ich komme.")

    call.assert_said("ist bestätigt")  # heard: the confirmation, as without the fault
    assert_goodbye_then_hangup(call)
    assert table.throttled == ["GetItem"]
    assert table.sent.count("GetItem") >= 2, "botocore tried the read again"
    record = assert_decided(webhook, call, Outcome.CONFIRMED, Via.SPEECH)  # recorded once
    assert outcome_events(record) == ["confirmed"]


@pytest.mark.parametrize("code", THROTTLES)
def test_a_table_throttled_at_the_greeting_gets_an_apology_and_the_callee_is_called_again(
    webhook: Webhook, dialer: Dialer, code: str
) -> None:
    ring(webhook)
    table = ThrottledTable(webhook.app.dynamodb, code)
    table.everything()

    call = webhook.call()

    call.assert_said(APOLOGY)  # heard: the apology, which promises a call back, then the hangup
    call.assert_hung_up()
    table.nothing()  # the table recovers
    record = assert_open(webhook)  # recorded: nothing, the answer could not be noted
    assert record.answered_attempt == 0
    dialer.after_the_call()
    record = assert_called_again_until_closed(webhook, dialer)
    assert record.status is ReminderStatus.NO_ANSWER  # nobody answered the further attempts
    assert outcome_events(record) == ["no_answer"]


@pytest.mark.parametrize(
    "outage",
    ["the table is throttled from the answer to the end of the call", "only the greeting's state is not saved"],
)
def test_an_answered_call_that_loses_its_state_is_called_again_as_promised(
    webhook: Webhook, dialer: Dialer, outage: str
) -> None:
    ring(webhook)
    table = ThrottledTable(webhook.app.dynamodb, "ThrottlingException")
    if outage.startswith("only"):
        table.next_requests(2, lambda operation, request: operation != "GetItem" and session_item(operation, request))
        call = webhook.call()
    else:
        call = webhook.call()
        table.everything()
        call.say("Ja")

    call.assert_said(APOLOGY)  # heard: "... If we can't continue, we'll call you back later."
    call.assert_hung_up()
    assert table.throttled
    table.nothing()  # the table recovers after the call
    record = assert_open(webhook)  # recorded: no decision; the answer only if the greeting's state was saved
    # The answer is noted in the same transaction as the greeting's state: both or neither.
    assert record.answered_attempt == (0 if outage.startswith("only") else 1)
    assert record.outcome is None

    dialer.after_the_call()  # not lost: as the apology promised, the callee is called again
    record = assert_called_again_until_closed(webhook, dialer)
    assert outcome_events(record) == ["no_answer"]


# A write failing in the middle of the call.


@pytest.mark.parametrize("second_answer", ["1", "2"], ids=["answers-the-same", "answers-the-other-way"])
def test_a_decision_that_cannot_be_written_apologises_and_the_next_answer_decides(
    webhook: Webhook, second_answer: str
) -> None:
    ring(webhook)
    table = ThrottledTable(webhook.app.dynamodb, "ProvisionedThroughputExceededException")
    call = webhook.call()

    # The outcome and the line's release are one transaction: throttled (and retried), neither is written.
    table.next_requests(2, line_release)
    call.press("1")
    call.assert_said(APOLOGY)
    assert not call.ended, "the apology asks again: the call goes on"
    assert webhook.reminder().outcome is None

    call.stay_silent()
    call.assert_said("Sind Sie noch da?")
    call.press(second_answer)  # the callee answers again, the same or the other way

    assert_goodbye_then_hangup(call)
    decided = Outcome.CONFIRMED if second_answer == "1" else Outcome.CANCELLED
    record = assert_decided(webhook, call, decided, Via.KEY)  # recorded once, the line freed
    assert outcome_events(record) == [decided.value]
    goodbye = call.actions[-2]["text"]
    assert announced_outcome(goodbye, Language.GERMAN) in (None, record.outcome), (
        f"the reminder is {record.outcome.value}, but the caller heard {goodbye!r}"
    )


# The token parameter.


@pytest.fixture
def ssm(monkeypatch: pytest.MonkeyPatch) -> SsmDenial:
    return SsmDenial().install(monkeypatch)


def make_unreadable(cause: str, parameter: str, ssm: SsmDenial) -> None:
    if cause == "missing":
        boto3.client("ssm").delete_parameter(Name=parameter)
    else:
        ssm.denied.add(parameter)


def session_start(direction: str = "outbound", number: str = CALLEE) -> str:
    session = {
        "id": str(uuid.uuid4()),
        "direction": direction,
        f"{'to' if direction == 'outbound' else 'from'}_phone_number": number,
    }
    return json.dumps({"type": "session_start", "session": session})


@pytest.mark.parametrize("cause", ["missing", "denied"])
def test_a_new_webhook_without_its_token_apologises_and_the_callee_is_called_again(
    webhook: Webhook, dialer: Dialer, token_parameter: str, ssm: SsmDenial, cause: str
) -> None:
    ring(webhook)
    make_unreadable(cause, token_parameter, ssm)

    reply = webhook.post(session_start())  # the first request of a new execution environment

    # Heard: the apology, which says nothing of any reminder (the webhook cannot tell sipgate from anyone else).
    assert reply["statusCode"] == 200
    assert json.loads(reply["body"])["text"].startswith(APOLOGY)
    record = assert_open(webhook)  # recorded: nothing, the call was never answered for the reminder
    assert record.answered_attempt == 0

    # SSM answers again; the same environment serves the next call, without a cold start.
    if cause == "missing":
        boto3.client("ssm").put_parameter(Name=token_parameter, Value=TOKEN, Type="SecureString")
    ssm.denied.clear()
    assert webhook.post(session_start("inbound", "+4930123456789"))["statusCode"] == 200

    dialer.after_the_call()  # not lost: the unanswered attempt is dialled again
    record = assert_called_again_until_closed(webhook, dialer)
    assert outcome_events(record) == ["no_answer"]


def test_a_warm_webhook_keeps_its_token_while_ssm_denies_it(
    webhook: Webhook, token_parameter: str, ssm: SsmDenial
) -> None:
    ring(webhook)
    call = webhook.call()
    ssm.denied.add(token_parameter)
    let_the_token_cache_expire(webhook)  # the cache period ends mid-call

    call.press("2")

    call.assert_said("ist abgesagt")  # heard: the call as without the fault
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CANCELLED, Via.KEY)
