"""Text files that people edit or hand over: UTF-8 only, with an error that says where."""

from __future__ import annotations

from pathlib import Path


class NotUtf8Error(ValueError):
    """The bytes are not UTF-8; `line` (1-based) and `offset` (bytes) point at the first bad one."""

    def __init__(self, path: Path | str, line: int, offset: int) -> None:
        self.path, self.line, self.offset = str(path), line, offset
        super().__init__(f"{self.path}:{line}: {self.message}")

    @property
    def message(self) -> str:
        return f"file is not UTF-8 text (invalid byte at offset {self.offset})"


def decode_utf8(data: bytes, path: Path | str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8Error(path, data.count(b"\n", 0, exc.start) + 1, exc.start) from None


def read_utf8(path: Path) -> str:
    """The file's text; NotUtf8Error (a ValueError) when it is not UTF-8, OSError as usual."""
    return decode_utf8(path.read_bytes(), path)
