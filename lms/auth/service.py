"""Accounts: passwords, sign-in with lockout, password reset and invitations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from lms.audit import record_event
from lms.auth import throttle
from lms.auth.tokens import TokenError, check_token, consume_token, issue_token, revoke_tokens
from lms.extensions import db
from lms.mail import queue_mail
from lms.models.mail import OutgoingMail
from lms.models.token import TokenPurpose
from lms.models.types import utcnow
from lms.models.user import Role, User
from lms.plaintext import has_control_characters

_hasher = PasswordHasher()
# Verified against when the account does not exist, so timing does not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountError(Exception):
    """An account cannot be created or changed; `field` names the input at fault, if one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _column_length(column: str) -> int:
    return User.__table__.c[column].type.length  # type: ignore[no-any-return]


def check_account_details(email: str, name: str, organisation: str | None = None) -> None:
    """Raise AccountError unless the details fit an account: a real email address (the same
    check as the forms' Email validator) and texts that fit their columns."""
    email = normalise_email(email)
    if len(email) > _column_length("email"):
        raise AccountError(
            f"not an email address: longer than {_column_length('email')} characters", "email"
        )
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(f"not an email address: {exc}", "email") from None
    texts = {"name": name} if organisation is None else {"name": name, "organisation": organisation}
    for field, text in texts.items():
        if not text.strip():
            raise AccountError(f"the {field} is empty", field)
        if len(text) > _column_length(field):
            raise AccountError(
                f"the {field} is longer than {_column_length(field)} characters", field
            )
        if has_control_characters(text):
            raise AccountError(f"the {field} contains control characters", field)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    """A reason the password is not acceptable, or None (messages are translated by the form)."""
    if not password.strip():  # twelve spaces are long enough but no secret
        return "blank"
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        return "too_short"
    return None


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    name: str,
    roles: set[Role],
    password: str | None = None,
    organisation: str | None = None,
) -> User:
    check_account_details(email, name, organisation)
    email, name = normalise_email(email), name.strip()
    if find_user(email) is not None:
        raise AccountError(f"a user with email {email} already exists")
    user = User(email=email, name=name, organisation=organisation)
    for role in sorted(roles):
        user.grant(role)
    if password is not None:
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    record_event(
        "user.created",
        target_type="user",
        target_id=user.id,
        details={"roles": sorted(r.value for r in roles)},
    )
    return user


def grant_role(user: User, role: Role, actor: User | None = None) -> bool:
    """Give the user one more role, in the audit log; False when they already held it."""
    if user.has_role(role):
        return False
    user.grant(role)
    record_event(
        "user.role_granted",
        actor=actor,
        target_type="user",
        target_id=user.id,
        details={"role": role.value},
    )
    return True


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.session_version += 1


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    reason: str | None = None  # None on success; "invalid", "locked" or "throttled"


def authenticate(email: str, password: str, ip: str | None) -> LoginResult:
    """Check a password; count failures, lock the account and throttle the address when needed."""
    cfg = current_app.config
    window = timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    ip_key = ip or "unknown"
    if throttle.is_throttled("login-ip", ip_key, cfg["LOGIN_MAX_FAILURES_PER_IP"], window):
        db.session.commit()
        return LoginResult(None, "throttled")
    user = find_user(email)
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        db.session.commit()
        return LoginResult(None, "locked")
    ok = False
    try:
        ok = _hasher.verify(
            user.password_hash if user and user.password_hash else _DUMMY_HASH, password
        )
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and user is not None and user.password_hash and user.active:
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        record_event("auth.login", actor=user, target_type="user", target_id=user.id)
        db.session.commit()
        return LoginResult(user)
    throttle.hit("login-ip", ip_key, window)
    reason = "invalid"
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + window
            user.failed_logins = 0
            reason = "locked"
            record_event(
                "auth.locked",
                actor_label="system",
                target_type="user",
                target_id=user.id,
                details={"minutes": cfg["LOGIN_LOCK_MINUTES"]},
            )
    db.session.commit()
    return LoginResult(None, reason)


def request_password_reset(email: str) -> OutgoingMail | None:
    """Mail a reset link if the account exists; the caller shows the same answer either way."""
    user = find_user(email)
    if user is None or not user.active:
        return None
    revoke_tokens(TokenPurpose.PASSWORD_RESET, user_id=user.id)
    raw = issue_token(
        TokenPurpose.PASSWORD_RESET,
        timedelta(hours=current_app.config["PASSWORD_RESET_TTL_HOURS"]),
        user_id=user.id,
    )
    mail = queue_mail(
        user.email,
        "password_reset",
        user.locale or "sv",
        user=user,
        token=raw,
        hours=current_app.config["PASSWORD_RESET_TTL_HOURS"],
    )
    record_event("auth.reset_requested", target_type="user", target_id=user.id)
    db.session.commit()
    return mail


def user_for_token(raw: str, purpose: TokenPurpose) -> User:
    """The user behind a valid reset or invitation link; raises TokenError otherwise."""
    token = check_token(raw, purpose)
    user = db.session.get(User, token.user_id)
    if user is None:
        raise TokenError("unknown")
    return user


def complete_token_password(raw: str, purpose: TokenPurpose, password: str) -> User:
    """Set the password through a reset or invitation link and use the link up."""
    token = check_token(raw, purpose)
    user = db.session.get(User, token.user_id)
    consume_token(token)
    set_password(user, password)
    record_event(
        "auth.password_set",
        actor=user,
        target_type="user",
        target_id=user.id,
        details={"via": purpose.value},
    )
    db.session.commit()
    return user


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
