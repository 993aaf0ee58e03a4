"""Single instance: a second start with a FILE hands it to the running app, which opens it."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QDir, QEvent  # noqa: E402
from PySide6.QtGui import QFileOpenEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from mission_desktop.gui import single_instance as si  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def unique_name() -> str:
    return f"mission-desktop-test-{uuid.uuid4().hex[:12]}"


SENDER = (
    "import sys; from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]); "
    "from mission_desktop.gui.single_instance import send_to_running; "
    "print(send_to_running(sys.argv[1], sys.argv[2]))"
)


def env_here() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def start_sender(name: str, path, cwd=None) -> subprocess.Popen:
    """A second start, as in real life: another process runs ``send_to_running``."""
    return subprocess.Popen(
        [sys.executable, "-c", SENDER, name, str(path)],
        env=env_here(),
        cwd=cwd,
        stdout=subprocess.PIPE,
        text=True,
    )


def finish(qtbot, child: subprocess.Popen) -> str:
    """Serve (process events) until the child exits; its output."""
    try:
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=60000)
    finally:
        if child.poll() is None:
            child.kill()
    out, _ = child.communicate()
    return out.strip()


def send_raw_in_thread(name: str, payload: bytes) -> dict:
    """Hostile bytes to the server's Unix socket, from a thread (the server answers meanwhile)."""
    result: dict = {}

    def work():
        raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        raw.settimeout(10)
        raw.connect(str(Path(QDir.tempPath()) / name))
        result["connected"] = True
        try:
            raw.sendall(payload)
            result["reply"] = raw.recv(100)  # b"" once the server drops the connection
        except OSError as e:  # the server may drop it mid-flood
            result["reply"] = e
        raw.close()

    result["thread"] = threading.Thread(target=work)
    result["thread"].start()
    return result


def wait_done(qtbot, result: dict) -> None:
    qtbot.waitUntil(lambda: not result["thread"].is_alive(), timeout=15000)


@pytest.fixture
def server(qtbot):
    received: list[str] = []
    s = si.InstanceServer(unique_name())
    s.file_received.connect(received.append)
    assert s.listen()
    s.received = received  # type: ignore[attr-defined]
    yield s
    s.close()


def test_second_start_hands_its_file_to_the_running_one(qtbot, server, tmp_path):
    path = tmp_path / "care homes.mission.json"
    assert finish(qtbot, start_sender(server.name, path)) == "True"
    qtbot.waitUntil(lambda: server.received == [str(path)], timeout=5000)


def test_a_relative_path_arrives_absolute(qtbot, server, tmp_path):
    assert finish(qtbot, start_sender(server.name, "x.mission.json", cwd=tmp_path)) == "True"
    qtbot.waitUntil(lambda: server.received == [str(tmp_path / "x.mission.json")], timeout=5000)


def test_no_running_app_means_this_start_opens_the_file(qtbot, tmp_path):
    assert si.send_to_running(unique_name(), tmp_path / "a.mission.json", timeout_ms=500) is False


def test_a_second_server_under_a_live_name_steps_aside(qtbot, server):
    other = si.InstanceServer(server.name)
    assert other.listen() is False
    assert server.is_listening()


@pytest.mark.skipif(os.name != "posix", reason="a Unix socket file left by a crashed app")
def test_a_socket_left_by_a_crashed_app_is_taken_over(qtbot):
    name = unique_name()
    stale = Path(QDir.tempPath()) / name
    raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    raw.bind(str(stale))  # bound, never listening, never removed: what a crash leaves
    raw.close()
    assert stale.exists()
    s = si.InstanceServer(name)
    try:
        assert s.listen() is True
    finally:
        s.close()


@pytest.mark.skipif(os.name != "posix", reason="raw bytes through the Unix socket")
@pytest.mark.parametrize(
    "payload",
    [
        b"not json\n",
        b'{"open": 3}\n',
        b'["open", "/x"]\n',
        b'{"open": ""}\n',
        b'{"open": "/a\\u0000b"}\n',
        b"\xff\xfe\n",
        b"x" * (si.MAX_MESSAGE + 10),
    ],
    ids=["text", "number", "list", "empty", "nul", "bytes", "flood"],
)
def test_hostile_messages_are_dropped_and_the_server_keeps_serving(qtbot, server, payload, tmp_path):
    bad = send_raw_in_thread(server.name, payload)
    wait_done(qtbot, bad)
    assert bad["connected"]
    assert bad["reply"] != si.ACK  # dropped without an answer
    assert server.received == []
    assert finish(qtbot, start_sender(server.name, tmp_path / "ok.mission.json")) == "True"
    qtbot.waitUntil(lambda: len(server.received) == 1, timeout=5000)
    assert server.received == [str(tmp_path / "ok.mission.json")]


def test_decode_request():
    assert si.decode_request(si.encode_request("/tmp/a b.mission.json").strip()) == (
        os.path.abspath("/tmp/a b.mission.json")
    )
    assert si.decode_request(b"{}") is None
    assert si.decode_request(b'{"open": null}') is None


def test_serve_opens_the_file_and_raises_the_window(qtbot, tmp_path):
    window = QWidget()
    qtbot.addWidget(window)
    opened: list[str] = []
    s = si.serve(unique_name(), window, opened.append)
    try:
        assert s.is_listening()
        window.showMinimized()
        assert finish(qtbot, start_sender(s.name, tmp_path / "a.mission.json")) == "True"
        qtbot.waitUntil(lambda: opened == [str(tmp_path / "a.mission.json")], timeout=5000)
        assert window.isVisible() and not window.isMinimized()
    finally:
        s.close()


def test_macos_file_open_events_open_the_file(qtbot, server):
    app = QApplication.instance()
    app.installEventFilter(server)
    try:
        event = QFileOpenEvent("/tmp/from-finder.mission.json")
        assert event.type() == QEvent.Type.FileOpen
        QApplication.sendEvent(app, event)
    finally:
        app.removeEventFilter(server)
    assert server.received == ["/tmp/from-finder.mission.json"]


def test_server_name_is_per_library_and_stable(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert si.server_name(a) == si.server_name(a)
    assert si.server_name(a) != si.server_name(b)
    assert len(si.server_name(a)) < 60  # fits a Unix socket path under the temp folder


def test_app_main_with_a_file_hands_it_over_and_exits_0(qtbot, tmp_path):
    """The real start-up path: ``mission-desktop FILE`` in a new process, while this
    process is the running app over the same library."""
    data = tmp_path / "data"
    data.mkdir()
    window = QWidget()
    qtbot.addWidget(window)
    opened: list[str] = []
    s = si.serve(si.server_name(data), window, opened.append)
    target = ROOT / "scenarios" / "hospital_discharge.mission.json"
    env = dict(env_here(), MISSION_DESKTOP_DATA_DIR=str(data))
    code = "import sys; from mission_desktop.gui.app import main; sys.exit(main(sys.argv[1:]))"
    child = subprocess.Popen([sys.executable, "-c", code, str(target)], env=env, cwd=tmp_path)
    try:
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=60000)
        assert child.returncode == 0
        qtbot.waitUntil(lambda: opened == [str(target)], timeout=5000)
        assert not (data / "library.sqlite").exists()  # the second start opened nothing
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        s.close()
