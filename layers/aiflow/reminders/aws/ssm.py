"""SSM's ``GetParameter`` as one signed HTTPS request, for the webhook's token.

boto3's SSM client loads SSM's whole API model when it is made (about 130 ms here, a quarter of the
webhook's cold start), to call one operation whose request and answer are a few lines of JSON. This
signs that request with botocore's own SigV4 signer and sends it with botocore's HTTP session: the same
credentials, endpoint variables (``AWS_ENDPOINT_URL_SSM``, ``AWS_ENDPOINT_URL``) and TLS as the client,
short timeouts of its own, and the current turn's deadline (``aiflow.deadline``) on each read.
"""

from __future__ import annotations

import json
import os
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.httpsession import URLLib3Session

from aiflow.deadline import read_timeout_now

__all__ = ["ParameterUnavailable", "SecureParameters"]


class ParameterUnavailable(RuntimeError):
    """SSM refused or failed to give the parameter; the message has SSM's error type."""


class SecureParameters:
    """Decrypted SecureString parameters, read one request at a time (no cache: the caller keeps the value)."""

    def __init__(self, session: Any, *, connect_timeout: float = 0.2, read_timeout: float = 0.5) -> None:
        self._session = session
        self._region = session.region_name or os.environ.get("AWS_REGION") or "us-east-1"
        suffix = "amazonaws.com.cn" if self._region.startswith("cn-") else "amazonaws.com"
        endpoint = os.environ.get("AWS_ENDPOINT_URL_SSM") or os.environ.get("AWS_ENDPOINT_URL")
        self.url = (endpoint or f"https://ssm.{self._region}.{suffix}").rstrip("/") + "/"
        self.read_timeout = read_timeout
        self._http = URLLib3Session(timeout=(connect_timeout, read_timeout))

    def get(self, name: str) -> str:
        """The parameter's decrypted value; :class:`ParameterUnavailable` if SSM says no, botocore's errors else."""
        request = AWSRequest(
            method="POST",
            url=self.url,
            data=json.dumps({"Name": name, "WithDecryption": True}).encode(),
            headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonSSM.GetParameter"},
        )
        credentials = self._session.get_credentials()
        SigV4Auth(credentials.get_frozen_credentials(), "ssm", self._region).add_auth(request)
        prepared = request.prepare()
        prepared.context["read_timeout"] = (
            read_timeout_now(self.read_timeout, "the parameter's read") or self.read_timeout
        )
        response = self._http.send(prepared)
        answer = json.loads(response.content or b"{}")
        if response.status_code != 200:
            kind = str(answer.get("__type", "error")).rsplit("#", 1)[-1]
            raise ParameterUnavailable(f"SSM {kind} for {name}: {answer.get('message') or answer.get('Message')}")
        value = answer["Parameter"]["Value"]
        if not value:
            raise ParameterUnavailable(f"SSM parameter {name} is empty")
        return str(value)

    def close(self) -> None:
        """Drop pooled connections (after a SnapStart restore they are the snapshot's)."""
        self._http.close()
