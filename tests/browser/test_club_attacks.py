"""Attacks on a real `loadwatch dashboard --club` with a bare websocket client speaking
Streamlit's protocol (issue #21): clear_cache must not split the database, anonymous uploads
are refused before their body is read, uploads are capped, a borrowed session id is not a
login, downloads need a live login, and the metrics endpoint does not answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from loadwatch import services
from tests.browser.conftest import _free_port, wait_until_healthy
from tests.browser.stclient import StreamlitClient, client_cookie
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PASSWORDS = {"root": "root-violet-lamp", "ana": "ana-river-kettle-9", "ben": "ben-orange-tram-4"}


@pytest.fixture
def club(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """`loadwatch dashboard --club` on a fresh club.db with root, ana and ben; returns the
    base URL. The database path is `tmp_path / "club.db"`."""
    db = tmp_path / "club.db"
    engine = services.open_database(f"sqlite:///{db}")
    services.add_user(engine, "root", "admin", PASSWORDS["root"])
    services.add_user(engine, "ana", "runner", PASSWORDS["ana"])
    services.add_user(engine, "ben", "runner", PASSWORDS["ben"])
    engine.dispose()
    procs: list[subprocess.Popen[bytes]] = []

    def start(*extra: str, env: dict[str, str] | None = None) -> str:
        port = _free_port()
        log = (tmp_path / f"club-{port}.log").open("wb")
        command = [sys.executable, "-m", "loadwatch", "--db", str(db), "dashboard", "--club"]
        command += ["--host", "127.0.0.1", "--port", str(port), *extra]
        procs.append(
            subprocess.Popen(
                command, cwd=ROOT, env=env or os.environ, stdout=log, stderr=subprocess.STDOUT
            )
        )
        return wait_until_healthy(f"http://127.0.0.1:{port}", log.name)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=20)


def _cli(db: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "loadwatch", "--db", str(db), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def _log_in(client: StreamlitClient, name: str, password: str) -> list[str]:
    form = client.run()
    assert form.shows_login_form, form.texts
    shown = client.run(
        {form.widgets["Username"]: name, form.widgets["Password"]: password},
        click=form.submit_buttons["Log in"],
    )
    return shown.texts


def _put(base: str, session_id: str, data: bytes, cookie: str = "") -> tuple[int, bool]:
    """PUT one file to Streamlit's upload route, over a raw socket: the status, and whether the
    server answered before the body was sent (a refusal that never read it)."""
    xsrf = next(
        (c.split("=", 1)[1] for c in cookie.split("; ") if c.startswith("_streamlit_xsrf=")), ""
    )
    boundary = "lwboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.gpx"\r\n'
            "Content-Type: application/gpx+xml\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    host, port = base.removeprefix("http://").split(":")
    head = (
        f"PUT /_stcore/upload_file/{session_id}/{os.urandom(8).hex()} HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\nCookie: {cookie}\r\nX-Xsrftoken: {xsrf}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head)
        sock.settimeout(2.0)
        try:
            answer = sock.recv(4096)
            early = True
        except TimeoutError:
            sock.settimeout(30)
            sock.sendall(body)
            answer = sock.recv(4096)
            early = False
    return int(answer.split(b" ", 2)[1]), early


def test_clear_cache_does_not_split_the_database(club, tmp_path: Path) -> None:
    base = club()
    db = tmp_path / "club.db"
    attacker = StreamlitClient(base)
    first = attacker.run()
    attacker.clear_cache()  # the anonymous message that rebuilt the engine
    _log_in(attacker, "nobody", "wrong-password")
    assert first.shows_login_form
    _cli(db, "user", "list")  # used to checkpoint and delete the WAL under the dashboard
    assert Path(f"{db}-wal").exists(), "a CLI command removed the WAL the dashboard uses"
    _cli(db, "user", "disable", "ana")
    ana = StreamlitClient(base, cookie=client_cookie(base))
    shown = _log_in(ana, "ana", PASSWORDS["ana"])
    assert any("disabled" in t for t in shown), shown
    attacker.close()
    ana.close()


def test_an_anonymous_upload_is_refused_before_it_is_read(club) -> None:
    base = club()
    cookie = client_cookie(base)
    anonymous = StreamlitClient(base, cookie=cookie)
    anonymous.run()
    assert anonymous.session_id
    assert _put(base, anonymous.session_id, b"x" * 500_000, cookie) == (403, True)
    anonymous.close()


def test_uploads_are_capped_per_session(club) -> None:
    base = club("--max-upload-mb", "1")
    cookie = client_cookie(base)
    runner = StreamlitClient(base, cookie=cookie)
    _log_in(runner, "ana", PASSWORDS["ana"])
    part = b"<gpx>" + b" " * 900_000 + b"</gpx>"
    assert _put(base, runner.session_id, part, cookie) == (204, False)
    assert _put(base, runner.session_id, part, cookie) == (204, False)
    assert _put(base, runner.session_id, part, cookie) == (413, True)  # two files' worth held
    assert _put(base, runner.session_id, b"x" * 1_200_000, cookie) == (413, True)  # one file's cap
    runner.close()


def test_a_borrowed_session_id_gets_the_login_form(club) -> None:
    base = club()
    owner_cookie = client_cookie(base)
    owner = StreamlitClient(base, cookie=owner_cookie)
    shown = _log_in(owner, "ana", PASSWORDS["ana"])
    assert any("Logged in as" in t for t in shown), shown
    stolen = owner.session_id
    for cookie in (None, client_cookie(base)):  # no cookie, and another browser's
        thief = StreamlitClient(base, cookie=cookie, resume=stolen)
        seen = thief.run()
        assert seen.shows_login_form and not seen.says("Logged in as"), seen.texts
        assert _put(base, stolen, b"<gpx></gpx>", cookie or "") == (403, True)
        thief.close()
    owner.close()
    # After the owner's tab closed without logging out, the id still opens nothing.
    thief = StreamlitClient(base, resume=stolen)
    assert thief.run().shows_login_form
    thief.close()


def test_downloads_and_metrics_need_a_login(club) -> None:
    base = club()
    for path in ("/media/0123456789abcdef.zip", "/_stcore/metrics"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + path, timeout=10)  # noqa: S310
        assert refused.value.code in (403, 404)


def test_a_login_flood_does_not_hold_the_write_lock(club, tmp_path: Path) -> None:
    """Wrong logins from several anonymous clients while the server shell writes: Argon2 (the
    server's real profile) runs outside the write transaction, so the write does not queue
    behind the flood (issue #21: CLI writes took 2.6-7.6 s behind 12 clients)."""
    import threading
    import time

    real_hashing = {k: v for k, v in os.environ.items() if k != "LOADWATCH_ARGON2_PROFILE"}
    base = club(env=real_hashing)
    clients = [StreamlitClient(base) for _ in range(6)]
    forms = [c.run() for c in clients]

    def flood(client: StreamlitClient, form) -> None:
        for i in range(2):
            client.run(
                {form.widgets["Username"]: f"nobody{i}", form.widgets["Password"]: "wrong-one"},
                click=form.submit_buttons["Log in"],
            )

    threads = [
        threading.Thread(target=flood, args=pair) for pair in zip(clients, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # the flood is hashing now
    engine = services.open_database(f"sqlite:///{tmp_path / 'club.db'}")
    waits = []
    for _ in range(3):
        started = time.monotonic()
        services.disable_user(engine, "ben")
        waits.append(time.monotonic() - started)
    engine.dispose()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    assert max(waits) < 1.0, f"writes waited {waits} s behind the login flood"
