"""Staff pages of campaigns: the list and planning, a campaign (materials, activities,
experience, surveys), a survey (questions, translations, versions, waves, panel import),
the evaluation and its PDF, the experience log search. Thin: parse, call one service or
query, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akrim.campaigns import imports, policies, queries, services, surveys
from akrim.campaigns.evaluation import evaluate, responses_csv
from akrim.campaigns.models import (
    SNI_SECTIONS,
    Aim,
    Channel,
    Group,
    MaterialKind,
    Phase,
    QuestionKind,
    TargetKind,
)
from akrim.campaigns.report import evaluation_context, evaluation_pdf
from akrim.core.errors import InvalidInput, NotFound
from akrim.core.http import domain_errors_as_pages
from akrim.core.i18n import portal_languages
from akrim.core.parse import iso_date, whole_number
from akrim.core.requests import actor_from_request
from akrim.organisation.models import Agency, Centre

MAX_LIST = 50
View = Callable[..., HttpResponse]


def readers_only(view: View) -> View:
    """Not found for anyone who may not see campaigns, before any input is parsed (so
    nothing about campaigns shows to them, not even a validation message)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policies.may_read(actor_from_request(request)):
            raise NotFound()
        return view(request, *args, **kwargs)

    return wrapper


def _int(value: str, field: str, *, optional: bool = False) -> int | None:
    if not value.strip() and optional:
        return None
    return whole_number(value, field, max_digits=13, grouped=True)  # "100 000" as people write it


def _count(value: str, field: str) -> int:
    return _int(value or "0", field) or 0


def _float(value: str, field: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) <= 20:
            return float(value.replace(",", "."))
    except ValueError:
        pass
    raise InvalidInput("%(field)s must be a number.", field=field)


def _list(post: QueryDict, name: str) -> list[str]:
    return [v[:20] for v in post.getlist(name)[:MAX_LIST]]


def _plan(post: QueryDict) -> services.Plan:
    return services.Plan(
        name=post.get("name", ""),
        summary=post.get("summary", ""),
        aim=post.get("aim", "")[:20],
        target_kind=post.get("target_kind", "")[:20],
        target_details=post.get("target_details", ""),
        target_languages=_list(post, "target_languages"),
        target_industries=_list(post, "target_industries"),
        centres=_list(post, "centres"),
        comparison_centres=_list(post, "comparison_centres"),
        starts_on=iso_date(post.get("starts_on", ""), _("The start")),
        ends_on=iso_date(post.get("ends_on", ""), _("The end")),
        channels=_list(post, "channels"),
        budget_sek=_int(post.get("budget_sek", ""), _("The budget"), optional=True),
        cost_sek=_int(post.get("cost_sek", ""), _("The cost"), optional=True),
        agencies=_list(post, "agencies"),
    )


def _choices() -> dict[str, object]:
    return {
        "aims": Aim.choices,
        "target_kinds": TargetKind.choices,
        "channels": Channel.choices,
        "portal_langs": [(code, names[1]) for code, names in portal_languages().items()],
        "industries": SNI_SECTIONS,
        "centres": list(Centre.objects.order_by("name").values_list("code", "name")),
        "agencies": list(Agency.objects.order_by("code").values_list("code", "name_en")),
        "material_kinds": MaterialKind.choices,
        "question_kinds": QuestionKind.choices,
        "phases": Phase.choices,
        "groups": Group.choices,
    }


def _detail(id: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("campaigns:detail", args=[id]) + anchor)


@login_required
@require_GET
@domain_errors_as_pages
@readers_only
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return render(
        request,
        "campaigns/index.html",
        {"campaigns": queries.list_campaigns(actor=actor), "may_plan": policies.may_plan(actor)}
        | _choices(),
    )


@login_required
@require_POST
@domain_errors_as_pages
@readers_only
def plan(request: HttpRequest) -> HttpResponse:
    campaign = services.plan_campaign(actor=actor_from_request(request), plan=_plan(request.POST))
    return _detail(campaign.pk)


@login_required
@require_GET
@domain_errors_as_pages
@readers_only
def detail(request: HttpRequest, id: int) -> HttpResponse:
    page = queries.campaign_page(actor=actor_from_request(request), id=id)
    return render(request, "campaigns/detail.html", {"p": page, "c": page.campaign} | _choices())


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
@readers_only
def edit(request: HttpRequest, id: int) -> HttpResponse:
    actor = actor_from_request(request)
    if request.method == "POST":
        services.update_campaign(actor=actor, campaign_id=id, plan=_plan(request.POST))
        return _detail(id)
    page = queries.campaign_page(actor=actor, id=id)
    if not page.may_edit:
        raise NotFound()
    return render(request, "campaigns/edit.html", {"c": page.campaign} | _choices())


@login_required
@require_POST
@domain_errors_as_pages
@readers_only
def add_material(request: HttpRequest, id: int) -> HttpResponse:
    post = request.POST
    services.add_material(
        actor=actor_from_request(request),
        campaign_id=id,
        language=post.get("language", "")[:5],
        kind=post.get("kind", "")[:10],
        title=post.get("title", ""),
        page_slug=post.get("page_slug", "")[:100],
    )
    return _detail(id, "#materials")


@login_required
@require_POST
@domain_errors_as_pages
@readers_only
def log_activity(request: HttpRequest, id: int) -> HttpResponse:
    post = request.POST
    services.log_activity(
        actor=actor_from_request(request),
        campaign_id=id,
        day=iso_date(post.get("day", ""), _("The date")),
        channel=post.get("channel", "")[:12],
        centre=post.get("centre", "")[:20],
        description=post.get("description", ""),
        impressions=_count(post.get("impressions", ""), _("Impressions")),
        leaflets=_count(post.get("leaflets", ""), _("Leaflets")),
        people_spoken_to=_count(post.get("people_spoken_to", ""), _("People spoken to")),
    )
    return _detail(id, "#activities")


@login_required
@require_POST
@domain_errors_as_pages
@readers_only
def add_experience(request: HttpRequest, id: int) -> HttpResponse:
    post = request.POST
    services.add_experience(
        actor=actor_from_request(request),
        campaign_id=id,
        group=post.get("group", ""),
        tried=post.get("tried", ""),
        reached_how=post.get("reached_how", ""),
        worked=post.get("worked", ""),
        did_not_work=post.get("did_not_work", ""),
        recorded_on=iso_date(post.get("recorded_on", ""), _("The date")),
    )
    return _detail(id, "#experience")


@login_required
@require_GET
@domain_errors_as_pages
@readers_only
def experience(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    text = request.GET.get("q", "")[:200]
    return render(
        request,
        "campaigns/experience.html",
        {
            "entries": queries.search_experience(actor=actor, text=text).prefetch_related(
                "used_in_versions__method"
            ),
            "q": text,
        },
    )


@login_required
@require_POST
@domain_errors_as_pages
@readers_only
def create_survey(request: HttpRequest, id: int) -> HttpResponse:
    survey = surveys.create_survey(
        actor=actor_from_request(request), campaign_id=id, title=request.POST.get("title", "")
    )
    return HttpResponseRedirect(reverse("campaigns:survey", args=[id, survey.pk]))


def _survey_page(
    request: HttpRequest,
    id: int,
    survey_id: int,
    extra: dict[str, object] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = queries.survey_page(actor=actor_from_request(request), campaign_id=id, id=survey_id)
    base = request.build_absolute_uri("/")[:-1]
    return render(
        request,
        "campaigns/survey.html",
        {"p": page, "c": page.campaign, "base": base} | _choices() | (extra or {}),
        status=status,
    )


@login_required
@require_GET
@domain_errors_as_pages
@readers_only
def survey(request: HttpRequest, id: int, survey_id: int) -> HttpResponse:
    return _survey_page(request, id, survey_id)


def _back(id: int, survey_id: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("campaigns:survey", args=[id, survey_id]) + anchor)


@login_required
@require_POST
@domain_errors_as_pages
@readers_only
def add_question(request: HttpRequest, id: int, survey_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    queries.survey_of(actor=actor, campaign_id=id, id=survey_id)
    post = request.POST
    options = [o.strip() for o in post.get("options", "").split(",") if o.strip()]
    labels = [o.strip() for o in post.get("option_labels", "").split("|") if o.strip()]
    surveys.add_question(
        actor=actor,
        survey_id=survey_id,
        spec=surveys.QuestionSpec(
            code=post.get("code", "").strip()[:60],
            kind=post.get("kind", "")[:10],
            language=post.get("language", "")[:5],
            text=post.get("text", ""),
            options=options[:MAX_LIST],
            option_labels=labels[:MAX_LIST],
            scale_points=_int(post.get("scale_points", "") or "5", _("Scale points")) or 5,
            min_value=_float(post.get("min_value", ""), _("The lowest number")),
            max_value=_float(post.get("max_value", ""), _("The highest number")),
            required=post.get("required") == "on",
        ),
    )
    return _back(id, survey_id, "#questions")


@login_required
@require_POST
@domain_errors_as_pages
@readers_only
def translate_question(
    request: HttpRequest, id: int, survey_id: int, question_id: int
) -> HttpResponse:
    actor = actor_from_request(request)
    survey_row = queries.survey_of(actor=actor, campaign_id=id, id=survey_id)
    if not survey_row.versions.filter(questions__pk=question_id).exists():
        raise NotFound()
    post = request.POST
    surveys.translate_question(
        actor=actor,
        question_id=question_id,
        language=post.get("language", "")[:5],
        text_=post.get("text", ""),
        option_labels=[o.strip() for o in post.get("option_labels", "").split("|") if o.strip()][
            :MAX_LIST
        ],
    )
    return _back(id, survey_id, "#questions")


@login_required
@require_POST
@domain_errors_as_pages
@readers_only
def new_version(request: HttpRequest, id: int, survey_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    queries.survey_of(actor=actor, campaign_id=id, id=survey_id)
    surveys.new_version(actor=actor, survey_id=survey_id)
    return _back(id, survey_id, "#questions")


@login_required
@require_POST
@domain_errors_as_pages
@readers_only
def open_wave(request: HttpRequest, id: int, survey_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    queries.survey_of(actor=actor, campaign_id=id, id=survey_id)
    post = request.POST
    surveys.open_wave(
        actor=actor,
        survey_id=survey_id,
        phase=post.get("phase", "")[:10],
        group=post.get("group", "")[:12],
        opens_on=iso_date(post.get("opens_on", ""), _("The opening day")),
        closes_on=iso_date(post.get("closes_on", ""), _("The closing day")),
    )
    return _back(id, survey_id, "#waves")


@login_required
@require_POST
@domain_errors_as_pages
@readers_only
def import_panel(request: HttpRequest, id: int, survey_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    queries.survey_of(actor=actor, campaign_id=id, id=survey_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput("Choose a CSV file to import.")
    content = upload.read(imports.MAX_BYTES + 1)  # one byte more is enough to refuse it
    try:
        result = imports.import_panel(
            actor=actor, survey_id=survey_id, content=content, filename=upload.name or ""
        )
    except imports.PanelRefused as refused:
        return _survey_page(
            request,
            id,
            survey_id,
            {"refused": refused.message, "problems": refused.problems},
            status=400,
        )
    return _survey_page(request, id, survey_id, {"imported": result})


@login_required
@require_GET
@domain_errors_as_pages
@readers_only
def evaluation(request: HttpRequest, id: int) -> HttpResponse:
    result = evaluate(actor=actor_from_request(request), campaign_id=id)
    return render(request, "campaigns/evaluation.html", evaluation_context(result))


@login_required
@require_GET
@domain_errors_as_pages
@readers_only
def evaluation_report(request: HttpRequest, id: int) -> HttpResponse:
    name, pdf = evaluation_pdf(actor=actor_from_request(request), campaign_id=id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
@domain_errors_as_pages
@readers_only
def survey_responses(request: HttpRequest, id: int, survey_id: int) -> HttpResponse:
    """The before/after responses as ``akrim survey analyse`` reads them."""
    name, text = responses_csv(
        actor=actor_from_request(request), campaign_id=id, survey_id=survey_id
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
