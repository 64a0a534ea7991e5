from django.db import migrations

from akrim.controls.seed import seed_checklists


def forward(apps, schema_editor):
    seed_checklists(
        {
            "Agency": apps.get_model("organisation", "Agency"),
            "Checklist": apps.get_model("controls", "Checklist"),
            "ChecklistVersion": apps.get_model("controls", "ChecklistVersion"),
        }
    )


class Migration(migrations.Migration):
    dependencies = [
        ("controls", "0002_fieldwork_follow_up"),
        ("organisation", "0002_seed_reference_data"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
