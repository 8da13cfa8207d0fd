"""The appointment assistant in FastAPI: ``POST /calls`` places a reminder call, ``/webhook`` answers it.

The webhook is the assistant's ASGI application, routed to as it is (``assistant.asgi``): the same
answers as on Lambda, async handlers awaited on the server's event loop. Run it with any ASGI server::

    AIFLOW_WEBHOOK_TOKEN=... SIPGATE_TOKEN=... AI_FLOW_ID=... BILLING_DEVICE=e2 \\
        uvicorn --factory examples.fastapi_app:app_from_environment

and set the AI Flow's webhook URL to ``https://<your host>/webhook``. Needs ``pip install fastapi uvicorn
'aiflow-kit[outbound]'``. On one server the in-memory session store is enough; with several workers use
a shared one (``DynamoDBSessionStore``).
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from pydantic import BaseModel
from starlette.routing import Route

from examples.appointment_assistant import create_assistant


class CallRequest(BaseModel):
    to_phone_number: str


class PlacedCallOut(BaseModel):
    to_phone_number: str


def create_app(
    *, webhook_token: str, sipgate_token: str, ai_flow_id: str, billing_device: str, sipgate_base_url: str | None = None
) -> FastAPI:
    assistant = create_assistant(webhook_token=webhook_token, token=sipgate_token, base_url=sipgate_base_url)
    app = FastAPI(title="Appointment reminders")

    @app.post("/calls", status_code=201)
    def place_call(request: CallRequest) -> PlacedCallOut:  # sync: FastAPI runs it in its thread pool
        placed = assistant.call(
            ai_flow_id=ai_flow_id, billing_device=billing_device, to_phone_number=request.to_phone_number
        )
        return PlacedCallOut(to_phone_number=placed.to_phone_number)

    app.router.routes.append(Route("/webhook", assistant.asgi, methods=["POST"]))
    return app


def app_from_environment() -> FastAPI:
    return create_app(
        webhook_token=os.environ["AIFLOW_WEBHOOK_TOKEN"],
        sipgate_token=os.environ["SIPGATE_TOKEN"],
        ai_flow_id=os.environ["AI_FLOW_ID"],
        billing_device=os.environ.get("BILLING_DEVICE", "e2"),
        sipgate_base_url=os.environ.get("SIPGATE_BASE_URL"),
    )
