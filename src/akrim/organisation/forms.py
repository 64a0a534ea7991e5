from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
