"""Send text messages through sipgate's REST API (Web SMS), outside any call.

``POST {base_url}/v2/sessions/sms`` with ``{"smsId": "s0", "recipient": "+4915...", "message": "..."}`` sends
``message`` from the Web SMS extension ``smsId`` (the sender shows "sipgate" unless the account verified a
number for it). The token needs the scope ``sessions:sms:write``. Every message costs money (about 7 ct), so
the one rule of this client is that **a message is never sent twice**:

- A ``2xx`` (sipgate answers ``204``, some proxies ``200``) is :class:`SentSms`.
- sipgate refused it, and sending it again gets the same answer: :class:`SmsRefused`, typed by reason:
  ``402`` no credit (:class:`SmsNoCredit`), ``403`` the token or the extension may not send
  (:class:`SmsNotPermitted`), ``400`` a bad recipient or an empty message (:class:`SmsBadRequest`); any other
  ``4xx`` is an :class:`SmsRefused` too.
- The request may have reached sipgate: a ``5xx`` (sipgate documents ``500`` for some bad requests, and a
  proxy's ``502``/``504`` can come after sipgate took it), a read timeout, a dropped connection, an answer
  that is not one of the above: :class:`SmsMaybeSent`. Never retried, here or by the caller.
- The request certainly never left (the connection could not be made, after urllib3's connect retries):
  :class:`SmsNotSent`, the only error after which sending again is safe.

urllib3's :class:`~urllib3.util.retry.Retry` retries only connection errors (``connect``); ``read``,
``status`` and ``other`` are zero, because each of those may come after sipgate sent the message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from aiflow._extras import MissingExtra
from aiflow.phone import InvalidPhoneNumber, mask, normalize

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry
except ImportError as missing:  # the [outbound] extra is not installed
    raise MissingExtra("outbound", "sending SMS (aiflow.sms)", missing) from missing

# The one test of "certainly never sent": the outbound client's, for the same kind of POST.
from aiflow.outbound import _never_sent

__all__ = [
    "InvalidPhoneNumber",
    "SentSms",
    "SmsBadRequest",
    "SmsClient",
    "SmsError",
    "SmsMaybeSent",
    "SmsNoCredit",
    "SmsNotPermitted",
    "SmsNotSent",
    "SmsRefused",
]

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.sipgate.com"
SMS_PATH = "/v2/sessions/sms"
_BODY_IN_MESSAGE = 200  # characters of the response body shown in str(error)


class SmsError(Exception):
    """sipgate did not confirm the message. ``status`` is the HTTP status (``None``: no answer), ``body`` the
    answer's body; ``may_have_been_sent`` says whether the message may still reach the recipient."""

    may_have_been_sent = False

    def __init__(self, message: str, *, status: int | None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body

    @property
    def reason(self) -> str:
        """A short reason fit for a record: the status and the start of sipgate's answer."""
        answered = f"HTTP {self.status}" if self.status is not None else "no answer"
        return f"{answered}: {self.body[:_BODY_IN_MESSAGE]}".rstrip(": ")


class SmsRefused(SmsError):
    """sipgate refused the message (a ``4xx``); the same request gets the same answer."""


class SmsNoCredit(SmsRefused):
    """``402``: the account's balance does not cover the message."""


class SmsNotPermitted(SmsRefused):
    """``403``: the token lacks ``sessions:sms:write``, or the extension may not send (Web SMS not booked)."""


class SmsBadRequest(SmsRefused):
    """``400``: the recipient is not a number sipgate can text, or the message is empty."""


class SmsMaybeSent(SmsError):
    """The request may have reached sipgate (a ``5xx``, a read timeout, a dropped connection): never resend it."""

    may_have_been_sent = True


class SmsNotSent(SmsError):
    """No connection could be made: the request never left, so sending it later is safe."""


_REFUSALS: dict[int, type[SmsRefused]] = {400: SmsBadRequest, 402: SmsNoCredit, 403: SmsNotPermitted}


@dataclass(frozen=True)
class SentSms:
    """A message sipgate accepted for ``recipient`` (``+`` E.164)."""

    recipient: str
    status_code: int


class SmsClient:
    """Sends SMS from the Web SMS extension ``sms_id`` with a sipgate API token; reuse one per thread.

    ``max_connect_retries`` is how often a connection that could not be made is tried again (nothing was sent).
    A given ``session`` gets the retrying adapter mounted for ``base_url`` and is not closed by :meth:`close`.
    """

    def __init__(
        self,
        token: str,
        sms_id: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 3.05,
        read_timeout: float = 10.0,
        max_connect_retries: int = 2,
        backoff_factor: float = 0.5,
        session: requests.Session | None = None,
    ) -> None:
        if not token or not sms_id:
            raise ValueError("token and sms_id must not be empty")
        if max_connect_retries < 0 or backoff_factor < 0:
            raise ValueError("max_connect_retries and backoff_factor must not be negative")
        self._token = token
        self._sms_id = sms_id
        self._url = base_url.rstrip("/") + SMS_PATH
        self._timeout = (connect_timeout, read_timeout)
        retry = Retry(
            total=max_connect_retries,
            connect=max_connect_retries,  # nothing was sent yet
            read=0,  # after a read timeout sipgate may have sent it
            status=0,
            other=0,
            allowed_methods=frozenset({"POST"}),
            backoff_factor=backoff_factor,
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self._session.mount(f"{base_url.rstrip('/')}/", HTTPAdapter(max_retries=retry))

    def send(self, recipient: str, message: str) -> SentSms:
        """Send ``message`` to ``recipient``; an :class:`SmsError` subclass unless sipgate answers ``2xx``.

        :class:`~aiflow.phone.InvalidPhoneNumber` (before any request) for a number that cannot be texted,
        :class:`ValueError` for an empty message.
        """
        if not message.strip():
            raise ValueError("message must not be empty")
        number = normalize(recipient, plus=True)
        try:
            response = self._session.post(
                self._url,
                json={"smsId": self._sms_id, "recipient": number, "message": message},
                headers={"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"},
                timeout=self._timeout,
                allow_redirects=False,  # a redirected POST would turn into a GET and could leak the token
            )
        except requests.RequestException as exc:
            logger.info("SMS to %s failed: %s", mask(number), type(exc).__name__)
            error = SmsNotSent if _never_sent(exc) else SmsMaybeSent
            raise error(f"no answer from sipgate: {type(exc).__name__}", status=None) from exc
        body = response.text.replace(self._token, "***")
        logger.info("SMS to %s: HTTP %d", mask(number), response.status_code)
        if 200 <= response.status_code < 300:
            return SentSms(recipient=number, status_code=response.status_code)
        raise _error(response.status_code, body)

    def close(self) -> None:
        """Release pooled connections; a session passed in by the caller stays open."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _error(status: int, body: str) -> SmsError:
    """The typed error of a non-2xx answer: a refusal for a ``4xx``, "may have been sent" for anything else."""
    message = f"sipgate answered HTTP {status}: {body[:_BODY_IN_MESSAGE]}"
    if 400 <= status < 500:
        return _REFUSALS.get(status, SmsRefused)(message, status=status, body=body)
    return SmsMaybeSent(message, status=status, body=body)
