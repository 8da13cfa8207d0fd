"""Which clauses of an answer ask something, and what: a fact the reminder holds (when, where, who calls,
what it is about) or something only the practice knows.

A clause asks when it begins as a question: a W-word ("wann", "wie lange", "who", "how about"), or, in a
sentence that ends with a question mark, a verb before its subject ("Brauche ich ...?", "Passt es ...?",
"Do I need ...?", "Could we ...?"). A sentence's last clause asks too when the sentence ends with one
("Am Freitag, den sechsten vielleicht?"). Clauses before it that begin otherwise are statements: "Ja, muss
ich was mitbringen?" answers, then asks. Speech recognisers leave out question marks; without any
punctuation a modal question still asks ("können wir den verschieben", "do i need a referral").
German drops the subject of statements ("Mach ich", "Muss ich erst klären."), so a verb first asks only in
a question or in unpunctuated speech.
"""

from __future__ import annotations

import re

from reminders.conversation.lexicon import words

__all__ = ["Clause", "asked_in", "clauses"]

_W_WORDS = words(
    "wann wo wer wie was welche welcher welches welchen welchem warum wieso weshalb worum wofür wohin woher womit "
    "when where who whom what which why how"
)
_SUBJECTS = words("ich du er sie es s wir ihr man das der die dies dat des i we you he she it there this that my")
# Words before a question that do not begin it: a link, a hesitation, a greeting ("äh hallo, wer ist da").
_LEADING = words("und oder also so aber and or but well then dann äh ähm öh hm hmm uh um er erm hallo hello hi hey")
# English questions put the verb first and imperatives never begin with one of these.
_AUXILIARIES = words("can could do does did is are was were will would should shall may might have has am")
# Asking without a question mark: what unpunctuated speech still says as a question.
_MODAL_FIRST = re.compile(
    r"^(?:(?:können|könnten|kann|könnte) (?:wir|man|sie)|(?:gibt|geht|ginge|wäre) (?:es|s)"
    r"|(?:muss|brauche|brauch|soll|darf) ich|(?:ist|sind|wird) (?:das|es|die|der))\b"
)
_CLAUSE = re.compile(r"[,;:]+|\s(?=\b(?:aber|sondern|but)\b)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=\?)(?=\S)")
# What the reminder already says, asked again; everything else is for the practice.
_ASKS_WHO = re.compile(
    r"\bmit wem\b|\bwer (?:ist|spricht|ruft|hat|sind)\b|\bwho (?:is"
    r"|am|are|was|s) (?:this|calling|speaking|that|it|there|i)\b"
    r"|\bwho is calling\b|\bwho (?:am i|are you)\b|\bwho was calling\b"
    r"|\bwelche praxis\b|\bwhich (?:practice|surgery|doctor)\b|\bvon wo\b.*\banrufen\b"
)
_ASKS_WHERE = re.compile(
    r"\b(?:wo|where|wohin)\b(?!.*\b(?:park\w*|warte\w*|wait\w*|toilet\w*)\b)|\badresse\b|\baddress\b|\banschrift\b"
)
_ASKS_WHEN = re.compile(
    r"\bwann\b(?=.*\b(?:das|es|s|der termin|mein termin|war|ist)\b)|\bwhen (?:is|was|s) (?:it|that|this|the|my)\b"
    r"|\bwie ?viel uhr\b|\bwelche[rnms]? (?:tag|uhrzeit|zeit|datum)\b|\bwhat (?:time|day|date)\b|\bwhich (?:day|date)\b"
)
_ASKS_WHAT = re.compile(
    r"\bworum\b|\bum was\b|\bwas (?:ist das|für ein)\b.*\btermin\b|\bwofür\b|\bwarum rufen\b|\bwieso rufen\b"
    r"|\bwhat (?:is )?(?:this|it|that) (?:about|regarding|for)\b|\bwhat is (?:this|it|that) about\b"
    r"|\bwhat (?:appointment|kind of appointment)\b|\bwhy (?:are you|did you) call\w*|\bwelcher termin\b"
)


class Clause:
    """A clause of an answer, its words, and whether it asks."""

    __slots__ = ("asks", "text", "words")

    def __init__(self, text: str, *, asks: bool) -> None:
        self.text = text
        self.words = _WORD.findall(text)
        self.asks = asks


_WORD = re.compile(r"[^\W_]+")


def clauses(text: str) -> list[Clause]:
    """``text`` (normalised) in clauses, each marked whether it asks."""
    unpunctuated = not re.search(r"[.,;:!?]", text)
    found: list[Clause] = []
    for sentence in _SENTENCE.split(text.strip()):
        questioned = sentence.rstrip().endswith("?")
        parts = [part for part in _CLAUSE.split(sentence) if _WORD.search(part)]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            found.append(Clause(part, asks=_asks(part, questioned=questioned, last=last, unpunctuated=unpunctuated)))
    return found


def _asks(part: str, *, questioned: bool, last: bool, unpunctuated: bool) -> bool:
    said = _WORD.findall(part)
    while said and said[0] in _LEADING:
        said = said[1:]
    if not said:
        return False
    if said[0] in _W_WORDS:
        return True
    if questioned:
        # One word alone asks nothing: it is how people pick up or check ("Ja?", "Hallo?", "Ja, Müller?").
        return (last and len(said) > 1) or _verb_first(said)
    return (unpunctuated and _MODAL_FIRST.match(" ".join(said)) is not None) or (
        unpunctuated and said[0] in _AUXILIARIES and len(said) > 1 and said[1] in _SUBJECTS
    )


def _verb_first(said: list[str]) -> bool:
    """Whether the clause puts a verb before its subject: "passt es", "brauche ich", "can we", "is there"."""
    if said[0] in _AUXILIARIES:
        return True
    return len(said) > 1 and said[1] in _SUBJECTS and said[0] not in _SUBJECTS | _NOT_VERBS


# Words that begin German statements before a subject ("da kann ich nicht", "dann bin ich da").
_NOT_VERBS = words("da dann so ja nein jetzt hier heute morgen also doch nee jo okay gut klar peters")


def asked_in(question: str) -> str:
    """What a clause that asks is about: ``when``, ``where``, ``who``, ``what`` or ``practice``."""
    for asked, pattern in (("who", _ASKS_WHO), ("when", _ASKS_WHEN), ("what", _ASKS_WHAT), ("where", _ASKS_WHERE)):
        if pattern.search(question):
            return asked
    return "practice"
