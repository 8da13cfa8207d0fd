"""The functions' secrets (the webhook's token, sipgate's token): SSM SecureStrings, decrypted, cached.

Each Lambda module keeps one :class:`SecureParameters`: a cache per execution environment. It reads
through the botocore SSM client it is given, so the credentials, the endpoint variables
(``AWS_ENDPOINT_URL_SSM``, ``AWS_ENDPOINT_URL``), retries and TLS are those of every other client, and
whatever answers botocore's send path answers it: AWS, the moto server, or moto's in-process ``mock_aws``
(which a request signed and sent by hand goes past). The caller makes the client when it suits it: the
dialer on its first invocation, the webhook at init (its model costs about 25 ms of CPU, which a first
turn after a SnapStart restore or a proactive init would otherwise pay inside its deadline).

- **Fresh for** :data:`MAX_AGE_SECONDS`: a rotated secret arrives by itself within that.
- **While SSM fails**, the last value read stays in use and SSM is asked again only :data:`RETRY_SECONDS`
  later, not on every request; without a value to keep, the read raises :class:`ParameterUnavailable`.
- :meth:`SecureParameters.get_once` is for a secret that never changes (the key of the numbers' hashes,
  ``reminders.store.number_keys``): read on first use, then kept for the environment's life.
- :meth:`SecureParameters.recheck` reads a secret again at once, for a caller with reason to think it
  changed (a request with an unknown token); at most every :data:`RETRY_SECONDS`, so such requests
  cannot flood SSM.
- **Inside a webhook turn** a client bound to the turn's deadline (``aiflow.bind_to_deadline``) gets the
  time left for each request, and a refresh while a value is in hand gets at most :data:`REFRESH_SECONDS`
  of it: the rest of the turn is the conversation's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from aiflow.deadline import Deadline, DeadlineExceeded, current_deadline, deadline_scope

__all__ = ["MAX_AGE_SECONDS", "REFRESH_SECONDS", "RETRY_SECONDS", "ParameterUnavailable", "SecureParameters"]

MAX_AGE_SECONDS = 300.0
RETRY_SECONDS = 30.0
REFRESH_SECONDS = 0.15

logger = logging.getLogger(__name__)


class ParameterUnavailable(RuntimeError):
    """SSM refused the parameter, could not be reached, or not within the turn; the message says which."""


@dataclass
class _Secret:
    value: str | None = None
    fresh_until: float = float("-inf")  # served from the cache before this (``clock`` time)
    rechecked_at: float = float("-inf")


class SecureParameters:
    """Decrypted SecureString parameters by name, each cached (see the module's docstring).

    ``client`` is a boto3 SSM client; ``clock`` is ``time.monotonic``. One thread reads at a time.
    """

    def __init__(self, client: Any, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self.clock = clock
        self._secrets: dict[str, _Secret] = {}

    def get(self, name: str) -> str:
        """The parameter's value: cached while fresh, else read; the last one kept while SSM fails."""
        secret = self._secrets.setdefault(name, _Secret())
        if secret.value is not None and self.clock() < secret.fresh_until:
            return secret.value
        try:
            self._read(name, secret)
        except ParameterUnavailable:
            if secret.value is None:
                raise
            secret.fresh_until = self.clock() + RETRY_SECONDS  # SSM is unwell: not again at once
            logger.warning("could not re-read %s; keeping the last value", name, exc_info=True)
        assert secret.value is not None, "read, or the last one kept"
        return secret.value

    def get_once(self, name: str) -> str:
        """A parameter that never changes: read once per environment (until :meth:`forget`), then never again."""
        secret = self._secrets.setdefault(name, _Secret())
        if secret.value is None:
            self._read(name, secret)
        assert secret.value is not None, "read, or it raised"
        return secret.value

    def recheck(self, name: str) -> bool:
        """Read the parameter again, whatever the cache holds; ``True`` if its value changed."""
        secret = self._secrets.setdefault(name, _Secret())
        now = self.clock()
        if now - secret.rechecked_at < RETRY_SECONDS:
            return False
        secret.rechecked_at = now
        previous = secret.value
        try:
            self._read(name, secret)
        except ParameterUnavailable:
            logger.warning("could not re-read %s", name, exc_info=True)
            return False
        return secret.value != previous

    def forget(self) -> None:
        """Drop every value (SnapStart: an environment restored from the snapshot reads its own)."""
        self._secrets.clear()

    def _read(self, name: str, secret: _Secret) -> None:
        deadline = turn = current_deadline()
        if secret.value is not None and turn is not None:
            deadline = Deadline(min(turn.at, time.monotonic() + REFRESH_SECONDS + turn.reserve), turn.reserve)
        with deadline_scope(deadline):
            secret.value = self._get_parameter(name)
        secret.fresh_until = self.clock() + MAX_AGE_SECONDS

    def _get_parameter(self, name: str) -> str:
        try:
            answer = self._client.get_parameter(Name=name, WithDecryption=True)
        except ClientError as error:
            failure = error.response.get("Error", {})
            raise ParameterUnavailable(f"SSM {failure.get('Code')} for {name}: {failure.get('Message')}") from error
        except (BotoCoreError, DeadlineExceeded) as error:
            raise ParameterUnavailable(f"SSM not reached for {name}: {error}") from error
        return str(answer["Parameter"]["Value"])
