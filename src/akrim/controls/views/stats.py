"""Pages of joint controls: stats (filled in by its slice)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
