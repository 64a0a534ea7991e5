from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from akrim.audit.models import LogCheck
from akrim.audit.services import NOTE_MAX


class LogCheckForm(forms.Form):
    week = forms.DateField(
        label=_("A day in the week to check"), widget=forms.DateInput(attrs={"type": "date"})
    )


class SignOffForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=LogCheck.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (required when there are findings)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
