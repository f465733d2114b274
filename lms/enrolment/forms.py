from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from lms.enrolment.service import valid_hsa_id
from lms.enrolment.statements import ROLE_LABELS
from lms.forms_common import DayField, Form, SingleLine, lf_newlines
from lms.models.enrolment import RoleSought


def _email_validators(what):
    return [
        DataRequired(message=_l("Enter %(what)s.", what=what)),
        Email(
            message=_l("Enter an email address in the form name@example.se."),
            check_deliverability=False,
        ),
        Length(max=254),
    ]


class ApplicationForm(Form):
    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(message=_l("Enter your full name.")),
            Length(max=200),
            SingleLine(),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("Work email address"),
        validators=_email_validators(_l("your work email address")),
        render_kw={"autocomplete": "email"},
    )
    organisation = StringField(
        _l("Organisation"),
        validators=[
            DataRequired(message=_l("Enter your organisation.")),
            Length(max=200),
            SingleLine(),
        ],
        description=_l("The care provider or unit you work for."),
        render_kw={"autocomplete": "organization"},
    )
    hsa_id = StringField(
        _l("HSA-id"),
        validators=[DataRequired(message=_l("Enter your HSA-id.")), Length(max=31)],
        description=_l(
            "For example SE2321000016-ABC1. You find it on Mina sidor under Organisation."
        ),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    role_sought = RadioField(
        _l("Role you apply for"),
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in RoleSought],
        validators=[DataRequired(message=_l("Choose the role you apply for."))],
    )
    manager_name = StringField(
        _l("Your manager's name"),
        validators=[
            DataRequired(message=_l("Enter your manager's name.")),
            Length(max=200),
            SingleLine(),
        ],
        description=_l("Your manager attests your suitability (lämplighetsintyg)."),
    )
    manager_email = EmailField(
        _l("Your manager's email address"),
        validators=_email_validators(_l("your manager's email address")),
        description=_l("We send your manager a link to the suitability attestation."),
    )
    message = TextAreaField(
        _l("Anything else we should know"),
        filters=[lf_newlines],
        validators=[Optional(), Length(max=2000, message=_l("At most 2,000 characters."))],
    )

    def validate_hsa_id(self, field) -> None:
        value = (field.data or "").strip().upper()
        if not valid_hsa_id(value):
            raise ValidationError(
                _l(
                    "The HSA-id should be SE, the organisation number (10 digits), a hyphen and "
                    "letters or digits, at most 31 characters – for example SE2321000016-ABC1."
                )
            )
        field.data = value

    def validate_manager_email(self, field) -> None:
        if (field.data or "").strip().lower() == (self.email.data or "").strip().lower():
            raise ValidationError(_l("Your manager's address cannot be your own address."))


class AttestationForm(Form):
    manager_name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Enter your name.")), Length(max=200), SingleLine()],
        render_kw={"autocomplete": "name"},
    )
    manager_title = StringField(
        _l("Your title"),
        validators=[DataRequired(message=_l("Enter your title.")), Length(max=200), SingleLine()],
        render_kw={"autocomplete": "organization-title"},
    )
    attested_on = DayField(
        _l("Date"),
        validators=[DataRequired(message=_l("Enter the date of the attestation."))],
        description=_l("YYYY-MM-DD"),
    )
    confirm = BooleanField(
        _l("I confirm that the statements above are true and that I am the candidate's manager."),
        validators=[DataRequired(message=_l("You must confirm the attestation."))],
    )

    # Set by attestation_form_for: the first and last day the attestation may be dated.
    date_bounds: tuple[date, date]

    def validate_attested_on(self, field) -> None:
        if not field.data:
            return
        earliest, latest = self.date_bounds
        if field.data > latest:
            raise ValidationError(_l("The date cannot be in the future."))
        if field.data < earliest:
            raise ValidationError(
                _l(
                    "The date cannot be before the application was sent (%(date)s).",
                    date=earliest.isoformat(),
                )
            )


def attestation_form_for(
    statements: dict[str, object], date_bounds: tuple[date, date], formdata=None
) -> AttestationForm:
    """The attestation form with one required checkbox per statement of the role."""

    class _Form(AttestationForm):
        pass

    for key, text in statements.items():
        setattr(
            _Form,
            f"st_{key}",
            BooleanField(
                text, validators=[DataRequired(message=_l("Confirm this statement or stop here."))]
            ),
        )
    form = _Form(formdata=formdata) if formdata is not None else _Form()
    form.date_bounds = date_bounds
    # The browser's date picker offers only the days the server accepts.
    earliest, latest = date_bounds
    form.attested_on.render_kw = {"min": earliest.isoformat(), "max": latest.isoformat()}
    form.statement_fields = [getattr(form, f"st_{key}") for key in statements]
    # The page asks for the statements first; the error summary lists the form's fields in
    # their order, so put the fields declared above after them.
    for name in [n for n in form._fields if not n.startswith("st_")]:
        form._fields.move_to_end(name)
    return form


class UploadForm(Form):
    document = FileField(
        _l("Signed attestation (PDF)"),
        validators=[FileRequired(message=_l("Choose a PDF file."))],
        description=_l("A PDF signed by your manager, at most 5 MB."),
    )


class WithdrawForm(Form):
    """The candidate's own withdrawal: it cannot be undone, so it needs a ticked box (no
    JavaScript confirm dialog)."""

    confirm = BooleanField(
        _l("I want to withdraw my application. I understand that this cannot be undone."),
        validators=[
            DataRequired(
                message=_l("Tick the box to confirm that you want to withdraw the application.")
            )
        ],
    )


REASON_MAX_LENGTH = 2000


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        filters=[lf_newlines],
        validators=[
            DataRequired(message=_l("Give a reason.")),
            Length(
                max=REASON_MAX_LENGTH,
                message=_l(
                    "The reason can be at most 2,000 characters long. Shorten it and try again."
                ),
            ),
        ],
        description=_l("The candidate sees this reason in the email."),
        # the same limit in the browser, which counts a line break as one character like the
        # filter above
        render_kw={"maxlength": REASON_MAX_LENGTH},
    )


class QueueFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form changes nothing

    state = StringField(_l("State"), validators=[Optional()])
    organisation = StringField(_l("Organisation"), validators=[Optional()])
    q = StringField(_l("Search"), validators=[Optional()])
