"""What reaches the practice from a call (issue 18): a wrong number, someone else answering, an open question.

Whole calls through the webhook's ``lambda_handler`` with the call simulator, then the dialer's answer check
for the attempt with the fake sipgate, on one table (DynamoDB as the suite runs it, SQS and Scheduler on
the moto server). Every test checks what the caller heard, what was stored and what the dialer does next.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from aiflow.testing import SimulatedCall
from aiflow.testing.sipgate import FakeSipgate
from reminders.dialing.dialer import Dialer, Disposition
from reminders.model.reminder import Language, Outcome, ReminderStatus, Via
from tests.harness.dialer import Clock, create_resources, make_dialer, serve_sipgate
from tests.harness.webhook import REMINDER_ID, Webhook, assert_decided, assert_goodbye_then_hangup, assert_open, dial

ANSWERED_BY_SOMEONE_ELSE = {
    Language.GERMAN: "Mein Mann ist gerade nicht da.",
    Language.ENGLISH: "My husband's not here right now.",
}
CALL_AGAIN = {
    Language.GERMAN: "Vielen Dank, dann rufen wir später noch einmal an. Auf Wiederhören.",
    Language.ENGLISH: "Thank you, then we'll call again later. Goodbye.",
}
PASS_IT_ON = {
    Language.GERMAN: "Vielen Dank. Bitte richten Sie aus, dass Praxis Dr. Weber angerufen hat. Auf Wiederhören.",
    Language.ENGLISH: "Thank you. Please let them know that Praxis Dr. Weber called. Goodbye.",
}
WRONG_NUMBER = {
    Language.GERMAN: ("Falsche Nummer.", "Dann ist die Nummer bei uns falsch hinterlegt"),
    Language.ENGLISH: ("Wrong number.", "Then we have the wrong number on file"),
}
CHECK_ATTEMPT_1 = {"kind": "check_answer", "reminder_id": REMINDER_ID, "attempt": 1}
APPOINTMENT_WORDS = {Language.GERMAN: ("Dezember", "10:30", "Termin am"), Language.ENGLISH: ("December", "10:30")}


@pytest.fixture
def sipgate() -> Iterator[FakeSipgate]:
    yield from serve_sipgate()


def dialer(webhook: Webhook, sipgate: FakeSipgate) -> Dialer:
    """The dialer on the webhook's table, at the next noon in the callee's zone (inside the calling window)."""
    clock = Clock.at_local(12, 0, "Europe/Berlin")
    if clock.offset < timedelta(0):
        clock.advance(timedelta(days=1).total_seconds())
    return make_dialer(create_resources(webhook.table), sipgate, clock=clock)


def _said_after_the_answer(call: SimulatedCall) -> str:
    """What the call said after the callee's last words."""
    last_words = max(index for index, line in enumerate(call.transcript) if line.speaker != "assistant")
    return " ".join(line.text for line in call.transcript[last_words + 1 :] if line.speaker == "assistant")


@pytest.mark.parametrize("language", [Language.GERMAN, Language.ENGLISH])
def test_a_wrong_number_closes_the_reminder_with_a_goodbye_that_tells_nothing(
    webhook: Webhook, sipgate: FakeSipgate, language: Language
) -> None:
    dial(webhook, language=language)
    call = webhook.call()
    answer, goodbye = WRONG_NUMBER[language]

    call.say(answer)

    call.assert_said(goodbye)
    assert_goodbye_then_hangup(call)
    goodbye_said = _said_after_the_answer(call)
    assert not any(word in goodbye_said for word in ("Erika", "Jane", "Weber", *APPOINTMENT_WORDS[language]))
    record = assert_decided(webhook, call, Outcome.WRONG_NUMBER, Via.SPEECH)
    assert record.status is ReminderStatus.WRONG_NUMBER
    # Final: the attempt's check and any later dial ring nobody.
    the_dialer = dialer(webhook, sipgate)
    assert the_dialer.handle(CHECK_ATTEMPT_1) == Disposition.CLOSED
    assert the_dialer.handle({"kind": "dial", "reminder_id": REMINDER_ID, "attempt": 2}) == Disposition.CLOSED
    assert sipgate.received == []


@pytest.mark.parametrize("language", [Language.GERMAN, Language.ENGLISH])
def test_someone_else_answering_keeps_the_reminder_for_its_next_attempt(
    webhook: Webhook, sipgate: FakeSipgate, language: Language
) -> None:
    dial(webhook, language=language, max_attempts=2)
    call = webhook.call()

    call.say(ANSWERED_BY_SOMEONE_ELSE[language])

    call.assert_said(CALL_AGAIN[language])
    assert_goodbye_then_hangup(call)
    noted = assert_open(webhook)  # the call's end recorded no no_decision
    assert noted.third_party_attempt == 1
    assert [entry.event for entry in noted.history][-1] == "answered by someone else"

    assert dialer(webhook, sipgate).handle(CHECK_ATTEMPT_1) == (Disposition.RETRY_SCHEDULED)
    retried = webhook.reminder()
    assert (retried.status, retried.outcome, retried.attempts) == (ReminderStatus.SCHEDULED, None, 1)
    assert retried.history[-1].event == "rescheduled"
    assert (retried.history[-1].detail or "").startswith(
        "attempt 1 was answered by someone else for the callee; call at"
    )


@pytest.mark.parametrize("language", [Language.GERMAN, Language.ENGLISH])
def test_someone_else_answering_the_last_attempt_closes_it_undecided_and_says_so(
    webhook: Webhook, sipgate: FakeSipgate, language: Language
) -> None:
    dial(webhook, language=language, max_attempts=1)
    call = webhook.call()

    call.say(ANSWERED_BY_SOMEONE_ELSE[language])

    call.assert_said(PASS_IT_ON[language])
    assert_goodbye_then_hangup(call)
    assert_open(webhook)

    assert dialer(webhook, sipgate).handle(CHECK_ATTEMPT_1) == (Disposition.UNDECIDED)
    closed = webhook.reminder()
    assert (closed.status, closed.outcome) == (ReminderStatus.NO_DECISION, Outcome.NO_DECISION)
    assert closed.third_party_answered_last
    assert closed.history[-1].detail == "attempt 1 was answered by someone else for the callee"
    assert sipgate.received == [], "never called again"
