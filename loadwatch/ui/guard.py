"""Club mode's gate in front of Streamlit's own routes (issue #21), an ASGI middleware given
to `st.App` (Streamlit's supported hook for custom middleware, see `club_app.py`).

Streamlit hands a browser a session id and trusts whoever presents it: a websocket that names
it as the third `Sec-WebSocket-Protocol` entry takes the session over, and anyone may PUT
files to `/_stcore/upload_file/<session id>/...`. The id is in every upload URL, so it ends up
in proxy logs. Here a logged-in session is bound to a random HttpOnly cookie set on the
browser's first request (`CLIENT_COOKIE`), and:

- a websocket resumes a logged-in session only with that cookie (else it gets a new session,
  which shows the login form);
- uploads are refused before their body is read unless the session is logged in and the
  cookie matches; they are capped per session and in total;
- `/media/...` (exports, lead-up pages) answers only a browser with a live logged-in session;
- `/_stcore/metrics` does not answer;
- each client address holds at most `MAX_SOCKETS_PER_ADDRESS` websockets at once.

The registry is process-wide and thread-safe: the script threads bind and unbind sessions
(`state.log_in`, `state.log_out`), the event loop reads it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CLIENT_COOKIE = "loadwatch_client"
BEHIND_PROXY_ENV = "LOADWATCH_BEHIND_PROXY"  # 1: a TLS reverse proxy on this machine forwards
MAX_SOCKETS_PER_ADDRESS = 40  # loadwatch default: a club's phones share one Wi-Fi address
_MB = 1024 * 1024
# Uploads (loadwatch defaults): one file up to `max_upload_mb`; a session holds at most two
# such files at once, and the whole process five.
SESSION_UPLOAD_FACTOR = 2
TOTAL_UPLOAD_FACTOR = 5


def max_upload_bytes() -> int:
    """The largest file one upload may hold ($LOADWATCH_MAX_UPLOAD_MB, set by the CLI)."""
    return int(os.environ.get("LOADWATCH_MAX_UPLOAD_MB", "200")) * _MB


@dataclass
class _Registry:
    lock: threading.Lock = field(default_factory=threading.Lock)
    bound: dict[str, str | None] = field(default_factory=dict)  # session id -> client cookie
    uploads: dict[str, dict[str, int]] = field(default_factory=dict)  # session -> file -> bytes
    sockets: dict[str, int] = field(default_factory=dict)  # client address -> open websockets


_registry = _Registry()


def bind_session(session_id: str, client: str | None) -> None:
    """A session logged in from the browser holding the cookie value `client`."""
    with _registry.lock:
        _registry.bound[session_id] = client


def unbind_session(session_id: str) -> None:
    """The session logged out or ended: its uploads are forgotten, it resumes nowhere."""
    with _registry.lock:
        _registry.bound.pop(session_id, None)
        _registry.uploads.pop(session_id, None)


def is_bound_to(session_id: str, client: str | None) -> bool:
    """The session is logged in, from the browser holding `client`."""
    with _registry.lock:
        return session_id in _registry.bound and _registry.bound[session_id] == client


def _may_resume(session_id: str, client: str | None) -> bool:
    return client is not None and is_bound_to(session_id, client)


def _has_live_session(client: str | None) -> bool:
    if client is None:
        return False
    with _registry.lock:
        sessions = [s for s, c in _registry.bound.items() if c == client]
    return any(_is_active(s) for s in sessions)


def _is_active(session_id: str) -> bool:
    from streamlit import runtime

    return runtime.exists() and runtime.get_instance().is_active_session(session_id)


def _reserve_upload(session_id: str, file_id: str, size: int) -> str | None:
    """Count `size` bytes against the caps; None when they fit, else why not."""
    per_file = max_upload_bytes()
    if size > per_file:
        return f"a file may hold at most {per_file // _MB} MB"
    with _registry.lock:
        for stale in [s for s in _registry.uploads if s not in _registry.bound]:
            del _registry.uploads[stale]
        files = _registry.uploads.setdefault(session_id, {})
        held = sum(files.values()) - files.get(file_id, 0)
        if held + size > SESSION_UPLOAD_FACTOR * per_file:
            return "this session holds too many uploads; import them first"
        total = sum(sum(f.values()) for f in _registry.uploads.values()) - files.get(file_id, 0)
        if total + size > TOTAL_UPLOAD_FACTOR * per_file:
            return "the server holds too many uploads; try again in a minute"
        files[file_id] = size
    return None


def _release_upload(session_id: str, file_id: str) -> None:
    with _registry.lock:
        _registry.uploads.get(session_id, {}).pop(file_id, None)


def forget_session_files(session_id: str) -> None:
    """Drop a session's uploaded files and media (downloads) from Streamlit's memory at log
    out, as Streamlit does when a session ends (Runtime's public managers)."""
    unbind_session(session_id)
    from streamlit import runtime

    if not runtime.exists():
        return
    instance = runtime.get_instance()
    instance.uploaded_file_mgr.remove_session_files(session_id)
    instance.media_file_mgr.clear_session_refs(session_id)
    instance.media_file_mgr.remove_orphaned_files()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _cookie(scope: Scope) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    with contextlib.suppress(CookieError):
        jar.load(raw)
    morsel = jar.get(CLIENT_COOKIE)
    return morsel.value if morsel is not None and morsel.value else None


def client_address(scope: Scope) -> str:
    """The client's address: the socket's peer, or behind a TLS proxy on this machine
    (`--behind-proxy`) the last X-Forwarded-For entry, the one the proxy itself added."""
    peer = scope.get("client")
    address = str(peer[0]) if peer else "unknown"
    if os.environ.get(BEHIND_PROXY_ENV) == "1":
        forwarded = _header(scope, b"x-forwarded-for")
        if forwarded and forwarded.split(",")[-1].strip():
            return forwarded.split(",")[-1].strip()
    return address


def _is_https(scope: Scope) -> bool:
    if scope.get("scheme") in ("https", "wss"):
        return True
    proto = _header(scope, b"x-forwarded-proto") if os.environ.get(BEHIND_PROXY_ENV) else None
    return proto == "https"


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


class ClubGuard:
    """The ASGI middleware (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        parts = _segments(str(scope.get("path", "")))
        client = _cookie(scope)
        if parts[-2:] == ["_stcore", "metrics"]:
            await _plain(send, 404, "not found")
            return
        if "_stcore" in parts and "upload_file" in parts:
            where = parts.index("upload_file")
            if len(parts) < where + 3:
                await _plain(send, 404, "not found")
                return
            await self._upload(scope, receive, send, parts[where + 1], parts[where + 2], client)
            return
        if "media" in parts and not _has_live_session(client):
            await _plain(send, 403, "log in first")
            return
        await self.app(scope, receive, self._with_cookie(scope, send, client))

    def _with_cookie(self, scope: Scope, send: Send, client: str | None) -> Send:
        if client is not None:
            return send
        value = secrets.token_urlsafe(32)
        secure = "; Secure" if _is_https(scope) else ""
        cookie = f"{CLIENT_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{secure}".encode()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        return send_with_cookie

    async def _upload(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        session_id: str,
        file_id: str,
        client: str | None,
    ) -> None:
        method = scope.get("method")
        if method == "OPTIONS":
            await self.app(scope, receive, send)
            return
        if not _may_resume(session_id, client):
            await _plain(send, 403, "log in first")  # before a byte of the body is read
            return
        if method == "DELETE":
            _release_upload(session_id, file_id)
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is None or not length.isdigit():
            await _plain(send, 411, "an upload needs a Content-Length")
            return
        refused = _reserve_upload(session_id, file_id, int(length))
        if refused is not None:
            await _plain(send, 413, refused)
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            if not status or status[0] >= 300:
                _release_upload(session_id, file_id)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        address = client_address(scope)
        with _registry.lock:
            open_now = _registry.sockets.get(address, 0)
            if open_now < MAX_SOCKETS_PER_ADDRESS:
                _registry.sockets[address] = open_now + 1
        if open_now >= MAX_SOCKETS_PER_ADDRESS:
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        try:
            await self.app(self._without_foreign_session(scope), receive, send)
        finally:
            with _registry.lock:
                left = _registry.sockets.get(address, 1) - 1
                if left > 0:
                    _registry.sockets[address] = left
                else:
                    _registry.sockets.pop(address, None)

    def _without_foreign_session(self, scope: Scope) -> Scope:
        """The scope with the session id to resume dropped unless this browser logged it in
        (Streamlit then starts a new session, which shows the login form)."""
        raw = _header(scope, b"sec-websocket-protocol")
        if not raw:
            return scope
        entries = [entry.strip() for entry in raw.split(",")]
        if len(entries) < 3 or not entries[2] or _may_resume(entries[2], _cookie(scope)):
            return scope
        kept = ", ".join(entries[:2]).encode("latin-1")
        headers = [
            (key, kept if key.lower() == b"sec-websocket-protocol" else value)
            for key, value in scope.get("headers", [])
        ]
        changed = dict(scope)
        changed["headers"] = headers
        if "subprotocols" in changed:
            changed["subprotocols"] = entries[:2]
        return changed
