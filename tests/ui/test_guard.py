"""The club guard as an ASGI middleware, driven directly (issue #21): the client cookie, a
borrowed session id dropped from the websocket handshake, uploads refused before the body,
and the bound on websockets per client address. The same attacks against a real server are
in tests/browser/test_club_attacks.py."""

from __future__ import annotations

import asyncio
from typing import Any

from loadwatch.ui import guard


class _Inner:
    """Stands in for Streamlit: records the scopes it was given and answers 200."""

    def __init__(self) -> None:
        self.scopes: list[dict[str, Any]] = []
        self.release = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        self.scopes.append(scope)
        if scope["type"] == "websocket":
            await self.release.wait()
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _http(path: str, method: str = "GET", headers: dict[str, str] | None = None) -> dict:
    return {
        "type": "http",
        "path": path,
        "method": method,
        "client": ("10.0.0.2", 5000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }


def _call(app, scope) -> list[dict]:
    sent: list[dict] = []
    body_read: list[bool] = []

    async def receive() -> dict:
        body_read.append(True)
        return {"type": "http.request", "body": b"x", "more_body": False}

    async def send(message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent if not body_read else [*sent, {"type": "body-was-read"}]


def test_the_first_page_sets_an_httponly_client_cookie() -> None:
    sent = _call(guard.ClubGuard(_Inner()), _http("/"))
    cookie = dict(sent[0]["headers"])[b"set-cookie"].decode()
    assert cookie.startswith(f"{guard.CLIENT_COOKIE}=") and "HttpOnly" in cookie


def test_an_upload_to_a_session_not_logged_in_from_this_browser_is_never_read() -> None:
    guard.bind_session("sess-1", "cookie-a")
    try:
        for cookie in ("", f"{guard.CLIENT_COOKIE}=cookie-b"):
            scope = _http(
                "/_stcore/upload_file/sess-1/f1",
                "PUT",
                {"Cookie": cookie, "Content-Length": "10"},
            )
            sent = _call(guard.ClubGuard(_Inner()), scope)
            assert sent[0]["status"] == 403
            assert {"type": "body-was-read"} not in sent
    finally:
        guard.unbind_session("sess-1")


def test_a_borrowed_session_id_is_dropped_from_the_handshake() -> None:
    inner = _Inner()
    inner.release.set()
    guard.bind_session("sess-2", "cookie-a")
    try:
        scope = {
            "type": "websocket",
            "path": "/_stcore/stream",
            "client": ("10.0.0.3", 5000),
            "headers": [(b"sec-websocket-protocol", b"streamlit, xsrf, sess-2")],
            "subprotocols": ["streamlit", "xsrf", "sess-2"],
        }
        _call(guard.ClubGuard(inner), scope)
        assert dict(inner.scopes[0]["headers"])[b"sec-websocket-protocol"] == b"streamlit, xsrf"
        owner = dict(scope)
        owner["headers"] = [
            *scope["headers"],
            (b"cookie", f"{guard.CLIENT_COOKIE}=cookie-a".encode()),
        ]
        _call(guard.ClubGuard(inner), owner)
        assert b"sess-2" in dict(inner.scopes[1]["headers"])[b"sec-websocket-protocol"]
    finally:
        guard.unbind_session("sess-2")


def test_one_address_holds_a_bounded_number_of_websockets() -> None:
    async def scenario() -> list[dict]:
        inner = _Inner()
        app = guard.ClubGuard(inner)
        closed: list[dict] = []

        async def receive() -> dict:
            return {"type": "websocket.connect"}

        async def send(message) -> None:
            closed.append(message)

        scope = {"type": "websocket", "path": "/_stcore/stream", "client": ("10.9.9.9", 1)}
        tasks = [
            asyncio.create_task(app(dict(scope), receive, send))
            for _ in range(guard.MAX_SOCKETS_PER_ADDRESS + 3)
        ]
        await asyncio.sleep(0.1)
        inner.release.set()
        await asyncio.gather(*tasks)
        return closed

    closed = asyncio.run(scenario())
    assert closed == [{"type": "websocket.close", "code": 1008}] * 3


def test_the_streamlit_interfaces_the_guard_relies_on_are_there() -> None:
    """Fails when a Streamlit upgrade moves what the guard uses (streamlit is pinned): st.App
    discovery of club_app.py, the Runtime's file managers, and the upload route's path."""
    from pathlib import Path

    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.runtime import Runtime
    from streamlit.runtime.uploaded_file_manager import UploadedFileManager
    from streamlit.web.server.app_discovery import discover_asgi_app
    from streamlit.web.server.server import UPLOAD_FILE_ENDPOINT

    import loadwatch.ui.club_app as club_app

    assert discover_asgi_app(Path(club_app.__file__)).is_asgi_app
    assert UPLOAD_FILE_ENDPOINT == "/_stcore/upload_file"
    for owner, name in (
        (Runtime, "is_active_session"),
        (Runtime, "uploaded_file_mgr"),
        (Runtime, "media_file_mgr"),
        (UploadedFileManager, "remove_session_files"),
        (MediaFileManager, "clear_session_refs"),
        (MediaFileManager, "remove_orphaned_files"),
    ):
        assert hasattr(owner, name), f"streamlit moved {owner.__name__}.{name}"
