"""A tiny TCP proxy on 127.0.0.1 for fault injection and byte counting (tests and benchmarks).

``cut_after``: once the server has sent that many bytes on a connection, both sides are closed
(a connection dropped mid-response). With ``cut_on`` set (a request prefix such as
``b"POST /v1/push"``), only a connection carrying such a request is cut, ``cuts_left`` times.
``on_request(data)`` is called after a client->server chunk has been forwarded (e.g. to SIGKILL
the server while it handles that request). Bytes in each direction are counted.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable


class TcpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port: int = self.sock.getsockname()[1]
        self.cut_after: int | None = None  # server->client bytes per connection before cutting
        self.cut_on: bytes | None = None
        self.cuts_left = 0
        self.on_request: Callable[[bytes], None] | None = None
        self.cuts = 0
        self.bytes_up = 0    # client -> server
        self.bytes_down = 0  # server -> client
        self._lock = threading.Lock()
        self._closed = False
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset_counts(self) -> None:
        with self._lock:
            self.bytes_up = self.bytes_down = 0

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._conns += [client, upstream]
            budget: list[int | None] = [None if self.cut_on else self.cut_after]
            threading.Thread(target=self._pipe, args=(client, upstream, True, budget), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False, budget), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, up: bool, budget: list[int | None]) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if up and self.cut_on is not None and data.startswith(self.cut_on):
                    with self._lock:
                        if self.cuts_left > 0:
                            self.cuts_left -= 1
                            budget[0] = self.cut_after
                if not up and budget[0] is not None:
                    if len(data) >= budget[0]:
                        dst.sendall(data[: budget[0]])
                        with self._lock:
                            self.bytes_down += budget[0]
                            self.cuts += 1
                        break
                    budget[0] -= len(data)
                dst.sendall(data)
                if up and self.on_request is not None:
                    self.on_request(data)
                with self._lock:
                    if up:
                        self.bytes_up += len(data)
                    else:
                        self.bytes_down += len(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def close(self) -> None:
        self._closed = True
        self.sock.close()
        with self._lock:
            for s in self._conns:
                with contextlib.suppress(OSError):
                    s.close()
