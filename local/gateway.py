"""API Gateway on loopback: HTTP requests in, HTTP API payload 2.0 events to the function, responses out.

Routes come from the functions' ``HttpApi`` events in ``template.yaml`` (and the stack's example route,
``local/example.py``); each request becomes the event the HTTP API would send (``aiflow.testing.http_api_event``)
and is answered with the proxy result the function returns, or ``500`` when the function fails, as API
Gateway does.
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from aiflow.testing import http_api_event
from local.lambda_runtime import InvocationError

MAX_BODY_BYTES = 10 * 1024 * 1024  # HTTP API's payload limit


class Function(Protocol):
    """What a route invokes: a :class:`~local.lambda_runtime.LocalFunction`, or the example in this process."""

    def invoke(self, event: Any) -> Any:
        """The proxy result for ``event``; raises :class:`InvocationError` when the function fails."""
        ...


class LocalGateway:
    """Serves ``routes`` (``(method, path) -> function``) on a free loopback port."""

    def __init__(self, routes: dict[tuple[str, str], Function]) -> None:
        self.routes = routes
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                gateway._serve(self, "GET")

            def do_POST(self) -> None:
                gateway._serve(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the functions log what matters."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-gateway", daemon=True)

    def start(self) -> str:
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, request: BaseHTTPRequestHandler, method: str) -> None:
        path = request.path.split("?", 1)[0]
        function = self.routes.get((method, path))
        length = int(request.headers.get("Content-Length") or 0)
        if function is None:
            self._reply(request, 404, {"content-type": "application/json"}, json.dumps({"message": "Not Found"}))
            return
        if length > MAX_BODY_BYTES:
            self._reply(request, 413, {"content-type": "application/json"}, json.dumps({"message": "Too Large"}))
            return
        raw = request.rfile.read(length)
        headers = dict(request.headers.items())
        try:
            body, encoded = raw.decode("utf-8"), False
        except UnicodeDecodeError:
            body, encoded = base64.b64encode(raw).decode("ascii"), True  # as HTTP API does for binary bodies
        event = http_api_event(body, headers, path=path, method=method)
        event["isBase64Encoded"] = encoded
        try:
            result = function.invoke(event)
        except InvocationError:
            self._reply(request, 500, {"content-type": "application/json"}, '{"message":"Internal Server Error"}')
            return
        response_body = result.get("body") or ""
        if result.get("isBase64Encoded"):
            response_body = base64.b64decode(response_body).decode("utf-8")
        self._reply(request, int(result["statusCode"]), result.get("headers") or {}, response_body)

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: str) -> None:
        payload = body.encode("utf-8")
        request.send_response(status)
        for name, value in headers.items():
            if name.lower() != "content-length":
                request.send_header(name, value)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)
