"""What the SDK's fakes of remote services share: an HTTP server on 127.0.0.1, on a port of its own, in a thread.

A fake (:class:`aiflow.testing.sipgate.FakeSipgate`, :class:`aiflow.testing.bedrock.FakeBedrock`) subclasses
:class:`LoopbackFake` and answers each request in ``_serve``; every request gets its own thread, so a reply
that hangs or comes late holds up nothing else, and :meth:`LoopbackFake.stop` ends their waits
(``_stopping``) before it closes the socket.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self

__all__ = ["LoopbackFake", "RequestHandler"]


class LoopbackFake:
    """A fake service at :attr:`url`; a context manager, or ``start()`` and ``stop()``.

    ``protocol_version`` is the HTTP version the fake answers with: ``"HTTP/1.1"`` keeps connections alive,
    as a service whose clients reuse them (botocore) does.
    """

    name: ClassVar[str] = "fake"
    protocol_version: ClassVar[str] = "HTTP/1.0"

    def __init__(self) -> None:
        self._stopping = threading.Event()  # set by stop(): ends the waits of hanging and late replies
        self._server = _Server(self)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name=self.name, daemon=True
        )

    def start(self) -> str:
        """Serve requests from now on; returns :attr:`url`, the base URL to give the client."""
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve(self, http: RequestHandler) -> None:
        """Answer one request (in its own thread)."""
        raise NotImplementedError


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's 5 refuses connections when 20 dialling threads connect at once

    def __init__(self, fake: LoopbackFake) -> None:
        super().__init__(("127.0.0.1", 0), RequestHandler)
        self.fake = fake


class RequestHandler(BaseHTTPRequestHandler):
    """One request to a fake: every method goes to the fake's ``_serve``, whose routes decide what each may do."""

    server: _Server

    def setup(self) -> None:
        super().setup()
        self.protocol_version = self.server.fake.protocol_version

    def do_POST(self) -> None:
        self.server.fake._serve(self)

    do_GET = do_PUT = do_PATCH = do_DELETE = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a fake records the requests it takes."""
