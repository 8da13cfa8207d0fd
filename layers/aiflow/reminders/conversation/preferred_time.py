"""The time a callee asks for instead of the appointment, read from their words into a ``PreferredTime``.

Callers name another time the way they would to a receptionist, in either language: "Freitag um 9",
"lieber nachmittags", "erst ab vier", "dreiviertel vier", "sometime next week in the morning", "the 5th at
9", "half past two", and speech recognisers write digits ("mittwoch 15 uhr", "can we do 2 30"). The
reading, in order:

1. The words are folded (lowercase, umlauts as ``ae``/``oe``/``ue``, hyphens between words as spaces,
   weekdays a recogniser split joined: "donners tag") and greetings that sound like times are dropped
   ("Guten Morgen", "good afternoon", a leading "Morgen!"). Regional forms are words of their own: Rhenish
   weekdays in "-tach" ("am Samstach"), Bavarian "Wochn" and "in da Friah", Australian "arvo".
2. The answer is split into clauses at punctuation, at words that turn to another thought ("aber",
   "lieber", "sonst", "außer", "but", "rather", "maybe", "or", "except", "and" before a new verb) and, in
   unpunctuated speech, before a second weekday ("nicht dienstag mittwoch geht") and before a question that
   asks verb first after a refusal ("das passt mir nicht können wir das auf donnerstag legen", "ten is too
   early could i get 1130").
3. Each clause yields facts: weekdays, dates and relative days, clock times, parts of the day, bounds
   (after / before), weeks, months, earlier/later. A number is a clock time only where the words make it
   one: "um", "at", "Uhr", "pm", a preposition of a bound, a wish ("lieber zwölf", "more like two", "move
   it to nine"), a part of the day after it, or another clock form; never before a unit ("seit 10
   Jahren", "5 minutes late", "zum ersten Mal") or after "Taste"/"press"/"Zimmer". Hours and minutes a
   recogniser runs together ("1130", "930") are a clock time, never a year, a room, a number or a phone
   number; month and day numbers after "on" ("on 3 5", "on 6/3") are the date of whichever order comes
   sooner.
4. A clause that says the callee cannot ("Dienstag geht nicht", "not at ten", "Ten is too early", "I work
   mornings", "I'm away", "beim Zahnarzt", "another appointment") drops its facts, except bounds, which it
   turns round: "nach 17 Uhr kann ich nicht" is before 17:00, "I'm away until the 16th" is after it (away
   for work too: "bis zum 13. auf Montage", "on a business trip"). Before or after what the callee does
   on a date is a bound ("before I fly out on the 25th", "bevor ich am 20. wegfahre"); something asked
   for after work or school ("Give me something after work") is that part of the day.
   Asked, it is a wish still ("Geht's nicht auch Donnerstag?", "Is 8 too early?"). Clauses that state a
   preference ("lieber", "rather", "instead", "better") come first; each part is taken from the first
   clause that states it, and an alternative after a wish ("sonst Donnerstag", "or Thursday") adds nothing.
5. The facts are resolved against the appointment (an aware datetime in the callee's time zone) and the
   call's day: a weekday is the nearest such day from the day after the call (or the appointment's own
   day, if that is earlier), a day of the month the nearest from the call's day on; "nächste Woche" /
   "next Wednesday" is the calendar week after the call's week, recorded as ``week`` relative to the
   appointment's week; an hour without am/pm takes the part of the day said, else practice hours (7 to
   12 as said, 1 to 6 in the afternoon); "eine Stunde später", "same time", "a week later" count from the
   appointment, on the wall clock ("same time next week" on the appointment's weekday); a choice of amounts
   ("one or two hours earlier", "ein, zwei Stunden später") names no time, only its direction.
   "earlier" / "later" is kept only when nothing more concrete is said,
   and not for a callee coming anyway, a little late ("Komme, evtl. etwas später").
6. Nothing is a wish when the answer only restates the appointment's day or time ("Ja, Dienstag um zehn
   passt"), unless it asks for earlier or later on it ("later on the same day"); the reading is then
   ``None``, as it is when no time is said at all. The appointment restated in a sentence of its own
   ("Oh yeah, Tuesday at ten, when normal people work. Give me something after work.") is no part of the
   wish another sentence states: the sentences are then read one by one.

Patterns are compiled once, at import; a reading is a few dozen regular expression scans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from reminders.model.preferred_time import PartOfDay, PreferredTime, Shift, Weekday

__all__ = ["mentions_a_time", "part_of_day_of", "read_preferred_time"]

WEEKDAYS: tuple[Weekday, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# Typographic apostrophes and dashes as the plain ones.
_SPELLED_OUT = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "\u2019": "'", "\u00b4": "'", "`": "'", "\u2013": "-", "\u2014": "-"}
)


def _fold(text: str) -> str:
    """Lowercase, umlauts spelled out ("fünf" and "fuenf" read alike), one kind of apostrophe."""
    return text.casefold().translate(_SPELLED_OUT)


def _compile(pattern: str) -> re.Pattern[str]:
    """Patterns are written in lowercase German; their umlauts are spelled out as the words are."""
    return re.compile(pattern.translate(_SPELLED_OUT))


def _alternatives(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` (the longest that fits), as a prefix tree: a long word list compiles
    and scans in a fraction of a flat alternation's time."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in _fold(word):
            node = node.setdefault(char, {})
        node[""] = {}
    return _branch(tree)


def _branch(node: dict[str, Any]) -> str:
    ends = "" in node
    children = sorted(((re.escape(char) + _branch(child)) for char, child in node.items() if char), key=len)
    if not children:
        return ""
    if len(children) > 1 and all(len(child) == 1 for child in children):
        body = "[" + "".join(children) + "]"
    elif len(children) == 1:
        body = children[0]
    else:
        body = "(?:" + "|".join(reversed(children)) + ")"
    if ends:
        return f"{body}?" if len(body) == 1 or body.startswith("[") else f"(?:{body})?"
    return body


# --- numbers ---------------------------------------------------------------------------------------------

_DE_UNITS = {"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9}
_DE_TEENS = {"zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15}
_DE_TEENS |= {"sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19}
_DE_TENS = {"zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50}
_EN_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_EN_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15}
_EN_TEENS |= {"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}


def _cardinals() -> dict[str, int]:
    words = {**_DE_UNITS, "eins": 1, "eine": 1, "zwo": 2, **_DE_TEENS, **_DE_TENS}
    words |= {**_EN_UNITS, **_EN_TEENS, **_EN_TENS}
    for tens, ten in _DE_TENS.items():
        words |= {f"{unit}und{tens}": ten + n for unit, n in _DE_UNITS.items()}
    for tens, ten in _EN_TENS.items():
        words |= {f"{tens} {unit}": ten + n for unit, n in _EN_UNITS.items()}
    return {_fold(word): value for word, value in words.items()}


def _german_ordinal_stems() -> dict[str, int]:
    """ "fünft" of "am fünften", "der fünfte": the ending (e, en, er, em, es) is matched apart."""
    stems = {"erst": 1, "dritt": 3, "siebt": 7, "siebent": 7, "acht": 8}
    stems |= {f"{word}t": n for word, n in {**_DE_UNITS, **_DE_TEENS, "zwo": 2}.items() if n not in (1, 3, 7, 8)}
    for tens, ten in (("zwanzig", 20), ("dreißig", 30)):
        stems |= {f"{tens}st": ten} | {f"{unit}und{tens}st": ten + n for unit, n in _DE_UNITS.items()}
    return {_fold(stem): n for stem, n in stems.items() if n <= 31}


def _english_ordinals() -> dict[str, int]:
    words = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8}
    words |= {"ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14}
    words |= {"fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19}
    units = {word: n for word, n in words.items() if n < 10}
    words |= {"twentieth": 20, "thirtieth": 30}
    for tens, ten in (("twenty", 20), ("thirty", 30)):
        words |= {f"{tens} {word}": ten + n for word, n in units.items() if ten + n <= 31}
    return words


_CARDINALS = _cardinals()
_GERMAN_ORDINALS = _german_ordinal_stems()
_ENGLISH_ORDINALS = _english_ordinals()
# Number words are read as digits before anything else ("halb zehn" is "halb 10", "the fifth" "the 5th", "am
# fünften" "am 5."), so that the patterns below need digits only. "ein", "eine" and "one" stay words: they
# are articles and pronouns as often as numbers ("one" is an hour where the words make it one).
_CARDINAL_WORD = re.compile(
    rf"\b({_alternatives(word for word in _CARDINALS if word not in ('ein', 'eine', 'one'))})\b"
)
_HOUR = r"(?:(?:[01]?\d|2[0-3])(?!\d)|one)"
_MINUTE = r"[0-5]\d"
_SWISS_HOURS = {
    _fold(word): n
    for word, n in {"sibni": 7, "sebni": 7, "achti": 8, "nüni": 9, "zäni": 10, "zehni": 10, "elfi": 11,
                    "zwölfi": 12, "drüü": 3, "vieri": 4, "füfi": 5, "sächsi": 6}.items()
}  # fmt: skip
_OH_FIVE = re.compile(r"\b(?:oh|o) five\b")  # "eight oh five"
_GERMAN_ORDINAL_WORD = re.compile(rf"\b({_alternatives(_GERMAN_ORDINALS)})e[mnrs]?\b")


def _number(word: str) -> int:
    word = word.strip()
    return int(word) if word.isdigit() else _CARDINALS[word]


def _in_digits(text: str) -> str:
    """``text`` with its number words as digits: cardinals ("zwölf" 12, "twenty five" 25, "oh five" 05) and
    ordinals (German "fünften" 5., English "fifth" 5th after "the" or a month, or before "of" and a month: "the
    first thing" reads as no date, "first thing" stays words)."""
    text = _OH_FIVE.sub("05", text)
    text = _ENGLISH_ORDINAL_WORD.sub(_english_ordinal, text)
    text = _GERMAN_ORDINAL_WORD.sub(lambda m: f"{_GERMAN_ORDINALS[m[1]]}.", text)
    return _CARDINAL_WORD.sub(lambda m: str(_CARDINALS[m[1]]), text)


def _english_ordinal(m: re.Match[str]) -> str:
    if m[1] is None and m[3] is None:
        return m[0]
    return f"{m[1] or ''}{_ENGLISH_ORDINALS[m[2]]}th{m[3] or ''}"


# --- the facts a clause states -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """A clock time as said: an hour (0-23) and minutes, with what fixes the half of the day, if anything."""

    hour: int
    minute: int = 0
    meridiem: str | None = None  # "am" / "pm", said
    exact: bool = False  # a 24-hour reading ("15 Uhr", "09:30"): nothing to resolve
    from_appointment: timedelta | None = None  # "eine Stunde später", "same time" (zero)


@dataclass(frozen=True)
class Day:
    """A calendar day as said: a date (day of month, maybe month and year) or a day counted from the call or
    from the appointment."""

    day: int | None = None
    month: int | None = None
    year: int | None = None
    from_call: int | None = None  # "heute" 0, "morgen" 1, "übermorgen" 2
    from_appointment: int | None = None  # "the day after" 1, "eine Woche später" 7
    weekday: int | None = None  # "erst ab Mittwoch": the nearest such day
    either_way: bool = False  # "on 3 5", "on 6/3": month and day, or day and month, whichever comes sooner


@dataclass(frozen=True)
class Month:
    month: int | None  # None: counted from the call's month
    from_call: int = 0  # "nächsten Monat" 1
    third: str | None = None  # "anfang" / "mitte" / "ende" of it


@dataclass(frozen=True)
class WeekSaid:
    from_call: int | None = None  # weeks after the call's week ("nächste Woche" 1); None: the appointment's


Target = Clock | Day


@dataclass
class Facts:
    """What one clause says, each kind at most once (the first said), before resolving."""

    weekday: int | None = None
    habitual: bool = False  # "freitags", "on Fridays": the weekday, no single date
    day: Day | None = None
    clock: Clock | None = None
    part: PartOfDay | None = None
    vague_part: PartOfDay | None = None  # "vor der Arbeit": a part of the day only if nothing concrete is said
    after: Target | None = None
    before: Target | None = None
    week: WeekSaid | None = None
    month: Month | None = None
    shift: Shift | None = None

    def fill_from(self, other: Facts) -> None:
        """Take every part ``other`` states that this one does not."""
        for name in _PARTS:
            if getattr(self, name) is None and getattr(other, name) is not None:
                setattr(self, name, getattr(other, name))
                if name == "weekday":
                    self.habitual = other.habitual

    def stated(self) -> bool:
        return any(getattr(self, name) is not None for name in _PARTS)


_PARTS = ("weekday", "day", "clock", "part", "vague_part", "after", "before", "week", "month", "shift")


# --- normalising and clauses -----------------------------------------------------------------------------

_GREETING = _compile(
    r"\b(?:guten|gute|schoenen|schoene|einen schoenen|good|nice|have a (?:good|nice|great|lovely))\s+"
    r"(?:morgen|tag|abend|nachmittag|nacht|wochenende|morning|afternoon|evening|day|night|weekend)\b"
    r"|^\s*(?:morgen|moin|morning)\s*(?=[,!.]|$)"
)
_CLAUSE_BREAK = _compile(
    r"[,;!?]+|(?<=[^\d\s])\.|\s-\s"
    r"|\b(?=(?:aber|sondern|lieber|eher|but|rather|instead|maybe|vielleicht|more like|also|sonst|otherwise"
    r"|ausser|except|bis auf)\b)"
    r"|\b(?=(?:oder|or)\b(?!\s+(?:so|spaeter|frueher|later|earlier)\b))"
    r"|\b(?:und|and)\s+(?=(?:ich|wir|i|we|bitte|please|book|buch\w*|geben|give|dann|then|mach\w*|make|put|gib)\b)"
)


# Speech recognisers split compounds: "donners tag", "mitt woch", "wednes day".
_SPLIT_WEEKDAY = re.compile(
    r"\b(mon|diens|donners|frei|sams|sonn|mitt)\s(tag|woch)\b|\b(mon|tues|wednes|thurs|fri|satur|sun)\s(day)\b"
)


# "one or two hours", "ein, zwei Stunden", "1-2 hours", "an hour or two": no hour is a clock time, and the
# "or" is no second thought (_CLAUSE_BREAK); read as a vague amount, its direction is the shift.
_AMOUNT_CHOICE = re.compile(
    r"\b(?:an?|one|ein(?:e|en)?|\d{1,2})(?:\s?[,-]\s?|\s(?:oder|or|bis|to)\s)\d{1,2}\s(?:stunden?|hours?)\b"
    r"|\b(?:an|one|a) hour or (?:2|two)\b|\beine stunde oder (?:2|zwei)\b"
)


def _clauses(text: str) -> list[str]:
    folded = _GREETING.sub(" ", _fold(text))
    folded = re.sub(r"(?<=[^\W\d])-(?=[^\W\d])", " ", folded)
    folded = re.sub(r"\bnot (?:until|till) after\b", "only after", folded)  # one bound, not a negated one
    folded = _in_digits(_SPLIT_WEEKDAY.sub(lambda m: "".join(part for part in m.groups() if part), folded))
    folded = _AMOUNT_CHOICE.sub("a few hours", folded)
    folded = re.sub(r"\s+", " ", folded)
    clauses = [clause.strip() for clause in _CLAUSE_BREAK.split(folded) if clause and clause.strip()]
    return [part for clause in clauses for asked in _after_a_refusal(clause) for part in _one_weekday_each(asked)]


# A question that asks for a time, verb first: "können wir", "geht auch", "could I", "can we".
_WISH_ASKED = _compile(
    r"\b(?:koennen|koennten|kann|kannst|kennan|geht|ginge|waere|can|could|would|how about|what about)"
    r"\s(?:wir|ma|mer|ich|i|we|es|auch|das|you|it)\b"
)


def _after_a_refusal(clause: str) -> list[str]:
    """Unpunctuated speech runs a refusal and the question after it together ("das passt mir nicht können wir
    das auf donnerstag legen", "ten is too early could i get 1130"): the question is a clause of its own."""
    for m in _WISH_ASKED.finditer(clause):
        if m.start() > 0 and _UNABLE.search(_NOT_UNABLE.sub(" ", clause[: m.start()])):
            return [clause[: m.start()].strip(), clause[m.start() :]]
    return [clause]


def _one_weekday_each(clause: str) -> list[str]:
    """Unpunctuated speech names two days as two thoughts ("nicht dienstag mittwoch geht"): a clause is split
    before a second weekday, unless a range or a list joins them ("Montag bis Freitag", "Montag und Dienstag")."""
    starts = [m.start() for m in _WEEKDAY.finditer(clause)]
    cuts = [0, *(b for a, b in pairwise(starts) if not _WEEKDAYS_JOINED.search(clause[a:b])), len(clause)]
    return [clause[a:b].strip() for a, b in pairwise(cuts) if clause[a:b].strip()]


# --- dates, days and weeks ---------------------------------------------------------------------------------

_MONTHS = {
    "januar": 1, "jänner": 1, "january": 1, "jan": 1, "februar": 2, "feber": 2, "february": 2, "feb": 2,
    "märz": 3, "maerz": 3, "march": 3, "april": 4, "apr": 4, "mai": 5, "may": 5, "juni": 6, "juno": 6,
    "june": 6, "juli": 7, "julei": 7, "july": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "dezember": 12,
    "december": 12, "dez": 12, "dec": 12,
}  # fmt: skip
_MONTHS = {_fold(word): month for word, month in _MONTHS.items()}
_MONTH = _alternatives(_MONTHS)
_DAY_NUMBER = r"[0-3]?\d(?:st|nd|rd|th|\.)?"
_ENGLISH_ORDINAL_WORD = re.compile(
    rf"\b(the |{_MONTH} )?({_alternatives(_ENGLISH_ORDINALS)})\b(\s(?:of\s)?(?:{_MONTH})\b)?"
)
# Words after an ordinal or a number that make it something other than a day or a time.
_UNITS = (
    r"(?:minuten?|min|stunden?|std|tage?n?|wochen?|monate?n?|jahre?n?|mal|male?n?|euro|prozent|kinder|leute"
    r"|personen|patienten?|termine?n?|nummer|stock|etage|klasse|minutes?|mins?|hours?|hrs?|days?|weeks?"
    r"|months?|years?|times?|percent|kids|children|people|patients?|floor|number|option|thing|appointments?"
    r"|reminders?|calls?|anrufe?|jahrzehnten?|decades?|dinge|sachen|fragen|things|questions|kilos?|km"
    r"|\w*haelfte|halfs?|quartal|quarter|reihe|runde|versuch|wahl|choice|row|try)"
)
_NOT_A_UNIT = rf"(?!\s*{_UNITS}\b)"

_DATE_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Day]], ...] = (
    # 5.3. / 5.3.2026 / 05.03.26
    (
        _compile(r"(?<![\d:.])([0-3]?\d)\.\s?([01]?\d)\.(?:\s?((?:20)?\d\d)\b)?"),
        lambda m: Day(int(m[1]), int(m[2]), _year(m[3])),
    ),
    # ASR: "am 5 3", "den 16 4"
    (
        _compile(r"\b(?:am|den|dem|der|zum|vom)\s([0-3]?\d)\.?\s([01]?\d)\b(?!\s?(?:uhr|:))"),
        lambda m: Day(int(m[1]), int(m[2])),
    ),
    # "on 3 5", "on 3/5": month and day numbers, in whichever order reads sooner (resolved in _Calendar.day)
    (
        _compile(r"\bon\s(?:the\s)?([01]?\d)(?:\s|/)([0-3]?\d)\b(?!\s?(?:uhr|:|am\b|pm\b|o'?clock))"),
        lambda m: Day(int(m[2]), int(m[1]), either_way=True),
    ),
    # am 5. März, am fünften März, the 5th of March, 5 March
    (
        _compile(rf"\b({_DAY_NUMBER})\s?(?:of\s)?({_MONTH})\b"),
        lambda m: Day(_day_number(m[1]), _MONTHS[m[2]]),
    ),
    # March 5th, March the 5th
    (
        _compile(rf"\b({_MONTH})\s(?:the\s)?([0-3]?\d(?:st|nd|rd|th)?)\b"),
        lambda m: Day(_day_number(m[2]), _MONTHS[m[1]]),
    ),
    # am 5. / ab dem 16. / am Fünften / den sechsten; ASR without the dot: "am 16"
    (
        _compile(rf"\b(?:am|an dem|den|dem|zum|vom|der)\s([0-3]?\d\.){_NOT_A_UNIT}"),
        lambda m: Day(_day_number(m[1])),
    ),
    (
        _compile(rf"\b(?:am|den|dem|zum|vom)\s([0-3]?\d)\b(?![.:]|\s?uhr){_NOT_A_UNIT}"),
        lambda m: Day(int(m[1])),
    ),
    # the 5th, 5th, the fifth, on the tenth
    (
        _compile(rf"\b([0-3]?\d(?:st|nd|rd|th))\b{_NOT_A_UNIT}(?!\s(?:one|of (?:the|them|us)))"),
        lambda m: Day(_day_number(m[1])),
    ),
)


def _year(said: str | None) -> int | None:
    if said is None:
        return None
    return int(said) + (2000 if len(said) == 2 else 0)


def _day_number(said: str) -> int:
    return _number(re.sub(r"(?<=\d)(?:st|nd|rd|th|\.)$", "", said.strip()))


_RELATIVE_DAYS: tuple[tuple[re.Pattern[str], Day], ...] = (
    (_compile(r"\b(?:uebermorgen|the day after tomorrow|day after tomorrow)\b"), Day(from_call=2)),
    (
        _compile(
            r"\b(?:the day after|am tag danach|den tag danach|am tag drauf|den tag drauf|am naechsten tag"
            r"|the next day|the following day)\b"
        ),
        Day(from_appointment=1),
    ),
    (_compile(r"\b(?:the day before|am tag davor|den tag davor|am vortag)\b"), Day(from_appointment=-1)),
    (_compile(r"\b(?:morgen|tomorrow|tmrw|the morra|the morrow|tomorra)\b(?!s)"), Day(from_call=1)),  # Scots
    (_compile(r"\b(?:the same day|same day|am selben tag|am gleichen tag|am selbigen tag)\b"), Day(from_appointment=0)),
    (_compile(r"\b(?:heute|today|this(?= (?:morning|afternoon|evening)\b))\b"), Day(from_call=0)),
)
_DAYS_LATER = _compile(
    rf"\b(?:um\s)?(ein(?:en|e)?|a|one|{_HOUR})\s+(tage?|days?|wochen?|weeks?)\s+(spaeter|later|frueher|earlier|eher"
    r"|danach|after|nach hinten|nach vorne|back|forward)\b"
    rf"|\b(?:push|move|set|schieb\w*)\s(?:it|that|the appointment|ihn|den termin|das)?\s?(back|forward|nach hinten"
    rf"|nach vorne)\s(?:by\s|um\s)?(ein(?:en|e)?|a|one|{_HOUR})\s(tage?|days?|wochen?|weeks?)\b"
)

_WEEKDAY_WORDS = {
    "montag": 0, "mäntig": 0, "määntig": 0, "monday": 0, "dienstag": 1, "zischtig": 1, "tuesday": 1,
    "tues": 1, "mittwoch": 2, "mittwuch": 2, "wednesday": 2, "weds": 2, "wed": 2, "donnerstag": 3,
    "donnschtig": 3, "dunschtig": 3, "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "freitag": 4,
    "fritig": 4, "friitig": 4, "friday": 4, "fri": 4, "samstag": 5, "sonnabend": 5, "samschtig": 5,
    "saturday": 5, "sonntag": 6, "sunntig": 6, "sunday": 6,
    "montach": 0, "dienstach": 1, "donnerstach": 3, "freitach": 4, "samstach": 5, "sonntach": 6,  # Rhenish
    "wochenende": 5, "weekend": 5,  # the weekend day a practice may open
}  # fmt: skip
_WEEKDAY_WORDS = {_fold(word): day for word, day in _WEEKDAY_WORDS.items()}
_SHORT_WEEKDAYS = {"mon": 0, "tue": 1, "sat": 5, "sun": 6}  # words of their own: a weekday only after "on", "next"
# "nächsten Mittwoch", "Donnerstagnachmittag", "Montag früh", "mittwochs" / "on Fridays" (habitual), "Tuesday's".
_WEEKDAY = _compile(
    rf"\b(?:(next|naechste[nmr]?|kommende[nmr]?)\s)?(?:({_alternatives(_WEEKDAY_WORDS)})"
    rf"|(?:(?<=\bon )|(?<=\bnext ))({_alternatives(_SHORT_WEEKDAYS)}))"
    r"(s\b|'s\b)?(?:\s?(morgens?|vormittags?|mittags?|nachmittags?|abends?|frueh)\b)?(?!\w)"
)

_WEEKDAYS_JOINED = _compile(r"\b(?:bis|to|till|until|through|thru|und|and|oder|or)\b|-")
# "erst ab Mittwoch", "from Thursday": the day is a bound ("bis Dienstag" is a goodbye, not one).
_FROM_WEEKDAY = _compile(
    r"(?:\berst (?:wieder )?ab|\bab|\bfrom|\bafter|\bnicht vor|\bnot before|\bnot until|\bfruehestens)"
    r"(?:\s(?:dem|den|the|am|on))*\s$"
)
_WEEKS: tuple[tuple[re.Pattern[str], WeekSaid], ...] = (
    (_compile(r"\b(?:uebernaechste[nr]? woch(?:e|n)|the week after next|week after next)\b"), WeekSaid(from_call=2)),
    (
        _compile(
            r"\b(?:naechste[nr]?|kommende[nr]?|folgende[nr]?) woch(?:e|n)\b|\bwoche (?:drauf|danach)\b"
            r"|\b(?:noechscht|naechscht|naechst)(?:i|e|en) wuche\b"  # Swiss
            r"|\b(?:next|the following|the week after|following) week\b|\bthe week after\b"
        ),
        WeekSaid(from_call=1),
    ),
    (
        _compile(r"\b(?:that|the same|same) week\b|\b(?:selben?|gleichen?) woche\b"),
        WeekSaid(from_call=None),
    ),
    (
        _compile(
            r"\b(?:diese[rn]?|this) week\b|\bdiese[rn]? woche\b|\b(?:anfang|ende|mitte) der woche\b"
            r"|\b(?:end|middle) of the week\b|\b(?:later|earlier) (?:this|in the) week\b|\bim laufe der woche\b"
        ),
        WeekSaid(from_call=0),
    ),
)
_WEEKS_LATER = _compile(rf"\bin\s+(einer|a|one|{_HOUR}|a couple of|ein paar)\s+(?:wochen?|weeks?)\b")

_MONTH_SAID = _compile(
    rf"\b(?:(anfang|mitte|ende|early|mid|late|the (?:start|beginning|middle|end) of)\s+|(?:im|in)\s+)({_MONTH})\b"
    r"|\b(?:(anfang|mitte|ende)\s+(?:des\s+)?|(?:im|in)\s+)?(naechste[nr]? monat|next month|kommende[nr]? monat)\b"
)
_THIRDS = {"anfang": "start", "early": "start", "the start of": "start", "the beginning of": "start",
           "mitte": "middle", "mid": "middle", "the middle of": "middle",
           "ende": "end", "late": "end", "the end of": "end"}  # fmt: skip


# --- clock times -----------------------------------------------------------------------------------------

# "am" is also German "on the": a meridiem only where no German day or date follows it.
_MERIDIEM = (
    r"(a\.m\.|p\.m\.|pm\b|am(?=\s?(?:$|[,.;!?]|(?:on|in|at|or|and|next|this|tomorrow|please|if|would|works?|is|then"
    r"|sharp|till|until|to|too|for|the|that|be|suits?|fine|ok|okay|good|better|instead|maybe|perhaps|yeah|yes)\b)))"
)


def _meridiem(said: str | None) -> str | None:
    return None if said is None else ("am" if said.startswith("a") else "pm")


def _before_hour(hour: int, minutes: int) -> Clock:
    """``minutes`` before the full ``hour`` (a 12-hour word): "halb zehn" is 9:30, "viertel vor eins" 12:45."""
    total = (hour % 12) * 60 - minutes
    return Clock(total // 60 % 12 or 12, total % 60)


_CLOCK_FORMS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Clock]], ...] = (
    # 9:30, 9.30 Uhr, 15:45 pm
    (
        _compile(rf"(?<![\d.])(\d{{1,2}})\s?[:.]\s?([0-5]\d)(?!\.?\d)(?:\s?uhr)?(?:\s?{_MERIDIEM})?"),
        lambda m: _hour_minute(m[1], m[2], m[3]),
    ),
    # 15 uhr 30, neun uhr dreißig, 3 uhr
    (
        _compile(rf"\b({_HOUR})\s?uhr(?:\s({_MINUTE}))?\b"),
        lambda m: _hour_minute(m[1], m[2] or "0", None),
    ),
    # fünf nach halb drei, zehn vor halb vier
    (
        _compile(rf"\b({_HOUR})\s(nach|vor)\shalb\s({_HOUR})\b"),
        lambda m: _before_hour(_number(m[3]), 30 + (-1 if m[2] == "nach" else 1) * _number(m[1])),
    ),
    # halb zehn, halb 10
    (_compile(rf"\bhalb\s({_HOUR})\b"), lambda m: _before_hour(_number(m[1]), 30)),
    # dreiviertel vier (southern: 3:45), viertel vier (3:15)
    (_compile(rf"\b(?:3 ?viertel|dreiviertel)\s({_HOUR})\b"), lambda m: _before_hour(_number(m[1]), 15)),
    (_compile(rf"\bviertel\s(nach|vor|after|past|to|of)\s({_HOUR})\b"), lambda m: _offset(m[2], m[1], 15)),
    (_compile(rf"\b(?:a\s)?quarter\s(past|after|to|of)\s({_HOUR})\b"), lambda m: _offset(m[2], m[1], 15)),
    (_compile(rf"\bviertel\s({_HOUR})\b"), lambda m: _before_hour(_number(m[1]), 45)),
    # half past two; half nine (British: 9:30)
    (_compile(rf"\bhalf\spast\s({_HOUR})\b"), lambda m: _offset(m[1], "past", 30)),
    (_compile(rf"\bhalf\s({_HOUR})\b(?!\s(?:an?|hours?|stunden?)\b)"), lambda m: _offset(m[1], "past", 30)),
    # zehn nach drei, ten past three, twenty to four (minutes as words before "to": "2 to 4" is a range)
    (
        _compile(rf"\b([0-5]?\d)\s(nach|vor)\s({_HOUR})\b{_NOT_A_UNIT}"),
        lambda m: _offset(m[3], m[2], _number(m[1])),
    ),
    (
        _compile(rf"\b([0-5]?\d)\s(?:minutes\s)?(past|after)\s({_HOUR})\b{_NOT_A_UNIT}"),
        lambda m: _offset(m[3], m[2], _number(m[1])),
    ),
    (
        _compile(rf"(?<!from )(?<!between )\b(5|10|20|25)\s(?:minutes\s)?(to|of)\s({_HOUR})\b"),
        lambda m: _offset(m[3], m[2], _number(m[1])),
    ),
    # ASR: hours and minutes run together, "1130", "930" (not a year, a room, a number, a phone number)
    (
        _compile(
            r"(?<![\d.:,/])(?<!\d )(?<!zimmer )(?<!room )(?<!nummer )(?<!number )(?<!taste )(?<!press )"
            rf"\b(?!19\d\d|20\d\d)(0?[1-9]|1\d|2[0-3])([0-5]\d)\b(?![.,:/]?\d)(?!\s\d){_NOT_A_UNIT}"
            rf"(?:\s?{_MERIDIEM})?"
        ),
        lambda m: _hour_minute(m[1], m[2], m[3]),
    ),
    # nine thirty, 2 30, eight oh five, neun dreißig
    (
        _compile(rf"\b({_HOUR})\s({_MINUTE})(?:\s?{_MERIDIEM})?(?!\w)(?!\s?{_UNITS}\b)"),
        lambda m: _hour_minute(m[1], m[2], m[3]),
    ),
    # 3 pm, 3pm, eleven o'clock, 3ish
    (
        _compile(rf"\b({_HOUR})\s?(?:{_MERIDIEM}|o'?clock\b|-?ish\b)"),
        lambda m: _hour_minute(m[1], "0", m[2]),
    ),
    (_compile(r"\b(?:noon|12 noon|midday sharp)\b"), lambda m: Clock(12, exact=True)),
    # Swiss: "am achti", "um halbi nüni" is not read
    (_compile(rf"\b(?:am\s|um\s)?({_alternatives(_SWISS_HOURS)})\b"), lambda m: Clock(_SWISS_HOURS[m[1]])),
)
# A number alone: a clock time only where the words around it make it one (see _bare_clock).
# "ein", "eine" are articles; "one of them", "one more" are no hour.
_BARE_HOUR = _compile(rf"\b(?!(?:ein|eine|einen)\b|one (?:of|more|or|another)\b)({_HOUR})\b{_NOT_A_UNIT}")
_CLOCK_CONTEXT = _compile(
    r"(?:\bum|\bat|\bgegen|\bum die|\baround|\babout|\barund|\bcirca|\bca\.?|\bab|\berst|\bnach|\bvor|\bbis"
    r"|\bafter|\bbefore|\bfrom|\buntil|\btill|\bby|\bfor|\bauf|\blieber|\beher|\bbesser|\bginge|\bgeht|\bgehts"
    r"|\bpasst|\blike|\bsay|\bmaybe|\brather|\bor|\boder|\bvielleicht|\bdo|\bmake it|\bzwischen|\bbetween"
    r"|\bspaetestens|\bfruehestens|\bthan|\bals|\b(?:it|that|this|appointment|one|me) to"
    rf"|\b{_HOUR}(?:\suhr)?\s(?:und|and|to|till|until|bis|-))\s$"
)
# The next words make a number a clock time: a range ("12-13 Uhr", "2 to 4"), a part of the day, "or later".
_CLOCK_NEXT = _compile(
    rf"^\s?(?:-|bis|to|till|until)\s?{_HOUR}\b"
    r"|^\s(?:in the (?:morning|afternoon|evening)|at night|abends|morgens|nachmittags|vormittags|in der frueh"
    r"|am (?:abend|morgen|nachmittag|vormittag)|(?:oder|or) (?:spaeter|frueher|later|earlier|so))\b"
)
_NOT_A_CLOCK_BEFORE = _compile(
    r"(?:(?<!um )\bdie|\bthe|\bnummer|\bnumber|\btaste|\bpress|\bdruecke\w*|\boption|\bzimmer|\broom|\bseit"
    r"|\bfor the)\s$"
)


def _hour_minute(hour: str, minute: str, meridiem: str | None) -> Clock:
    h, m = _number(hour), _number(minute)
    exact = h > 12 or h == 0 or (hour.startswith("0") and len(hour) == 2)
    return Clock(h % 24, m, _meridiem(meridiem), exact=exact and meridiem is None)


def _offset(hour: str, direction: str, minutes: int) -> Clock:
    """``minutes`` past (or to) ``hour``."""
    if direction in ("vor", "to", "of"):
        return _before_hour(_number(hour), minutes)
    h = _number(hour)
    return Clock(h % 24, minutes, exact=h > 12)


_RELATIVE_CLOCK = _compile(
    rf"\b(?:um\s)?(eine|einer|einen|ein|an|one|a|{_HOUR}|eineinhalb|anderthalb|eine halbe|half an|a half)\s"
    r"(stunden?|hours?|minuten|minutes)\s(?:spaeter|later|frueher|earlier|eher|nach hinten|nach vorne|back|forward)\b"
)
_RELATIVE_CLOCK_AFTER = _compile(
    rf"\b(?:push|move|set|schieb\w*)\s(?:it|that|the appointment|ihn|den termin|das)?\s?(back|forward|nach hinten"
    rf"|nach vorne)\s(?:by\s|um\s)?(an|one|a|{_HOUR}|half an|eine|einen)\s(hours?|stunden?)\b"
)
_SAME_TIME = _compile(
    r"\b(?:same time|the same time|gleiche[nr]? (?:uhrzeit|zeit)|(?:die|der|den)?selbe[nr]? (?:uhrzeit|zeit)|same hour"
    r"|zur gleichen zeit|um die gleiche zeit)\b"
)
_SAME_CLOCK = Clock(0, from_appointment=timedelta(0))
_LATER_WORDS = _compile(r"spaeter|later|nach hinten|back")


def _relative_clock(said: str, unit: str, later: bool) -> Clock | None:
    if said in ("eineinhalb", "anderthalb"):
        minutes = 90
    elif said in ("eine halbe", "half an", "a half"):
        minutes = 30
    else:
        amount = 1 if said in ("eine", "einer", "einen", "ein", "an", "one", "a") else _number(said)
        minutes = amount if unit.startswith("min") else amount * 60
    if minutes < 30:
        return None  # "zehn Minuten später" is being late, not another time
    return Clock(0, from_appointment=timedelta(minutes=minutes if later else -minutes))


# --- parts of the day, bounds, earlier and later --------------------------------------------------------

_DAY_PARTS: tuple[tuple[re.Pattern[str], PartOfDay], ...] = (
    # An appointment of a part of the day: "ein Abendtermin", "einen Vormittagstermin".
    (_compile(r"\bnachmittags?termin\w*"), "afternoon"),
    (_compile(r"\b(?:vormittags?|morgen|frueh)termin\w*"), "morning"),
    (_compile(r"\babend(?:s)?termin\w*"), "evening"),
    (
        _compile(
            r"\b(?:nach dem mittag(?:essen)?|nach der mittagspause|nach mittag|nachmittags?|spaetnachmittags?"
            r"|afternoons?|after lunch(?:time)?|post lunch|(?:in the )?arvos?|in the p\.?m\.?)\b"
        ),
        "afternoon",
    ),
    (_compile(r"\b(?:am namittag|namittags?)\b"), "afternoon"),  # Swiss
    (_compile(r"\b(?:am morge|am morgae|am vormittag)\b"), "morning"),
    (
        _compile(
            r"\b(?:vormittags?|morgens|fruehmorgens|am morgen|in der frueh|in (?:da|der|aller) (?:fruah|friah|fria)"
            r"|frueh am morgen"
            r"|vor dem mittag(?:essen)?|vor der mittagspause|mornings?|(?<!the )first thing|before lunch"
            r"|in the a\.?m\.?)\b"
            r"|\bjeden morgen\b|(?:(?<=morgen )|(?<=heute )|(?<=uhr ))frueh\b"
        ),
        "morning",
    ),
    (
        _compile(
            r"\b(?:mittags|ueber mittag|zu mittag|gegen mittag|am mittag|um die mittagszeit|zur mittagszeit"
            r"|mittagszeit|mittagspause|mittag|lunchtime|lunch time|at lunch|over lunch|around lunch|lunch break"
            r"|midday|mid day)\b"
        ),
        "midday",
    ),
    (
        _compile(r"\b(?:abends?|am abend|gegen abend|evenings?|nach feierabend|am aa?big|auf d'nacht|auf die nacht)\b"),
        "evening",
    ),
)
# "ab Mittag", "from midday": from noon on, a bound rather than the part of the day "mittags" names.
_FROM_NOON = _compile(r"\b(?:ab|von|vo) mittags?\b|\bfrom midday\b")
_TONIGHT = _compile(r"\btonight\b")
# A part of the day by what the callee does then: a wish only where they limit themselves to it ("Ich kann
# erst nach der Arbeit", "only after school"), not where they say how they come ("ich komme direkt nach
# der Arbeit").
_VAGUE_PARTS: tuple[tuple[re.Pattern[str], PartOfDay], ...] = (
    (_compile(r"\b(?:vor der arbeit|before work)\b"), "morning"),
    (_compile(r"\b(?:nach der schule|after school)\b"), "afternoon"),
    (_compile(r"\b(?:nach der arbeit|after work)\b"), "evening"),
)
_LIMITING = _compile(
    r"\b(?:erst|nur|only|just|lieber|rather|besser|better|prefer\w*|waere?|would|ginge|geht|could|can|kann"
    r"|koennte?n?|something|anything|etwas|give me|gib mir|geben sie mir|book me)\b"
)
_COMPOUND_PARTS: dict[str, PartOfDay] = {
    "morgen": "morning", "morgens": "morning", "vormittag": "morning", "vormittags": "morning",
    "frueh": "morning", "mittag": "midday", "mittags": "midday", "nachmittag": "afternoon",
    "nachmittags": "afternoon", "abend": "evening", "abends": "evening",
}  # fmt: skip

# The words before a date or time that make it a bound; the leftmost reading wins ("nicht nach" over "nach").
_BOUND_PREFIX = _compile(
    r"(?:(?P<after>\bnicht vor|\bnot before|\bno earlier than|\bnicht frueher als|\bnot until|\bnot till"
    r"|\berst ab|\berst nach|\berst um|\bfruehestens(?: um| ab)?|\bonly after|\bab|\bnach|\bafter|\bfrom"
    r"|\bafter (?:i|we|he|she|they) (?:\w+ ){1,3}on|\bnachdem (?:ich|wir|er|sie) (?:\w+ ){0,2}?am)"
    r"|(?P<before>\bnicht nach|\bnot after|\bno later than|\bnicht spaeter als|\bbis spaetestens"
    r"|\bspaetestens(?: um| bis)?|\bvor|\bbefore|\bbis|\buntil|\btill"
    r"|(?<!drop )(?<!pop )(?<!come )(?<!stop )(?<!swing )\bby|\bup to"
    r"|\bbefore (?:i|we|he|she|they) (?:\w+ ){1,3}on|\bbevor (?:ich|wir|er|sie) (?:\w+ ){0,2}?am))"
    r"(?:\s(?:zum|dem|den|the|um|at|so|ca\.?|circa|about|around))*\s$"
)
_BACK = _compile(r"\b(?:back|zurueck|wieder da|wieder hier|returning|return)\b")
_AFTER_SUFFIX = _compile(r"^\s(?:oder spaeter|or later|onwards|at the earliest|fruehestens|und spaeter)\b")
_BEFORE_SUFFIX = _compile(r"^\s(?:oder frueher|or earlier|at the latest|spaetestens)\b")
_RANGE_JOIN = _compile(r"^\s?(?:und|and|bis|to|till|until|-)(?:\s(?:zum|dem|den|the|um|at))*\s?$")

_SHIFTS: tuple[tuple[re.Pattern[str], Shift], ...] = (
    (
        _compile(
            r"\b(?:spaeter\w*|later|nach hinten|aufschieben|push(?:ed)? (?:it |that |the appointment |this )?back"
            r"|move (?:it |that )?back|postpone)\b"
        ),
        "later",
    ),
    (
        _compile(
            r"\b(?:frueher\w*|earlier|sooner|vorziehen|vorverlegen|nach vorne|bring (?:it |that )?forward|prepone"
            r"|as soon as possible|asap|so bald wie moeglich|moeglichst bald|schnellstmoeglich)\b"
        ),
        "earlier",
    ),
)
# Later and earlier that are not about the slot: goodbyes ("bis später", "see you later") and the past
# ("früher war ich ...").
_NOT_A_SHIFT = _compile(r"\b(?:see you|talk|bis spaeter|speak|war|waren|hatte|hatten|gewesen|used to)\b")
# Clauses whose times are not the appointment's: a call's ("Rufen Sie heute Abend nochmal an", "try again
# tomorrow", not "could we try Thursday?" nor "versuchen wir es Freitag?", "schon der dritte Anruf diese
# Woche"), the time now ("Es ist sieben Uhr morgens!", "It's 7 in the morning") and a birthday ("geboren am
# 5. März").
_NOT_THE_SLOT = _compile(
    r"\b(?:rufe?n?|ruf|anrufen|zurueckrufen|anruf\w*|melde|call|calls|calling|ring|try (?:again|me|us|back|later)"
    r"|versuchen sie|versuch(?:s| es)"
    r"|geboren|geburtsdatum|geburtstag|born|birthday|date of birth)\b"
    rf"|\b(?:es ist|it's|it is)\s(?:(?:ja|doch|erst|schon|gerade|already|only|just)\s)?{_HOUR}\b"
)
# Coming anyway, a little late ("Komme, evtl. etwas später", "I'll be there, maybe a bit later"): no other
# time, unless the callee also says they cannot ("Ich komme nicht um zehn, lieber später"). Asked, "Kann ich
# später kommen?" is a wish.
_COMING_ANYWAY = _compile(
    r"^(?:ja,? )?(?:ich )?(?:komme|komm)\b|\b(?:bin|sind) (?:\w+ ){0,5}da\b"
    r"|\b(?:ich komme|ich bin da|i'll be"
    r"|i will be|i'll come|i'll arrive|i'll get there|i'm running|running late|paar minuten|few minutes"
    r"|couple of minutes)\b"
)

# The callee cannot then: the clause's facts are not wishes (bounds turn round).
_UNABLE = _compile(
    r"\b(?:nein|nee|noe|no|nope)\s*$"  # "Dienstag nein, Mittwoch ja": a no after the day
    r"|\b(?:nicht|nich|ned|net|nit|nie|niemals|nimmer|kein|keine|keinen|keiner|not|never|cannot|no good|schlecht|bad"
    r"|zu frueh|zu spaet|too early|too late|too soon|busy|beschaeftigt|verhindert|unmoeglich|impossible"
    r"|ausgebucht|away|auf montage|auf (?:dienst|geschaefts)reise|on (?:a )?(?:business|work) trip"
    r"|\bbin\b[^,]*\bweg|weg bin|im urlaub|verreist|on holiday|on vacation|out of town|unterwegs"
    r"|ausser|except|bis auf"
    r"|(?:hab\w*|have|i've got|got) (?:da |dann |then )?(?:schon |already )?(?:einen|another|an|a) (?:anderen |other )?"
    r"(?:termin|appointment|meeting)"
    r"|cancel\w*|absag\w*|storn\w*|streich\w*|no[- ]?go)\b|n't\b|\bsag\w* .*\bab\s*$"
    r"|\bwird(?:'?s)? (?:(?:es|das|dat|des|leider|wohl|halt) )?(?:nix|nichts)\b"
    r"|\b(?:i|we)(?:'m| am| are|'re)? (?:work|working|at work)\b|\b(?:ich )?arbeite(?: ich)?\b"
    r"|\bmuss ich arbeiten\b|\bbin ich (?:arbeiten|in der arbeit|auf der arbeit)\b"
    r"|\b(?:get|gets|getting) off(?: work)?\b|\bfinish(?:es)? work\b|\bfeierabend\b"
    r"|\bbeim \w*arzt\b|\bat the (?:doctor|dentist)|\bin (?:a|einer) (?:meeting|besprechung|sitzung)\b"
    r"|\bim (?:meeting|dienst|buero)\b|\bat school\b|\bin der schule\b"
)
# Negations that are no "cannot": "kein Problem", "not only"; and suggestions asked with one ("Geht's nicht auch
# Donnerstag?", "Couldn't we do Thursday?", "why not Friday").
_NOT_UNABLE = _compile(
    r"\b(?:kein problem|kein ding|keine sorge|kein thema|no problem|not a problem|nicht schlimm|nicht nur|not only"
    r"|nicht (?:auch|eventuell|vielleicht|lieber|eher|stattdessen)|why not)\b|n't (?:mind|matter)\b"
    r"|^\w+n't (?:we|i|you|it|that|there)\b"
    r"|^(?:is|would|will|ist|waere|waer|wird)\b.*\b(?:too early|too late|zu frueh|zu spaet)\b"
)
_ALTERNATIVE = _compile(r"(?:oder|or|sonst|otherwise|alternativ\w*|or else)\b")
_PREFERENCE = _compile(
    r"\b(?:lieber|eher|besser|bevorzugt|stattdessen|statt|rather|instead|better|prefer\w*|more like|best)\b"
)


# Every date and clock form above needs one of these: a digit, a number word, an ordinal, a month, a clock word.
_MAY_NAME_A_DATE_OR_TIME = _compile(
    rf"\d|\b(?:{_alternatives(['one', *_SWISS_HOURS, *_MONTHS])}"
    r"|halb|half|viertel|quarter|noon|eineinhalb|anderthalb)\b|\b(?:same|gleiche|(?:die|der|den)?selbe|hour|stunde|minute)"
)


# --- reading a clause ------------------------------------------------------------------------------------


@dataclass
class _Clause:
    """One clause's text and the parts of it already read, so that no word is read twice."""

    text: str
    taken: list[tuple[int, int]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.taken)

    def matches(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of ``pattern`` on words not yet read, each marked read."""
        for match in pattern.finditer(self.text):
            if match.end() > match.start() and self.free(match.start(), match.end()):
                self.taken.append((match.start(), match.end()))
                yield match

    def rest(self) -> str:
        """The clause with what was read blanked out."""
        chars = list(self.text)
        for start, end in self.taken:
            chars[start:end] = " " * (end - start)
        return "".join(chars)


@dataclass(frozen=True)
class _Said:
    target: Target
    start: int
    end: int


_TODAY = Day(from_call=0)


def _today_in_a_remark(facts: Facts, text: str) -> bool:
    """ "Is the doctor running on time today?" remarks on today; "Geht's heute noch?", "today at 4" ask for it."""
    if facts.day != _TODAY or facts.clock or facts.part or facts.after or facts.before:
        return False
    return not _LIMITING.search(text) and not _PREFERENCE.search(text)


def _read_clause(text: str) -> tuple[Facts, bool, bool]:
    """The facts of one clause, whether the callee says they cannot then, and whether it is a preference."""
    clause = _Clause(text)
    facts = Facts()
    targets = _targets(clause, facts)
    _weekdays(clause, facts)
    _parts_of_day(clause, facts)
    _days_weeks_months(clause, facts)
    _bounds(clause, facts, targets)
    _shift(clause, facts)
    if _today_in_a_remark(facts, text):
        facts.day = None
    rest = _NOT_UNABLE.sub(" ", clause.rest())
    unable = _UNABLE.search(rest) is not None
    return facts, unable, _PREFERENCE.search(text) is not None


def _targets(clause: _Clause, facts: Facts) -> list[_Said]:
    """The clause's dates and clock times, in the order said; bounds and ranges are read from their context."""
    said: list[_Said] = []
    if not _MAY_NAME_A_DATE_OR_TIME.search(clause.text):
        return said  # most clauses: the dozens of scans below would find nothing
    for pattern, day in _DATE_FORMS:
        said += [_Said(day(m), m.start(1), m.end()) for m in clause.matches(pattern)]
    for m in clause.matches(_RELATIVE_CLOCK):
        relative = _relative_clock(m[1], m[2], _LATER_WORDS.search(m[0]) is not None)
        if relative is not None:
            said.append(_Said(relative, m.start(), m.end()))
    for m in clause.matches(_RELATIVE_CLOCK_AFTER):
        relative = _relative_clock(m[2], m[3], _LATER_WORDS.search(m[1]) is not None)
        if relative is not None:
            said.append(_Said(relative, m.start(), m.end()))
    for m in clause.matches(_SAME_TIME):
        said.append(_Said(_SAME_CLOCK, m.start(), m.end()))
    for pattern, clock in _CLOCK_FORMS:
        said += [_Said(clock(m), m.start(), m.end()) for m in clause.matches(pattern)]
    said += _bare_clocks(clause)
    return sorted(said, key=lambda s: s.start)


def _bare_clocks(clause: _Clause) -> list[_Said]:
    said = []
    for m in _BARE_HOUR.finditer(clause.text):
        before = clause.text[: m.start()]
        if not clause.free(m.start(), m.end()) or _NOT_A_CLOCK_BEFORE.search(before):
            continue
        if _CLOCK_CONTEXT.search(before) or _CLOCK_NEXT.match(clause.text[m.end() :]):
            clause.taken.append((m.start(), m.end()))
            said.append(_Said(_hour_minute(m[1], "0", None), m.start(), m.end()))
    return said


def _weekdays(clause: _Clause, facts: Facts) -> None:
    for m in clause.matches(_WEEKDAY):
        weekday = _WEEKDAY_WORDS[m[2]] if m[2] else _SHORT_WEEKDAYS[m[3]]
        bound = _FROM_WEEKDAY.search(clause.text[: m.start()])
        if bound is not None:
            clause.taken.append((bound.start(), m.start()))
            facts.after = facts.after or Day(weekday=weekday)
            continue
        if facts.weekday is not None:
            continue
        facts.weekday = weekday
        facts.habitual = m[4] == "s"
        if m[1] is not None:
            facts.week = facts.week or WeekSaid(from_call=1)
        if m[5] is not None:
            facts.part = facts.part or _COMPOUND_PARTS[m[5]]


def _days_weeks_months(clause: _Clause, facts: Facts) -> None:
    for pattern, day in _RELATIVE_DAYS:
        for _ in clause.matches(pattern):
            facts.day = facts.day or day
    for m in clause.matches(_DAYS_LATER):
        said, unit, direction = (m[1], m[2], m[3]) if m[1] else (m[5], m[6], m[4])
        amount = 1 if said in ("ein", "eine", "einen", "a", "one") else _number(said)
        days = amount * (7 if unit.startswith(("woche", "week")) else 1)
        sign = -1 if direction in ("frueher", "earlier", "eher", "nach vorne", "forward") else 1
        facts.day = facts.day or Day(from_appointment=sign * days)
    for pattern, week in _WEEKS:
        for _ in clause.matches(pattern):
            facts.week = facts.week or week
    for m in clause.matches(_WEEKS_LATER):
        amount = {"a couple of": 2, "ein paar": 2, "einer": 1, "a": 1, "one": 1}.get(m[1]) or _number(m[1])
        facts.week = facts.week or WeekSaid(from_call=amount)
    for m in clause.matches(_MONTH_SAID):
        third = _THIRDS.get(m[1] or m[3] or "")
        month = Month(_MONTHS[m[2]], third=third) if m[2] else Month(None, from_call=1, third=third)
        facts.month = facts.month or month


def _parts_of_day(clause: _Clause, facts: Facts) -> None:
    for _ in clause.matches(_FROM_NOON):
        facts.after = facts.after or Clock(12, exact=True)
    for _ in clause.matches(_TONIGHT):
        facts.day, facts.part = facts.day or Day(from_call=0), facts.part or "evening"
    for pattern, part in _DAY_PARTS:
        for _ in clause.matches(pattern):
            facts.part = facts.part or part
    limited = _LIMITING.search(clause.text) is not None
    for pattern, part in _VAGUE_PARTS:
        for _ in clause.matches(pattern):
            facts.vague_part = facts.vague_part or (part if limited else None)


def _bounds(clause: _Clause, facts: Facts, targets: list[_Said]) -> None:
    """Each target is one end of a range, a bound by the words before or after it, or else a date or time."""
    text = clause.text
    for index, said in enumerate(targets):
        following = targets[index + 1] if index + 1 < len(targets) else None
        previous = targets[index - 1] if index > 0 else None
        if following is not None and _RANGE_JOIN.fullmatch(text[said.end : following.start]):
            facts.after = facts.after or said.target
        elif previous is not None and _RANGE_JOIN.fullmatch(text[previous.end : said.start]):
            facts.before = facts.before or said.target
        elif (side := _bound_side(clause, said)) == "after":
            facts.after = facts.after or said.target
        elif side == "before":
            facts.before = facts.before or said.target
        elif isinstance(said.target, Day) and _BACK.search(text):
            facts.after = facts.after or said.target  # "I'll be back on the 14th", "am 14. bin ich zurück"
        elif isinstance(said.target, Day):
            facts.day = facts.day or said.target
        else:
            facts.clock = facts.clock or said.target


def _bound_side(clause: _Clause, said: _Said) -> str | None:
    """ "after" or "before" when the words around ``said`` make it a bound; those words are marked read."""
    prefix = _BOUND_PREFIX.search(clause.text[: said.start])
    if prefix is not None:
        clause.taken.append((prefix.start(), said.start))
        return "after" if prefix["after"] else "before"
    for side, pattern in (("after", _AFTER_SUFFIX), ("before", _BEFORE_SUFFIX)):
        suffix = pattern.match(clause.text[said.end :])
        if suffix is not None:
            clause.taken.append((said.end, said.end + suffix.end()))
            return side
    return None


def _shift(clause: _Clause, facts: Facts) -> None:
    if _NOT_A_SHIFT.search(clause.text):
        return
    for pattern, shift in _SHIFTS:
        for _ in clause.matches(pattern):
            facts.shift = facts.shift or shift


def _read(text: str) -> Facts | None:
    """The wish the answer states, unresolved: preferences first, what the callee cannot turned round."""
    preferred, plain = Facts(), Facts()
    mentioned = cannot = False
    for clause in _clauses(text):
        facts, unable, preference = _read_clause(clause)
        if _NOT_THE_SLOT.search(clause):
            mentioned = mentioned or facts.stated()
            continue
        cannot = cannot or unable
        if _ALTERNATIVE.match(clause) and (preferred.stated() or plain.stated()):
            mentioned = True
            continue  # "Mittwoch um drei, sonst Donnerstag ab vier": the first wish, not a blend of both
        mentioned = mentioned or facts.stated()
        if unable:
            facts = Facts(after=facts.before, before=facts.after)
        (preferred if preference else plain).fill_from(facts)
    preferred.fill_from(plain)
    if preferred.shift is not None and not cannot and _COMING_ANYWAY.search(_fold(text)):
        preferred.shift = None
        mentioned = preferred.stated()
    return preferred if mentioned else None


# --- resolving against the calendar ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    """The days the words refer to: the call's day and the appointment, both in the callee's time zone."""

    appointment: datetime
    today: date

    @property
    def first_day(self) -> date:
        """The first day a named weekday can mean: the day after the call, or the appointment's own day."""
        return min(self.today + timedelta(days=1), self.appointment.date())

    def weekday(self, weekday: int, week: WeekSaid | None) -> date:
        """The weekday in the week said, or else the nearest one from :attr:`first_day` on."""
        if week is not None:
            return self.week_start(week) + timedelta(days=weekday)
        return self.first_day + timedelta(days=(weekday - self.first_day.weekday()) % 7)

    def week_start(self, week: WeekSaid) -> date:
        """The Monday of the week said: counted from the call's week, or the appointment's own."""
        if week.from_call is None:
            return _monday(self.appointment.date())
        return _monday(self.today) + timedelta(weeks=week.from_call)

    def weeks_after_appointment(self, week: WeekSaid) -> int:
        return (self.week_start(week) - _monday(self.appointment.date())).days // 7

    def day(self, said: Day) -> date | None:
        if said.from_call is not None:
            return self.today + timedelta(days=said.from_call)
        if said.from_appointment is not None:
            return self.appointment.date() + timedelta(days=said.from_appointment)
        if said.weekday is not None:
            return self.weekday(said.weekday, None)
        if said.day is None:
            return None
        if said.either_way and said.month is not None:
            readings = [(said.day, said.month), (said.month, said.day)]
            days = [self._nearest(day, month) for day, month in readings if 1 <= month <= 12]
            return min((day for day in days if day is not None), default=None)
        if said.year is not None:  # a date in the past is no wish ("mein Geburtsdatum ist der 5.3.1980")
            day = _date_or_none(said.year, said.month or self.today.month, said.day)
            return day if day is not None and day >= self.today else None
        return self._nearest(said.day, said.month)

    def _nearest(self, day: int, month: int | None) -> date | None:
        """The nearest such day (of that month, if said) from the call's day on: "the 5th" on 30 March is 5 April."""
        first = self.today.year * 12 + self.today.month - 1
        months = range(first, first + 13) if month is None else (year * 12 + month - 1 for year in self._years)
        for index in months:
            candidate = _date_or_none(index // 12, index % 12 + 1, day)
            if candidate is not None and candidate >= self.today:
                return candidate
        return None

    @property
    def _years(self) -> range:
        return range(self.today.year, self.today.year + 5)  # 29 February comes at most four years on

    def month(self, said: Month) -> tuple[date, date]:
        """The first and last day of the month said (or the third of it said): the nearest such month."""
        index = self.today.year * 12 + self.today.month - 1
        if said.month is None:
            index += said.from_call
        else:
            index += (said.month - self.today.month) % 12
        first = date(index // 12, index % 12 + 1, 1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if said.third == "start":
            return first, first.replace(day=10)
        if said.third == "middle":
            return first.replace(day=11), first.replace(day=20)
        if said.third == "end":
            return first.replace(day=21), last
        return max(first, self.first_day), last


def _monday(of: date) -> date:
    return of - timedelta(days=of.weekday())


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _clock_text(clock: Clock, part: PartOfDay | None, appointment: datetime) -> str:
    """The clock time as HH:MM: what fixes the half of the day is am/pm, then the part said, then practice hours."""
    if clock.from_appointment is not None:
        moved = (appointment.replace(tzinfo=None) + clock.from_appointment).time()
        return f"{moved.hour:02d}:{moved.minute:02d}"
    hour = clock.hour
    if not clock.exact:
        if clock.meridiem == "pm" or (clock.meridiem is None and part in ("afternoon", "evening")):
            hour = hour % 12 + 12
        elif clock.meridiem == "am":
            hour %= 12
        elif clock.meridiem is None and part != "morning" and 1 <= hour <= 6:
            hour += 12
        elif hour == 0:
            hour = 12
    return f"{hour:02d}:{clock.minute:02d}"


def _bound_text(bound: Target | None, part: PartOfDay | None, calendar: _Calendar) -> str | None:
    if bound is None:
        return None
    if isinstance(bound, Clock):
        return _clock_text(bound, part, calendar.appointment)
    day = calendar.day(bound)
    return day.isoformat() if day else None


def _resolve(facts: Facts, calendar: _Calendar) -> PreferredTime:
    concrete = any(
        (
            facts.weekday is not None,
            facts.day,
            facts.clock,
            facts.part,
            facts.after,
            facts.before,
            facts.week,
            facts.month,
        )
    )
    part = facts.part or (None if facts.clock or facts.after or facts.before else facts.vague_part)
    week = None
    on: date | None = calendar.day(facts.day) if facts.day else None
    weekday = facts.weekday
    if weekday is None and on is None and facts.week is not None and facts.clock == _SAME_CLOCK:
        weekday = calendar.appointment.weekday()  # "same time next week": the same day of the week too
    if weekday is not None and on is None and not facts.habitual:
        on = calendar.weekday(weekday, facts.week)
    if facts.week is not None:
        weeks = calendar.weeks_after_appointment(facts.week)
        week = "this" if weeks == 0 else "next" if weeks == 1 else None
    after = _bound_text(facts.after, part, calendar)
    before = _bound_text(facts.before, part, calendar)
    if facts.week is not None and week is None and on is None:
        monday = calendar.week_start(facts.week)
        after, before = after or monday.isoformat(), before or (monday + timedelta(days=6)).isoformat()
    if facts.month is not None:
        first, last = calendar.month(facts.month)
        after, before = after or first.isoformat(), before or last.isoformat()
    return PreferredTime(
        weekday=WEEKDAYS[weekday] if weekday is not None else None,
        date=on.isoformat() if on else None,
        time=_clock_text(facts.clock, part, calendar.appointment) if facts.clock else None,
        part_of_day=part,
        after=after,
        before=before,
        week=week,
        shift=None if concrete else facts.shift,
    )


def _restates(wish: PreferredTime, appointment: datetime) -> bool:
    """The appointment's own day or time, and nothing else: "Ja, Dienstag um zehn passt". Its week or part of
    the day alone are wishes still ("any other day that week", "first thing in the morning")."""
    stated = wish.stated()
    if not stated.keys() & {"weekday", "date", "time"}:
        return False
    own = {
        "weekday": WEEKDAYS[appointment.weekday()],
        "date": appointment.date().isoformat(),
        "time": f"{appointment.hour:02d}:{appointment.minute:02d}",
        "part_of_day": part_of_day_of(appointment),
        "week": "this",
    }
    return all(own.get(name) == value for name, value in stated.items())


def _arrives_for(wish: PreferredTime, appointment: datetime, text: str) -> bool:
    """A callee coming anyway who says when they get there ("ich bin um Viertel vor zehn da", "I'll be there
    at 9:45"): a clock time within half an hour of the appointment, on its day, is their arrival."""
    if wish.time is None or not _COMING_ANYWAY.search(_fold(text)) or _PREFERENCE.search(_fold(text)):
        return False
    if wish.stated().keys() - {"time", "date", "weekday"}:
        return False
    own_date, own_weekday = appointment.date().isoformat(), WEEKDAYS[appointment.weekday()]
    if wish.date not in (None, own_date) or wish.weekday not in (None, own_weekday):
        return False
    hour, minute = (int(part) for part in wish.time.split(":"))
    return abs(hour * 60 + minute - appointment.hour * 60 - appointment.minute) <= 30


def part_of_day_of(moment: datetime) -> PartOfDay:
    """The part of the day ``moment`` is in, as a callee names it ("vormittags", "in the afternoon")."""
    if moment.hour < 12:
        return "morning"
    if moment.hour < 14:
        return "midday"
    return "afternoon" if moment.hour < 18 else "evening"


def _call_day(appointment: datetime, now: datetime | None) -> date:
    """The call's day in the callee's time zone. A reminder is called before its appointment: a clock past
    it (a replay of a recorded call, the corpus) is taken as a call on the day before, the default lead time."""
    today = (now or datetime.now(appointment.tzinfo)).astimezone(appointment.tzinfo).date()
    return today if today <= appointment.date() else appointment.date() - timedelta(days=1)


def read_preferred_time(text: str, *, appointment: datetime, now: datetime | None = None) -> PreferredTime | None:
    """The time ``text`` asks for instead of ``appointment`` (aware, in the callee's time zone), or ``None``
    when it names no time or only the appointment's own. ``now`` is the call's moment (default: the clock)."""
    if appointment.tzinfo is None:
        raise ValueError("the appointment must be an aware datetime in the callee's time zone")
    facts = _read(text)
    if facts is None or not facts.stated():
        return None
    wish = _resolve(facts, _Calendar(appointment, _call_day(appointment, now)))
    if _restates(wish, appointment) and facts.shift is not None:
        return wish.model_copy(update={"shift": facts.shift})  # "later on the same day", "Dienstag, aber später"
    if _restates(wish, appointment) and len(sentences := _SENTENCE_END.split(text.strip())) > 1:
        # "Oh yeah, Tuesday at ten, when normal people work. Give me something after work.": the appointment
        # restated in a sentence of its own is no part of the wish another sentence states
        wishes = (read_preferred_time(sentence, appointment=appointment, now=now) for sentence in sentences)
        return next((wish for wish in wishes if wish is not None), None)
    if not wish.stated() or _restates(wish, appointment) or _arrives_for(wish, appointment, text):
        return None
    return wish


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def mentions_a_time(text: str) -> bool:
    """Whether ``text`` names a day, a date, a clock time, a part of the day, a week, a month or earlier/later,
    wished for or not ("Dienstag geht nicht" does; "seit 10 Jahren" and "drücken Sie die 3" do not)."""
    return _read(text) is not None
