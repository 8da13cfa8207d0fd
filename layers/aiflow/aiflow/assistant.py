"""``AiFlowAssistant``: handlers for AI Flow events, and the webhook that calls them.

Handlers are the TypeScript SDK's in snake_case, given as constructor keywords or registered with
decorators; the class names each once, as a slot that is both (see ``_HandlerSlot``). A handler takes
the event, or the event and the call's state (a dict saved between turns), and returns a string (said
with ``speak``), an action, a mapping, a list of these, or ``None``.
``handle(body, headers)`` answers one webhook request exactly as the protocol asks: ``200`` with one
action or an array, ``204`` for nothing, ``400`` for a malformed event, ``401`` for a bad token; a
handler that fails is logged and answered with the fallback, never with a ``5xx``.

``deadline_seconds`` bounds each turn (see :mod:`aiflow.deadline`): counted from the request's arrival,
the answer goes out before it, the fallback if the turn cannot finish in time. A ``session_start`` is
taken as the first event of its session: its state is not read (it is empty) and it is always saved, on
the condition that the session is new; a repeated one (sipgate brings a caller back from a transfer that
nobody took with the same session) loses that race and runs again on the stored state.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar, cast, overload

from pydantic import BaseModel

from aiflow import actions as _actions
from aiflow import events as _events
from aiflow.auth import is_authorized
from aiflow.deadline import MIN_ATTEMPT_SECONDS, Deadline, DeadlineExceeded, deadline_scope
from aiflow.errors import InvalidAction, InvalidEvent, StateConflict
from aiflow.state import InMemorySessionStore, SessionStore, StoredState, writes_with_state

if TYPE_CHECKING:
    from aiflow.outbound import OutboundClient, PlacedCall
    from aiflow.web import AsgiWebhook, WsgiWebhook

__all__ = ["DEFAULT_FALLBACK_TEXT", "AiFlowAssistant", "HandlerResult", "WebhookResponse"]

logger = logging.getLogger("aiflow")

type HandlerResult = str | _actions.ActionModel | Mapping[str, Any] | Sequence[HandlerResult] | None
type Handler = Callable[..., HandlerResult | Awaitable[HandlerResult]]
H = TypeVar("H", bound=Handler)

DEFAULT_FALLBACK_TEXT = "Sorry, something went wrong on our side. Please try again in a moment."
DEFAULT_MAX_BODY_BYTES = 64 * 1024
_JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class WebhookResponse:
    """What to answer sipgate. ``event`` and ``used_fallback`` are for the caller's logs and metrics."""

    status_code: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    event: _events.Event | None = None
    used_fallback: bool = False
    out_of_time: bool = False  # the fallback answered because the turn's deadline came first

    @property
    def actions(self) -> list[dict[str, Any]]:
        """The actions in the body, as a list whether sipgate gets one object or an array."""
        if self.status_code != 200:
            return []
        payload = json.loads(self.body)
        return payload if isinstance(payload, list) else [payload]

    def to_api_gateway(self) -> dict[str, Any]:
        """The response as an API Gateway (REST or HTTP API) or Lambda function URL proxy result."""
        return {
            "statusCode": self.status_code,
            "headers": self.headers,
            "body": self.body,
            "isBase64Encoded": False,
        }


def _error(status_code: int, reason: str) -> WebhookResponse:
    return WebhookResponse(status_code, dict(_JSON_HEADERS), json.dumps({"error": reason}))


@dataclass(frozen=True)
class _Registration:
    handler: Handler
    wants_state: bool


class _Decorator(Protocol):
    """``@assistant.on_user_speak``: registers the function and returns it unchanged, its type kept."""

    def __call__(self, handler: H, /) -> H: ...


class _HandlerSlot:
    """One row of the handler table: the event class whose handler goes by this attribute's name.

    Read on an assistant, the slot is the decorator; assigned (as the constructor does with each of its
    handler keywords), it registers the handler, and ``None`` takes it away. Read on the class, it is the slot.
    """

    def __init__(self, event_class: type[BaseModel]) -> None:
        self.event_class = event_class
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, assistant: None, owner: type) -> Self: ...

    @overload
    def __get__(self, assistant: AiFlowAssistant, owner: type) -> _Decorator: ...

    def __get__(self, assistant: AiFlowAssistant | None, owner: type) -> Self | _Decorator:
        if assistant is None:
            return self

        def register(handler: H) -> H:
            self.__set__(assistant, handler)
            return handler

        return register

    def __set__(self, assistant: AiFlowAssistant, handler: Handler | None) -> None:
        if handler is None:
            assistant._handlers.pop(self.event_class, None)
            return
        if not callable(handler):
            raise TypeError(f"{self.name} must be callable, got {type(handler).__name__}")
        assistant._handlers[self.event_class] = _Registration(handler, _takes_state(handler))


class AiFlowAssistant:
    """A voice assistant for sipgate AI Flow: event handlers, per-call state and the webhook protocol.

    Each handler below is both a keyword of the constructor and a decorator: ``AiFlowAssistant(on_user_speak=f)``
    is ``@assistant.on_user_speak`` on ``f``.
    ``webhook_token`` is the shared secret sipgate sends as ``X-API-TOKEN`` (``None``: no check).
    ``token`` and ``base_url`` (default: sipgate's public API) are for placing outbound calls with
    :meth:`call`. ``session_store`` keeps per-call state (default: in memory, which on Lambda must be replaced by a
    :class:`~aiflow.state.DynamoDBSessionStore`). ``fallback`` is what a caller hears when a handler
    fails: a text, or a function of the event returning what a handler would.
    """

    # The handler table, the one place that names the handlers (the TypeScript SDK's, in snake_case): the
    # constructor's keywords, the decorators and the dispatch all come from it. UserInputTimeout also covers the
    # "timeout" alias.
    on_session_start = _HandlerSlot(_events.SessionStart)
    on_user_speak = _HandlerSlot(_events.UserSpeak)
    on_user_barge_in = _HandlerSlot(_events.UserBargeIn)
    on_assistant_speak = _HandlerSlot(_events.AssistantSpeak)
    on_assistant_speech_ended = _HandlerSlot(_events.AssistantSpeechEnded)
    on_user_input_timeout = _HandlerSlot(_events.UserInputTimeout)
    on_dtmf_received = _HandlerSlot(_events.DtmfReceived)
    on_user_speech_started = _HandlerSlot(_events.UserSpeechStarted)
    on_session_end = _HandlerSlot(_events.SessionEnd)
    on_sms_failed = _HandlerSlot(_events.SmsFailed)

    def __init__(
        self,
        *,
        webhook_token: str | None = None,
        token: str | None = None,
        base_url: str | None = None,
        session_store: SessionStore | None = None,
        fallback: str | Callable[[_events.Event], HandlerResult] = DEFAULT_FALLBACK_TEXT,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_conflict_retries: int = 3,
        deadline_seconds: float | None = None,
        **handlers: Handler | None,
    ) -> None:
        if deadline_seconds is not None and deadline_seconds <= 0:
            raise ValueError("deadline_seconds must be positive")
        self.webhook_token = webhook_token
        self.token = token
        self.base_url = base_url
        self.session_store: SessionStore = session_store if session_store is not None else InMemorySessionStore()
        self.fallback = fallback
        self.max_body_bytes = max_body_bytes
        self.max_conflict_retries = max_conflict_retries
        self.deadline_seconds = deadline_seconds
        self._handlers: dict[type[BaseModel], _Registration] = {}
        self._outbound: OutboundClient | None = None
        for name, handler in handlers.items():
            if not isinstance(getattr(type(self), name, None), _HandlerSlot):
                raise TypeError(f"AiFlowAssistant() got an unexpected keyword argument {name!r}")
            setattr(self, name, handler)

    # The webhook. The turn is written once, as coroutines that call handlers through an ``invoke``
    # function: ``handle`` drives it without an event loop (every await in it completes at once), and
    # ``handle_async`` awaits it on the caller's loop, so async handlers run there.

    def handle(
        self, body: bytes | str, headers: Mapping[str, str] | None = None, *, received_at: float | None = None
    ) -> WebhookResponse:
        """Answer one webhook request: authenticate, parse, run the handler, build the response.

        ``received_at`` is the request's arrival in ``time.monotonic()`` time (default: now), from which
        the deadline counts. An async handler runs to its end on an event loop of its own: inside a
        running loop (an ASGI app, say) use :meth:`handle_async` instead.
        """
        deadline = self._deadline(received_at)
        with deadline_scope(deadline):
            return _completed(self._handle(body, headers, _call_blocking, deadline))

    async def handle_async(
        self, body: bytes | str, headers: Mapping[str, str] | None = None, *, received_at: float | None = None
    ) -> WebhookResponse:
        """:meth:`handle` for event-loop hosts: async handlers are awaited on the running loop.

        Synchronous handlers and the session store still run inline, so keep them quick.
        """
        deadline = self._deadline(received_at)
        with deadline_scope(deadline):
            return await self._handle(body, headers, _call_awaiting, deadline)

    def respond(self, event: _events.Event, *, received_at: float | None = None) -> WebhookResponse:
        """Run the handler for an already parsed and authenticated event and build the response."""
        deadline = self._deadline(received_at)
        with deadline_scope(deadline):
            return _completed(self._respond(event, _call_blocking, deadline))

    async def respond_async(self, event: _events.Event, *, received_at: float | None = None) -> WebhookResponse:
        """:meth:`respond` with async handlers awaited on the running event loop."""
        deadline = self._deadline(received_at)
        with deadline_scope(deadline):
            return await self._respond(event, _call_awaiting, deadline)

    def fallback_response(self, body: bytes | str) -> WebhookResponse:
        """The fallback for the event in ``body``, without running a handler or touching the state.

        For a host that cannot run the turn at all (its token store is down, say): the caller hears the
        apology rather than silence. Unauthenticated, so the fallback must say nothing about the call.
        """
        try:
            event = _events.parse_event(body)
        except InvalidEvent as error:
            return _error(400, error.reason)
        if event.type in _events.REPLY_IGNORED_TYPES:
            return WebhookResponse(204, event=event, used_fallback=True)
        actions = _completed(self._fallback_actions(event, _call_blocking))
        return _actions_response(event, actions, used_fallback=True, out_of_time=False)

    def _deadline(self, received_at: float | None) -> Deadline | None:
        if self.deadline_seconds is None:
            return None
        return Deadline.after(self.deadline_seconds, start=received_at)

    @cached_property
    def asgi(self) -> AsgiWebhook:
        """This assistant as an ASGI application: run it with any ASGI server, or route to it in FastAPI.

        ``app.add_route("/webhook", assistant.asgi, methods=["POST"])``; the same answers as :meth:`handle`,
        async handlers awaited on the server's loop (see :mod:`aiflow.web`).
        """
        from aiflow.web import AsgiWebhook  # deferred: only ASGI hosts need it

        return AsgiWebhook(self)

    @cached_property
    def wsgi(self) -> WsgiWebhook:
        """This assistant as a WSGI application: for gunicorn, ``wsgiref``, or mounted in Flask.

        ``DispatcherMiddleware(app.wsgi_app, {"/webhook": assistant.wsgi})``; the same answers as
        :meth:`handle` (see :mod:`aiflow.web`).
        """
        from aiflow.web import WsgiWebhook  # deferred: only WSGI hosts need it

        return WsgiWebhook(self)

    async def _handle(
        self, body: bytes | str, headers: Mapping[str, str] | None, invoke: _Invoke, deadline: Deadline | None
    ) -> WebhookResponse:
        if _size_in_bytes(body, self.max_body_bytes) > self.max_body_bytes:
            return _error(413, f"body larger than {self.max_body_bytes} bytes")
        if not is_authorized(headers, self.webhook_token):
            return _error(401, "missing or wrong X-API-TOKEN")
        try:
            event = _events.parse_event(body)
        except InvalidEvent as error:
            logger.warning("rejected webhook body: %s", error.reason)
            return _error(400, error.reason)
        return await self._respond(event, invoke, deadline)

    async def _respond(self, event: _events.Event, invoke: _Invoke, deadline: Deadline | None) -> WebhookResponse:
        if event.type in _events.REPLY_IGNORED_TYPES:
            await self._run_ignoring_reply(event, invoke)
            return WebhookResponse(204, event=event)
        used_fallback = out_of_time = False
        try:
            actions = await self._run_turn(event, invoke, deadline)
        except Exception as error:
            out_of_time = _ran_out_of_time(error, deadline)
            if out_of_time:
                logger.warning("%s ran out of time (%s); answering with the fallback", event.type, error)
            else:
                logger.exception("handler for %s failed; answering with the fallback", event.type)
            actions = await self._fallback_actions(event, invoke)
            used_fallback = True
        return _actions_response(event, actions, used_fallback=used_fallback, out_of_time=out_of_time)

    def lambda_handler(self, event: Mapping[str, Any], context: object = None) -> dict[str, Any]:
        """A complete Lambda handler for API Gateway (HTTP API 2.0 or REST 1.0) and function URLs."""
        from aiflow.apigateway import arrival_of_proxy_event, request_from_proxy_event  # only Lambda users need it

        try:
            body, headers = request_from_proxy_event(event)
        except InvalidEvent as error:
            return _error(400, error.reason).to_api_gateway()
        return self.handle(body, headers, received_at=arrival_of_proxy_event(event)).to_api_gateway()

    # Outbound calls.

    def call(self, *, ai_flow_id: str, billing_device: str, to_phone_number: str) -> PlacedCall:
        """Place an outbound call through the flow ``ai_flow_id``; raises unless sipgate answers 201."""
        if self._outbound is None:
            if not self.token:
                raise ValueError("AiFlowAssistant(token=...) is required to place calls")
            from aiflow.outbound import OutboundClient  # deferred: requests is loaded only to dial

            self._outbound = (
                OutboundClient(self.token, base_url=self.base_url) if self.base_url else OutboundClient(self.token)
            )
        return self._outbound.call(
            ai_flow_id=ai_flow_id, billing_device=billing_device, to_phone_number=to_phone_number
        )

    # Internals.

    def _registration_for(self, event: _events.Event) -> tuple[_Registration | None, _events.Event]:
        registration = self._handlers.get(type(event))
        if registration is None and isinstance(event, _events.UserBargeIn):
            # The legacy interruption is a user_speak with barged_in for anyone who only handles that.
            as_speech = _events.UserSpeak(
                type="user_speak", text=event.text or "", barged_in=True, session=event.session
            )
            return self._handlers.get(_events.UserSpeak), as_speech
        return registration, event

    async def _run_turn(
        self, event: _events.Event, invoke: _Invoke, deadline: Deadline | None
    ) -> list[_actions.ActionModel]:
        registration, event = self._registration_for(event)
        if registration is None:
            return []
        if not registration.wants_state:
            _check(deadline, "the handler")
            return _normalize(await invoke(registration.handler, event), event.session_id)
        for attempt in range(self.max_conflict_retries + 1):
            _check(deadline, "loading the state")
            # A session_start begins its session: nothing is stored yet, unless it is a repeat (then the save fails).
            new_session = attempt == 0 and isinstance(event, _events.SessionStart)
            stored = StoredState() if new_session else self.session_store.load(event.session_id)
            state = json.loads(json.dumps(stored.data))
            with writes_with_state() as writes:
                _check(deadline, "the handler")
                actions = _normalize(await invoke(registration.handler, event, state), event.session_id)
                _check(deadline, "saving the state")
                try:
                    self._save(event.session_id, stored, state, writes, always=new_session)
                except StateConflict:
                    logger.info("state of session %s changed under this turn; running it again", event.session_id)
                    continue
            return actions
        raise StateConflict(f"session {event.session_id}: gave up after {self.max_conflict_retries} conflicts")

    def _save(
        self, session_id: str, stored: StoredState, state: dict[str, Any], writes: list[Any], *, always: bool
    ) -> None:
        """Save the state if it changed (or ``always``), with the writes the handler asked for (one transaction)."""
        if writes:
            # Only a store that takes them (DynamoDBSessionStore) has the keyword: others fail loudly.
            self.session_store.save(session_id, state, expected_version=stored.version, with_writes=writes)  # type: ignore[call-arg]
        elif always or state != stored.data:
            self.session_store.save(session_id, state, expected_version=stored.version)

    async def _run_ignoring_reply(self, event: _events.Event, invoke: _Invoke) -> None:
        registration, event = self._registration_for(event)
        try:
            if registration is not None:
                if registration.wants_state:
                    await invoke(registration.handler, event, self.session_store.load(event.session_id).data)
                else:
                    await invoke(registration.handler, event)
        except Exception:
            logger.exception("handler for %s failed", event.type)
        if isinstance(event, _events.SessionEnd):
            try:
                self.session_store.delete(event.session_id)
            except Exception:
                logger.exception("could not delete the state of ended session %s", event.session_id)

    async def _fallback_actions(self, event: _events.Event, invoke: _Invoke) -> list[_actions.ActionModel]:
        try:
            result = await invoke(self.fallback, event) if callable(self.fallback) else self.fallback
            return _normalize(result, event.session_id)
        except Exception:
            logger.exception("fallback failed; answering with the default apology")
            return [_actions.speak(DEFAULT_FALLBACK_TEXT, session_id=event.session_id)]


def _actions_response(
    event: _events.Event, actions: list[_actions.ActionModel], *, used_fallback: bool, out_of_time: bool
) -> WebhookResponse:
    if not actions:
        return WebhookResponse(204, event=event, used_fallback=used_fallback, out_of_time=out_of_time)
    wire = [_actions.dump_action(action) for action in actions]
    body = json.dumps(wire[0] if len(wire) == 1 else wire, ensure_ascii=False, separators=(",", ":"))
    return WebhookResponse(200, dict(_JSON_HEADERS), body, event, used_fallback, out_of_time)


def _check(deadline: Deadline | None, step: str) -> None:
    if deadline is not None:
        deadline.check(step)


def _ran_out_of_time(error: BaseException, deadline: Deadline | None) -> bool:
    """Whether a failed turn failed for want of time: the deadline, or a request that timed out under it."""
    return deadline is not None and (isinstance(error, DeadlineExceeded) or deadline.remaining() < MIN_ATTEMPT_SECONDS)


def _size_in_bytes(body: bytes | str, limit: int) -> int:
    """The body's size in UTF-8 bytes, without encoding a text that is over the limit by length alone."""
    if isinstance(body, bytes) or len(body) > limit:
        return len(body)
    return len(body.encode("utf-8", errors="surrogatepass"))


def _takes_state(handler: Handler) -> bool:
    """Whether the handler takes the call's state: a second positional parameter without a default.

    ``def h(event, greeting="Hi")`` is a one-argument handler with an option, not a taker of state.
    """
    try:
        parameters = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [p for p in parameters if p.kind in positional and p.default is p.empty]
    return len(required) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in parameters)


type _Invoke = Callable[..., Awaitable[HandlerResult]]


async def _call_blocking(handler: Callable[..., Any], *args: Any) -> HandlerResult:
    """Call a handler for :meth:`AiFlowAssistant.handle`: an async one runs on an event loop of its own."""
    result = handler(*args)
    if not inspect.isawaitable(result):
        return cast("HandlerResult", result)
    import asyncio  # deferred: only async handlers pay for the event loop

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop in this thread: the handler gets one of its own
        return asyncio.run(_awaited(result))
    if inspect.iscoroutine(result):
        result.close()  # never started: no "was never awaited" warning on top of the error
    raise RuntimeError(f"{handler!r} is async and an event loop is running here: use handle_async()")


async def _awaited(result: Awaitable[Any]) -> HandlerResult:
    return cast("HandlerResult", await result)


async def _call_awaiting(handler: Callable[..., Any], *args: Any) -> HandlerResult:
    """Call a handler for :meth:`AiFlowAssistant.handle_async`: an async one is awaited on the running loop."""
    result = handler(*args)
    return await _awaited(result) if inspect.isawaitable(result) else cast("HandlerResult", result)


def _completed[T](turn: Coroutine[Any, Any, T]) -> T:
    """The result of a turn driven without an event loop: with :func:`_call_blocking` it never suspends."""
    try:
        turn.send(None)
    except StopIteration as done:
        return cast("T", done.value)
    turn.close()
    raise RuntimeError("a synchronous turn suspended; only _call_blocking may invoke handlers here")


def _normalize(result: HandlerResult, session_id: str) -> list[_actions.ActionModel]:
    """Turn whatever a handler returned into validated actions for ``session_id``."""
    if result is None:
        return []
    if isinstance(result, str):
        return [_actions.speak(result, session_id=session_id)]
    if isinstance(result, _actions.ActionModel):
        return [result if result.session_id else result.model_copy(update={"session_id": session_id})]
    if isinstance(result, Mapping):
        return [_actions.parse_action({**result, "session_id": result.get("session_id") or session_id})]
    if isinstance(result, Sequence):
        return [action for item in result for action in _normalize(item, session_id)]
    raise InvalidAction(f"handler returned {type(result).__name__}; expected a str, an action, a dict or a list")
