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
    "ANNOYANCE",
    "CALL_BACK_LATER",
    "COMPLAINT",
    "DISPUTE",
    "HEDGE",
    "KNOWN_LATER",
    "LATENESS",
    "LATER_WISHED",
    "OPT_OUT",
    "PERSON",
    "QUESTION_ANNOUNCED",
    "REPEAT",
    "RETRACTION",
    "SARCASM",
    "STILL_WANTED",
    "THIRD_PARTY",
    "WRONG_NUMBER",
    "after_a_retraction",
    "told_as_done",
]


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


_CALLS = r"\w*anrufe\b|\w*anrufen\b|robocalls?|(?:\w+ )?calls|(?:\w+ )?reminders"
# The calls themselves, as a thing the callee can refuse: "diese Anrufe", "reminder calls", not "der Anruf"
# (this one, often thanked for) nor "calling".
_THE_CALLS = r"\b(?:\w*anrufe[n]?|telefonate|erinnerungen|\w*calls|reminders)\b"
# Refusing a thing: not wanting or needing it, sparing or stopping it.
_REFUSED = (
    r"\b(?:sparen|aufhören|unterlassen|sein lassen|nicht mehr|keine mehr|nicht nötig|unnötig"
    r"|(?:brauch\w*|will|möchte|muss|müssen) (?:\w+ ){0,2}(?:nicht|keine)"
    r"|stop\w*|schluss mit|genug mit|enough|rather not|no more|not (?:want|need|necessary)|unnecessary"
    r"|cancel\w*|abbestell\w*|abstellen|einstellen|stornier\w*|beenden)\b"
)
_THE_NUMBER = (
    r"\b(?:diese|meine|unsere|die|this|my|our|the) (?:telefon|handy|festnetz|mobil|phone |mobile |landline )?"
    r"(?:nummer|number)\b"
)
# No more calls at all: the number goes on the do-not-call list.
OPT_OUT = _any(
    r"\bnicht (?:mehr |wieder |noch ?mal |nochmal )(?:\w+ )?an\b|\bnicht (?:mehr |wieder )?an(?:zu)?rufen\b",
    r"\bnicht mehr (?:\w+ ){0,4}angerufen\b|\bnie (?:mehr|wieder) an(?:rufen)?\b|\bnie wieder\b.{0,12}\ban\b",
    r"\bkeine (?:\w+ )?\w*anrufe\b",
    r"\b(?:diese|solche)[nr]? (?:\w+ )?\w*anrufe (?:will|möchte|mag) ich\b.{0,30}\bnicht\b",
    r"\b(?:will|möchte|mag) (?:ich )?(?:diese|solche)[nr]? (?:\w+ )?\w*anrufe nicht\b",
    r"\bkein interesse an (?:solchen |diesen )?\w*anrufen\b|\bwidersprech\w*|\bwiderspreche\b",
    r"\bhören sie auf\b.{0,20}\banzurufen\b|\baufhören\b.{0,20}\banzurufen\b|\bin ruhe\b|\babbestell\w*|\babmelden\b",
    # The number itself deleted, removed or blocked, whichever word points at it.
    rf"\b(?:streichen|löschen|entfernen|sperren|nehmen) sie (?:bitte )?{_THE_NUMBER}",
    rf"{_THE_NUMBER} (?:\w+ ){{0,4}}(?:löschen|streichen|entfernen|sperren)\b|\bsperrliste\b",
    r"\baus der (?:\w+ )?liste (?:nehmen|streichen|löschen|entfernen)\b",
    r"\btrag\w* (?:sie )?mich aus\b.{0,30}\b(?:anruf\w*|liste)\b",
    r"\b(?:stop|quit) (?:calling|ringing|phoning)\b|\bdo not (?:ever )?(?:call"
    r"|contact|ring|phone) (?:me|us|this number|here)\b",
    r"\bdo not call (?:\w+ ){0,3}again\b|\bnever (?:call|ring|contact) (?:me|us|this number|here)\b",
    rf"\bno more (?:{_CALLS})\b|\bno calls\b|\bnot want (?:any |these |those |your )?(?:more )?(?:{_CALLS})",
    r"\bnot (?:want )?to be (?:called|contacted)\b|\bleave me alone\b|\bunsubscribe\b|\bopt(?:ing|ed)?(?:\s|-)?out\b",
    r"\bopt (?:me|us|my number|my (?:\w+ )?(?:phone|mobile|number)) out\b",  # "opt me out of the calls"
    r"\btake (?:me|my number|us) off (?:your|the|this) (?:\w+ )?list\b(?! for)|\bremove (?:me|my number|my details)\b",
    r"\bdo[\s-]not[\s-]call\b|\blose my number\b|\bdelete my (?:number|details|data)\b",
    r"\bnever signed up\b|\bnot want to hear from you\b",
    # The calls refused in one clause, whichever comes first ("Die Anrufe können Sie sich sparen").
    rf"{_THE_CALLS}[^.!?,;]{{0,40}}{_REFUSED}|{_REFUSED}[^.!?,;]{{0,30}}{_THE_CALLS}",
    rf"\blassen sie\b[^.!?,;]{{0,20}}{_THE_CALLS}[^.!?,;]{{0,25}}\bsein\b",
    rf"\b(?:stellen|bestellen) sie\b[^.!?,;]{{0,20}}{_THE_CALLS}[^.!?,;]{{0,15}}\b(?:ein|ab)\b",
    rf"\b(?:delete|remove|erase|block) (?:{_THE_NUMBER})|\btake (?:{_THE_NUMBER}) off\b",
)
_TITLE = r"(?:herrn? |frau |mr |mrs |ms |miss |dr |doktor |namen )"
# Words in the place of a name that are no name: "keinen Termin", "no problem here", "no way", "kein Auto".
_NOT_A_NAME = (
    r"(?:termin\w*|zeit|ahnung|adresse|anschrift|praxis|weg|strasse|haus|nummer|uhrzeit|datum|ort|problem\w*|auto"
    r"|parkpl\w*|interesse|grund|sorge|stress|eile|address|place|practice|not|one|body|way|need|problems?|worries"
    r"|time|appointment|car|parking|reason|signal|thanks|sorry|rush|hurry|i|we|it|that|this|he|she)"
)
_A_NAME = rf"{_TITLE}?(?!{_NOT_A_NAME}\b)[^\W\d]+"
_NOT_KNOWN = r"(?:kenn\w* (?:ich|wir) (?:nicht|keine?n?)|(?:do not|never) know (?:him|her|them|who)|never heard of)\b"
_LINE = r"(?:\w*nummer|number|handy|phone|mobile|line|\w*anschluss)\b"
# The person the reminder is for is not known at this number.
WRONG_NUMBER = _any(
    r"\bfalsch verbunden\b|\bfalsche (?:telefon)?nummer\b|\bverwählt\b|\bsie sind (?:hier )?(?:falsch|verkehrt)\b",
    r"\b(?:wohnt|lebt|gibt es|gibt s) (?:hier |bei uns )?(?:kein|keine|keinen|niemand\w*)\b",
    r"\b(?:wohnt|wohnen|lebt|leben) (?:hier |da |bei uns )?nicht (?:mehr\b)?",
    r"\bgibt s (?:hier )?(?:nicht|nicht mehr)\b|\bausgezogen\b|\bvorbesitzer\w*|\bvorherige[nr]? (?:besitzer|inhaber)",
    r"\bich bin nicht (?:der |die )?(?:herr|frau|mr|mrs|ms)\b"
    r"|\bich kenne? (?:keinen|keine|kein) (?:dr|doktor|herr\w*|frau|praxis)\b",
    r"\b(?:hab|habe) (?:gar |überhaupt )?keinen termin bei (?:ihnen"
    r"|euch|dr|doktor)\b|\bdie nummer (?:hab|habe) ich erst\b",
    r"\bwrong (?:number|person)\b|\bmisdial\w*|\bprevious owner\b|\bmoved out\b|\bnever heard of (?:him|her|them)\b",
    r"\b(?:there is|there are) no (?:mr|mrs|ms|miss|dr|one)\b|\bno (?:mr|mrs|ms|miss) \w+ here\b",
    r"\b(?:this|that|das|es) (?:is|ist) (?:not|nicht) (?:\w+ s|their|his|her|sein|seine) (?:phone|number|mobile|handy"
    r"|telefon|nummer)\b|\bi do not know (?:any|a|an) (?:dr|doctor|mr|mrs|ms)\b",
    r"\bi do not have (?:an|any) appointment\b",
    r"\b(?:nobody|no one) (?:here |living here |at this number )?(?:by|of|called|named|with) (?:that|this) name\b",
    # Someone named and not known here: "einen Peters haben wir nicht", "no Peters at this number".
    rf"\b(?:einen|eine|keinen|keine|den|die) {_A_NAME} (?:kenne?|kennen|haben|gibt es|gibt s)"
    r" (?:ich |wir |es )?(?:hier |bei uns )?(?:nicht|keine?n?)\b",
    # The name asked back, then not known: "Peters? Nee, kenn ich nicht", "Mrs Peters? No, don't know her".
    rf"^\W*{_TITLE}?[^\W\d]+\W*\?\W*(?:(?:nee|nein|nö|no|nope|nah)\W+)?(?:(?:den|die) )?"
    r"(?:(?:kenne?|kennen) (?:ich|wir) (?:nicht|keine?n?)|(?:i )?do not know (?:him|her|them|any)\b)",
    r"\bich kenne? niemand\w*",
    # Someone not known, and the line the callee's own: "kenn ich nicht, das ist meine private Nummer".
    rf"{_NOT_KNOWN}.*\b(?:das|es|this|that|it) (?:ist|is) (?:meine?|my|a|an|ein|eine) (?:\w+ )?{_LINE}",
    r"\b(?:dialed|dialled|rung|called) (?:the )?wrong\b",
    # The name denied: "ich heiße nicht Peters", "my name isn't Peters", "ich war nie bei einem Dr. Weber".
    r"\bheisse? (?:auch |aber |doch |gar )?nicht\b|\bmy name is not\b|\bi am not called\b",
    r"\b(?:war|was|have been) (?:noch )?(?:nie|never) (?:bei|with|to) (?:einem |einer |a )?(?:dr|doktor|doctor)\b",
    rf"\b(?:there is )?no {_A_NAME} (?:here|at this number|on this number|lives here)\b",
    r"\b(?:do not|never) (?:know|knew|have) (?:any(?:one|body)?|a|an|of any)(?: \w+)? (?:called|named|by that name)\b",
    rf"\b(?:do not|never) know (?:any|a|an) {_A_NAME}\W*$",
    r"\bdo not know who (?:that|this) is\b",
    r"\b(?:nobody|no one|niemand) (?:here |hier )?(?:called|named|by the name|namens|mit dem namen)\b",
    rf"\bwe do not have (?:a|an|any) {_A_NAME}(?: here| at this number)?\s*(?:[.,;!]|$)",
    r"\bi am not (?:mr|mrs|ms|miss|dr)\b|\b(?:da|hier) sind sie (?:falsch|verkehrt)\b",
)
_RELATIVE = (
    r"(?:mann|frau|sohn|tochter|vater|mutter|mama|papa|opa|oma|bruder|schwester|partner\w*|freund\w*|"
    r"enkel\w*|neffe|nichte|tante|onkel|"
    r"husband|wife|son|daughter|dad|father|mum|mom|mother|partner|brother|sister|grandma|grandpa|grand\w+|niece"
    r"|nephew|aunt|uncle)"
)
_HELPER = r"(?:nachbar\w*|pfleger\w*|betreuer\w*|neighbou?r|carer|caregiver|lodger|untermieter\w*)"
_AWAY = (
    r"(?:nicht da|nicht zu hause|nicht daheim|nicht erreichbar|arbeiten|auf arbeit|in der schule|im bett|im urlaub|"
    r"unterwegs|schläft|krank|im krankenhaus|not here|not home|not in|at work|at school|asleep|out|away|on holiday|"
    r"ill|sick|in hospital)"
)
# Someone else answered: a spouse, a child, a carer, a neighbour.
THIRD_PARTY = _any(
    rf"\b(?:mein|meine|meinem|meiner|my|his|her) {_RELATIVE}(?: is| s"
    rf"| ist)? (?:(?!passed\b)\w+ )?(?:gerade |grad |leider |right now )?{_AWAY}",
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
    r"\b(?:handy|telefon) (?:von|meines|meiner) (?:meinem|meiner|vater|mutter|mann|frau)\b"
    r"|\bmy \w+ s (?:phone|mobile|cell|handy)\b",
    rf"\b(?:handy|telefon|nummer|anschluss) (?:von )?(?:meiner|meines|meinem) {_RELATIVE}s?\b",
    r"\bi will (?:let|tell) (?:him|her) know\b|\bi will tell (?:him|her)\b|\bi will pass (?:it |that )?on\b",
    r"\btake a message\b|\bi will get (?:him|her)\b|\btry (?:again )?(?:tomorrow|tonight|later)\b",
    r"\b(?:can not|not able to) come to the phone\b|\bnicht ans telefon\b",
    # Who is speaking, said by relation or role: "Hier ist die Mutter", "this is Mr Peters' daughter".
    rf"\b(?:hier (?:ist|spricht)|this is|it is|i am just) (?:die |der |the |seine |ihre |his |her "
    rf"|{_TITLE}?\w+(?:'? s|') )"
    rf"(?:{_RELATIVE}|{_HELPER})\b(?! (?:is|ist|s) (?:driving|coming|fährt|kommt))",
    rf"\b(?:his|her) {_RELATIVE} (?:here|speaking)\b|\b(?:ist|is) (?:mein|meine|my) (?:{_RELATIVE}|{_HELPER})\b",
    # A message taken for the callee, or the callee to call back: "ich richte es ihr aus", "she'll ring you back".
    r"\brichte\w* (?:\w+ ){0,3}aus\b|\bpass (?:the |a |your )?(?:message )?on\b|\bsag\w* (?:es |s )?(?:ihm|ihr)\b",
    r"\b(?:für|for) (?:ihn|sie|him|her) (?:abgenommen|rangegangen|picked up|answered)\b|\bpicked up for\b",
    rf"\b(?:er|sie|he|she|{_RELATIVE}) (?:ruft|will call|will ring|calls|rings)"
    r" (?:sie |you )?(?:\w+ )?(?:zurück|back)\b",
    r"\btell (?:him|her) you (?:rang|called)\b",
    # The callee to be reached through someone else, or at another time: "meinen Vater erreichen Sie abends".
    rf"\b(?:meinen|meine|my) {_RELATIVE} (?:erreichen sie|können sie (?:\w+ ){{0,3}}erreichen)\b"
    rf"|\byou (?:can|could|will) (?:reach|catch|get hold of) (?:my {_RELATIVE}|him|her)\b",
)
# The callee asks for a person at the practice (not one of their own: "talk to my husband first" is a hedge).
PERSON = _any(
    r"\bmitarbeiter\w*|\b(?:einem|einen|echten|richtigen|realen)(?: \w+)? menschen\b",
    r"\brezeption\b|\bempfang\b|\banmeldung\b|\bverbinden\b",
    r"\bsprechstundenhilfe\b|\bdurchstellen\b|\bweiterleiten\b"
    r"|\bmit jemandem\b|\bjemanden sprechen\b|\bjemand echte\w*",
    r"\bmit (?!mein\w*|ihm\b|ihr\b)(?:\w+ ){0,4}(?:sprechen|reden|rede|telefonieren)\b|\bholen sie (?:jemand\w*|wen)\b",
    r"\bhuman\b|\bagent\b|\boperator\b|\brepresentative\b|\breceptionist\b|\bfront desk\b|\bsomeone\b|\bsomebody\b",
    r"(?<!\bin )(?<!\bright )\bperson\b(?! you)",
    r"\b(?:speak|talk) (?:to|with) (?!my\b|him\b|her\b|them\b)|\bput me through\b",
    r"\btransfer me\b|\bconnect me\b",
    # Someone asked for by name or role: "Ist Frau Krause da?", "Is Dr Weber there?", "die Frau Doktor sprechen".
    r"(?:^|[.!?]\s*)(?:und |also |and )?(?:ist|is) (?:der |die |the )?"
    r"(?!es\b|das\b|it\b|that\b|this\b|there\b|mein|my\b)[^\W\d]+(?: [^\W\d]+){0,3}"
    r"(?: selbst| persönlich| herself| himself| personally)?(?: heute| today)?"
    r" (?:da|there|in|around|available|zu sprechen|erreichbar)(?: to (?:talk|speak|chat))?(?: heute| today)?"
    r"\s*(?:\?|$)",
    r"\b(?:kann|könnte|darf|dürfte|möchte|würde|hätte) (?:ich )?(?:(?!nicht\b)\w+ ){0,5}(?:sprechen|gesprochen)\b",
    r"\b(?:a word|a quick word) with\b",
    r"\bgeben sie mir (?:mal |bitte |doch |kurz )*(?:den |die )?(?:herrn?|frau|doktor|dr|chef\w*|ärztin|arzt|jemand\w*"
    r"|schwester|pfleger\w*|helfer\w*|assistent\w*|kolleg\w*)\b",
    r"\b(?:get|give|put) me (?:through to )?(?:the )?(?:doctor|dr|nurse|receptionist|manager)\b",
)
# Say it again: the line, the noise, the speed.
REPEAT = _any(
    r"\bwiederhol(?!ungsrezept)\w*|\bnoch ?(?:ein)?mal\b|\bwie bitte\b|\bnicht verstanden\b|\bnicht verstehen\b",
    r"\bsagten sie\b|\bdid you say\b",
    r"\bwas haben sie gesagt\b|\bnicht (?:mitgekriegt|mitbekommen|gehört)\b|\bnur die hälfte\b|\babgehackt\b",
    r"\bverbindung ist (?:so |sehr )?schlecht\b|\blangsamer\b|\blauter bitte\b|\bsprechen sie (?:bitte )?lauter\b",
    r"\b(?:ich )?höre? (?:sie |dich |euch )?(?:gar |überhaupt )?(?:nichts|nicht)\b(?! (?:mehr )?(?:von|from))",
    r"\brepeat(?!\w* (?:prescription|script|medication|order))\w*",
    r"\bagain\b|\bpardon\b|\bsay that\b|\bwhat did you say\b|\bwhat was that\b|\bcome again\b",
    r"\bdid not (?:catch|understand|get|hear)\b|\bbroke up\b|\bbreaking up\b|\bcutting out\b|\bslow down\b",
    r"\bspeak up\b|\bcan not hear\b|\bbad line\b|\b(?:can|could) you hear me\b|\bhören sie mich\b",
    # Asked to go on: "go ahead", "schießen Sie los" (not "go ahead and cancel it").
    r"\bgo ahead\W*$|\bschiessen sie los\b|\blegen sie los\b",
    r"^\W*(?:(?:sorry|entschuldigung|äh|ähm|uh|um|oh)\W+)?(?:was|what|hä|huh|sorry|pardon|bitte|entschuldigung|wie)\W*(?:\?|$)",
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
# The callee will know or tell later, at a time that is no time asked for: "das entscheidet sich erst heute
# Abend", "I'll know by tonight", "I'll let you know by Monday".
KNOWN_LATER = _any(
    r"\bentscheid\w*|\b(?:weiss|wissen) (?:ich |wir )?(?:es |das )?(?:erst|bis|noch nicht)\b",
    r"\berst (?:\w+ ){0,3}(?:sagen|wissen|entscheiden|bescheid)\b",
    r"\bbescheid (?:geben|sagen)\b|\bgebe? (?:ihnen )?bescheid\b",
    r"\b(?:will|would|should|shall) know\b|\blet you know\b|\b(?:will|do) not know (?:until|till|before|by)\b",
    r"\bget back to you\b|\bdecid\w*|\bfind out\b",
)
# The callee disputes what we said (the time, the person): a decision read from it would be a guess.
DISPUTE = _any(
    r"\bfalsch\w*|\bstimmt (?:so )?nicht\b|\bstimmt doch nicht\b|\birrtum\b|\bverwechs\w*",
    r"\bwrong\b|\bincorrect\b|\bmistake\w*|\bnot (?:my|mine)\b",
)
# Agreement stressed twice or more ("sure, definitely", "ja, ganz bestimmt"), then only what it is said about,
# a noun after a preposition, not a verb: "..., nach der letzten Rechnung", "..., with your waiting times".
_STRESSED_YES = (
    r"(?:ja|jo|yes|yeah|yep|sure|klar|sicher|natürlich|bestimmt|unbedingt|definitely|absolutely|certainly|totally"
    r"|oh|na|okay|ganz|right|really)"
)
_ABOUT_A_THING = (
    r"(?:nach|after|bei|mit|with|given|considering) (?:der|die|dem|den|des|the|that|this|those|your|ihre[nmrs]?"
    r"|eure[nmrs]?|all|my|meine[nmrs]?)\b[^.!?]*"
)
# A complaint about the call, or sarcasm: no decision, whatever its words.
COMPLAINT = _any(
    rf"^\W*(?:{_STRESSED_YES}\W+){{2,}}{_ABOUT_A_THING}[.!?]?\s*$",
    r"\bwhatever\b|\bwie auch immer\b",
    r"\brobo\w*|\bcomputer\b|\bmaschine\b|(?<!answering )\bmachines?\b|\bautomat\w*",
    r"\bals ob\b|\bgeht s noch\b|\becht jetzt\b|\bunverschämt\b|\bfrechheit\b|\bnerv\w*|\bwer (?:be)?zahlt\b",
    r"\bseriously\b|\bkidding\b|\bhow rude\b|\bannoying\b|\byeah right\b|\blike i would\b|\bwho pays\b",
    # "As if": "als hätte ich nichts Besseres zu tun", "like I've got nothing better to do".
    r"\bals (?:hätte|wäre|würde|könnte|müsste) ich\b|\bas if i\b|\blike i (?:have|had|am|was|would|could|do|did)\b",
    r"\bnichts besseres zu tun\b|\bnothing better to do\b|\ball the time in the world\b",
)
# A sarcasm frame: a yes "because" what follows is no reason to come ("Sure, because ten AM is so convenient",
# "Klar, weil ja alle um zehn frei haben"), or the time praised as "so convenient": decides nothing, unless
# the answer says a decision in words.
SARCASM = _any(
    r"^\W*(?:oh )?(?:ja )?(?:yes|yeah|sure|of course|klar|ja klar|sicher|natürlich|ja)\W+(?:because|cause|weil|denn)\b",
    r"\b(?:so|ever so|really|how|wie|ja so|total|echt|voll) (?:convenient|praktisch|bequem)\b",
)
# Annoyed at the calls: no decision, unless the answer says one in words ("Schon wieder ein Anruf, ja doch,
# ich komme ja!").
ANNOYANCE = _any(
    r"\bschon wieder\b|\bnoch so ein\b|\bschon der \w+ anruf\b|\b(?:another|third|second) call\b",
    r"\bzum (?:\w+ten|x-ten) mal\b|\bfor the \w+th time\b",
)
# The callee's moment, which is about the call, not the appointment: "ich bin gerade nicht zu Hause",
# "I can't talk long". Such a clause neither decides nor leaves the answer in doubt.
ABOUT_THE_CALL = _any(
    r"\b(?:gerade|grad|momentan|zurzeit|derzeit|im moment|right now|at the moment|currently|just now)\b",
    r"\b(?:(?:nicht|not) )?(?:(?:really|wirklich|eigentlich) )?(?:erreichbar|reachable)\b"
    r"(?!.*\b(?:dienstag|tuesday|morgen|tomorrow|woche|week)\b)|\bam steuer\b|\bim auto\b|\bi am driving\b",
    r"\b(?:lange|long) (?:telefonieren|reden|sprechen|talk|speak)\b|\b(?:talk|speak) (?:for )?long\b",
)
# The callee to be called back later, asked: about this call, no question for the practice to call back about.
CALL_BACK_LATER = _any(
    r"\b(?:call|ring|phone) (?:me |us )?(?:back )?(?:later|another time|again later)\b|\bcall (?:me |us )?back\b",
    r"\b(?:zurückrufen|zurück ?rufen)\b|\b(?:später|nochmal|noch mal) (?:wieder )?an(?:rufen)?\b",
)
# The appointment still wanted, not given up: beside "I can't then" it asks for another time ("Morgen geht
# nicht, aber ich möchte den Termin nicht verlieren", "Tomorrow's no good, but I still want to be seen").
_GIVE_UP = r"(?:verlieren|aufgeben|verfallen|absagen|streichen|stornieren|lose|give up|cancel|drop|miss)"
STILL_WANTED = _any(
    rf"\b(?:will|möchte|möchten|wollen|würde|würden)\b(?: \w+){{0,5}}? (?:nicht|nie) (?:\w+ ){{0,2}}?{_GIVE_UP}\b",
    rf"\b{_GIVE_UP} (?:will|möchte|wollen|würde) (?:ich|wir) (?:\w+ )?nicht\b",
    rf"\b(?:not|never) (?:want|wish|like|mean|plan) to (?:\w+ )?{_GIVE_UP}\b",
    r"\bstill (?:want|need|would like|like|wish) (?:to )?(?:be seen|see (?:the |a )?(?:doctor|dr)\b|come in\b|keep\b"
    r"|(?:have |get )?(?:an?|the|my) (?:appointment|slot|visit|check-?up)\b)",
    r"\b(?:trotzdem|dennoch|schon noch)\b(?: \w+){0,3} (?:drankommen|behandelt|untersucht|kommen|einen termin)\b",
    r"\b(?:brauche|möchte|will) (?:\w+ ){0,2}(?:termin|den|ihn)\b(?: \w+){0,2} (?:trotzdem|dennoch)\b",
)
# What a person says recited, then takes back before answering: a mailbox greeting said as a joke ("...,
# haha, nein, Spaß, ich bin's", "... just kidding, it's me"), or to a machine, noticed ("Bitte sprechen Sie
# nach dem ... ach, das ist ja ein Computer"). Over the casefolded words as said, apostrophes and all.
_JOKE = (
    r"(?:(?:nein|ne|nee|no),? )?(?:nur |just |only )?(?:ein |'n )?(?:spa(?:ss|ß)|scherz|kidding|joking)"
    r"(?: beiseite| aside)?"
)
RETRACTION = _any(
    rf"(?:^|[,.!;…]\s*){_JOKE}\s*(?=[,.!;…])",
    r"\b(?:just|only) (?:kidding|joking)\b|\bi(?:'m| am) (?:only |just )?(?:kidding|joking)\b|\bnur ein scherz\b",
    r"\bha(?:ha)+\b|\breingelegt\b|\bgotcha\b",
    # The callee noticing they are on the line themselves: "ach nee, ich bin ja dran", "oh wait, I'm actually here".
    r"\b(?:ach|oh|äh)\W+(?:(?:nee|nein|no|quatsch|wait|moment|hang on)\W+)+(?:ich bin (?:ja |doch )?(?:selbst )?"
    r"(?:dran|da|am apparat|am telefon)|i(?:'m| am) (?:actually )?(?:here|on the (?:line|phone))|it(?:'s| is) me)\b",
    r"\b(?:ach|oh|ah)(?: so)?,? (?:das|sie|it|you|this)(?:'s|'re| is| ist| sind| are)?(?: ja| just| only)?"
    r" (?:ein |eine |a |an )?(?:computer|maschine|automat\w*|roboter|robot|machine|recording|bandansage)\b",
)


def after_a_retraction(text: str) -> str | None:
    """What follows the last retraction in ``text`` (casefolded), when words follow it: the answer."""
    folded = text.casefold()
    ends = [match.end() for match in RETRACTION.finditer(folded)]
    rest = folded[ends[-1] :].lstrip(" ,.!;…") if ends else ""
    return rest if re.search(r"[^\W\d_]", rest) else None


# What an announcement says, never a callee: a practice's hours, closing, an emergency number.
ANNOUNCEMENT = _any(
    r"\b(?:our|unsere) (?:\w+ )?(?:hours|opening|sprechzeiten|öffnungszeiten)\b|\bopening hours\b",
    r"\bsprechzeiten\b|\böffnungszeiten\b|\bnotdienst\w*|\bnotruf\w*"
    r"|\bemergenc\w*|\b(?:is|ist) (?:\w+ )?(?:closed|geschlossen)\b",
)
# A question is coming, or stays with the practice: "und meine Frau hat noch eine Frage".
QUESTION_ANNOUNCED = _any(r"\b(?:eine|noch eine|a|one more|another) (?:frage|question)\b")
# "Viertel nach", "quarter past" without the hour: minutes after the appointment's.
_NO_HOUR = r"(?!\s*(?!(?:though|then|dann|halt|oder so|or so|ish|eher)\b)\w)"
# Late, but coming: a lateness clause does not hedge attendance ("I'll be a few minutes late").
LATENESS = _any(
    r"\bverspät\w*|\bzu spät\b|\bpünktlich\b|\bknapp\b|\b(?:minuten|bisschen|etwas|kurz) später\b",
    rf"\b(?:zehn|fünf|viertel) nach\b{_NO_HOUR}|\bstau\b|\bauf die minute\b|\bminutengenau\b",
    r"\b(?:minutes?|bit|little|running|slightly) (?:late|behind)\b|\bbe late\b|\bam late\b|\bon time\b|\bpunctual\b",
    rf"\bbang on\b|\bgive or take\b|\btraffic permitting\b|\b(?:ten|five|quarter) past\b{_NO_HOUR}",
    r"\bon the dot\b|\bto the minute\b",
    r"\b(?:ein paar|paar|wenige|a few|few|a couple of|couple of) minut\w* (?:nach|after|später|later|late)\b",
)
# A time later wished for, or later in the day ("etwas später am Tag wäre gut", "a bit later would suit me"): no
# lateness, another time.
LATER_WISHED = _any(
    r"\b(?:wäre|wären|ginge|lieber|besser|prefer\w*|rather|suit\w*|if possible|wenn möglich"
    r"|would be (?:good|better|great|nice|ideal|best))\b",
    r"\b(?:am|im laufe des|in the|that|on the same|am selben|am gleichen) (?:tag|day)\b",
)

# A deciding verb told as done: "wir haben den schon umgelegt", "I already cancelled", "it was moved".
_PARTICIPLES = (
    r"(?:verschoben|verlegt|umgelegt|gelegt|geschoben|umgebucht|abgesagt|storniert|bestätigt|gestrichen|geändert|"
    r"cancelled|canceled|moved|rescheduled|changed|confirmed|pushed|booked|rebooked|postponed|sorted)"
)
# The visit already made: "ich war heute früh schon bei Ihnen", "I was in this morning".
_VISITED = (
    r"\b(?:ich|i|wir|we) (?:war|waren|was|were) (?:\w+ ){0,4}?(?:da|there|bei ihnen|bei euch|with you|seen"
    r"|in(?= (?:this|yesterday|today|last|earlier|already)\b)|in\s*$)\b"
)
# A call made before: "ich hab heute früh schon mit Ihrer Kollegin telefoniert", "I spoke to your colleague".
_CALLS_MADE = (
    r"\b(?:(?:ich|wir) (?:hab|habe|haben|hatte|hatten)|(?:hab|habe|haben|hatte|hatten) (?:ich|wir))\b(?: \w+){0,6}"
    r" (?:telefoniert|gesprochen|angerufen)\b",
    r"\b(?:i|we|she|he|they)\b (?:\w+ )?(?:spoke|talked|called|rang|phoned)\b",
)
_REPORT = _any(
    rf"\b(?:schon|bereits|already|gestern|yesterday|online)\b.*\b{_PARTICIPLES}\b",
    rf"\b{_PARTICIPLES}\b.*\b(?:schon|bereits|already|gestern|yesterday|online)\b",
    rf"\b(?:hab|habe|haben|hat|hatte|hatten|wurde|wurden|had|has|have|was|were|been)\b(?: \w+){{0,6}} {_PARTICIPLES}\b",
    rf"\b(?:i|we|she|he|they|wife|husband)\b(?: \w+)? {_PARTICIPLES}\b",
    _VISITED,
    *_CALLS_MADE,
)
# A call made before, anywhere in the answer.
CALL_MADE = _any(*_CALLS_MADE)
# Settled ("it's all sorted", "das ist erledigt"), in the callee's own words, before the idioms are read: beside a
# call made before, that call's outcome (for the practice to check), not a cancellation.
SETTLED = _any(
    r"\b(?:it|that|this|everything)(?:'s| is| was| has been) (?:all |already )?(?:done|sorted|settled"
    r"|taken care of|dealt with)\b",
    r"\b(?:das|es|alles) (?:ist|hat sich) (?:schon |alles |bereits )?(?:erledigt|geklärt)\b",
)
# What the practice said before ("the doctor said I don't need to come", "Der Arzt hat gesagt, ..."): a report
# for the practice to check, no decision; said at the clause's end, the next clause is what was said.
PRACTICE_SAID = _any(
    r"\b(?:doctor|doc|dr \w+|nurse|receptionist|reception|surgery|dentist|arzt|ärztin|doktor|zahnarzt|zahnärztin"
    r"|praxis|sprechstundenhilfe|rezeption)\b (?:\w+ ){0,2}?(?:said|says|told (?:me|us)|tells (?:me|us)|meinte|meint"
    r"|sagte|hat (?:mir |uns )?gesagt|gesagt)\b",
)
_CONFIRMED = re.compile(r"\b(?:bestätigt|confirmed)\b")
_MOVED = re.compile(
    r"\b(?:verschoben|verlegt|umgelegt|gelegt|geschoben|umgebucht|geändert"
    r"|moved|rescheduled|changed|pushed|rebooked|postponed)\b"
)
_CANCELLED = re.compile(r"\b(?:abgesagt|storniert|gestrichen|cancelled|canceled)\b")
_VISIT = re.compile(_VISITED)


def told_as_done(clause: str) -> str | None:
    """What ``clause`` tells was done before rather than asks for ("den hab ich schon abgesagt"), if it does:
    ``confirm`` (it still stands), ``cancel`` (given up), ``moved`` (moved or changed: the practice checks, it
    is no request), ``visited`` (the visit already made, "ich war letzte Woche schon bei Ihnen": whether it was
    this appointment's is for the practice to check, its day no time asked for) or ``reported`` (something
    else done: "we sorted that out", nothing to read)."""
    if _REPORT.search(clause) is None:
        return None
    if _CONFIRMED.search(clause):
        return "confirm"
    if _CANCELLED.search(clause):
        return "cancel"
    if _MOVED.search(clause):
        return "moved"
    return "visited" if _VISIT.search(clause) else "reported"


# A cue of another time anywhere in the answer (issue 18, round six): a verb for moving the appointment, a
# new or other one asked for by its noun, a day offered in a question ("Hätt'ese wat am Samstach?"). Beside
# a no it outweighs the no: taking a request for another time for a cancellation harms, the reverse does not.
ANOTHER_TIME_CUE = _any(
    r"\b(?:verschieb|verleg|umleg|umbuch)\w*\b",
    r"\b(?:andern|anderen|neuen|neue) termin\w*\b",
    r"\b(?:new|another|anither|different|other) (?:appointment|date|day|time)\b",
    r"\b(?:move|push|shift) (?:it|that|this)\b",
    r"\b(?:am|auf) \w*(?:tag|tach|woch\w*)\b.*\?",
    r"\bauf (?:\w+ ){1,3}legen\b",  # "können wir das auf donners tag legen": the recogniser drops the "?"
)
# ... unless the new one is refused, or booked by the callee later ("no, and no new one": round five's rule).
NO_NEW_ONE = _any(
    r"\b(?:kein\w*|no) (?:neue\w*|andere\w*|new|other|another)\b",
    r"\b(?:neue\w*|andere\w*) (?:termin\w* )?(?:\w+ ){0,3}?(?:nicht|keine\w*)\b",
    r"\bnot? (?:need|want) (?:a |another )?(?:new|other|another)\b",
    r"\b(?:selber|selbst|myself)\b",
)

# A double negation idiom ("ich kann ja schlecht nicht kommen", "no way I'm not coming"): whatever else the
# clause says, it is no cancellation; read as one, a yes would be lost.
DOUBLE_NEGATION = _any(
    r"\b(?:schlecht|kaum|doch) nicht (?:\w+ )?(?:kommen|hingehen|erscheinen)\b",
    r"\bno way (?:i am|i will|i would|i) not\b",
    r"\b(?:can|could) not not\b",
)
