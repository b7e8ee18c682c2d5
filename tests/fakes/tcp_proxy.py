"""A loopback TCP proxy in front of PostgreSQL that a test can cut, stall and restore.

Two ways a database fails, as the service sees them:

- `cut` (refuse): every open connection drops mid-conversation and new ones
  are closed as soon as they are accepted, until `restore`. A stopped server.
- `stall`: connections stay open and new ones are accepted, but nothing is
  forwarded either way until `restore`; then the held bytes go through, so
  work that was waiting finishes late. A frozen server, or a pooler waiting
  for a backend. The kernel still acknowledges every byte, so TCP keepalives
  and tcp_user_timeout see a healthy peer: only a client-side deadline helps.

Loopback only, threads only, stops with `close`.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._up = True
        self._closed = False
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        # Cleared while stalled: every pump and every new connection waits on it.
        self._flowing = threading.Event()
        self._flowing.set()
        threading.Thread(target=self._accept, daemon=True, name="tcp-proxy").start()

    def cut(self) -> None:
        """Drop every connection now; refuse new ones until `restore`."""
        with self._lock:
            self._up = False
            for sock in self._open:
                _close(sock)
            self._open.clear()
        self._flowing.set()  # held pumps wake, find their sockets closed, and end

    def stall(self) -> None:
        """Keep every connection open and accept new ones, forwarding nothing
        until `restore`."""
        with self._lock:
            self._up = True
        self._flowing.clear()

    def restore(self) -> None:
        with self._lock:
            self._up = True
        self._flowing.set()

    def close(self) -> None:
        self._closed = True
        self.cut()
        _close(self._listener)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                up = self._up
                if up:
                    self._open.append(client)
            if not up:
                _close(client)
                continue
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        """Reach the server for one accepted client (not before a stall ends)."""
        self._flowing.wait()
        with self._lock:
            up = self._up and client in self._open
        if not up:
            _close(client)
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            _close(client)
            return
        upstream.settimeout(None)
        with self._lock:
            self._open.append(upstream)
        for src, dst in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                self._flowing.wait()  # stalled: hold what was read, read no more
                dst.sendall(data)
        except OSError:
            pass
        finally:
            _close(src)
            _close(dst)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
