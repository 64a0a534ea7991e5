from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from akrim.access.services import REASON_MAX, REASON_MIN


class BreakGlassForm(forms.Form):
    object_type = forms.ChoiceField(
        label=_("Kind of record"),
        choices=[
            ("company", _("Company (org. number)")),
            ("person", _("Person (person id)")),
            ("workplace", _("Workplace (id)")),
        ],
    )
    key = forms.CharField(label=_("Number or id"), max_length=40)
    reason = forms.CharField(
        label=_("Why you need to open it now"),
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    code = forms.RegexField(
        label=_("Code from your authenticator app"), regex=r"^\d{6}$", max_length=6
    )


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=[("justified", _("Justified")), ("unjustified", _("Not justified"))]
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
