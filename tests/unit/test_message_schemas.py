"""The messages other systems send: docs/integration.md's examples fit the JSON Schemas in schemas/ and the parser."""

from __future__ import annotations

import itertools
import json
import re
import shlex
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reminders.messages import (
    CancelMessage,
    DialMessage,
    ForgetMessage,
    InvalidCallMessage,
    ScheduleMessage,
    parse_call_message,
)

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = {
    "schedule": "schedule-message.schema.json",
    "cancel": "cancel-message.schema.json",
    "dial": "dial-message.schema.json",
    "forget": "forget-message.schema.json",
}
PARSED = {"schedule": ScheduleMessage, "cancel": CancelMessage, "dial": DialMessage, "forget": ForgetMessage}


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    return schema


def _readme_messages() -> list[dict[str, Any]]:
    """Every message docs/integration.md sends with `aws sqs send-message` or `aws events put-events`."""
    readme = (ROOT / "docs" / "integration.md").read_text(encoding="utf-8")
    messages = []
    for block in re.findall(r"```sh\n(.*?)```", readme, flags=re.DOTALL):
        words = shlex.split(block, comments=True)
        for flag, value in itertools.pairwise(words):
            if flag == "--message-body":
                messages.append(json.loads(value))
            elif flag == "--entries":
                messages.extend(json.loads(entry["Detail"]) for entry in json.loads(value))
    return messages


def test_the_readme_shows_every_kind_on_the_queue_or_the_bus() -> None:
    assert {message.get("kind") for message in _readme_messages()} == set(SCHEMAS)


@pytest.mark.parametrize("message", _readme_messages(), ids=lambda message: message.get("kind"))
def test_each_readme_message_fits_its_schema_and_the_parser(message: dict[str, Any]) -> None:
    jsonschema.validate(message, _schema(SCHEMAS[message["kind"]]))

    assert isinstance(parse_call_message(json.dumps(message)), PARSED[message["kind"]])


def test_a_bare_reminder_fits_the_reminder_schema_and_is_a_schedule_message() -> None:
    (schedule,) = [message for message in _readme_messages() if message["kind"] == "schedule"]
    bare = schedule["reminder"]

    jsonschema.validate(bare, _schema("reminder.schema.json"))
    parsed = parse_call_message(json.dumps(bare))
    assert isinstance(parsed, ScheduleMessage)
    assert parsed.reminder.reminder_id == bare["reminder_id"]


@pytest.mark.parametrize(
    "message",
    [{"kind": "forget"}, {"kind": "forget", "reminder_id": "appt-1", "to_phone_number": "+4915790000687"}],
    ids=["neither", "both"],
)
def test_a_forget_message_names_a_reminder_or_a_number_not_both(message: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(message, _schema(SCHEMAS["forget"]))
    with pytest.raises(InvalidCallMessage, match="either reminder_id or to_phone_number"):
        parse_call_message(message)
