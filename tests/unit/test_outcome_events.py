"""Which stream records are outcome events, and what their details say (reminders.messages.outcome_events)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from boto3.dynamodb.types import TypeSerializer

from reminders.messages.outcome_events import DETAIL_TYPE, OPERATOR, SOURCE, outcome_event
from reminders.model.reminder import DECIDED, Outcome, ReminderRecord, ReminderStatus, SmsFate, Via

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "reminder-outcome.schema.json").read_text(encoding="utf-8"))
NUMBER = "+4915712345678"


def _image(**changes: Any) -> dict[str, Any]:
    record = ReminderRecord(
        reminder_id="appt-7",
        to_phone_number=NUMBER,
        appointment_at=datetime(2026, 12, 3, 10, 30, tzinfo=UTC),
        time_zone="Europe/Berlin",
        name="Erika Mustermann",
        location="Praxis Weber, Hauptstr. 1",
        **changes,
    )
    values = {"pk": "REMINDER#appt-7", **record.model_dump(mode="json", exclude_none=True)}
    return {name: TypeSerializer().serialize(value) for name, value in values.items()}


def _record(new: dict[str, Any] | None, old: dict[str, Any] | None, key: str = "REMINDER#appt-7") -> dict[str, Any]:
    change: dict[str, Any] = {"Keys": {"pk": {"S": key}}, "SequenceNumber": "1"}
    if new is not None:
        change["NewImage"] = new
    if old is not None:
        change["OldImage"] = old
    return {"eventName": "MODIFY", "eventSource": "aws:dynamodb", "dynamodb": change}


def _decided_fields(outcome: Outcome, via: Via | None = None) -> dict[str, Any]:
    return {
        "status": ReminderStatus(outcome.value),
        "outcome": outcome,
        "outcome_via": via,
        "outcome_session_id": "session-1" if via else None,
        "attempts": 2,
        "decided_at": datetime(2026, 12, 2, 9, 1, tzinfo=UTC),
    }


def _decided(outcome: Outcome, via: Via | None = None) -> dict[str, Any]:
    return _image(**_decided_fields(outcome, via))


@pytest.mark.parametrize("outcome", list(Outcome))
def test_a_reminder_reaching_its_outcome_is_one_event_that_matches_the_schema(outcome: Outcome) -> None:
    via = Via.SPEECH if outcome in {Outcome.CONFIRMED, Outcome.CANCELLED} else None
    detail = outcome_event(_record(_decided(outcome, via), _image(status=ReminderStatus.CALLING, attempts=2)))

    assert detail is not None
    assert detail.event_id == f"appt-7#{outcome.value}"
    assert (detail.outcome, detail.via, detail.attempts) == (outcome.value, via.value if via else None, 2)
    payload = json.loads(detail.model_dump_json())
    jsonschema.validate(payload, SCHEMA)
    assert NUMBER[1:] not in json.dumps(payload)
    assert "Mustermann" not in json.dumps(payload)


def test_an_operators_cancellation_is_an_event_via_operator() -> None:
    cancelled = _image(status=ReminderStatus.CANCELLED, updated_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC))

    detail = outcome_event(_record(cancelled, _image()))

    assert detail is not None
    assert (detail.outcome, detail.via, detail.event_id) == ("cancelled", OPERATOR, "appt-7#cancelled")
    assert detail.decided_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    jsonschema.validate(json.loads(detail.model_dump_json()), SCHEMA)


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(_record(_image(), None), id="a new scheduled reminder"),
        pytest.param(_record(_image(status=ReminderStatus.CALLING), _image()), id="dialled"),
        pytest.param(_record(_decided(Outcome.CONFIRMED), _decided(Outcome.CONFIRMED)), id="a note on a closed one"),
        pytest.param(_record(None, _decided(Outcome.CONFIRMED)), id="deleted"),
        pytest.param(
            _record({"pk": {"S": "SESSION#s"}, "status": {"S": "confirmed"}}, None, "SESSION#s"), id="session"
        ),
    ],
)
def test_records_that_close_no_reminder_are_no_event(record: dict[str, Any]) -> None:
    assert outcome_event(record) is None


def test_the_schema_lists_every_final_status_as_an_outcome() -> None:
    assert set(SCHEMA["properties"]["outcome"]["enum"]) == {status.value for status in DECIDED}


def test_the_committed_schemas_are_generated_from_the_models() -> None:
    check = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "scripts" / "write-schemas"), "--check"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_the_readmes_example_event_fits_the_schema() -> None:
    readme = (ROOT / "docs" / "integration.md").read_text(encoding="utf-8")  # its outcome event
    (example,) = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", readme, flags=re.DOTALL)]

    assert (example["source"], example["detail-type"]) == (SOURCE, DETAIL_TYPE)
    jsonschema.validate(example["detail"], SCHEMA)


TEXTED = frozenset({Outcome.NO_ANSWER, Outcome.VOICEMAIL})


def _texted(outcome: Outcome, sms: SmsFate | None) -> dict[str, Any]:
    return _image(
        status=ReminderStatus(outcome.value), outcome=outcome, attempts=3, sms=sms, decided_at=datetime.now(UTC)
    )


@pytest.mark.parametrize(
    ("fate", "said"),
    [(SmsFate.SENT, "sent"), (SmsFate.REFUSED, "refused"), (SmsFate.MAYBE_SENT, "unknown"), (SmsFate.SKIPPED, "none")],
)
def test_a_texted_outcome_is_published_once_its_sms_is_settled_and_says_its_fate(fate: SmsFate, said: str) -> None:
    calling = _image(status=ReminderStatus.CALLING, attempts=3)
    closed = _texted(Outcome.NO_ANSWER, None)

    assert outcome_event(_record(closed, calling), TEXTED) is None  # waits for the SMS
    for waiting in (SmsFate.DEFERRED, SmsFate.SENDING):
        assert outcome_event(_record(_texted(Outcome.NO_ANSWER, waiting), closed), TEXTED) is None
    detail = outcome_event(
        _record(_texted(Outcome.NO_ANSWER, fate), _texted(Outcome.NO_ANSWER, SmsFate.SENDING)), TEXTED
    )

    assert detail is not None
    assert (detail.outcome, detail.sms, detail.event_id) == ("no_answer", said, "appt-7#no_answer")
    jsonschema.validate(json.loads(detail.model_dump_json()), SCHEMA)
    settled = _texted(Outcome.NO_ANSWER, fate)
    assert outcome_event(_record(settled, settled), TEXTED) is None  # a later note is no second event


def test_an_outcome_without_sms_is_published_at_once_with_none() -> None:
    detail = outcome_event(_record(_texted(Outcome.VOICEMAIL, None), _image(status=ReminderStatus.CALLING)))

    assert detail is not None
    assert detail.sms == "none"


def test_a_preferred_time_is_in_the_event_as_the_parts_said() -> None:
    asked = {"weekday": "friday", "date": "2026-12-04", "time": "09:00"}
    rescheduled = _image(
        status=ReminderStatus.RESCHEDULE_REQUESTED,
        outcome=Outcome.RESCHEDULE_REQUESTED,
        outcome_via=Via.SPEECH,
        attempts=1,
        preferred_time=asked,
        decided_at=datetime(2026, 12, 2, 9, 1, tzinfo=UTC),
    )

    detail = outcome_event(_record(rescheduled, _image(status=ReminderStatus.CALLING, attempts=1)))

    assert detail is not None
    payload = json.loads(detail.model_dump_json())
    assert payload["preferred_time"] == asked, "only the parts said, none as null"
    assert (payload["question_open"], payload["third_party"]) == (False, False)
    jsonschema.validate(payload, SCHEMA)


def test_an_open_question_is_a_flag_in_the_event() -> None:
    asked = _image(**{**_decided_fields(Outcome.CONFIRMED, Via.SPEECH), "question_open": True})

    detail = outcome_event(_record(asked, _image(status=ReminderStatus.CALLING, attempts=2)))

    assert detail is not None
    assert (detail.outcome, detail.question_open, detail.preferred_time) == ("confirmed", True, None)
    jsonschema.validate(json.loads(detail.model_dump_json()), SCHEMA)


@pytest.mark.parametrize(
    ("third_party_attempt", "expected"),
    [
        pytest.param(2, True, id="the last call reached someone else"),
        pytest.param(1, False, id="an earlier call did, the last reached nobody"),
        pytest.param(0, False, id="never"),
    ],
)
def test_the_event_says_whether_someone_else_answered_the_last_call(third_party_attempt: int, expected: bool) -> None:
    closed = _image(**{**_decided_fields(Outcome.NO_DECISION), "third_party_attempt": third_party_attempt})

    detail = outcome_event(_record(closed, _image(status=ReminderStatus.CALLING, attempts=2)))

    assert detail is not None
    assert detail.third_party is expected
    jsonschema.validate(json.loads(detail.model_dump_json()), SCHEMA)


def test_the_schema_forbids_the_callees_words_in_a_preferred_time() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"weekday": "friday", "said": "Freitag um neun"}, SCHEMA["$defs"]["PreferredTime"])
