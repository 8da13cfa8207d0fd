"""What callers and speech recognisers write, in the words the answer reader knows.

The reader (:mod:`reminders.conversation.intents`) matches one vocabulary; this module brings an answer to
it first, without changing where its clauses and sentences end:

- case, ``ß`` as ``ss``, typographic apostrophes, and English contractions spelt out ("can't" -> "can not",
  "cannae" -> "can not", "I'll" -> "I will", "it's" -> "it is"), with or without the apostrophe;
- regional forms of the few words that decide ("ned", "nöd", "nit", "nich" -> "nicht"; "i kumm", "i chume"
  -> "komme"; "gaht", "goht", "jeht" -> "geht"; "basst" -> "passt"; "kon", "cha" -> "kann");
- elongations ("jjja", "neeein", "yyyes", "jaha"), split words ("verschie ben", "can cel") and the common
  mis-hearings of short answers ("counsel", "conform", "be their", "that's find", "know, I can't"): a word
  is only changed into one the vocabulary holds;
- idioms, as the word they amount to: "kein Ding", "nothing against it" as a yes; "das wird nichts",
  "call it off" as a cancellation; "was anderes", "push it back" as another time.
"""

from __future__ import annotations

import re
from functools import cache

from reminders.conversation import lexicon

__all__ = ["normalized"]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "ß": "ss"})

_NEGATIVE_CONTRACTION = re.compile(r"\b(\w+)n't\b")
_IRREGULAR_NEGATIVES = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}
# Scottish "cannae", "dinnae", "wouldnae": the verb and a negation.
_SCOTTISH_NEGATIVE = re.compile(r"\b(can|do|did|will|would|could|should|is|was|are|have|has)(?:nae|na)\b")
# What speech recognisers write without the apostrophe, and the few words that are spoken as one.
_SPOKEN_AS_ONE = {
    "cannot": "can not",
    "cant": "can not",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "havent": "have not",
    "im": "i am",
    "ive": "i have",
    "youve": "you have",
    "thats": "that is",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "have to",
}
_SPOKEN_AS_ONE_WORD = re.compile(r"\b(?:" + "|".join(_SPOKEN_AS_ONE) + r")\b")
_SUFFIXES = (
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"\b(it|that|there|what|who|he|she|where|here|how|this|everyone|everybody)'s\b"), r"\1 is"),
    (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"'s\b"), " s"),  # "geht's", "Peter's": the word stays whole
)

# Regional and colloquial forms of the words the reader decides on (the few that collide are left alone:
# "na" is a no in Bavaria and part of "na klar"; "do" is Bavarian "da" and English "do").
_REGIONAL = {
    **dict.fromkeys(("ned", "nöd", "nit", "nich", "net", "nid", "nicht"), "nicht"),
    **dict.fromkeys(("nix", "nüscht", "nüt", "nischt"), "nichts"),
    **dict.fromkeys(("kumm", "kimm", "chume", "chumm", "kumme"), "komme"),
    **dict.fromkeys(("kom", "kum"), "komme"),
    "bi": "bin",
    "krisch": "kriege",
    **dict.fromkeys(("gaht", "goht", "jeht", "jeiht", "gehts"), "geht"),
    **dict.fromkeys(("verlääje", "verläje", "verleje"), "verlegen"),
    **dict.fromkeys(("ik", "ick"), "ich"),
    **dict.fromkeys(("bün", "büm"), "bin"),
    "dor": "da",
    "kloar": "klar",
    "hob": "habe",
    **dict.fromkeys(("ka", "koa", "kei"), "keine"),
    **dict.fromkeys(("absagn", "obsogn"), "absagen"),
    **dict.fromkeys(("basst", "bassd", "passd", "bass"), "passt"),
    **dict.fromkeys(("kon", "cha", "chan", "ko", "konn"), "kann"),
    **dict.fromkeys(("chönd", "chönnt", "kannt", "kennt"), "könnten"),
    **dict.fromkeys(("jut", "guet", "guat"), "gut"),
    "freili": "freilich",
    # Swiss and Alemannic weekdays.
    **dict.fromkeys(("mäntig", "määntig"), "montag"),
    **dict.fromkeys(("zischtig", "ziischtig", "dienschtig"), "dienstag"),
    **dict.fromkeys(("mittwuch", "mittwoch"), "mittwoch"),
    **dict.fromkeys(("dunschtig", "dunnschtig", "donnschtig"), "donnerstag"),
    **dict.fromkeys(("fritig", "friitig"), "freitag"),
    "okey": "okay",
    "oke": "okay",
    "okie": "okay",
    # Common mis-hearings of the short answers.
    "counsel": "cancel",
    "council": "cancel",
    "conform": "confirm",
    "conformed": "confirmed",
    "stonieren": "stornieren",
    "stroniere": "storniere",
}
_MISHEARD = (
    (re.compile(r"\bbee? (?:their|they are|theyre)\b|\bbee there\b"), "be there"),
    (re.compile(r"\b(that is|it is|is) find\b"), r"\1 fine"),
    (re.compile(r"^\W*know\b"), "no"),  # "know, I can't": an answer does not begin with "know"
    (re.compile(r"\b(?:m+[ -]?hm+|uh[ -]?huh|mhm+)\b"), "mhm"),  # a hum: listening, a yes only with more
    (re.compile(r"\bja wohl\b"), "jawohl"),
    # "ich bin pünktlich da", "i bi denn da": being there, with a word or two between.
    (re.compile(r"\bbin ((?:(?!nicht\b|nie\b|kein\w*)[^\W\d]+ ){0,2})(?:da|do)\b"), r"\1bin da"),
    # "ich bin um zehn bei Ihnen" as the whole clause, not "ich bin bei Ihnen in Behandlung".
    (
        re.compile(
            r"\bbin ((?:(?!nicht\b|nie\b|kein\w*)[^\W\d]+ ){0,2})(?:bei (?:ihnen|euch)|in der praxis)"
            r"(?=\s*(?:[.,;!?]|$))"
        ),
        r"\1bin da",
    ),
    (re.compile(r"\bbe in\s*(?=[.,;!?]|$)"), "be there"),  # "I'll be in", not "be in hospital"
    (re.compile(r"\b(?:would|will|does|should|that|it|this|not|might|could) work\b"), lambda m: m[0] + "s"),
)
# A full stop that ends no sentence: after an abbreviation or an ordinal ("Dr. Weber", "am 10. März").
_NOT_A_FULL_STOP = re.compile(r"\b(dr|mr|mrs|ms|nr|evtl|bzw|ca|prof|st|\d+)\.(?=\s+\w)")
_WORD = re.compile(r"[^\W\d_]+")


def normalized(text: str) -> str:
    """``text`` in the reader's words: lower case, contractions spelt out, regional and misheard words mended."""
    folded = _NOT_A_FULL_STOP.sub(r"\1", text.casefold().translate(_APOSTROPHES))
    folded = _SCOTTISH_NEGATIVE.sub(r"\1 not", folded)
    folded = _SPOKEN_AS_ONE_WORD.sub(lambda match: _SPOKEN_AS_ONE[match[0]], folded)
    folded = _NEGATIVE_CONTRACTION.sub(lambda match: f"{_IRREGULAR_NEGATIVES.get(match[1], match[1])} not", folded)
    for pattern, replacement in _SUFFIXES:
        folded = pattern.sub(replacement, folded)
    folded = _WORD.sub(lambda match: _mended(match[0]), folded)
    folded = _joined(folded)
    for pattern, said in _MISHEARD:
        folded = pattern.sub(said, folded)
    for pattern, said in lexicon.IDIOMS:
        folded = pattern.sub(said, folded)
    return folded


def _mended(word: str) -> str:
    """A regional or misheard word as the vocabulary's, and an elongated one ("jjja", "jaha") shortened."""
    if word in _REGIONAL:
        return _REGIONAL[word]
    if word in lexicon.VOCABULARY or len(word) < 3:
        return word
    return _elongations().get(_collapsed(word), word)


def _collapsed(word: str) -> str:
    """``word`` with letters said longer than they are written ("jjjaaa", "neeein", "jaha") made single."""
    single = re.sub(r"(.)\1+", r"\1", word)
    return re.sub(r"([aeiouäöü])h\1", r"\1", single)


@cache
def _elongations() -> dict[str, str]:
    """The short answer words, by their collapsed form: "ja" for "jjja", "nein" for "neeein"."""
    return {_collapsed(word): word for word in lexicon.ANSWER_WORDS}


def _joined(text: str) -> str:
    """Words a recogniser split ("verschie ben", "can cel", "ab sagen") joined, where the whole decides."""
    pieces = text.split(" ")
    joined: list[str] = []
    while pieces:
        first = pieces.pop(0)
        second = _LEADING_WORD.match(pieces[0]) if pieces and first.isalpha() else None
        if second and first + second[1] in lexicon.SPLIT_WORDS:
            first += pieces.pop(0)
        joined.append(first)
    return " ".join(joined)


_LEADING_WORD = re.compile(r"([^\W\d_]+)")
