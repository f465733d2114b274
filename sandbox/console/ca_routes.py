"""Thin HTTP layer of the mock CA: CA certificates, CRLs and the OCSP responder.

`bp` is registered by the app factory. Nothing here holds CA logic; everything goes to
`sandbox.ca.MockCa`. The OCSP endpoints always answer 200 with an OCSPResponse.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from typing import Any

from cryptography.x509 import ocsp as x509_ocsp
from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy.orm import Session

from lms.auth.permissions import public
from sandbox.ca import CaError, MockCa, settings_from_mapping
from sandbox.ca.group_commit import GroupCommitter
from sandbox.ca.ocsp import MAX_REQUEST_BYTES, parse_request, unsuccessful

log = logging.getLogger(__name__)

bp = Blueprint("ca", __name__, url_prefix="/ca")


EXTENSION_KEY = "sandbox_ca"
PUBLISHED_KINDS = ("root", "issuing", "ocsp")


def audit_event_callback() -> Callable[[str, dict], Any]:
    """Adapter from the CA's `on_event(action, details)` to `lms.audit.record_event`.

    The event is added to the same db.session as the CA change, which commits both.
    Without the platform (ImportError) events only go to the log.
    """
    try:
        from lms.audit import record_event
    except ImportError:

        def log_only(action: str, details: dict) -> None:
            log.info("CA event %s %s", action, details)

        return log_only

    def to_audit_log(action: str, details: dict) -> None:
        serial = details.get("serial")
        record_event(
            action,
            target_type="ca_certificate" if serial else "ca",
            target_id=serial or details.get("ca"),
            from_state="good" if action == "ca.revoke" else None,
            to_state={"ca.revoke": "revoked", "ca.issue": "good", "ca.renew": "good"}.get(action),
            details=details,
        )

    return to_audit_log


def db_session() -> Session:
    return current_app.extensions["sqlalchemy"].session


def get_ca() -> MockCa:
    """One `MockCa` per app (it caches decrypted keys and parsed CA certificates)."""
    ca = current_app.extensions.get(EXTENSION_KEY)
    if ca is None:
        app = current_app._get_current_object()
        settings = settings_from_mapping(app.config, app.instance_path)
        committer = None
        if app.config.get("CA_GROUP_COMMIT", True):
            # The writer thread works in its own app context, so `db.session` there is its
            # own session, and the audit adapter's record_event joins the group transaction.
            committer = GroupCommitter(db_session, context=app.app_context)
        ca = MockCa(settings, on_event=audit_event_callback(), group_commit=committer)
        app.extensions[EXTENSION_KEY] = ca
    return ca


def _published_authority(slug: str):
    try:
        return get_ca().authority(db_session(), slug, kinds=PUBLISHED_KINDS)
    except CaError:
        abort(404)


@bp.get("/certs/<slug>.der")
@public  # published for relying parties, as a real CA publishes them
def ca_certificate_der(slug: str) -> Response:
    authority = _published_authority(slug)
    return Response(authority.der, mimetype="application/pkix-cert")


@bp.get("/certs/<slug>.pem")
@public  # published for relying parties, as a real CA publishes them
def ca_certificate_pem(slug: str) -> Response:
    _published_authority(slug)
    pem = get_ca().ca_certificate_pem(db_session(), slug)
    return Response(pem, mimetype="application/x-pem-file")


@bp.get("/crl/<slug>.crl")
@public  # published for relying parties, as a real CA publishes them
def crl(slug: str) -> Response:
    try:
        der = get_ca().current_crl(db_session(), slug)
    except CaError:
        abort(404)
    response = Response(der, mimetype="application/pkix-crl")
    response.headers["Cache-Control"] = "max-age=300"
    return response


def _ocsp_reply(body: bytes) -> Response:
    try:
        ca = get_ca()
    except Exception:
        log.exception("mock CA is not configured")
        try:
            parse_request(body)
        except Exception:
            der = unsuccessful(x509_ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        else:
            der = unsuccessful(x509_ocsp.OCSPResponseStatus.INTERNAL_ERROR)
    else:
        der = ca.ocsp_response(db_session(), body)
    return Response(der, mimetype="application/ocsp-response")


@bp.post("/ocsp")
@public  # published for relying parties, as a real CA publishes them
def ocsp_post() -> Response:
    if request.content_length is not None and request.content_length > MAX_REQUEST_BYTES:
        return _ocsp_reply(b"")
    body = request.stream.read(MAX_REQUEST_BYTES + 1)
    if len(body) > MAX_REQUEST_BYTES:
        body = b""
    return _ocsp_reply(body)


@bp.before_app_request
def _ocsp_get_with_leading_slashes() -> Response | None:
    """Base64 may start with '/', and each leading '/' sent as %2F arrives as one more
    slash. Werkzeug's router cannot match a variable part that starts with slashes, so such
    OCSP GETs (only garbage does: DER encodes to 'M...') are answered here, not with a 404."""
    prefix = f"{bp.url_prefix}/ocsp//"
    if request.method == "GET" and request.path.startswith(prefix):
        return ocsp_get(request.path[len(prefix) - 1 :])
    return None


@bp.get("/ocsp/<path:encoded>", merge_slashes=False)
@public  # published for relying parties, as a real CA publishes them
def ocsp_get(encoded: str) -> Response:
    """RFC 6960 A.1.1: GET {url}/{url-encoding of base-64 encoding of the DER request}."""
    if len(encoded) > MAX_REQUEST_BYTES * 2:
        return _ocsp_reply(b"")
    text = encoded.strip().replace(" ", "+")  # '+' may arrive form-decoded as a space
    try:
        if "-" in text or "_" in text:
            body = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        else:
            body = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        body = b""
    return _ocsp_reply(body)
