"""A TCP proxy on the loopback interface that stands in for a database server and can play its
restart: drop every open connection, refuse new ones for a while, then accept again."""

import contextlib
import socket
import threading


class RestartableProxy:
    """Forwards 127.0.0.1:``port`` to 127.0.0.1:``upstream_port``, one thread per direction."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.port = 0
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.acceptor: threading.Thread | None = None

    def start(self) -> int:
        """Listen (on a free port the first time, the same port after) and return the port."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self.listener = listener
        self.acceptor = threading.Thread(target=self.accept, args=(listener,), daemon=True)
        self.acceptor.start()
        return self.port

    def go_down(self) -> None:
        """Stop listening (new connections are refused) and close every open connection."""
        listener, self.listener = self.listener, None
        if listener is not None:
            self.acceptor.join()
            listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def restart(self) -> None:
        """A restart between two requests: every connection dropped, new ones accepted."""
        self.go_down()
        self.start()

    def accept(self, listener: socket.socket) -> None:
        while self.listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            client.settimeout(None)
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self.pump, args=(source, target), daemon=True).start()

    def pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            # One side has closed: close the other, which also ends the opposite pump.
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            with self.lock:
                self.sockets -= {source, target}
