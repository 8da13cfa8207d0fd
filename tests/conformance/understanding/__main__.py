"""``python -m tests.conformance.understanding [--held-out] [--barge-in | --into-greeting] [--misses]``: figures.

Per language and category: answers, recorded as a receptionist would, harmful, asked again, mailbox
greetings recognised and persons taken for a mailbox; then the totals against issue 18's targets.
``--barge-in`` says every answer into the question once the appointment's date and time were heard,
``--into-greeting`` into the greeting's first words (where "ja" is how people pick up: asked again);
``--misses`` lists the answers read otherwise than a receptionist would, the harmful ones first.
``--held-out`` plays the held-out set (``held_out/``, which no rule is tuned to) instead of the tuning set.
"""

from __future__ import annotations

import argparse

from . import measure
from .corpus import HELD_OUT, load_answers
from .runner import TARGET_ACCURACY, TARGET_HARMFUL, TARGET_MAILBOX_RECOGNITION, Figures, Moment, Tally

_HEADER = f"{'':<10} {'category':<18} {'n':>4} {'receptionist':>14} {'harmful':>8} {'asked again':>12} {'mailbox':>9}"


def _row(language: str, category: str, tally: Tally) -> str:
    accuracy = f"{tally.as_receptionist:>3} {tally.accuracy:>6.1%}"
    mailbox = f"{tally.mailboxes_recognised}/{tally.mailboxes}" if tally.mailboxes else ""
    if tally.persons_as_mailbox:
        mailbox += f" +{tally.persons_as_mailbox} persons"
    return (
        f"{language:<10} {category:<18} {tally.answers:>4} {accuracy:>14} {tally.harmful:>8}"
        f" {tally.asked_again:>12} {mailbox:>9}"
    )


def _summary(total: Tally) -> list[str]:
    harmful_rate = total.harmful / total.answers if total.answers else 0.0
    return [
        f"recorded as a receptionist would: {total.as_receptionist}/{total.answers} ({total.accuracy:.1%});"
        f" target at least {TARGET_ACCURACY:.0%}",
        f"harmful: {total.harmful} ({harmful_rate:.1%}); target at most 1 in {round(1 / TARGET_HARMFUL)}",
        f"requests for another time recorded as confirmed: {total.reschedules_confirmed}/{total.reschedules};"
        " target none",
        f"asked again: {total.asked_again}; clear answers asked again: {total.clear_asked_again}/{total.clear}",
        f"mailbox greetings recognised: {total.mailboxes_recognised}/{total.mailboxes}"
        f" ({total.mailbox_recognition:.1%}), target at least {TARGET_MAILBOX_RECOGNITION:.0%};"
        f" persons taken for a mailbox: {total.persons_as_mailbox}/{total.persons}, target none",
    ]


def report(figures: Figures, *, misses: bool = False) -> str:
    """The figures as text: the table, the totals, and the misses if asked for."""
    lines = [f"Understanding of first answers, {figures.moment}", "", _HEADER]
    for language, tally in figures.languages.items():
        by_category = [(category, t) for (lang, category), t in figures.categories.items() if lang == language]
        lines += [_row(language, category, category_tally) for category, category_tally in by_category]
        lines += [_row(language, "all", tally), ""]
    lines += [_row("all", "", figures.total), "", *_summary(figures.total)]
    if misses:
        lines += ["", "Not recorded as a receptionist would (language/category: expected -> read):"]
        lines += [
            f"{'HARM ' if p.harmful else '     '}{p.answer.language}/{p.answer.category}:"
            f" {p.answer.record} -> {p.reading}  {p.answer.say!r}"
            for p in figures.misses
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.understanding", description=__doc__)
    said = parser.add_mutually_exclusive_group()
    said.add_argument(
        "--barge-in",
        dest="moment",
        action="store_const",
        const=Moment.AFTER_THE_DATE,
        help="say every answer into the question, after the appointment's date and time",
    )
    said.add_argument(
        "--into-greeting",
        dest="moment",
        action="store_const",
        const=Moment.INTO_THE_GREETING,
        help="say every answer into the greeting's first words",
    )
    parser.add_argument("--misses", action="store_true", help="list the answers not read as a receptionist would")
    parser.add_argument("--held-out", action="store_true", help="the held-out answers, which no rule is tuned to")
    arguments = parser.parse_args()
    answers = load_answers(HELD_OUT) if arguments.held_out else None
    print(report(measure(moment=arguments.moment, answers=answers), misses=arguments.misses))


if __name__ == "__main__":
    main()
