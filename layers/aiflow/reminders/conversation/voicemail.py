"""Recognising a mailbox that answered an outbound reminder call, and what may only be one.

sipgate reports no answering-machine detection: a mailbox answers like a person and its greeting arrives
as ``user_speak`` text, often barging into our question and often in several pieces. The conversation
feeds the first few pieces of an outbound call, joined, to :func:`is_mailbox_greeting`.

The rule is built to never take a person for a mailbox: a greeting is a mailbox only when it says
something a person answering the phone does not say. A sentence that is a question never counts ("Ist
das ein Anrufbeantworter?" is a person wondering about us). The kinds, each a rule below:

- a carrier's announcement (Telekom, Vodafone, O2, A1, Swisscom, EE, AT&T, Verizon and the like): the
  subscriber, person or number called is not reachable, not in service, switched off or busy ("Der
  Teilnehmer ist zurzeit nicht zu erreichen", "Kein Anschluss unter dieser Nummer", "The Vodafone customer
  you are calling is unavailable"), the call forwarded to a voice messaging system, a full mailbox, the
  keys of a message system ("press pound");
- the request for a message or its signal ("hinterlassen Sie eine Nachricht", "sprich mir was drauf",
  "lönd Sie mir e Nachricht", "nach dem Piep", "leave your name and number", "after the beep", "you know
  what to do");
- a mailbox naming itself ("Mailbox von ...", "Sie sind auf der Combox von ...", "this is Rachel's
  voicemail", "Welcome to O2 voicemail"), never when it is denied ("das ist keine Mailbox");
- the line named as reached ("Sie haben die Nummer von Petra Jung gewählt", "du bist bei Sarah gelandet",
  "you've reached the Smiths"), never "Sie haben mich erreicht" or "the wrong number", nor by a person who
  then decides about the appointment in words and says nothing else a recording says ("you've reached Tom,
  ... so I can't make it. Book me something after that.");
- the owner unable to answer, in the first person or impersonally ("ich kann gerade nicht rangehen", "Ihr
  Anruf kann nicht entgegengenommen werden", "I can't take your call", "nobody is home"), or unreachable
  now ("ich bin gerade nicht erreichbar"; "am Dienstag nicht erreichbar" is an answer);
- a closed office: its hours, that it is closed, its emergency number ("Unsere Sprechzeiten sind ...",
  "The office is now closed. For emergencies ...");
- a personal greeting: the owner introduces themselves first ("Hallo, hier ist Anna", "Hey, Tom here",
  "Thanks for calling") and then, to whoever calls, promises to call back or sends them another way or
  time ("ich ruf zurück", "schick mir eine SMS", "I'll get back to you", "drop me a text", "speak
  later"), and speaks of no one else ("Hier ist die Tochter, versuchen Sie es morgen" answers for someone).

A greeting taken back ("..., haha, nein, Spaß, ich bin's", "... oh, it's a computer", "..., ach nee, ich
bin ja dran") is read from what follows it, and a message asked for instead of talking ("Hinterlassen Sie
mir lieber eine Nachricht") is a person weighing two ways: neither is a recording's.

A first answer ("Hallo?", "Ja, Müller", "Praxis Weber, guten Tag", "Hello, this is John", "Wer ist da?")
carries none of them. What a person in a hurry says is close to a short greeting ("Ich rufe zurück, ich
bin gerade beim Einkaufen", "Hi, I'm busy right now"): :func:`may_be_a_recording` holds for those, and
:func:`unless_a_recording` makes the call ask again instead of deciding on them while the first pieces are
heard, so nothing a missed mailbox says decides anything. It holds for

- the owner's absence, a promise to call back or another way to reach them, when what else was said
  decides nothing ("Ich bin gerade nicht zu Hause, aber ja, ich komme" is an answer with its reason);
- a long monologue (``MONOLOGUE_WORDS``) with no question in it: people answer a reminder in a sentence.

``tests/unit/test_voicemail.py`` holds the tables and prints the rates; the corpus's ``mailbox`` and
``mailbox_lookalike`` categories (``tests/conformance/understanding``) measure both rules.
What follows a mailbox (another attempt, the callback it promises) is the reminder's rule, in
:mod:`reminders.model.after_voicemail`.
"""

from __future__ import annotations

import re

from reminders.conversation import signals
from reminders.conversation.intents import Intent, Understood, read_answer

__all__ = ["GREETING_FRAGMENTS", "MONOLOGUE_WORDS", "is_mailbox_greeting", "may_be_a_recording", "unless_a_recording"]

# How many user_speak pieces of an outbound call's start can belong to a mailbox greeting. Later speech is a
# conversation: a person who said three things is not a mailbox, and what they say later is never re-read.
GREETING_FRAGMENTS = 3
# A first answer this long without a question is a recording more likely than a person.
MONOLOGUE_WORDS = 25

_MAILBOX = (
    r"(?:mailbox\w*|mobilbox|sprachbox|combox|voicebox|anrufbeantworter|voice ?mail(?:box)?|answering machine"
    r"|answering service|voice messaging)"
)
# Another day or time than now: "am Dienstag nicht erreichbar" answers the reminder, "gerade nicht" does not.
_OTHER_TIME = re.compile(
    r"\b(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday|morgen|übermorgen|tomorrow|then|dann|morgens|vormittags?|nachmittags?|abends?)\b"
    r"|\b(?:an dem|an diesem|that|this|next|nächste\w*|kommende\w*) (?:tag|day|woche|week|termin|appointment)\b"
    r"|\b(?:um|at) (?:\d+|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|one|two|three|four"
    r"|five|six|seven|eight|nine|ten|eleven|twelve|noon)\b|\b(?:am|on the) \d+\b|\bin the (?:morning|afternoon"
    r"|evening)\b"
    r"|\bda bin\b"
)
# Speaking of someone else: an answer for the callee, never a mailbox's words.
_SOMEONE_ELSE = re.compile(
    r"\b(?:er|he|she|him|his|ihn|ihm|mr|mrs|ms)\b|\b(?:mein|meine|meinem|meinen|meiner|my) (?:mann|frau|mutter"
    r"|mama|vater|papa|sohn|tochter|husband|wife|mother|mum|mom|father|dad|son|daughter)\b"
)

# 1. Carriers' announcements.
_CARRIER_SUBJECT = (
    r"(?:teilnehmer\w*|gesprächspartner\w*|anschluss|rufnummer|nummer|person|kunde|kundin|mobilfunk\w*"
    r"|subscriber|customer|number|mobile|party|extension|cellular)\b"
)
_UNREACHABLE = (
    r"\b(?:(?:nicht|nicht mehr|nöd|ned) (?:zu )?(?:erreich\w*|verfügbar|vergeben|in betrieb|geschaltet)"
    r"|besetzt|telefoniert (?:gerade|zurzeit|momentan)|not (?:available|reachable|in service)|unavailable"
    r"|no longer in service|busy|switched off|(?:cannot|could not) be (?:reached|connected|completed)"
    r"|has been disconnected|not (?:been )?recogni[sz]ed)\b"
)
_CARRIER = re.compile(
    rf"\b(?:der|die|das|dieser|diese|ihr|the|your|this)\b(?: \w+){{0,2}} {_CARRIER_SUBJECT}.{{0,80}}{_UNREACHABLE}"
    r"|\bthe (?:\w+ ){0,2}(?:person|party|subscriber|customer|number|mobile|phone|user) (?:that |whom )?"
    r"you (?:are|have|were) (?:calling|called|dialed|dialled|trying|reached)\b"
    r"|\bkein anschluss unter\b|\bvon ihnen gewählte\b"
    rf"|\b(?:forwarded|weitergeleitet) (?:to|an) (?:an? |die |eine )?(?:\w+ ){{0,2}}(?:voice|sprach|{_MAILBOX})"
    rf"|\b(?:an|zu) (?:die |der |den |das |ihre |eine )?(?:\w+ ){{0,2}}{_MAILBOX} weitergeleitet\b"
    rf"|\b{_MAILBOX}\b.{{0,40}}\b(?:is|ist) (?:\w+ )?(?:full|voll|not (?:been )?set up|nicht eingerichtet)"
    r"|\bcannot accept (?:any )?(?:new |more )?messages\b|\b(?:hang up or )?press (?:pound|hash|the pound)\b"
)
# 2. The request for a message, or its signal.
_MESSAGE_REQUEST = re.compile(
    r"\b(?:hinterlass(?:en|t)?|hinterläss\w*|lass(?:en|t)?|lönd|lönt)\b(?: (?!kein\w*)\w+){0,5}"
    r" (?:nachricht\w*|botschaft)\b|\bnachricht\w*\b.{0,30}\bhinterl[aä]ss\w*"
    r"|\b(?:nach dem|nachem|beim|after the|at the) (?:\w+ )?(?:signal|piep|ton|beep|tone|pfeif)\w*"
    r"|\bsignalton\b|\bpiepton\b|\bpfeifton\b|\bauf (?:das |mein |meinen )?band\b|\bsprachnachricht\b"
    rf"|\bspr(?:ich|ech)\w*\b(?: \w+){{0,3}} (?:drauf(?! ?los)|aufs band|auf das band|auf band"
    rf"|auf (?:die|den|das) {_MAILBOX})\b"
    r"|(?<!not )\bleave (?:me |us )?(?:a |your |it )?(?:\w+ )?(?:message|voicemail|name|number|details)\b"
    r"|\brecord your message\b|\byou know what to do\b|\bdu weisst (?:ja |schon )?(?:bescheid|was zu tun ist)\b"
    r"|\bwenn (?:du|sie|ihr) (?:das|dies) (?:hörst|hören|hört)\b|\bif you are (?:hearing|listening to) this\b"
)
# 3. A mailbox naming itself as what answered.
_MAILBOX_NAMED = re.compile(
    rf"\b{_MAILBOX} (?:von|vom|of|der rufnummer|der nummer|for|des)\b|\b\w+'s {_MAILBOX}\b"
    r"|\b(?:hier ist|hier spricht|das ist|dies ist|des is|des isch|this is|it is|welcome to|willkommen (?:bei|auf|in)"
    r"|verbunden mit"
    r"|reached|you are (?:on|at)|sie sind (?:hier )?(?:auf|bei|mit)|du bist (?:auf|bei)|sie sprechen mit)"
    rf"(?: (?!(?:kein\w*|nicht|not|no)\b)\w+){{0,3}} {_MAILBOX}\b"
    rf"|^(?:\w+ ){{0,2}}{_MAILBOX}$|^{_MAILBOX}(?: \w+){{1,3}}$"
)
# 4. The line named as reached.
_LINE_REACHED = re.compile(
    r"\byou (?:have )?(?:reached|landed)\b(?! (?:me|us|the right|the correct|the wrong)\b)"
    r"|\b(?:sie haben|du hast|ihr habt)(?! (?:mich|uns|sich)\b)(?: (?!(?:falsch|richtig)\w*)\w+){1,5}"
    r" (?:erreicht|gewählt)\b|\b(?:du bist|sie sind|ihr seid) (?:hier )?bei (?:\w+ ){1,3}gelandet\b"
    r"|\bsie sind (?:hier )?verbunden mit\b|\byou are (?:connected (?:to|with)|through to)\b"
)
# 5. The owner unable to answer, in the first person or impersonally.
_CANNOT_ANSWER = re.compile(
    r"\b(?:ich kann|kann ich|wir können|können wir)\b(?: \w+){0,4}? nicht"
    r" (?:ran|rangehen|drangehen|abnehmen|abheben|ans telefon)\b"
    r"|\b(?:ihren|deinen|euren|den) anruf\b(?: \w+){0,3}? nicht (?:annehmen|entgegennehmen|beantworten)\b"
    r"|\b(?:ihr|dein|euer)(?:en)? anruf\b.{0,40}\bnicht\b.{0,20}\b(?:entgegengenommen|angenommen|beantwortet)\b"
    r"|(?:^|[,;:.!] |\b(?:i|we) )(?:am |are )?(?:cannot|could not|unable to|not able to)"
    r" (?:\w+ ){0,2}?(?:take|answer|get to|come to|pick up)\b(?: \w+){0,2} (?:call|calls|phone)\b"
    r"|\b(?:cannot|unable to) (?:pick up|answer)(?: the phone)? (?:right now|at the moment|just now)\b"
    r"|\b(?:i am|we are)\b(?: \w+){0,2} away from (?:my|the) phone\b"
    r"|\b(?:bin|sind)\b(?: \w+){0,2} nicht am (?:telefon|handy)\b"
    r"|\b(?:niemand|keiner) (?:\w+ )?(?:zu hause|daheim|erreichbar)\b|\b(?:nobody|no one) is (?:at )?(?:home|in"
    r"|available)\b"
)
_UNREACHABLE_NOW = re.compile(
    r"\b(?:ich bin|bin ich|wir sind|sind wir|i bi|i bin|i am|we are)\b[^,]{0,40}?"
    r"\b(?:nicht|nöd|ned|net) (?:erreichbar|verfügbar)\b"
    r"|\b(?:i am|we are)\b(?: \w+){0,3}? (?:not available|unavailable|not reachable)\b"
)
# 6. A closed office, its hours, its emergency number.
_CLOSED_OFFICE = re.compile(
    r"\b(?:praxis|büro|ordination|kanzlei|office|practice|surgery|clinic)\b(?: \w+){0,2} (?:ist|is|are)"
    r" (?:\w+ ){0,5}?(?:geschlossen|closed|nicht besetzt)\b|\b(?:wir haben|wir sind"
    r"|we are) (?:\w+ ){0,2}?(?:geschlossen|closed)\b"
)
_OFFICE_HOURS = re.compile(
    r"\b(?:unsere|our) (?:\w+ )?(?:sprechzeiten|öffnungszeiten|sprechstunden|hours|opening hours|office hours)\b"
    r"|\b(?:ausserhalb|outside)\b(?: \w+){0,2} (?:\w*zeiten|hours)\b"
    r"|\b(?:notdienst|bereitschaftsdienst)\w*\b.{0,30}\b(?:unter|lautet|nummer|erreichen|wählen|\d)"
    r"|\bfor (?:emergencies|urgent)|\bin (?:an |case of )?emergenc"
    # Where to turn in urgent cases: "In dringenden Fällen wenden Sie sich an meine Vertretung".
    r"|\b(?:in dringenden|bei dringenden|für dringende|dringende)\w* (?:fällen|anliegen|fragen|angelegenheiten)\b"
    r"|\bfor (?:anything|something) urgent\b|\burgent (?:matters|enquiries|inquiries|calls)\b"
)
# 7. A personal greeting: the owner's introduction, then what a mailbox tells whoever calls.
_GREETING_WORD = (
    r"(?:hallo|hallöchen|hello|hi|hiya|hey|moin|servus|grüezi|hoi|grüss gott|griass gott|guten (?:tag|morgen|abend)"
    r"|good (?:day|morning|afternoon|evening)|howdy|howya|alright|tach|salut|ciao|mitenand|ihr lieben|zusammen|there"
    r"|everyone|folks)"
)
# "Ja, hallo" opens a greeting; "ja" alone is an answer.
_GREETING = rf"^(?:(?:ja|yes|yeah|jo|na|ah|oh)[,.!]? (?={_GREETING_WORD}))?(?:{_GREETING_WORD}[,!.]? )*"
# Words after "this is", "it's", "hier ist" that name no owner ("it's me", "this is fine").
_NOT_A_NAME = (
    r"(?!(?:ich|me|she|he|i|we|us|wir|mir|dran|speaking|fine|ok|okay|alright|right|not|nicht|good|gut|true|so"
    r"|the|a|an|der|die|das|ein|eine|kein|keine)\b)"
)
_SELF_NAMED = (
    r"(?:hier (?:ist|spricht)|da isch|do is|this is|it is|you have got|du bist bei|sie sind bei|(?:i|ich) bin's,?)"
    rf" (?:der |die |de |da |d')?{_NOT_A_NAME}\w+|{_NOT_A_NAME}\w+(?: \w+)? (?:here|hier)\b|familie \w+"
    r"|the \w+ (?:household|residence|family)|thanks? (?:you )?for (?:calling|your call)"
    r"|danke für (?:ihren|deinen|den) anruf|sie haben (?!mich|uns)(?:\w+ ){1,3}angerufen"
)
_INTRODUCTION = re.compile(rf"{_GREETING}(?:{_SELF_NAMED})")
_OPENING = re.compile(rf"{_GREETING}(?:{_SELF_NAMED})?")
_CALLBACK = re.compile(
    r"\b(?:ru[ae]?f\w*|rüef\w*|meld\w*)\b(?: \w+){0,4} (?:zurück|zrugg|zruck)\b|\bmeld\w* (?:mich"
    r"|uns)\b(?! (?:nochmal|noch mal))"
    r"|\b(?:i|we) (?:will|shall) (?:\w+ )?(?:call|ring|phone|get back|get in touch|return|revert|contact)\b"
    r"|\bget back to you\b|\breturn your call\b|\bas soon as (?:i|we) (?:can|am able)\b|\bas soon as possible\b"
    r"|\bso (?:bald|schnell) wie möglich\b|\bsobald wie möglich\b|\bschnellstmöglich\b|\bsobald ich (?:kann"
    r"|zurück|wieder)\b"
    r"|\b(?:speak|talk) (?:to you )?(?:later|soon|then)\b|\bmissed (?:you|your call)\b|\bverpasst\b"
)
_ELSEWHERE = re.compile(
    r"\b(?:schick|schreib|send)\w*\b(?: \w+){0,3} (?:sms|nachricht|whatsapp|mail|e-mail|email|text)\b"
    r"|\b(?:versuch|probier)\w*(?:'s)?(?: \w+){0,3} (?:später|nochmal|noch mal|noch einmal|wieder)\b"
    r"|\bru[ae]?f\w*\b(?: \w+){0,3} später\b|\bin dringenden fällen\b|\bwenn(?:'s| es) (?:wichtig|dringend|eilig)"
    r"|\bwende\w*\b(?: \w+){0,3} an\b"
    r"|\b(?:text|message|whatsapp|email|e-mail) me\b|\bdrop me an? \w+|\bsend me an? (?:text|message|email|mail|sms)\b"
    r"|\b(?:call|ring|try)(?: me| us| you| again| back)* later\b|\bplease contact\b|\bcontact my\b"
    r"|\bif (?:it is|it's) (?:urgent|important)\b"
)
_AWAY = re.compile(
    r"\b(?:bin|sind|bi|i am|we are)\b(?: \w+){0,3}? (?:unterwegs|beschäftigt|im urlaub|in urlaub|verreist"
    r"|im termin|in einer besprechung|im meeting|in einem meeting|nicht (?:da|zu hause|daheim|im büro|am platz)"
    r"|ned (?:do|da|dahoam)|nöd (?:da|do|dihei)|busy|away|out of (?:the |my )?(?:office|town)|on holiday"
    r"|on vacation|in a meeting|travelling|traveling|at the gym|at work|bei der arbeit|auf der arbeit|not (?:home|in"
    r"|here|around|about|at my desk))\b"
    r"|\b(?:gerade|grad|gerad|momentan|zurzeit|leider) (?:nicht|ned|nöd|net) (?:da|do|am platz|zu hause|im büro)\b"
    r"|\bbusy right now\b|\baway from (?:my|the) (?:phone|desk)\b|\bprobably (?:at|in|out|busy|asleep|driving)\b"
)
# When the owner is back: "back next week", "ab Montag wieder da".
_BACK_AGAIN = re.compile(
    r"\b(?:back|zurück|wieder (?:da|im büro|erreichbar|zu hause|für sie da))\b(?: \w+)? (?:on|next|from|in|am|ab"
    r"|nächste\w*)\b"
    r"|\b(?:komm\w*|bin|be) (?:gleich|bald|right|gleich wieder|bald wieder) (?:wieder|zurück|back)\b|\bback (?:soon"
    r"|shortly)\b"
    r"|\b(?<!erst )(?<!only )(?:ab|from) (?:\w+ ){1,3}(?:wieder|back)\b|\b(?:bis|until|till) (?:zum |dem |am "
    r"|the )?\S+ (?:\w+ )?(?:im urlaub"
    r"|on holiday|away|verreist|out of)"
)
# What the call is about: "text me the details" asks for the reminder, no mailbox says it.
_ABOUT_THE_REMINDER = re.compile(
    r"\b(?:termin\w*|appointment|details|uhrzeit|datum|time|date|adresse|address|infos?|information\w*"
    r"|bestätigung|confirmation)\b"
)
# A callback in a minute is a person on the line ("Ich rufe Sie gleich zurück").
_RIGHT_AWAY = re.compile(
    r"\b(?:ru[ae]?f\w*|meld\w*|call\w*|ring\w*|get back)\b(?: \w+){0,3}? (?:gleich|sofort|in (?:einer|ein paar|fünf"
    r"|zehn|\d+) minute\w*|in a (?:minute|moment|sec\w*|bit)|in (?:five|ten|\d+) minutes|right back|shortly)\b"
)

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_CLAUSE = re.compile(r"[,.;:!?]+|\b(?:aber|but|sondern|doch)\b")
_NOT_AN_END = re.compile(r"\b(dr|mr|mrs|ms|prof|st|nr|\d+)\.(?= )")
_CONTRACTIONS = (
    (re.compile(r"\bcan't\b|\bcan not\b"), "cannot"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\b(it|that|there|he|she|who|what)'s\b"), r"\1 is"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
)
# A message asked for instead of talking now ("Hinterlassen Sie mir lieber eine Nachricht, ich kann jetzt nicht
# reden"): a person on the line weighing two ways, which no recording does.
_INSTEAD = re.compile(r"\b(?:lieber|stattdessen|besser|instead|rather)\b")
_ASKED_AGAIN = Understood(Intent.UNCLEAR, worded=False)
_ANNOUNCEMENTS = (_MESSAGE_REQUEST, _LINE_REACHED, _CANNOT_ANSWER, _OFFICE_HOURS)
_TOLD_TO_THE_CALLER = (_CALLBACK, _ELSEWHERE, _BACK_AGAIN, _CLOSED_OFFICE, _OFFICE_HOURS)
_ABSENCE = (_AWAY, _UNREACHABLE_NOW)


def is_mailbox_greeting(text: str) -> bool:
    """Whether ``text`` (the first pieces of what answered an outbound call, joined) is a mailbox's greeting.

    A greeting taken back ("..., haha, nein, Spaß, ich bin's", "... oh, it's a computer") is read from what
    follows: a person's answer, or a joke greeting's own mailbox ("Hallo? Haha, reingelegt, das ist nur meine
    Mailbox").
    """
    retracted = signals.after_a_retraction(text)
    if retracted is not None:
        text = retracted
    folded = _folded(text)
    statements = _statements(folded)
    said = " ".join(statements)
    if any(rule.search(said) for rule in _ANNOUNCEMENTS) and not _INSTEAD.search(said):
        return not _the_line_named_by_a_person(said)
    if _CARRIER.search(said) and not _SOMEONE_ELSE.search(said):
        return True
    if any(_MAILBOX_NAMED.search(statement.strip(" .!,")) for statement in statements):
        return True
    if any(_CLOSED_OFFICE.search(statement) and not _OTHER_TIME.search(statement) for statement in statements):
        return True
    if any(_UNREACHABLE_NOW.search(statement) and not _OTHER_TIME.search(statement) for statement in statements):
        return _decides_nothing_but_hints(folded)
    return _is_a_personal_greeting(folded, said)


# Deciding about the appointment in words no recording has: making it or not, booking, moving or cancelling it.
_DECIDES_THE_APPOINTMENT = re.compile(
    r"\b(?:make it|be there|book me|rebook|reschedul\w*|cancel\w*|verschieb\w*|absag\w*|termin\w*|appointment)\b"
)


def _the_line_named_by_a_person(said: str) -> bool:
    """The line named as reached, and nothing else a recording says, by a person who then decides about the
    appointment in words ("Hi, you've reached Tom, ... so I can't make it. Book me something after that.")."""
    if any(rule.search(said) for rule in _ANNOUNCEMENTS if rule is not _LINE_REACHED):
        return False
    if _CALLBACK.search(said) or _ELSEWHERE.search(said) or not _DECIDES_THE_APPOINTMENT.search(said):
        return False
    understood = read_answer(said)
    return understood.worded and understood.intent in (Intent.CONFIRM, Intent.CANCEL, Intent.RESCHEDULE)


def may_be_a_recording(text: str) -> bool:
    """Whether ``text``, among the first pieces of an outbound call, may be a greeting the reader missed."""
    folded = _folded(text)
    statements = _statements(folded)
    said = " ".join(statements)
    if not said or _SOMEONE_ELSE.search(said):
        return False
    if len(said.split()) >= MONOLOGUE_WORDS and len(statements) == len(_SENTENCE.findall(folded)):
        return True
    return _decides_nothing_but_hints(folded)


def unless_a_recording(text: str, understood: Understood) -> Understood:
    """``understood``, the reading of ``text`` heard among an outbound call's first pieces, unless ``text`` may
    be a recording: then it is asked again."""
    return _ASKED_AGAIN if may_be_a_recording(text) else understood


def _is_a_personal_greeting(folded: str, said: str) -> bool:
    """The owner's introduction, then only what a mailbox tells whoever calls: call back, another way, later."""
    if not _INTRODUCTION.search(folded) or _SOMEONE_ELSE.search(said) or _RIGHT_AWAY.search(said):
        return False
    told = any(rule.search(said) for rule in (_CALLBACK, _ELSEWHERE, _BACK_AGAIN))
    return told and _decides_nothing_but_hints(folded)


def _decides_nothing_but_hints(folded: str) -> bool:
    """Whether ``folded`` says what a recording says (absence, a callback, another way, a closed office) and,
    past its greeting and introduction, nothing else that reads as an answer: a person who gives a reason
    answers too ("Ich bin gerade nicht zu Hause, aber ja, ich komme")."""
    hinted, rest = False, []
    opening = _OPENING.match(folded)
    for sentence in _SENTENCE.findall(folded[opening.end() if opening else 0 :]):
        for clause in _CLAUSE.split(sentence):
            if "?" not in sentence and _is_a_recording_hint(clause, sentence):
                hinted = True
            else:
                rest.append(clause)
    answer = read_answer(",".join(rest))
    return hinted and answer.intent is Intent.UNCLEAR and not answer.worded


def _is_a_recording_hint(clause: str, sentence: str) -> bool:
    """What a mailbox tells whoever calls, or the owner's absence now: not when the sentence speaks of another
    day ("Am Dienstag bin ich nicht zu Hause, da bin ich verreist" is about the appointment)."""
    if _ABOUT_THE_REMINDER.search(clause):
        return False
    if any(rule.search(clause) for rule in _TOLD_TO_THE_CALLER):
        return True
    return any(rule.search(clause) for rule in _ABSENCE) and not _OTHER_TIME.search(_BACK_AGAIN.sub("", sentence))


def _folded(text: str) -> str:
    """Lower case, straight apostrophes, English contractions spelt out, no dots after abbreviations or
    ordinals (they end no sentence), spaces single."""
    folded = text.casefold().replace("\u2019", "'").replace("`", "'")
    for contraction, spelt_out in _CONTRACTIONS:
        folded = contraction.sub(spelt_out, folded)
    folded = _NOT_AN_END.sub(r"\1", folded)
    return " ".join(folded.split())


def _statements(folded: str) -> list[str]:
    """The sentences of ``folded`` that are not questions."""
    return [sentence.strip() for sentence in _SENTENCE.findall(folded) if "?" not in sentence]
