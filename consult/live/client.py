"""A y-websocket client in Python (pycrdt over simple-websocket): for scripts that edit a
section live with an API token, and for the tests and bench/live.py, which speak to the server
exactly as a browser's editor does.

    client = LiveClient(f"ws://host/api/v1/live/sections/{section_id}", token=token)
    client.wait_synced()
    client.edit(lambda body: body.insert(len(body), " more words"))
    client.close()
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from pycrdt import Doc, Text, TransactionEvent, YSyncMessageType
from simple_websocket import Client, ConnectionClosed

from consult.live import documents, protocol
from consult.live.protocol import AwarenessEntry, ProtocolError, Sync


class LiveClient:
    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        doc: Doc | None = None,
    ) -> None:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        self.doc = doc or documents.new_doc()
        self.synced = threading.Event()
        self.changed = threading.Condition()
        self.awareness: dict[int, dict | None] = {}
        self.close_code: int | None = None
        self.on_update: Callable[[bytes], None] | None = None
        self._lock = threading.Lock()
        self._applying_remote = False
        self._clock = 0  # of this client's awareness state
        self._subscription = self.doc.observe(self._on_local)
        self.socket = Client.connect(url, headers=sent)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._send(protocol.sync_step1(self.doc.get_state()))

    @property
    def body(self) -> Text:
        return documents.body(self.doc)

    def text(self) -> str:
        with self._lock:
            return str(self.body)

    def edit(self, change: Callable[[Text], None], field: str | None = None) -> None:
        """Change the text (e.g. `lambda body: body.insert(0, "Hello")`), or an amendment's
        text `field` ("purpose"); sent at once."""
        with self._lock, self.doc.transaction():
            change(self.body if field is None else documents.amendment_field(self.doc, field))

    def in_document(self, action: Callable[[Doc], Any]) -> Any:
        """What action(doc) returns, run under the lock the reader thread applies the
        server's messages under (pycrdt refuses a document used by two threads at once), in
        one transaction: what it changes is sent at once."""
        with self._lock, self.doc.transaction():
            return action(self.doc)

    def set_value(self, name: str, value: str | bool) -> None:
        """Set one of an amendment's other fields ("kind", "page" ...); sent at once."""
        with self._lock, self.doc.transaction():
            documents.fields(self.doc)[name] = value

    def amendment(self) -> dict[str, str | bool]:
        """An amendment's fields as this client holds them."""
        with self._lock:
            return documents.amendment_values(self.doc)

    def set_cursor(self, state: dict) -> None:
        # Each state needs a clock above the last (y-protocols drops the others).
        self._clock += 1
        entry = AwarenessEntry(self.doc.client_id, self._clock, state)
        self._send(protocol.awareness_message([entry]))

    def wait_synced(self, timeout: float = 10) -> None:
        if not self.synced.wait(timeout):
            raise TimeoutError("the server did not answer the sync")

    def wait_for(
        self,
        condition: Callable[[Any], bool],
        timeout: float = 10,
        of: Callable[[], Any] | None = None,
    ) -> Any:
        """Wait until the text (or what `of` reads, e.g. `client.amendment`) satisfies
        `condition`; the text (or what `of` read)."""
        read = of or self.text
        deadline = time.monotonic() + timeout
        with self.changed:
            while not condition(read()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"never matched; it is {read()!r}")
                self.changed.wait(left)
        return read()

    def close(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            self.socket.close()

    # --- the protocol -------------------------------------------------------------------------

    def _on_local(self, event: TransactionEvent) -> None:
        if not self._applying_remote and event.update != b"\x00\x00":
            self._send(protocol.create_update_message(event.update))

    def _send(self, message: bytes) -> None:
        with contextlib.suppress(ConnectionClosed):
            self.socket.send(message)

    def _read(self) -> None:
        while True:
            try:
                message = self.socket.receive()
            except ConnectionClosed:
                break
            if message is None:
                break
            if isinstance(message, bytes):
                self._handle(message)
        self.close_code = self.socket.close_reason
        with self.changed:
            self.changed.notify_all()

    def _handle(self, message: bytes) -> None:
        try:
            parsed = protocol.parse(message)
        except ProtocolError:
            return
        if isinstance(parsed, Sync):
            if parsed.step == YSyncMessageType.SYNC_STEP1:
                with self._lock:
                    self._send(protocol.sync_step2(self.doc.get_update(parsed.payload)))
                return
            with self._lock:
                self._applying_remote = True
                try:
                    self.doc.apply_update(parsed.payload)
                finally:
                    self._applying_remote = False
            if self.on_update is not None:
                self.on_update(parsed.payload)
            if parsed.step == YSyncMessageType.SYNC_STEP2:
                self.synced.set()
            with self.changed:
                self.changed.notify_all()
        elif isinstance(parsed, list):
            for entry in parsed:
                self.awareness[entry.client_id] = entry.state
