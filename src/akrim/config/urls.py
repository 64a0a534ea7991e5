"""Top-level URL map."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, register_converter

from akrim.api.api import api
from akrim.core.i18n import PortalLanguageConverter

register_converter(PortalLanguageConverter, "portal_lang")

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The public portal: /<code>/ for each portal language. Tried before the staff pages;
    # a path it does not know falls through to them (/sv/controls/ ...).
    path("<portal_lang:lang>/", include("akrim.portal.public_urls")),
    path("<portal_lang:lang>/tip/", include("akrim.tips.public_urls")),
    path("<portal_lang:lang>/survey/", include("akrim.campaigns.public_urls")),
]
urlpatterns += i18n_patterns(
    path("", include("akrim.organisation.urls")),
    path("accounts/", include("akrim.accounts.urls")),
    path("registry/", include("akrim.registry.urls")),
    path("audit/", include("akrim.audit.urls")),
    path("access/", include("akrim.access.urls")),
    path("controls/", include("akrim.controls.urls")),
    path("targeting/", include("akrim.targeting.urls")),
    path("reports/", include("akrim.reporting.urls")),
    path("training/", include("akrim.training.urls")),
    path("portal/", include("akrim.portal.urls")),
    path("tips/", include("akrim.tips.urls")),
    path("methods/", include("akrim.methods.urls")),
    path("partners/", include("akrim.partners.urls")),
    path("campaigns/", include("akrim.campaigns.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

handler400 = "akrim.core.views.bad_request"
handler403 = "akrim.core.views.permission_denied"
handler404 = "akrim.core.views.page_not_found"
handler500 = "akrim.core.views.server_error"
