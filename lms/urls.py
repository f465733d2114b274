"""Small URL helpers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def safe_next(target: str | None) -> str | None:
    """Accept only a local path as a redirect target (no scheme, host or protocol-relative URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def external_url(path: str) -> str:
    """An absolute link for mail, built on the configured public base URL."""
    return current_app.config["BASE_URL"].rstrip("/") + path
