"""SmsClient against the fake sipgate on loopback: the request on the wire, the typed answers, and that nothing
that may have reached sipgate is ever sent again."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import urllib3.util.connection

from aiflow import SmsClient as LazySmsClient
from aiflow.phone import InvalidPhoneNumber
from aiflow.sms import (
    SentSms,
    SmsBadRequest,
    SmsClient,
    SmsError,
    SmsMaybeSent,
    SmsNoCredit,
    SmsNotPermitted,
    SmsNotSent,
    SmsRefused,
)
from aiflow.testing.sipgate import DROPPED, FakeSipgate, Reply, sent_then

TOKEN = "sms-token-0123456789abcdef"
NUMBER = "+4915790000687"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "outbound"


@pytest.fixture
def sipgate() -> Iterator[FakeSipgate]:
    with FakeSipgate(token=TOKEN, ai_flow_id="flow-1", sms_id="s0") as fake:
        yield fake


def client(base_url: str, **options: Any) -> SmsClient:
    options.setdefault("read_timeout", 1.0)
    options.setdefault("backoff_factor", 0)
    return SmsClient(TOKEN, "s0", base_url=base_url, **options)


def test_a_sent_sms_is_exactly_the_documented_request(sipgate: FakeSipgate) -> None:
    sent = client(sipgate.url).send("004915790000687", "Ihr Termin am Dienstag")

    assert sent == SentSms(recipient=NUMBER, status_code=204)
    (request,) = sipgate.received
    assert (request.method, request.path) == ("POST", "/v2/sessions/sms")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.body == json.loads((FIXTURES / "sms_request.json").read_text(encoding="utf-8"))
    assert sipgate.texts_per_recipient() == {"4915790000687": 1}


def test_the_client_is_exported_lazily_from_the_package() -> None:
    assert LazySmsClient is SmsClient


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(400, SmsBadRequest), (402, SmsNoCredit), (403, SmsNotPermitted), (401, SmsRefused), (404, SmsRefused)],
)
def test_refusals_are_typed_and_never_retried(sipgate: FakeSipgate, status: int, error_type: type[SmsRefused]) -> None:
    sipgate.script_sms(Reply(status, body=b'{"message": "no"}'), Reply(204))

    with pytest.raises(error_type) as caught:
        client(sipgate.url, max_connect_retries=3).send(NUMBER, "Hi")

    assert type(caught.value) is error_type
    assert (caught.value.status, caught.value.may_have_been_sent) == (status, False)
    assert caught.value.reason == f'HTTP {status}: {{"message": "no"}}'
    assert len(sipgate.received) == 1
    assert sipgate.texts() == []


def test_what_the_fake_itself_refuses_is_typed_too(sipgate: FakeSipgate) -> None:
    with pytest.raises(SmsNotPermitted):
        SmsClient(TOKEN, "s9", base_url=sipgate.url).send(NUMBER, "Hi")  # an extension the account lacks
    with pytest.raises(SmsRefused) as caught:
        SmsClient("wrong-token", "s0", base_url=sipgate.url).send(NUMBER, "Hi")

    assert caught.value.status == 401
    assert sipgate.texts() == []


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(Reply(500), id="500"),
        pytest.param(sent_then(502), id="502-after-sending"),
        pytest.param(Reply(503), id="503"),
        pytest.param(Reply(302, {"Location": "/elsewhere"}), id="redirect"),
    ],
)
def test_a_5xx_or_an_unexpected_answer_may_have_been_sent_and_is_never_retried(
    sipgate: FakeSipgate, reply: Reply
) -> None:
    sipgate.script_sms(reply, Reply(204))

    with pytest.raises(SmsMaybeSent) as caught:
        client(sipgate.url, max_connect_retries=3).send(NUMBER, "Hi")

    assert caught.value.may_have_been_sent
    assert caught.value.status == reply.status
    assert len(sipgate.received) == 1


@pytest.mark.parametrize(
    "reply", [pytest.param(Reply(204, delay=5), id="hangs"), pytest.param(Reply(DROPPED), id="dropped")]
)
def test_no_answer_after_sending_may_have_been_sent_and_is_never_retried(sipgate: FakeSipgate, reply: Reply) -> None:
    sipgate.script_sms(reply, Reply(204))

    with pytest.raises(SmsMaybeSent) as caught:
        client(sipgate.url, read_timeout=0.3, max_connect_retries=3).send(NUMBER, "Hi")

    assert caught.value.status is None
    assert sipgate.texts_per_recipient() == {"4915790000687": 1}  # it went out once, and only once


def test_a_refused_connection_is_retried_then_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[tuple[str, int]] = []
    connect = urllib3.util.connection.create_connection

    def counting(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(address)
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    with socket.socket() as unused:  # bound but not listening: connects are refused
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
        with pytest.raises(SmsNotSent) as caught:
            client(f"http://127.0.0.1:{port}", max_connect_retries=2).send(NUMBER, "Hi")

    assert not caught.value.may_have_been_sent
    assert attempts == [("127.0.0.1", port)] * 3


def test_the_token_echoed_back_is_redacted(sipgate: FakeSipgate) -> None:
    sipgate.script_sms(Reply(403, body=f"token {TOKEN} may not".encode()))

    with pytest.raises(SmsError) as caught:
        client(sipgate.url).send(NUMBER, "Hi")

    assert TOKEN not in str(caught.value)
    assert TOKEN not in caught.value.reason


@pytest.mark.parametrize("number", ["", "abc", "015790000687", "12345"])
def test_an_invalid_number_raises_before_any_request(sipgate: FakeSipgate, number: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        client(sipgate.url).send(number, "Hi")
    with pytest.raises(ValueError, match="must not be empty"):
        client(sipgate.url).send(NUMBER, "  ")

    assert sipgate.received == []


def test_a_script_for_one_recipient_goes_first(sipgate: FakeSipgate) -> None:
    sipgate.script_sms(Reply(402), to=NUMBER)
    sms = client(sipgate.url)

    with pytest.raises(SmsNoCredit):
        sms.send(NUMBER, "Hi")
    sms.send("+4915790000688", "Hi")

    assert sipgate.texts_per_recipient() == {"4915790000688": 1}
