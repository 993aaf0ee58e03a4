"""A real Dask cluster on this machine for tests and benchmarks: a `dask scheduler` and
`dask worker` processes on 127.0.0.1 with ports of their own, ended afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: generous liveness limits (never a timing assertion): how long a process may take to start
START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"
    env.pop("QT_QPA_PLATFORM", None)
    return env


class LocalCluster:
    """``with LocalCluster(workers=2) as cluster:`` — ``cluster.address`` for a client,
    ``cluster.workers`` the worker processes (each runs its tasks itself: no nanny)."""

    def __init__(self, workers: int = 2, log_dir: Path | None = None) -> None:
        self.n = workers
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.log_dir = log_dir
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen:
        out = subprocess.DEVNULL
        if self.log_dir is not None:
            out = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            env=_env(),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def __enter__(self) -> LocalCluster:
        try:
            self.scheduler = self._spawn(
                [
                    "distributed.cli.dask_scheduler",
                    "--host", "127.0.0.1",
                    "--port", str(self.port),
                    "--no-dashboard",
                ],
                "scheduler",
            )
            for k in range(self.n):
                self.workers.append(
                    self._spawn(
                        [
                            "distributed.cli.dask_worker",
                            self.address,
                            "--host", "127.0.0.1",
                            "--worker-port", str(free_port()),
                            "--nthreads", "1",
                            "--no-nanny",
                            "--no-dashboard",
                            "--name", f"w{k}",
                        ],
                        f"worker{k}",
                    )
                )
            self.wait_for_workers(self.n)
        except BaseException:
            self.close()
            raise
        return self

    def wait_for_workers(self, n: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=START_TIMEOUT) as client:
            client.wait_for_workers(n, timeout=START_TIMEOUT)

    def kill_worker(self, k: int) -> None:
        proc = self.workers[k]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=START_TIMEOUT)

    def close(self) -> None:
        procs = [*self.workers, *([self.scheduler] if self.scheduler else [])]
        for proc in procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)

    def __exit__(self, *exc: object) -> None:
        self.close()
