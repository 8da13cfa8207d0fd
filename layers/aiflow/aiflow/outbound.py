"""Place outbound calls through sipgate's AI Flow REST API.

``POST {base_url}/v3/ai-flows/{aiFlowId}/call`` with ``{"billingDevice": ..., "toPhoneNumber": ...}``
asks sipgate to dial a number and connect it to an AI Flow; ``201 Created`` means the call was
initiated. Every other answer becomes a typed :class:`OutboundCallError` that tells the caller (usually
an SQS consumer) whether trying again later makes sense.

Every error says whether the call was certainly **not** placed (``retryable``): only then may it be
placed again without risking a second ring. That is the case for a failed connect (nothing was sent),
``429`` and ``503`` (sipgate refused to act on it, with or without ``Retry-After``). Everything after the
request left is "maybe placed": a ``500``, ``502`` or ``504`` (from sipgate or a proxy in front of it,
possibly after the call was placed), a read timeout, a dropped connection, a ``201`` whose body cannot be
read (a broken ``Content-Encoding``), any other answer than ``201``. Retries inside ``requests``/``urllib3``
happen only for the retryable cases.
"""

from __future__ import annotations

import email.utils
import logging
import time
from dataclasses import dataclass
from datetime import UTC
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

from aiflow._extras import MissingExtra
from aiflow.phone import InvalidPhoneNumber, mask, normalize

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3 import BaseHTTPResponse
    from urllib3.connectionpool import ConnectionPool
    from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, ResponseError
    from urllib3.util.retry import Retry
except ImportError as missing:  # the [outbound] extra is not installed
    raise MissingExtra("outbound", "placing outbound calls (aiflow.outbound)", missing) from missing

__all__ = [
    "CallRateLimited",
    "CallRejected",
    "CallServerError",
    "CallTransportError",
    "InvalidPhoneNumber",
    "OutboundCallError",
    "OutboundClient",
    "PlacedCall",
]

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.sipgate.com"
_CREATED = 201
_TOO_MANY_REQUESTS = 429
_SERVICE_UNAVAILABLE = 503
# What sipgate answers without acting on the request; a 500, 502 or 504 may come after the call was placed.
_RETRY_STATUSES = frozenset({_TOO_MANY_REQUESTS, _SERVICE_UNAVAILABLE})
_BODY_IN_MESSAGE = 200  # characters of the response body shown in str(error)


class OutboundCallError(Exception):
    """sipgate did not confirm the call; ``retryable`` says whether it was certainly not placed.

    ``retryable`` is ``True`` only when placing the call again cannot ring the callee twice; ``False`` either
    because the same request gets the same refusal (:class:`CallRejected`) or because the call may have
    been placed (the callee's phone may ring).

    ``status`` is the HTTP status (``None`` when no answer arrived), ``body`` the raw response body and
    ``retry_after`` the wait in seconds the server asked for, if it asked.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        body: str,
        retryable: bool,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
        self.retryable = retryable
        self.retry_after = retry_after


class CallRejected(OutboundCallError):
    """sipgate refused the request (400 flow without number, 401/403 token or permission, 404 unknown flow).

    Sending the same request again gives the same answer, so it is not retryable.
    """


class CallRateLimited(OutboundCallError):
    """``429``: still rate limited after the retries, or the server asked for a wait longer than allowed."""


class CallServerError(OutboundCallError):
    """``5xx``. A ``503`` (after the retries, or asking for a wait longer than allowed) is retryable; a ``500``,
    ``502`` or ``504`` may come after the call was placed, so it is not.
    """


class CallTransportError(OutboundCallError):
    """No complete HTTP answer: connect failure, timeout, dropped connection, or a body that cannot be read.

    Retryable only when the connection was never made (refused, unreachable, DNS, connect timeout). After a
    read timeout, a dropped connection or an unreadable body the call may have been placed; ``status`` is
    the status line's when one arrived.
    """


@dataclass(frozen=True)
class PlacedCall:
    """A call sipgate accepted; ``body`` is kept as-is because its format is not documented."""

    to_phone_number: str
    status_code: int
    body: str


def _parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date); ``None`` if absent or garbled."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" zones parse naive; HTTP-dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - time.time())


class _BoundedRetry(Retry):
    """A :class:`Retry` that gives up instead of sleeping longer than ``max_wait`` for ``Retry-After``.

    A Lambda must not sleep minutes on a server's request; giving up hands the response back (with
    ``raise_on_status=False``) so the caller can schedule the retry itself. Unparseable ``Retry-After``
    values fall back to the exponential backoff instead of raising.
    """

    # Only the statuses we retry anyway may be retried because of a Retry-After header (urllib3 adds 413).
    RETRY_AFTER_STATUS_CODES = _RETRY_STATUSES

    def __init__(self, *, max_wait: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_wait = max_wait

    def new(self, **kw: Any) -> Self:
        kw.setdefault("max_wait", self.max_wait)
        return super().new(**kw)

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        return _parse_retry_after(response.headers.get("Retry-After"))

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        if response is not None and self.respect_retry_after_header:
            wait = self.get_retry_after(response)
            if wait is not None and wait > self.max_wait:
                reason = ResponseError(f"Retry-After {wait:.0f}s exceeds the {self.max_wait:g}s allowed")
                raise MaxRetryError(_pool, url, reason)  # type: ignore[arg-type]
        return super().increment(method, url, response, error, _pool, _stacktrace)


class OutboundClient:
    """Places outbound AI Flow calls with a sipgate API token; reuse one instance for connection pooling.

    Phone numbers are normalised with :func:`aiflow.phone.normalize` and sent as digits-only E.164, or
    with ``+`` when ``plus_prefix`` is set. ``max_retry_after`` caps how long the client sleeps for a
    server's ``Retry-After``; a longer request raises at once with ``retry_after`` set. A given
    ``session`` gets the retrying adapter mounted for ``base_url`` and is not closed by :meth:`close`.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 3.05,
        read_timeout: float = 10.0,
        max_retries: int = 3,
        backoff_factor: float = 0.5,
        max_retry_after: float = 30.0,
        plus_prefix: bool = False,
        default_country: str | None = None,
        session: requests.Session | None = None,
    ) -> None:
        if not token:
            raise ValueError("token must not be empty")
        if max_retries < 0 or backoff_factor < 0 or max_retry_after < 0:
            raise ValueError("max_retries, backoff_factor and max_retry_after must not be negative")
        self._token = token
        self._base_url = base_url.rstrip("/")
        self._timeout = (connect_timeout, read_timeout)
        self._plus_prefix = plus_prefix
        self._default_country = default_country
        retry = _BoundedRetry(
            max_wait=max_retry_after,
            total=max_retries,
            connect=max_retries,  # nothing was sent yet: safe to try again
            # read=0: after a read timeout or a dropped connection the POST may have reached sipgate and
            # the phone may already ring; sending it again would call the person twice.
            read=0,
            status=max_retries,
            other=0,  # unknown failures may also happen after sending
            allowed_methods=frozenset({"POST"}),
            status_forcelist=_RETRY_STATUSES,
            backoff_factor=backoff_factor,
            backoff_max=max_retry_after,
            raise_on_status=False,  # hand back the last response so it maps to a typed error
            respect_retry_after_header=True,
        )
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self._session.mount(f"{self._base_url}/", HTTPAdapter(max_retries=retry))

    def call(self, *, ai_flow_id: str, billing_device: str, to_phone_number: str) -> PlacedCall:
        """Ask sipgate to call ``to_phone_number`` and connect it to the AI Flow ``ai_flow_id``.

        ``billing_device`` is the sipgate device the call is billed to (e.g. ``"e2"``). Raises
        :class:`~aiflow.phone.InvalidPhoneNumber` before any request for an undialable number,
        :class:`ValueError` for empty ids, and an :class:`OutboundCallError` subclass for every answer
        other than ``201``.
        """
        if not ai_flow_id:
            raise ValueError("ai_flow_id must not be empty")
        if not billing_device:
            raise ValueError("billing_device must not be empty")
        number = normalize(to_phone_number, default_country=self._default_country, plus=self._plus_prefix)
        url = f"{self._base_url}/v3/ai-flows/{quote(ai_flow_id, safe='')}/call"
        logger.debug("placing outbound call via flow %s to %s", ai_flow_id, mask(number))
        try:
            response = self._session.post(
                url,
                json={"billingDevice": billing_device, "toPhoneNumber": number},
                headers={"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"},
                timeout=self._timeout,
                allow_redirects=False,  # a redirected POST would turn into a GET and could leak the token
                stream=True,  # the body is read below, so that a body that cannot be read keeps its status
            )
        except requests.RequestException as exc:
            raise self._transport_error(number, exc, status=None) from exc
        try:
            text = response.text
        except requests.RequestException as exc:
            raise self._transport_error(number, exc, status=response.status_code) from exc
        finally:
            response.close()
        body = self._redact(text)
        logger.info("outbound call to %s: HTTP %d", mask(number), response.status_code)
        if response.status_code == _CREATED:
            logger.debug("outbound call response body: %s", body[:_BODY_IN_MESSAGE])
            return PlacedCall(to_phone_number=number, status_code=response.status_code, body=body)
        raise self._error(response.status_code, body, _parse_retry_after(response.headers.get("Retry-After")))

    @staticmethod
    def _error(status: int, body: str, retry_after: float | None) -> OutboundCallError:
        """The typed exception for a non-201 answer."""
        message = f"sipgate answered HTTP {status}: {body[:_BODY_IN_MESSAGE]}"
        if status == _TOO_MANY_REQUESTS:
            return CallRateLimited(message, status=status, body=body, retryable=True, retry_after=retry_after)
        if status >= 500:
            retryable = status == _SERVICE_UNAVAILABLE
            return CallServerError(message, status=status, body=body, retryable=retryable, retry_after=retry_after)
        if status >= 400:
            return CallRejected(message, status=status, body=body, retryable=False)
        # 2xx other than 201 or 3xx: not the documented answer, and the call might have been placed.
        return OutboundCallError(message, status=status, body=body, retryable=False)

    def _transport_error(
        self, number: str, exc: requests.RequestException, *, status: int | None
    ) -> CallTransportError:
        """The typed exception for a request that got no complete answer (``status``: the status line's, if any)."""
        logger.info("outbound call to %s failed: %s", mask(number), type(exc).__name__)
        detail = self._redact(str(exc))[:_BODY_IN_MESSAGE]
        answered = f"HTTP {status} with a body that could not be read" if status is not None else "no answer"
        return CallTransportError(
            f"{answered} from {self._base_url}: {type(exc).__name__}: {detail}",
            status=status,
            body="",
            retryable=status is None and _never_sent(exc),
        )

    def _redact(self, text: str) -> str:
        """``text`` with the API token blanked out, in case a server or proxy echoes it back."""
        return text.replace(self._token, "***")

    def close(self) -> None:
        """Release pooled connections; a session passed in by the caller stays open."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _never_sent(error: requests.RequestException) -> bool:
    """Whether the request certainly never left (no connection was made), so that sending it again is safe.

    Only a failed connect is certain; a read timeout or a dropped connection may come after sipgate took the
    call. urllib3's ``NewConnectionError`` (refused, unreachable) and ``NameResolutionError`` (DNS) are
    ``ConnectTimeoutError`` subclasses.
    """
    if isinstance(error, requests.ConnectTimeout):
        return True
    if isinstance(error, requests.ConnectionError) and error.args and isinstance(error.args[0], MaxRetryError):
        return isinstance(error.args[0].reason, ConnectTimeoutError)
    return False
