"""Form pieces shared by several features."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import DateField, PasswordField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from lms.auth.service import password_problem
from lms.plaintext import has_control_characters


def lf_newlines(value: str | None) -> str | None:
    """A WTForms filter: browsers submit a line break as CRLF but count it as one character for
    maxlength, so store LF and count the text as the person saw it."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


# WTForms' own messages for a value a field cannot read (its Swedish catalog has "kunde inte
# ceorce:a" and no full stops), in our words, for the field types the app uses; other WTForms
# messages keep its translation.
_FIELD_MESSAGES = {
    "Invalid Choice: could not coerce.": _l("Choose one of the options in the list."),
    "Not a valid choice.": _l("Choose one of the options in the list."),
    "Not a valid integer value.": _l("Write a whole number."),
    "Not a valid date value.": _l("Enter the date as YYYY-MM-DD."),
}


class _FieldMessages:
    """The translations object WTForms asks for its built-in messages."""

    def gettext(self, string: str) -> str:
        if string in _FIELD_MESSAGES:
            return str(_FIELD_MESSAGES[string])
        return wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wtforms_translations.ngettext(singular, plural, n)


class Form(FlaskForm):
    """The base of every form in the app: WTForms' messages for unreadable values in our words,
    and one message for such a value (not also those of validators that cannot judge it)."""

    class Meta:
        def get_translations(self, form: Any) -> _FieldMessages:
            return _FieldMessages()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            typed = field.raw_data and str(field.raw_data[0]).strip()
            if field.process_errors and typed:
                field.errors = list(field.process_errors)
        return valid


class ActionForm(Form):
    """A form with no fields: a button that changes state (it still carries the CSRF token)."""


class SingleLine:
    """Refuses line breaks and other control characters in a one-line field (a name, a title):
    they have no place there and would break the mail headers such values end up in."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and has_control_characters(field.data):
            raise ValidationError(
                self.message or _l("Write this on one line, without line breaks or tabs.")
            )


class DayField(DateField):
    """A YYYY-MM-DD date field that ignores spaces around the date (a pasted or typed date
    often ends in one)."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata([v.strip() if isinstance(v, str) else v for v in valuelist])


class NewPasswordMixin:
    password = PasswordField(
        _l("New password"),
        # InputRequired, not DataRequired: a password of only spaces gets its own message below
        validators=[InputRequired(message=_l("Enter a password."))],
        description=_l("At least 12 characters. A sentence of several words is easy to remember."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field) -> None:
        problem = password_problem(field.data or "")
        if problem == "blank":
            raise ValidationError(_l("The password cannot be only spaces."))
        if problem == "too_short":
            raise ValidationError(_l("The password must be at least 12 characters long."))


__all__ = [
    "ActionForm",
    "DayField",
    "Form",
    "Length",
    "NewPasswordMixin",
    "SingleLine",
    "lf_newlines",
]
