"""A bare Streamlit client for attack tests (issue #21): Streamlit's own protobuf messages
over the websocket at /_stcore/stream, as an attacker's script would speak them. The
`Sec-WebSocket-Protocol` header carries "streamlit", the XSRF token and, third, the session
id to resume."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import ClientConnection, connect


def client_cookie(base: str) -> str:
    """The cookies a browser gets as its page loads (loadwatch's client cookie from the page,
    Streamlit's XSRF cookie from its health check), as one Cookie header."""
    jar: list[str] = []
    for path in ("/", "/_stcore/health"):
        request = urllib.request.Request(base + path, headers={"Cookie": "; ".join(jar)})  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            cookies = response.headers.get_all("Set-Cookie") or []
        jar += [c.split(";", 1)[0] for c in cookies]
    return "; ".join(jar)


@dataclass
class Run:
    texts: list[str] = field(default_factory=list)  # markdown, text, alerts, captions
    widgets: dict[str, str] = field(default_factory=dict)  # label -> widget id
    submit_buttons: dict[str, str] = field(default_factory=dict)  # label -> widget id

    @property
    def shows_login_form(self) -> bool:
        return "Username" in self.widgets and "Password" in self.widgets

    def says(self, words: str) -> bool:
        return any(words in text for text in self.texts)


class StreamlitClient:
    def __init__(self, base: str, *, cookie: str | None = None, resume: str | None = None):
        url = base.replace("http://", "ws://") + "/_stcore/stream"
        protocols = ["streamlit", "xsrf"] + ([resume] if resume else [])
        headers = {"Cookie": cookie} if cookie else {}
        self.ws: ClientConnection = connect(
            url,
            subprotocols=protocols,  # type: ignore[arg-type]
            additional_headers=headers,
            max_size=None,
            open_timeout=20,
        )
        self.session_id = ""

    def close(self) -> None:
        self.ws.close()

    def send(self, message: BackMsg) -> None:
        self.ws.send(message.SerializeToString())

    def clear_cache(self) -> None:
        message = BackMsg()
        message.clear_cache = True
        self.send(message)

    def run(self, values: dict[str, str] | None = None, click: str | None = None) -> Run:
        """Run the script once with text widget values and a clicked button (by id); return
        what it showed."""
        message = BackMsg()
        state = message.rerun_script
        state.SetInParent()  # an empty ClientState is still a rerun
        for widget_id, value in (values or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id, widget.string_value = widget_id, value
        if click:
            widget = state.widget_states.widgets.add()
            widget.id, widget.trigger_value = click, True
        self.send(message)
        return self._read_run()

    def _read_run(self) -> Run:
        run = Run()
        while True:
            raw = self.ws.recv(timeout=60)
            msg = ForwardMsg()
            msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                _collect(run, msg.delta.new_element)
            elif kind == "script_finished":
                if msg.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY,):
                    return run
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun(): the next run follows
                return run


def _collect(run: Run, element: object) -> None:
    kind = element.WhichOneof("type")  # type: ignore[attr-defined]
    proto = getattr(element, kind)
    if kind == "text_input":
        run.widgets[proto.label] = proto.id
    elif kind == "button" and proto.is_form_submitter:
        run.submit_buttons[proto.label] = proto.id
    elif kind in ("markdown", "text", "alert", "heading"):
        run.texts.append(proto.body)
