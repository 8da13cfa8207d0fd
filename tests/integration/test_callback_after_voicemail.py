"""A callee who calls back after the last attempt's mailbox message, as the message asked (issue 12).

The reminder was closed as ``voicemail``; the call back must still get the private callback (nothing of the
reminder said to the inbound caller), the dialer reopens the reminder for that one call on the stored
number, and the callee confirms on it. Through the webhook's ``lambda_handler`` with the call simulator,
and the dialer with the fake sipgate, on one table.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from aiflow import phone
from aiflow.testing.sipgate import FakeSipgate
from reminders.dialing.dialer import Dialer, Disposition
from reminders.model.reminder import Outcome, ReminderStatus, Via
from tests.harness.dialer import Clock, create_resources, make_dialer, serve_sipgate
from tests.harness.webhook import CALLEE, REMINDER_ID, Webhook, assert_decided, assert_goodbye_then_hangup, dial

CALLING_BACK = "Vielen Dank für Ihren Anruf. Wir rufen Sie sofort unter Ihrer Nummer zurück. Auf Wiederhören."
NO_OPEN_REMINDER = "Zu Ihrer Nummer liegt gerade keine offene Terminerinnerung vor. Auf Wiederhören."


@pytest.fixture
def sipgate() -> Iterator[FakeSipgate]:
    yield from serve_sipgate()


def dialer(webhook: Webhook, sipgate: FakeSipgate) -> Dialer:
    """The dialer on the webhook's table, at the next noon in the callee's zone (inside the calling window).

    Never before now: the line claims the webhook ended are then over for the dialer too.
    """
    clock = Clock.at_local(12, 0, "Europe/Berlin")
    if clock.offset < timedelta(0):
        clock.advance(timedelta(days=1).total_seconds())
    return make_dialer(create_resources(webhook.table), sipgate, clock=clock)


def last_attempt_reaches_the_mailbox(webhook: Webhook) -> None:
    dial(webhook, max_attempts=1)
    mailbox = webhook.call()
    mailbox.say("Der Teilnehmer ist zurzeit nicht erreichbar. Bitte sprechen Sie nach dem Signalton.", barged_in=True)
    mailbox.stay_silent()
    mailbox.assert_said("rufen Sie uns bitte zurück")
    assert_decided(webhook, mailbox, Outcome.VOICEMAIL, None)


def test_a_call_back_after_the_last_mailbox_message_gets_the_callback_and_can_confirm(
    webhook: Webhook, sipgate: FakeSipgate
) -> None:
    last_attempt_reaches_the_mailbox(webhook)

    inbound = webhook.simulator().start_call(direction="inbound", from_phone_number=CALLEE)
    inbound.assert_said(CALLING_BACK)
    assert_goodbye_then_hangup(inbound)
    assert "Erika" not in inbound.transcript_text()
    [callback] = webhook.queued()
    assert callback == {"kind": "dial", "reminder_id": REMINDER_ID, "attempt": 2, "callback": True}
    assert webhook.reminder().status is ReminderStatus.VOICEMAIL, "the inbound call decides nothing"

    assert dialer(webhook, sipgate).handle(callback) == Disposition.DIALLED
    assert sipgate.rings_per_callee() == {phone.normalize(CALLEE): 1}, "the stored number, once"
    reopened = webhook.reminder()
    assert (reopened.status, reopened.outcome, reopened.attempts) == (ReminderStatus.CALLING, None, 2)

    back = webhook.call()
    back.assert_said("Erika Mustermann")
    back.press("1")
    back.assert_said("ist bestätigt")
    assert_decided(webhook, back, Outcome.CONFIRMED, Via.KEY)
    assert dialer(webhook, sipgate).handle(callback) == Disposition.CLOSED, "a second delivery rings nobody"
    assert sum(sipgate.rings_per_callee().values()) == 1


def test_a_plain_dial_never_reopens_a_reminder_closed_as_voicemail(webhook: Webhook, sipgate: FakeSipgate) -> None:
    last_attempt_reaches_the_mailbox(webhook)
    plain = {"kind": "dial", "reminder_id": REMINDER_ID, "attempt": 2}
    assert dialer(webhook, sipgate).handle(plain) == Disposition.CLOSED
    assert webhook.reminder().status is ReminderStatus.VOICEMAIL
    assert sipgate.received == []


def test_no_callback_once_the_message_is_days_old(webhook: Webhook, sipgate: FakeSipgate) -> None:
    last_attempt_reaches_the_mailbox(webhook)
    webhook.repository.client.update_item(  # the message was left four days ago
        TableName=webhook.table,
        Key={"pk": {"S": f"REMINDER#{REMINDER_ID}"}},
        UpdateExpression="SET decided_at = :then",
        ExpressionAttributeValues={":then": {"S": "2020-01-01T10:00:00+00:00"}},
    )

    inbound = webhook.simulator().start_call(direction="inbound", from_phone_number=CALLEE)
    inbound.assert_said(NO_OPEN_REMINDER)
    assert webhook.queued() == []
    callback = {"kind": "dial", "reminder_id": REMINDER_ID, "attempt": 2, "callback": True}
    assert dialer(webhook, sipgate).handle(callback) == Disposition.CLOSED
    assert sipgate.received == []
