"""Information campaigns: plan, materials, activities and reach, the experience log, and
the surveys that evaluate them (questions in versions, translations, waves, anonymous
responses).

A survey response is anonymous by construction: it holds the wave, the language it was
answered in, the day and (for a panel import) a weight, never an IP address, a user
agent, a cookie or a name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from akrim.organisation.models import Agency, Centre

SNI_SECTIONS = tuple(chr(c) for c in range(ord("A"), ord("U") + 1))


class Aim(models.TextChoices):
    KNOWLEDGE = "knowledge", _("knowledge")
    ATTITUDE = "attitude", _("attitude")
    BEHAVIOUR = "behaviour", _("behaviour")


class TargetKind(models.TextChoices):
    PUBLIC = "public", _("the public")
    CONSUMERS = "consumers", _("consumers")
    EMPLOYERS = "employers", _("employers in an industry")
    WORKERS = "workers", _("workers of given languages and industries")


class Channel(models.TextChoices):
    TV = "tv", _("TV")
    RADIO = "radio", _("radio")
    SOCIAL = "social", _("social media")
    PRINT = "print", _("print")
    OUTREACH = "outreach", _("outreach at workplaces")
    PORTAL = "portal", _("portal pages")
    LEAFLETS = "leaflets", _("leaflets handed out at controls")


class Campaign(models.Model):
    """A joint information campaign (informationskampanj) of the agencies."""

    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    aim = models.CharField(max_length=12, choices=Aim.choices)
    target_kind = models.CharField(max_length=12, choices=TargetKind.choices)
    target_details = models.TextField(blank=True)
    target_languages = models.JSONField(default=list)  # portal language codes
    target_industries = models.JSONField(default=list)  # SNI sections A–U
    centres = models.ManyToManyField(Centre, related_name="campaigns")  # the regions
    comparison_centres = models.ManyToManyField(Centre, related_name="+", blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    channels = models.JSONField(default=list)  # Channel values
    budget_sek = models.PositiveBigIntegerField(null=True, blank=True)
    cost_sek = models.PositiveBigIntegerField(null=True, blank=True)
    agencies = models.ManyToManyField(Agency, related_name="campaigns")  # responsible
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(aim__in=Aim.values), name="campaign_aim_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class MaterialKind(models.TextChoices):
    LEAFLET = "leaflet", _("leaflet")
    POSTER = "poster", _("poster")
    VIDEO = "video", _("video")
    AUDIO = "audio", _("radio spot")
    SOCIAL = "social", _("social media post")
    PAGE = "page", _("portal page")
    OTHER = "other", _("other")


class Material(models.Model):
    """A campaign material in one language, optionally a portal page (whose visits count
    for the campaign's reach)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="materials")
    language = models.CharField(max_length=2)  # portal language code
    kind = models.CharField(max_length=8, choices=MaterialKind.choices)
    title = models.CharField(max_length=200)
    page = models.ForeignKey(
        "portal.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["campaign", "language", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class Activity(models.Model):
    """One campaign activity with its reach figures."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    day = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    centre = models.ForeignKey(
        Centre, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=300, blank=True)
    impressions = models.PositiveBigIntegerField(default=0)
    leaflets = models.PositiveIntegerField(default=0)  # leaflets handed out
    people_spoken_to = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["campaign", "day", "id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.channel} {self.day}"


class ExperienceEntry(models.Model):
    """What was learnt reaching vulnerable workers: what was tried, how the group was
    reached, what worked and what did not (the experience log, erfarenhetslogg)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="experiences")
    group = models.CharField(max_length=200)  # the group tried to reach
    tried = models.TextField()
    reached_how = models.TextField()
    worked = models.TextField(blank=True)
    did_not_work = models.TextField(blank=True)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name_plural = "experience entries"

    def __str__(self) -> str:
        return f"{self.group} ({self.recorded_on})"


# --- surveys ---------------------------------------------------------------------------


class Survey(models.Model):
    """A campaign's survey; its questions live in versions."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "id"]

    def __str__(self) -> str:
        return self.title


class SurveyVersion(models.Model):
    """A numbered set of questions. Frozen (``frozen_at`` set) once a wave uses it; a
    frozen version never changes, a change makes the next version."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    frozen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    LIKERT = "likert", _("Likert scale")
    NUMBER = "number", _("number")
    TEXT = "text", _("free text")


class Question(models.Model):
    """One question of a version. ``code`` names it in CSV files and across versions;
    ``options`` are the codes of a choice question's options."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    kind = models.CharField(max_length=8, choices=QuestionKind.choices)
    options = models.JSONField(default=list)  # option codes (single, multiple)
    scale_points = models.PositiveSmallIntegerField(default=5)  # Likert: 1..scale_points
    min_value = models.FloatField(null=True, blank=True)  # number
    max_value = models.FloatField(null=True, blank=True)
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="question_code_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=QuestionKind.values), name="question_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class QuestionTranslation(models.Model):
    """A question's text (and option labels, in the order of ``Question.options``) in one
    portal language."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=2)
    text = models.CharField(max_length=500)
    option_labels = models.JSONField(default=list)

    class Meta:
        ordering = ["question", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "language"], name="question_translation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question} [{self.language}]"


class Phase(models.TextChoices):
    BEFORE = "before", _("before")
    DURING = "during", _("during")
    AFTER = "after", _("after")


class Group(models.TextChoices):
    CAMPAIGN = "campaign", _("campaign regions")
    COMPARISON = "comparison", _("comparison regions")


class PanelFile(models.Model):
    """A panel file imported into a survey, by its SHA-256: the same file is refused a
    second time (its responses would count twice)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="panel_files")
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "sha256"], name="panel_file_once")]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.sha256[:12]}"


class Wave(models.Model):
    """A sampling wave: a phase, a group, the days it is open and its public link
    (``/<language>/survey/<token>/``). A wave uses the survey's latest version when it is
    opened and freezes it."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="waves")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="waves")
    phase = models.CharField(max_length=8, choices=Phase.choices)
    group = models.CharField(max_length=10, choices=Group.choices)
    opens_on = models.DateField()
    closes_on = models.DateField()
    token = models.CharField(max_length=32, unique=True)

    class Meta:
        ordering = ["survey", "opens_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="wave_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(phase__in=Phase.values), name="wave_phase_known"
            ),
            models.CheckConstraint(
                condition=models.Q(group__in=Group.values), name="wave_group_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.phase}/{self.group}"


class Source(models.TextChoices):
    LINK = "link", _("public survey link")
    PANEL = "panel", _("panel import")


class Response(models.Model):
    """One anonymous response. ``form_nonce`` makes a public form usable once (it is a
    random value of the form, not of the person); it is empty for imported rows."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    source = models.CharField(max_length=5, choices=Source.choices)
    language = models.CharField(max_length=2, blank=True)
    received_on = models.DateField()  # the day it was sent or imported (no time of day)
    weight = models.FloatField(default=1.0)
    form_nonce = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["wave", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="response_weight_positive"
            )
        ]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Answer(models.Model):
    """The answer to one question: a number (Likert, number), the chosen option codes
    (single and multiple choice) or text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.FloatField(null=True, blank=True)
    choices = models.JSONField(default=list)  # option codes
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "question"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
