"""A TCP proxy on loopback that puts faults on the wire between a client and a real server.

``FaultyProxy(target_port)`` forwards every connection to ``127.0.0.1:target_port`` while ``mode`` is
``"forward"``; set ``mode`` at any time to change what connections meet:

- ``"refuse"``: a new connection is accepted and closed at once (the client sees a reset / empty reply);
- ``"hang"``: nothing more is answered (the client's read timeout decides);
- ``"delay"``: forwarded, each chunk from the server held back by ``delay`` seconds;
- ``"latency"``: forwarded, each answer held back by ``delay`` seconds once (the first chunk the server
  sends after each chunk of request), so a call takes ``delay`` longer however its answer is chunked.

``hang``, ``delay`` and ``latency`` also reach connections opened before the change (a client's pooled
keep-alive connections), as a slow or stuck server would. The proxy counts new connections per mode
(``connections``) and the answers each fault held back (``met``), so a test can see that the client
really met the fault.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import Counter
from typing import Literal

Mode = Literal["forward", "refuse", "hang", "delay", "latency"]


class FaultyProxy:
    def __init__(self, target_port: int, *, mode: Mode = "forward", delay: float = 0.0) -> None:
        self.target_port = target_port
        self.mode: Mode = mode
        self.delay = delay
        self.connections: Counter[str] = Counter()
        self.met: Counter[str] = Counter()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopped = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name=f"proxy-{self.port}", daemon=True)

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() below (close alone does not)
        self._listener.close()
        for held in self._held:
            with contextlib.suppress(OSError):
                held.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            mode = self.mode
            self.connections[mode] += 1
            if mode == "refuse":
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                client.close()
            elif mode == "hang":
                self.met["hang"] += 1
                self._held.append(client)
            else:
                threading.Thread(target=self._forward, args=(client,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            client.close()
            return
        for end in (client, server):  # pass each chunk on at once, as without the proxy
            end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._held.extend([client, server])
        asked = threading.Event()
        threading.Thread(target=_pipe, args=(client, server, asked), daemon=True).start()
        self._answer(server, client, asked)

    def _answer(self, server: socket.socket, client: socket.socket, asked: threading.Event) -> None:
        """Copy the server's answers to the client, through whatever fault ``mode`` is at each chunk."""
        try:
            while chunk := server.recv(65536):
                mode = self.mode
                if mode == "hang":
                    self.met["hang"] += 1
                    self._stopped.wait()  # never answered; the client gives up
                    return
                if mode == "delay" or (mode == "latency" and asked.is_set()):
                    asked.clear()
                    self.met[mode] += 1
                    time.sleep(self.delay)
                client.sendall(chunk)
        except OSError:
            pass
        finally:
            _close(server, client)


def _pipe(source: socket.socket, sink: socket.socket, asked: threading.Event) -> None:
    """Copy the client's requests to the server; ``asked`` is set as each chunk goes (``latency`` counts on it)."""
    try:
        while chunk := source.recv(65536):
            asked.set()
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        _close(source, sink)


def _close(*ends: socket.socket) -> None:
    for end in ends:
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
