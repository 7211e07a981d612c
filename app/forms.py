"""Helpers shared by every area's forms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from core.errors import ValidationError


class Form(FlaskForm):
    """Every form of the app: WTForms' own messages in Chinese (整数、日期 …)."""

    class Meta:
        locales = ("zh",)


def form_status(form: FlaskForm) -> int:
    """422 when the page re-shows a form with errors (so nothing commits), else 200."""
    return 422 if form.errors or form.form_errors else 200


def show_errors(form: FlaskForm, exc: ValidationError) -> None:
    """Put a service's field messages on the form; the rest go on top of the form."""
    for name, message in exc.errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


class ActionForm(Form):
    """A bare form for POST buttons (it carries the CSRF token)."""


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice drawn as checkboxes (roles, industries)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(pairs: Iterable[tuple[Any, str]], group: str | None = None) -> list[SelectChoice]:
    """``(value, label)`` pairs as select options, optionally inside one ``<optgroup>``."""
    return [SelectChoice(value, label, optgroup=group) for value, label in pairs]
