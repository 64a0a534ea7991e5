"""Pages of reporting: the dashboard (charts with their tables, CSV/XLSX of each table),
the reports (narrative in versions, sign-off) and the PDF/XLSX downloads. Thin: parse,
call one query or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akrim.controls.stats import centre_choices
from akrim.core.errors import InvalidInput
from akrim.core.http import domain_errors_as_pages
from akrim.core.requests import actor_from_request
from akrim.organisation.models import Agency
from akrim.reporting import figures as fig
from akrim.reporting import services
from akrim.reporting.build import build
from akrim.reporting.exports import table_csv, tables_xlsx
from akrim.reporting.models import Report, ReportKind
from akrim.reporting.sections import BY_SLUG, SECTIONS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INDUSTRIES = [chr(c) for c in range(ord("A"), ord("U") + 1)]


def _dashboard(request: HttpRequest) -> tuple[fig.Filters, fig.Figures]:
    actor = actor_from_request(request)
    fig.check_may_read(actor=actor)
    filters = fig.parse_filters(request.GET)
    return filters, fig.dashboard(filters, actor=actor)


@login_required
@require_GET
@domain_errors_as_pages
def dashboard(request: HttpRequest) -> HttpResponse:
    filters, figures = _dashboard(request)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "filters": filters,
            "tables": fig.with_charts(figures.tables),
            "query": urlencode(filters.query()),
            "centres": centre_choices(),
            "agencies": list(Agency.objects.order_by("code").values_list("code", "name_en")),
            "industries": INDUSTRIES,
        },
    )


@login_required
@require_GET
@domain_errors_as_pages
def dashboard_table(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    filters, figures = _dashboard(request)
    tables = {t.name: t for t in figures.tables}
    if name not in tables:
        raise Http404
    stem = f"akrim-{name}-{filters.start:%Y%m}-{filters.last_month.replace('-', '')}"
    if fmt == "csv":
        response = HttpResponse(table_csv(tables[name]), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(tables_xlsx([tables[name]]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def report_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    fig.check_may_read(actor=actor)
    error = ""
    if request.method == "POST":
        try:
            raw_cutoff = (request.POST.get("cutoff") or "").strip()
            try:
                cutoff = dt.date.fromisoformat(raw_cutoff) if raw_cutoff else timezone.localdate()
            except ValueError:
                raise InvalidInput(_("Give the cut-off date as YYYY-MM-DD.")) from None
            report = services.create_report(
                actor=actor,
                kind=request.POST.get("kind", ""),
                period=request.POST.get("period", "")[:10],
                cutoff=cutoff,
            )
            return redirect("reporting:detail", report_id=report.pk)
        except InvalidInput as invalid:
            error = invalid.message
    response = render(
        request,
        "reporting/list.html",
        {
            "reports": Report.objects.all(),
            "kinds": ReportKind.choices,
            "may_write": actor.has_role(*services.WRITERS),
            "error": error,
        },
    )
    if error:
        response.status_code = 400
    return response


@login_required
@require_GET
@domain_errors_as_pages
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    report = services.get_report(actor=actor, report_id=report_id)
    latest = services.latest_narratives(report)
    signed = {s.agency.code: s for s in report.signoffs.select_related("agency")}
    participants = services.participants(report)
    return render(
        request,
        "reporting/detail.html",
        {
            "report": report,
            "sections": [(s, latest.get(s.slug)) for s in SECTIONS],
            "signed": signed,
            "participants": [(code, signed.get(code)) for code in participants],
            "may_write": actor.has_role(*services.WRITERS),
            "may_sign": bool(
                actor.agency
                and actor.agency in participants
                and actor.agency not in signed
                and "coordinator" in actor.roles
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def edit_section(request: HttpRequest, report_id: int, section: str) -> HttpResponse:
    actor = actor_from_request(request)
    report = services.get_report(actor=actor, report_id=report_id)
    services.check_may_write(actor=actor)
    if section not in BY_SLUG:
        raise Http404
    error = ""
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.save_narrative(actor=actor, report_id=report.pk, section=section, text=text)
            return redirect(reverse("reporting:detail", args=[report.pk]) + f"#s-{section}")
        except InvalidInput as invalid:
            error = invalid.message
    versions = list(report.narratives.filter(section=section).order_by("-number"))
    if not text and versions:
        text = versions[0].text
    response = render(
        request,
        "reporting/edit.html",
        {
            "report": report,
            "section": BY_SLUG[section],
            "versions": versions,
            "text": text,
            "error": error,
            "max_text": services.MAX_TEXT,
        },
    )
    if error:
        response.status_code = 400
    return response


@login_required
@require_POST
@domain_errors_as_pages
def sign(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    services.sign_off(actor=actor, report_id=report_id)
    return redirect("reporting:detail", report_id=report_id)


@login_required
@require_GET
@domain_errors_as_pages
def download(request: HttpRequest, report_id: int, fmt: str) -> HttpResponse:
    actor = actor_from_request(request)
    report = services.get_report(actor=actor, report_id=report_id)
    built = build(
        actor=actor,
        kind=report.kind,
        period=report.period,
        cutoff=report.cutoff,
        narratives={s: v.text for s, v in services.latest_narratives(report).items()},
        signoffs={s.agency.code: s.username for s in report.signoffs.select_related("agency")},
    )
    stem = f"akrim-{report.kind}-{report.period}"
    if fmt == "pdf":
        response = HttpResponse(built.pdf(), content_type="application/pdf")
    else:
        response = HttpResponse(built.xlsx(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
