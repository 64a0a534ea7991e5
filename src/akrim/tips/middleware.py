"""Forget who is asking, on the public tip and survey pages, before any other middleware runs.

``public_views.forget_client`` already strips the address and browser headers when a tip
view starts; placed first in ``MIDDLEWARE``, this does the same for everything before it
(other middleware, errors raised there). Other paths are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from akrim.tips.public_views import forget

TIP_PATH = re.compile(r"^/[a-z]{2}/(tip|survey)/")  # the tip form and the public surveys


class ForgetClientMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if TIP_PATH.match(request.path_info):
            forget(request)
        return self.get_response(request)
