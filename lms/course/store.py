"""The app's one ContentStore and the sandbox exercise catalog, created on first use."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import Flask, current_app, has_request_context, url_for

from lms.course.content import ContentStore

EXTENSION_KEY = "content_store"
CATALOG_KEY = "exercise_catalog"
PRODUCTION_CHECK_INTERVAL = 2.0
_lock = threading.Lock()


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    status: str  # "planned" until the exercise's checker exists

    @property
    def planned(self) -> bool:
        return self.status == "planned"


def _url(app: Flask, endpoint: str, **values: str | None) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    with app.test_request_context():  # rendering outside a request (CLI, scripts)
        return url_for(endpoint, **values)


def _make_store(app: Flask) -> ContentStore:
    def lesson_url(lesson_id: str, anchor: str | None) -> str:
        return _url(app, "course.lesson", lesson_id=lesson_id, _anchor=anchor)

    def asset_url(part_folder: str, path: str) -> str:
        return _url(app, "course.asset", part_folder=part_folder, filename=path)

    interval = 0.0 if app.debug or app.testing else PRODUCTION_CHECK_INTERVAL
    return ContentStore(
        app.config["CONTENT_DIR"],
        lesson_url=lesson_url,
        asset_url=asset_url,
        check_interval=interval,
    )


def get_store() -> ContentStore:
    """The current app's ContentStore (app.extensions["content_store"]), made on first use."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get(EXTENSION_KEY)
    if store is None:
        with _lock:
            store = app.extensions.get(EXTENSION_KEY)
            if store is None:
                store = app.extensions[EXTENSION_KEY] = _make_store(app)
    return store


def catalog_path(app: Flask | None = None) -> Path:
    """sandbox/exercises/catalog.yaml (EXERCISE_CATALOG in the config overrides it)."""
    app = app or current_app
    configured = app.config.get("EXERCISE_CATALOG")
    if configured:
        return Path(configured)
    from lms import PROJECT_ROOT

    return PROJECT_ROOT / "sandbox" / "exercises" / "catalog.yaml"


def exercise_catalog() -> dict[str, Exercise]:
    """Exercise id -> Exercise, re-read when the catalog file changes; {} when it is missing."""
    path = catalog_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {}
    cached = current_app.extensions.get(CATALOG_KEY)
    if cached is not None and cached[0] == (str(path), mtime):
        return cached[1]
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    catalog = {
        str(item["id"]): Exercise(
            id=str(item["id"]),
            title=str(item.get("title") or item["id"]),
            status=str(item.get("status") or "ready"),
        )
        for item in items
        if isinstance(item, dict) and item.get("id")
    }
    current_app.extensions[CATALOG_KEY] = ((str(path), mtime), catalog)
    return catalog
