"""Helpers shared by every area's forms, and how a refused form is shown again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask import g, has_request_context
from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField
from wtforms.fields.choices import SelectChoice, SelectField
from wtforms.widgets import CheckboxInput, ListWidget

from core.errors import DomainError, StaleEdit, ValidationError

NOT_COMPARED = frozenset({"csrf_token", "lock_version"})


class Form(FlaskForm):
    """Every form of the app: WTForms' own messages in Chinese (整数、日期 …).

    When a service refuses the submission (``app.errors`` runs the view again with
    ``g.refusal``), the first form the view builds shows the refusal: the user's input
    stays, each message sits on its field, and after a stale edit the form carries the
    values saved meanwhile (``saved``) and the current ``lock_version``, so the user can
    compare and submit again to apply theirs.
    """

    class Meta:
        locales = ("zh",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved: dict[str, str] = {}
        self.refusal: DomainError | None = None  # the refusal this form is showing, if any
        if has_request_context() and g.get("refusal") is not None and not g.get("refusal_shown"):
            g.refusal_shown = True
            self._show_refusal(g.refusal, kwargs.get("obj"))

    def validate_on_submit(self, extra_validators: Any = None) -> bool:
        if has_request_context() and g.get("refusal") is not None:
            return False  # the refused submission is being shown again, not re-run
        return super().validate_on_submit(extra_validators)

    def validated(self) -> Form:
        """For a form posted by a button on another page: invalid input is refused like a
        service refusal (the message flashed on the page the user came from), never dropped."""
        if not self.validate_on_submit():
            raise ValidationError({name: messages[0] for name, messages in self.errors.items() if messages}
                                  or "提交的内容无效，请刷新页面后重试。")
        return self

    def _show_refusal(self, refusal: DomainError, saved: Any) -> None:
        self.refusal = refusal
        if isinstance(refusal, ValidationError):
            show_errors(self, refusal)
            return
        message = refusal.message
        if isinstance(refusal, StaleEdit) and saved is not None:
            self.saved = {name: shown(field, getattr(saved, name)) for name, field in self._fields.items()
                          if name not in NOT_COMPARED and hasattr(saved, name)
                          and shown(field, getattr(saved, name)) != shown(field, field.data)}
            if "lock_version" in self._fields:
                self._fields["lock_version"].data = str(saved.lock_version)
            message += "您填写的内容仍在下方；与他人保存不同之处已标出。确认无误后再次提交，将以您的内容为准。"
        self.form_errors.append(message)


def shown(field: Field, value: Any) -> str:
    """A value as a reader compares it: a choice by its label, a date as 2026-04-30."""
    if value is None:
        return ""
    if isinstance(field, SelectField):
        for choice in field.iter_choices():
            if str(choice[0]) == str(value):
                return str(choice[1])
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return "、".join(sorted(str(v) for v in value))
    return str(value)


def form_status(form: FlaskForm) -> int:
    """422 when the page re-shows a form with errors, else 200."""
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
