"""The four courses of the assignment."""

from typing import Any

from django.db import migrations

COURSES = [
    (
        "trafficking-indicators",
        "Att känna igen människohandel för arbetskraftsexploatering",
        "Recognising human trafficking for labour",
        "The ILO indicators of forced labour, talking to workers, what to do on signs.",
        ["inspector", "analyst", "coordinator"],
        ["POL", "AV", "JAMY"],
        24,
    ),
    (
        "staff-ledger-control",
        "Kontroll av personalliggare",
        "Staff-ledger control",
        "Checking the staff ledger on site against the people present.",
        ["inspector"],
        ["SKV"],
        36,
    ),
    (
        "joint-control-method",
        "Metod för gemensam kontroll",
        "Joint-control method",
        "Planning, preparing, carrying out and following up a joint control.",
        ["inspector", "coordinator"],
        ["AV", "SKV", "POL"],
        36,
    ),
    (
        "inspector-safety",
        "Säkerhet för inspektörer",
        "Inspector safety",
        "Risk assessment before a control, conduct on site, withdrawing safely.",
        ["inspector"],
        ["POL", "AV"],
        12,
    ),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Course = apps.get_model("training", "Course")
    Agency = apps.get_model("organisation", "Agency")
    for code, title_sv, title_en, content, roles, agencies, months in COURSES:
        course, _ = Course.objects.update_or_create(
            code=code,
            defaults={
                "title_sv": title_sv,
                "title_en": title_en,
                "content": content,
                "target_roles": roles,
                "validity_months": months,
            },
        )
        course.agencies.set(Agency.objects.filter(code__in=agencies))


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("training", "Course").objects.filter(
        code__in=[row[0] for row in COURSES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("organisation", "0002_seed_reference_data"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
