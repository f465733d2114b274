"""Signed attestation PDFs uploaded by candidates: checked by content, stored outside static."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


class UploadError(Exception):
    """`code` is one of: empty, too_large, not_pdf."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class StoredUpload:
    path: str  # relative to the upload root
    size: int
    sha256: str


def read_pdf(stream: BinaryIO, max_bytes: int) -> bytes:
    """Read at most max_bytes and check that the bytes are a PDF, whatever the file is called."""
    data = stream.read(max_bytes + 1)
    if not data:
        raise UploadError("empty")
    if len(data) > max_bytes:
        raise UploadError("too_large")
    # A PDF starts with its header (a few leading bytes are tolerated by readers) and ends with
    # an end-of-file marker near the end.
    if b"%PDF-" not in data[:1024] or b"%%EOF" not in data[-2048:]:
        raise UploadError("not_pdf")
    return data


def store_pdf(data: bytes, root: Path) -> StoredUpload:
    root.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.pdf"
    tmp = root / f".{name}.tmp"
    tmp.write_bytes(data)
    tmp.replace(root / name)
    return StoredUpload(path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest())
