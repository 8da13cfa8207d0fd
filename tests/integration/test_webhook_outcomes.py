"""What reaches the practice from a call (issue 18): a wrong number, someone else answering, an open question,
a request for another time asked as a question.

Whole calls through the webhook's ``lambda_handler`` with the call simulator, then the dialer's answer check
for the attempt with the fake sipgate, on one table (DynamoDB as the suite runs it, SQS and Scheduler on
the moto server). Every test checks what the caller heard, what was stored and what the dialer does next.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import boto3
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


@pytest.mark.parametrize(
    ("language", "answer", "preferred"),
    [
        (Language.ENGLISH, "Could we make it Friday at 9 instead?", {"weekday": "friday", "time": "09:00"}),
        (Language.GERMAN, "Ginge es auch am Mittwoch um 15 Uhr?", {"weekday": "wednesday", "time": "15:00"}),
        (Language.GERMAN, "Geht es auch an einem anderen Tag?", None),
        (Language.ENGLISH, "Can we move it to Friday afternoon?", {"weekday": "friday", "part_of_day": "afternoon"}),
    ],
)
def test_another_time_asked_for_as_a_question_reaches_the_practice_as_the_request_alone(
    webhook: Webhook, language: Language, answer: str, preferred: dict[str, str] | None
) -> None:
    dial(webhook, language=language)
    call = webhook.call()

    call.say(answer)

    assert_goodbye_then_hangup(call)
    record = assert_decided(webhook, call, Outcome.RESCHEDULE_REQUESTED, Via.SPEECH)
    assert not record.question_open, "the question is the request: no other question is left for the practice"
    assert not any(words in _said_after_the_answer(call) for words in ("Ihre Frage", "your question"))
    stated = record.preferred_time.stated() if record.preferred_time else None
    assert (stated is None) == (preferred is None)
    assert preferred is None or preferred.items() <= (stated or {}).items()


@pytest.mark.parametrize(
    ("language", "answer"),
    [
        (Language.GERMAN, "Können wir auf Freitag verschieben? Und brauche ich eine Überweisung?"),
        (Language.ENGLISH, "Could we do Friday instead? And is there parking?"),
    ],
)
def test_a_question_for_the_practice_besides_the_request_is_kept_open(
    webhook: Webhook, language: Language, answer: str
) -> None:
    dial(webhook, language=language)
    call = webhook.call()

    call.say(answer)

    assert_goodbye_then_hangup(call)
    record = assert_decided(webhook, call, Outcome.RESCHEDULE_REQUESTED, Via.SPEECH)
    assert record.question_open
    assert record.preferred_time is not None
    assert record.preferred_time.weekday == "friday"


@pytest.mark.parametrize(
    ("language", "question", "yes"),
    [
        (Language.GERMAN, "Brauche ich eine Überweisung?", "Ja, ich komme."),
        (Language.ENGLISH, "Is there parking?", "Yes, I'll be there."),
    ],
)
def test_a_question_for_the_practice_is_kept_open_on_the_outcome_as_a_flag_not_the_words(
    webhook: Webhook, language: Language, question: str, yes: str
) -> None:
    dial(webhook, language=language)
    call = webhook.call()

    call.say(question)
    assert_open(webhook)  # the decision is still asked for
    call.say(yes)

    assert_goodbye_then_hangup(call)
    record = assert_decided(webhook, call, Outcome.CONFIRMED, Via.SPEECH)
    assert record.question_open
    stored = boto3.client("dynamodb").get_item(TableName=webhook.table, Key={"pk": {"S": f"REMINDER#{REMINDER_ID}"}})
    assert question.rstrip("?").split()[-1] not in json.dumps(stored["Item"], ensure_ascii=False), "never the words"
