"""Reading the time a callee asks for: each form in German and English (regional and speech-recogniser
spellings with it), each rule that resolves it, and the words that look like times and are not.

The appointment is Tuesday 2026-03-03 10:00 in Berlin and the call comes on Monday 2026-03-02, unless a
test says otherwise.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from reminders.conversation.preferred_time import mentions_a_time, read_preferred_time
from reminders.model.preferred_time import PreferredTime

BERLIN = ZoneInfo("Europe/Berlin")
APPOINTMENT = datetime(2026, 3, 3, 10, 0, tzinfo=BERLIN)
CALLED = datetime(2026, 3, 2, 17, 30, tzinfo=BERLIN)


def read(text: str, *, appointment: datetime = APPOINTMENT, now: datetime | None = CALLED) -> dict[str, str]:
    wish = read_preferred_time(text, appointment=appointment, now=now)
    return wish.stated() if wish is not None else {}


def _cases(*cases: tuple[str, dict[str, str]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("text", "wanted"), cases, ids=[text for text, _ in cases])


WED = {"weekday": "wednesday", "date": "2026-03-04"}
THU = {"weekday": "thursday", "date": "2026-03-05"}
FRI = {"weekday": "friday", "date": "2026-03-06"}
TUE_NEXT_WEEK = {"weekday": "tuesday", "date": "2026-03-10", "week": "next"}


@_cases(
    ("am Mittwoch", WED),
    ("Mittwoch", WED),
    ("on Wed", WED),
    ("Wednesday", WED),
    ("Wednesday's better", WED),
    ("Am Donnschtig", THU),  # Swiss
    ("am donners tag ginge es besser", THU),  # a speech recogniser's split word
    ("mitt woch", WED),
    ("wednes day at nine", {**WED, "time": "09:00"}),
    ("thurs day would work", THU),
    ("Fritig wär guet", FRI),
    ("Sonnabend", {"weekday": "saturday", "date": "2026-03-07"}),
    ("Montag", {"weekday": "monday", "date": "2026-03-09"}),  # said on a Monday: the next one
    ("mittwochs", {"weekday": "wednesday"}),  # habitual: no single date
    ("I'm only free on Fridays", {"weekday": "friday"}),
    ("Mittwoch oder Donnerstag", WED),
    ("Wednesday or Thursday", WED),
    ("am Wochenende", {"weekday": "saturday", "date": "2026-03-07"}),
    ("at the weekend", {"weekday": "saturday", "date": "2026-03-07"}),
    ("Donnerstag in einer Woche", {"weekday": "thursday", "date": "2026-03-12", "week": "next"}),
    # unpunctuated, two days are two thoughts
    ("not tuesday wednesday works", WED),
    ("dienstag nicht mittwoch geht", WED),
    ("Montag bis Freitag", {"weekday": "monday", "date": "2026-03-09"}),
    ("Geht's nicht auch am Donnerstag?", THU),
    ("Couldn't we do Thursday?", THU),
)
def test_weekdays(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    ("übermorgen", {"date": "2026-03-04"}),
    ("uebermorgen", {"date": "2026-03-04"}),
    ("the day after tomorrow", {"date": "2026-03-04"}),
    ("the day after", {"date": "2026-03-04"}),  # the appointment's
    ("am Tag danach", {"date": "2026-03-04"}),
    ("morgen um 14 Uhr", {"date": "2026-03-03", "time": "14:00"}),
    ("tomorrow afternoon", {"date": "2026-03-03", "part_of_day": "afternoon"}),
    ("heute Abend", {"date": "2026-03-02", "part_of_day": "evening"}),
    ("tonight", {"date": "2026-03-02", "part_of_day": "evening"}),
    ("Geht's heute noch?", {"date": "2026-03-02"}),
    ("Could I come today instead?", {"date": "2026-03-02"}),
    ("a week later", {"date": "2026-03-10"}),
    ("eine Woche später", {"date": "2026-03-10"}),
)
def test_relative_days(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    ("am 5. März", {"date": "2026-03-05"}),
    ("am fünften März", {"date": "2026-03-05"}),
    ("am Fünften", {"date": "2026-03-05"}),
    ("den sechsten", {"date": "2026-03-06"}),
    ("the 5th", {"date": "2026-03-05"}),
    ("the fifth", {"date": "2026-03-05"}),
    ("March 5th", {"date": "2026-03-05"}),
    ("on the 5th of March", {"date": "2026-03-05"}),
    ("5.3.", {"date": "2026-03-05"}),
    ("am 12.03.2026", {"date": "2026-03-12"}),
    ("am 5 3 um 9", {"date": "2026-03-05", "time": "09:00"}),  # speech recogniser
    ("am freitag den 13 um 10", {"weekday": "friday", "date": "2026-03-13", "time": "10:00"}),
    ("geht auch der 5 3 um 14 uhr", {"date": "2026-03-05", "time": "14:00"}),
    ("friday 13th at 10", {"weekday": "friday", "date": "2026-03-13", "time": "10:00"}),
    ("Thursday the 12th", {"weekday": "thursday", "date": "2026-03-12"}),
    ("the 1st", {"date": "2026-04-01"}),  # the 1st of March is past: April's
)
def test_dates(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    ("um 9", {"time": "09:00"}),
    ("um 7", {"time": "07:00"}),
    ("um 12", {"time": "12:00"}),
    ("um 1", {"time": "13:00"}),  # practice hours: 1 to 6 in the afternoon
    ("um zwo", {"time": "14:00"}),
    ("um halb zehn", {"time": "09:30"}),
    ("halb 3", {"time": "14:30"}),
    ("viertel nach drei", {"time": "15:15"}),
    ("viertel vor vier", {"time": "15:45"}),
    ("dreiviertel vier", {"time": "15:45"}),  # southern
    ("viertel vier", {"time": "15:15"}),  # eastern / southern
    ("zehn nach drei", {"time": "15:10"}),
    ("fünf vor halb drei", {"time": "14:25"}),
    ("15 uhr", {"time": "15:00"}),
    ("sechzehn Uhr dreißig", {"time": "16:30"}),
    ("vierzehn dreißig", {"time": "14:30"}),
    ("geht auch 14 uhr 30", {"time": "14:30"}),
    ("9:30", {"time": "09:30"}),
    ("um 9.30 Uhr", {"time": "09:30"}),
    ("so gegen drei", {"time": "15:00"}),
    ("3 pm", {"time": "15:00"}),
    ("at 11am", {"time": "11:00"}),
    ("9:30 a.m.", {"time": "09:30"}),
    ("5 am", {"time": "05:00"}),
    ("um 3 am Mittwoch", {"time": "15:00", **WED}),  # German "am": no meridiem
    ("half past two", {"time": "14:30"}),
    ("half nine", {"time": "09:30"}),  # British
    ("at nine thirty", {"time": "09:30"}),
    ("can we do 2 30", {"time": "14:30"}),
    ("quarter to nine", {"time": "08:45"}),
    ("twenty past eleven", {"time": "11:20"}),
    ("at eleven o'clock", {"time": "11:00"}),
    ("around 3ish", {"time": "15:00"}),
    ("can we say noon", {"time": "12:00"}),
    ("more like two", {"time": "14:00"}),
    ("ginge zwölf?", {"time": "12:00"}),
    ("can you prepone it to nine?", {"time": "09:00"}),  # Indian English
    ("could you move it to two", {"time": "14:00"}),
    ("können wir es auf zwei legen", {"time": "14:00"}),
    ("abends um 7", {"time": "19:00", "part_of_day": "evening"}),
    ("8 in the evening", {"time": "20:00", "part_of_day": "evening"}),
    ("at 6 in the morning", {"time": "06:00", "part_of_day": "morning"}),
    ("Wednesday afternoon at 3", {**WED, "time": "15:00", "part_of_day": "afternoon"}),
    ("zwölf Uhr mittags", {"time": "12:00", "part_of_day": "midday"}),
)
def test_clock_times(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    ("eine Stunde später", {"time": "11:00"}),
    ("eine Stunde früher", {"time": "09:00"}),
    ("half an hour later", {"time": "10:30"}),
    ("push it back an hour", {"time": "11:00"}),
    ("Können wir das eine Woche nach hinten schieben?", {"date": "2026-03-10"}),
    ("push it back a week", {"date": "2026-03-10"}),
    ("zwei Tage später", {"date": "2026-03-05"}),
    ("zur gleichen Zeit am Donnerstag", {"time": "10:00", **THU}),
    ("same time on Friday", {"time": "10:00", **FRI}),
    ("um dieselbe Uhrzeit am Freitag", {"time": "10:00", **FRI}),
    # the same time in a later week: on the appointment's weekday
    ("Same time next week?", {"time": "10:00", **TUE_NEXT_WEEK}),
    ("same time the following week", {"time": "10:00", **TUE_NEXT_WEEK}),
    ("nächste Woche um dieselbe Zeit", {"time": "10:00", **TUE_NEXT_WEEK}),
    ("gleiche Zeit nächste Woche", {"time": "10:00", **TUE_NEXT_WEEK}),
    ("Dienstag in einer Woche um dieselbe Zeit?", {"time": "10:00", **TUE_NEXT_WEEK}),
    (
        "same time, but Thursday next week",
        {"time": "10:00", "weekday": "thursday", "date": "2026-03-12", "week": "next"},
    ),
    ("same time a week later", {"time": "10:00", "date": "2026-03-10"}),
)
def test_times_counted_from_the_appointment(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    ("vormittags", {"part_of_day": "morning"}),
    ("in der Früh", {"part_of_day": "morning"}),
    ("Montag früh", {"weekday": "monday", "date": "2026-03-09", "part_of_day": "morning"}),
    ("Übermorgen früh", {"date": "2026-03-04", "part_of_day": "morning"}),
    ("um acht Uhr früh", {"time": "08:00", "part_of_day": "morning"}),
    ("Am Namittag wär besser", {"part_of_day": "afternoon"}),  # Swiss
    ("Lieber am Abig", {"part_of_day": "evening"}),
    ("Geht's auf d'Nacht?", {"part_of_day": "evening"}),  # Bavarian
    ("Am Morge am achti?", {"part_of_day": "morning", "time": "08:00"}),
    ("Vormittags kann ich nie, nur abends", {"part_of_day": "evening"}),
    ("Mornings never work, only evenings", {"part_of_day": "evening"}),
    ("Donnerstagnachmittag", {**THU, "part_of_day": "afternoon"}),
    ("Montagabend", {"weekday": "monday", "date": "2026-03-09", "part_of_day": "evening"}),
    ("über Mittag", {"part_of_day": "midday"}),
    ("gegen Abend", {"part_of_day": "evening"}),
    ("in the morning", {"part_of_day": "morning"}),
    ("after lunch", {"part_of_day": "afternoon"}),
    ("any time post lunch", {"part_of_day": "afternoon"}),  # Indian English
    ("evening time", {"part_of_day": "evening"}),
    ("nach dem Mittagessen", {"part_of_day": "afternoon"}),
    ("first thing in the morning", {"part_of_day": "morning"}),
)
def test_parts_of_the_day(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    ("nach 17 Uhr", {"after": "17:00"}),
    ("erst ab vier", {"after": "16:00"}),
    ("only after six", {"after": "18:00"}),
    ("frühestens um zehn", {"after": "10:00"}),
    ("3 oder später", {"after": "15:00"}),
    ("not until 5", {"after": "17:00"}),
    ("Nicht vor elf bitte", {"after": "11:00"}),
    ("before noon", {"before": "12:00"}),
    ("no later than 3", {"before": "15:00"}),
    ("nicht nach 16 Uhr", {"before": "16:00"}),
    ("by 3", {"before": "15:00"}),
    ("von 2 bis 4", {"after": "14:00", "before": "16:00"}),
    ("from 2 to 4", {"after": "14:00", "before": "16:00"}),
    ("Donnerstag ab Mittag geht", {"weekday": "thursday", "date": "2026-03-05", "after": "12:00"}),
    ("erst ab Mittag bitte", {"after": "12:00"}),
    ("not till after the 10th please", {"after": "2026-03-10"}),
    ("Not until after March 16th, I'm away until then", {"after": "2026-03-16"}),
    ("von Mittag bis drei", {"after": "12:00", "before": "15:00"}),
    ("ab mittags", {"after": "12:00"}),
    ("vo Mittag a", {"after": "12:00"}),  # Swiss
    ("from midday on Thursday", {"weekday": "thursday", "date": "2026-03-05", "after": "12:00"}),
    ("Thursday from noon", {"weekday": "thursday", "date": "2026-03-05", "after": "12:00"}),
    ("Donnerstag mittags", {"weekday": "thursday", "date": "2026-03-05", "part_of_day": "midday"}),
    ("between half two and four", {"after": "14:30", "before": "16:00"}),
    ("Zwischen halb drei und vier", {"after": "14:30", "before": "16:00"}),
    ("between 2 and 4 pm", {"after": "14:00", "before": "16:00"}),
    ("nicht vor dem 10.", {"after": "2026-03-10"}),
    ("Bei mir ginge es erst wieder ab Mittwoch", {"after": "2026-03-04"}),
    ("from Thursday on", {"after": "2026-03-05"}),
    ("not before Friday", {"after": "2026-03-06"}),
    ("after the 10th", {"after": "2026-03-10"}),
    ("I'll be back from holiday on the 14th, so after that", {"after": "2026-03-14"}),
    ("Am 14. bin ich wieder zurück", {"after": "2026-03-14"}),
    ("im April", {"after": "2026-04-01", "before": "2026-04-30"}),
    ("Anfang April", {"after": "2026-04-01", "before": "2026-04-10"}),
    ("next month", {"after": "2026-04-01", "before": "2026-04-30"}),
)
def test_bounds(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    # What the callee cannot do turns a bound round.
    ("nach 17 Uhr kann ich nicht", {"before": "17:00"}),
    ("I work until five", {"after": "17:00"}),
    ("I can't come until 5", {"after": "17:00"}),
    ("bis zum 20. bin ich im Urlaub", {"after": "2026-03-20"}),
    ("bis zum 20. bin ich weg", {"after": "2026-03-20"}),
    ("bis 11 muss ich wieder weg", {"before": "11:00"}),  # leaving, not away
    ("I'm on holiday until the 20th", {"after": "2026-03-20"}),
    # ... and drops the rest; a preference wins.
    ("Dienstag geht nicht, lieber Donnerstag", THU),
    ("Dienstag nein, Mittwoch ja", WED),
    ("Tuesday no, Wednesday yes", WED),
    ("Ja, Mittwoch ginge, aber lieber Donnerstag", THU),
    ("Um zehn kann ich nicht, aber ab zwölf", {"after": "12:00"}),
    ("I work mornings, so anything after two", {"after": "14:00"}),
    ("Ten is too early, can we say noon?", {"time": "12:00"}),
    ("I get off work at five, so maybe half five?", {"time": "17:30"}),
    ("Ich hab um fünf Feierabend, also halb sechs?", {"time": "17:30"}),
    # asked, "too early" is a wish still
    ("Is 8 am too early?", {"time": "08:00"}),
    ("Ist 8 Uhr zu früh?", {"time": "08:00"}),
    ("Cancel Tuesday and book me something in April", {"after": "2026-04-01", "before": "2026-04-30"}),
    ("Um 11 hab ich schon einen anderen Termin, lieber um 3", {"time": "15:00"}),
    ("I have another appointment at 11, could we do 3?", {"time": "15:00"}),
    ("jeder Tag außer Montag, am liebsten Mittwoch", WED),
    ("I'm flexible next week except Wednesday", {"week": "next"}),
    ("nächste Woche, außer Mittwoch", {"week": "next"}),
    ("Bis 14 Uhr bin ich beim Zahnarzt, danach gerne", {"after": "14:00"}),
    ("I'm at the dentist until 2", {"after": "14:00"}),
    ("any day except Monday, ideally Wednesday", WED),
)
def test_what_the_callee_cannot_do(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    # An alternative after a wish is not blended into it.
    ("Mittwoch um drei, sonst Donnerstag ab vier", {**WED, "time": "15:00"}),
    ("Wednesday at 3, otherwise Thursday after 4", {**WED, "time": "15:00"}),
    ("Mittwoch, oder auch Donnerstag", WED),
)
def test_alternatives(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    ("nächste Woche", {"week": "next"}),
    ("sometime next week", {"week": "next"}),
    ("uf nöchschti Wuche", {"week": "next"}),  # Swiss
    ("the following week", {"week": "next"}),
    ("early next week", {"week": "next"}),
    ("diese Woche noch", {"week": "this"}),
    ("later this week", {"week": "this"}),
    ("any other day that week", {"week": "this"}),
    ("nächste Woche Mittwoch", {"week": "next", "weekday": "wednesday", "date": "2026-03-11"}),
    ("Wednesday next week", {"week": "next", "weekday": "wednesday", "date": "2026-03-11"}),
    ("nächsten Mittwoch", {"week": "next", "weekday": "wednesday", "date": "2026-03-11"}),
    ("next Tuesday", {"week": "next", "weekday": "tuesday", "date": "2026-03-10"}),
    ("übernächste Woche", {"after": "2026-03-16", "before": "2026-03-22"}),
    ("in zwei Wochen", {"after": "2026-03-16", "before": "2026-03-22"}),
)
def test_weeks(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    ("früher", {"shift": "earlier"}),
    ("a bit later", {"shift": "later"}),
    ("etwas später", {"shift": "later"}),
    ("Kann ich auch später kommen?", {"shift": "later"}),
    ("Could I come a bit later?", {"shift": "later"}),
    ("ASAP", {"shift": "earlier"}),
    ("please prepone it", {"shift": "earlier"}),
    ("so bald wie möglich", {"shift": "earlier"}),
    ("Can I come earlier, like eight thirty?", {"time": "08:30"}),  # something concrete: no shift
    ("Ich komme, aber lieber um halb elf", {"time": "10:30"}),  # a preference, not an arrival
    ("Ich kann erst nach der Arbeit", {"part_of_day": "evening"}),
    ("only after school", {"part_of_day": "afternoon"}),
    ("später am Mittwoch", WED),
    # on the appointment's own day, the shift is what is asked
    ("I'd rather a later slot on the same day", {"date": "2026-03-03", "shift": "later"}),
    ("Am selben Tag, nur etwas früher", {"date": "2026-03-03", "shift": "earlier"}),
    # a choice of amounts names no time: its direction only (each "or" is no second thought, no hour a clock)
    ("Kindly prepone it by one or two hours, if at all possible.", {"shift": "earlier"}),
    ("push it back by one or two hours", {"shift": "later"}),
    ("Can we move it an hour or two earlier?", {"shift": "earlier"}),
    ("by two or three hours later", {"shift": "later"}),
    ("1-2 hours earlier", {"shift": "earlier"}),
    ("eine oder zwei Stunden früher", {"shift": "earlier"}),
    ("um ein, zwei Stunden vorziehen", {"shift": "earlier"}),
    ("zwei, drei Stunden später", {"shift": "later"}),
    ("zwei bis drei Stunden später", {"shift": "later"}),
)
def test_earlier_and_later(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@pytest.mark.parametrize(
    "text",
    [
        # the appointment's own day and time, restated
        "Ja, Dienstag um zehn passt",
        "Yes, Tuesday at ten is fine",
        "Ja, morgen um zehn, passt",
        "Any chance of the morra at ten?",  # Scots: tomorrow, the appointment's own
        "Tuesday morning works",
        "Um zehn passt",
        # numbers that are no times
        "ich bin seit 10 Jahren Patient",
        "I've been a patient for 10 years",
        "vor 10 Jahren",
        "Ich habe zwei Kinder",
        "Wir haben 3 Termine",
        "drücke 3",
        "press 3",
        "Option 3",
        "Zimmer 12",
        "zum ersten Mal",
        "beim zweiten Versuch",
        "on the second try",
        "Ist es im ersten Stock?",
        "wait a second",
        "Meine Nummer ist 0171 2345678",
        # being late is not another time
        "Ich komme 10 Minuten später",
        "Ich komme, aber vielleicht ein paar Minuten später.",
        "Komme, evtl. etwas später.",
        "I'll be 5 minutes late",
        "I'll be there, maybe a bit later",
        "I'm running a few minutes later than planned",
        "in 5 Minuten",
        # greetings and goodbyes
        "Guten Morgen",
        "Good morning!",
        "Morgen!",
        "Danke, schönen Abend noch",
        "Have a nice day",
        "Bis später",
        "See you later",
        # coming anyway: how, and when they get there
        "Ja, ich komme direkt nach der Arbeit",
        "Yes, I'll come straight after school",
        "Mein Sohn kommt nach der Schule mit",
        "Ja, ich bin um Viertel vor zehn da",
        "I'll be there at 9:45",
        "Ich komme mit dem Bus um 9:40 an",
        # dates that are no wishes
        "Mein Geburtsdatum ist der 5.3.1980",
        "geboren am 5. März",
        "I was born on the 5th of March",
        "am 3.2.2026 war ich schon mal da",
        # today in a remark
        "Is the doctor running on time today?",
        "Ist heute viel los bei Ihnen?",
        # the time now, and the time of a call
        "Es ist sieben Uhr morgens!",
        "It's 7 in the morning!",
        "Schon der dritte Anruf diese Woche",
        "Third call this week",
        "Rufen Sie heute Abend nochmal an",
        "Call me back on Wednesday",
        "try again tomorrow",
        # calling back later, the past
        "Ich rufe später zurück",
        "Versuchen Sie es später noch mal",
        "Call me back later",
        "Try again later",
        "Früher war ich öfter bei Ihnen",
        "Ja",
        "kein Problem",
    ],
)
def test_no_wish(text: str) -> None:
    assert read_preferred_time(text, appointment=APPOINTMENT, now=CALLED) is None


def test_mentions_a_time_whether_wished_or_not() -> None:
    assert mentions_a_time("Dienstag geht nicht")
    assert mentions_a_time("Ja, Dienstag um zehn passt")
    assert mentions_a_time("lieber nachmittags")
    assert not mentions_a_time("ich bin seit 10 Jahren Patient")
    assert not mentions_a_time("drücken Sie die 3")
    assert not mentions_a_time("Guten Morgen, ja passt")


# --- resolving ---------------------------------------------------------------------------------------


def test_a_date_past_the_turn_of_the_year_is_next_years() -> None:
    appointment = datetime(2026, 12, 30, 10, 0, tzinfo=BERLIN)
    now = datetime(2026, 12, 29, 11, 0, tzinfo=BERLIN)
    assert read("am 5. Januar", appointment=appointment, now=now) == {"date": "2027-01-05"}
    assert read("im Jänner", appointment=appointment, now=now) == {"after": "2027-01-01", "before": "2027-01-31"}
    assert read("the 2nd", appointment=appointment, now=now) == {"date": "2027-01-02"}
    assert read("Montag", appointment=appointment, now=now) == {"weekday": "monday", "date": "2027-01-04"}
    assert read("next Tuesday", appointment=appointment, now=now) == {
        "weekday": "tuesday",
        "date": "2027-01-05",
        "week": "next",
    }


def test_days_are_counted_in_the_callees_time_zone() -> None:
    new_york = ZoneInfo("America/New_York")
    appointment = datetime(2026, 3, 12, 9, 0, tzinfo=new_york)
    late_evening_in_new_york = datetime(2026, 3, 11, 2, 30, tzinfo=ZoneInfo("UTC"))  # 10 March, 22:30 there
    assert read("tomorrow at 2", appointment=appointment, now=late_evening_in_new_york) == {
        "date": "2026-03-11",
        "time": "14:00",
    }
    auckland = ZoneInfo("Pacific/Auckland")
    appointment = datetime(2026, 3, 4, 9, 0, tzinfo=auckland)
    already_tuesday_there = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("UTC"))  # 3 March, 01:00 there
    assert read("morgen um 11", appointment=appointment, now=already_tuesday_there) == {
        "date": "2026-03-04",
        "time": "11:00",
    }
    assert read("übermorgen", appointment=appointment, now=already_tuesday_there) == {"date": "2026-03-05"}


def test_times_are_wall_clock_times_across_a_change_of_daylight_saving() -> None:
    appointment = datetime(2026, 3, 29, 10, 0, tzinfo=BERLIN)  # the day clocks go forward
    now = datetime(2026, 3, 28, 16, 0, tzinfo=BERLIN)
    assert read("eine Stunde später", appointment=appointment, now=now) == {"time": "11:00"}
    assert read("two hours earlier", appointment=appointment, now=now) == {"time": "08:00"}
    assert read("Montag um 9", appointment=appointment, now=now) == {
        "weekday": "monday",
        "date": "2026-03-30",
        "time": "09:00",
    }


def test_a_weekday_between_the_call_and_the_appointment_is_the_one_before_it() -> None:
    appointment = datetime(2026, 3, 6, 10, 0, tzinfo=BERLIN)  # Friday, called on Monday
    assert read("lieber Mittwoch", appointment=appointment) == {"weekday": "wednesday", "date": "2026-03-04"}


def test_next_week_said_the_week_before_the_appointment_is_the_appointments_week() -> None:
    appointment = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)  # Monday, called on the Friday before
    now = datetime(2026, 2, 27, 11, 0, tzinfo=BERLIN)
    assert read("nächste Woche", appointment=appointment, now=now) == {"week": "this"}


def test_without_the_calls_moment_a_replay_after_the_appointment_is_read_as_a_call_the_day_before() -> None:
    replayed = datetime(2026, 12, 2, 9, 0, tzinfo=BERLIN)
    assert read("morgen um 3", now=replayed) == {"date": "2026-03-03", "time": "15:00"}
    assert read("the 5th", now=replayed) == read("the 5th")


def test_the_appointment_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        read_preferred_time("Mittwoch", appointment=datetime(2026, 3, 3, 10, 0))


def test_the_reading_is_frozen_and_serialises_to_its_stated_parts() -> None:
    wish = PreferredTime(weekday="friday", time="09:00")
    assert wish.model_dump_json(exclude_none=True) == '{"weekday":"friday","time":"09:00"}'
    with pytest.raises(ValidationError, match="frozen"):
        wish.time = "10:00"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="string_pattern_mismatch"):
        PreferredTime(time="9 Uhr")
    with pytest.raises(ValidationError, match="extra_forbidden"):
        PreferredTime.model_validate({"said": "Freitag"})


# Round seven (the sixth set): each rule with its siblings, in both languages where it applies, and the near-misses
# that must read as before.


@_cases(
    # A clock time a recogniser writes as one number, hours and minutes run together ("1130", "930")
    ("also 10 uhr is mir zu früh geht auch 1130", {"time": "11:30"}),
    ("geht auch 1430", {"time": "14:30"}),
    ("could i get 930", {"time": "09:30"}),
    ("can we do thursday 1415", {**THU, "time": "14:15"}),
    # Near-misses: a year, a room, a number, a phone number, an amount are no clock times
    ("since 2019", {}),
    ("Zimmer 1130", {}),
    ("nummer 1130", {}),
    ("unter 0800 123456", {}),
    ("1130 Euro", {}),
)
def test_a_clock_time_run_together(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    # In unpunctuated speech, a refusal and then a question that asks for another time are two thoughts
    ("nee das passt mir nicht können wir das auf donners tag legen", THU),
    ("das passt mir nicht geht auch mittwoch", WED),
    ("ten is too early could we do eleven", {"time": "11:00"}),
    ("that does not work for me can we do friday", FRI),
    # Near-misses: no refusal before it, or the refusal is the question's own
    ("können wir das auf donnerstag legen", THU),
    ("Dienstag geht es nicht", {}),
)
def test_a_refusal_then_a_question_unpunctuated(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    # Rhenish and Bavarian weekdays in "-tach", Bavarian "Wochn", "in da Friah"
    ("Hätt'ese wat am Samstach?", {"weekday": "saturday", "date": "2026-03-07"}),
    ("Jeht et am Freitach?", FRI),
    ("lieber Donnerstach", THU),
    ("auf nächste Wochn verschiebn", {"week": "next"}),
    ("kommende Wochn", {"week": "next"}),
    ("Geht's aa am Mittwoch in da Friah?", {**WED, "part_of_day": "morning"}),
    ("lieber in der Friah", {"part_of_day": "morning"}),
    # Near-misses: a greeting "Tach", a day's whole length, a season, weeks counted
    ("Tach auch, ich komme", {}),
    ("den ganzen Tach", {}),
    ("im Frühjahr", {}),
    ("seit Wochn", {}),
)
def test_regional_weekdays_weeks_and_mornings(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    # Australian "arvo" on its own is the afternoon
    ("Can we do Friday arvo?", {**FRI, "part_of_day": "afternoon"}),
    ("thursday arvo would be better", {**THU, "part_of_day": "afternoon"}),
    ("arvos suit me better", {"part_of_day": "afternoon"}),
    # Near-miss: an afternoon the callee cannot do
    ("Friday arvo is no good", {}),
)
def test_arvo_is_the_afternoon(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    # Away for work ("auf Montage", "auf Dienstreise", "on a business trip") is away: its bound turns round
    ("Nee, dat wird nix, ich bin bis zum 13. auf Montage. Danach gern.", {"after": "2026-03-13"}),
    ("Ich bin bis zum 6. auf Dienstreise.", {"after": "2026-03-06"}),
    ("I'm on a business trip until the 12th.", {"after": "2026-03-12"}),
    # Near-miss: "auf Montag" is a day
    ("Können wir es auf Montag legen?", {"weekday": "monday", "date": "2026-03-09"}),
)
def test_away_for_work(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    # Before or after what the callee does on a date ("before I fly out on the 25th"): a bound
    ("I need it before I fly out on the 25th.", {"before": "2026-03-25"}),
    ("sometime before we leave on the 20th", {"before": "2026-03-20"}),
    ("bevor ich am 20. wegfahre", {"before": "2026-03-20"}),
    ("after I get back on the 14th", {"after": "2026-03-14"}),
    # Near-miss: "before I forget" ends its clause
    ("before I forget, the 25th would suit me", {"date": "2026-03-25"}),
)
def test_before_an_event_on_a_date(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    # Something asked for after work or school is its part of the day
    ("Give me something after work.", {"part_of_day": "evening"}),
    ("Geben Sie mir was nach der Arbeit.", {"part_of_day": "evening"}),
    ("anything after school", {"part_of_day": "afternoon"}),
    # Near-miss: coming straight from work is how the callee comes, no wish
    ("ich komme direkt nach der Arbeit", {}),
)
def test_something_after_work(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    # A date as month and day numbers ("on 3 5", "on 3/5"): the sooner of its two readings from the call on
    ("can i come on 3 5 at 2 pm", {"date": "2026-03-05", "time": "14:00"}),
    ("could I come on 3/6", {"date": "2026-03-06"}),
    ("on 6/3 please", {"date": "2026-03-06"}),
    # Near-miss: hours and minutes without "on"
    ("can we do 2 30", {"time": "14:30"}),
)
def test_a_date_in_numbers_after_on(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


@_cases(
    # The appointment restated in a sentence of its own is no part of the wish another sentence states
    ("Oh yeah, Tuesday at ten, when normal people work. Give me something after work.", {"part_of_day": "evening"}),
    ("Dienstag um zehn, wenn normale Leute arbeiten. Geben Sie mir was nach der Arbeit.", {"part_of_day": "evening"}),
    ("Tuesday at ten. Can we do Thursday instead?", THU),
    # Near-miss: the appointment restated and nothing else wished for
    ("Tuesday at ten. Yes, that's fine.", {}),
)
def test_the_appointment_restated_in_a_sentence_of_its_own(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted
