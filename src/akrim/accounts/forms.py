"""Login and two-factor forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """The six-digit code from the authenticator app."""

    code = forms.RegexField(
        regex=r"^\d{6}$",
        max_length=6,
        label=_("Code from your authenticator app"),
        error_messages={"invalid": _("Enter the six digits shown in your app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
