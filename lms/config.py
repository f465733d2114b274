"""Configuration defaults. Layers, later wins: these defaults → instance/config.py → ACADEMY_* env.

No I/O happens at import time; `create_app` applies the layers.
"""

from __future__ import annotations

from datetime import timedelta

DEFAULT_SECRET_KEY = "change-me-dev-only"  # noqa: S105 - refused outside debug/testing


class DefaultConfig:
    SECRET_KEY = DEFAULT_SECRET_KEY
    # None means: sqlite file in the instance folder (resolved in create_app).
    DATABASE_URL: str | None = None
    BASE_URL = "http://127.0.0.1:5000"

    # Sessions and cookies. SESSION_COOKIE_SECURE follows BASE_URL's scheme unless set.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "academy_session"
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    # Login throttling: after LOGIN_MAX_FAILURES the account is locked for LOGIN_LOCK_MINUTES;
    # one address may fail at most LOGIN_MAX_FAILURES_PER_IP times per window.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_MAX_FAILURES_PER_IP = 30
    PASSWORD_MIN_LENGTH = 12

    # Token lifetimes.
    PASSWORD_RESET_TTL_HOURS = 2
    INVITATION_TTL_DAYS = 14
    ATTESTATION_LINK_TTL_DAYS = 14
    # An attestation given longer ago than this can no longer support an approval.
    ATTESTATION_VALID_DAYS = 90
    APPLICANT_LINK_TTL_DAYS = 120

    # Uploaded signed attestation PDFs.
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024
    ATTESTATION_UPLOAD_MAX_BYTES = 5 * 1024 * 1024

    # Mail. MAIL_BACKEND: "smtp" sends over SMTP; "outbox" writes .eml files to MAIL_OUTBOX_DIR
    # (default instance/outbox) for development.
    MAIL_BACKEND = "outbox"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_STARTTLS = False
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_TIMEOUT = 10
    MAIL_SENDER = "SäkerID Academy <noreply@sakerid.example>"
    MAIL_OUTBOX_DIR: str | None = None
    MAIL_MAX_ATTEMPTS = 10
    # The /dev/outbox page lists every mail, reset and invitation links included, to anyone who
    # can reach the app: only with the outbox backend, and only in debug/testing or when turned
    # on explicitly (./run does, for its local demo on 127.0.0.1).
    DEV_OUTBOX_PAGE = False

    # Internationalisation: Swedish first, English second.
    LANGUAGES = ("sv", "en")
    # The language the lessons and question banks are written in. When the interface is in
    # another language, their text is marked with lang= (WCAG 2.1 SC 3.1.2, language of parts).
    CONTENT_LOCALE = "sv"
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"

    # Where course content and question banks live (relative paths are from the project root).
    CONTENT_DIR = "content"
    QUIZ_DIR = "quizzes"

    # Mock CA and test cards.
    CA_PASSPHRASE: str | None = None
    CA_KEY_DIR: str | None = None  # None: instance/ca
    CARDS_DIR: str | None = None
    # The sandbox desk (sandbox/console/desk.py): "service" uses the card service's readers
    # through pcscd (one person at a time), "private" gives each person a desk of in-process
    # virtual cards, "auto" takes the card service when it is running.
    SANDBOX_DESK = "auto"
    # Concurrent issuers share durable commits (sandbox/ca/group_commit.py); False: each
    # issuance commits on its own.
    CA_GROUP_COMMIT = True

    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token

    # Certification (see docs/certification.md). LOCAL RULES the region confirms: the renewal
    # interval is not published anywhere; one published model "follows up annually", hence 365.
    CERT_VALIDITY_DAYS = 365
    # Reminder mails, days before the end of validity; each point mails once (`certs remind`).
    CERT_REMINDER_DAYS = (60, 14)
    # The knowledge test opens again for renewal this many days before an approval ends (and
    # stays open after it has ended). Keep it at least the first reminder point above: the
    # reminder tells the holder to take the test again.
    RECERT_WINDOW_DAYS = 60
    # The holder is mailed once when the certification has expired, if within this many days.
    CERT_EXPIRED_NOTICE_WITHIN_DAYS = 30
    # The dashboard lists certifications ending within this many days as "expiring soon".
    CERT_EXPIRING_SOON_DAYS = 60
    # Who issues the certificates (printed on the PDF and in the signed record).
    CERT_ISSUER = "SäkerID Academy"
    # The platform's Ed25519 signing key, encrypted with CERT_SIGNING_PASSPHRASE (None: the
    # SECRET_KEY). Default path: instance/certification-signing-key.pem. Created on first use
    # or by `flask certs init-key`.
    CERT_SIGNING_KEY_PATH: str | None = None
    CERT_SIGNING_PASSPHRASE: str | None = None
    # Public verification page: per address, at most CERT_VERIFY_MAX_MISSES unknown codes and
    # CERT_VERIFY_MAX_LOOKUPS lookups in all per CERT_VERIFY_WINDOW_MINUTES.
    CERT_VERIFY_MAX_MISSES = 10
    CERT_VERIFY_MAX_LOOKUPS = 120
    CERT_VERIFY_WINDOW_MINUTES = 15
    # The admin audit viewer's page size.
    AUDIT_PAGE_SIZE = 50
