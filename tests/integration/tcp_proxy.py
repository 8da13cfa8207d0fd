"""A TCP proxy on loopback that puts faults on the wire between a client and a real server.

``FaultyProxy(target_port)`` forwards every connection to ``127.0.0.1:target_port`` while ``mode`` is
``"forward"``; set ``mode`` at any time to change what new connections meet:

- ``"refuse"``: the connection is accepted and closed at once (the client sees a reset / empty reply);
- ``"hang"``: the connection is accepted and never answered (the client's read timeout decides);
- ``"delay"``: forwarded, each chunk from the server held back by ``delay`` seconds.

The proxy counts connections per mode, so a test can see that the client really met the fault.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import Counter
from typing import Literal

Mode = Literal["forward", "refuse", "hang", "delay"]


class FaultyProxy:
    def __init__(self, target_port: int, *, mode: Mode = "forward", delay: float = 0.0) -> None:
        self.target_port = target_port
        self.mode: Mode = mode
        self.delay = delay
        self.connections: Counter[str] = Counter()
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
        self._listener.close()
        for held in self._held:
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
                self._held.append(client)
            else:
                threading.Thread(target=self._forward, args=(client, mode), daemon=True).start()

    def _forward(self, client: socket.socket, mode: Mode) -> None:
        try:
            server = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            client.close()
            return
        delay = self.delay if mode == "delay" else 0.0
        threading.Thread(target=_pipe, args=(client, server, 0.0), daemon=True).start()
        _pipe(server, client, delay)


def _pipe(source: socket.socket, sink: socket.socket, delay: float) -> None:
    try:
        while chunk := source.recv(65536):
            if delay:
                time.sleep(delay)
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
