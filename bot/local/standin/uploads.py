"""files_upload_v2 as Slack runs it: files.getUploadURLExternal (a filename and the length
in bytes, both required), the bytes POSTed to the absolute upload URL it hands out, then
files.completeUploadExternal naming the uploaded file ids. What Slack refuses is refused: a
missing filename or length, a file id never handed out or whose bytes never came, bytes of
another length than announced. Completed files are kept, so a test can read them."""

import json
import threading
from dataclasses import dataclass, field
from typing import Any

Params = dict[str, Any]
MIMETYPES = {"csv": "text/csv", "png": "image/png", "json": "application/json"}


@dataclass(slots=True)
class _Pending:
    filename: str
    length: int
    content: bytes | None = None


@dataclass(slots=True)
class Uploads:
    _pending: dict[str, _Pending] = field(default_factory=dict)
    completed: list[tuple[Params, bytes]] = field(default_factory=list)  # (file, bytes), in order
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, p: Params, file_id: str, origin: str) -> Params:
        filename, length = str(p.get("filename") or ""), _int(p.get("length"))
        if not filename or length is None or length < 1:
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            self._pending[file_id] = _Pending(filename, length)
        return {"ok": True, "file_id": file_id, "upload_url": f"{origin}/upload/{file_id}"}

    def receive(self, p: Params) -> tuple[int, bytes]:
        """The POST to the upload URL: Slack answers `OK - <length>`."""
        content = p.get("content") or b""
        with self._lock:
            pending = self._pending.get(p.get("file_id", ""))
            if pending is None:
                return 404, b"file_not_found"
            pending.content = bytes(content)
        return 200, f"OK - {len(content)}".encode()

    def complete(self, p: Params) -> Params:
        files = json.loads(p.get("files", "[]"))  # always a JSON string in the form
        if not files or (p.get("thread_ts") and "," in str(p.get("channels", ""))):
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            wanted = [(f, self._pending.get(str(f.get("id")))) for f in files]
            if any(pending is None or pending.content is None for _, pending in wanted):
                return {"ok": False, "error": "file_not_found"}
            if any(len(pending.content or b"") != pending.length for _, pending in wanted if pending):
                return {"ok": False, "error": "file_upload_size_mismatch"}
            done = [self._finish(f, pending, p) for f, pending in wanted if pending]
        return {"ok": True, "files": [file for file, _ in done]}

    def _finish(self, asked: Params, pending: _Pending, p: Params) -> tuple[Params, bytes]:
        del self._pending[str(asked["id"])]
        kind = pending.filename.rsplit(".", 1)[-1].lower()
        file = {
            "id": asked["id"],
            "name": pending.filename,
            "title": asked.get("title") or pending.filename,
            "filetype": kind,
            "mimetype": MIMETYPES.get(kind, "application/octet-stream"),
            "size": pending.length,
            "channels": [c for c in (p.get("channel_id"), *str(p.get("channels", "")).split(",")) if c],
            "initial_comment": p.get("initial_comment"),
        }
        content = pending.content or b""
        self.completed.append((file, content))
        return file, content

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
            self.completed.clear()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
