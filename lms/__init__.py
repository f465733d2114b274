"""SäkerID Academy: the Flask application factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, g, request, session
from flask_babel import refresh as babel_refresh
from flask_login import current_user
from markupsafe import Markup

from lms.audit.labels import details_text, event_label
from lms.config import DEFAULT_SECRET_KEY, DefaultConfig
from lms.extensions import babel, csrf, db, login_manager, migrate
from lms.numbers import format_number, format_percentage
from lms.urls import RowIdConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


class ConfigError(RuntimeError):
    pass


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. Config layers, later wins: defaults → instance/config.py → ACADEMY_* env →
    `config` (tests)."""
    app = Flask(
        __name__, instance_path=str(PROJECT_ROOT / "instance"), instance_relative_config=True
    )
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ACADEMY")
    if config:
        app.config.update(config)
    _finish_config(app)

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    babel.init_app(
        app,
        locale_selector=_select_locale,
        default_translation_directories=str(PROJECT_ROOT / "lms" / "translations"),
    )

    import lms.models  # noqa: F401 - register every table with the metadata

    app.url_map.converters["int"] = RowIdConverter  # before any route uses <int:...>
    _register_blueprints(app)
    _register_cli(app)
    _register_hooks(app)
    return app


def _finish_config(app: Flask) -> None:
    cfg = app.config
    if cfg["SECRET_KEY"] in (None, "", DEFAULT_SECRET_KEY) and not (cfg["DEBUG"] or cfg["TESTING"]):
        raise ConfigError(
            "Refusing to start with the default secret key. Set ACADEMY_SECRET_KEY or "
            "SECRET_KEY in instance/config.py (./run writes one for development)."
        )
    url = cfg.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'academy.db'}"
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    cfg["SQLALCHEMY_DATABASE_URI"] = url
    cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    if cfg.get("SESSION_COOKIE_SECURE") is None:
        cfg["SESSION_COOKIE_SECURE"] = cfg["BASE_URL"].startswith("https://")
    cfg["REMEMBER_COOKIE_SECURE"] = cfg["SESSION_COOKIE_SECURE"]
    for key, default in (("CONTENT_DIR", "content"), ("QUIZ_DIR", "quizzes")):
        path = Path(cfg.get(key) or default)
        cfg[key] = str(path if path.is_absolute() else PROJECT_ROOT / path)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def _select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _foreign_content_locale() -> str | None:
    """The content's language when it differs from the interface's, else None."""
    from flask import current_app

    content = current_app.config["CONTENT_LOCALE"]
    return None if content == _select_locale() else content


def _content_lang_attr() -> Markup:
    """` lang="sv"` for a block of course or test content shown in another interface language."""
    lang = _foreign_content_locale()
    return Markup(' lang="%s"') % lang if lang else Markup("")


def _in_content_lang(text: object) -> Markup | object:
    """Inline course or test text, in a <span lang> when the interface is in another language.

    Use it in element content only, not in attributes or <title>."""
    lang = _foreign_content_locale()
    if not lang or text is None or text == "":
        return text
    return Markup('<span lang="%s">%s</span>') % (lang, text)


def _register_blueprints(app: Flask) -> None:
    from lms.auth.routes import bp as auth_bp
    from lms.certification.audit_routes import bp as audit_admin_bp
    from lms.certification.dashboard_routes import bp as dashboard_bp
    from lms.certification.routes import bp as certification_bp
    from lms.certification.verify_routes import bp as verify_bp
    from lms.course.routes import bp as course_bp
    from lms.course.team_routes import bp as team_progress_bp
    from lms.enrolment.routes import bp as enrolment_bp
    from lms.mail.routes import bp as mail_bp
    from lms.main.routes import bp as main_bp
    from lms.quiz.routes import bp as quiz_bp
    from lms.quiz.team_routes import bp as quiz_team_bp
    from sandbox.console.ca_routes import bp as ca_bp
    from sandbox.console.routes import bp as sandbox_bp

    for bp in (
        main_bp,
        auth_bp,
        enrolment_bp,
        mail_bp,
        course_bp,
        team_progress_bp,
        quiz_bp,
        quiz_team_bp,
        certification_bp,
        verify_bp,
        dashboard_bp,
        audit_admin_bp,
        ca_bp,
        sandbox_bp,
    ):
        app.register_blueprint(bp)
    # OCSP clients POST DER requests; they carry no session and no CSRF token.
    csrf.exempt(ca_bp)


def _register_cli(app: Flask) -> None:
    from lms.cli import register_commands

    register_commands(app)


@login_manager.user_loader
def _load_user(user_id: str):
    from lms.models.user import User

    try:
        uid, version = (int(part) for part in user_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def _register_hooks(app: Flask) -> None:
    from lms.auth.permissions import user_can
    from lms.forms_common import ActionForm

    @app.context_processor
    def _template_helpers() -> dict[str, Any]:
        return {
            "can": lambda perm: user_can(current_user, perm),
            # formdata=None: the layout's small forms never read the request body (which may
            # be the very thing an error page is reporting, e.g. a too large upload).
            "action_form": lambda: ActionForm(formdata=None),
            "languages": app.config["LANGUAGES"],
            "current_locale": _select_locale,
        }

    # Globals, not context: imported macros (quiz/_question.html) see them too.
    app.add_template_global(_content_lang_attr, "content_lang_attr")
    app.add_template_filter(_in_content_lang, "in_content_lang")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_percentage, "percent")
    app.add_template_filter(event_label, "event_label")
    app.add_template_filter(details_text, "details_text")

    @app.before_request
    def _per_request_state() -> None:
        # An app context can span several requests (tests, scripts); the signed-in user and the
        # chosen language must still be worked out afresh for each request.
        g.pop("_login_user", None)
        babel_refresh()

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith(("/attest/", "/application/", "/invitation/", "/password/")):
            # Token links must not end up in caches or in another site's Referer.
            response.headers["Cache-Control"] = "no-store"
        return response

    from lms.errors import register_error_handlers

    register_error_handlers(app)

    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
