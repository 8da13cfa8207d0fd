"""The decision turns: what the callee says, presses or leaves unsaid while the call asks.

- Decisions: confirm, cancel, another time (``reschedule_requested``: put through to a person if there is
  one, else "the practice gets in touch"), no more calls (``opted_out``, and the number goes on the
  do-not-call list). Anything unclear, an empty answer included, is asked again, short: "sorry" and the
  choices, a few times at most (``MAX_UNCLEAR``); so are silences (``MAX_SILENCES``), so that no call runs
  forever.
- The callee's own questions are answered, then the decision is asked again, short: "say it again" repeats
  the appointment and the question, "when?", "what about?", "who is calling?" and "where?" are answered
  from the reminder, and a question only the practice can answer ("Brauche ich eine Überweisung?") is
  passed on: the practice calls back about it (``question_open`` on the outcome). Together at most
  ``MAX_REPEATS`` times; more count as unclear. An answer that decides and asks ("Ja, muss ich was
  mitbringen?") is recorded, and its goodbye says the practice calls back about the question.
- The words "ja", "nein", "yes", "no" alone are an answer once the callee has heard the appointment's date
  and time (:func:`reading`): said into the question after them, too. Before them they are how people pick
  up ("Ja, Müller?", "Hallo?") or acknowledge: said into the greeting, the opening is said again; into the
  appointment, the appointment and the question. How much was heard: ``replies.heard``.
- A transfer goes out when its announcement ends; sipgate brings the caller back with the same session when
  nobody took it, and the call asks again (or, after "another time", says goodbye).
"""

from __future__ import annotations

import logging
from datetime import datetime

from aiflow import SpeakAction, TransferAction, transfer
from aiflow.phone import mask
from reminders.conversation import replies
from reminders.conversation.intents import Asked, Intent, Understood, intent_of_key, read_answer
from reminders.conversation.mailbox import Mailbox
from reminders.conversation.outcomes import Outcomes
from reminders.conversation.speech import Phrasebook, phrasebook
from reminders.conversation.state import CallState, Stage, stop_listening_for_a_mailbox
from reminders.model.reminder import Outcome, Via
from reminders.store.do_not_call import DoNotCallList

__all__ = ["MAX_REPEATS", "MAX_SILENCES", "MAX_UNCLEAR", "TRANSFER_TIMEOUT_SECONDS", "Decisions", "reading"]

logger = logging.getLogger(__name__)

TRANSFER_TIMEOUT_SECONDS = 30
MAX_SILENCES = 2  # timeouts in a row before the goodbye
MAX_UNCLEAR = 3  # answers we could not read before the goodbye
MAX_REPEATS = 3  # repeats and questions answered; more count as unclear, so no call runs forever


def reading(text: str, heard: replies.Heard, *, appointment: datetime | None = None) -> Understood:
    """What the call takes ``text`` for, said when the callee had heard ``heard`` of the question.

    Answer words alone (not ``worded``: "ja", "no", "hallo") before the appointment's date and time were
    heard are no answer yet: the call says again what was not heard (a repeat). ``appointment`` is the
    appointment in the callee's time zone, against which a time they ask for is read.
    """
    understood = read_answer(text, appointment=appointment)
    if understood.worded or heard is replies.Heard.APPOINTMENT:
        return understood
    return Understood(Intent.REPEAT, worded=False)


class Decisions:
    """The callee's answers, read and recorded. ``transfer_number``, when set, is the person a caller is put
    through to on request; ``do_not_call`` is the list an opt-out goes on."""

    def __init__(self, outcomes: Outcomes, do_not_call: DoNotCallList, *, transfer_number: str | None) -> None:
        self._outcomes = outcomes
        self._do_not_call = do_not_call
        self._transfer_number = transfer_number

    def said(self, session_id: str, call: CallState, text: str, *, barged_in: bool, at_ms: int) -> SpeakAction:
        """The callee spoke (``text`` may be empty; it arrived at ``at_ms``): their answer, or the question again."""
        logger.debug("caller said %r", text, extra={"session_id": session_id})
        heard = replies.heard(call, barged_in=barged_in, at_ms=at_ms)
        understood = reading(text, heard, appointment=call.appointment)  # nothing heard is unclear: asked again
        understood = Mailbox.screened(call, text, understood)  # what a missed mailbox says decides nothing
        logger.info(
            "caller answered",
            extra={"session_id": session_id, "intent": understood.intent.value, "heard": heard.value},
        )
        return self._answer(session_id, call, understood, Via.SPEECH, heard=heard)

    def pressed(self, session_id: str, call: CallState, digit: str) -> SpeakAction:
        """The callee pressed a key: a person after all, and their answer."""
        stop_listening_for_a_mailbox(call)
        intent = intent_of_key(digit)
        logger.info("caller pressed a key", extra={"session_id": session_id, "intent": intent.value})
        return self._answer(session_id, call, Understood(intent, worded=True), Via.KEY)

    def silence(self, session_id: str, call: CallState) -> SpeakAction:
        """No answer in time: ask whether they are still there, or, after ``MAX_SILENCES``, say goodbye."""
        call.silences += 1
        book = phrasebook(call.language)
        if call.silences >= MAX_SILENCES and Mailbox.missed_greeting(call):
            return Mailbox.after_the_missed_greeting(call)
        if call.silences >= MAX_SILENCES:
            return self._outcomes.close(
                session_id, call, Outcome.NO_DECISION, book.silent_goodbye, detail="no answer (silence)"
            )
        return replies.ask(call, book.still_there, book.question)

    def hints(self, book: Phrasebook) -> list[str]:
        """What the caller can say besides the answer."""
        return replies.hints(book, transfers=bool(self._transfer_number))

    def transfer(self, call: CallState) -> TransferAction | None:
        """The transfer's announcement has played: put the caller through (``None`` if there is nobody)."""
        if not self._transfer_number or not call.number:
            return None
        return transfer(
            self._transfer_number,
            caller_id_name=call.name,
            caller_id_number=call.number,
            timeout=TRANSFER_TIMEOUT_SECONDS,
        )

    @staticmethod
    def transfer_came_back(call: CallState) -> SpeakAction:
        """Nobody took the transfer: goodbye after "another time", else the question again."""
        book = phrasebook(call.language)
        call.transfer_failed = True
        if call.outcome is Outcome.RESCHEDULE_REQUESTED:
            return replies.goodbye(call, book.reschedule_nobody.format(caller=call.caller))
        call.stage = Stage.ASKING
        return replies.ask_again(call, book.transfer_failed)

    def _answer(
        self, session_id: str, call: CallState, understood: Understood, via: Via, *, heard: replies.Heard | None = None
    ) -> SpeakAction:
        book = phrasebook(call.language)
        call.silences = 0
        intent = understood.intent
        # A question for the practice, alone or with the answer: whatever follows, the practice calls back.
        asked = understood.asked or (Asked.PRACTICE if intent is Intent.QUESTION else None)
        if asked is Asked.PRACTICE:
            call.question_open = True
        if intent in (Intent.REPEAT, Intent.QUESTION) and call.repeats >= MAX_REPEATS:
            intent = Intent.UNCLEAR
        match intent:
            case Intent.CONFIRM:
                confirmed = _noting(call, asked, book.confirmed.format(when=call.when))
                return self._outcomes.close(session_id, call, Outcome.CONFIRMED, confirmed, via=via)
            case Intent.CANCEL:
                cancelled = _noting(call, asked, book.cancelled.format(when=call.when))
                return self._outcomes.close(session_id, call, Outcome.CANCELLED, cancelled, via=via)
            case Intent.RESCHEDULE:
                call.preferred_time = understood.preferred
                return self._reschedule(session_id, call, asked, via)
            case Intent.OPT_OUT:
                return self._opt_out(session_id, call, asked, via)
            case Intent.REPEAT | Intent.QUESTION:
                call.repeats += 1
                return self._say_again(call, asked, heard, book)
            case Intent.PERSON:
                return self._put_through(call, book)
            case Intent.WRONG_NUMBER:
                return self._outcomes.wrong_number(session_id, call, via)
            case Intent.THIRD_PARTY:
                return self._outcomes.third_party(session_id, call)
            case Intent.UNCLEAR:
                return self._unclear(session_id, call, book, via)

    def _say_again(
        self, call: CallState, asked: Asked | None, heard: replies.Heard | None, book: Phrasebook
    ) -> SpeakAction:
        """What the callee asked about, or did not hear; then the question."""
        if asked is not None:
            return replies.answer(call, asked)
        if heard is replies.Heard.GREETING:
            return replies.opening(call, self.hints(book))  # picked up into the greeting: all of it again
        return replies.ask(call, *replies.appointment(call), book.question, *self.hints(book))

    def _unclear(self, session_id: str, call: CallState, book: Phrasebook, via: Via) -> SpeakAction:
        call.unclear += 1
        if call.unclear >= MAX_UNCLEAR:
            return self._outcomes.close(
                session_id, call, Outcome.NO_DECISION, book.unclear_goodbye, detail="no clear answer"
            )
        sorry = book.not_understood if via is Via.SPEECH else book.key_not_used
        return replies.ask_again(call, sorry)

    def _reschedule(self, session_id: str, call: CallState, asked: Asked | None, via: Via) -> SpeakAction:
        """Another time: the outcome is recorded, then a person takes the call if there is one."""
        book = phrasebook(call.language)
        goodbye = _noting(call, asked, book.reschedule_goodbye.format(caller=call.caller))
        outcome, goodbye = self._outcomes.decide(session_id, call, Outcome.RESCHEDULE_REQUESTED, goodbye, via=via)
        if outcome is Outcome.RESCHEDULE_REQUESTED and self._transfer_number and not call.transfer_failed:
            call.stage = Stage.TRANSFERRING  # the transfer goes out when the announcement ends
            return replies.announce(book, book.reschedule_connecting)
        return replies.goodbye(call, goodbye)

    def _opt_out(self, session_id: str, call: CallState, asked: Asked | None, via: Via) -> SpeakAction:
        """No more calls: the number goes on the do-not-call list, whatever became of this reminder."""
        assert call.number is not None, "a call about a reminder knows the callee's number"
        self._do_not_call.add(call.number, source="call", reminder_id=call.reminder_id, session_id=session_id)
        logger.info("number put on the do-not-call list", extra={"session_id": session_id, "number": mask(call.number)})
        goodbye = _noting(call, asked, phrasebook(call.language).opted_out.format(caller=call.caller))
        return self._outcomes.close(session_id, call, Outcome.OPTED_OUT, goodbye, via=via)

    def _put_through(self, call: CallState, book: Phrasebook) -> SpeakAction:
        if self._transfer_number is None:
            return replies.ask_again(call, book.no_transfer)
        if call.transfer_failed:
            return replies.ask_again(call, book.transfer_failed)
        # The transfer goes out when this announcement ends; sent with it, it would cut it off.
        call.stage = Stage.TRANSFERRING
        return replies.announce(book, book.connecting)


def _noting(call: CallState, asked: Asked | None, goodbye: str) -> str:
    """``goodbye``, after the word that the practice calls back about the question the answer also asked."""
    if asked is not Asked.PRACTICE:
        return goodbye
    return f"{phrasebook(call.language).question_noted.format(caller=call.caller)} {goodbye}"
