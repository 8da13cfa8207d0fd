"""The SDK's fake sipgate over real HTTP: what it refuses as sipgate does, and the faults it plays on demand."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from aiflow.outbound import OutboundClient
from aiflow.testing.sipgate import DROPPED, FakeSipgate, Reply, rings_then

TOKEN = "fake-sipgate-token"
FLOW_ID = "flow-1"
CALL_PATH = f"/v3/ai-flows/{FLOW_ID}/call"
VALID = {"billingDevice": "e2", "toPhoneNumber": "+4915790000687"}


@pytest.fixture
def sipgate() -> Iterator[FakeSipgate]:
    with FakeSipgate(token=TOKEN, ai_flow_id=FLOW_ID) as fake:
        yield fake


def post(
    sipgate: FakeSipgate,
    path: str = CALL_PATH,
    body: object = VALID,
    *,
    token: str = TOKEN,
    content_type: str = "application/json",
) -> int:
    request = urllib.request.Request(  # noqa: S310 - the fake on loopback
        sipgate.url + path,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def test_a_valid_call_request_is_placed_and_recorded(sipgate: FakeSipgate) -> None:
    assert post(sipgate) == 201
    [request] = sipgate.received
    assert (request.method, request.path, request.body) == ("POST", CALL_PATH, VALID)
    assert request.to_phone_number == "4915790000687"
    assert sipgate.rang() == ["4915790000687"]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"token": "wrong"}, 401),
        ({"path": "/v3/ai-flows/another-flow/call"}, 404),
        ({"path": "/v2/somewhere-else"}, 404),
        ({"body": {"toPhoneNumber": "+4915790000687"}}, 400),
        ({"body": {"billingDevice": "e2", "toPhoneNumber": "not a number"}}, 400),
        ({"body": ["not", "an", "object"]}, 400),
        ({"content_type": "text/plain"}, 400),
    ],
    ids=["wrong-token", "unknown-flow", "unknown-path", "no-billing-device", "bad-number", "not-an-object", "not-json"],
)
def test_what_sipgate_refuses_is_refused_and_places_no_call(
    sipgate: FakeSipgate, change: dict[str, object], status: int
) -> None:
    assert post(sipgate, **change) == status  # type: ignore[arg-type]
    assert [request.status for request in sipgate.received] == [status]
    assert sipgate.rang() == []


def test_the_sdk_client_is_what_the_fake_accepts(sipgate: FakeSipgate) -> None:
    with OutboundClient(TOKEN, base_url=sipgate.url, max_retries=0, default_country="49") as client:
        placed = client.call(ai_flow_id=FLOW_ID, billing_device="e2", to_phone_number="0157 90000687")

    assert placed.status_code == 201
    assert sipgate.numbers() == ["4915790000687"]


def test_replies_come_in_order_and_the_last_one_repeats(sipgate: FakeSipgate) -> None:
    sipgate.script(Reply(503), rings_then(502), Reply())

    statuses = [post(sipgate) for _ in range(4)]

    assert statuses == [503, 502, 201, 201]
    assert sipgate.rang() == ["4915790000687"] * 3, "a 5xx after the ringing placed the call; a plain 503 did not"


def test_a_script_for_one_number_goes_first_and_ends_when_cleared(sipgate: FakeSipgate) -> None:
    other = {**VALID, "toPhoneNumber": "+4915790000001"}
    sipgate.script(Reply(503), to="+49 1579 0000687")

    assert (post(sipgate), post(sipgate, body=other)) == (503, 201)
    sipgate.script(to="4915790000687")
    assert post(sipgate) == 201


def test_a_dropped_connection_places_the_call_but_answers_nothing(sipgate: FakeSipgate) -> None:
    sipgate.script(Reply(DROPPED))

    with pytest.raises(http.client.RemoteDisconnected):
        post(sipgate)

    assert sipgate.rang() == ["4915790000687"]


def test_take_received_hands_over_the_requests_once(sipgate: FakeSipgate) -> None:
    post(sipgate)
    post(sipgate)

    assert len(sipgate.take_received()) == 2
    assert sipgate.take_received() == []
    assert sum(sipgate.calls_per_second().values()) == 0


SMS_PATH = "/v2/sessions/sms"
SMS = {"smsId": "s0", "recipient": "+4915790000687", "message": "Hi"}


@pytest.mark.parametrize(
    ("body", "token", "content_type", "status"),
    [
        pytest.param(SMS, TOKEN, "application/json", 204, id="valid"),
        pytest.param(SMS, "wrong", "application/json", 401, id="token"),
        pytest.param(SMS, TOKEN, "text/plain", 415, id="not-json"),
        pytest.param({**SMS, "smsId": "s1"}, TOKEN, "application/json", 403, id="other-extension"),
        pytest.param({**SMS, "recipient": "abc"}, TOKEN, "application/json", 400, id="bad-recipient"),
        pytest.param({**SMS, "message": " "}, TOKEN, "application/json", 400, id="empty-message"),
    ],
)
def test_the_sms_endpoint_checks_the_token_and_the_body(
    sipgate: FakeSipgate, body: dict[str, str], token: str, content_type: str, status: int
) -> None:
    assert post(sipgate, SMS_PATH, body, token=token, content_type=content_type) == status
    assert sipgate.texts_per_recipient() == ({"4915790000687": 1} if status == 204 else {})
    assert sipgate.rang() == []  # a text is no call
