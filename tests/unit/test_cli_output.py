"""The command line's parts that need no AWS: the progress bar, the help and reading a CSV file."""

from __future__ import annotations

import contextlib
import io

import pytest
from rich.console import Console

from reminders.operations.cli import cli, row_progress
from reminders.operations.csv_import import CsvFormatError, Row, read_rows


def test_the_progress_bar_draws_in_place_on_a_terminal_and_ends_full() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80, color_system=None)

    with row_progress(console, 120) as advance:
        for done in range(1, 121):
            advance(done)

    frames = [frame for frame in screen.getvalue().replace("\x1b[2K", "").split("\r") if frame.strip()]
    assert frames[-1].startswith("importing ")
    assert " 120/120 rows " in frames[-1]
    assert screen.getvalue().count("\n") == 1, "redrawn in place: one line when done"


def test_help_lists_every_command() -> None:
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(SystemExit) as exited, contextlib.redirect_stdout(out):
        cli.main(["--help"], prog_name="reminders")

    assert exited.value.code == 0
    commands = out.getvalue().split("Commands:")[1].split()
    for command in ("call-now", "cancel", "import", "list", "schedule", "status"):
        assert command in commands
    assert err.getvalue() == ""


def test_rows_are_numbered_as_a_spreadsheet_shows_them() -> None:
    text = (
        "Reminder_ID , to_phone_number,appointment_at,time_zone,name,location\n"
        "appt-1, +4915790000001 ,2030-03-01T10:00,Europe/Berlin,Ada,\n"
        "\n"
        '"appt-2",+4915790000002,2030-03-01T11:00,Europe/Berlin,"Hopper, Grace","Room 2"\n'
        "appt-3,+4915790000003,2030-03-01T12:00,Europe/Berlin,Alan,,surplus\n"
    )

    rows = read_rows(io.StringIO(text))

    assert rows == [
        Row(2, {"reminder_id": "appt-1", "to_phone_number": "+4915790000001", **_when("10"), "name": "Ada"}),
        Row(
            4,
            {
                "reminder_id": "appt-2",
                "to_phone_number": "+4915790000002",
                **_when("11"),
                "name": "Hopper, Grace",
                "location": "Room 2",
            },
        ),
        Row(5, {"reminder_id": "appt-3", "to_phone_number": "+4915790000003", **_when("12"), "name": "Alan"}, 1),
    ]


def _when(hour: str) -> dict[str, str]:
    return {"appointment_at": f"2030-03-01T{hour}:00", "time_zone": "Europe/Berlin"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty: row 1 must name the columns"),
        ("reminder_id,phone,appointment_at,time_zone,name\n", "row 1: unknown column(s) phone"),
        ("reminder_id,name,name,to_phone_number,appointment_at,time_zone\n", "row 1: column(s) name appear more"),
        ("reminder_id,to_phone_number,name\n", "row 1: required column(s) appointment_at, time_zone missing"),
    ],
)
def test_an_unusable_header_is_refused_with_its_reason(text: str, message: str) -> None:
    with pytest.raises(CsvFormatError) as raised:
        read_rows(io.StringIO(text))

    assert str(raised.value).startswith(message)
