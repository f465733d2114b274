"""The sandbox console (`/sandbox`): the blueprint, the desk with two readers and its card
operations, and what the other sandbox pages share (the desk, the exercise panel).

The exercise pages are in `exercise_routes`, the card register in `register_routes`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from lms.auth.permissions import requires
from lms.extensions import db
from lms.forms_common import ActionForm
from lms.models.types import utcnow
from sandbox.card.piv.constants import Slot
from sandbox.exercises import REGISTRY, Workbench, load_catalog

from . import exercise_runs, operations
from .ca_routes import get_ca
from .desk import Desk, DeskError, DeskLease, PrivateDesk, ServiceDesk
from .forms import (
    ChangePinForm,
    DeleteCertificateForm,
    EjectForm,
    FetchForm,
    InsertForm,
    IssueForm,
    OrderDecisionForm,
    RevokeForm,
    UnblockForm,
    answer_form,
)
from .messages import finding_text, reason_label, refusal_text

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox")


class DeskBusy(Exception):
    def __init__(self, until) -> None:  # noqa: ANN001
        super().__init__("desk busy")
        self.until = until


def cards_dir() -> Path:
    configured = current_app.config.get("CARDS_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "cards"


def current_desk() -> Desk:
    """The person's desk: the card service's readers when configured (and running), else a
    private desk of their own."""
    mode = current_app.config.get("SANDBOX_DESK", "auto")
    if mode in ("service", "auto"):
        service = ServiceDesk(cards_dir())
        if mode == "service" or service.available():
            ok, until = DeskLease(cards_dir()).take(current_user.id, utcnow())
            if not ok:
                raise DeskBusy(until)
            return service
    return PrivateDesk(cards_dir() / "desks" / str(current_user.id))


def workbench(desk: Desk) -> Workbench:
    return Workbench(
        desk=desk,
        ca=get_ca(),
        db=db.session,
        now=utcnow(),
        trainee_name=current_user.name or "",
        user_id=current_user.id,
    )


def _ca_status(serial: str) -> str | None:
    from sandbox.ca.models import IssuedCertificate

    row = db.session.query(IssuedCertificate).filter_by(serial=serial).one_or_none()
    if row is None:
        return None
    return "revoked" if row.revocation is not None else "good"


def _forms(desk_status: dict[str, Any], **given: Any) -> dict[str, Any]:
    forms = {
        "insert_form": InsertForm(prefix="insert", formdata=None),
        "eject_form": EjectForm(prefix="eject", formdata=None),
        "pin_form": ChangePinForm(prefix="pin", formdata=None),
        "unblock_form": UnblockForm(prefix="unblock", formdata=None),
        "issue_form": IssueForm(prefix="issue", formdata=None),
        "delete_form": DeleteCertificateForm(prefix="delete", formdata=None),
        "revoke_form": RevokeForm(prefix="revoke", formdata=None),
    }
    forms.update(given)
    forms["insert_form"].card.choices = _drawer_choices(desk_status)
    return forms


def _drawer_choices(desk_status: dict[str, Any]) -> list[SelectChoice]:
    # gettext outside the f-string: pybabel does not extract calls inside one.
    unnamed = _("no name printed")
    return [
        SelectChoice(c["card_number"], f"{c['card_number']} · {c['holder'] or unnamed}")
        for c in desk_status["drawer"]
    ]


def render_desk(
    desk: Desk,
    *,
    status: int = 200,
    problem: str | None = None,
    invalid_form=None,
    **forms,  # noqa: ANN001
):
    desk_status = desk.status()
    readers = operations.read_readers(desk, ca_status=_ca_status, status=desk_status)
    body = render_template(
        "sandbox/desk.html",
        desk=desk,
        drawer=desk_status["drawer"],
        readers=readers,
        problem=problem,
        invalid_form=invalid_form,
        reason_label=reason_label,
        **exercise_panel(forms.pop("answers_form", None), forms.pop("order_forms", None)),
        **_forms(desk_status, **forms),
    )
    return body, status


def exercise_panel(answers=None, order_forms=None) -> dict[str, Any]:  # noqa: ANN001
    """What the exercise panel (sandbox/_exercise.html) shows: the open run, its brief, the
    latest findings and, for read-the-card exercises, the questions."""
    run = exercise_runs.open_run(db.session, current_user.id)
    exercise = REGISTRY.get(run.exercise_id) if run else None
    if exercise is not None and answers is None and exercise.answer_fields:
        answers = answer_form(exercise)
    return {
        "run": run,
        "exercise": exercise,
        "exercise_title": _title(run.exercise_id) if run else None,
        "brief": exercise.brief(run.context) if exercise else [],
        "findings": [
            (f["ok"], finding_text(f["code"], f["ok"], f.get("params")))
            for f in (run.findings if run else [])
        ],
        "answers_form": answers,
        "action_form": ActionForm(),
        "order_forms": order_forms
        or {
            "decision": OrderDecisionForm(prefix="order", formdata=None),
            "fetch": FetchForm(prefix="fetch", formdata=None),
        },
    }


def _title(exercise_id: str) -> str:
    for entry in load_catalog():
        if entry["id"] == exercise_id:
            return entry["title"]
    return exercise_id


def desk_or_busy():  # noqa: ANN202
    try:
        desk = current_desk()
        if isinstance(desk, ServiceDesk) and not desk.available():
            raise DeskError("the card service is not running")
        return desk, None
    except DeskBusy as busy:
        page = render_template("sandbox/busy.html", until=busy.until)
        return None, (page, 409)
    except DeskError:
        from lms.errors import error_page

        return None, error_page(
            503,
            _("The card readers are not available"),
            _(
                "The sandbox is set to use the card service, and the card service is not "
                "running. Ask whoever runs the platform to start it (flask cards serve)."
            ),
        )


@bp.route("/")
@requires("sandbox.practice")
def desk():
    desk, busy = desk_or_busy()
    if busy:
        return busy
    return render_desk(desk)


def _operation(form_class, prefix: str, action, success: str):  # noqa: ANN001, ANN202
    """Validate the form, run `action(desk, form)`; PRG on success, the page again if not."""
    desk, busy = desk_or_busy()
    if busy:
        return busy
    form = form_class(prefix=prefix)
    if form_class is InsertForm:
        form.card.choices = _drawer_choices(desk.status())
    forms = {f"{prefix}_form": form}
    if not form.validate_on_submit():
        return render_desk(desk, status=422, invalid_form=form, **forms)
    try:
        action(desk, form)
    except operations.OperationRefused as refused:
        status = 409 if refused.code in ("wrong_code", "blocked", "nothing_to_revoke") else 422
        return render_desk(
            desk, status=status, problem=refusal_text(refused.code, refused.params), **forms
        )
    except DeskError as error:
        problem = refusal_text(error.code, {"detail": str(error)})
        return render_desk(desk, status=409, problem=problem, **forms)
    flash(success, "success")
    return redirect(url_for("sandbox.desk"))


@bp.route("/readers/insert", methods=["POST"])
@requires("sandbox.practice")
def insert():
    return _operation(
        InsertForm,
        "insert",
        lambda desk, f: desk.insert(f.card.data, int(f.reader.data)),
        _("The card is in the reader."),
    )


@bp.route("/readers/eject", methods=["POST"])
@requires("sandbox.practice")
def eject():
    def take_out(desk: Desk, form: EjectForm) -> None:
        if desk.card_in(int(form.reader.data)) is None:
            raise operations.OperationRefused("reader_empty")
        desk.eject(int(form.reader.data))

    return _operation(EjectForm, "eject", take_out, _("The card is out of the reader."))


@bp.route("/pin/change", methods=["POST"])
@requires("sandbox.practice")
def change_pin():
    return _operation(
        ChangePinForm,
        "pin",
        lambda desk, f: operations.change_pin(
            desk, int(f.reader.data), f.old_pin.data, f.new_pin.data
        ),
        _("The PIN is changed."),
    )


@bp.route("/pin/unblock", methods=["POST"])
@requires("sandbox.practice")
def unblock_pin():
    return _operation(
        UnblockForm,
        "unblock",
        lambda desk, f: operations.unblock_pin(
            desk, int(f.reader.data), f.puk.data, f.new_pin.data
        ),
        _("The PIN is unblocked and the new PIN is set."),
    )


@bp.route("/certificates/issue", methods=["POST"])
@requires("sandbox.practice")
def issue_certificates():
    def issue(desk: Desk, form: IssueForm) -> None:
        operations.issue_certificates(
            desk,
            int(form.reader.data),
            get_ca(),
            db.session,
            hsa_id=form.hsa_id.data,
            given_name=form.given_name.data,
            surname=form.surname.data,
            pin=form.pin.data,
            loa=int(form.loa.data),
            validity_days=form.validity_days.data,
        )

    return _operation(IssueForm, "issue", issue, _("New certificates are on the card."))


@bp.route("/certificates/delete", methods=["POST"])
@requires("sandbox.practice")
def delete_certificate():
    return _operation(
        DeleteCertificateForm,
        "delete",
        lambda desk, f: operations.delete_certificate(
            desk, int(f.reader.data), Slot(int(f.slot.data, 16))
        ),
        _("The certificate is removed from the card. Removing is not revoking."),
    )


def _may_revoke(desk: Desk, card_number: str) -> bool:
    """A card of this person's own practice: in their drawer or readers, or one of their
    exercise runs' cards (a lost card is gone from the desk). The test CA is shared by everyone,
    so a typed card number alone must not reach another person's certificates."""
    if desk.owns(card_number):
        return True
    return any(
        card_number in exercise_runs.cards_of(run)
        for run in exercise_runs.runs_of(db.session, current_user.id)
    )


@bp.route("/certificates/revoke", methods=["POST"])
@requires("sandbox.practice")
def revoke():
    def revoke_card(desk: Desk, form: RevokeForm) -> None:
        number = form.card_number.data
        if not _may_revoke(desk, number):
            # Someone else's card (or none): the same answer as for a number the CA does not
            # know, so a desk neither touches nor learns about another person's cards.
            raise operations.OperationRefused("nothing_to_revoke", card_number=number)
        operations.revoke_card(get_ca(), db.session, number, form.reason.data)

    return _operation(RevokeForm, "revoke", revoke_card, _("The card's certificates are revoked."))


# The register and exercise pages add their routes to `bp` (one blueprint for the sandbox).
from . import exercise_routes, register_routes  # noqa: E402, F401
