"""The desk's forms. Each has its own prefix, so several share the desk page without clashing
ids. Codes (PIN, PUK) are password fields: a page that comes back with an error never carries
them."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from lms.forms_common import Form, SingleLine

from .desk import ADMIN_READER, CUSTOMER_READER

READER_CHOICES = [
    SelectChoice(str(ADMIN_READER), _l("Reader 1 (your own card)")),
    SelectChoice(str(CUSTOMER_READER), _l("Reader 2 (the customer's card)")),
]
SLOT_CHOICES = [
    SelectChoice("9A", _l("9A: authentication")),
    SelectChoice("9C", _l("9C: signature")),
    SelectChoice("9D", _l("9D: key management")),
    SelectChoice("9E", _l("9E: card authentication")),
]
REASON_CHOICES = [
    SelectChoice(
        "keyCompromise",
        _l("The key may be in someone else's hands (lost or stolen card, code known)"),
    ),
    SelectChoice("affiliationChanged", _l("The holder has left or changed assignment")),
    SelectChoice("superseded", _l("Replaced by a new card or new certificates")),
    SelectChoice("cessationOfOperation", _l("The card is no longer used (returned, faulty)")),
]
# [0-9], not \d: \d also takes other scripts' digits (e.g. Arabic-Indic), which a card cannot
# take; \Z, not $: $ lets a trailing newline through.
HSA_ID_FORM = re.compile(r"SE(?:[0-9]{10}|[0-9]{12})-[A-Za-z0-9]+")  # as sandbox.ca.names
PIN_RULE = Regexp(r"\A[0-9]{6,8}\Z", message=_l("A PIN is 6 to 8 digits."))
PUK_RULE = Regexp(r"\A[0-9]{8}\Z", message=_l("A PUK is 8 digits."))


def _reader_field() -> RadioField:
    return RadioField(
        _l("Card reader"),
        choices=READER_CHOICES,
        validators=[InputRequired(message=_l("Choose the reader that holds the card."))],
    )


def _code(label, rule, message, autocomplete="off"):  # noqa: ANN001, ANN202
    return PasswordField(
        label,
        validators=[InputRequired(message=message), rule],
        render_kw={"autocomplete": autocomplete, "inputmode": "numeric"},
    )


class InsertForm(Form):
    card = SelectField(_l("Test card"), validators=[InputRequired(message=_l("Choose a card."))])
    reader = _reader_field()


class EjectForm(Form):
    reader = _reader_field()


def _new_pin() -> PasswordField:
    return _code(_l("New PIN"), PIN_RULE, _l("Enter the new PIN."), "new-password")


def _new_pin_again() -> PasswordField:
    return PasswordField(
        _l("Repeat the new PIN"),
        validators=[
            InputRequired(message=_l("Repeat the new PIN.")),
            EqualTo("new_pin", message=_l("The two new PINs are not the same.")),
        ],
        render_kw={"autocomplete": "new-password", "inputmode": "numeric"},
    )


class ChangePinForm(Form):
    reader = _reader_field()
    old_pin = _code(_l("Present PIN"), PIN_RULE, _l("Enter the present PIN."))
    new_pin = _new_pin()
    new_pin_again = _new_pin_again()


class UnblockForm(Form):
    reader = _reader_field()
    puk = _code(_l("PUK from the PIN letter"), PUK_RULE, _l("Enter the PUK."))
    new_pin = _new_pin()
    new_pin_again = _new_pin_again()


class IssueForm(Form):
    reader = _reader_field()
    hsa_id = StringField(
        _l("HSA-id"),
        validators=[DataRequired(message=_l("Enter the HSA-id from the order.")), Length(max=40)],
        description=_l("As on the order, for example SE2321000016-ABCD."),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    given_name = StringField(
        _l("Given name"),
        validators=[
            DataRequired(message=_l("Enter the given name.")),
            Length(max=64),
            SingleLine(),
        ],
    )
    surname = StringField(
        _l("Surname"),
        validators=[DataRequired(message=_l("Enter the surname.")), Length(max=64), SingleLine()],
    )
    loa = RadioField(
        _l("Certificates"),
        choices=[
            SelectChoice("3", _l("Assurance level 3 (ordinary card or LoA3 reserve card)")),
            SelectChoice("2", _l("Assurance level 2, reserve card")),
        ],
        default="3",
        validators=[InputRequired(message=_l("Choose the assurance level."))],
    )
    validity_days = IntegerField(
        _l("Validity in days"),
        validators=[Optional(), NumberRange(min=1, max=1826, message=_l("Write 1 to 1826 days."))],
        description=_l(
            "Leave empty for the longest validity the rule allows. Never longer than the "
            "person's assignment."
        ),
        render_kw={"inputmode": "numeric"},
    )
    pin = _code(
        _l("The card's PIN (typed by the customer)"), PIN_RULE, _l("The customer enters the PIN.")
    )

    def validate_hsa_id(self, field) -> None:  # noqa: ANN001
        # The CA's rule (sandbox.ca.names), worded here: the CA's own message is English.
        if field.data and not (len(field.data) <= 31 and HSA_ID_FORM.fullmatch(field.data)):
            raise ValidationError(
                _l(
                    "An HSA-id is SE, 10 or 12 digits, a dash and letters or digits, at most 31 "
                    "characters, for example SE2321000016-ABCD."
                )
            )


class DeleteCertificateForm(Form):
    reader = _reader_field()
    slot = SelectField(_l("Certificate slot"), choices=SLOT_CHOICES)
    confirm = BooleanField(
        _l("I have checked that this certificate has expired or been replaced."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


def _card_number_field(description) -> StringField:  # noqa: ANN001
    """A card number as people type it: spaces between the digit groups are dropped."""
    return StringField(
        _l("Card number"),
        validators=[DataRequired(message=_l("Enter the card number.")), Length(max=40)],
        description=description,
        filters=[lambda v: "".join(v.split()) if isinstance(v, str) else v],
    )


class CardNumberMixin:
    def validate_card_number(self, field) -> None:  # noqa: ANN001
        if field.data and not (field.data.isascii() and field.data.isdigit()):
            raise ValidationError(_l("A card number has only digits."))


class RevokeForm(CardNumberMixin, Form):
    card_number = _card_number_field(
        _l("The 19 digits of the card to revoke, from the card register.")
    )
    reason = RadioField(
        _l("Reason for revocation"),
        choices=REASON_CHOICES,
        validators=[InputRequired(message=_l("Choose the reason."))],
    )
    confirm = BooleanField(
        _l("I understand that a revocation is final and cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class DeregisterForm(CardNumberMixin, Form):
    card_number = _card_number_field(
        _l("The 19 digits of the card, checked against the person in the register.")
    )
    reason = RadioField(
        _l("Reason for revoking the card's certificates"),
        choices=REASON_CHOICES,
        validators=[InputRequired(message=_l("Choose the reason."))],
    )
    confirm = BooleanField(
        _l("I understand that deregistration is final: the card's certificates are revoked."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class OrderDecisionForm(Form):
    decision = RadioField(
        _l("Your decision as administrator 2"),
        choices=[
            SelectChoice("approve", _l("Sign the order: it is right")),
            SelectChoice("reject", _l("Reject the order: something is wrong")),
        ],
        validators=[InputRequired(message=_l("Choose sign or reject."))],
    )
    identified = BooleanField(
        _l("I have identified the user myself with the ID document."),
    )

    def validate_identified(self, field) -> None:  # noqa: ANN001
        if self.decision.data == "approve" and not field.data:
            raise ValidationError(
                _l("Administrator 2 identifies the user independently before signing.")
            )


class FetchForm(Form):
    pin = _code(
        _l("Code from the envelope (typed by the user)"), PIN_RULE, _l("The user enters the code.")
    )


def answer_form(exercise, formdata=None):  # noqa: ANN001, ANN201
    """The questions of a read-the-card exercise, as a form."""

    class AnswerForm(Form):
        pass

    for question in exercise.answer_fields:
        setattr(
            AnswerForm,
            question.name,
            StringField(
                question.label,
                validators=[
                    DataRequired(message=_l("Answer the question.")),
                    Length(max=question.max_length),
                ],
                description=question.hint,
            ),
        )
    return AnswerForm(formdata=formdata, prefix="answer")
