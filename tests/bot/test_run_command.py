"""`sportello run` as a process, against a local HTTP server playing a failing Bot API: the token
never appears in what it prints, each failure is one line with an exit code of its own, an
unreachable API is retried, and SIGTERM or Ctrl-C always end it cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.cli import (
    EXIT_CRASH,
    EXIT_OK,
    EXIT_TOKEN_REFUSED,
    EXIT_UNREACHABLE,
    main,
)
from bot.testing.local_api import BOT_USER

TOKEN = "0:not-a-real-token"
SECRET = TOKEN.partition(":")[2]
ROOT = Path(__file__).resolve().parents[2]
WAIT = 60
"""Seconds a process may take to start and answer, on a slow, busy machine."""

Reply = tuple[int, str, bytes]
Behaviour = Callable[[str, str], Reply]
"""(method, path) -> (status, content type, body)."""


def api_error(code: int, description: str) -> Reply:
    body = {"ok": False, "error_code": code, "description": description}
    return code, "application/json", json.dumps(body).encode()


def api_ok(result: object) -> Reply:
    return 200, "application/json", json.dumps({"ok": True, "result": result}).encode()


def refusing(method: str, path: str) -> Reply:
    return api_error(401, "Unauthorized")


def html_404(method: str, path: str) -> Reply:
    return 404, "text/html", f"<html><body><h1>Not Found</h1><p>{path}</p></body></html>".encode()


def failing_500(method: str, path: str) -> Reply:
    return api_error(500, f"Internal Server Error while serving {path}")


def working_until(get_updates: Behaviour) -> Behaviour:
    """A Bot API that works, except getUpdates."""
    def behave(method: str, path: str) -> Reply:
        if method == "getMe":
            return api_ok(BOT_USER)
        if method == "getUpdates":
            return get_updates(method, path)
        return api_ok(True)

    return behave


class FakeBotAPI(ThreadingHTTPServer):
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.methods: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeBotAPI

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        method = self.path.rsplit("/", 1)[-1]
        self.server.methods.append(method)
        status, kind, body = self.server.behaviour(method, self.path)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.fixture
def fake_api() -> Iterator[Callable[[Behaviour], FakeBotAPI]]:
    servers: list[FakeBotAPI] = []

    def start(behaviour: Behaviour) -> FakeBotAPI:
        server = FakeBotAPI(behaviour)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    """A port nobody listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Run:
    """`python -m bot run` in a process, its stdout and stderr read together as they come."""

    def __init__(self, base_url: str, tmp_path: Path, level: str = "INFO") -> None:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TELEGRAM_", "SPORTELLO_"))}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url,
                   SPORTELLO_DB=str(tmp_path / "sportello.db"), SPORTELLO_LOG_LEVEL=level,
                   PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def wait_for(self, text: str) -> None:
        with self._changed:
            self._changed.wait_for(lambda: any(text in line for line in self.lines)
                                   or self.process.poll() is not None, timeout=WAIT)
        assert any(text in line for line in self.lines), self.output

    def end(self, signum: int | None = None) -> int:
        if signum is not None:
            self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=WAIT)
        finally:
            self.process.kill()
        self._reader.join(timeout=WAIT)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def assert_clean(self) -> None:
        assert TOKEN not in self.output
        assert SECRET not in self.output
        assert "still running" not in self.output


@pytest.mark.parametrize("behaviour", [refusing, html_404], ids=["401", "404 html"])
def test_a_token_refused_at_start_is_one_line_and_its_own_exit_code(
        fake_api: Callable[[Behaviour], FakeBotAPI], tmp_path: Path,
        behaviour: Behaviour) -> None:
    server = fake_api(behaviour)
    run = Run(server.url, tmp_path, level="DEBUG")
    assert run.end() == EXIT_TOKEN_REFUSED
    run.assert_clean()
    assert (f"the Bot API at {server.url} refused the token: check TELEGRAM_BOT_TOKEN\n"
            in run.output)  # at DEBUG, the database's thread may log around it


@pytest.mark.parametrize(("behaviour", "signum"), [(failing_500, signal.SIGTERM),
                                                   (None, signal.SIGINT)],
                         ids=["500 with the URL, SIGTERM", "nobody listening, Ctrl-C"])
def test_an_unreachable_api_at_start_is_retried_until_stopped(
        fake_api: Callable[[Behaviour], FakeBotAPI], tmp_path: Path,
        behaviour: Behaviour | None, signum: int) -> None:
    url = fake_api(behaviour).url if behaviour else f"http://127.0.0.1:{free_port()}"
    run = Run(url, tmp_path)
    run.wait_for(f"cannot reach the Bot API at {url}")
    run.wait_for("retrying in 2 s")  # the second attempt waits longer
    assert run.end(signum) == EXIT_UNREACHABLE
    run.assert_clean()
    assert run.lines[-1] == (f"stopped before the Bot API at {url} could be reached: check "
                             "the network (or TELEGRAM_API_BASE_URL)\n")
    assert "Traceback" not in run.output


def test_a_token_refused_while_running_stops_the_bot(
        fake_api: Callable[[Behaviour], FakeBotAPI], tmp_path: Path) -> None:
    server = fake_api(working_until(refusing))
    run = Run(server.url, tmp_path)
    assert run.end() == EXIT_TOKEN_REFUSED
    run.assert_clean()
    assert "Sportello is running" in run.output
    assert run.lines[-1].startswith(f"the Bot API at {server.url} refused the token")
    assert "Traceback" not in run.output
    assert {"getMe", "setMyCommands", "deleteWebhook", "getUpdates"} <= set(server.methods)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_polling_that_fails_is_retried_and_a_stop_is_clean(
        fake_api: Callable[[Behaviour], FakeBotAPI], tmp_path: Path, signum: int) -> None:
    server = fake_api(working_until(failing_500))
    run = Run(server.url, tmp_path)
    run.wait_for("retrying in 2 s")
    assert run.end(signum) == EXIT_OK
    run.assert_clean()
    assert "Traceback" not in run.output
    assert "INFO bot.runner: stopping" in run.output
    assert run.lines[-1].endswith("Application.stop() complete\n")
    assert "Internal Server Error while serving /bot<token>/getUpdates" in run.output


def test_an_unexpected_crash_prints_a_traceback_without_the_token(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    async def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"unexpected, while calling /bot{TOKEN}/getMe")

    monkeypatch.setattr("bot.runner.serve", crash)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SPORTELLO_DB", str(tmp_path / "sportello.db"))
    assert main(["run"]) == EXIT_CRASH
    captured = capsys.readouterr()
    assert "Traceback" in captured.err
    assert "RuntimeError: unexpected, while calling /bot<token>/getMe" in captured.err
    assert TOKEN not in captured.err + captured.out
    assert SECRET not in captured.err + captured.out
