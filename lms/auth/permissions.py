"""Named permissions and the one place that maps them to roles.

Every view declares what it needs with `@requires("perm")` or `@public`; a test walks the URL map
and fails on any view that declares neither.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

from lms.models.user import Role

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.TRAINEE: frozenset(
        {"course.take", "quiz.take", "account.self", "certification.hold", "sandbox.practice"}
    ),
    Role.APPROVER: frozenset(
        {
            "account.self",
            "enrolment.review",
            "enrolment.decide",
            "enrolment.view_upload",
            "progress.view",
            "quiz.manage",
            "certification.decide",
            "dashboard.view",
            "sandbox.practice",
        }
    ),
    Role.ADMIN: frozenset(
        {"account.self", "users.manage", "audit.view", "mail.manage", "enrolment.review"}
    ),
}

ALL_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values())

F = TypeVar("F", bound=Callable[..., Any])


def permissions_for(roles: set[Role]) -> frozenset[str]:
    return frozenset().union(*(ROLE_PERMISSIONS[r] for r in roles)) if roles else frozenset()


def user_can(user: Any, permission: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return permission in permissions_for(user.roles)


def requires(permission: str) -> Callable[[F], F]:
    """Let the view run only for a signed-in user whose roles grant `permission`."""
    if permission not in ALL_PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if not user_can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_permission = permission  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Mark a view as open to everyone (the marker is what the route-coverage test checks)."""
    view.required_permission = None  # type: ignore[attr-defined]
    return view
