"""One app per user and library: a second start with a FILE hands it to the running app.

Double-clicking a ``.mission.json`` starts ``mission-desktop FILE``. If an app is already
running over the same library, that start sends the file's absolute path to it over a
local socket (QLocalSocket: a user-only Unix socket, or a named pipe on Windows) and exits;
the running app opens the file in its window and raises it. On macOS the system sends a
running app a file-open event instead; :class:`InstanceServer` handles both the same way.

The message is one line of JSON, ``{"open": "/abs/path"}``, answered by ``ok``; anything
else is ignored (the socket is only reachable by the same user, but a bad line must not
crash the app).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

ACK = b"ok\n"
MAX_MESSAGE = 64 * 1024  # a path is far shorter; more than this is not a message of ours
TIMEOUT_MS = 3000


def server_name(data_folder: str | Path) -> str:
    """The socket's name for this user and this library folder (two libraries, two apps)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment (rare): the home folder will do
        user = str(Path.home())
    key = f"{user}\n{os.path.abspath(data_folder)}"
    return "mission-desktop-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def encode_request(path: str | Path) -> bytes:
    return (json.dumps({"open": os.path.abspath(path)}) + "\n").encode("utf-8")


def decode_request(data: bytes) -> str | None:
    """The path in one message line, or None if the line is not a request of ours."""
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    path = message.get("open") if isinstance(message, dict) else None
    return path if isinstance(path, str) and path and "\0" not in path else None


def send_to_running(name: str, path: str | Path, timeout_ms: int = TIMEOUT_MS) -> bool:
    """Hand ``path`` to the app listening as ``name``. True once that app has it; False if
    no app is listening (or it did not answer in time), so this start should open it."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    try:
        socket.write(encode_request(path))
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        reply = b""
        while True:  # the answer may already be in (read while writing): read, then wait
            reply += bytes(socket.readAll().data())
            if reply.endswith(b"\n") or len(reply) > len(ACK):
                break
            if not socket.waitForReadyRead(timeout_ms):
                break
        return reply == ACK
    finally:
        socket.abort()


class InstanceServer(QObject):
    """Listens as ``name``; emits :attr:`file_received` with each path a later start (or,
    on macOS, the system's file-open event) sends."""

    file_received = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening. False if another app already answers under this name; a
        socket left behind by an app that crashed is removed and taken over. (Asking
        first matters: on Unix Qt would replace a live app's socket, and on Windows a
        second pipe of the same name would be made.)"""
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(500):  # a live app: leave it be
            probe.abort()
            return False
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    def is_listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            buffer = bytearray()
            socket.readyRead.connect(lambda s=socket, b=buffer: self._read(s, b))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket, buffer: bytearray) -> None:
        buffer += bytes(socket.readAll().data())
        if b"\n" not in buffer:
            if len(buffer) > MAX_MESSAGE:
                socket.abort()
            return
        line = bytes(buffer[: buffer.index(b"\n")])
        buffer.clear()
        path = decode_request(line)
        if path is None:
            socket.abort()
            return
        socket.write(ACK)
        socket.flush()
        socket.disconnectFromServer()
        # after the answer, from the event loop: opening may ask about unsaved changes
        QTimer.singleShot(0, lambda: self.file_received.emit(path))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() == QEvent.Type.FileOpen:  # macOS: a file double-clicked in Finder
            path = event.file()  # type: ignore[attr-defined]
            if path:
                self.file_received.emit(path)
                return True
        return super().eventFilter(watched, event)


def bring_to_front(window: QWidget) -> None:
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


def serve(name: str, window: QWidget, open_file: Callable[[str], object]) -> InstanceServer:
    """Listen as ``name`` for the life of ``window``: each file received is opened with
    ``open_file`` and the window is raised. Also handles macOS file-open events."""
    server = InstanceServer(name, window)

    def received(path: str) -> None:
        bring_to_front(window)
        open_file(path)

    server.file_received.connect(received)
    server.listen()
    app = QApplication.instance()
    if app is not None and sys.platform == "darwin":  # file-open events exist only there
        app.installEventFilter(server)
    return server
