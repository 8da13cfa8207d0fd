"""Play phone calls against an assistant the way sipgate AI Flow does, and check them like a call.

``CallSimulator(target).start_call()`` sends ``session_start`` and returns a :class:`SimulatedCall`; the
test then makes the caller's moves (``say``, ``press``, ``stay_silent``, ``hang_up``). Every answer is
checked against the protocol and played out as sipgate would: each ``speak`` or ``audio`` is announced
with ``assistant_speak`` and, once played, followed by ``assistant_speech_ended`` (whose answers are
played out in turn); ``hangup`` and ``transfer`` end the call with ``session_end``. Everything sent,
answered and said is recorded, and the ``assert_*`` methods read like the call.

Where sipgate's documentation is silent, the simulator assumes:

- speech plays to its end before the caller moves; ``say(..., barged_in=True)`` only flags the event;
- actions take effect in order as they arrive while speech waits its turn, so a ``hangup``, ``transfer``
  or ``barge_in`` cuts off what is playing and drops what is still queued (the protocol says so of a
  hangup sent with the goodbye); such lines are marked cut off and a stopped playback gets no
  ``assistant_speech_ended``;
- actions after a ``hangup`` or ``transfer`` in the same answer are ignored: the assistant has left the call;
- answers to ``session_end`` and ``user_speech_started`` are ignored whatever their body (sipgate's own
  flow-io answers ``{"success": true}``), and a ``200`` with an empty body means no action;
- playback takes no time, unless ``playback`` says how many real seconds a second of speech lasts: with
  ``playback=1`` each ``assistant_speech_ended`` comes as long after its ``assistant_speak`` as the speech
  lasts, which is the time a webhook that said a filler has to get its late answer (the hold pattern).

The silence timer (``user_input_timeout``), as the simulator models it:

- each ``speak`` that plays sets the timer to its ``user_input_timeout_seconds``, or turns it off when it
  has none; an ``audio`` (which has no such field) leaves the timer as the speech before it set it;
- the timer runs from the end of the last playback; ``stay_silent()`` lets it run out and sends
  ``user_input_timeout``;
- any event from the caller's side (speech, a key, the timeout itself) and a ``hangup``, ``transfer`` or
  ``barge_in`` stop it. Whether sipgate starts it again when the webhook answers such an event with ``204``
  its docs do not say; webhooks of third parties rely on it, so ``wait_for_timeout()`` plays that case: it
  sends ``user_input_timeout`` once the last timeout any speech set has run out.
"""

from __future__ import annotations

import base64
import binascii
import html
import io
import json
import re
import time
import uuid
import wave
from collections import deque
from dataclasses import dataclass, replace
from typing import Any, Literal

from aiflow import phone
from aiflow.actions import parse_action
from aiflow.assistant import AiFlowAssistant
from aiflow.errors import InvalidAction
from aiflow.events import REPLY_IGNORED_TYPES
from aiflow.testing.errors import SimulatorError
from aiflow.testing.targets import AssistantTarget, Reply, Target

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_FLOW_NUMBER",
    "DEFAULT_REMOTE_NUMBER",
    "CallSimulator",
    "Direction",
    "EndedBy",
    "SimulatedCall",
    "Speaker",
    "TranscriptLine",
]

type Speaker = Literal["assistant", "caller"]
type Direction = Literal["inbound", "outbound"]
type EndedBy = Literal["assistant", "caller", "transfer"]

DEFAULT_FLOW_NUMBER = "+4921155660"
DEFAULT_REMOTE_NUMBER = "+4915790000687"
DEFAULT_ACCOUNT_ID = "account-123"
DEFAULT_MAX_EVENTS_PER_MOVE = 50

_DTMF_KEYS = frozenset("0123456789*#")
# A text-to-speech voice says about 150 words a minute; durations only need to be plausible.
_MS_PER_WORD = 400
_MIN_SPEECH_MS = 600
_SSML_TAG = re.compile(r"<[^>]*>")
_ENDINGS: dict[EndedBy, str] = {
    "assistant": "the assistant hung up",
    "caller": "the caller hung up",
    "transfer": "the call was transferred",
}


@dataclass(frozen=True)
class TranscriptLine:
    """One line of a call: words (``spoken``) or a bracketed note such as ``[pressed 1]`` or ``[audio]``.

    ``cut_off`` marks assistant speech that did not play to its end, so the caller did not hear all of it.
    """

    speaker: Speaker
    text: str
    spoken: bool = True
    cut_off: bool = False

    def __str__(self) -> str:
        return f"{self.speaker:>9}: {self.text}" + ("  [cut off]" if self.cut_off else "")


class CallSimulator:
    """Starts simulated calls to one webhook, as sipgate AI Flow does for one flow.

    ``target`` is an :class:`AiFlowAssistant` (called in this process) or any :class:`Target`.
    ``webhook_token`` is sent as ``X-API-TOKEN``. ``flow_number`` and ``account_id`` fill the session.
    ``sparse_sessions`` sends only ``session.id`` after ``session_start``, as several of sipgate's
    examples do: it proves handlers keep in their state what they need from ``session_start``.
    ``max_events_per_move`` stops an assistant that keeps the call busy without end. ``playback`` is the
    real time a second of speech takes to play (0: none; see the module's notes).
    """

    def __init__(
        self,
        target: Target | AiFlowAssistant,
        webhook_token: str | None = None,
        *,
        flow_number: str = DEFAULT_FLOW_NUMBER,
        account_id: str = DEFAULT_ACCOUNT_ID,
        sparse_sessions: bool = False,
        max_events_per_move: int = DEFAULT_MAX_EVENTS_PER_MOVE,
        playback: float = 0.0,
    ) -> None:
        if playback < 0:
            raise ValueError("playback must not be negative")
        self.target: Target = AssistantTarget(target) if isinstance(target, AiFlowAssistant) else target
        self.headers = {"Content-Type": "application/json"}
        if webhook_token is not None:
            self.headers["X-API-TOKEN"] = webhook_token
        self.flow_number = flow_number
        self.account_id = account_id
        self.sparse_sessions = sparse_sessions
        self.max_events_per_move = max_events_per_move
        self.playback = playback

    def start_call(
        self,
        *,
        direction: Direction = "inbound",
        from_phone_number: str | None = None,
        to_phone_number: str | None = None,
        transfer_answers: bool = True,
    ) -> SimulatedCall:
        """Send ``session_start`` for a new session, play out the greeting and return the call.

        An inbound call comes from ``from_phone_number`` to the flow's number; an outbound one goes from
        the flow's number to ``to_phone_number``. Like sipgate, ``phone_number`` is the called number.
        ``transfer_answers`` decides whether transfers reach someone (see :class:`SimulatedCall`).
        """
        if direction == "inbound":
            caller, callee = from_phone_number or DEFAULT_REMOTE_NUMBER, to_phone_number or self.flow_number
        elif direction == "outbound":
            caller, callee = from_phone_number or self.flow_number, to_phone_number or DEFAULT_REMOTE_NUMBER
        else:
            raise ValueError(f"direction must be 'inbound' or 'outbound', got {direction!r}")
        session = {
            "id": str(uuid.uuid4()),
            "account_id": self.account_id,
            "phone_number": callee,
            "direction": direction,
            "from_phone_number": caller,
            "to_phone_number": callee,
        }
        call = SimulatedCall(self, session, transfer_answers=transfer_answers)
        call._turn("session_start")
        return call


class SimulatedCall:
    """One call: the caller's moves, what was recorded, and assertions that read like the call.

    Recorded: ``transcript`` (what was said, pressed and done), ``events`` (every event sent, in order),
    ``actions`` (every action answered, in order), ``transfers`` and ``sms`` (those actions), ``ended``
    and ``ended_by``. ``transfer_answers`` decides the next transfer and may change between moves:
    ``True``, someone answers and the call leaves the assistant; ``False``, nobody does and sipgate sends
    ``session_start`` again for the same session (possible only for a transfer with ``timeout``).
    """

    def __init__(self, simulator: CallSimulator, session: dict[str, str], *, transfer_answers: bool) -> None:
        self.session = session
        self.transfer_answers = transfer_answers
        self.transcript: list[TranscriptLine] = []
        self.events: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []
        self.transfers: list[dict[str, Any]] = []
        self.sms: list[dict[str, Any]] = []
        self.ended = False
        self.ended_by: EndedBy | None = None
        self._simulator = simulator
        self._queue: deque[dict[str, Any]] = deque()  # speak and audio actions waiting to play
        self._playing: int | None = None  # transcript index of the line playing right now
        self._input_timeout: float | None = None  # the silence timer: armed by speech, stopped by the caller
        self._last_timeout: float | None = None  # the last user_input_timeout_seconds any speech set
        self._move_start = 0  # transcript index where the caller's last move began
        self._budget = 0  # events left before the current move counts as a loop
        self._clock_ms = int(time.time() * 1000)  # call time: advances with playback and silence

    @property
    def session_id(self) -> str:
        return self.session["id"]

    @property
    def last_said(self) -> str | None:
        """The text of the assistant's last speech, heard in full or cut off; ``None`` before any."""
        spoken = (line.text for line in reversed(self.transcript) if line.speaker == "assistant" and line.spoken)
        return next(spoken, None)

    def transcript_text(self) -> str:
        """The transcript as printable lines, speaker first."""
        return "\n".join(str(line) for line in self.transcript)

    # The caller's moves.

    def say(self, text: str, *, barged_in: bool = False) -> None:
        """The caller says ``text`` (``user_speak``); ``barged_in`` flags it as interrupting the assistant."""
        self._begin_move("speak")
        self._note("caller", text)
        self._turn("user_speak", text=text, barged_in=barged_in)

    def press(self, keys: str) -> None:
        """The caller presses ``keys`` (``0``-``9``, ``*``, ``#``): one ``dtmf_received`` per key, in order."""
        if not keys or not set(keys) <= _DTMF_KEYS:
            raise SimulatorError(f"press() takes the keys 0-9, * and #, got {keys!r}")
        self._begin_move(f"press {keys}")
        for key in keys:
            self._ensure_open(f"press {key}")  # the assistant may have hung up after an earlier key
            self._note("caller", f"[pressed {key}]", spoken=False)
            self._turn("dtmf_received", digit=key)

    def stay_silent(self) -> None:
        """The caller says nothing until the ``user_input_timeout_seconds`` of the last speech run out."""
        self._begin_move("stay silent")
        if self._input_timeout is None:
            raise SimulatorError(
                "the caller stays silent, but the assistant's last speech set no user_input_timeout_seconds: "
                "AI Flow sends no event for silence then, and the call would stay quiet for good"
                + self._transcript_block()
            )
        self._time_out(self._input_timeout)

    def wait_for_timeout(self) -> None:
        """The caller stays silent after an answer that set no timer (a ``204``, say): ``user_input_timeout``
        follows once the last ``user_input_timeout_seconds`` any speech set has run out (see the module's notes).
        """
        self._begin_move("wait for the timeout")
        if self._last_timeout is None:
            raise SimulatorError(
                "the caller waits for the timeout, but no speech in this call set user_input_timeout_seconds"
                + self._transcript_block()
            )
        self._time_out(self._last_timeout)

    def _time_out(self, seconds: float) -> None:
        self._clock_ms += int(seconds * 1000)
        self._note("caller", "[silence]", spoken=False)
        self._turn("user_input_timeout")

    def barge_in_legacy(self, text: str | None = None) -> None:
        """The caller interrupts, reported the legacy way: ``user_barge_in`` (with ``text`` if given)."""
        self._begin_move("barge in")
        self._note("caller", text or "[interrupts]", spoken=bool(text))
        self._turn("user_barge_in", **({} if text is None else {"text": text}))

    def hang_up(self) -> None:
        """The caller hangs up: ``session_end``."""
        self._begin_move("hang up")
        self._note("caller", "[hung up]", spoken=False)
        self._finish("caller")
        self._turn("session_end")

    def send_raw(self, event: dict[str, Any] | str) -> Reply:
        """Send ``event`` (a dict, or body text sent verbatim) with this call's headers; return status and body.

        Nothing is checked, recorded or played out: this is for tests of malformed or hostile input.
        """
        body = event if isinstance(event, str) else json.dumps(event)
        return self._simulator.target.send(body, self._simulator.headers)

    # Assertions.

    def assert_said(self, fragment: str, *, anywhere: bool = False) -> None:
        """Check the assistant said ``fragment`` (any case) since the caller's last move, or ever with ``anywhere``.

        Speech that was cut off does not count: the caller did not hear all of it.
        """
        lines = self.transcript if anywhere else self.transcript[self._move_start :]
        wanted = fragment.casefold()
        said = [line for line in lines if line.speaker == "assistant" and line.spoken]
        matches = [line for line in said if wanted in line.text.casefold()]
        if any(not line.cut_off for line in matches):
            return
        when = "during the call" if anywhere else "since the caller's last move"
        why = " It was cut off: a hangup, transfer or barge_in came before it finished playing." if matches else ""
        raise AssertionError(f"the assistant did not say {fragment!r} {when}.{why}{self._transcript_block()}")

    def assert_hung_up(self) -> None:
        """Check the assistant ended the call with ``hangup``."""
        if self.ended_by == "assistant":
            return
        instead = _ENDINGS[self.ended_by] if self.ended_by else "the call is still going"
        raise AssertionError(f"expected the assistant to hang up, but {instead}.{self._transcript_block()}")

    def assert_transferred_to(self, number: str) -> None:
        """Check the assistant transferred the call to ``number`` (``+49...`` and ``49...`` match alike)."""
        wanted = phone.normalize(number)
        targets = [transfer["target_phone_number"] for transfer in self.transfers]
        if any(phone.normalize(target) == wanted for target in targets):
            return
        instead = f"it transferred to {', '.join(targets)}" if targets else "it transferred nothing"
        raise AssertionError(f"expected a transfer to {number}, but {instead}.{self._transcript_block()}")

    # Internals: one move is one caller event, plus everything sipgate plays out after it.

    def _ensure_open(self, move: str) -> None:
        if self.ended_by is not None:
            raise SimulatorError(f"the caller cannot {move}: {_ENDINGS[self.ended_by]}.{self._transcript_block()}")

    def _begin_move(self, move: str) -> None:
        self._ensure_open(move)
        self._move_start = len(self.transcript)

    def _note(self, speaker: Speaker, text: str, *, spoken: bool = True) -> None:
        self.transcript.append(TranscriptLine(speaker, text, spoken))

    def _finish(self, ended_by: EndedBy) -> None:
        self.ended = True
        self.ended_by = ended_by

    def _turn(self, event_type: str, **fields: Any) -> None:
        """Send one event from the caller's side and play out everything the assistant answers."""
        self._budget = self._simulator.max_events_per_move
        self._input_timeout = None  # anything from the caller's side stops sipgate's silence timer
        self._apply(self._deliver(event_type, **fields))
        self._play_queue()

    def _deliver(self, event_type: str, **fields: Any) -> list[dict[str, Any]]:
        """Send one event, check the answer and return its actions."""
        if self._budget == 0:
            recent = ", ".join(action["type"] for action in self.actions[-5:])
            raise SimulatorError(
                f"{self._simulator.max_events_per_move} events without a move by the caller: the assistant "
                f"seems to loop (last actions: {recent})" + self._transcript_block()
            )
        self._budget -= 1
        sparse = self._simulator.sparse_sessions and event_type != "session_start"
        event = {"type": event_type, **fields, "session": {"id": self.session_id} if sparse else dict(self.session)}
        self.events.append(event)
        status_code, body = self._simulator.target.send(json.dumps(event), self._simulator.headers)
        actions = self._check_answer(event_type, status_code, body)
        self.actions.extend(actions)
        return actions

    def _check_answer(self, event_type: str, status_code: int, body: str) -> list[dict[str, Any]]:
        """The actions in an answer, or a SimulatorError for anything sipgate would not accept."""

        def rejected(problem: str) -> SimulatorError:
            return SimulatorError(
                f"the webhook answered {event_type} with HTTP {status_code} {body[:500]!r}: {problem}"
                + self._transcript_block(),
                status_code=status_code,
                body=body,
            )

        if status_code not in (200, 204):
            raise rejected("only 200 with actions and 204 without are answers")
        if event_type in REPLY_IGNORED_TYPES:
            return []  # sipgate does nothing with the answer, whatever its body
        if status_code == 204 and body:
            raise rejected("a 204 must have an empty body")
        if not body.strip():
            return []  # a 200 without a body: no action
        try:
            payload = json.loads(body, parse_constant=_refuse_constant)
        except ValueError as error:
            raise rejected(f"the body is not JSON ({error})") from None
        actions = payload if isinstance(payload, list) else [payload]
        for action in actions:
            if not isinstance(action, dict):
                raise rejected("the body must be an action object or a list of them")
            try:
                parse_action(action)
            except InvalidAction as error:
                raise rejected(str(error)) from None
            if action.get("session_id") != self.session_id:
                raise rejected(f"an action for session {action.get('session_id')!r}, not {self.session_id!r}")
        return actions

    def _apply(self, actions: list[dict[str, Any]]) -> None:
        """Carry out actions in order as sipgate does: speech is queued, the rest takes effect at once."""
        for action in actions:
            match action["type"]:
                case "speak" | "audio":
                    self._queue.append(action)
                case "barge_in":
                    self._stop_playback()
                case "hangup":
                    self._stop_playback()
                    self._note("assistant", "[hung up]", spoken=False)
                    self._finish("assistant")
                    self._deliver("session_end")
                    return
                case "transfer":
                    self._stop_playback()
                    self._transfer(action)
                    return
                case "send_sms":
                    self.sms.append(action)
                    self._note("assistant", f"[sms to {action['phone_number']}: {action['message']}]", spoken=False)
                # configure_transcription, configure_voice_to_voice and mix_audio change how the call is
                # heard or understood, not what is said: self.actions has them.

    def _transfer(self, action: dict[str, Any]) -> None:
        self.transfers.append(action)
        self._note("assistant", f"[transfers the call to {action['target_phone_number']}]", spoken=False)
        if self.transfer_answers:
            self._finish("transfer")
            self._deliver("session_end")
            return
        if "timeout" not in action:
            raise SimulatorError(
                "the transfer is set not to be answered, but it has no 'timeout': only then does sipgate bring "
                "the caller back to the assistant (with session_start); without one the outcome is undocumented"
                + self._transcript_block()
            )
        self._clock_ms += action["timeout"] * 1000
        self._note("caller", "[transfer not answered: back with the assistant]", spoken=False)
        self._apply(self._deliver("session_start"))

    def _stop_playback(self) -> None:
        """Cut off the speech playing now and drop the speech still queued: a hangup, transfer or barge_in."""
        if self._playing is not None:
            self.transcript[self._playing] = replace(self.transcript[self._playing], cut_off=True)
            self._playing = None
        while self._queue:
            text, spoken = _describe(self._queue.popleft())
            self.transcript.append(TranscriptLine("assistant", text, spoken, cut_off=True))
        self._input_timeout = None

    def _play_queue(self) -> None:
        while self._queue and not self.ended:
            action = self._queue.popleft()
            text, spoken = _describe(action)
            duration_ms = _duration_ms(action, text)
            self._playing = len(self.transcript)
            self._note("assistant", text, spoken=spoken)
            if action["type"] == "speak":  # an audio leaves the timer as the speech before it set it
                self._input_timeout = action.get("user_input_timeout_seconds")
                self._last_timeout = self._input_timeout or self._last_timeout
            said = {key: action[key] for key in ("text", "ssml") if key in action}
            started_at = self._clock_ms
            self._apply(self._deliver("assistant_speak", **said, duration_ms=duration_ms, speech_started_at=started_at))
            if self._playing is None:  # the answer stopped it
                continue
            self._playing = None
            self._clock_ms += duration_ms
            if self._simulator.playback:
                time.sleep(duration_ms / 1000 * self._simulator.playback)
            self._apply(self._deliver("assistant_speech_ended"))

    def _transcript_block(self) -> str:
        return "\n\nTranscript:\n" + (self.transcript_text() or "(nothing yet)")


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity, but they are not JSON and other parsers reject them.
    raise ValueError(f"{name} is not a JSON value")


def _describe(action: dict[str, Any]) -> tuple[str, bool]:
    """How a speak or audio action appears in the transcript, and whether it is words."""
    if action["type"] == "audio":
        return "[audio]", False
    if "text" in action:
        return action["text"], True
    return " ".join(html.unescape(_SSML_TAG.sub(" ", action["ssml"])).split()), True


def _duration_ms(action: dict[str, Any], text: str) -> int:
    if action["type"] != "audio":
        return max(_MIN_SPEECH_MS, len(text.split()) * _MS_PER_WORD)
    try:
        with wave.open(io.BytesIO(base64.b64decode(action["audio"], validate=True)), "rb") as wav:
            frames: int = wav.getnframes()
            rate: int = wav.getframerate()
        return round(frames * 1000 / rate)
    except (binascii.Error, wave.Error, EOFError) as error:
        raise SimulatorError(f"the audio action's 'audio' is not a Base64 WAV file: {error}") from None
