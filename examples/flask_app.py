"""The appointment assistant in Flask: ``POST /calls`` places a reminder call, ``/webhook`` answers it.

The webhook is the assistant's WSGI application, mounted next to Flask's routes with werkzeug's
``DispatcherMiddleware``: the same answers as on Lambda. Run it with any WSGI server::

    AIFLOW_WEBHOOK_TOKEN=... SIPGATE_TOKEN=... AI_FLOW_ID=... BILLING_DEVICE=e2 \\
        flask --app examples.flask_app:app_from_environment run

and set the AI Flow's webhook URL to ``https://<your host>/webhook``. Needs ``pip install flask
'aiflow-kit[outbound]'``.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from examples.appointment_assistant import create_assistant


def create_app(
    *, webhook_token: str, sipgate_token: str, ai_flow_id: str, billing_device: str, sipgate_base_url: str | None = None
) -> Flask:
    assistant = create_assistant(webhook_token=webhook_token, token=sipgate_token, base_url=sipgate_base_url)
    app = Flask(__name__)

    @app.post("/calls")
    def place_call() -> tuple[Any, int]:
        number = (request.get_json(silent=True) or {}).get("to_phone_number")
        if not isinstance(number, str):
            return jsonify(error="to_phone_number is required"), 400
        placed = assistant.call(ai_flow_id=ai_flow_id, billing_device=billing_device, to_phone_number=number)
        return jsonify(to_phone_number=placed.to_phone_number), 201

    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/webhook": assistant.wsgi})  # type: ignore[method-assign]
    return app


def app_from_environment() -> Flask:
    return create_app(
        webhook_token=os.environ["AIFLOW_WEBHOOK_TOKEN"],
        sipgate_token=os.environ["SIPGATE_TOKEN"],
        ai_flow_id=os.environ["AI_FLOW_ID"],
        billing_device=os.environ.get("BILLING_DEVICE", "e2"),
        sipgate_base_url=os.environ.get("SIPGATE_BASE_URL"),
    )
