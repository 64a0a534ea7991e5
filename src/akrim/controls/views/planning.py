"""Pages of joint controls: the list, planning, the control page and its lifecycle."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
