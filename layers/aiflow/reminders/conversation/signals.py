"""What an answer says besides a decision, as patterns over its normalised words (see ``wording``): no more
calls, the wrong person, someone else answering, a person wanted, "say again", a hedge, a dispute, a
complaint; and, per clause, a lateness that still means coming and a report of what was done before.

Each pattern is a general form ("hier wohnt kein ...", "there is no Mr ..."), never one corpus sentence;
the precedence among them is the reader's, in :mod:`reminders.conversation.intents`.
"""

from __future__ import annotations

import re

__all__ = [
    "ABOUT_THE_CALL",
    "ANNOUNCEMENT",
    "COMPLAINT",
    "DISPUTE",
    "HEDGE",
    "LATENESS",
    "OPT_OUT",
    "PERSON",
    "QUESTION_ANNOUNCED",
    "REPEAT",
    "THIRD_PARTY",
    "WRONG_NUMBER",
    "is_a_report",
]


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


_CALLS = r"\w*anrufe\b|\w*anrufen\b|robocalls?|(?:\w+ )?calls|(?:\w+ )?reminders"
# No more calls at all: the number goes on the do-not-call list.
OPT_OUT = _any(
    r"\bnicht (?:mehr |wieder |noch ?mal |nochmal )(?:\w+ )?an\b|\bnicht (?:mehr |wieder )?an(?:zu)?rufen\b",
    r"\bnicht mehr (?:\w+ ){0,4}angerufen\b|\bnie (?:mehr|wieder) an(?:rufen)?\b|\bnie wieder\b.{0,12}\ban\b",
    r"\bkeine (?:\w+ )?\w*anrufe\b",
    r"\b(?:diese|solche)[nr]? (?:\w+ )?\w*anrufe (?:will|möchte|mag) ich\b.{0,30}\bnicht\b",
    r"\b(?:will|möchte|mag) (?:ich )?(?:diese|solche)[nr]? (?:\w+ )?\w*anrufe nicht\b",
    r"\bkein interesse an (?:solchen |diesen )?\w*anrufen\b|\bwidersprech\w*|\bwiderspreche\b",
    r"\bhören sie auf\b.{0,20}\banzurufen\b|\baufhören\b.{0,20}\banzurufen\b|\bin ruhe\b|\babbestell\w*|\babmelden\b",
    r"\b(?:streichen|löschen|entfernen|sperren|nehmen) sie (?:bitte )?meine (?:telefon)?nummer\b",
    r"\bmeine (?:telefon)?nummer (?:bitte )?(?:löschen|streichen|entfernen|sperren)\b|\bsperrliste\b",
    r"\btrag\w* (?:sie )?mich aus\b.{0,30}\b(?:anruf\w*|liste)\b",
    r"\b(?:stop|quit) (?:calling|ringing|phoning)\b|\bdo not (?:ever )?(?:call"
    r"|contact|ring|phone) (?:me|us|this number|here)\b",
    r"\bdo not call (?:\w+ ){0,3}again\b|\bnever (?:call|ring|contact) (?:me|us|this number|here)\b",
    rf"\bno more (?:{_CALLS})\b|\bno calls\b|\bnot want (?:any |these |those |your )?(?:more )?(?:{_CALLS})",
    r"\bnot (?:want )?to be (?:called|contacted)\b|\bleave me alone\b|\bunsubscribe\b|\bopt(?:ing|ed)?(?:\s|-)?out\b",
    r"\btake (?:me|my number|us) off (?:your|the|this) (?:\w+ )?list\b|\bremove (?:me|my number|my details)\b",
    r"\bdo[\s-]not[\s-]call\b|\blose my number\b|\bdelete my (?:number|details|data)\b",
    r"\bnever signed up\b|\bnot want to hear from you\b",
)
# The person the reminder is for is not known at this number.
WRONG_NUMBER = _any(
    r"\bfalsch verbunden\b|\bfalsche (?:telefon)?nummer\b|\bverwählt\b|\bsie sind (?:hier )?(?:falsch|verkehrt)\b",
    r"\b(?:wohnt|lebt|gibt es|gibt s) (?:hier |bei uns )?(?:kein|keine|keinen|niemand)\b",
    r"\b(?:wohnt|wohnen|lebt|leben) (?:hier |da |bei uns )?nicht (?:mehr\b)?",
    r"\bgibt s (?:hier )?(?:nicht|nicht mehr)\b|\bausgezogen\b|\bvorbesitzer\w*|\bvorherige[nr]? (?:besitzer|inhaber)",
    r"\bich bin nicht (?:der |die )?(?:herr|frau|mr|mrs|ms)\b"
    r"|\bich kenne? (?:keinen|keine|kein) (?:dr|doktor|herr\w*|frau|praxis)\b",
    r"\b(?:hab|habe) (?:gar |überhaupt )?keinen termin bei (?:ihnen"
    r"|euch|dr|doktor)\b|\bdie nummer (?:hab|habe) ich erst\b",
    r"\bwrong (?:number|person)\b|\bmisdial\w*|\bprevious owner\b|\bmoved out\b|\bnever heard of (?:him|her|them)\b",
    r"\b(?:there is|there are) no (?:mr|mrs|ms|miss|dr|one)\b|\bno (?:mr|mrs|ms|miss) \w+ here\b",
    r"\bthis is not \w+ s (?:phone|number)\b|\bi do not know (?:any|a|an) (?:dr|doctor|mr|mrs|ms)\b",
    r"\bi do not have (?:an|any) appointment\b",
    r"\b(?:nobody|no one) (?:here |living here |at this number )?(?:by|of|called|named|with) (?:that|this) name\b",
)
_RELATIVE = (
    r"(?:mann|frau|sohn|tochter|vater|mutter|mama|papa|opa|oma|bruder|schwester|partner\w*|freund\w*|"
    r"husband|wife|son|daughter|dad|father|mum|mom|mother|partner|brother|sister|grandma|grandpa)"
)
_AWAY = (
    r"(?:nicht da|nicht zu hause|nicht daheim|nicht erreichbar|arbeiten|auf arbeit|in der schule|im bett|im urlaub|"
    r"unterwegs|schläft|krank|im krankenhaus|not here|not home|not in|at work|at school|asleep|out|away|on holiday|"
    r"ill|sick|in hospital)"
)
# Someone else answered: a spouse, a child, a carer, a neighbour.
THIRD_PARTY = _any(
    rf"\b(?:mein|meine|meinem|meiner|my|his|her) {_RELATIVE}(?: is| s"
    rf"| ist)? (?:\w+ )?(?:gerade |grad |leider |right now )?{_AWAY}",
    rf"\b(?:mein|meine|my) {_RELATIVE} (?:ist|is|s) (?:gerade|grad|momentan|im moment|right now|just|beim|at the)\b",
    r"\b(?:der|die|er|sie|he|she) (?:ist|is|s) (?:gerade |grad |leider |heute |momentan |right now )?"
    r"(?:nicht da|nicht zu hause|nicht daheim|not here|not home|not in|not available|at work|at school|asleep"
    r"|out|away)\b",
    r"\b(?:herr|frau|mr|mrs|ms|miss) \w+ (?:ist|is|s|kann|can) (?:nicht|not|im|in|on|gerade|at)\b",
    r"\bich bin (?:die|der|seine|ihre) (?:tochter|sohn|mutter"
    r"|vater|frau|mann|nachbar\w*|pfleger\w*|betreuer\w*|enkel\w*)\b",
    r"\b(?:this is|i am) (?:his|her|the) (?:daughter|son|mother"
    r"|father|wife|husband|neighbou?r|carer|caregiver|nurse)\b",
    r"\bi am (?:his|her) \w+\b|\bi am the (?:neighbou?r|carer|caregiver)\b|\bcare home\b|\bpflegedienst\b",
    r"\bich sag\w* (?:es |s )?(?:ihm|ihr) bescheid\b|\bich geb\w* (?:es |s )?(?:ihm|ihr) weiter\b|\bausrichten\b",
    r"\bich hol\w* (?:ihn|sie)\b|\bversuchen sie (?:es |s )?(?:morgen|später|heute abend|nochmal|noch mal)\b",
    r"\brufen sie (?:morgen|später|heute abend) (?:nochmal |noch mal |wieder )?an\b|\bdann ist (?:er|sie) da\b",
    r"\b(?:handy|telefon) (?:von|meines|meiner) (?:meinem|meiner|vater|mutter|mann|frau)\b|\bmy \w+ s phone\b",
    r"\bi will (?:let|tell) (?:him|her) know\b|\bi will tell (?:him|her)\b|\bi will pass (?:it |that )?on\b",
    r"\btake a message\b|\bi will get (?:him|her)\b|\btry (?:again )?(?:tomorrow|tonight|later)\b",
    r"\b(?:can not|not able to) come to the phone\b|\bkann nicht ans telefon\b",
)
# The callee asks for a person at the practice (not one of their own: "talk to my husband first" is a hedge).
PERSON = _any(
    r"\bmitarbeiter\w*|\b(?:einem|einen|echten) menschen\b|\brezeption\b|\bempfang\b|\banmeldung\b|\bverbinden\b",
    r"\bsprechstundenhilfe\b|\bdurchstellen\b|\bweiterleiten\b"
    r"|\bmit jemandem\b|\bjemanden sprechen\b|\bjemand echte\w*",
    r"\bmit (?!mein\w*|ihm\b|ihr\b)(?:\w+ ){0,4}(?:sprechen|reden|rede|telefonieren)\b|\bholen sie (?:jemand\w*|wen)\b",
    r"\bhuman\b|\bagent\b|\boperator\b|\brepresentative\b|\breceptionist\b|\bfront desk\b|\bsomeone\b|\bsomebody\b",
    r"(?<!\bin )\bperson\b|\b(?:speak|talk) (?:to|with) (?!my\b|him\b|her\b|them\b)|\bput me through\b",
    r"\btransfer me\b|\bconnect me\b",
)
# Say it again: the line, the noise, the speed.
REPEAT = _any(
    r"\bwiederhol\w*|\bnoch ?(?:ein)?mal\b|\bwie bitte\b|\bnicht verstanden\b|\bnicht verstehen\b",
    r"\bwas haben sie gesagt\b|\bnicht (?:mitgekriegt|mitbekommen|gehört)\b|\bnur die hälfte\b|\babgehackt\b",
    r"\bverbindung ist (?:so |sehr )?schlecht\b|\blangsamer\b|\blauter bitte\b",
    r"\brepeat\w*|\bagain\b|\bpardon\b|\bsay that\b|\bwhat did you say\b|\bwhat was that\b|\bcome again\b",
    r"\bdid not (?:catch|understand|get|hear)\b|\bbroke up\b|\bbreaking up\b|\bcutting out\b|\bslow down\b",
    r"\bspeak up\b|\bcan not hear\b|\bbad line\b",
    r"^\W*(?:was|what|hä|huh|sorry|pardon|bitte|entschuldigung|wie)\W*(?:\?|$)",
)
# Not sure whether they come: asking again is cheaper than a wrong decision.
HEDGE = _any(
    r"\bvielleicht\b|\beventuell\b|\bevtl\b|\bmöglicherweise\b|\bwahrscheinlich\b|\bunsicher\b|\bnicht sicher\b",
    r"\bweiss (?:ich )?(?:es )?(?:noch )?nicht\b|\bkeine ahnung\b|\bmal (?:sehen|schauen)\b|\bglaub\w*\b|\bdenke\b",
    r"\bsollte\b|\bversuch\w*|\bkommt (?:drauf|darauf) an\b|\bklären\b|\babsprechen\b|\bschwierig\b|\bwohl\b",
    r"\bmaybe\b|\bperhaps\b|\bpossibly\b|\bprobably\b|\bunsure\b|\bnot sure\b|\bdo not know\b|\bhopefully\b",
    r"\bvermutlich\b|\bkann sein\b|\bich hoffe\b|\bhope so\b|\bcould be\b|\bnot certain\b|\breckon\b",
    r"\bno idea\b|\bmight\b|\bnot yet\b|\bthink\b|\bshould be\b|\btry\b|\bdepends\b",
    r"\b(?:let me|have to|need to|must|will) check\b|\bcheck (?:first|and|with|my (?:diary|calendar|schedule))\b",
    r"\bask my\b|\btalk to my\b|\bhold me to it\b|\btricky\b|\bhoffentlich\b",
)
# The callee disputes what we said (the time, the person): a decision read from it would be a guess.
DISPUTE = _any(
    r"\bfalsch\w*|\bstimmt (?:so )?nicht\b|\bstimmt doch nicht\b|\birrtum\b|\bverwechs\w*",
    r"\bwrong\b|\bincorrect\b|\bmistake\w*|\bnot (?:my|mine)\b",
)
# A complaint about the call, or sarcasm: no decision, whatever its words.
COMPLAINT = _any(
    r"\brobo\w*|\bcomputer\b|\bmaschine\b|(?<!answering )\bmachines?\b|\bautomat\w*",
    r"\bals ob\b|\bgeht s noch\b|\becht jetzt\b|\bunverschämt\b|\bfrechheit\b|\bnerv\w*|\bwer (?:be)?zahlt\b",
    r"\bseriously\b|\bkidding\b|\bhow rude\b|\bannoying\b|\byeah right\b|\blike i would\b|\bwho pays\b",
    r"\bschon wieder\b|\bnoch so ein\b|\bschon der \w+ anruf\b|\b(?:another|third|second) call\b",
)
# The callee's moment, which is about the call, not the appointment: "ich bin gerade nicht zu Hause",
# "I can't talk long". Such a clause neither decides nor leaves the answer in doubt.
ABOUT_THE_CALL = _any(
    r"\b(?:gerade|grad|momentan|zurzeit|derzeit|im moment|right now|at the moment|currently|just now)\b",
    r"\b(?:lange|long) (?:telefonieren|reden|sprechen|talk|speak)\b|\b(?:talk|speak) (?:for )?long\b",
)
# What an announcement says, never a callee: a practice's hours, closing, an emergency number.
ANNOUNCEMENT = _any(
    r"\b(?:our|unsere) (?:\w+ )?(?:hours|opening|sprechzeiten|öffnungszeiten)\b|\bopening hours\b",
    r"\bsprechzeiten\b|\böffnungszeiten\b|\bnotdienst\w*|\bnotruf\w*"
    r"|\bemergenc\w*|\b(?:is|ist) (?:\w+ )?(?:closed|geschlossen)\b",
)
# A question is coming, or stays with the practice: "und meine Frau hat noch eine Frage".
QUESTION_ANNOUNCED = _any(r"\b(?:eine|noch eine|a|one more|another) (?:frage|question)\b")
# Late, but coming: a lateness clause does not hedge attendance ("I'll be a few minutes late").
LATENESS = _any(
    r"\bverspät\w*|\bzu spät\b|\bpünktlich\b|\bknapp\b|\b(?:minuten|bisschen|etwas|kurz) später\b",
    r"\b(?:zehn|fünf|viertel) nach\b(?!\s*\w)|\bstau\b",
    r"\b(?:minutes?|bit|little|running|slightly) (?:late|behind)\b|\bbe late\b|\bam late\b|\bon time\b|\bpunctual\b",
    r"\bbang on\b|\bgive or take\b|\btraffic permitting\b|\b(?:ten|five|quarter) past\b(?!\s*\w)",
)

# A deciding verb told as done: "wir haben den schon umgelegt", "I already cancelled", "it was moved".
_PARTICIPLES = (
    r"(?:verschoben|verlegt|umgelegt|gelegt|geschoben|umgebucht|abgesagt|storniert|bestätigt|gestrichen|geändert|"
    r"cancelled|canceled|moved|rescheduled|changed|confirmed|pushed|booked|rebooked|postponed|sorted)"
)
_REPORT = _any(
    rf"\b(?:schon|bereits|already|gestern|yesterday|online)\b.*\b{_PARTICIPLES}\b",
    rf"\b{_PARTICIPLES}\b.*\b(?:schon|bereits|already|gestern|yesterday|online)\b",
    rf"\b(?:hab|habe|haben|hat|hatte|hatten|wurde|wurden|had|has|have|was|were|been)\b(?: \w+){{0,6}} {_PARTICIPLES}\b",
    rf"\b(?:i|we|she|he|they|wife|husband)\b(?: \w+)? {_PARTICIPLES}\b",
    r"\b(?:ich|i) (?:war|was) (?:schon )?(?:gestern |yesterday )?(?:da|in|there)\b",
)


def is_a_report(clause: str) -> bool:
    """Whether ``clause`` tells what was done before rather than asks for it ("den hab ich schon abgesagt")."""
    return _REPORT.search(clause) is not None
