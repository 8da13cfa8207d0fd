"""The answer reader's vocabulary, German and English in one: the words that decide, the answer words, the
negations, the words that carry nothing, and the idioms read as the word they amount to.

Regional words are here in the form :mod:`reminders.conversation.wording` leaves them ("jo", "aye",
"freilich", "haan"); their spellings are mended there. Two words collide across regions and are placed
by their position, not listed as a yes or a no: "na" (a Bavarian or Austrian no, but "na klar", "na gut")
and "ne" (a northern no, but a tag at the end: "passt schon, ne").
"""

from __future__ import annotations

import re

__all__ = [
    "ANSWER_WORDS",
    "CANCEL_VERBS",
    "COME_VERBS",
    "CONFIRM_VERBS",
    "DECIDING_PAIRS",
    "DECIDING_WORDS",
    "FILLERS",
    "IDIOMS",
    "KEYS_BY_NAME",
    "MODALS",
    "NEEDS",
    "NEEDS_AN_OBJECT",
    "NEGATIONS",
    "NO_AT_THE_START",
    "NO_WORDS",
    "OBJECTS",
    "PRAISE",
    "RESCHEDULE_VERBS",
    "SEPARABLE",
    "SPLIT_WORDS",
    "THE_DAY_AHEAD",
    "VOCABULARY",
    "WEEKDAYS",
    "YES_WORDS",
    "words",
]


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Verbs (and their nouns) that decide. "bleibt" as in "der Termin bleibt".
CONFIRM_VERBS = words(
    "bestätigen bestätige bestätigt bestätigung behalten behalte bleibt wahrnehmen zusagen "
    "confirm confirmed confirming confirmation keep keeping"
)
CANCEL_VERBS = words(
    "absagen absage abgesagt austragen stornieren storniere storniert stornierung streichen streiche verhindert "
    "verpassen entgehen löschen lösche entfernen "
    "cancel cancelled canceled cancelling canceling cancellation miss remove delete"
)
# Another time: the slot is not given up, the practice gets in touch.
RESCHEDULE_VERBS = words(
    "verschieben verschiebe verschoben verlegen verlege verlegt umbuchen umlegen umvereinbaren schieben "
    "ändern abändern umändern "
    "tauschen tausche umtauschen "
    "reschedule rescheduled rescheduling rearrange rearranging postpone postponed rebook shift change changed "
    "changing swap swapping"
)
# Coming to the appointment, or its time suiting, is confirming it.
COME_VERBS = words(
    "komme kommen komm erscheine erscheinen vorbeikommen schaffe schaffen schaff passt klappt geht dabei möglich "
    "come coming attend attending works suits suit possible happen go make"
)
# "schaffen" is managing it only with what is managed ("ich schaffe es"); alone it is Swabian for working.
NEEDS_AN_OBJECT = words("schaffe schaffen schaff")
OBJECTS = words("es s das des dat den ihn termin it that")
# Needing the appointment decides only negated: "den brauche ich nicht mehr", "I don't need it anymore".
NEEDS = words("brauche brauch brauchen need needed needing")
# Two words that decide together.
DECIDING_PAIRS = {
    **dict.fromkeys(("pop in", "pop by", "pop round", "drop by", "drop in", "swing by", "come by"), "confirm"),
    "able for": "confirm",  # Irish: "I'll be able for it"
    **dict.fromkeys(("make it", "be there", "bin da", "da sein", "got it", "will do"), "confirm"),
    **dict.fromkeys(("see you", "see yous", "see ya", "see ye", "see yez"), "confirm"),
    **dict.fromkeys(("mach ich", "machen wir", "wird gemacht", "geht klar", "bis dann", "bis bald"), "confirm"),
    **{f"bis {day}": "confirm" for day in ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "morgen")},
    "call off": "cancel",
}
# Separable German verbs: "ich sage (den Termin) ab", "der Termin fällt aus", "dat kriejen mer hin".
SEPARABLE = {
    words("sage sagen sag"): {"ab": "cancel", "zu": "confirm"},
    words("nehme nehmen"): {"wahr": "confirm"},
    words("trage tragen"): {"aus": "cancel"},
    words("fällt fallen"): {"aus": "cancel"},
    words("kriege kriegen krieg kriejen krieje"): {"hin": "confirm"},
    words("lege legen"): {"um": "reschedule"},
    words("gehe geh gehen"): {"hin": "confirm"},
}
YES_WORDS = words(
    "ja jawohl jawoll jo joa jau jep jup jap genau richtig korrekt klar sicher natürlich gerne gern freilich "
    "logisch okay ok einverstanden selbstverständlich gut "
    "yes yeah yep yup yea yah aye haan sure surely correct right righto alright fine absolutely definitely "
    "certainly cheers ta"
)
# Praise is a yes, except when what follows it is no answer at all ("Toll, noch so ein Robo-Anruf.").
PRAISE = words(
    "super toll prima perfekt wunderbar klasse schön herrlich spitze "
    "great perfect lovely brilliant wonderful fantastic excellent grand nice"
)
NO_WORDS = words("nein nee nö nä naa nei noi no nope nah naw nae nahi")
NO_AT_THE_START = words("ne na")
NEGATIONS = words("nicht kein keine keinen keinem keiner nie niemals keinesfalls not never")
# Words that stand beside the answer and say nothing of it: a negation among only these is no more than a
# stressed no ("nein, leider nicht", "no, not at all"), and praise among only these is a yes.
FILLERS = words(
    "leider bitte also doch wirklich gar überhaupt eben halt mehr ganz auf fall ich es das ist so sorry dann "
    "danke dank vielen vielmal merci äh ähm hm mal eh gell wa woll moin servus adele tschüss i isch ick mer "
    "ma des dat den der die und ja schon scho mir mich hallo da do sehr anruf erinnerung denn "
    "unfortunately sadly please really actually at all i it that is so then thanks thank you very much um uh hmm "
    "oh ah well mate hen love dear sir madam ma am ji bye okey dokey and me the for calling call reminder mhm"
)
MODALS = words("kann können könnte könnten werde werden will möchte can could will would")
# A whole answer that names a key: "eins", "die Eins", "ich drück die 1", "I'm pressing one".
KEYS_BY_NAME = {
    **dict.fromkeys(("1", "eins", "one"), "1"),
    **dict.fromkeys(("2", "zwei", "two"), "2"),
    **dict.fromkeys(("3", "drei", "three"), "3"),
    **dict.fromkeys(("0", "null", "zero"), "0"),
}
# The names of each weekday (Monday is 0), and the words that point at the appointment's day when it is the
# next one, as a reminder is called: "morgen", "tomorrow", "am", "then".
WEEKDAYS = (
    words("montag monday"),
    words("dienstag tuesday"),
    words("mittwoch wednesday"),
    words("donnerstag thursday"),
    words("freitag friday"),
    words("samstag sonnabend saturday"),
    words("sonntag sunday"),
)
THE_DAY_AHEAD = words("morgen tomorrow am on an dem that day da dann then um at")
DECIDING_WORDS = CONFIRM_VERBS | CANCEL_VERBS | RESCHEDULE_VERBS | COME_VERBS
# Words a recogniser splits ("verschie ben", "and eren termin", "a nother"), joined where the whole is one.
SPLIT_WORDS = DECIDING_WORDS | words("anderen andere anderer anderes another")
ANSWER_WORDS = YES_WORDS | NO_WORDS | PRAISE | words("okay nein yes")
VOCABULARY = DECIDING_WORDS | ANSWER_WORDS | NEGATIONS | FILLERS | MODALS | NEEDS

_YES = " okay "
_NOT = " not "
# An emphatic no: before a clause it negates the clause ("no way I'm coming"); alone it decides nothing.
_NO_WAY = (
    r"\b(?:there is no way|no way|not a chance|no chance|keine chance|auf keinen fall|unter keinen umständen"
    r"|on no account|under no circumstances)\b"
)
_CANCEL = " absagen "
_AWAY = (
    # "im" is read as English "I'm" (see wording) before a German noun too.
    r"(?:verreist|(?:im|i am) (?:urlaub|ausland)|auf reisen|auf dienstreise|away|on holiday|on vacation"
    r"|out of town|abroad|travelling|traveling)\b(?! (?:till|until|bis|from)\b)"
)
# The callee as the subject, before or after a day: "ich bin", "bin ich", "I'll be".
_ME = r"(?:ich bin|bin ich|wir sind|sind wir|i am|i will be|we are|we will be|bin)"
_ME_AFTER = r"(?:bin ich|sind wir|i am|i will be|we are|we will be)"
_ON_A_DAY = r"(?:(?:am|on|an dem) (?:\w*tag|mittwoch|\w+day)|morgen|tomorrow|then|dann|da)"
_NOT_THERE = (
    r"(?:nicht erreichbar|nicht da|nicht zu hause|nicht daheim|nicht bei (?:ihnen|euch)|not available|unavailable"
    r"|not (?:here|home|around|about|in town))\b"
)
_BUSY = r"(?:busy|beschäftigt|working|at work|auf arbeit|auf der arbeit|bei der arbeit)\b"
_DAY = r"(?:\w*tag|mittwoch|\w+day|morgen|tomorrow|then|dann)\b"
# Words between "ich bin" and "verreist" that make it no absence then: a negation, now, back, a day.
_NOT_AWAY = (
    r"(?!nicht\b|not\b|nie\b|never\b|gerade\b|grad\b|momentan\b|jetzt\b|right\b|currently\b|just\b|now\b"
    r"|zurück\b|back\b|\w*tag\b|mittwoch\b|\w+day\b|morgen\b|tomorrow\b)"
)
_RESCHEDULE = " verschieben "
_NOTHING = " "
# Idioms, read as the word they amount to (the words around them are kept).
_IDIOMS: tuple[tuple[str, str], ...] = (
    # A negation that means yes.
    (r"\bkeine?n? (?:ding|problem|sorge|sorgen|angst|stress|thema)\b", _YES),
    (r"\b(?:da )?spricht nichts dagegen\b|\bnichts dagegen\b|\bnothing against (?:it|that)\b", _YES),
    (r"\bohne frage\b|\bnichts besseres vor\b|\bauf jeden fall\b", _YES),
    (r"\bno (?:problem|worries|bother|probs|doubt)\b|\bnot a (?:problem|bother)\b|\bnae bother\b", _YES),
    (
        r"\bnever better\b|\bcan not complain\b|\bno reason why not\b|\b(?:can not|do not) see why not\b|\bwhy not\b",
        _YES,
    ),
    # "Nicht schlecht", "not bad" negates nothing the answer decides; alone it answers a "how are you".
    (r"\b(?:gar )?nicht (?:so |zu )?schlecht\b|\bnot (?:a |too |that |so )?bad\b", _NOTHING),
    (r"\bof course\b|\bsounds (?:good|great|fine)\b|\bsure thing\b|\byou bet\b|\bfor sure\b|\bspot on\b", _YES),
    (r"\b(?:weiss|weiß) bescheid\b|\beingetragen\b|\bnotiert\b|\bin (?:my|the) (?:calendar|diary)\b", _YES),
    # A forgetting denied: the callee knows of the appointment, and a "no" before it answers the worry.
    (r"\b(?:nicht|not|never) (?:vergessen|vergesse|vergess|forgotten|forget)\b", " passt "),
    (
        r"\b(?:vergessen|vergesse|vergess)\b "
        r"(?:(?:hab|habe|werde|werd|ich|das|den|es|s|ihn|schon|sicher|bestimmt) ){0,4}nicht\b",
        " passt ",
    ),
    # A forgetting mocked: "als ob ich das vergessen würde", "as if I'd forget".
    (r"\b(?:als ob|as if|like) (?:ich|i) (?:\w+ ){0,3}(?:vergessen|vergesse|vergess|forget|forgot)\b(?: würde)?", _YES),
    (
        r"\b(?:that|it|this|das|alles) (?:is |ist )?(?:(?:still|really|totally|völlig|absolut|schon|ganz) )?"
        r"(?:fine|alright|all right|okay|ok|good|gut|in ordnung)\b",
        " passt ",
    ),
    (r"\b(?:would|will) not (?:dream of|think of) miss\w*|\b(?:das |es )?stimmt (?:für mich|mir)\b", _YES),
    (r"\bbe (?:down|over|round) (?:to|with) (?:ye|you|yous)\b", " be there "),
    # Seeing the doctor is being there; "put me down" is being written in.
    (
        r"\bsee (?:the |dr |doctor |doc |dentist |nurse )(?:\w+ )?(?=tomorrow|on|at|then|\W*$)|\bsee (?:dr|doctor)\b",
        " be there ",
    ),
    (r"\bput (?:me|us) down\b(?! for (?:another|a different|something))", " be there "),
    # "Da bin ich", "da sind wir" said as the whole clause: being there.
    (r"\b(?:da|do|dann) (?:bin ich|sind wir)(?=\s*(?:[.,;!?]|$))", " bin da "),
    (r"\bcount me in\b|\bokey dokey\b|\bhaan ji\b|\bja eh\b|\bjo eh\b|\bna klar\b|\bna gut\b|\bsure look\b", _YES),
    (rf"{_NO_WAY}(?=\s*(?:[.,;!?]|$))", _NOTHING),  # alone it stresses what follows, or is unclear
    (_NO_WAY, _NOT),
    # Something come up, an illness come down with: no "coming".
    (r"\b(?:come|comes|coming|came) (?:up|down with)\b", _NOTHING),
    # A replacement refused ("einen neuen brauch ich nicht", "I don't want another one") says nothing of the
    # appointment itself: beside a no it is given up, beside a yes kept; never a request for another time.
    (
        r"\bkeine?[nr]? (?:neue[nr]?|andere[nr]?)(?: termin\w*|(?=\s*(?:[.,;!?]|$|bitte\b|mehr\b)))"
        r"|\b(?:einen|eine|nen) (?:neue[nr]?|andere[nr]?)(?: termin)? (?:brauch\w*|will|möchte|wollen|möchten)"
        r" (?:ich|wir) (?:(?:auch|gar|eigentlich|dann) )?nicht\b"
        r"|\b(?:do not|did not|will not|not) (?:want|need|require) (?:another|a new|a different|any other)"
        r"(?: one| appointment| date| slot)?\b|\bno (?:new|other|replacement|further) (?:one|appointment|date|slot)\b",
        _NOTHING,
    ),
    # How the callee is: health, not the appointment ("mir geht's wieder gut", "I'm feeling better").
    (r"\b(?:mir|uns) geht (?:es |s )?(?:\w+ )?(?:gut|besser)\b|\bi am (?:feeling )?(?:much )?better\b", _NOTHING),
    # Giving the appointment up, in other words.
    (
        r"\b(?:(?:das|es|der|daraus|dat|des) wird|wird (?:s|es|das|dat|des))"
        r" (?:leider |wohl |dann |so |halt )?(?:nichts|nix)\b|\bno[- ]?go\b",
        _CANCEL,
    ),
    (r"\b(?:hinfällig|überflüssig|obsolet)\w*", _CANCEL),
    # No time then, or away then: not coming ("ich hab keine Zeit", "I'll be away"), not about this call.
    (
        r"\b(?:keine|no) zeit\b(?! (?:zu|zum|für|fürs|to|for)\b)"
        r"|\b(?:do not|did not) have (?:the )?time\b(?! (?:to|for)\b)|\bhave no time\b(?! (?:to|for)\b)",
        _CANCEL,
    ),
    # Busy or at work on a day named ("morgen bin ich beschäftigt", "I have to work tomorrow"); busy alone is
    # about this call.
    (
        rf"\b(?:i am|i will be|ich bin|bin ich) (?:(?:leider|so|really|very|sehr) )?{_BUSY}"
        rf"(?= (?:(?:am|on|all) )?{_DAY})"
        rf"|\b(?:(?:am|on) {_DAY}|morgen|tomorrow|then|dann|da) (?:bin ich|i am) (?:(?:leider|so|sehr) )?{_BUSY}"
        rf"|\b(?:ich muss|i have to|i must|i need to|i have got to) (?:leider )?(?:(?:am|on) )?{_DAY} (?:leider )?"
        rf"(?:arbeiten|work)\b|\b(?:(?:am|on) )?{_DAY} muss ich (?:leider )?arbeiten\b"
        rf"|\b(?:i have to|i must|i need to|i have got to) work (?=(?:on )?{_DAY})",
        _CANCEL,
    ),
    # Away, or not there, said of the callee (never of someone else: "meine Frau ist verreist" answers for
    # her), now or on a day named (the reader tells from the answer's own words whether that is the
    # appointment's).
    (
        rf"\b{_ME} (?:{_NOT_AWAY}\w+ ){{0,3}}?{_AWAY}|\b{_ME} {_ON_A_DAY} (?:leider |auch )?{_AWAY}"
        rf"|\b{_ON_A_DAY} {_ME_AFTER} (?:leider |auch )?{_AWAY}",
        _CANCEL,
    ),
    (
        rf"\b{_ME} (?:leider )?{_ON_A_DAY} (?:leider )?{_NOT_THERE}|\b{_ON_A_DAY} {_ME_AFTER} (?:leider )?{_NOT_THERE}"
        rf"|\b{_ME} (?:leider )?{_NOT_THERE}(?= (?:am |on |an dem |that )?{_DAY})"
        rf"|\b(?:i|we) will not be (?:around|here|home|in town|available)(?= (?:on |that )?{_DAY})",
        _CANCEL,
    ),
    (
        r"\b(?:give|geben sie|gib|vergeben sie) (?:\w+ ){0,3}(?:to )?(?:someone|somebody|anyone|jemand\w*)"
        r" (?:else|anderem|anders|anderen)\b",
        _CANCEL,
    ),
    (
        r"\bkann weg\b|\bhat sich erledigt\b|\b(?:das|es) ist (?:schon |alles )?erledigt\b"
        r"|\b(?:it|that) is (?:all )?(?:done|sorted)\b|\bcall (?:it|that|the appointment) off\b",
        _CANCEL,
    ),
    (r"\bcross (?:me|it|us) off\b|\bscrap (?:it|that)\b|\bgive (?:it|that) up\b", _CANCEL),
    (r"\bdrop (?:it|that|the appointment|my appointment)\b", _CANCEL),
    # Taken off the appointment's schedule ("take me off Tuesday's schedule"); off a call list is no more calls.
    (
        r"\btake (?:me|us|it|that) off (?:the |your |my |\w+ s )?(?:schedule|calendar|diary|books)\b"
        r"|\bnehmen sie (?:mich|uns|den termin|ihn) (?:bitte )?(?:aus dem|vom) (?:\w*kalender|terminplan|plan)\b",
        _CANCEL,
    ),
    (r"\b(?:einen|eine|nen) (?:anderen|andere|neuen|neue) (?:arzt|ärztin|praxis|zahnarzt|hausarzt)\b", _CANCEL),
    (r"\b(?:another|a new|a different) (?:doctor|dentist|practice|gp)\b", _CANCEL),
    # Another time, with or without saying when.
    (
        r"\b(?:eine?[mnrs]?|ein|nen) (?:ander(?:e[mnrs]?)?|späteren"
        r"|neue[mnrs]?) (?:tag|termins?|uhrzeit|zeit|zeitpunkt|datum|woche)\b",
        _RESCHEDULE,
    ),
    (r"\b(?:andere|spätere) (?:uhrzeit|zeit|woche)\b|\banderen (?:tag|termins?)\b|\bneuen termins?\b", _RESCHEDULE),
    # "Oder was anderes?" asks what the appointment is, not for another.
    (r"\bein andermal\b|\b(?:bitte )?(?:einen|nen) neuen\b|(?<!oder )\b(?:was|etwas|irgendwas) anderes\b", _RESCHEDULE),
    (r"\bander(?:e[mnrs]?)? \w*(?:tag|zeit|termin|datum|woche)\b", _RESCHEDULE),  # "ein anderer Wochentag"
    (r"\blässt sich (?:da )?(?:was|etwas) machen\b", _RESCHEDULE),
    # Another one, its noun left out: "ich möchte gern einen anderen", "can I have a different one?".
    (
        r"\b(?:einen|nen|eine) anderen?(?=\s*(?:[.,;!?]|$|bitte\b))"
        r"|\b(?:another|a different|a new|a later|an earlier) one\b(?=\s*(?:[.,;!?]|$|please\b|instead\b))",
        _RESCHEDULE,
    ),
    # A replacement asked for: "ein Ersatztermin", "an alternative slot".
    (r"\b(?:ersatz|ausweich|alternativ|nachhol)(?:termin|datum|tag)\w*", _RESCHEDULE),
    (r"\b(?:replacement|alternative|substitute|backup|make-up) (?:appointment|slot|time|date|day)\b", _RESCHEDULE),
    # Coming, only not then: "nur nicht zu der Zeit", "just not at that time", "only not on that day".
    (
        r"\b(?:nur|bloss|halt|aber|just|only|but|simply) (?:nicht|not) (?:(?:zu|um|an|at|on|in) )?"
        r"(?:(?:der|dieser|diesem|dem|die|that|this|the) )?(?:zeit|uhrzeit|tag|time|day|hour|slot|then|dann)\b",
        _RESCHEDULE,
    ),
    # Something else at the appointment's time: "genau dann hab ich eine Besprechung", "I've got a shift then".
    (
        r"\b(?:dann|da|um die zeit|zu der zeit|zu dieser zeit|um zehn) (?:hab|habe|hätte) (?:ich )?"
        r"(?:(?:leider|schon|doch|eben|halt|aber) ){0,2}(?:(?:eine?n?|meine?n?) )?"
        r"(?:\w*termin|besprechung|meeting|dienst|schicht|arbeit|konferenz|sitzung|prüfung|klausur|unterricht)\b",
        _RESCHEDULE,
    ),
    (
        r"\b(?:that|it) is (?:exactly |just |precisely )?when (?:my|i have) (?:a |an )?(?:\w+ )?"
        r"(?:meeting|shift|class|exam|appointment|interview|conference|work)\b"
        r"|\bi have (?:got )?(?:a|an|my) (?:\w+ )?(?:meeting|shift|class|exam|appointment|interview)"
        r" (?:then|at that time|that morning)\b",
        _RESCHEDULE,
    ),
    (
        r"\b(?:another|a different|a later|a new|some other|any other|other) (?:time|day|date|slot|appointment)\b",
        _RESCHEDULE,
    ),
    (r"\b(?:move|push|shift|bring|put) (?:it|that|this|the appointment|my appointment)\b", _RESCHEDULE),
    (r"\bchange (?:it|that|the (?:appointment|time|date|day)|my appointment)\b|\bswitch (?:to|it)\b", _RESCHEDULE),
    (
        r"\b(?:sort out|find|arrange|do|have|offer me|give me) (?:something|anything) else\b|\bfit me in\b",
        _RESCHEDULE,
    ),
)
# One pattern per reading, in the order the readings are first listed: a few scans instead of one per idiom.
IDIOMS = tuple(
    (re.compile("|".join(f"(?:{pattern})" for pattern, as_ in _IDIOMS if as_ == said)), said)
    for said in dict.fromkeys(said for _, said in _IDIOMS)
)
