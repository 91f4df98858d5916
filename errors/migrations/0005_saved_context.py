"""Saved log context: lines copied out of Loki, and who may save them or run raw LogQL."""

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

READ, SAVE = "view_savedcontext", "add_savedcontext"
GRANTS = {
    "viewer": [READ],
    "triager": [READ, SAVE],
    "admin": [READ, SAVE, "change_savedcontext", "delete_savedcontext", "run_raw_logql"],
}


def grant_roles(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Roles are groups (0003): viewers read saved lines, triagers save, admins run raw LogQL."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("errors")
    app_config.models_module = True  # type: ignore[assignment]
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        permissions = permission_model.objects.filter(
            content_type__app_label="errors", codename__in=codenames
        )
        for group in group_model.objects.filter(name=name):
            group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("errors", "0004_loki_sources_events"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SavedContext",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.TextField(
                        choices=[
                            ("first", "First occurrence"),
                            ("regression", "Regression"),
                            ("manual", "Saved by hand"),
                        ]
                    ),
                ),
                ("anchor_ns", models.BigIntegerField(help_text="The occurrence's Loki timestamp")),
                ("stream_labels", models.JSONField(blank=True, default=dict)),
                ("source", models.TextField(blank=True, default="", help_text="Loki source name")),
                ("query", models.TextField(help_text="The LogQL that read the lines")),
                ("start_ns", models.BigIntegerField()),
                ("end_ns", models.BigIntegerField()),
                (
                    "streams",
                    models.JSONField(default=list, help_text="Label sets, referenced by index"),
                ),
                (
                    "lines",
                    models.JSONField(
                        default=list, help_text='[["<ns>", stream index, "line", {metadata}], ...]'
                    ),
                ),
                ("saved_at", models.DateTimeField(auto_now_add=True)),
                (
                    "error",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_contexts",
                        to="errors.errorgroup",
                    ),
                ),
                (
                    "occurrence",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="saved_contexts",
                        to="errors.occurrence",
                    ),
                ),
                (
                    "saved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-saved_at"],
                "permissions": [("run_raw_logql", "Can run raw LogQL in the log explorer")],
                "indexes": [
                    models.Index(fields=["error", "-anchor_ns"], name="saved_error_anchor")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("occurrence", "reason"), name="saved_occurrence_reason"
                    )
                ],
            },
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
